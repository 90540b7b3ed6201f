"""User models end to end, with the example files of workbooks/models/: Python, templates recalculated by
both engines (formulas = Python to 1e-9 for the defaults and random inputs), batch, uncertainty,
sensitivity, restatement, the net report with its completeness table, and the command line as a user
runs it (the installed console script; the README's commands as written)."""
import os
import re
import subprocess
import sys
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ictco2_xl as ix
from ictco2_xl import batch
from ictco2_xl.core.analysis import uncertainty
from ictco2_xl.core.analysis.net import net_report, to_markdown
from ictco2_xl.core.analysis.restatement import restate
from ictco2_xl.core.analysis.sensitivity import sensitivity
from ictco2_xl.core.models import model_source
from ictco2_xl.core.sampling import random_inputs
from ictco2_xl.recalc import compare, recalculate
from ictco2_xl.recalc.check import close
from ictco2_xl.recalc.libreoffice import soffice_path
from ictco2_xl.workbook.filler import TemplateFiller
from ictco2_xl.workbook.layout import ASSESSMENT
from ictco2_xl.workbook.reports import net_workbook
from ictco2_xl.workbook.templates import write_templates

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "models"
SCENARIOS = EXAMPLES / "remote_meter_reading_scenarios.csv"
CLI = str(Path(sys.executable).with_name("ictco2-xl"))
needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed: apt-get "
                                   "install -y libreoffice-calc-nogui (.ci/run installs it)")


@pytest.fixture
def examples():
    return {m.id: m for m in ix.load_model(EXAMPLES)}


def test_the_examples_compute_what_their_equations_say(examples):
    meter, video = examples["remote_meter_reading"], examples["video_meetings"]
    fs = ix.get_factor_set("current")
    res = meter.run({"meters": np.array([5000.0, 20000.0])}, fs)
    km = np.array([5000.0, 20000.0]) * 4 * 0.5
    np.testing.assert_allclose(res["avoided_t"], km * 0.08 * fs.value("gasoline_kg_per_l") / 1000, rtol=1e-14)
    own = (np.array([5000.0, 20000.0]) * (0.5 * fs.value("grid_kg_per_kwh") + 2 / 10) + 2000 * fs.value(
        "grid_kg_per_kwh")) / 1000
    np.testing.assert_allclose(res["own_emission_t"], own, rtol=1e-14)
    v = video.run()
    assert v["rebound_t"] == pytest.approx(0.1 * v["avoided_t"])
    assert all("Illustrative" in i.source for i in (*meter.inputs, *video.inputs) if not i.factor)


def random_cases(model, n, seed):
    cols = random_inputs(model, n, np.random.default_rng(seed))
    return [{k: float(v[i]) for k, v in cols.items()} for i in range(n)]


@pytest.fixture
def filled(examples, tmp_path):
    """Each example's template at its defaults and filled with 10 random input sets."""
    cases = {}
    for mid, model in examples.items():
        (path,) = write_templates(tmp_path, [model])
        filler = TemplateFiller(model, template=path.read_bytes())
        cases[path] = (filler.layout, filler.layout.values())
        for k, inputs in enumerate(random_cases(model, 10, 3)):
            p = tmp_path / f"{mid}__{k}.xlsx"
            p.write_bytes(filler.fill(inputs, f"random {k}"))
            cases[p] = (filler.layout, filler.layout.values(inputs))
    return cases


def _assert_engine_equals_model(cases, engine):
    values = recalculate(list(cases), engine)
    for path, (layout, expected) in cases.items():
        assert any(sheet == ASSESSMENT for sheet, _ in expected)
        bad = [f"{k}: {v!r} vs {values[path].get(k)!r}" for k, v in expected.items() if not close(v, values[path].get(k))]
        assert not bad, f"{path.name}: {bad[:3]}"
    return values


def test_templates_recalculated_by_the_python_engine_equal_the_model(filled):
    _assert_engine_equals_model(filled, "python")


@pytest.mark.libreoffice
@needs_soffice
def test_templates_recalculated_by_libreoffice_equal_the_model(filled):
    values = _assert_engine_equals_model(filled, "libreoffice")
    # What check(templates, "libreoffice") reports, from the recalculation just made (not a second one).
    reports = [compare(p, "libreoffice", values[p]) for p in filled if "__" not in p.name]
    assert len(reports) == 2
    assert all(r.ok and r.model and not r.note for r in reports), [str(d) for r in reports for d in r.differences]


