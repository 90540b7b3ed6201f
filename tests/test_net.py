"""Net reporting (ITU-T L.1480 style): gross, own emission, rebound, net, enablement; effects not quantified;
Markdown, workbook and `ictco2-xl report`."""
import numpy as np
import openpyxl
import pytest

from ictco2_xl.cli import main
from ictco2_xl.core import get_model
from ictco2_xl.core.analysis.net import COLUMNS, OWN_NOT_QUANTIFIED, SOLUTIONS, is_net_of_own, net_report, to_markdown
from ictco2_xl.core.models import APPENDIX_MODELS
from ictco2_xl.workbook.reports import NET_COLUMNS, net_workbook


@pytest.fixture(scope="module")
def report():
    return net_report(draws=4000, seed=2)


def _row(report, solution, case="report case"):
    t = report.table
    return t[(t.solution == solution) & (t.case == case)].iloc[0]


def test_one_row_per_solution_case_and_every_appendix_solution(report):
    t = report.table
    assert list(t.columns) == COLUMNS
    assert len(t) == sum(len(s.cases) for s in SOLUTIONS)
    assert {m.id for m in APPENDIX_MODELS} <= set(t.model)
    assert {"logistics_potential", "dematerialisation", "epaper", "telework", "videoconf", "streetlight_potential",
            "genset_potential", "sim_payment_potential"} <= set(t.model)


def test_which_reductions_already_subtract_the_own_emission_is_read_from_the_equations():
    expected_net = {"mms_card", "self_service", "music_download", "mobile_newspaper", "newsletter", "einvoice",
                    "mms_flyer", "mobile_payment"}
    for m in APPENDIX_MODELS:
        names = {i.name for i in m.inputs} | {s.name for s in m.steps}
        if "ict_own_emission_t" in names:
            assert is_net_of_own(m, "reduction_t", "ict_own_emission_t") == (m.id in expected_net), m.id
    assert is_net_of_own(get_model("logistics_potential"), "reduction_t", "ict_own_emission_t")


def test_identities_hold_on_every_row(report):
    t = report.table
    own = t.own_t.fillna(0)
    rebound = t.rebound_t.fillna(0)
    quantified = t.own_t.notna()
    assert np.allclose(t.net_t[quantified], (t.gross_t - own - rebound)[quantified], rtol=1e-12)
    assert t.net_t[~quantified].isna().all() and t.enablement_ratio[~quantified].isna().all()
    assert np.allclose(t.enablement_ratio[quantified], (t.gross_t / t.own_t)[quantified], rtol=1e-12)


def test_gross_and_net_against_the_model_steps(report):
    card = get_model("mms_card").run()
    row = _row(report, "mms_card")
    assert row.gross_t == pytest.approx(card["baseline_t"]) and row.net_t == pytest.approx(card["reduction_t"])
    assert row.report_ratio == pytest.approx(card["enablement_factor"])
    payment = get_model("mobile_payment").run()
    row = _row(report, "mobile_payment")
    assert row.gross_t == pytest.approx(payment["reduction_t"] + payment.inputs["server_t"])
    fleet = get_model("fleet_management").run()
    row = _row(report, "fleet_management")
    assert row.gross_t == fleet["reduction_t"] and row.enablement_ratio == pytest.approx(3869)
    assert row.net_t == pytest.approx(fleet["reduction_t"] - fleet.inputs["ict_own_emission_t"])
    rural = _row(report, "rural_egov")
    assert rural.net_t < 0  # the own emission implied by Table 4-4's factor 0.14 exceeds the reduction
    e2 = _row(report, "other_services")
    assert e2.enablement_ratio == pytest.approx(5) and e2.net_t == pytest.approx(4 * e2.own_t)
    cm = _row(report, "china_mobile")
    assert cm.enablement_ratio == pytest.approx(get_model("china_mobile").run()["own_emission_ratio"])


def test_teleworking_rebound_is_quantified_and_its_own_emission_is_not(report):
    res = get_model("telework").run(target_year=2030)
    row = _row(report, "telework", "2030")
    assert row.gross_t == pytest.approx(res["transport_reduction_t"] + res["office_reduction_t"])
    assert row.rebound_t == res["residential_increase_t"] and row.reported_t == res["reduction_t"]
    assert np.isnan(row.own_t) and np.isnan(row.net_t) and row.own_basis == "not quantified by the report"


def test_uncertainty_bands_bracket_the_central_values(report):
    t = report.table
    has_net = t.net_t.notna()
    assert (t.gross_p5 <= t.gross_t * 1.0001).all() and (t.gross_t <= t.gross_p95 * 1.0001).all()
    assert (t.net_p5[has_net] <= t.net_p95[has_net]).all()
    assert t.net_p5[~has_net].isna().all()
    plain = net_report(draws=None)
    assert plain.table.gross_p5.isna().all() and np.allclose(plain.table.gross_t, t.gross_t)


def test_effects_the_report_names_are_listed_as_not_quantified(report):
    e = report.effects
    by = {k: g for k, g in e.groupby("solution")}
    assert by["logistics"].source.str.contains("Figure 5-4").all() and len(by["logistics"]) == 4
    assert by["telework"].source.str.contains("5-11|§5.3.1").all()
    assert any("non-work travel" in x for x in by["telework"].effect)
    assert any("aircraft manufactured" in x for x in by["videoconf"].effect)
    assert by["videoconf"].source.str.contains("Figure 5-12").all()
    assert set(e.direction) == {"increases emissions", "reduces emissions", "either way"}
    no_own = set(report.table.solution[report.table.own_t.isna()])
    for key in no_own:
        first_order = by[key][by[key].category == OWN_NOT_QUANTIFIED.category]
        assert len(first_order) >= 1, key
    counts = report.effects.groupby("solution").size()
    for r in report.table.itertuples():
        assert r.not_quantified == counts.get(r.solution, 0)


