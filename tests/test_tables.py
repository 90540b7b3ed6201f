"""Scenario tables are read exactly as a spreadsheet shows them, or refused: by batch and evaluate alike
(one reader, tables.py), in every encoding Excel saves, with one line naming the row and the problem."""
import csv
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import Workbook

from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.tables import TableError, evaluate_table, read_table

HEADER = "scenario,lamp_count\n"


def rows_of(path, **kw):
    """(row number, scenario cell, error text) of every non-blank row the reader gives."""
    out = []
    for chunk in read_table(path, **kw):
        for row, rec in chunk.iterrows():
            if not rec["__blank__"]:
                out.append((row, rec.get("scenario", ""), rec["__error__"]))
    return out


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


# -- shapes pandas would reinterpret silently --------------------------------------------------------------
@pytest.mark.parametrize("body, row, expected", [
    ("a,5\nb,6,7\n", 3, "row 3 has 3 values but the header has 2 columns"),           # extra field
    ("a,5\nb\n", 3, "row 3 has 1 value(s) but the header has 2 columns"),             # missing field
    ("a,5\nb,0,5\n", 3, "decimal comma"),                                             # unquoted decimal comma
    ('a,5\n"b"x,6\n', 3, "a quote inside a value must be doubled"),                   # stray quote
    ('a,5\n"b,6\nc",7\nd,8\n', 3, "a line break inside a value (lines 3-4"),          # quote closed late
])
def test_malformed_rows_fail_alone_with_their_row_number(tmp_path, body, row, expected):
    found = rows_of(write(tmp_path, "t.csv", HEADER + body))
    errors = {r: e for r, _, e in found if e}
    assert list(errors) == [row] and expected in errors[row]
    assert all(not e for r, _, e in found if r != row) and found[0][:2] == (2, "a")


def test_blank_lines_and_padding_commas_are_harmless(tmp_path):
    found = rows_of(write(tmp_path, "t.csv", HEADER + "a,5\n\n ,\nb,6,,\n"))
    assert found == [(2, "a", ""), (5, "b", "")]   # blank rows keep their numbers and are skipped


@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    ("\ufeff\r\n", "the file is empty"),
    (HEADER, "no scenario rows below the header row"),
    ("\nscenario,lamp_count\na,5\n", "row 1 is blank"),
    ("a,5\nb,6\n", "is the header row missing?"),
    ("scenario,lamp_count,lamp_count\na,5,6\n", "columns B and C are both named 'lamp_count'"),
    ("scenario,lamp_count, lamp_count \na,5,6\n", "columns B and C are both named 'lamp_count'"),
    ("scenario,lamp_count;x\na,5\n", "mixes separators"),
    (HEADER + '"a,5\nb,6\n', "row 2 (line 2): a quoted value is never closed"),
    ("PK\x03\x04rest", "this is an Excel workbook (.xlsx), not CSV text"),
])
def test_tables_that_cannot_be_read_are_refused_whole_in_one_line(tmp_path, text, expected):
    path = write(tmp_path, "t.csv", text)
    with pytest.raises(TableError) as err:
        list(read_table(path))
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_headers_are_stripped_like_xlsx_headers(tmp_path):
    chunk = next(read_table(write(tmp_path, "t.csv", " scenario , lamp_count\t\n a ,5\n")))
    assert list(chunk.columns[:2]) == ["scenario", "lamp_count"]


def test_an_index_column_is_reported_not_read_as_an_unknown_input(tmp_path):
    path = write(tmp_path, "t.csv", pd.DataFrame({"scenario": ["a"], "lamp_count": [5]}).to_csv())
    _, records = evaluate_table(path, "streetlight")
    [rec] = list(records)
    assert rec["status"] == "error" and rec["message"].startswith("row 2, column A: has a value ('0') but no name")


def test_semicolon_and_tab_separated_tables_are_read_by_their_header(tmp_path):
    for sep in (";", "\t"):
        found = rows_of(write(tmp_path, "t.csv", f"scenario{sep}lamp_count\na{sep}5\n"))
        assert found == [(2, "a", "")]


# -- encodings Excel writes ----------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, name, sep", [
    ("utf-8", "t.csv", ","), ("utf-8-sig", "t.csv", ","), ("gb18030", "t.csv", ","), ("gbk", "t.csv", ","),
    ("utf-16", "t.txt", "\t"),          # Excel "Unicode text": UTF-16 with a byte-order mark, tab-separated
    ("utf-16", "t.csv", ","), ("utf-32", "t.csv", ","),
])
def test_every_encoding_excel_saves_is_read_correctly(tmp_path, encoding, name, sep):
    text = f"scenario{sep}lamp_count\r\n路灯 一期{sep}5\r\n"
    chunk = next(read_table(write(tmp_path, name, text, encoding)))
    assert chunk.loc[2, "scenario"] == "路灯 一期" and chunk.loc[2, "lamp_count"] == "5"