def test_the_assessment_sheet_shows_the_record_and_a_live_net_effect(examples, tmp_path):
    import openpyxl
    (path,) = write_templates(tmp_path, [examples["video_meetings"]])
    ws = openpyxl.load_workbook(path)[ASSESSMENT]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for needle in ("Reference scenario", "Staff fly to meetings", "rebound_t", "=avoided_t-own_emission_t-rebound_t",
                   "given in the model file", "Key inputs"):
        assert needle in text, needle
    assert "missing" not in [c.value for c in ws["D"]]


def test_batch_fills_user_model_workbooks_and_verifies_them(examples, tmp_path):
    report = batch.generate(SCENARIOS, "remote_meter_reading", tmp_path, verify="python")
    assert (report.written, report.failed, report.verified) == (3, 0, 3)
    summary = pd.read_csv(tmp_path / "summary.csv")
    model = examples["remote_meter_reading"]
    table = pd.read_csv(SCENARIOS)
    expected = model.evaluate_frame(table.drop(columns="scenario"))["avoided_t"]
    np.testing.assert_allclose(summary["result"], expected, rtol=1e-12)


@pytest.mark.libreoffice
@needs_soffice
def test_batch_verifies_user_model_workbooks_with_libreoffice(examples, tmp_path):
    report = batch.generate(EXAMPLES / "remote_meter_reading_scenarios.csv", "METER_READING_REDUCTION", tmp_path,
                            verify="libreoffice")
    assert (report.written, report.failed, report.verified) == (3, 0, 3)


def test_a_spawned_batch_worker_loads_the_user_model_from_the_job(examples, tmp_path):
    """On Windows and macOS workers start fresh: the job carries the model file's text."""
    from ictco2_xl.files import UniqueNames
    from ictco2_xl.tables import read_table
    chunk = next(iter(read_table(SCENARIOS, 100)))
    records = []
    jobs = batch._group_jobs(chunk, "remote_meter_reading", "report", UniqueNames(), tmp_path, False, records)
    assert jobs and jobs[0].model_source == model_source("remote_meter_reading")
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        done = pool.submit(batch._run_job, jobs[0]).result(timeout=300)
    assert [r["status"] for r in done] == ["ok"] * 3
    assert len(list(tmp_path.glob("*.xlsx"))) == 3


def test_uncertainty_and_sensitivity_use_the_files_ranges(examples):
    model = examples["remote_meter_reading"]
    r = uncertainty.run(model, 20_000, 1)
    assert r.p5 < r.deterministic < r.p95 and r.sample.shape == (20_000,)
    ranges = uncertainty.ranges(model).set_index("input")
    assert ranges.loc["km_per_reading", "low"] == 0.25 and ranges.loc["km_per_reading", "high"] == 1.0
    assert "gasoline_kg_per_l" in ranges.index    # a factor key brings its documented range
    table = sensitivity(model).table
    assert table.input.iloc[0] == "km_per_reading"
    fn = model.worksheet_functions()[1]
    assert uncertainty.ictco2_percentile(fn.name, 0.5, 5000, 0) == pytest.approx(
        np.percentile(uncertainty.run(model, 5000, 0, output="net_t").sample, 50))


def test_restatement_and_the_net_report_include_user_models(examples, tmp_path):
    table = restate("current").set_index("case")
    assert {"remote_meter_reading", "video_meetings"} <= set(table.index)
    rep = net_report("current", draws=2000, seed=1)
    row = rep.table.set_index("solution").loc["video_meetings"]
    assert row.case == "model file's defaults"     # not the report's case: the report never had this model
    v = examples["video_meetings"].run(factor_set="current")
    assert row.net_t == pytest.approx(v["avoided_t"] - v["own_emission_t"] - v["rebound_t"])
    assert row.gross_t == pytest.approx(v["avoided_t"]) and row.rebound_t == pytest.approx(v["rebound_t"])
    c = rep.completeness.set_index("model")
    assert len(c) == len(ix.MODELS) + 2
    assert c.loc["video_meetings", "present"] == "11/11" and c.loc["video_meetings", "missing"] == ""
    assert c.loc["video_meetings", "net_p5"] < c.loc["video_meetings", "net_t"] < c.loc["video_meetings", "net_p95"]
    md = to_markdown(rep)
    assert "and 2 user model(s)" in md and "| `video_meetings` |" in md
    net_workbook(rep, tmp_path / "net.xlsx")
    import openpyxl
    ws = openpyxl.load_workbook(tmp_path / "net.xlsx")["Assessment records"]
    assert "video_meetings" in [c.value for c in ws["A"]]
    header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "model")]
    units = {r[0].value: r[header.index("unit")].value for r in ws.iter_rows() if r[0].value in c.index}
    assert units["video_meetings"] == "t CO2/yr" and units["enablement"] == "ratio"   # as the templates print it
    fills = {x.value: x.fill.fgColor.rgb[-6:] for r in ws.iter_rows() for x in r[2:13] if r[0].value in c.index}
    assert fills == {"present": "C6EFCE", "derived": "FFEB9C", "missing": "FFC7CE"}   # the Assessment sheet's


