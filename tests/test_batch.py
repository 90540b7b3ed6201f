"""Batch generation: correct outputs for many random scenarios, safe with bad input and hostile text."""
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from ictco2_xl.batch import generate, safe_name
from ictco2_xl.tables import TableError
from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs
from ictco2_xl.recalc import check
from ictco2_xl.recalc.libreoffice import soffice_path
from ictco2_xl.workbook.layout import SCENARIO_CELL, TemplateLayout

ROOT = Path(__file__).resolve().parents[1]
MIXED = ["fleet_management", "streetlight", "logistics_potential", "telework", "streetlight_potential"]


def random_table(n_per_model=40, seed=1):
    rng = np.random.default_rng(seed)
    frames = []
    for mid in MIXED:
        cols = random_inputs(MODELS[mid], n_per_model, rng)
        f = pd.DataFrame(cols)
        f.insert(0, "model", mid)
        f.insert(0, "scenario", [f"{mid} {k}" for k in range(n_per_model)])
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def random_batch(tmp_path_factory):
    table = random_table()
    out = tmp_path_factory.mktemp("batch")
    report = generate(table, None, out, verify="python")
    return table, out, report


def test_200_random_scenarios_are_correct_and_verified_with_python(random_batch):
    table, out, report = random_batch
    assert (report.rows, report.written, report.failed, report.verified) == (200, 200, 0, 200)
    from python_calamine import CalamineWorkbook
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["status"]) == {"verified"}
    for _, rec in table.sample(25, random_state=0).iterrows():
        model = MODELS[rec["model"]]
        inputs = {i.name: rec[i.name] for i in model.inputs}
        expected = model.run(inputs).primary
        ref = TemplateLayout(model).steps[model.primary]
        path = out / f"{safe_name(rec['scenario'], 'x')}.xlsx"
        assert load_workbook(path, data_only=True)["Calculation"][ref.ref].value == pytest.approx(expected, rel=1e-12)
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Calculation").to_python()
        assert rows[ref.row - 1][ref.col - 1] == pytest.approx(expected, rel=1e-12)


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed: apt-get install -y "
                    "libreoffice-calc-nogui (.ci/run installs it)")
def test_200_random_scenarios_reproduced_by_libreoffice(random_batch):
    _, out, _ = random_batch
    files = sorted(out.glob("*.xlsx"))
    files = [f for f in files if f.name != "summary.xlsx"]
    reports = check(files, "libreoffice")
    assert len(reports) == 200
    bad = [str(d) for r in reports for d in r.differences]
    assert not bad, bad[:5]
    from ictco2_xl.recalc.libreoffice import recalculate as libreoffice_values
    summary = libreoffice_values([out / "summary.xlsx"])[out / "summary.xlsx"]   # the streamed summary opens too
    expected = pd.read_csv(out / "summary.csv")
    assert summary[("Summary", "E1")] == "status" and summary[("Summary", "A201")] == expected["row"].iloc[199]
    assert summary[("Summary", "I2")] == pytest.approx(expected["result"].iloc[0], rel=1e-12)


