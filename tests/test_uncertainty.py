"""Uncertainty runs: documented ranges on every model, convergence, exactness, reproducibility, errors."""
import statistics

import numpy as np
import pytest

from ictco2_xl.core import InputError, get_model
from ictco2_xl.core.analysis import uncertainty
from ictco2_xl.core.definitions import FRACTION, Bounds, Distribution, Input, fixed, normal, spread, triangular, uniform
from ictco2_xl.core.errors import DefinitionError
from ictco2_xl.core.factors import FACTOR_KEYS
from ictco2_xl.core.model import compose
from ictco2_xl.core.models import APPENDIX_MODELS, MODELS
from ictco2_xl.core.models.common import FACTOR_UNCERTAINTY


def test_p50_converges_between_1e4_and_1e5_draws(model):
    small = uncertainty.run(model, draws=10_000, seed=1)
    large = uncertainty.run(model, draws=100_000, seed=2)
    assert small.p50 == pytest.approx(large.p50, rel=0.01)
    assert small.p5 <= small.p50 <= small.p95


def test_all_inputs_fixed_gives_the_deterministic_result_exactly(model):
    everything_fixed = {i.name: fixed() for i in model.inputs if not i.integer}
    res = uncertainty.run(model, draws=1000, seed=3, overrides=everything_fixed)
    exact = model.run()[model.primary]
    assert res.deterministic == exact
    assert (res.sample == exact).all()
    assert (res.p5, res.p50, res.p95, res.mean) == (exact, exact, exact, exact)


def test_fixed_numbers_in_a_year_case_are_exact_too():
    m = get_model("telework")
    overrides = {i.name: float(np.ravel(m.run(target_year=2020).inputs[i.name])[0]) for i in m.inputs}
    res = uncertainty.run(m, draws=500, overrides=overrides)
    assert res.p50 == res.mean == m.run(target_year=2020).primary


def test_every_model_with_soft_inputs_ships_ranges_with_reasons():
    for m in MODELS.values():
        drawn = [i for i in m.inputs if i.uncertainty is not None and not i.uncertainty.is_fixed]
        only_selectors = all(i.integer for i in m.inputs)
        assert drawn or only_selectors, m.id
        for i in m.inputs:
            if i.uncertainty is not None:
                assert len(i.uncertainty.reason) > 20, (m.id, i.name)
    assert set(FACTOR_UNCERTAINTY) == set(FACTOR_KEYS)


def test_same_seed_same_sample_and_different_seed_different_sample():
    a = uncertainty.run("LOGISTICS_POTENTIAL", 2000, seed=7)
    b = uncertainty.run("logistics_potential", 2000, seed=7)
    c = uncertainty.run("logistics_potential", 2000, seed=8)
    assert np.array_equal(a.sample, b.sample)
    assert not np.array_equal(a.sample, c.sample)
    mc = uncertainty.run("logistics_potential", 2000, seed=7, method="mc")
    assert not np.array_equal(a.sample, mc.sample)


def test_draws_stay_inside_each_range_and_the_valid_range(model):
    res = uncertainty.run(model, draws=5000, seed=4)
    for name, values in res.inputs.items():
        inp, d = model.input(name), res.distributions[name]
        assert not inp.bounds.bad(values).any(), name
        assert values.min() >= d.low and values.max() <= d.high, name
        if d.kind == "triangular":  # Latin hypercube: the sample spans the whole range
            span = d.high - d.low
            assert values.min() < d.low + 0.05 * span and values.max() > d.high - 0.05 * span, name


def test_all_draws_run_in_one_vectorised_call(monkeypatch):
    calls = []
    original = uncertainty.Model.run

    def counting(self, *args, **kwargs):
        calls.append(self.id)
        return original(self, *args, **kwargs)
    monkeypatch.setattr(uncertainty.Model, "run", counting)
    uncertainty.run("fleet_management", draws=50_000)
    assert calls == ["fleet_management", "fleet_management"]  # the deterministic case, then all draws


