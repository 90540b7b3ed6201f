"""One-at-a-time sensitivity: swing each input with a range from its low to its high end, the others at
their case values, and rank the inputs by how far the result moves (the data behind a tornado chart).
Only inputs the result depends on are swung.

All swings run in one vectorised model call. The swing covers the input's range (P5-P95 for a normal).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError
from ..model import Model
from .uncertainty import prepare

COLUMNS = ["rank", "input", "label", "unit", "value", "low", "high", "result_low", "result_high", "swing",
           "swing_pct", "reason"]


@dataclass
class Sensitivity:
    """The ranked swings of one model output; ``table`` has one row per input with a range (COLUMNS)."""

    model: Model
    output: str
    unit: str
    base: float          # the output in the deterministic case
    factor_set: str
    table: pd.DataFrame

    def __len__(self) -> int:
        return len(self.table)


def sensitivity(model, overrides: Mapping | None = None, *, factor_set=None, output: str | None = None,
                top: int | None = None) -> Sensitivity:
    """Swing every input with a range over it, one at a time; rows ranked by swing, largest first.

    ``overrides`` as for :func:`ictco2_xl.core.analysis.uncertainty.run` (numbers fix inputs; Distributions
    replace ranges). ``top`` keeps only the largest swings.
    """
    case = prepare(model, overrides, factor_set)
    model = case.model
    output = output or model.primary
    if output not in {s.name for s in model.steps}:
        raise InputError(model.id, "output", output, f"must be one of the steps: {', '.join(s.name for s in model.steps)}")
    base = float(case.base[output])
    relevant = model.dependencies(output)
    names = [n for n in case.drawn if n in relevant]  # inputs the output does not use would show no bar
    rows = []
    if names:
        centres = case.centres()
        k = len(names)
        values = {n: np.full(2 * k, centres[n]) for n in names}
        for j, n in enumerate(names):
            values[n][2 * j], values[n][2 * j + 1] = case.drawn[n].swing()
        res = np.broadcast_to(np.asarray(model.run({**case.fixed, **values}, case.factor_set)[output], float), (2 * k,))
        for j, n in enumerate(names):
            inp, d = model.input(n), case.drawn[n]
            lo, hi = d.swing()
            r_lo, r_hi = float(res[2 * j]), float(res[2 * j + 1])
            swing = abs(r_hi - r_lo)
            rows.append(dict(input=n, label=inp.label, unit=inp.unit, value=d.centre, low=lo, high=hi,
                             result_low=r_lo, result_high=r_hi, swing=swing,
                             swing_pct=swing / abs(base) * 100 if base else np.nan, reason=d.reason))
    table = pd.DataFrame(rows, columns=COLUMNS[1:])
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    if top is not None:
        table = table.head(int(top))
    return Sensitivity(model, output, model.step(output).unit, base, case.factor_set.name, table)


__all__ = ["Sensitivity", "sensitivity", "COLUMNS"]
