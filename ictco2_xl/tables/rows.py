"""Planning a chunk of rows: which model and factor set each row runs with, which rows cannot run."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import ICTCO2Error, did_you_mean
from ..core.evaluation import validate_frame
from ..core.factors import get_factor_set
from ..core.models import all_models, get_model
from .common import BLANK, ERROR, RESERVED, _show, clean_cell_text, is_blank


@dataclass
class Group:
    """Rows of one chunk that share a model and a factor set: ``frame`` holds 'scenario' and the model's
    input columns the table has (cells as read), indexed by row number."""
    model_id: str
    factor_set: str
    frame: pd.DataFrame


def plan(chunk: pd.DataFrame, default_model: str | None, default_fs: str) -> tuple[list[dict], list[Group]]:
    """Split a chunk by (model, factor set). Rows that cannot run — unreadable, unknown model or factor
    set, a value in a column that is not an input of the row's model — become error records."""
    records: list[dict] = []
    chunk = chunk[~chunk[BLANK].astype(bool)]
    rows = chunk.index.tolist()
    given = chunk["scenario"].tolist() if "scenario" in chunk.columns else [""] * len(rows)
    scenarios = [clean_cell_text(s) or f"scenario {r}" for s, r in zip(given, rows)]
    chunk = chunk.assign(scenario=scenarios)

    def texts(column: str, default: str) -> list[str]:
        if column not in chunk.columns:
            return [default] * len(rows)
        return [clean_cell_text(v) or default for v in chunk[column].tolist()]

    model_texts, fs_texts = texts("model", default_model or ""), texts("factor_set", default_fs)
    models = {t: _find_model(t) for t in set(model_texts)}
    # Only the set the caller gave (default_fs) may be a file; a table's own cells name sets.
    fs_errors = {t: _factor_set_error(t, files=t == default_fs) for t in set(fs_texts)}
    extra = [c for c in chunk.columns if c not in RESERVED and c not in (BLANK, ERROR)]
    filled = {c: [not is_blank(v) for v in chunk[c].tolist()] for c in extra}
    unknown_by_model = {m.id: [c for c in extra if c not in {i.name for i in m.inputs}]
                        for m in models.values() if m is not None}
    row_errors = chunk[ERROR].tolist()
    positions: dict[tuple[str, str], list[int]] = {}
    for pos, (row, model_text, fs_text) in enumerate(zip(rows, model_texts, fs_texts)):
        model = models[model_text]
        base = {"row": row, "scenario": scenarios[pos], "model": model_text, "factor_set": fs_text, "file": "",
                "status": "error"}
        if row_errors[pos]:
            records.append({**base, "message": row_errors[pos]})
            continue
        if model is None:
            hint = did_you_mean(model_text, all_models()) if model_text else ""
            rule = ("is required (a 'model' column or --model)" if not model_text else
                    f"is not a model{hint}" if hint else f"must be one of the models ({', '.join(all_models())})")
            records.append({**base, "message": f"row {row}, column model: {rule}, got {_show(model_text)}"})
            continue
        if fs_errors[fs_text]:
            records.append({**base, "model": model.id, "message": f"row {row}, column factor_set: {fs_errors[fs_text]}"})
            continue
        unknown = [c for c in unknown_by_model[model.id] if filled[c][pos]]
        if unknown:
            c = unknown[0]
            value = chunk[c].iloc[pos]
            if c.startswith("(column "):
                why = f"has a value ({_show(value)}) but no name in row 1 (a saved index column?): name it or delete it"
                records.append({**base, "model": model.id, "message": f"row {row}, {c[1:-1]}: {why}"})
                continue
            names = [i.name for i in model.inputs]
            hint = did_you_mean(c, names) or f" (inputs: {', '.join(sorted(names))})"
            records.append({**base, "model": model.id, "message": f"row {row}, column {c}: is not an input of "
                                                                    f"{model.id}{hint}, got {_show(value)}"})
            continue
        positions.setdefault((model.id, fs_text), []).append(pos)
    groups = []
    for (mid, fs), where in positions.items():
        cols = ["scenario"] + [i.name for i in all_models()[mid].inputs if i.name in chunk.columns]
        groups.append(Group(mid, fs, chunk.iloc[where][cols]))
    return records, groups


def _find_model(text: str):
    try:
        return get_model(text) if text else None
    except KeyError:
        return None


def _factor_set_error(text: str, files: bool) -> str:
    try:
        get_factor_set(text, files=files)
    except ICTCO2Error as exc:
        return str(exc)
    return ""


def check_group(group: Group) -> tuple[pd.DataFrame, list[dict], list[int]]:
    """Validate a group's input cells: (numeric inputs with NaN for blanks, error records, good positions)."""
    model = all_models()[group.model_id]
    frame = group.frame
    numeric, errors = validate_frame(model, frame.drop(columns=["scenario"]), blank_as_default=True)
    rows, scenarios = frame.index.tolist(), frame["scenario"].tolist()
    base = {"model": group.model_id, "factor_set": group.factor_set, "status": "error", "file": ""}
    records = [{**base, "row": rows[pos], "scenario": scenarios[pos],
                "message": f"row {rows[pos]}, column {e.name}: {e.rule}, got {_shown_value(e.value)}"}
               for pos, errs in errors.items() for e in errs]
    good = [pos for pos in range(len(rows)) if pos not in errors]
    return numeric, records, good


def _shown_value(value) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return _show(value)