@pytest.mark.parametrize("data, expected", [
    ("scenario,lamp_count\r\nCafé,5\r\n".encode("cp1252"), "not UTF-8 or GB18030 text (byte 0xE9 at byte 25, line 2)"),
    ("scenario\tlamp_count\r\n".encode("utf-16-le"), "NUL bytes (UTF-16 without a byte-order mark"),
    (b"\xff\xfes\x00c\x00\x00\xd8a\x00", "not UTF-16 text"),
])
def test_text_in_another_encoding_is_refused_naming_the_problem_and_the_fix(tmp_path, data, expected):
    with pytest.raises(TableError) as err:
        list(read_table(write(tmp_path, "t.csv", data)))
    assert expected in str(err.value) and "CSV UTF-8" in str(err.value)


# -- xlsx cells that are not plain constants ---------------------------------------------------------------
def xlsx(tmp_path, rows, name="t.xlsx"):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "holds a formula with no saved result (=1+1)"),
    ("#DIV/0!", "holds the error value #DIV/0!"),
    (dt.datetime(1905, 7, 22), "must be a number, got a date or time (1905-07-22 00:00:00)"),
    (dt.date(2030, 1, 1), "must be a number, got a date or time"),
    (True, "must be a number, got the logical value TRUE"),
])
def test_xlsx_cells_that_are_not_numbers_fail_their_row_never_read_as_blank(tmp_path, value, expected):
    path = xlsx(tmp_path, [["scenario", "lamp_count"], ["ok", 5], ["bad", value], ["after", 6]])
    found = rows_of(path)
    assert [(r, s) for r, s, _ in found] == [(2, "ok"), (3, "bad"), (4, "after")]
    assert found[1][2].startswith("row 3, column lamp_count (cell B3): ") and expected in found[1][2]
    assert not found[0][2] and not found[2][2]


def test_xlsx_formula_without_value_in_the_model_column_does_not_fall_back_to_model(tmp_path):
    path = xlsx(tmp_path, [["scenario", "model", "lamp_count"], ["a", '="streetlight"', 5]])
    _, records = evaluate_table(path, "streetlight")
    [rec] = list(records)
    assert rec["status"] == "error" and "column model (cell B2): holds a formula" in rec["message"]


def test_xlsx_rich_text_numbers_as_text_and_text_columns(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    rich = CellRichText(["路灯", TextBlock(InlineFont(b=True), " 一期")])
    path = xlsx(tmp_path, [["scenario", "lamp_count"], [rich, "7"], [2030, 8], [True, 9], [dt.date(2024, 5, 1), 10]])
    found = [(r, s) for r, s, e in rows_of(path) if not e]
    assert found == [(2, "路灯 一期"), (3, "2030"), (4, "TRUE"), (5, "2024-05-01")]


def test_xlsx_shapes_are_refused_like_csv_shapes(tmp_path):
    with pytest.raises(TableError, match="columns B and C are both named 'lamp_count'"):
        list(read_table(xlsx(tmp_path, [["scenario", "lamp_count", " lamp_count"], ["a", 1, 2]])))
    with pytest.raises(TableError, match="row 1 of sheet 'Sheet' is blank"):
        list(read_table(xlsx(tmp_path, [])))
    found = rows_of(xlsx(tmp_path, [["scenario", "lamp_count"], ["a", 1, "oops"]]))
    assert "row 2, cell C2: has a value ('oops') but its column has no name in row 1" in found[0][2]


# -- evaluate = batch ------------------------------------------------------------------------------------
def evaluate_cli(tmp_path, capsys, table, *args):
    out = tmp_path / "out.csv"
    code = main(["evaluate", str(table), "--out", str(out), "--overwrite", *args])
    err = capsys.readouterr().err
    return code, list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))) if out.exists() else [], err


def test_evaluate_honours_model_and_factor_set_columns_and_refuses_misspelt_inputs(tmp_path, capsys):
    table = write(tmp_path, "t.csv", "scenario,model,factor_set,lamp_count,target_year,empty_rate_cutt\n"
                                     "a,streetlight,current,5,,\n"
                                     "b,logistics_potential,,,2030,\n"
                                     "c,logistics_potential,,,2030,0.5\n"
                                     "d,streetlight,nope,5,,\n")
    code, rows, err = evaluate_cli(tmp_path, capsys, table, "--model", "telework")
    assert code == 1 and [r["status"] for r in rows] == ["ok", "ok", "error", "error"]
    assert float(rows[0]["reduction_t"]) == pytest.approx(MODELS["streetlight"].run({"lamp_count": 5}, "current").primary)
    assert rows[0]["factor_set"] == "current"
    assert float(rows[1]["reduction_t"]) == pytest.approx(MODELS["logistics_potential"](2030))
    assert rows[2]["message"].startswith("row 4, column empty_rate_cutt: is not an input of logistics_potential")
    assert "row 5, column factor_set: factor_set must be 'report', 'current'" in rows[3]["message"]
    assert err.count("error: ") == 2 and "Traceback" not in err
    assert [r["row"] for r in rows] == ["2", "3", "4", "5"]   # spreadsheet rows, as batch numbers them


