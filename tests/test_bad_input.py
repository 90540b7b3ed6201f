"""The bad-input campaign, systematic: every input column of every model against hostile values, malformed
table shapes generated at random, hostile scenario workbooks. Each asserts what the README promises: one line
naming what is wrong (row, column, value, rule), no traceback, the other rows unaffected, nothing
half-written, no earlier record lost, no file read that the user did not give."""
import csv
import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ictco2_xl.batch import generate
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.numbers import parse_number
from ictco2_xl.tables import TableError, evaluate_table

ROOT = Path(__file__).resolve().parents[1]

# Hostile values a user or a program may put in a number column, as the text a CSV holds.
HOSTILE = {
    "empty": "", "spaces": "   ", "text": "abc", "negative": "-1", "nan": "nan", "NaN": "NaN", "inf": "inf",
    "-inf": "-inf", "huge": "1e308", "overflow": "1e999", "tiny": "1e-320", "underscore": "2_020",
    "thousands": "1,000", "full-width": "２０３０", "hex": "0x10", "true": "TRUE", "percent": "30%",
    "formula": "=1+1", "date": "2030-01-01", "year-low": "1999", "year-high": "2031", "half-year": "2020.5",
    "zero": "0", "one": "1", "minus-zero": "-0", "big-negative": "-1e308",
}


def expected_ok(inp, text: str) -> bool:
    """Independently of the package's validator: is ``text`` a valid value of input ``inp``?"""
    if not text.strip():
        return True                                     # blank: the default
    try:
        value = parse_number(text)
    except ValueError:
        return False
    if inp.integer and value != round(value):
        return False
    return not inp.bounds.bad(np.array(value))


def hostile_table() -> tuple[pd.DataFrame, list[dict]]:
    """One row per (model, input, hostile value); a good row of the same model before and after each input's."""
    rows, cases, goods = [], [], []
    for m in MODELS.values():
        for inp in m.inputs:
            rows.append({"scenario": f"good {m.id} {inp.name}", "model": m.id})
            goods.append((len(rows) + 1, m.id))
            for label, text in HOSTILE.items():
                rows.append({"scenario": f"bad {m.id} {inp.name} {label}", "model": m.id, inp.name: text})
                cases.append({"row": len(rows) + 1, "model": m.id, "input": inp.name, "label": label, "text": text,
                              "ok": expected_ok(inp, text)})
        rows.append({"scenario": f"good {m.id} last", "model": m.id})
        goods.append((len(rows) + 1, m.id))
    hostile_table.goods = goods
    return pd.DataFrame(rows, dtype=object).fillna(""), cases


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory):
    frame, cases = hostile_table()
    tmp = tmp_path_factory.mktemp("hostile")
    frame.to_csv(tmp / "hostile.csv", index=False)
    proc = subprocess.run([sys.executable, "-m", "ictco2_xl", "batch", str(tmp / "hostile.csv"), "--out",
                           str(tmp / "out"), "--jobs", "2"], capture_output=True, text=True, cwd=ROOT, timeout=1200)
    with open(tmp / "out" / "summary.csv", encoding="utf-8-sig", newline="") as fh:
        summary = list(csv.DictReader(fh))
    return frame, cases, proc, summary, tmp