def test_a_user_model_without_a_footprint_has_no_net_and_says_what_is_missing(tmp_path):
    from test_modelfile import MINIMAL
    path = tmp_path / "m.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    ix.load_model(path)
    rep = net_report(draws=0)
    row = rep.completeness.set_index("model").loc["remote_meter_reading"]
    assert np.isnan(row.net_t) and row.net_basis.startswith("not stated")
    assert row.present == "2/11" and "Functional unit" in row.missing
    sol = rep.table.set_index("solution").loc["remote_meter_reading"]
    assert np.isnan(sol.net_t) and sol.own_basis.startswith("not quantified in the model file")


# -- the command line, as installed ------------------------------------------------------------------------

def run_cli(*args, cwd, env=None):
    full = {k: v for k, v in os.environ.items() if k != "ICTCO2_MODELS"}
    return subprocess.run([CLI, *args], cwd=cwd, env={**full, **(env or {})}, capture_output=True, text=True,
                          timeout=600)


def test_cli_models_check_prints_the_reference_or_one_line_per_problem(tmp_path):
    ok = run_cli("models", "--check", str(EXAMPLES), cwd=tmp_path)
    assert ok.returncode == 0 and "## `video_meetings`" in ok.stdout and "Assessment record" in ok.stdout
    assert "assessment record complete" in ok.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text((EXAMPLES / "video_meetings.toml").read_text(encoding="utf-8").replace(
        'name = "rebound_share"', 'name = "meetings_per_year"').replace("grid_kg_per_kwh", "grid_kg"), encoding="utf-8")
    out = run_cli("models", "--check", str(bad), cwd=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and out.stdout == "" and len(lines) == 3
    assert all(re.match(rf"ictco2-xl models: {re.escape(str(bad))}:\d+: ", line) for line in lines), lines


def test_cli_takes_user_models_from_the_environment(tmp_path):
    env = {"ICTCO2_MODELS": os.pathsep.join([str(EXAMPLES / "video_meetings.toml"), str(EXAMPLES)])}
    out = run_cli("run", "VIDEO_MEETINGS_REDUCTION", "--json", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "avoided_t" in out.stdout
    assert run_cli("run", "VIDEO_MEETINGS_REDUCTION", cwd=tmp_path).returncode == 2


def test_the_readme_takes_a_user_from_an_empty_file_to_a_workbook_and_a_net_report(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Assess your own ICT solution"):]
    section = section[:section.index("\n## ", 5)]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    files = {"toml": "my_solution.toml", "csv": "my_scenarios.csv"}
    for lang, body in blocks:
        if lang in files:
            (tmp_path / files[lang]).write_text(body, encoding="utf-8")
    commands = [line.split("  #")[0].strip() for lang, body in blocks if lang == "bash" for line in body.splitlines()]
    assert len(commands) >= 6
    for command in commands:
        args = command.split()
        assert args[0] == "ictco2-xl"
        out = run_cli(*args[1:], cwd=tmp_path)
        assert out.returncode == 0, f"{command}: {out.stderr}"
    assert (tmp_path / "my_workbooks" / "e_billing.xlsx").is_file()
    assert len(list((tmp_path / "my_batch").glob("*.xlsx"))) == 3   # two scenarios and summary.xlsx
    report = (tmp_path / "my_net_report.md").read_text(encoding="utf-8")
    assert "| `e_billing` |" in report and "Electronic bills" in report
