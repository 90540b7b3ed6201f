"""Property tests for every model (hypothesis): activity scaling, finiteness over the valid range,
and arrays equal to element-wise scalar runs."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ictco2_xl.core.definitions import Derived, YearSeries
from ictco2_xl.core.models import MODELS

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _default(model, inp):
    return float(np.ravel(model.run().inputs[inp.name])[0])


def _range(model, inp):
    """A realistic draw range inside the valid range: three orders of magnitude around the default."""
    if inp.integer:
        return inp.bounds.lo, inp.bounds.hi
    d = _default(model, inp)
    lo, hi = inp.bounds.lo, inp.bounds.hi
    if d > 0:
        a, b = d / 1000, d * 1000
    elif d == 0:
        a, b = 0.0, 10.0
    else:
        a, b = d * 1000, d / 1000
    if lo is not None:
        a = max(a, lo)
    if hi is not None:
        b = min(b, hi)
    if inp.bounds.lo_open and a == lo:
        a = lo + (b - lo) * 1e-6
    if inp.bounds.hi_open and b == hi:
        b = hi - (hi - a) * 1e-6
    return a, b


@st.composite
def scenarios(draw, model):
    values = {}
    for inp in model.inputs:
        a, b = _range(model, inp)
        if inp.integer:
            values[inp.name] = draw(st.integers(int(a), int(b)))
        else:
            values[inp.name] = draw(st.floats(a, b, allow_nan=False, allow_infinity=False))
    return values


def _models(pred):
    return [pytest.param(m, id=m.id) for m in MODELS.values() if pred(m)]


@pytest.mark.parametrize("model", _models(lambda m: any(i.extensive for i in m.inputs)))
def test_scaling_activity_inputs_scales_the_result(model):
    @SETTINGS
    @given(scenarios(model), st.floats(0.01, 100))
    def check(values, k):
        res = model.run(values)
        base = res.primary
        scaled = dict(values)
        for inp in model.inputs:
            if inp.extensive:
                scaled[inp.name] = values[inp.name] * k
        # A result that is a small difference of large steps (e.g. hours_before == hours_after) carries
        # rounding noise of the steps' size, so the absolute tolerance follows the largest step.
        noise = 1e-10 * k * max(abs(float(v)) for v in res.values())
        assert model.run(scaled).primary == pytest.approx(k * base, rel=1e-9, abs=max(1e-12, noise))
    check()


@pytest.mark.parametrize("model", _models(lambda m: True))
def test_results_are_finite_for_inputs_in_range(model):
    @SETTINGS
    @given(scenarios(model))
    def check(values):
        res = model.run(values)
        for name, value in res.items():
            assert np.isfinite(value), name
    check()


@pytest.mark.parametrize("model", _models(lambda m: True))
def test_arrays_give_the_same_as_elementwise_scalars(model):
    @SETTINGS
    @given(st.lists(scenarios(model), min_size=2, max_size=6))
    def check(rows):
        arrays = {inp.name: np.array([r[inp.name] for r in rows]) for inp in model.inputs}
        together = model.run(arrays)
        for i, r in enumerate(rows):
            alone = model.run(r)
            for name in alone:
                assert together[name][i] == pytest.approx(alone[name], rel=1e-12, abs=1e-12), name
    check()


def test_defaults_fill_in_for_omitted_inputs_in_array_runs():
    m = MODELS["telework"]
    years = np.array([2010, 2015, 2020, 2030])
    res = m.run(target_year=years)
    for i, y in enumerate(years):
        assert res["reduction_t"][i] == pytest.approx(m.run(target_year=int(y)).primary, rel=1e-12)
    # year-dependent defaults and defaults derived from another model (the buildings' CO2) both fill in
    assert any(isinstance(i.default, Derived) for i in m.inputs)
    assert any(isinstance(i.default, YearSeries) for i in m.inputs)
