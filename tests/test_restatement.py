"""Restatement of every report case with another factor set: coverage, arithmetic, CSV, workbook, CLI."""
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ictco2_xl.cli import main
from ictco2_xl.core import get_factor_set, get_model, load_factor_set
from ictco2_xl.core.analysis.reconciliation import FIGURES
from ictco2_xl.core.analysis.restatement import CASES, COLUMNS, printed_value, restate, to_csv
from ictco2_xl.core.models import APPENDIX_MODELS, MODELS, POTENTIAL_MODELS, ROLLUP_MODELS
from ictco2_xl.workbook.reports import RESTATEMENT_COLUMNS, restatement_workbook


@pytest.fixture(scope="module")
def current():
    return restate("current")


def test_covers_every_appendix_model_every_chapter5_potential_and_the_roll_up(current):
    covered = set(current.model)
    assert {m.id for m in APPENDIX_MODELS} <= covered
    assert {m.id for m in POTENTIAL_MODELS} <= covered
    assert {m.id for m in ROLLUP_MODELS} <= covered
    assert covered == set(MODELS)
    assert list(current.columns) == COLUMNS and current.case.is_unique


def test_every_case_is_compared_with_a_printed_figure_in_its_own_unit():
    figures = {f.figure_id for f in FIGURES}
    for c in CASES:
        if c.figure_id is not None:
            assert c.figure_id in figures, c.case
            assert np.isfinite(printed_value(c)), c.case
    by_case = {c.case: c for c in CASES}
    assert printed_value(by_case["fleet_management"]) == pytest.approx(101804.85)   # 101804850 kg
    assert printed_value(by_case["headline.2030"]) == pytest.approx(12.98e8)        # 12.98亿 t
    assert printed_value(by_case["e3"]) == pytest.approx(83.5e4)
    assert sum(c.figure_id is None for c in CASES) == 2                              # headline 2010, 2020


def test_report_factors_column_and_restated_column_are_the_models(current):
    rows = current.set_index("case")
    for c in CASES:
        model = get_model(c.model)
        output = c.output or model.primary
        for column, fs in (("report_factors", "report"), ("restated", "current")):
            res = model.run(c.inputs, fs)
            expected = res[output] if output in res else res.inputs[output]
            assert rows.loc[c.case, column] == expected, (c.case, column)
    change = rows.restated - rows.report_factors
    independent = rows.factor_note.str.startswith("factor-independent")
    assert (rows.change[~independent] == change[~independent]).all()
    assert rows.change[independent].isna().all() and rows.change_pct[independent].isna().all()
    nonzero = (rows.report_factors != 0) & ~independent
    assert np.allclose(rows.change_pct[nonzero], (change / rows.report_factors.abs() * 100)[nonzero])


def test_a_linear_case_changes_by_exactly_its_factor_ratio(current):
    fleet = current.set_index("case").loc["fleet_management"]
    assert fleet.change_pct == pytest.approx((2.6892 / 1.197 - 1) * 100, rel=1e-12)
    assert fleet.factors_changed == "diesel_kg_per_l 1.197 -> 2.689"
    e1 = current.set_index("case").loc["e1"]
    assert e1.factors_changed.startswith("recomputed: sum of the fourteen appendix models")


def test_restating_with_the_report_factors_changes_nothing():
    same = restate("report")
    independent = same.factor_note.str.startswith("factor-independent")
    assert (same.change[~independent] == 0).all() and (same.restated == same.report_factors).all()
    assert list(same.case[independent]) == ["sim_payment_potential"]
    assert (same.factors_changed == "").sum() == len(same) - 1  # only E1 says what it sums


