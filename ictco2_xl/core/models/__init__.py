"""Registry of every model, in report order: appendix, chapter 4 roll-up, chapter 5 potentials."""
from __future__ import annotations

from ..factors import set_factor_users
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
    raise KeyError(f"unknown model {model_id!r}; models are: {', '.join(MODELS)}")


__all__ = ["MODELS", "get_model", "APPENDIX_MODELS", "ROLLUP_MODELS", "POTENTIAL_MODELS"]


def _factor_users() -> dict[str, list]:
    """For the factor-file loader: which model inputs each factor feeds (their rules apply to it)."""
    users: dict[str, list] = {"__models__": list(MODELS)}
    for m in MODELS.values():
        for inp in m.inputs:
            if inp.factor is not None:
                users.setdefault(inp.factor, []).append((inp.scope or m.id, inp))
    return users


set_factor_users(_factor_users)