def test_sampled_distributions_have_their_theoretical_moments():
    inp = Input("some_share", "x", "x", "1", 0.3, FRACTION)
    n = 200_000
    u = (np.arange(n) + 0.5) / n
    uni = uncertainty.resolve(inp, uniform(0.1, 0.5, "test"), 0.3).ppf(u)
    assert uni.mean() == pytest.approx(0.3, abs=1e-6)
    tri = uncertainty.resolve(inp, triangular(0.1, 0.7, mode=0.2, reason="test"), 0.3).ppf(u)
    assert tri.mean() == pytest.approx((0.1 + 0.7 + 0.2) / 3, abs=1e-5)
    assert np.median(tri) == pytest.approx(0.7 - np.sqrt(0.5 * 0.6 * 0.5), abs=1e-5)
    wide = Input("free_value", "x", "x", "1", 5.0, Bounds(None, None))
    nor = uncertainty.resolve(wide, normal(2.0, reason="test"), 5.0).ppf(u)
    assert nor.mean() == pytest.approx(5.0, abs=1e-6) and nor.std() == pytest.approx(2.0, rel=1e-3)
    truncated = uncertainty.resolve(inp, normal(0.5, reason="test", relative=True), 0.3)
    x = truncated.ppf(u)
    assert x.min() >= 0 and x.max() <= 1 and truncated.low == 0 and truncated.high == 1


def test_normal_quantile_matches_the_standard_library():
    ps = np.array([1e-12, 1e-6, 0.001, 0.02, 0.02425, 0.1, 0.5, 0.8, 0.97575, 0.999, 1 - 1e-9])
    exact = np.array([statistics.NormalDist().inv_cdf(p) for p in ps])
    assert np.allclose(uncertainty.normal_ppf(ps), exact, rtol=2e-9, atol=1e-9)


def test_relative_ranges_follow_the_year_and_the_factor_set():
    r2010 = uncertainty.ranges("videoconf", {"target_year": 2010}).set_index("input")
    r2030 = uncertainty.ranges("videoconf", {"target_year": 2030}).set_index("input")
    assert r2010.loc["substitution_rate", ["low", "peak", "high"]].tolist() == pytest.approx([0.02, 0.04, 0.06])
    assert r2030.loc["substitution_rate", ["low", "high"]].tolist() == pytest.approx([0.185, 0.555])
    current = uncertainty.ranges("urban_management", factor_set="current").set_index("input")
    assert current.loc["grid_kg_per_kwh", ["low", "peak", "high"]].tolist() == pytest.approx(
        [0.5306 * 0.9, 0.5306, 0.5306 * 1.1])


def test_ranges_are_clipped_to_the_valid_range():
    share = Input("adoption_share", "x", "x", "1", 0.9, FRACTION)
    d = uncertainty.resolve(share, spread(0.4, "test"), 0.9)
    assert (d.low, d.mode, d.high) == pytest.approx((0.54, 0.9, 1.0))
    open_top = Input("base_rate", "x", "x", "1", 0.9, Bounds(0, 1, hi_open=True))
    d = uncertainty.resolve(open_top, spread(0.4, "test"), 0.9)
    assert d.high < 1 and not open_top.bounds.bad(d.ppf(np.array([0.0, 0.5, 1.0]))).any()
    res = uncertainty.run("telework", 3000)
    assert res.inputs["work_km_cut"].max() <= 1.0


def test_overrides_fix_inputs_or_replace_their_ranges():
    res = uncertainty.run("fleet_management", 1000, overrides={"empty_rate_drop": 0.02,
                                                              "km_per_vehicle_year": uniform(1e5, 2e5, "mine")})
    assert "empty_rate_drop" not in res.inputs
    assert res.distributions["km_per_vehicle_year"].origin == "override"
    assert res.inputs["km_per_vehicle_year"].min() >= 1e5 and res.inputs["km_per_vehicle_year"].max() <= 2e5
    assert res.deterministic == get_model("fleet_management").run(empty_rate_drop=0.02).primary


