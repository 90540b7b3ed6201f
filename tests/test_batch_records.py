"""No record is lost: every batch run keeps its own summary, a stopped or killed run leaves one that says
what was written and what not, workers die with their parent, and a full disk or an unusable output folder
gives one line that says what was written."""
import contextlib
import csv
import inspect
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
from openpyxl import load_workbook

from ictco2_xl.batch import Stop, generate
from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.excel.worksheet import build_functions
from ictco2_xl.files import MAX_NAME_BYTES
from ictco2_xl.workbook import stream

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def table(path: Path, n: int, prefix: str = "s") -> Path:
    pd.DataFrame({"scenario": [f"{prefix}{i}" for i in range(n)], "lamp_count": np.arange(n) + 1.0}).to_csv(path, index=False)
    return path


def summary_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_record_matches_folder(out: Path, rows: list[dict]):
    """Every 'ok' row's workbook is there and complete; no workbook is there that the record does not name."""
    named = {r["file"] for r in rows if r["status"] in ("ok", "verified")}
    for name in named:
        with zipfile.ZipFile(out / name) as z:
            assert z.testzip() is None
    on_disk = {p.name for p in out.glob("*.xlsx") if not p.name.startswith("summary")}
    assert on_disk == named


# -- every run keeps its own record --------------------------------------------------------------------
def test_a_second_run_never_replaces_the_first_runs_summary(tmp_path):
    src = table(tmp_path / "t.csv", 3)
    out = tmp_path / "out"
    first = generate(src, "streetlight", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    second = generate(src, "streetlight", out)                  # every workbook exists: all rows fail
    third = generate(src, "streetlight", out, overwrite=True)   # --overwrite replaces workbooks, never a summary
    assert (first.summary_csv.name, second.summary_csv.name, third.summary_csv.name) == \
           ("summary.csv", "summary-2.csv", "summary-3.csv")
    assert (second.written, second.failed, third.written) == (0, 3, 3)
    for name in ("summary.csv", "summary.xlsx"):
        assert (out / name).read_bytes() == before[name]
    assert all("exists" in r["message"] for r in summary_rows(out / "summary-2.csv"))
    assert third.summary_xlsx == out / "summary-3.xlsx" and "summary-3.xlsx" in third.line()


def test_concurrent_runs_into_one_folder_each_keep_a_complete_record(tmp_path):
    out = tmp_path / "out"
    srcs = [table(tmp_path / f"t{k}.csv", 300, prefix=f"run{k}_") for k in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "ictco2_xl", "batch", str(s), "--model", "streetlight", "--out",
                               str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) for s in srcs]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    summaries = sorted(out.glob("summary*.csv"))
    assert [p.name for p in summaries] == ["summary-2.csv", "summary.csv"]
    prefixes = sorted({summary_rows(p)[0]["scenario"].split("_")[0] for p in summaries})
    assert prefixes == ["run0", "run1"]
    for p in summaries:
        assert len(summary_rows(p)) == 300 and p.with_suffix(".xlsx").exists()


def test_scenario_names_never_take_the_batchs_own_file_names(tmp_path):
    names = ["summary", "Summary-2", "SUMMARY-10", "summary.csv", "a"]
    out = tmp_path / "out"
    for _ in range(2):
        report = generate(pd.DataFrame({"scenario": names, "lamp_count": 1.0}), "streetlight", out, overwrite=True)
        assert report.written == len(names) and report.summary_xlsx is not None
    files = sorted(p.name for p in out.iterdir())
    assert files == ["a.xlsx", "row2_summary.xlsx", "row3_Summary-2.xlsx", "row4_SUMMARY-10.xlsx", "summary-2.csv",
                     "summary-2.xlsx", "summary.csv", "summary.csv.xlsx", "summary.xlsx"]
    assert load_workbook(out / "summary.xlsx").active["B2"].value == "summary"   # the first run's record, intact


def test_names_are_cut_by_bytes_not_characters(tmp_path):
    long_name = "\U00020000" * 100 + "x"   # 100 four-byte characters (a CJK extension B ideograph)
    report = generate(pd.DataFrame({"scenario": [long_name, long_name], "lamp_count": [1.0, 2.0]}), "streetlight",
                      tmp_path)
    assert (report.written, report.failed) == (2, 0)
    files = [p.name for p in tmp_path.glob("\U00020000*.xlsx")]
    assert len(files) == 2 and all(len(Path(f).stem.encode()) <= MAX_NAME_BYTES + 2 for f in files)
    assert summary_rows(report.summary_csv)[0]["scenario"] == long_name   # the record keeps the whole name


def test_a_summary_longer_than_an_excel_sheet_continues_on_further_sheets(tmp_path, monkeypatch):
    assert stream.EXCEL_MAX_ROWS == 1_048_576
    monkeypatch.setattr(stream, "EXCEL_MAX_ROWS", 4)   # three rows per sheet under the header
    report = generate(pd.DataFrame({"scenario": list("abcdefg"), "lamp_count": 1.0}), "streetlight", tmp_path)
    wb = load_workbook(report.summary_xlsx)
    assert wb.sheetnames == ["Summary", "Summary (2)", "Summary (3)"]
    assert [[c.value for c in ws["B"]] for ws in wb.worksheets] == [["scenario", "a", "b", "c"],
                                                                   ["scenario", "d", "e", "f"], ["scenario", "g"]]


