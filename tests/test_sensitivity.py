"""One-at-a-time sensitivity (core), the tornado chart (matplotlib adapter) and `ictco2-xl sensitivity`."""
import io

import numpy as np
import pandas as pd
import pytest

from ictco2_xl.cli import main
from ictco2_xl.core import get_model
from ictco2_xl.core.analysis.sensitivity import sensitivity
from ictco2_xl.core.definitions import uniform
from ictco2_xl.workbook.charts import tornado_figure, tornado_png


def test_swings_are_the_model_at_each_end_of_each_range(model):
    sens = sensitivity(model)
    base_inputs = model.run().inputs
    assert sens.base == model.run().primary
    relevant = model.dependencies(model.primary)
    drawn = [i.name for i in model.inputs if i.uncertainty is not None and not i.uncertainty.is_fixed]
    assert set(sens.table.input) == {n for n in drawn if n in relevant}
    for r in sens.table.itertuples():
        assert model.run({r.input: r.low}).primary == pytest.approx(r.result_low, rel=1e-12, abs=1e-12)
        assert model.run({r.input: r.high}).primary == pytest.approx(r.result_high, rel=1e-12, abs=1e-12)
        assert r.low <= float(np.ravel(base_inputs[r.input])[0]) <= r.high
    assert list(sens.table.swing) == sorted(sens.table.swing, reverse=True)
    assert list(sens.table["rank"]) == list(range(1, len(sens.table) + 1))


def test_fleet_management_ranking():
    table = sensitivity("LOGISTICS_REDUCTION").table
    assert list(table.input) == ["empty_rate_drop", "km_per_vehicle_year", "diesel_l_per_100tkm", "diesel_kg_per_l"]
    assert table.swing_pct.iloc[0] == pytest.approx(100.0)  # ±50% of a proportional input
    assert "ict_own_emission_t" not in set(table.input)     # does not enter the reduction


def test_overrides_fixed_inputs_leave_the_table_and_ranges_replace():
    sens = sensitivity("fleet_management", {"empty_rate_drop": 0.02, "km_per_vehicle_year": uniform(1e5, 3e5, "mine")})
    table = sens.table.set_index("input")
    assert "empty_rate_drop" not in table.index
    assert (table.loc["km_per_vehicle_year", "low"], table.loc["km_per_vehicle_year", "high"]) == (1e5, 3e5)
    assert table.index[0] == "km_per_vehicle_year"
    assert len(sensitivity("fleet_management", top=2)) == 2


def test_year_and_factor_set_change_the_case():
    sens = sensitivity("videoconf", {"target_year": 2010}, factor_set="current")
    assert sens.base == get_model("videoconf").run(target_year=2010, factor_set="current").primary
    assert sens.factor_set == "current"
    sub = sens.table.set_index("input").loc["substitution_rate"]
    assert (sub.low, sub.high) == pytest.approx((0.02, 0.06))


def _png_ok(path, min_bytes=8_000):
    import matplotlib.image as mpimg
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > min_bytes
    image = mpimg.imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 500
    assert image[..., :3].std() > 0.05  # not a blank canvas
    return image


@pytest.mark.parametrize("model_id", ["fleet_management", "mms_card", "telework", "headline"])
def test_tornado_png_has_one_bar_per_swung_input(tmp_path, model_id):
    sens = sensitivity(model_id)
    fig = tornado_figure(sens)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * len(sens.table)  # each bar: low half and high half
    assert len(ax.get_yticks()) == len(sens.table)
    first_label = ax.get_yticklabels()[-1].get_text()  # the top bar is the largest swing
    assert first_label.startswith(sens.table.label.iloc[0][:20])
    path = tornado_png(sens, tmp_path / f"{model_id}.png")
    image = _png_ok(path)
    taller = image.shape[0]
    assert taller > 200 + 20 * len(sens.table)


def test_tornado_of_a_model_without_ranges_says_so(tmp_path):
    sens = sensitivity("streetlight_trend")
    assert len(sens) == 0
    fig = tornado_figure(sens)
    assert len(fig.axes[0].patches) == 0
    assert any("no input" in t.get_text() for t in fig.axes[0].texts)
    _png_ok(tornado_png(sens, tmp_path / "empty.png"), min_bytes=3_000)


def test_chinese_titles_are_left_out_of_the_chart_font():
    fig = tornado_figure(sensitivity("mms_card"))
    title = fig.axes[0].get_title()
    assert title.startswith("MMS greeting cards\n") and "彩信" not in title


def test_cli_sensitivity_writes_the_png_once(tmp_path, capsys):
    out = tmp_path / "tornado.png"
    assert main(["sensitivity", "LOGISTICS_POTENTIAL", "target_year=2020", "--png", str(out)]) == 0
    text = capsys.readouterr().out
    assert "empty_rate_cut" in text and f"wrote {out}" in text
    _png_ok(out)
    assert main(["sensitivity", "LOGISTICS_POTENTIAL", "--png", str(out)]) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert main(["sensitivity", "LOGISTICS_POTENTIAL", "--png", str(out), "--overwrite", "--top", "3"]) == 0


def test_cli_sensitivity_csv_and_ranges(capsys):
    assert main(["sensitivity", "fleet_management", "km_per_vehicle_year=100000:200000", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    row = table.set_index("input").loc["km_per_vehicle_year"]
    assert (row.low, row.high) == (100000, 200000)
    assert main(["sensitivity", "fleet_management", "km_per_vehicle_year=2:1"]) == 2
    assert "km_per_vehicle_year: uniform distribution needs low < high" in capsys.readouterr().err
    assert main(["sensitivity", "fleet_management", "empty_rate_drop=5"]) == 2
    assert "empty_rate_drop must be between 0 and 1, got 5" in capsys.readouterr().err


def test_a_normal_range_swings_from_its_p5_to_its_p95():
    from ictco2_xl.core.definitions import normal
    sens = sensitivity("fleet_management", {"empty_rate_drop": normal(0.2, reason="mine", relative=True)})
    row = sens.table.set_index("input").loc["empty_rate_drop"]
    assert (row.low, row.high) == pytest.approx((0.015 * (1 - 0.2 * 1.6448536), 0.015 * (1 + 0.2 * 1.6448536)),
                                                rel=1e-6)
