"""Computing a whole table without workbooks (``ictco2-xl evaluate``), read and planned as ``batch`` does."""
from __future__ import annotations

import itertools
from typing import Iterator

import numpy as np

from ..core.models import all_models, get_model
from .common import clean_cell_text
from .reader import read_table
from .rows import Group, _find_model, check_group, plan

EVALUATE_FIELDS = ["row", "scenario", "model", "factor_set", "status", "message"]


EVALUATE_CHUNK_ROWS = 20_000   # no workbooks to write: larger chunks amortise validation per column


def evaluate_table(source, model: str | None = None, factor_set: str = "report", chunk_rows: int = EVALUATE_CHUNK_ROWS,
                   encoding: str | None = None) -> tuple[list[str], Iterator[dict]]:
    """Every row of a scenario table computed, as ``batch`` reads it (the table's ``model`` and
    ``factor_set`` columns win over ``model`` and ``factor_set``; a value in a column that is not an input
    of the row's model fails that row). Returns the columns (row, scenario, model, factor_set, status,
    message, then the inputs and steps of every model in the table) and one record per row, in order.

    A step with no finite value holds the error a spreadsheet shows (#DIV/0!, #NUM!) and the message
    says why; if it is the model's primary result, the row's status is 'error'."""
    model_id = get_model(model).id if model else None
    ids: dict[str, None] = {}
    texts: dict[str, None] = {"": None}
    chunks = read_table(source, chunk_rows, encoding)
    first = next(chunks, None)
    if first is not None and "model" in first.columns:   # a first pass: which models the table uses
        for chunk in itertools.chain([first], chunks):
            texts.update(dict.fromkeys(clean_cell_text(t) for t in chunk["model"].unique()))
        chunks = read_table(source, chunk_rows, encoding)
    else:
        chunks = itertools.chain([first] if first is not None else [], chunks)
    for text in texts:
        found = _find_model(text) if text else (all_models()[model_id] if model_id else None)
        if found is not None:
            ids.setdefault(found.id)
    columns = list(EVALUATE_FIELDS)
    for mid in ids:
        m = all_models()[mid]
        columns += [n for n in [i.name for i in m.inputs] + [st.name for st in m.steps] if n not in columns]

    def records():
        for chunk in chunks:
            refused, groups = plan(chunk, model_id, factor_set)
            out = refused
            for group in groups:
                out += _evaluate_group(group)
            yield from sorted(out, key=lambda r: r["row"])
    return columns, records()


def _evaluate_group(group: Group) -> list[dict]:
    from ..core.nonfinite import explain, failures
    model = all_models()[group.model_id]
    numeric, records, good = check_group(group)
    if not good:
        return records
    rows, scenarios = group.frame.index.tolist(), group.frame["scenario"].tolist()
    cols = {c: numeric[c].to_numpy(dtype=float)[good] for c in numeric.columns}
    res = model.run(cols, group.factor_set, blank_as_default=True)
    n = len(good)
    values = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in {**res.inputs, **res}.items()}
    names = list(values)
    finite = np.logical_and.reduce([np.isfinite(v) for v in values.values()]).tolist()
    for k, (pos, row_values) in enumerate(zip(good, zip(*(v.tolist() for v in values.values())))):
        rec = {"row": rows[pos], "scenario": scenarios[pos], "model": model.id, "factor_set": group.factor_set,
               "status": "ok", "message": ""}
        rec.update(zip(names, row_values))
        if not finite[k]:
            inputs = {c: float(v[k]) for c, v in cols.items()}
            found = failures(model, inputs, group.factor_set)
            for name in values:   # what a spreadsheet shows: also where an error meets x / inf = 0
                if name in found or not np.isfinite(rec[name]):
                    rec[name] = found[name].code if name in found else "#NUM!"
            if model.primary in found or not np.isfinite(values[model.primary][k]):
                rec["status"] = "error"   # worded as batch words it: the primary result, then its cause
                notes = [explain(model, inputs, group.factor_set)]
            else:
                notes = [explain(model, inputs, group.factor_set, st) for st, f in found.items() if f.root == st]
            rec["message"] = f"row {rows[pos]}: " + "; ".join(n for n in notes if n) if any(notes) else \
                f"row {rows[pos]}: a result has no finite value"
        records.append(rec)
    return records
