"""Registry of every model: the report's, in report order (appendix, chapter 4 roll-up, chapter 5
potentials), in ``MODELS``; and the user's, loaded from model files (``core/modelfile.py``), in
``USER_MODELS``. :func:`get_model` finds either by id or worksheet-function name."""
from __future__ import annotations

from ..errors import DefinitionError, did_you_mean
from ..factors import set_factor_users
from ..model import Model
from .appendix import APPENDIX_MODELS
from .assessments import REPORT_ASSESSMENTS
from .potentials import POTENTIAL_MODELS
from .rollup import ROLLUP_MODELS

MODELS: dict[str, Model] = {m.id: m for m in (*APPENDIX_MODELS, *ROLLUP_MODELS, *POTENTIAL_MODELS)}
for _m in MODELS.values():
    _m.assessment = REPORT_ASSESSMENTS[_m.id]

#: Models loaded from files, by id, in load order; their file text and origin by id (for worker processes).
USER_MODELS: dict[str, Model] = {}
_SOURCES: dict[str, tuple[str, str]] = {}
#: Worksheet-function names the package itself uses besides the models' (see excel/worksheet.py).
RESERVED_FUNCTION_PREFIX = "ICTCO2_"


def all_models() -> dict[str, Model]:
    """The report's models, then the user's."""
    return {**MODELS, **USER_MODELS}


def function_names(models=None) -> dict[str, str]:
    """Worksheet-function name -> model id."""
    return {fn.name: m.id for m in (models or all_models()).values() for fn in m.worksheet_functions()}


def clash(model: Model) -> str | None:
    """Why a user model cannot join the registry (its id or a worksheet-function name is taken), or None.
    Loading the same file again is no clash: it replaces the earlier version."""
    where = model.origin or model.id
    if model.id in MODELS:
        return f"{where}: id {model.id!r} is one of the report's models; choose another"
    old = USER_MODELS.get(model.id)
    if old is not None and old.origin != model.origin:
        return f"{where}: id {model.id!r} is already loaded from {old.origin}"
    taken = function_names({k: v for k, v in all_models().items() if k != model.id})
    for fn in model.worksheet_functions():
        if fn.name.startswith(RESERVED_FUNCTION_PREFIX):
            return f"{where}: worksheet function {fn.name} uses the reserved prefix {RESERVED_FUNCTION_PREFIX}"
        if fn.name in taken:
            return f"{where}: worksheet function {fn.name} is already model {taken[fn.name]}'s"
    return None


def register_model(model: Model, text: str | None = None) -> Model:
    """Add a user model (``text``: its file, for worker processes); refuses a :func:`clash`."""
    problem = clash(model)
    if problem:
        raise DefinitionError(problem)
    USER_MODELS[model.id] = model
    if text is not None:
        _SOURCES[model.id] = (text, model.origin)
    return model


def unregister_model(model_id: str) -> None:
    USER_MODELS.pop(model_id, None)
    _SOURCES.pop(model_id, None)


def clear_user_models() -> None:
    USER_MODELS.clear()
    _SOURCES.clear()


def model_source(model_id: str) -> tuple[str, str] | None:
    """(file text, origin) of a user model, so another process can load the same definition."""
    return _SOURCES.get(model_id)


def get_model(model_id: str) -> Model:
    """A model by id (e.g. ``fleet_management``) or by worksheet-function name (``LOGISTICS_REDUCTION``)."""
    key = str(model_id).strip()
    models = all_models()
    if key in models:
        return models[key]
    for m in models.values():
        if key.upper() in {f.name for f in m.worksheet_functions()}:
            return m
    names = [*models, *(f.name for m in models.values() for f in m.worksheet_functions())]
    hint = did_you_mean(key, names)
    raise KeyError(f"unknown model {model_id!r}{hint}" if hint else
                   f"unknown model {model_id!r}; models are: {', '.join(models)}")


__all__ = ["MODELS", "USER_MODELS", "get_model", "all_models", "register_model", "unregister_model",
           "clear_user_models", "model_source", "clash", "function_names", "APPENDIX_MODELS", "ROLLUP_MODELS",
           "POTENTIAL_MODELS"]


def _factor_users() -> dict[str, list]:
    """For the factor-file loader: which model inputs each factor feeds (their rules apply to it); user models
    loaded at the time count too."""
    models = all_models()
    users: dict[str, list] = {"__models__": list(models)}
    for m in models.values():
        for inp in m.inputs:
            if inp.factor is not None:
                users.setdefault(inp.factor, []).append((inp.scope or m.id, inp))
    return users


set_factor_users(_factor_users)