def test_one_factor_is_drawn_once_per_scenario_across_the_parts_of_a_composite():
    card, music = get_model("mms_card"), get_model("music_download")
    both = compose(id="two_parts", function="TWO_PARTS", title="t", title_zh="t", kind="appendix", section="test",
                   description="two models sharing the grid factor", parts={"card": (card, {}), "music": (music, {})},
                   inputs=[], steps=[], primary="card__reduction_t")
    res = uncertainty.run(both, 2000, seed=5)
    centres = {n: d.centre for n, d in res.distributions.items()}
    ratio_card = res.inputs["card__grid_kg_per_kwh"] / centres["card__grid_kg_per_kwh"]
    ratio_music = res.inputs["music__grid_kg_per_kwh"] / centres["music__grid_kg_per_kwh"]
    assert np.allclose(ratio_card, ratio_music)
    assert not np.allclose(res.inputs["card__card_price_yuan"] / 2, ratio_card)


def test_other_outputs_and_frames():
    res = uncertainty.run("fleet_management", 1000, output="enablement_factor")
    assert res.unit == "1" and res.deterministic == pytest.approx(3869)
    frame = res.to_frame()
    assert len(frame) == 1000 and "enablement_factor" in frame and "empty_rate_drop" in frame
    assert res.summary()["p50"] == res.p50
    assert list(res.percentile([5, 95])) == [res.p5, res.p95]


@pytest.mark.parametrize("kwargs, message", [
    (dict(overrides={"nope": 1}), "fleet_management: unknown input 'nope'"),
    (dict(overrides={"empty_rate_drop": [0.1, 0.2]}), "empty_rate_drop must be a single number or a Distribution"),
    (dict(overrides={"empty_rate_drop": 2}), "empty_rate_drop must be between 0 and 1, got 2"),
    (dict(draws=5), "draws must be a whole number between 100 and 1,000,000, got 5"),
    (dict(draws=1000.5), "draws must be a whole number between 100 and 1,000,000, got 1000.5"),
    (dict(seed=-1), "seed must be a whole number of at least 0, got -1"),
    (dict(method="sobol"), "method must be one of lhs, mc, got 'sobol'"),
    (dict(output="nope"), "output must be one of the steps"),
])
def test_bad_arguments_name_the_argument_value_and_rule(kwargs, message):
    with pytest.raises(InputError) as err:
        uncertainty.run("fleet_management", **{"draws": 1000, **kwargs})
    assert message in str(err.value)


def test_a_year_cannot_be_drawn():
    with pytest.raises(InputError, match="target_year .* cannot be drawn"):
        uncertainty.run("telework", 1000, overrides={"target_year": uniform(2010, 2030, "x")})


def test_definitions_reject_bad_ranges():
    with pytest.raises(DefinitionError, match="low < high"):
        uniform(2, 1, "x")
    with pytest.raises(DefinitionError, match="mode"):
        triangular(0, 1, mode=2, reason="x")
    with pytest.raises(DefinitionError, match="sd > 0"):
        normal(0, reason="x")
    with pytest.raises(DefinitionError, match="kind"):
        Distribution("lognormal")
    with pytest.raises(DefinitionError, match="leaves the valid range"):
        Input("some_share", "x", "x", "1", 0.5, FRACTION, uncertainty=uniform(0.5, 1.5, "x"))
    with pytest.raises(DefinitionError, match="needs its reason"):
        Input("some_share", "x", "x", "1", 0.5, FRACTION, uncertainty=spread(0.1, ""))
    with pytest.raises(DefinitionError, match="cannot be drawn"):
        Input("target_year", "x", "x", "year", 2020, Bounds(2010, 2030), integer=True,
              uncertainty=uniform(2010, 2030, "x"))


