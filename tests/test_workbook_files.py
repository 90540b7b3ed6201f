"""Every kind of workbook the package writes is a valid file for every reader: python-calamine, openpyxl,
SheetJS (the JavaScript reader, where installed) and LibreOffice (test_rendering); its XML parts validate
against the ECMA-376 Transitional schemas; its zip members carry ZIP64 headers only when they need them."""
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import GENERATED
from xlsx_check import schema_errors, zip64_members

SHEETJS_READER = r"""
const XLSX = require(process.env.SHEETJS_MODULE);
for (const path of process.argv.slice(1)) {
  try {
    const wb = XLSX.readFile(path);
    const cells = {};
    for (const name of wb.SheetNames) cells[name] = Object.keys(wb.Sheets[name]).filter((k) => k[0] !== "!").length;
    console.log(JSON.stringify({path, cells}));
  } catch (e) { console.log(JSON.stringify({path, error: String(e.message || e)})); }
}
"""


def sheetjs_module() -> Path | None:
    """The `xlsx` npm package: $ICTCO2_SHEETJS (a folder npm installed it into; .ci/run does)."""
    root = os.environ.get("ICTCO2_SHEETJS")
    module = Path(root) / "node_modules" / "xlsx" if root else None
    return module if module and module.is_dir() and shutil.which("node") else None


@pytest.fixture(scope="module")
def sheetjs(generated_workbooks):
    module = sheetjs_module()
    if module is None:
        pytest.skip("SheetJS not installed: npm install --prefix DIR xlsx@0.18.5 and set ICTCO2_SHEETJS=DIR")
    done = subprocess.run(["node", "-e", SHEETJS_READER, *map(str, generated_workbooks.values())], check=True,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "SHEETJS_MODULE": str(module)})
    return {Path(r["path"]).stem: r for r in map(json.loads, done.stdout.splitlines())}


@pytest.mark.parametrize("name", GENERATED)
def test_python_calamine_and_openpyxl_read_every_sheet(generated_workbooks, name):
    from python_calamine import CalamineWorkbook
    path = generated_workbooks[name]
    book = CalamineWorkbook.from_path(str(path))
    data_only = load_workbook(path, data_only=True)
    assert book.sheet_names == data_only.sheetnames
    for sheet in book.sheet_names:
        rows = book.get_sheet_by_name(sheet).to_python()
        assert rows and any(v not in ("", None) for row in rows for v in row), sheet


@pytest.mark.parametrize("name", GENERATED)
def test_sheetjs_reads_every_sheet(sheetjs, generated_workbooks, name):
    result = sheetjs[name]
    assert "error" not in result, result.get("error")
    assert list(result["cells"]) == load_workbook(generated_workbooks[name], read_only=True).sheetnames
    assert all(n > 0 for n in result["cells"].values())


@pytest.mark.parametrize("name", GENERATED)
def test_xml_parts_validate_against_ecma_376(generated_workbooks, name):
    pytest.importorskip("lxml")
    errors = schema_errors(generated_workbooks[name].read_bytes())
    assert not errors, "\n".join(errors[:10])


@pytest.mark.parametrize("name", GENERATED)
def test_no_zip64_headers_on_small_members(generated_workbooks, name):
    assert zip64_members(generated_workbooks[name].read_bytes()) == []


def test_the_streamed_table_uses_zip64_when_its_sheet_needs_it(tmp_path, monkeypatch):
    """A sheet past the ZIP64 limit (lowered here, as 4 GiB cannot be written in a test) gets ZIP64 headers,
    and every reader still opens the file."""
    from python_calamine import CalamineWorkbook

    from ictco2_xl.workbook.stream import write_table_xlsx
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)
    rows = ([i, f"row {i}", i / 7] for i in range(2000))
    path = write_table_xlsx(tmp_path / "big.xlsx", "Big", ["i", "name", "x"], rows)
    assert zip64_members(path.read_bytes()) == ["xl/worksheets/sheet1.xml"]
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Big").to_python()[-1][0] == 1999
    assert load_workbook(path)["Big"].max_row == 2001


def test_a_summary_split_over_further_sheets_is_valid_for_every_reader(tmp_path, monkeypatch):
    """The styled streamed table continued on 'Summary (2)', … past Excel's row limit (lowered here): each
    sheet validates against ECMA-376, carries no ZIP64 headers, and the readers see every row once."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    from ictco2_xl.batch import generate
    from ictco2_xl.workbook import stream
    monkeypatch.setattr(stream, "EXCEL_MAX_ROWS", 4)
    report = generate(pd.DataFrame({"scenario": list("abcdefg"), "lamp_count": 1.0}), "streetlight", tmp_path)
    data = report.summary_xlsx.read_bytes()
    assert schema_errors(data) == [] and zip64_members(data) == []
    book = CalamineWorkbook.from_path(str(report.summary_xlsx))
    assert book.sheet_names == ["Summary", "Summary (2)", "Summary (3)"]
    sheets = [book.get_sheet_by_name(s).to_python() for s in book.sheet_names]
    assert all(rows[0][:2] == ["row", "scenario"] for rows in sheets)              # the header on every sheet
    assert [r[1] for rows in sheets for r in rows[1:]] == list("abcdefg")
    wb = load_workbook(report.summary_xlsx)
    assert all(ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2" for ws in wb.worksheets)


def _merged(ws) -> set[tuple[int, int]]:
    return {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)}


@pytest.mark.parametrize("name", GENERATED)
def test_what_excel_shows_fits_its_column(generated_workbooks, name):
    """Excel's view, from the cached values (array results included): every number fits its column (no
    ###) and no unwrapped text runs under a filled neighbour (a cut header or name)."""
    from openpyxl.utils import get_column_letter

    from ictco2_xl.workbook.formats import display_text, text_width
    styled, shown = load_workbook(generated_workbooks[name]), load_workbook(generated_workbooks[name], data_only=True)
    cut = []
    for ws in styled.worksheets:
        values, merged = shown[ws.title], _merged(ws)
        for row in ws.iter_rows():
            for cell in row:
                value = values[cell.coordinate].value
                if value in (None, "") or (cell.row, cell.column) in merged:
                    continue
                width = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
                if isinstance(value, str):
                    wrapped = cell.alignment is not None and cell.alignment.wrap_text
                    if wrapped or values.cell(cell.row, cell.column + 1).value in (None, ""):
                        continue
                    text = value
                else:
                    text = display_text(value, cell.number_format)
                bold = 1.07 if cell.font is not None and cell.font.b else 1.0
                if max(map(text_width, text.split("\n"))) * bold > width - 0.8:
                    cut.append(f"{ws.title}!{cell.coordinate} ({width}): {text[:50]!r}")
    assert not cut, cut[:10]
