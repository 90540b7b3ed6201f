"""The evaluation engine: blocks of rows give the same bits as whole arrays, inputs are checked without
copies (and with the same messages as an element-by-element check), only the steps asked for are computed,
and uncertainty runs keep only what the caller asked for."""
import tracemalloc

import numpy as np
import pytest

from ictco2_xl.core import InputError, blocks, get_model, validation
from ictco2_xl.core.analysis import uncertainty
from ictco2_xl.core.definitions import Bounds, Input
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs

ALL = [pytest.param(m, id=m.id) for m in MODELS.values()]


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 64 elements, so a run of a few thousand rows is split in many."""
    monkeypatch.setattr(blocks, "BLOCK", 64)


@pytest.mark.parametrize("model", ALL)
def test_blocks_give_the_bits_of_whole_arrays(model, small_blocks):
    cols = random_inputs(model, 1001, np.random.default_rng(1), spread=1.5)
    env = {**cols, **{d.name: d for d in model.data}}
    names = [s.name for s in model.steps]
    whole = blocks._whole(blocks.needed(model, names), env, names)
    split = blocks.evaluate(model, env, names, (1001,))
    assert blocks.block_rows((1001,)) == 64
    for name in names:
        assert np.array_equal(np.broadcast_to(whole[name], (1001,)), np.broadcast_to(split[name], (1001,))), name
    res = model.run(cols)  # the checked run (checks block by block) gives the same
    for name in names:
        assert np.array_equal(np.broadcast_to(res[name], (1001,)), np.broadcast_to(whole[name], (1001,))), name


def test_blocks_of_a_table_split_rows_and_keep_columns(small_blocks):
    model = get_model("logistics_potential")
    years = np.arange(2008, 2031, dtype=float).repeat(20).reshape(-1, 1)          # 460 x 1
    cuts = np.linspace(0.05, 0.95, 7).reshape(1, -1)                               # 1 x 7
    res = model.run({"target_year": years, "empty_rate_cut": cuts})
    ref = np.array([[model.run({"target_year": y, "empty_rate_cut": c}).primary for c in cuts[0]] for y in years[:, 0]])
    assert res.primary.shape == (460, 7)
    assert np.allclose(res.primary, ref, rtol=1e-13, atol=0)


def test_a_float_array_is_used_as_given_not_copied():
    model = get_model("fleet_management")
    tonnage = np.linspace(1000, 9000, 500_000)
    res = model.run({"tonnage_100t": tonnage})
    assert res.inputs["tonnage_100t"] is tonnage
    ints = np.arange(1000, 1500)
    assert model.run({"tonnage_100t": ints}).inputs["tonnage_100t"].dtype == np.float64


def test_defaults_take_the_full_shape_only_when_read():
    model = get_model("fleet_management")
    res = model.run({"tonnage_100t": np.full(1000, 5000.0)}, outputs=["reduction_t"])
    assert set(res) == {"reduction_t"}
    assert res.inputs["empty_rate_drop"].shape == (1000,)
    with pytest.raises(InputError, match="outputs must be steps of the model"):
        model.run(outputs=["nope"])


@pytest.mark.parametrize("position", [0, 299_999, 512_345, 999_999])
def test_a_bad_element_anywhere_gives_the_message_of_an_element_by_element_check(position):
    model = get_model("fleet_management")
    tonnage = np.linspace(1000, 9000, 1_000_000)
    for bad, rule in ((-1.0, "must be greater than 0, got -1"), (np.inf, "must be a finite number, got inf"),
                      (np.nan, "must be a finite number, got nan")):
        values = tonnage.copy()
        values[position] = bad
        with pytest.raises(InputError) as err:
            model.run({"tonnage_100t": values, "empty_rate_drop": np.full(1_000_000, 0.1)})
        assert str(err.value) == f"fleet_management: tonnage_100t {rule} (item {position + 1})"


def test_the_first_bad_input_in_model_order_is_reported_whichever_is_checked_first():
    model = get_model("fleet_management")
    n = 600_000
    good = random_inputs(model, n, np.random.default_rng(2))
    bad_late = {**good, "tonnage_100t": good["tonnage_100t"].copy(), "empty_rate_drop": 1.5}
    bad_late["tonnage_100t"][n - 1] = -3.0  # an earlier input, bad in its last block; a later scalar, bad
    with pytest.raises(InputError, match=r"tonnage_100t must be greater than 0, got -3 \(item 600000\)"):
        model.run(bad_late)


def test_blanks_in_a_late_block_take_the_default():
    model = get_model("fleet_management")
    tonnage = np.linspace(1000, 9000, 700_000)
    tonnage[-5:] = np.nan
    res = model.run({"tonnage_100t": tonnage}, blank_as_default=True)
    assert res.primary[-1] == pytest.approx(model.run().primary, rel=1e-13)
    with pytest.raises(InputError, match=r"must be a finite number, got nan \(item 699996\)"):
        model.run({"tonnage_100t": tonnage})


class _FailsOnNaN:
    """An equation whose arithmetic raises on a NaN (numpy's never do; a user's function might)."""
    names = ("x",)

    def evaluate(self, env):
        if np.isnan(env["x"]).any():
            raise ZeroDivisionError("a NaN reached the arithmetic")
        return env["x"] * 2

    def evaluate_into(self, env, out):
        return False


def test_a_block_that_fails_in_its_arithmetic_before_its_check_is_unchecked_not_an_error():
    # blocks are computed first and checked after: an error from an unchecked block must send the run to the
    # full check (which names the bad element), never reach the caller
    from types import SimpleNamespace
    model = SimpleNamespace(steps=[SimpleNamespace(name="y", expr=_FailsOnNaN())])
    x = np.ones(3 * blocks.BLOCK)
    x[-1] = np.nan
    with pytest.raises(blocks.Unchecked) as caught:
        blocks.evaluate(model, {"x": x}, ["y"], x.shape, checks={"x": lambda b: not np.isnan(b).any()})
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    with pytest.raises(ZeroDivisionError):  # nothing to check: the error is the caller's to see
        blocks.evaluate(model, {"x": x}, ["y"], x.shape)
    good = np.ones(3 * blocks.BLOCK)
    assert np.array_equal(blocks.evaluate(model, {"x": good}, ["y"], good.shape, checks={"x": lambda b: True})["y"],
                          2 * good)


def test_a_bad_value_in_any_block_fails_with_its_position_and_leaves_no_result():
    model = get_model("enablement")
    own = np.full(3 * blocks.BLOCK, 5.0)
    for where, bad, rule in ((0, 0.0, "greater than 0"), (blocks.BLOCK + 7, -1.0, "greater than 0"),
                             (own.size - 1, np.inf, "finite")):
        values = own.copy()
        values[where] = bad
        with pytest.raises(InputError, match=rf"{rule}.*\(item {where + 1}\)"):
            model(reduction_t=1.0, ict_own_emission_t=values)


def test_year_checks():
    model = get_model("logistics_potential")
    years = np.tile(np.arange(2008, 2031, dtype=float), 30_000)
    assert model.run({"target_year": years}, outputs=[model.primary]).primary.shape == years.shape
    for bad, shown in ((2020.5, "2020.5"), (2031.0, "2031"), (2007.0, "2007"), (2020 + 1e-12, "2020.000000000001")):
        values = years.copy()
        values[-1] = bad
        with pytest.raises(InputError, match=rf"got {shown} \(item {len(years)}\)"):
            model.run({"target_year": values})


@pytest.mark.parametrize("bounds, good, bad", [
    (Bounds(0, None, lo_open=True), [5e-324, 1.0, 1e308], [0.0, -0.0, -1.0, np.inf]),
    (Bounds(0, None), [0.0, -0.0, 1e308], [-5e-324, np.inf, -np.inf, np.nan]),
    (Bounds(0, 1), [0.0, 0.5, 1.0], [1.0000000000000002, -1e-300, np.nan]),
    (Bounds(-1, 1), [-1.0, 0.0, 1.0], [-1.0000000000000002, np.inf]),
    (Bounds(2008, 2030), [2008.0, 2030.0], [2007.9999999999998, 2030.0000000000002]),
])
def test_the_min_max_scan_agrees_with_the_bounds(bounds, good, bad):
    inp = Input("some_input", "x", "x", "1", default=1.0 if bounds.lo != 2008 else 2010.0, bounds=bounds)
    ok = validation.block_check(inp)
    validation.check("m", inp, np.array(good), False)
    # -0.0 is valid but fails the bit-pattern test: the block test is only ever conservative (the run then
    # checks the whole array the usual way, which accepts it)
    assert ok(np.array(good)) == (not any(np.signbit(good) & (np.array(good) == 0)))
    for value in bad:
        assert not ok(np.array(good + [value])), value
        with pytest.raises(InputError):
            validation.check("m", inp, np.array(good + [value]), False)


def test_collect_records_every_bad_element_and_computes_the_others():
    model = get_model("fleet_management")
    values = np.array([5000.0, -1.0, np.inf, 6000.0, -1.0, np.nan], dtype=float)
    objects = np.array([5000.0, "n/a", True, 6000.0, None, -2.0], dtype=object)
    res = model.run({"tonnage_100t": values}, blank_as_default=True, collect=True)
    which, errors = res.rejected["tonnage_100t"]
    assert [e.short for e in errors] == ["tonnage_100t must be a finite number, got inf",
                                         "tonnage_100t must be greater than 0, got -1"]
    assert which.tolist() == [-1, 1, 0, -1, 1, -1]
    assert res.primary[0] == model.run({"tonnage_100t": 5000.0}).primary
    assert res.primary[5] == model.run().primary  # a blank takes the default
    which, errors = model.run({"tonnage_100t": objects}, blank_as_default=True, collect=True).rejected["tonnage_100t"]
    assert [e.short for e in errors] == ["tonnage_100t must be a number, got 'n/a'",
                                         "tonnage_100t must be a number, got True",
                                         "tonnage_100t must be greater than 0, got -2"]
    assert which.tolist() == [-1, 0, 1, -1, -1, 2]


# -- uncertainty keeps only what the caller asked for ------------------------------------------------------
def test_uncertainty_keeps_the_sample_the_drawn_inputs_and_the_steps_asked_for():
    res = uncertainty.run("headline", 5000, seed=3)
    assert set(res.result) == {"total_t"}
    assert res.result["total_t"] is res.sample
    full = uncertainty.run("headline", 5000, seed=3, steps="all")
    assert np.array_equal(full.sample, res.sample)
    assert set(full.result) == {s.name for s in get_model("headline").steps}
    some = uncertainty.run("headline", 5000, seed=3, steps=["telework__reduction_t"])
    assert np.array_equal(some.result["telework__reduction_t"], full.result["telework__reduction_t"])
    with pytest.raises(InputError, match="steps must be steps of the model"):
        uncertainty.run("headline", 5000, steps=["nope"])


@pytest.mark.parametrize("draws", [200_000, 400_000])  # evaluated whole, and in blocks
def test_uncertainty_memory_is_the_drawn_inputs_and_the_sample_plus_little(draws):
    uncertainty.run("headline", 1000, seed=0)  # caches and imports
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        res = uncertainty.run("headline", draws, seed=0)
        kept, peak = (m - base for m in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    arrays = (len(res.inputs) + 1) * draws * 8  # the drawn inputs and the sample
    assert kept < arrays + 2 * 2**20
    assert peak < arrays + 4 * draws * 8 + 8 * 2**20  # a few arrays' worth at most while drawing