def test_a_loaded_factor_set_changes_only_the_cases_that_use_its_factors(tmp_path):
    path = tmp_path / "grid_only.csv"
    path.write_text("key,value\ngrid_kg_per_kwh,0.2472\n", encoding="utf-8")
    table = restate(load_factor_set(path, name="southwest_2023")).set_index("case")
    assert table.attrs["factor_set"] == "southwest_2023"
    uses_grid = {c.case for c in CASES if "grid_kg_per_kwh" in get_model(c.model).dependencies(c.output or
                 get_model(c.model).primary)}
    changed = set(table.index[table.restated != table.report_factors])
    through_derived_totals = {"e1", "enablement", "china_mobile", "china_mobile_2009", "china_mobile_own_ratio",
                              "wireless_industry"}
    through_derived_sub_results = {c.case for c in CASES if c.model in ("streetlight_potential", "telework", "headline")}
    assert changed == uses_grid | through_derived_totals | through_derived_sub_results
    assert "fleet_management" not in changed


def test_csv_round_trips(current):
    back = pd.read_csv(io.StringIO(to_csv(current)))
    assert list(back.columns) == COLUMNS and len(back) == len(current)
    assert np.allclose(back.restated, current.restated, rtol=1e-9)


def test_workbook_has_the_table_a_native_bar_chart_and_the_factors(tmp_path, current):
    path = restatement_workbook(current, tmp_path / "restated.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Restatement", "Change chart", "Factors"]
    ws = wb["Restatement"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "case")
    headers = [ws.cell(header_row, j + 1).value for j in range(len(RESTATEMENT_COLUMNS))]
    assert headers == [c.header for c in RESTATEMENT_COLUMNS]
    assert "recomputed from the report's inputs" in headers and "with 'current' factors" in headers
    col = {c.name: j + 1 for j, c in enumerate(RESTATEMENT_COLUMNS)}
    for i, rec in enumerate(current.itertuples(), start=header_row + 1):
        assert ws.cell(i, col["case"]).value == rec.case
        assert ws.cell(i, col["restated"]).value == pytest.approx(rec.restated, rel=1e-12)
        printed = ws.cell(i, col["report_printed"]).value
        assert printed == "not printed" if np.isnan(rec.report_printed) else printed == pytest.approx(rec.report_printed)
        pct = ws.cell(i, col["change_pct"])
        if np.isfinite(rec.change_pct):
            assert pct.value == pytest.approx(rec.change_pct / 100) and pct.number_format.endswith("%")
        else:
            assert pct.value is None
    assert ws.freeze_panes == f"B{header_row + 1}"
    chart = wb["Change chart"]._charts[0]
    assert chart.type == "bar"
    assert wb["Change chart"].page_setup.orientation == "portrait"   # a tall chart of ~90 cases, on one page
    refs = chart.series[0].val.numRef.f
    last = header_row + len(current)
    assert refs == f"'Restatement'!$I${header_row + 1}:$I${last}"
    categories = chart.series[0].cat
    assert (categories.numRef or categories.strRef).f == f"'Restatement'!$A${header_row + 1}:$A${last}"
    factors = wb["Factors"]
    values = [[c.value for c in row] for row in factors.iter_rows(min_row=4, values_only=False)]
    grid_all = next(v for v in values if v[0] == "grid_kg_per_kwh" and v[1] == "all")
    assert grid_all[4:6] == [0.8665, 0.5306]