def test_markdown_has_method_table_sources_and_effects(report):
    text = to_markdown(report)
    assert text.startswith("# Net effects")
    for needed in ("ITU-T L.1480", "## Net effects", "## Where the own emission comes from",
                   "## Effects named but not quantified", "Figure 5-4", "Figure 5-11", "Figure 5-12",
                   "4,000 draws, seed 2", "| Fleet management (车管家) | Chongqing 2008 | report case | 101,804 | 101,805 |"):
        assert needed in text, needed
    assert text.count("\n| ") >= len(report.table) + len(report.effects)


def test_workbook_has_the_net_table_effects_and_method(tmp_path, report):
    wb = openpyxl.load_workbook(net_workbook(report, tmp_path / "net.xlsx"))
    assert wb.sheetnames == ["Net effects", "Own emission", "Not quantified", "Assessment records", "Method"]
    ws = wb["Net effects"]
    head = next(r for r in range(1, 10) if ws.cell(r, 1).value == "solution")
    headers = [ws.cell(head, j + 1).value for j in range(len(NET_COLUMNS))]
    col = {c.name: headers.index(c.header) + 1 for c in NET_COLUMNS}
    for i, r in enumerate(report.table.itertuples(), start=head + 1):
        assert ws.cell(i, col["title"]).value == r.title
        assert ws.cell(i, col["gross_t"]).value == pytest.approx(r.gross_t)
        net = ws.cell(i, col["net_t"]).value
        assert (net is None) if np.isnan(r.net_t) else net == pytest.approx(r.net_t)
    effects = wb["Not quantified"]
    assert effects.max_row == 3 + len(report.effects)
    assert any("ITU-T L.1480" in (c.value or "") for c in wb["Method"]["A"])


def test_cli_report_writes_markdown_and_workbook_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "net"
    assert main(["report", "--out", str(out), "--draws", "1000"]) == 0
    assert "wrote" in capsys.readouterr().out
    md, xlsx = out.with_suffix(".md"), out.with_suffix(".xlsx")
    assert md.read_text(encoding="utf-8").startswith("# Net effects") and xlsx.stat().st_size > 5000
    before = md.read_bytes()
    assert main(["report", "--out", str(out)]) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert md.read_bytes() == before
    xlsx.unlink()  # one of the two still exists: nothing is written
    assert main(["report", "--out", str(out)]) == 2
    assert not xlsx.exists()
    assert main(["report", "--out", str(out), "--overwrite", "--draws", "0", "--factor-set", "current"]) == 0
    text = md.read_text(encoding="utf-8")
    assert "Factor set: `current`" in text and "no uncertainty run" in text
    # folders are created; an .xlsx (or .md) ending names both files, never rep.xlsx.md
    assert main(["report", "--out", str(tmp_path / "new" / "dir" / "rep.xlsx"), "--draws", "0"]) == 0
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == ["rep.md", "rep.xlsx"]


def test_printed_and_recomputed_are_told_apart(tmp_path, report):
    """What the report printed comes from the reconciliation's figures; the recomputation sits beside it,
    labelled as such; 'not printed' where the report prints nothing."""
    t = report.table.set_index(["solution", "case"])
    genset, music = t.loc[("genset_monitoring", "report case")], t.loc[("music_download", "report case")]
    video = t.loc[("videoconf", "2030")]
    assert genset.printed_t == 44 and genset.reported_t == pytest.approx(33.07, abs=0.005)
    assert music.printed_t == 26 and music.reported_t == pytest.approx(0.8996, abs=5e-5)
    assert music.printed_ratio == 6.3 and music.report_ratio == pytest.approx(0.219, abs=5e-4)
    assert video.printed_t == pytest.approx(6.22e8) and video.reported_t == pytest.approx(6.22e7, rel=1e-3)
    assert "T4-1.r06: 26 t CO2" in music.printed_figures and "4-3.music.factor: 6.3 1" in music.printed_figures
    assert np.isnan(t.loc[("logistics", "2030")].printed_t)
    ws = openpyxl.load_workbook(net_workbook(report, tmp_path / "net.xlsx"))["Net effects"]
    head = next(r for r in range(1, 10) if ws.cell(r, 1).value == "solution")
    headers = [ws.cell(head, j + 1).value for j in range(len(NET_COLUMNS))]
    assert "reduction: report printed (t)" in headers and "reduction: recomputed from the report's inputs (t)" in headers
    assert not any("reported" in h for h in headers)
    printed, recomputed = headers.index("reduction: report printed (t)") + 1, headers.index(
        "reduction: recomputed from the report's inputs (t)") + 1
    rows = {(ws.cell(r, 1).value, ws.cell(r, 3).value): r for r in range(head + 1, ws.max_row + 1)}
    r = rows[("Diesel-generator monitoring (油机监控)", "report case")]
    assert ws.cell(r, printed).value == 44 and ws.cell(r, recomputed).value == pytest.approx(33.07, abs=0.005)
    r = rows[("Smart logistics (智慧物流), empty running -50%", "2030")]
    assert ws.cell(r, printed).value == "not printed"