# -- stopped and killed runs -----------------------------------------------------------------------------
def start_batch(src: Path, out: Path, *extra):
    return subprocess.Popen([sys.executable, "-m", "ictco2_xl", "batch", str(src), "--model", "streetlight", "--out",
                             str(out), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)


def wait_for_files(out: Path, n: int, proc, timeout: float = 120):
    deadline = time.time() + timeout
    while time.time() < deadline and len(list(out.glob("s*.xlsx"))) < n:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)


@pytest.mark.parametrize("sig, jobs", [(signal.SIGTERM, "1"), (signal.SIGINT, "1"), (signal.SIGTERM, "2"),
                                       (signal.SIGINT, "2")])
def test_a_stopped_run_leaves_a_summary_of_what_was_written_and_what_not(tmp_path, sig, jobs):
    src, out = table(tmp_path / "t.csv", 6000), tmp_path / "out"
    proc = start_batch(src, out, "--jobs", jobs)
    wait_for_files(out, 50, proc)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert b"Traceback" not in stderr and f"stopped by {signal.Signals(sig).name}".encode() in stdout
    rows = summary_rows(out / "summary.csv")
    assert rows[-1]["status"] == "interrupted" and signal.Signals(sig).name in rows[-1]["message"]
    data = rows[:-1]
    numbers = [int(r["row"]) for r in data]
    assert numbers == list(range(2, 2 + len(numbers))) and 50 <= len(numbers) < 6000   # every row read is listed
    assert_record_matches_folder(out, data)
    assert (out / "summary.xlsx").exists() and not list(out.glob(".*.part"))


def process_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_kill_9_of_a_parallel_batch_takes_its_workers_with_it(tmp_path):
    src, out = table(tmp_path / "t.csv", 6000), tmp_path / "out"
    proc = start_batch(src, out, "--jobs", "2")
    wait_for_files(out, 50, proc)
    workers = [int(p) for t in Path(f"/proc/{proc.pid}/task").iterdir() for p in (t / "children").read_text().split()]
    assert len(workers) == 2
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.time() + 10
    while time.time() < deadline and any(process_state(w) not in ("gone", "Z") for w in workers):
        time.sleep(0.05)
    assert all(process_state(w) in ("gone", "Z") for w in workers)   # dead (a zombie awaits its reaper only)
    count = len(list(out.glob("*.xlsx")))
    time.sleep(1.5)
    assert len(list(out.glob("*.xlsx"))) == count                     # nothing writes on
    rows = summary_rows(out / "summary.csv")                          # what was recorded is true
    for r in rows:
        with zipfile.ZipFile(out / r["file"]) as z:
            assert z.testzip() is None


def test_stop_from_python_between_rows(tmp_path):
    stop = Stop()
    stop.request(signal.SIGTERM)   # before anything ran: nothing is run, the record says so
    report = generate(table(tmp_path / "t.csv", 20), "streetlight", tmp_path / "out", stop=stop)
    assert report.interrupted == "SIGTERM" and report.written == 0
    assert summary_rows(report.summary_csv)[-1]["status"] == "interrupted"