def test_text_that_looks_like_a_formula_stays_text(tmp_path, current):
    evil = current.copy()
    evil.loc[0, "description"] = "=HYPERLINK(\"http://example.com\")"
    path = restatement_workbook(evil, tmp_path / "evil.xlsx", "current")
    ws = openpyxl.load_workbook(path)["Restatement"]
    cell = next(row[1] for row in ws.iter_rows() if row[0].value == evil.case.iloc[0])
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_cli_restate_prints_writes_csv_and_workbook(tmp_path, capsys):
    assert main(["restate"]) == 0
    out = capsys.readouterr().out
    assert "factor set 'current'" in out and "fleet_management" in out and "headline.2030" in out
    assert main(["restate", "--factors", "report", "--csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert (table.restated == table.report_factors).all() and len(table) == len(CASES)
    assert table.change.isna().sum() == 1                     # sim_payment_potential: factor-independent
    book = tmp_path / "r.xlsx"
    assert main(["restate", "--xlsx", str(book)]) == 0
    assert book.stat().st_size > 5000 and f"wrote {book}" in capsys.readouterr().out
    assert main(["restate", "--xlsx", str(book)]) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert main(["restate", "--xlsx", str(book), "--overwrite", "--csv"]) == 0
    csv_out, err = capsys.readouterr()
    assert csv_out.startswith("case,model,") and f"wrote {book}" in err
    factors = tmp_path / "mine.toml"
    factors.write_text('name = "mine"\n[[factor]]\nkey = "diesel_kg_per_l"\nvalue = 2.0\n', encoding="utf-8")
    assert main(["restate", "--factors", str(factors), "--csv"]) == 0
    mine = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("case")
    assert mine.loc["fleet_management", "change_pct"] == pytest.approx((2.0 / 1.197 - 1) * 100)
    assert main(["restate", "--factors", "nope"]) == 2
    assert "factor_set must be 'report', 'current'" in capsys.readouterr().err
    get_factor_set("report")


def test_potentials_built_on_a_pilot_or_a_sub_result_follow_the_factors(current):
    rows = current.set_index("case")
    for case in ("streetlight_potential.2030.a50", "genset_potential", "telework.2030", "building_emissions"):
        assert rows.loc[case, "change_pct"] != 0 and np.isfinite(rows.loc[case, "change_pct"]), case
    pilot = get_model("streetlight")
    ratio = pilot.run({}, "current").primary / pilot.run({}, "report").primary
    assert rows.loc["streetlight_potential.2030.a50", "change_pct"] == pytest.approx((ratio - 1) * 100)
    genset = get_model("genset_monitoring")
    ratio = genset.run({}, "current").primary / genset.run({}, "report").primary
    assert rows.loc["genset_potential", "change_pct"] == pytest.approx((ratio - 1) * 100)
    assert rows.loc["building_emissions", "change_pct"] == pytest.approx((0.5306 / 0.8432 - 1) * 100)


def test_what_the_factors_cannot_reach_is_said_not_shown_as_zero(current):
    rows = current.set_index("case")
    note = rows.loc["sim_payment_potential", "factor_note"]
    assert note.startswith("factor-independent: g_per_yuan") and np.isnan(rows.loc["sim_payment_potential", "change_pct"])
    assert rows.loc["telework.2030", "factor_note"].startswith("partly factor-independent: kg_per_car_year")
    assert "hardware_t" in rows.loc["mobile_newspaper", "factor_note"]
    assert rows.loc["sim_card", "factor_note"].startswith("unchanged: pvc_kg_per_kg")
    assert rows.loc["streetlight_trend.2030", "factor_note"] == "no emission factor involved"
    assert rows.loc["fleet_management", "factor_note"] == ""
    zero = current[current.change_pct == 0]
    assert zero.factor_note.str.startswith(("unchanged", "no emission factor")).all()


def test_the_2030_headline_under_current_factors(current):
    head = current.set_index("case").loc["headline.2030"]
    assert head.report_printed == pytest.approx(12.98e8)
    assert head.report_factors == pytest.approx(5.899486e8, rel=1e-6)
    assert head.restated == pytest.approx(5.038070e8, rel=1e-6)
    assert head.change_pct == pytest.approx(-14.6015, abs=1e-3)
    parts = get_model("headline").run(target_year=2030, factor_set="current")
    assert head.restated == pytest.approx(sum(parts[f"{p}__reduction_t"] for p in ("logistics", "demat", "telework",
                                                                                    "videoconf")))


def test_cli_restate_says_factor_independent(capsys):
    assert main(["restate"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("sim_payment_potential "))
    assert "factor-independent" in line and "+0.0" not in line
    assert "sim_payment_potential: factor-independent: g_per_yuan" in out
