"""Where the worksheet functions find their settings: the user's xlwings.conf (the file the xlwings add-in
reads too) and the environment. Only the models folder is read from here; ``deploy.py`` writes it."""
from __future__ import annotations

import os
import re
from pathlib import Path

ENV = "ICTCO2_MODELS"              # model files or folders, separated as in PATH
MODELS_SETTING = "ICTCO2_MODELS"   # the same, as an xlwings.conf setting
_CONF_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


def user_conf_path() -> Path:
    """Where the xlwings add-in looks for user settings on Windows: %USERPROFILE%\\.xlwings\\xlwings.conf."""
    return Path.home() / ".xlwings" / "xlwings.conf"


def read_conf(path: Path) -> dict[str, str]:
    """The settings of an xlwings.conf (keys upper case); empty if there is none."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return {m.group(1).upper(): m.group(2) for line in text.splitlines() if (m := _CONF_LINE.match(line))}


def configured_paths(environ=None) -> list[str]:
    """The model files or folders configured for the worksheet functions: ``ICTCO2_MODELS`` if set, else the
    user's xlwings.conf setting."""
    environ = os.environ if environ is None else environ
    value = environ.get(ENV)
    if value is None:
        value = read_conf(user_conf_path()).get(MODELS_SETTING, "")
    return [p for p in value.split(os.pathsep) if p.strip()]


__all__ = ["ENV", "MODELS_SETTING", "user_conf_path", "read_conf", "configured_paths"]