# -- the function behind ICTCO2_PERCENTILE ------------------------------------------------------------
def test_percentile_function_matches_the_run_and_is_reproducible():
    res = uncertainty.run("logistics_potential", 10_000, 0)
    assert uncertainty.ictco2_percentile("LOGISTICS_POTENTIAL", 0.05) == res.p5
    assert uncertainty.ictco2_percentile("LOGISTICS_POTENTIAL", 0.5, 10_000, 0) == res.p50
    assert uncertainty.ictco2_percentile("logistics_potential", 0.95, None, None) == res.p95
    spill = uncertainty.ictco2_percentile("LOGISTICS_POTENTIAL", [0.05, 0.5, 0.95])
    assert list(spill) == [res.p5, res.p50, res.p95]
    other_seed = uncertainty.ictco2_percentile("LOGISTICS_POTENTIAL", 0.5, 10_000, 1)
    assert other_seed != res.p50 and other_seed == pytest.approx(res.p50, rel=0.01)


def test_percentile_function_reaches_extra_worksheet_functions_and_factor_sets():
    p50 = uncertainty.ictco2_percentile("LOGISTICS_ENABLEMENT", 0.5, 2000, 3)
    assert p50 == uncertainty.run("fleet_management", 2000, 3, output="enablement_factor").p50
    current = uncertainty.ictco2_percentile("URBAN_MANAGEMENT_REDUCTION", 0.5, 2000, 3, "current")
    assert current == uncertainty.run("urban_management", 2000, 3, factor_set="current").p50


@pytest.mark.parametrize("args, message", [
    (("NOPE", 0.5), "ICTCO2_PERCENTILE: function_name must name a worksheet function such as LOGISTICS_POTENTIAL"),
    (("LOGISTICS_POTENTIAL", 5), "ICTCO2_PERCENTILE: p must be a number between 0 and 1, got 5"),
    (("LOGISTICS_POTENTIAL", "x"), "p must be a number between 0 and 1, got 'x'"),
    (("LOGISTICS_POTENTIAL", [0.5, 1.5]), "p must be a number between 0 and 1, got 1.5"),
    (("LOGISTICS_POTENTIAL", 0.5, 10), "draws must be a whole number between 100 and 1,000,000, got 10"),
    (("LOGISTICS_POTENTIAL", 0.5, 1000, 1.5), "seed must be a whole number of at least 0, got 1.5"),
])
def test_percentile_function_errors_are_one_line_for_a_cell(args, message):
    with pytest.raises(InputError) as err:
        uncertainty.ictco2_percentile(*args)
    assert message in str(err.value)


# -- lumped ranges of derived inputs match what their models propagate -----------------------------------
def _own(res):
    values = res.result
    own = values["ict_own_emission_t"] if "ict_own_emission_t" in values else values.inputs["ict_own_emission_t"]
    return np.broadcast_to(own, res.sample.shape)


def _ratios(sample, deterministic):
    return np.percentile(sample, [5, 95]) / deterministic


def _lumped(model_id, name, n):
    res = uncertainty.run(model_id, n, seed=11)
    d = res.distributions[name]
    return _ratios(res.inputs[name], d.centre)


N = 40_000


def test_lumped_e1_and_pooled_enablement_inputs_match_the_appendix_models():
    runs = [uncertainty.run(m, N, seed=i, steps="all") for i, m in enumerate(APPENDIX_MODELS)]
    e1 = sum(r.sample for r in runs)
    assert _lumped("portfolio", "e1_t", N) == pytest.approx(_ratios(e1, sum(r.deterministic for r in runs)), abs=0.05)
    with_own = [r for r in runs if "ict_own_emission_t" in {*r.result, *r.result.inputs}]
    reduction = sum(r.sample for r in with_own)
    own = sum(_own(r) for r in with_own)
    assert _lumped("enablement", "reduction_t", N) == pytest.approx(
        _ratios(reduction, sum(r.deterministic for r in with_own)), abs=0.05)
    own_det = get_model("enablement").run().inputs["ict_own_emission_t"]
    assert _lumped("enablement", "ict_own_emission_t", N) == pytest.approx(_ratios(own, own_det), abs=0.05)