def test_every_input_of_every_model_against_hostile_values(hostile_batch):
    frame, cases, proc, summary, tmp = hostile_batch
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    by_row = {}
    for rec in summary:
        by_row.setdefault(int(rec["row"]), []).append(rec)
    assert sorted(by_row) == list(range(2, len(frame) + 2))        # every row is accounted for
    defaults = {m.id: m.run().primary for m in MODELS.values()}
    wrong = []
    for row, mid in hostile_table.goods:   # the good rows among the hostile ones are unaffected
        [good] = by_row[row]
        if not (good["status"] == "ok" and float(good["result"]) == pytest.approx(defaults[mid], rel=1e-12)):
            wrong.append(("good row affected", row, good))
    for case in cases:
        [bad] = by_row[case["row"]]
        msg = bad["message"]
        if case["ok"]:
            finite_problem = "has no finite value" in msg and bad["status"] == "error"
            if bad["status"] != "ok" and not finite_problem:
                wrong.append(("valid value refused", case, bad))
        else:
            head = f"row {case['row']}, column {case['input']}: "
            if bad["status"] != "error" or not msg.startswith(head) or "got " not in msg:
                wrong.append(("bad value not refused by row and column", case, bad))
        if "\n" in msg or "np.float64" in msg or "Calculation!" in msg or "Traceback" in msg:
            wrong.append(("message not one plain line", case, bad))
    assert not wrong, wrong[:5]


def test_hostile_batch_writes_only_complete_workbooks_for_ok_rows(hostile_batch):
    frame, cases, proc, summary, tmp = hostile_batch
    out = tmp / "out"
    named = {r["file"] for r in summary if r["status"] == "ok"}
    assert named == {p.name for p in out.glob("*.xlsx")} - {"summary.xlsx"}
    for name in list(named)[::50]:
        with zipfile.ZipFile(out / name) as z:
            assert z.testzip() is None
    assert not list(out.glob(".*.part"))
    assert proc.stdout.count("\n") == 1 and "row(s) failed" in proc.stdout


def test_evaluate_agrees_with_batch_on_every_hostile_row(hostile_batch):
    frame, cases, proc, summary, tmp = hostile_batch
    _, records = evaluate_table(tmp / "hostile.csv")
    got = {r["row"]: (r["status"], r["message"]) for r in records}
    for rec in summary:
        status, message = got[int(rec["row"])]
        if rec["status"] == "error":
            assert status == "error" and (message == rec["message"] or message.endswith(rec["message"].split(": ", 1)[1]))
        else:
            assert status == "ok"


# -- malformed shapes, generated --------------------------------------------------------------------------
MUTATIONS = {   # name -> (how a row's CSV line is spoilt, is the row still readable for what it says)
    "none": (lambda f: ",".join(f), True),
    "pad": (lambda f: ",".join(f) + ",,", True),
    "spaces": (lambda f: ",".join(f" {x} " for x in f), True),
    "extra": (lambda f: ",".join(f) + ",junk", False),
    "short": (lambda f: ",".join(f[:-1]), False),
    "semicolons": (lambda f: ";".join(f), False),
    "decimal-comma": (lambda f: ",".join(f[:-1] + [f[-1] + ",5"]), False),
    "stray-quote": (lambda f: ",".join([f'"{f[0]}"x'] + f[1:]), False),
    "tab": (lambda f: "\t".join(f), False),
}


@st.composite
def spoilt_tables(draw):
    n = draw(st.integers(1, 12))
    lamps = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n))
    kinds = draw(st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=n, max_size=n))
    blank_after = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    bom = draw(st.booleans())
    crlf = draw(st.booleans())
    return lamps, kinds, blank_after, bom, crlf


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spoilt_tables())
def test_no_malformed_row_is_ever_read_as_something_else(tmp_path_factory, spec):
    lamps, kinds, blank_after, bom, crlf = spec
    nl = "\r\n" if crlf else "\n"
    lines, intended = ["scenario,model,lamp_count"], {}
    for k, (lamp, kind, blank) in enumerate(zip(lamps, kinds, blank_after)):
        fields = [f"s{k}", "streetlight", str(lamp)]
        lines.append(MUTATIONS[kind][0](fields))
        intended[len(lines)] = (f"s{k}", lamp, MUTATIONS[kind][1])
        if blank:
            lines.append("")
    path = tmp_path_factory.mktemp("shape") / "t.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + nl.join(lines).encode() + nl.encode())
    _, records = evaluate_table(path)
    records = list(records)
    assert {r["row"] for r in records} == set(intended)
    for rec in records:
        name, lamp, readable = intended[rec["row"]]
        if readable:
            assert rec["status"] == "ok" and rec["scenario"] == name and rec["lamp_count"] == lamp, rec
        else:
            assert rec["status"] == "error" and rec["message"].startswith(f"row {rec['row']}"), rec
            assert "\n" not in rec["message"]


