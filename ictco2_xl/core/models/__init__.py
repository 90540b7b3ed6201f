"""Registry of every model, in report order: appendix, chapter 4 roll-up, chapter 5 potentials."""
from __future__ import annotations

from ..errors import did_you_mean
from ..model import Model
from .appendix import APPENDIX_MODELS
from .potentials import POTENTIAL_MODELS
from .rollup import ROLLUP_MODELS

MODELS: dict[str, Model] = {m.id: m for m in (*APPENDIX_MODELS, *ROLLUP_MODELS, *POTENTIAL_MODELS)}


def get_model(model_id: str) -> Model:
    """A model by id (e.g. ``fleet_management``) or by worksheet-function name (``LOGISTICS_REDUCTION``)."""
    key = str(model_id).strip()
    if key in MODELS:
        return MODELS[key]
    for m in MODELS.values():
        if key.upper() in {f.name for f in m.worksheet_functions()}:
            return m
    names = [*MODELS, *(f.name for m in MODELS.values() for f in m.worksheet_functions())]
    hint = did_you_mean(key, names)
    raise KeyError(f"unknown model {model_id!r}{hint}" if hint else
                   f"unknown model {model_id!r}; models are: {', '.join(MODELS)}")


__all__ = ["MODELS", "get_model", "APPENDIX_MODELS", "ROLLUP_MODELS", "POTENTIAL_MODELS"]
