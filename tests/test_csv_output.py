"""Every CSV the package writes goes through one writer (core/csvio.py): text a spreadsheet would evaluate is
neutralised (OWASP CSV injection), numbers stay numbers, and files open correctly in Excel on Chinese Windows
(UTF-8 with a byte-order mark by default; --encoding for the rest)."""
import ast
import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ictco2_xl
from ictco2_xl.batch import generate
from ictco2_xl.cli import main
from ictco2_xl.core.csvio import cell, neutralise, restore, rows_text

PACKAGE = Path(ictco2_xl.__file__).resolve().parent
NASTY = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1)",
         "\t=1+1", "\r=1+1", "  =1+1", "'=1+1", "=1+1"]


@pytest.mark.parametrize("text", NASTY)
def test_formula_text_is_neutralised_and_restored_exactly(text):
    out = neutralise(text)
    assert out.startswith("'") and restore(out) == text


@pytest.mark.parametrize("value, text", [(-5, "-5"), (-0.25, "-0.25"), (1e-05, "1e-05"), ("-5", "-5"), ("+3", "+3"),
                                         ("-1.5e3", "-1.5e3"), (float("nan"), ""), (None, ""), ("路灯", "路灯"),
                                         (2030, "2030"), (True, "TRUE")])
def test_numbers_stay_numbers(value, text):
    assert cell(value) == text


@given(st.text())
def test_every_text_round_trips_and_never_starts_a_formula(text):
    out = cell(text)
    assert restore(out) == text
    stripped = out.lstrip(" ")
    if stripped[:1] in ("=", "+", "-", "@", "\t", "\r"):
        float(out)   # only a plain number may start like that


def test_one_csv_writer_in_the_whole_package():
    """No module but core/csvio.py writes CSV itself (csv.writer, DictWriter, DataFrame.to_csv)."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "csvio.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter", "to_csv", "writerow", "writerows"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.attr}")
    assert not offenders, offenders


def test_summary_and_evaluate_neutralise_scenario_names_and_keep_numbers(tmp_path, capsys):
    table = pd.DataFrame({"scenario": NASTY, "lamp_count": range(1, len(NASTY) + 1)})
    table.to_csv(tmp_path / "t.csv", index=False)
    report = generate(tmp_path / "t.csv", "streetlight", tmp_path / "out")
    assert main(["evaluate", str(tmp_path / "t.csv"), "--model", "streetlight", "--out", str(tmp_path / "e.csv")]) == 0
    for path in (report.summary_csv, tmp_path / "e.csv"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")            # UTF-8 with a byte-order mark, for Excel
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r["scenario"] for r in rows] == [neutralise(t.strip()) for t in NASTY]   # names are stripped
        assert all(r["scenario"].startswith("'") for r in rows)
        assert [float(r["lamp_count" if "lamp_count" in r else "result"]) > 0 for r in rows] == [True] * len(NASTY)
    # summary.xlsx holds the names exactly, as text
    from openpyxl import load_workbook
    ws = load_workbook(report.summary_xlsx).active
    assert [ws.cell(r, 2).value for r in range(2, len(NASTY) + 2)] == [t.strip() for t in NASTY]
    assert all(ws.cell(r, 2).data_type == "s" for r in range(2, len(NASTY) + 2))


def test_every_csv_command_writes_a_bom_to_files_and_none_to_pipes(tmp_path):
    commands = [["reconcile", "--csv"], ["restate", "--csv"], ["uncertainty", "streetlight", "--csv", "--draws", "200"],
                ["sensitivity", "streetlight", "--csv"]]
    for args in commands:
        target = tmp_path / f"{args[0]}.csv"
        with open(target, "wb") as fh:    # `ictco2-xl ... > file.csv`
            subprocess.run([sys.executable, "-m", "ictco2_xl", *args], stdout=fh, check=True, cwd=tmp_path)
        piped = subprocess.run([sys.executable, "-m", "ictco2_xl", *args], capture_output=True, check=True,
                               cwd=tmp_path).stdout
        assert target.read_bytes().startswith(b"\xef\xbb\xbf") and not piped.startswith(b"\xef\xbb\xbf"), args
        assert target.read_bytes()[3:].replace(b"\r\n", b"\n") == piped.replace(b"\r\n", b"\n"), args
    gb = subprocess.run([sys.executable, "-m", "ictco2_xl", "reconcile", "--csv", "--encoding", "gb18030"],
                        capture_output=True, check=True).stdout
    assert "手机报" in gb.decode("gb18030")


def test_encoding_option_of_batch_and_evaluate(tmp_path):
    (tmp_path / "t.csv").write_text("scenario,lamp_count\n路灯,5\n", encoding="utf-8")
    assert main(["batch", str(tmp_path / "t.csv"), "--model", "streetlight", "--out", str(tmp_path / "b"),
                 "--encoding", "gb18030"]) == 0
    assert "路灯" in (tmp_path / "b" / "summary.csv").read_bytes().decode("gb18030")
    assert main(["evaluate", str(tmp_path / "t.csv"), "--model", "streetlight", "--out", str(tmp_path / "e.csv"),
                 "--encoding", "utf-8"]) == 0
    assert (tmp_path / "e.csv").read_bytes().startswith(b"row,")


def test_rows_text_quotes_what_csv_needs():
    text = rows_text(["a", "b"], [["x,y", 'say "hi"'], ["line\nbreak", 1.5]])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["x,y", 'say "hi"'], ["line\nbreak", "1.5"]]
