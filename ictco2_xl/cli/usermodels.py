"""User models on the command line: every command takes ``--models PATH`` (repeatable; a model file or a
folder of them), and the environment variable ``ICTCO2_MODELS`` (paths separated as in PATH) adds more.
They are loaded before the command runs, so any command that takes a model takes a user model too."""
from __future__ import annotations

import os

ENV = "ICTCO2_MODELS"
HELP = ("a model file (.toml) or a folder of them; repeatable. ICTCO2_MODELS (paths separated by "
        f"{os.pathsep!r}) adds more")


def add_models_option(parser) -> None:
    parser.add_argument("--models", action="append", default=[], metavar="PATH", help=HELP)


def model_paths(args, environ=None) -> list[str]:
    environ = os.environ if environ is None else environ
    from_env = [p for p in environ.get(ENV, "").split(os.pathsep) if p.strip()]
    return [*from_env, *getattr(args, "models", [])]


def load_user_models(args, environ=None) -> list:
    """Load the user models of ``--models`` and ICTCO2_MODELS (raises ModelFileError with every problem)."""
    paths = model_paths(args, environ)
    if not paths:
        return []
    from ..core.modelfile import load_models
    return load_models(*paths)