def test_evaluate_reads_xlsx_and_non_utf8_and_refuses_empty_tables_in_one_line(tmp_path, capsys):
    code, rows, _ = evaluate_cli(tmp_path, capsys, xlsx(tmp_path, [["scenario", "lamp_count"], ["a", 5]]),
                                 "--model", "streetlight")
    assert code == 0 and rows[0]["scenario"] == "a"
    code, rows, _ = evaluate_cli(tmp_path, capsys, write(tmp_path, "g.csv", HEADER + "路灯,5\n", "gb18030"),
                                 "--model", "streetlight")
    assert code == 0 and rows[0]["scenario"] == "路灯"
    for text, expected in (("", "the file is empty"), (HEADER, "no scenario rows")):
        assert main(["evaluate", str(write(tmp_path, "e.csv", text)), "--model", "streetlight"]) == 2
        err = capsys.readouterr().err
        assert expected in err and err.count("\n") == 1


def test_evaluate_without_a_model_says_which_row_needs_one(tmp_path, capsys):
    code, rows, err = evaluate_cli(tmp_path, capsys, write(tmp_path, "t.csv", HEADER + "a,5\n"))
    assert code == 1 and "row 2, column model: is required (a 'model' column or --model)" in rows[0]["message"]


def test_evaluate_and_batch_give_the_same_results(tmp_path, capsys):
    from ictco2_xl.batch import generate
    table = write(tmp_path, "t.csv", "scenario,model,lamp_count,target_year,adoption_rate\n"
                                     "a,streetlight,5,,\nb,streetlight_potential,,2020,0.7\nc,streetlight,-1,,\n")
    _, rows, _ = evaluate_cli(tmp_path, capsys, table)
    report = generate(table, None, tmp_path / "b")
    summary = pd.read_csv(report.summary_csv, encoding="utf-8-sig")
    assert [r["status"] for r in rows] == ["ok", "ok", "error"] and list(summary["status"]) == ["ok", "ok", "error"]
    assert [float(r["reduction_t"]) for r in rows[:2]] == pytest.approx(list(summary["result"][:2]), rel=1e-12)
    assert rows[2]["message"] == summary["message"][2] == "row 4, column lamp_count: must be at least 0, got -1.0"


def test_xlsx_with_a_wrong_stored_dimension_is_read_whole(tmp_path):
    """Programs write <dimension ref="A1:B2"/> for bigger sheets; openpyxl's read-only mode would cut there."""
    import re
    import zipfile
    src = xlsx(tmp_path, [["scenario", "lamp_count", "hours_before"], ["a", 5, 100], ["b", 6, 200]])
    with zipfile.ZipFile(src) as z:
        files = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    files[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', files[sheet])
    with zipfile.ZipFile(tmp_path / "dim.xlsx", "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    chunk = next(read_table(tmp_path / "dim.xlsx"))
    assert list(chunk.index) == [2, 3] and list(chunk["hours_before"]) == [100, 200]


def test_an_encrypted_workbook_is_named_encrypted_whatever_its_size(tmp_path):
    """The OLE directory that says 'EncryptedPackage' may sit anywhere, also beyond the size limit or across
    the reader's chunks: the message says encrypted, not '.xls or another OLE file'."""
    from ictco2_xl.tables.common import MAX_XLSX_BYTES, TableError
    from ictco2_xl.tables.xlsx import _contains, check_xlsx_package
    marker = "EncryptedPackage".encode("utf-16-le")
    big = tmp_path / "big.xlsx"
    with open(big, "wb") as fh:   # sparse: cheap to make, read like a real file
        fh.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        fh.seek(MAX_XLSX_BYTES + 12345)
        fh.write(marker)
    with pytest.raises(TableError, match="is encrypted"):
        check_xlsx_package(big)
    across = tmp_path / "across.bin"
    across.write_bytes(b"x" * (1024 - 5) + marker + b"y" * 100)
    assert _contains(across, marker, chunk=1024) and not _contains(across, b"absent", chunk=1024)
    legacy = tmp_path / "old.xls.xlsx"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 5000)
    with pytest.raises(TableError, match="Excel 97-2003"):
        check_xlsx_package(legacy)