# -- output folders that cannot be used, full disks -----------------------------------------------------
def test_output_folder_problems_are_one_line_and_nothing_is_written(tmp_path, capsys):
    src = table(tmp_path / "t.csv", 3)
    (tmp_path / "afile").write_text("x")
    for out, expected in ((tmp_path / "afile", "is a file, not a folder"),
                          (tmp_path / "afile" / "sub", "afile is a file")):
        assert main(["batch", str(src), "--model", "streetlight", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert (tmp_path / "afile").read_text() == "x"


@contextlib.contextmanager
def small_filesystem(path: Path, size: str, read_only: bool = False):
    """A tmpfs of ``size`` at ``path`` (root only: the test machine and CI run as root)."""
    path.mkdir()
    opts = f"size={size}" + (",ro" if read_only else "")
    if not IS_ROOT or subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)],
                                     capture_output=True).returncode:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_read_only_output_folder(tmp_path, capsys):
    src = table(tmp_path / "t.csv", 3)
    if IS_ROOT:
        ctx = small_filesystem(tmp_path / "ro", "1m", read_only=True)
    else:
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro").chmod(0o555)
        ctx = contextlib.nullcontext(tmp_path / "ro")
    with ctx as out:
        assert main(["batch", str(src), "--model", "streetlight", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"cannot write into output folder {out}" in err and err.count("\n") == 1
        assert not list(out.iterdir())


def test_a_full_disk_fails_rows_and_says_what_was_written(tmp_path, capsys):
    src = table(tmp_path / "t.csv", 200)
    with small_filesystem(tmp_path / "small", "300k") as out:
        code = main(["batch", str(src), "--model", "streetlight", "--out", str(out)])
        captured = capsys.readouterr()
        assert code == 2 and "Traceback" not in captured.err
        assert "error: row 200: no space left on the device" in captured.err
        line = captured.out.strip()
        assert line.count("\n") == 0 and "the summary could not be written to" in line
        written = sorted(int(p.stem[1:]) + 2 for p in out.glob("s*.xlsx"))
        assert f"workbooks were written for rows 2-{written[-1]}" in line and written == list(range(2, written[-1] + 1))
        for p in out.glob("s*.xlsx"):   # nothing half-written
            with zipfile.ZipFile(p) as z:
                assert z.testzip() is None
        recorded = [r for r in summary_rows(out / "summary.csv") if r["status"] == "ok"]
        assert {r["file"] for r in recorded} <= {p.name for p in out.glob("s*.xlsx")}


# -- results with no finite value: batch, worksheet function and Python agree ------------------------------
def test_inputs_at_valid_bounds_write_the_workbook_with_the_spreadsheets_error_values(tmp_path):
    model = MODELS["mms_card"]
    report = generate(pd.DataFrame({"scenario": ["zero", "one"], "mms_traffic_mb": [0.0, 1.0]}), "mms_card", tmp_path)
    assert (report.written, report.failed) == (2, 0)
    rec = summary_rows(report.summary_csv)[0]
    python = model.run({"mms_traffic_mb": 0.0})
    cell = build_functions()["MMS_CARD_REDUCTION"](None, None, 0.0)[0][0]
    assert float(rec["result"]) == pytest.approx(python.primary) == pytest.approx(cell)
    assert np.isinf(python["enablement_factor"])
    assert rec["message"] == ("enablement_factor has no finite value (#DIV/0!): divides by ict_own_emission_t, "
                              "which is 0 because mms_traffic_mb = 0")
    ws = load_workbook(tmp_path / "zero.xlsx", data_only=True)["Calculation"]
    cached = {c.coordinate: c.value for row in ws.iter_rows() for c in row}
    assert "#DIV/0!" in cached.values() and "Calculation!" not in rec["message"]
    from ictco2_xl.recalc.formulas_engine import calculate
    recalculated = calculate(tmp_path / "zero.xlsx", fail_on=())
    errors = {k for k, v in recalculated.items() if isinstance(v, str) and v.startswith("#")}
    wb = load_workbook(tmp_path / "zero.xlsx", data_only=True)
    mine = {f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "e"}
    assert mine == errors and all(recalculated[k] == "#DIV/0!" for k in mine)


def test_every_input_at_its_lower_bound_is_written_by_batch_when_the_worksheet_function_computes(tmp_path):
    functions = build_functions()
    rows = []
    for m in MODELS.values():
        fn = functions[m.worksheet_functions()[0].name]
        params = set(inspect.signature(fn).parameters)
        low = {i.name: float(i.bounds.lo) for i in m.inputs
               if i.bounds.lo is not None and not i.bounds.lo_open and i.name in params}
        if not low:
            continue
        value = fn(**low)[0][0]
        rows.append({"scenario": m.id, "model": m.id, **low, "_cell": value})
    frame = pd.DataFrame(rows)
    report = generate(frame.drop(columns="_cell"), None, tmp_path)
    summary = {r["scenario"]: r for r in summary_rows(report.summary_csv)}
    for rec in rows:
        s = summary[rec["scenario"]]
        if isinstance(rec["_cell"], float):
            assert s["status"] == "ok" and float(s["result"]) == pytest.approx(rec["_cell"]), (rec["scenario"], s)
        else:
            assert s["status"] == "error", (rec["scenario"], s)
        assert "np.float64" not in s["message"] and "Calculation!" not in s["message"]


def test_overflow_names_the_input(tmp_path, capsys):
    report = generate(pd.DataFrame({"scenario": ["big"], "lamp_count": [1e308]}), "streetlight", tmp_path)
    assert report.failed == 1
    assert report.errors[0] == ("row 2: reduction_t has no finite value (#NUM!): it uses lighting_before_t, which "
                                "overflows (beyond ±1.8e308, the largest number a cell holds) in lamp_count * "
                                "hours_before; inputs too large: lamp_count = 1e+308")
    assert main(["run", "streetlight", "lamp_count=1e308"]) == 0
    assert "inputs too large: lamp_count = 1e+308" in capsys.readouterr().out


@pytest.mark.libreoffice
@pytest.mark.skipif(__import__("ictco2_xl.recalc.libreoffice", fromlist=["x"]).soffice_path() is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui")
def test_libreoffice_computes_the_cached_error_values(tmp_path):
    from ictco2_xl.recalc.libreoffice import convert, read_values
    generate(pd.DataFrame({"scenario": ["zero"], "mms_traffic_mb": [0.0]}), "mms_card", tmp_path / "out")
    path = tmp_path / "out" / "zero.xlsx"
    [converted] = convert([path], tmp_path / "lo")
    cached, recalculated = read_values(path), read_values(converted)
    errors = {k: v for k, v in cached.items() if isinstance(v, str) and v.startswith("#")}
    assert errors and all(recalculated[k] == v for k, v in errors.items())
    assert cached[("Calculation", "C6")] == pytest.approx(recalculated[("Calculation", "C6")], rel=1e-12)
