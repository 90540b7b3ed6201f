"""The benchmarks' hand-written baselines stay honest: they compute what the models compute, and the checked
ones really refuse bad input (a baseline that skipped its checks would flatter itself, not the package)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from ictco2_xl.core import blocks
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
import handwritten  # noqa: E402

ROWS = 2 * blocks.BLOCK + 5  # blocks and a short last one


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_every_baseline_computes_the_models_result_and_the_checked_ones_refuse_bad_input(model_id):
    model = MODELS[model_id]
    cols = random_inputs(model, ROWS, np.random.default_rng(1), spread=1.5)
    args = [a.name for a in model.worksheet_functions()[0].args]
    expected = model(**{k: cols[k] for k in args})
    plain, _ = handwritten.function(model)
    checked, _ = handwritten.function(model, checked=set(args))
    floor, src = handwritten.function(model, checked=set(args), floor=True)
    for baseline in (plain, checked, floor):
        assert handwritten.agree(baseline(**cols)[0], expected) <= 1e-12
    assert f"range(0, _n, {blocks.BLOCK})" in src
    for name in args:
        inp = next(i for i in model.inputs if i.name == name)
        bad = [np.nan, np.inf]
        if inp.bounds.lo is not None:
            bad.append(inp.bounds.lo if inp.bounds.lo_open else np.nextafter(inp.bounds.lo, -np.inf))
        if inp.bounds.hi is not None:
            bad.append(inp.bounds.hi if inp.bounds.hi_open else np.nextafter(inp.bounds.hi, np.inf))
        for value in bad:
            given = dict(cols)
            given[name] = cols[name].copy()
            given[name][-1] = value
            for baseline in (checked, floor):
                with pytest.raises(ValueError, match=f"{name} out of range"):
                    baseline(**given)
        if inp.integer:  # only the floor checks whole numbers, as the package does
            given = dict(cols)
            given[name] = cols[name].copy()
            given[name][blocks.BLOCK + 1] += 0.5
            with pytest.raises(ValueError, match=f"{name} out of range"):
                floor(**given)
