"""A table streamed into an .xlsx, row by row (constant memory, no openpyxl cell objects).

For tables of any length, such as a batch's summary: a bold, frozen, filterable header; numbers as
numbers; every other value as an inline string, so text is never read as a formula.
"""
from __future__ import annotations

import math
import os
import zipfile
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from .package import _ZIP_TIME, cell_text, clean_text, inline_string_cell

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_MAX_ROWS = 1_048_576   # rows in one Excel worksheet; a longer table continues on further sheets


def _content_types(sheets: int) -> str:
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for k in range(1, sheets + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'{overrides}<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')


_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""


def _workbook_rels(sheets: int) -> str:
    rels = "".join(f'<Relationship Id="rId{k}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{k}.xml"/>'
                   for k in range(1, sheets + 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{sheets + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>')


_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_NS}">\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _cell(ref: str, value, style: str = "") -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else ""
    text = cell_text("" if value is None else value)
    if not text:
        return ""
    return inline_string_cell(ref, style, text)


def write_table_xlsx(path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence],
                     widths: Sequence[float] | None = None, max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write ``rows`` (ints and floats as numbers, anything else as text) under ``header`` to ``path``,
    atomically (a temporary file, then rename). Rows beyond one sheet's ``max_rows`` (Excel's limit, header
    included) continue on sheets named "<sheet> (2)", "<sheet> (3)", ..., each with the header, so no
    spreadsheet cuts the table."""
    path = Path(path)
    from openpyxl.utils import get_column_letter
    letters = [get_column_letter(j + 1) for j in range(max(len(header), 1))]
    cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w:g}" customWidth="1"/>' for j, w in enumerate(widths or []))
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
            '<sheetData><row r="1">'
            + "".join(_cell(f"{letters[j]}1", str(h), ' s="1"') for j, h in enumerate(header)) + "</row>").encode("utf-8")
    base = clean_text(sheet)[:24]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    rows = iter(rows)
    last_rows: list[int] = []
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            def put(name: str, text: str) -> None:
                z.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
            put("_rels/.rels", _ROOT_RELS)
            put("xl/styles.xml", _STYLES)
            more = True
            while more:
                info = zipfile.ZipInfo(f"xl/worksheets/sheet{len(last_rows) + 1}.xml", _ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                with z.open(info, "w", force_zip64=True) as fh:
                    fh.write(head)
                    n, batch, more = 1, [], False
                    for row in rows:
                        n += 1
                        batch.append(f'<row r="{n}">' + "".join(_cell(f"{letters[j]}{n}", v) for j, v in
                                                               enumerate(row[:len(letters)])) + "</row>")
                        if len(batch) == 256:
                            fh.write("".join(batch).encode("utf-8"))
                            batch = []
                        if n == max_rows:
                            more = _has_more(rows)
                            if more:
                                rows = more
                            break
                    fh.write(("".join(batch) + "</sheetData>"
                              f'<autoFilter ref="A1:{letters[-1]}{n}"/></worksheet>').encode("utf-8"))
                last_rows.append(n)
            names = [base if k == 0 else f"{base} ({k + 1})" for k in range(len(last_rows))]
            sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                             for k, name in enumerate(names))
            filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                              + escape("'" + name.replace("'", "''") + f"'!$A$1:${letters[-1]}${n}") + "</definedName>"
                              for k, (name, n) in enumerate(zip(names, last_rows)))
            put("[Content_Types].xml", _content_types(len(names)))
            put("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
            put("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets><definedNames>{filters}'
                "</definedNames></workbook>")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _has_more(rows):
    """An iterator equal to ``rows`` if it has another item, else False."""
    import itertools
    for first in rows:
        return itertools.chain([first], rows)
    return False
