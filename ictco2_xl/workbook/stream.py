"""A one-sheet table streamed into an .xlsx, row by row (constant memory, no openpyxl cell objects).

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
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>"""
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
                     widths: Sequence[float] | None = None) -> Path:
    """Write ``rows`` (ints and floats as numbers, anything else as text) under ``header`` to ``path``,
    atomically (a temporary file, then rename)."""
    path = Path(path)
    from openpyxl.utils import get_column_letter
    letters = [get_column_letter(j + 1) for j in range(max(len(header), 1))]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            def put(name: str, text: str) -> None:
                z.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
            put("[Content_Types].xml", _CONTENT_TYPES)
            put("_rels/.rels", _ROOT_RELS)
            put("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
            put("xl/styles.xml", _STYLES)
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as fh:
                cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w:g}" customWidth="1"/>'
                               for j, w in enumerate(widths or []))
                fh.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
                          '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                          'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                          f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
                          '<sheetData><row r="1">'
                          + "".join(_cell(f"{letters[j]}1", str(h), ' s="1"') for j, h in enumerate(header))
                          + "</row>").encode("utf-8"))
                n = 1
                batch = []
                for n, row in enumerate(rows, start=2):
                    batch.append(f'<row r="{n}">' + "".join(_cell(f"{letters[j]}{n}", v) for j, v in
                                                           enumerate(row[:len(letters)])) + "</row>")
                    if len(batch) == 256:
                        fh.write("".join(batch).encode("utf-8"))
                        batch = []
                fh.write(("".join(batch) + "</sheetData>"
                          f'<autoFilter ref="A1:{letters[-1]}{n}"/></worksheet>').encode("utf-8"))
            name = clean_text(sheet)[:31]
            area = "'" + name.replace("'", "''") + f"'!$A$1:${letters[-1]}${n}"
            put("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
                f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets><definedNames>'
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{escape(area)}</definedName>'
                "</definedNames></workbook>")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