def test_lumped_roll_up_inputs_match_the_chain_they_stand_for():
    runs = [uncertainty.run(m, N, seed=i) for i, m in enumerate(APPENDIX_MODELS)]
    e1 = sum(r.sample for r in runs)
    portfolio = uncertainty.run("portfolio", N, seed=50, overrides={"e1_t": fixed()}, steps=["e2_t"])
    e3 = e1 + portfolio.result["e2_t"]
    e3_det = get_model("portfolio").run().primary
    assert _lumped("china_mobile", "e3_t", N) == pytest.approx(_ratios(e3, e3_det), abs=0.06)
    share = uncertainty.run("china_mobile", N, seed=51).inputs["chongqing_share"]
    china_mobile = e3 / share
    assert _lumped("wireless_industry", "china_mobile_t", N) == pytest.approx(
        _ratios(china_mobile, get_model("china_mobile").run().primary), abs=0.06)


@pytest.mark.parametrize("potential, pilot_model", [("streetlight_potential", "streetlight"),
                                                   ("genset_potential", "genset_monitoring")])
def test_lumped_pilot_reduction_matches_the_pilot_model(potential, pilot_model):
    pilot = uncertainty.run(pilot_model, N, seed=12)
    assert _lumped(potential, "pilot_reduction_t", N) == pytest.approx(
        _ratios(pilot.sample, pilot.deterministic), abs=0.03)


# -- ictco2-xl uncertainty ------------------------------------------------------------------------------
def test_cli_uncertainty_for_every_model_and_for_one_case(capsys):
    import io

    import pandas as pd

    from ictco2_xl.cli import main
    from ictco2_xl.cli.common import fmt
    assert main(["uncertainty", "--draws", "1000", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.model) == list(MODELS)
    assert (table.p5 <= table.p50).all() and (table.p50 <= table.p95).all()
    assert main(["uncertainty", "LOGISTICS_POTENTIAL", "target_year=2020", "empty_rate_cut=0.2:0.3:0.5", "--ranges",
                 "--draws", "2000", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    expected = uncertainty.run("logistics_potential", 2000, 4, {"target_year": 2020,
                                                                "empty_rate_cut": triangular(0.2, 0.5, 0.3, "x")})
    assert "empty_rate_cut       0.5     triangular    0.2      0.3     0.5      fraction" in out
    assert fmt(expected.p50) in out and fmt(expected.p95) in out          # the CLI's one number notation
    assert main(["uncertainty", "fleet_management", "km_per_vehicle_year=1e5:2e5", "--ranges"]) == 0
    assert "km_per_vehicle_year  150,000  uniform       100,000  -" in capsys.readouterr().out
    assert main(["uncertainty", "fleet_management", "empty_rate_drop=0.01,0.02"]) == 2
    assert "one value per input" in capsys.readouterr().err
    assert main(["uncertainty", "fleet_management", "--draws", "10"]) == 2
    assert "draws must be a whole number between 100 and 1,000,000, got 10" in capsys.readouterr().err
    assert main(["uncertainty", "fleet_management", "km_per_vehicle_year=a:b"]) == 2
    assert "a range is LOW:HIGH or LOW:PEAK:HIGH numbers" in capsys.readouterr().err


def test_a_normal_override_is_truncated_to_the_valid_range():
    res = uncertainty.run("fleet_management", 20_000, overrides={"empty_rate_drop": normal(0.01, mean=0.0,
                                                                                           reason="mine")})
    drawn = res.inputs["empty_rate_drop"]
    assert drawn.min() >= 0 and drawn.max() <= 1
    assert drawn.mean() == pytest.approx(0.01 * np.sqrt(2 / np.pi), rel=0.01)  # half-normal mean