def test_an_unclosed_quote_refuses_the_table_before_anything_is_written(tmp_path):
    (tmp_path / "t.csv").write_text('scenario,lamp_count\na,1\n"b,2\nc,3\n', encoding="utf-8")
    with pytest.raises(TableError, match=r"row 3 \(line 3\): a quoted value is never closed"):
        generate(tmp_path / "t.csv", "streetlight", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- hostile workbooks --------------------------------------------------------------------------------------
def plain_workbook(path: Path, rows) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def rewrite_member(src: Path, dst: Path, member: str, change, extra: dict | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == member:
                data = change(data)
            zout.writestr(item, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def hostile_workbooks(tmp: Path, secret: Path) -> dict[str, tuple[Path, str]]:
    base = plain_workbook(tmp / "base.xlsx", [["scenario", "lamp_count"], ["a", 5]])
    sheet = "xl/worksheets/sheet1.xml"
    out = {}
    bomb = tmp / "zip_bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(sheet, b"0" * (120 * 2**20))
    out["zip bomb"] = (bomb, "refusing to read it")
    many = tmp / "huge.xlsx"   # each member below the ratio check, together above the declared-size limit
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(101):
            z.writestr(f"xl/media/pad{k}.bin", b"\0" * 2**20)
    out["huge"] = (many, "declared uncompressed size above 100 MiB")
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)) + "]>")
    out["XML bomb"] = (rewrite_member(base, tmp / "xml_bomb.xlsx", sheet,
                                      lambda d: d.replace(b"<worksheet", laughs.encode() + b"<worksheet", 1)),
                       "cannot read the workbook safely")
    xxe = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
    out["XXE"] = (rewrite_member(base, tmp / "xxe.xlsx", sheet,
                                 lambda d: d.replace(b"<worksheet", xxe.encode() + b"<worksheet", 1)
                                 .replace(b"<v>5</v>", b"<v>&e;</v>")), "cannot read the workbook safely")
    link_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 f'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 f'officeDocument/2006/relationships/externalLinkPath" Target="file://{secret}" '
                 f'TargetMode="External"/></Relationships>')
    link = ('<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<externalBook r:id="rId1"/></externalLink>')
    out["external link"] = (rewrite_member(base, tmp / "external.xlsx", sheet,
                                           lambda d: d.replace(b"<v>5</v>", b"<f>[1]Sheet1!A1</f>"),
                                           {"xl/externalLinks/externalLink1.xml": link,
                                            "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels}),
                            "holds a formula with no saved result (=[1]Sheet1!A1)")
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
        with open(base, "rb") as src, open(tmp / "encrypted.xlsx", "wb") as dst:
            OOXMLFile(src).encrypt("secret", dst)
        out["encrypted"] = (tmp / "encrypted.xlsx", "is encrypted (password-protected)")
    except ImportError:   # msoffcrypto-tool is a test dependency; without it, a minimal OLE file stands in
        (tmp / "encrypted.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))
        out["encrypted"] = (tmp / "encrypted.xlsx", "is encrypted (password-protected)")
    (tmp / "csv_as.xlsx").write_text("scenario,lamp_count\na,5\n")
    out["CSV named .xlsx"] = (tmp / "csv_as.xlsx", "not a valid .xlsx file")
    return out


AUDIT = textwrap.dedent("""
    import contextlib, io, json, sys, traceback
    secret, runs = sys.argv[1], json.loads(sys.argv[2])
    opened = []
    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes)) and secret in str(args[0]):
            opened.append(str(args[0]))
    sys.addaudithook(hook)
    from ictco2_xl.cli import main
    results = []
    for args in runs:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except BaseException:
                code, _ = -1, err.write(traceback.format_exc())
        results.append({"code": code, "stderr": err.getvalue(), "opened": list(opened)})
        opened.clear()
    print(json.dumps(results))
""")


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile_files")
    secret = tmp / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    return tmp, secret, hostile_workbooks(tmp, secret)


@pytest.mark.parametrize("command", ["batch", "evaluate"])
def test_hostile_workbooks_are_refused_in_one_line_without_reading_other_files(hostile_files, command):
    tmp, secret, files = hostile_files
    runs, outs = [], []
    for name, (path, expected) in files.items():
        outs.append(tmp / f"out_{command}_{path.stem}")
        runs.append([command, str(path), "--model", "streetlight"] + (["--out", str(outs[-1])] if command == "batch" else []))
    proc = subprocess.run([sys.executable, "-c", AUDIT, str(secret), json.dumps(runs)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    results = json.loads(proc.stdout.splitlines()[-1])
    for (name, (path, expected)), out, res in zip(files.items(), outs, results):
        assert res["opened"] == [], (name, res)                     # no read outside the given file
        assert "TOP-SECRET" not in res["stderr"] and "Traceback" not in res["stderr"], (name, res)
        lines = res["stderr"].splitlines()
        if name == "external link":                                 # the row fails; the table is readable
            assert res["code"] == 1 and any(expected in line for line in lines), (name, res)
            continue
        assert res["code"] == 2 and len(lines) == 1 and expected in lines[0], (name, res)
        assert not out.exists(), name                               # refused before anything was written


def test_a_table_never_makes_the_batch_read_a_factor_file(tmp_path):
    """A factor_set cell names a set; it is never opened as a path (only files the user gives are read)."""
    secret = tmp_path / "secret.csv"
    secret.write_text("key,value\ngrid_kg_per_kwh,0.5\n")
    table = pd.DataFrame({"scenario": ["a"], "factor_set": [str(secret)], "lamp_count": [5]})
    report = generate(table, "streetlight", tmp_path / "out")
    assert report.failed == 1 and "factor_set must be 'report', 'current' or a loaded set" in report.errors[0]


def test_every_hostile_scenario_name_is_written_as_text_and_named_safely(tmp_path):
    names = ["../../etc/passwd", "..", ".hidden", "CON", "nul.txt", "a/b\\c", "\x00\x01", "=1+1", "😀" * 60,
             "name\nwith\nbreaks", " ", "a" * 300, "summary"]
    report = generate(pd.DataFrame({"scenario": names, "lamp_count": 1.0}), "streetlight", tmp_path / "out")
    assert report.written == len(names) and report.failed == 0
    files = [p for p in (tmp_path / "out").iterdir()]
    assert all(p.parent == tmp_path / "out" for p in files) and not (tmp_path / "etc").exists()
    assert all(len(p.name.encode()) <= 110 for p in files)
    with open(report.summary_csv, encoding="utf-8-sig", newline="") as fh:
        recorded = [r["scenario"] for r in csv.DictReader(io.StringIO(fh.read()))]
    assert recorded[7] == "'=1+1"


def test_cached_error_values_are_what_a_spreadsheet_computes(hostile_batch):
    """Rows written with error cells (a valid input at a bound): every cached value equals the formulas
    engine's recalculation, error values included."""
    import math

    from openpyxl import load_workbook

    from ictco2_xl.recalc.formulas_engine import calculate
    frame, cases, proc, summary, tmp = hostile_batch
    rows = [r for r in summary if r["status"] == "ok" and r["message"]]
    assert len(rows) >= 10 and all("has no finite value (#" in r["message"] or "inputs too large: " in r["message"]
                                   for r in rows)
    kinds = {"(#DIV/0!)": None, "(#NUM!)": None, "inputs too large": None}   # one of each: the engine is slow
    for r in rows:
        kind = next((k for k in kinds if k in r["message"]), None)
        kinds[kind] = kinds.get(kind) or r
    assert all(kinds.values()), kinds
    for r in kinds.values():
        path = tmp / "out" / r["file"]
        recalculated = calculate(path, fail_on=())
        values, formulas = load_workbook(path, data_only=True), load_workbook(path)
        for ws in formulas.worksheets:
            for c in (c for row in ws.iter_rows() for c in row if c.data_type == "f"):
                cached, new = values[ws.title][c.coordinate].value, recalculated[f"{ws.title}!{c.coordinate}"]
                same = cached == new or (isinstance(cached, float) and isinstance(new, (int, float))
                                         and math.isclose(cached, new, rel_tol=1e-9, abs_tol=1e-12))
                assert same, (r["scenario"], ws.title, c.coordinate, cached, new)


# -- NAME=VALUE on the command line (run, uncertainty, sensitivity) ----------------------------------------
@pytest.mark.parametrize("args, expected", [
    (["run", "mms_card", "revenue_yuan=1", "revenue_yuan=2"], "revenue_yuan is given twice"),
    (["run", "mms_card", "=5"], "expected NAME=VALUE, got '=5'"),
    (["run", "logistics_potential", "target_year=2_020"], "target_year must be a number (without '_' digit"),
    (["uncertainty", "logistics_potential", "empty_rate_cut=0.1:0.5", "empty_rate_cut=0.2", "--draws", "100"],
     "empty_rate_cut is given twice"),
    (["uncertainty", "logistics_potential", "empty_rate_cut=0.1:inf", "--draws", "100"],
     "got '0.1:inf' ('inf' must be a finite number)"),
    (["uncertainty", "logistics_potential", "empty_rate_cut=1_0:2", "--draws", "100"], "'1_0' must be a number"),
    (["uncertainty", "logistics_potential", "empty_rate_cut=nan:0.5", "--draws", "100"], "'nan' must be"),
    # a range beyond the input's valid range was clipped silently: another range than the one asked for
    (["uncertainty", "logistics_potential", "empty_rate_cut=0.1:5", "--draws", "100"],
     "empty_rate_cut: the range uniform 0.1–5 goes beyond the input's valid range (empty_rate_cut must be "
     "between 0 and 1)"),
    (["sensitivity", "logistics_potential", "empty_rate_cut=0.1:0.5:2"], "goes beyond the input's valid range"),
    (["sensitivity", "mms_card", "card_price_yuan=-1:3"], "card_price_yuan must be greater than 0"),
])
def test_command_line_values_are_refused_never_bent(args, expected, capsys):
    from ictco2_xl.cli import main
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and expected in err and "Traceback" not in err, err


def test_ranges_may_touch_an_open_bound_and_python_refuses_ranges_beyond_the_valid_range():
    from ictco2_xl.core.analysis import uncertainty
    from ictco2_xl.core.definitions import triangular, uniform
    from ictco2_xl.core.errors import InputError
    res = uncertainty.run("mms_card", 200, overrides={"card_price_yuan": uniform(0, 3)})   # greater than 0
    assert np.isfinite(res.p5)
    for dist in (uniform(0.1, 1.5), triangular(-0.5, 0.5, mode=0.2)):
        with pytest.raises(InputError, match="goes beyond the input's valid range"):
            uncertainty.run("logistics_potential", 200, overrides={"empty_rate_cut": dist})


def test_rows_without_finite_results_print_only_their_one_line(tmp_path):
    """Huge and tiny valid inputs: every stderr line is a row's message or the closing line - numpy's
    'RuntimeWarning: invalid value encountered in subtract' (and its source line) used to appear too."""
    table = tmp_path / "extremes.csv"
    table.write_text("scenario,card_price_yuan,mms_traffic_mb,revenue_yuan\na,1e-308,,\nb,1e-300,,\nc,,0,\n"
                     "d,,,1e308\ne,,1e308,\n", encoding="utf-8")
    exe = Path(sys.executable).with_name("ictco2-xl")
    for command in (["batch", str(table), "--out", str(tmp_path / "out")], ["evaluate", str(table)]):
        proc = subprocess.run([str(exe), *command, "--model", "mms_card"], capture_output=True, text=True,
                              timeout=300)
        lines = proc.stderr.splitlines()
        assert proc.returncode == 1 and lines, proc.stderr
        assert all(line.startswith("error: row 2: ") for line in lines if not line.startswith("extremes.csv: ")), lines
        assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_tiny_input_is_named_with_its_value_not_as_a_zero_the_user_never_wrote(tmp_path):
    report = generate(pd.DataFrame({"scenario": ["tiny", "zero traffic", "tiny traffic"],
                                    "card_price_yuan": [1e-308, np.nan, np.nan],
                                    "mms_traffic_mb": [np.nan, 0.0, 1e-310]}), "mms_card", tmp_path / "out")
    assert report.failed == 1 and report.written == 2
    assert report.errors[0] == ("row 2: reduction_t has no finite value (#DIV/0!): it uses cards_replaced, which "
                                "divides by card_price_yuan = 0 (card_price_yuan = 1e-308; a spreadsheet holds a "
                                "number this close to 0 as 0)")
    with open(report.summary_csv, encoding="utf-8-sig", newline="") as fh:
        messages = [r["message"] for r in csv.DictReader(fh)]
    assert messages[1].endswith("which is 0 because mms_traffic_mb = 0")
    assert messages[2].endswith("which is 0 because mms_traffic_mb = 1e-310; a spreadsheet holds a number this "
                                "close to 0 as 0")


def test_a_tables_unknown_factor_set_is_never_told_to_be_a_file(tmp_path):
    """A table cell never opens a file, so its message offers only sets (it used to suggest a factor file)."""
    table = pd.DataFrame({"scenario": ["a", "b", "c"], "factor_set": ["/etc/passwd", "curent", ""], "lamp_count": 5})
    report = generate(table, "streetlight", tmp_path / "out")
    assert report.failed == 2 and report.written == 1
    assert report.errors == [
        "row 2, column factor_set: factor_set must be 'report', 'current' or a loaded set, got '/etc/passwd'",
        "row 3, column factor_set: factor_set must be 'report', 'current' or a loaded set, got 'curent' "
        "(did you mean 'current'?)"]


@pytest.mark.parametrize("command", ["batch", "evaluate"])
def test_a_table_that_is_a_folder_or_a_pipe_is_named_for_what_it_is(tmp_path, command, capsys):
    """Both were called 'not found'; a pipe is never read (it would block, or be consumed and lost)."""
    import os

    from ictco2_xl.cli import main
    pipe = tmp_path / "table.csv"
    os.mkfifo(pipe)
    for path, expected in ((tmp_path, "is a folder; give the .csv, .txt or .xlsx file in it"),
                           (pipe, "is not a regular file; save the table to a file and give that"),
                           (tmp_path / "none.csv", "scenario table not found")):
        out = ["--out", str(tmp_path / "out")] if command == "batch" else []
        assert main([command, str(path), "--model", "streetlight", *out]) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and expected in err, err
        assert not (tmp_path / "out").exists()


def test_a_long_value_in_the_model_or_factor_set_column_is_shown_cut(tmp_path):
    """One message, one readable line: a 5,000-character cell was echoed whole, twice per row."""
    long = "a" * 5000
    report = generate(pd.DataFrame({"scenario": ["m", "f", "ok"], "model": [long, "streetlight", "streetlight"],
                                    "factor_set": ["", long + ".toml", ""], "lamp_count": 5}), None, tmp_path / "out")
    assert report.failed == 2 and report.written == 1
    assert all("a" * 100 not in e and "aaa..." in e and "\n" not in e for e in report.errors), report.errors


def test_minus_zero_is_shown_as_0_in_a_reason():
    from ictco2_xl.core.models import get_model
    from ictco2_xl.core.nonfinite import explain
    text = explain(get_model("mms_card"), {"mms_traffic_mb": -0.0}, step="enablement_factor")
    assert text.endswith("which is 0 because mms_traffic_mb = 0"), text


HOSTILE_NAMES = ["   ", "MMS_CARD", "MMS_CARD_REDUCTION", "=1+1", "+cmd|' /C calc'!A0", "5", "nan", "mms\ncard", "😀",
                 "../../etc/passwd", "report.toml", "a" * 5000, "current", "report"]


@pytest.mark.parametrize("column", ["model", "factor_set"])
def test_every_hostile_model_and_factor_set_cell_fails_its_row_alone(tmp_path, column):
    """Each hostile cell: its row fails with one line naming row, column and value (cut), a good row between
    every two hostile ones is written, and nothing is read from a path a cell names."""
    rows = []
    for k, text in enumerate(HOSTILE_NAMES):
        rows.append({"scenario": f"bad{k}", "model": "mms_card", "factor_set": "", column: text})
        rows.append({"scenario": f"good{k}", "model": "mms_card", "factor_set": ""})
    report = generate(pd.DataFrame(rows), None, tmp_path / "out")
    with open(report.summary_csv, encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert len(records) == len(rows)
    for k, text in enumerate(HOSTILE_NAMES):
        bad, good = records[2 * k], records[2 * k + 1]
        assert good["status"] == "ok" and (tmp_path / "out" / good["file"]).is_file(), good
        if (column == "factor_set" and text.strip() in ("report", "current", "")    # names, or blank: the default
                or column == "model" and text == "MMS_CARD_REDUCTION"):             # a model by its function
            assert bad["status"] == "ok", bad
            continue
        message = bad["message"]
        assert bad["status"] == "error" and bad["file"] == "", bad
        assert message.startswith(f"row {2 * k + 2}, column {column}: ") and "\n" not in message, message
        assert "a" * 100 not in message and ", got " in message, message


@pytest.mark.parametrize("content, expected", [
    (b"scenario,lamp_count\na,5\n", "not a valid .xlsx file (it is text, a CSV saved with an .xlsx name? give it a "
                                    ".csv name, or save it from Excel as .xlsx)"),
    (b"", "not a valid .xlsx file (the file is empty)"),
    (bytes(range(256)) * 4, "not a valid .xlsx file (not a zip package)"),
])
def test_a_file_named_xlsx_that_is_not_one_says_what_it_is(tmp_path, content, expected):
    path = tmp_path / "table.xlsx"
    path.write_bytes(content)
    with pytest.raises(TableError) as info:
        evaluate_table(path, "streetlight")
    assert str(info.value) == f"table.xlsx: {expected}"


def test_every_worksheet_functions_factor_set_against_hostile_text():
    """NUL characters, a bare NUL and 100,000 characters: one short line in the cell, from every function
    that takes a factor_set (a long name was echoed whole)."""
    import inspect

    from ictco2_xl.excel.worksheet import build_functions
    checked = 0
    for name, f in build_functions().items():
        params = list(inspect.signature(f).parameters)
        if "factor_set" not in params:
            continue
        for value in ("a\x00b", "a\x00b.toml", "\x00", "x" * 100_000, "x" * 100_000 + ".csv"):
            args = [None] * len(params)
            args[params.index("factor_set")] = value
            if name == "ICTCO2_PERCENTILE":
                args[:2] = ["MMS_CARD_REDUCTION", 0.5]
            elif name == "ICTCO2_FACTOR":
                args[0] = "grid_kg_per_kwh"
            (cell,), = f(*args)
            assert isinstance(cell, str) and "\n" not in cell and len(cell) < 300, (name, cell[:300])
            assert "internal error" not in cell and "factor" in cell, (name, cell)
            checked += 1
    assert checked >= 5 * 40