def test_bad_rows_are_reported_and_the_others_generated(tmp_path, capsys):
    table = pd.DataFrame({
        "scenario": ["good", "text", "range", "unknown column", "unknown model", "good too"],
        "model": ["fleet_management"] * 4 + ["nope", "fleet_management"],
        "empty_rate_drop": ["0.02", "abc", "1.5", "0.02", "0.02", ""],
        "tonage_100t": ["", "", "", "5000", "", ""],
    })
    path = tmp_path / "s.csv"
    table.to_csv(path, index=False)
    assert main(["batch", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "row 3, column empty_rate_drop: must be a number, got 'abc'" in err
    assert "row 4, column empty_rate_drop: must be between 0 and 1, got 1.5" in err
    assert "row 5, column tonage_100t: is not an input of fleet_management" in err
    assert "row 6, column model: must be one of the models" in err and "got 'nope'" in err
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert summary.set_index("row")["status"].to_dict() == {2: "ok", 3: "error", 4: "error", 5: "error", 6: "error",
                                                            7: "ok"}
    assert sorted(p.name for p in (tmp_path / "out").glob("*.xlsx")) == ["good too.xlsx", "good.xlsx", "summary.xlsx"]
    assert load_workbook(tmp_path / "out" / "summary.xlsx")["Summary"]["E1"].value == "status"


def test_scenario_text_is_always_text(tmp_path):
    nasty = ['=HYPERLINK("http://evil.example","click")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)",
             "bell\x07and\x1bescape"]
    table = pd.DataFrame({"scenario": nasty, "model": "streetlight"})
    report = generate(table, None, tmp_path)
    assert report.written == len(nasty)
    for name in nasty:
        path = tmp_path / f"{safe_name(name, 'x')}.xlsx"
        cell = load_workbook(path)[SCENARIO_CELL[0]][SCENARIO_CELL[1]]
        assert cell.data_type == "s" and "\x07" not in cell.value and "\x1b" not in cell.value
        assert cell.value == name.replace("\x07", "").replace("\x1b", "")
        with zipfile.ZipFile(path) as z:
            about = z.read("xl/worksheets/sheet1.xml").decode()
        assert "HYPERLINK" not in about.split("<f>")[0] or "<f>HYPERLINK" not in about
    summary = load_workbook(tmp_path / "summary.xlsx")["Summary"]
    cells = [c for row in summary.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_existing_files_are_not_overwritten_without_asking(tmp_path):
    table = pd.DataFrame({"scenario": ["a"], "model": ["streetlight"], "lamp_count": [100]})
    assert generate(table, None, tmp_path).written == 1
    path = tmp_path / "a.xlsx"
    before = path.read_bytes()
    second = generate(table.assign(lamp_count=[200]), None, tmp_path)
    assert second.failed == 1 and "exists" in second.errors[0] and path.read_bytes() == before
    third = generate(table.assign(lamp_count=[200]), None, tmp_path, overwrite=True)
    assert third.written == 1 and path.read_bytes() != before


def test_names_cannot_escape_the_output_folder(tmp_path):
    out = tmp_path / "out"
    names = ["../../escape", "/etc/passwd", "..", "CON", "a/b\\c", "名字 with spaces"]
    report = generate(pd.DataFrame({"scenario": names, "model": "sim_card"}), None, out)
    assert report.written == len(names)
    files = [p for p in out.rglob("*.xlsx") if p.name != "summary.xlsx"]
    assert len(files) == len(names) and all(p.parent == out for p in files)
    assert not list(tmp_path.glob("*.xlsx"))
    assert safe_name("CON", "row2").lower() != "con" and safe_name("", "row2") == "row2"


def test_duplicate_names_get_unique_files(tmp_path):
    report = generate(pd.DataFrame({"scenario": ["x", "X", "x"], "model": "sim_card"}), None, tmp_path)
    assert report.written == 3
    # names are unique ignoring case (Windows and macOS folders are case-insensitive)
    assert sorted(p.name.lower() for p in tmp_path.glob("*.xlsx")) == ["summary.xlsx", "x-2.xlsx", "x-3.xlsx", "x.xlsx"]


def test_xlsx_scenario_table(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["scenario", "target_year", "empty_rate_cut"])
    ws.append(["smart 2030", 2030, 0.5])
    ws.append([None, None, None])
    ws.append(["policy 2010", 2010, 0.1])
    wb.save(tmp_path / "table.xlsx")
    report = generate(tmp_path / "table.xlsx", "logistics_potential", tmp_path / "out")
    assert (report.written, report.failed) == (2, 0)
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert summary["row"].tolist() == [2, 4]
    assert summary["result"].iloc[0] == pytest.approx(MODELS["logistics_potential"](2030, 0.5))


def test_zip_bombs_and_entity_attacks_are_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 2**20))
    with pytest.raises(TableError, match="refusing to read"):
        generate(bomb, "streetlight", tmp_path / "out")
    wb = Workbook()
    wb.active.append(["scenario"])
    wb.active.append(["x"])
    wb.save(tmp_path / "ok.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet', 1)
            dst.writestr(item, data)
    evil = tmp_path / "evil.xlsx"
    evil.write_bytes(buf.getvalue())
    with pytest.raises(TableError, match="cannot read the workbook safely"):
        generate(evil, "streetlight", tmp_path / "out2")


def test_interrupted_run_leaves_no_partial_workbook(tmp_path):
    table = pd.DataFrame({"scenario": [f"s{i}" for i in range(3000)], "lamp_count": np.arange(3000) + 1.0})
    table.to_csv(tmp_path / "big.csv", index=False)
    out = tmp_path / "out"
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([sys.executable, "-m", "ictco2_xl.cli", "batch", str(tmp_path / "big.csv"),
                                 "--model", "streetlight", "--out", str(out), "--overwrite"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        deadline = time.time() + 60
        while time.time() < deadline and len(list(out.glob("s*.xlsx"))) < 50:
            time.sleep(0.05)
        proc.send_signal(sig)
        proc.wait(timeout=60)
        files = list(out.glob("s*.xlsx"))
        assert 50 <= len(files) < 3000
        for f in files:  # every workbook there is complete
            with zipfile.ZipFile(f) as z:
                assert z.testzip() is None
        if sig == signal.SIGTERM:
            assert not list(out.glob(".*.part"))
    generate(tmp_path / "big.csv", "streetlight", out, overwrite=True, chunk_rows=1000)
    assert not list(out.glob(".*.part"))   # stale temporary files of the killed run are cleaned up


def test_jobs_give_the_same_files(tmp_path):
    table = random_table(8, seed=3)
    generate(table, None, tmp_path / "one")
    generate(table, None, tmp_path / "two", jobs=2, chunk_rows=10)
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").glob("*.xlsx") if p.name != "summary.xlsx"}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").glob("*.xlsx") if p.name != "summary.xlsx"}
    assert one == two and len(one) == 40


def test_example_run(tmp_path, capsys):
    assert main(["batch", "--example", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "chongqing_cases.csv: 28 of 28" in out
    summary = pd.read_csv(tmp_path / "chongqing_cases" / "summary.csv")
    assert set(summary["model"]) >= {m for m in MODELS if MODELS[m].kind == "appendix"}
    assert (tmp_path / "logistics_scenarios" / "summary.xlsx").exists()
    assert (tmp_path / "streetlight_scenarios" / "summary.xlsx").exists()
    assert os.environ.get("CI") is None or True


def test_a_row_with_two_bad_cells_counts_once(tmp_path):
    table = pd.DataFrame({"scenario": ["a", "b", "c"], "model": "logistics_potential",
                          "target_year": ["2030", "1999", "2020"], "empty_rate_cut": ["0.5", "2", "0.1"]})
    report = generate(table, None, tmp_path)
    assert (report.rows, report.written, report.failed) == (3, 2, 1)
    assert len(report.errors) == 2 and all("row 3" in e for e in report.errors)


@pytest.mark.parametrize("unnamed", [True, False], ids=["unnamed-temporary-file", "named-temporary-file"])
def test_overwrite_protection_holds_against_a_file_created_meanwhile(tmp_path, monkeypatch, unnamed):
    from ictco2_xl import files as batch
    if not unnamed:   # systems without O_TMPFILE: a named temporary file, then an exclusive hard link
        monkeypatch.setattr(batch, "_link_unnamed", lambda *args: False)
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"user's file")
    with pytest.raises(FileExistsError):
        batch.write_atomic(target, b"new", overwrite=False)
    assert target.read_bytes() == b"user's file" and not list(tmp_path.glob(".*.part"))
    batch.write_atomic(tmp_path / "y.xlsx", b"new", overwrite=False)
    batch.write_atomic(target, b"replaced", overwrite=True)
    assert (tmp_path / "y.xlsx").read_bytes() == b"new" and target.read_bytes() == b"replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xlsx", "y.xlsx"]


def test_a_row_whose_results_cannot_be_cached_fails_alone(tmp_path, monkeypatch):
    """A non-finite value (an overflow, say) cannot be cached in a cell: that row fails, the others go on."""
    from ictco2_xl.workbook.layout import TemplateLayout as Layout
    original = Layout.values_many

    def with_overflow(self, columns, n):
        values = {k: np.array(np.broadcast_to(v, (n,)), dtype=float) for k, v in original(self, columns, n).items()}
        values[("Calculation", self.steps[self.model.primary].ref)][columns["lamp_count"] == 2] = np.inf
        return values
    monkeypatch.setattr(Layout, "values_many", with_overflow)
    table = pd.DataFrame({"scenario": ["a", "b", "c"], "lamp_count": [1, 2, 3]})
    report = generate(table, "streetlight", tmp_path)
    assert (report.rows, report.written, report.failed) == (3, 2, 1)
    assert "row 3: Calculation!" in report.errors[0] and "not a finite number" in report.errors[0]
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == ["a.xlsx", "c.xlsx", "summary.xlsx"]


def test_temporary_files_of_a_running_batch_are_left_alone(tmp_path):
    from ictco2_xl.files import remove_stale_parts
    alive = tmp_path / f".a.xlsx.{os.getpid()}.part"
    dead = tmp_path / ".b.xlsx.999999999.part"
    alive.write_bytes(b"x")
    dead.write_bytes(b"x")
    remove_stale_parts(tmp_path)
    assert alive.exists() and not dead.exists()
