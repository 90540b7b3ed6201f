"""A table streamed into an .xlsx, row by row (constant memory, no openpyxl cell objects).

For tables of any length, such as a batch's summary: a frozen, filterable header; numbers as numbers
(with a number format per cell where the caller gives one, see ``formats.Formatted``); every other value
as an inline string, so text is never read as a formula. Column widths follow what the cells show, long
text wraps in rows tall enough for it, and the sheet prints one page wide with the header on every page.
Rows beyond Excel's 1,048,576 per sheet continue on further sheets, each with the header.

The sheet's XML is spooled to a temporary file first: its size is then known, so the zip member carries
ZIP64 headers only when it needs them (SheetJS refuses ZIP64 local headers on small members).
Widths are measured per sheet; number formats are shared by all sheets (one styles part).
"""
from __future__ import annotations

import itertools
import math
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from .formats import Formatted, text_width, wrapped_lines
from .package import _ZIP_TIME, cell_text, clean_text, inline_string_cell
from .sheets import CELL_PADDING, FONT_NAME, FONT_SIZE, HEADER_WRAP, LANDSCAPE_ABOVE, LINE_HEIGHT, WRAP_MARGIN

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


_FONT = f'<sz val="{FONT_SIZE}"/><name val="{FONT_NAME}"/><family val="2"/>'
# Cell styles: 0 body, 1 header (bold white on blue, wrapped), 2 wrapped text; 3.. one per number format.
# Body cells: top-aligned (rows with wrapped text read across) with a light rule below, as sheets.finish.
_FIXED_XFS = ('<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
              '<alignment vertical="top"/></xf>'
              '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
              'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
              '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
              '<alignment vertical="top" wrapText="1"/></xf>')
_BODY, _HEADER, _WRAPPED = ' s="0"', ' s="1"', ' s="2"'   # s="0" spelled out: LibreOffice ignores xf 0 otherwise
_FIRST_CUSTOM_FORMAT = 164


def _styles(codes: list[str]) -> str:
    formats = "".join(f'<numFmt numFmtId="{_FIRST_CUSTOM_FORMAT + k}" formatCode={quoteattr(c)}/>'
                      for k, c in enumerate(codes))
    xfs = "".join(f'<xf numFmtId="{_FIRST_CUSTOM_FORMAT + k}" fontId="0" fillId="0" borderId="1" xfId="0" '
                  'applyNumberFormat="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>'
                  for k in range(len(codes)))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_NS}">'
            + (f'<numFmts count="{len(codes)}">{formats}</numFmts>' if codes else "")
            + f'<fonts count="2"><font>{_FONT}</font><font><b/><color rgb="FFFFFFFF"/>{_FONT}</font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill><fill><patternFill patternType="solid"><fgColor rgb="FF1F4E78"/><bgColor indexed="64"/>'
            '</patternFill></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '<border><left/><right/><top/><bottom style="thin"><color rgb="FFD9D9D9"/></bottom><diagonal/></border>'
            '</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{3 + len(codes)}">{_FIXED_XFS}{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


class _Sheet:
    """Cells in, sheetData XML out; remembers what each column shows, for its width."""

    def __init__(self, letters: list[str], max_widths: list[float], codes: dict[str, int]):
        self.letters, self.max_widths = letters, max_widths
        self.widths = [0.0] * len(letters)
        self.codes = codes   # number format -> style index, shared by every sheet of the file

    def _style(self, code: str) -> str:
        if code not in self.codes:
            self.codes[code] = len(self.codes)
        return f' s="{3 + self.codes[code]}"'

    def cell(self, j: int, n: int, value) -> tuple[str, int]:
        """(XML, lines the value takes) for the value in column j of row n."""
        ref = f"{self.letters[j]}{n}"
        if isinstance(value, Formatted):
            if not math.isfinite(value.value):
                return "", 1
            self._seen(j, text_width(value.fmt.text(value.value)))
            return f'<c r="{ref}"{self._style(value.fmt.code)}><v>{float(value.value)!r}</v></c>', 1
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                return "", 1
            self._seen(j, len(repr(value)))
            return f'<c r="{ref}"{_BODY}><v>{value!r}</v></c>', 1
        text = cell_text("" if value is None else value)
        if not text:
            return "", 1
        width = max(map(text_width, text.split("\n")))
        if width <= self.max_widths[j] and "\n" not in text:
            self._seen(j, width)
            return inline_string_cell(ref, _BODY, text), 1
        # Wider than the column may grow: the column is exactly its cap, so the lines are known now.
        self._seen(j, self.max_widths[j])
        return inline_string_cell(ref, _WRAPPED, text), wrapped_lines(text, self.max_widths[j] + CELL_PADDING
                                                                     - WRAP_MARGIN)

    def _seen(self, j: int, width: float) -> None:
        self.widths[j] = max(self.widths[j], min(width, self.max_widths[j]))

    def row(self, n: int, values: Sequence) -> str:
        cells, lines = [], 1
        for j, v in enumerate(values[:len(self.letters)]):
            xml, k = self.cell(j, n, v)
            cells.append(xml)
            lines = max(lines, k)
        height = f' ht="{lines * LINE_HEIGHT + 1.5:g}" customHeight="1"' if lines > 1 else ""
        return f'<row r="{n}"{height}>' + "".join(cells) + "</row>"


def write_table_xlsx(path: Path, sheet: str, header: Sequence[str], rows: Iterable[Sequence],
                     max_widths: Sequence[float] | None = None, max_rows: int | None = None) -> Path:
    """Write ``rows`` (ints and floats as numbers, :class:`Formatted` numbers with their format, anything else
    as text) under ``header`` to ``path``, atomically (a temporary file, then rename). ``max_widths``:
    the widest each column may grow (default 60 column units); longer text wraps. Rows beyond one sheet's
    ``max_rows`` (default Excel's limit, header included) continue on sheets named "<sheet> (2)", ...,
    each with the header, so no spreadsheet cuts the table."""
    path = Path(path)
    max_rows = EXCEL_MAX_ROWS if max_rows is None else max_rows
    from openpyxl.utils import get_column_letter
    ncol = max(len(header), 1)
    letters = [get_column_letter(j + 1) for j in range(ncol)]
    caps = [float((max_widths or [])[j]) if j < len(max_widths or []) else 60.0 for j in range(ncol)]
    codes: dict[str, int] = {}
    base = clean_text(sheet)[:24]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    rows = iter(rows)
    last_rows: list[int] = []
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            def put(name: str, text: str) -> None:
                z.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
            put("_rels/.rels", _ROOT_RELS)
            more = True
            while more:
                n, more = _write_sheet(z, len(last_rows) + 1, letters, caps, codes, header, rows, max_rows)
                if more:
                    rows = more
                last_rows.append(n)
            put("xl/styles.xml", _styles(list(codes)))
            names = [base if k == 0 else f"{base} ({k + 1})" for k in range(len(last_rows))]
            sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                             for k, name in enumerate(names))
            defined = ""
            for k, (name, n) in enumerate(zip(names, last_rows)):
                quoted = escape("'" + name.replace("'", "''") + "'")
                defined += (f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                            f'{quoted}!$A$1:${letters[-1]}${n}</definedName>'
                            f'<definedName name="_xlnm.Print_Titles" localSheetId="{k}">{quoted}!$1:$1</definedName>')
            put("[Content_Types].xml", _content_types(len(names)))
            put("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
            put("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets>'
                f'<definedNames>{defined}</definedNames></workbook>')
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_sheet(z: zipfile.ZipFile, k: int, letters, caps, codes, header, rows, max_rows: int):
    """Sheet k with at most ``max_rows`` rows (header included); returns (its last row, the rest of ``rows``
    or False when they are all written)."""
    table = _Sheet(letters, caps, codes)
    for j, h in enumerate(header):   # a header wraps down to its longest word
        words = str(h).split() or [""]
        table.widths[j] = max(min(text_width(str(h)), HEADER_WRAP), max(map(text_width, words))) * 1.12
    more = False
    with tempfile.TemporaryFile(dir=Path(z.filename).parent) as spool:
        n = 1
        batch = []
        for row in rows:
            n += 1
            batch.append(table.row(n, row))
            if len(batch) == 256:
                spool.write("".join(batch).encode("utf-8"))
                batch = []
            if n == max_rows:
                more = _has_more(rows)
                break
        spool.write("".join(batch).encode("utf-8"))
        widths = [w + CELL_PADDING for w in table.widths]
        head_lines = max(wrapped_lines(str(h), w - WRAP_MARGIN) for h, w in zip(header, widths)) if header else 1
        head = _sheet_head(letters, widths, header, head_lines)
        tail = _sheet_tail(letters, n, sum(widths))
        size = len(head) + spool.tell() + len(tail)
        spool.seek(0)
        info = zipfile.ZipInfo(f"xl/worksheets/sheet{k}.xml", _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = size      # zipfile writes ZIP64 headers only if this needs them
        with z.open(info, "w") as fh:
            fh.write(head)
            shutil.copyfileobj(spool, fh, 1 << 20)
            fh.write(tail)
    return n, more


def _has_more(rows):
    """An iterator equal to ``rows`` if it has another item, else False."""
    for first in rows:
        return itertools.chain([first], rows)
    return False


def _sheet_head(letters, widths, header, head_lines: int) -> bytes:
    cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{w:.1f}" customWidth="1"/>' for j, w in enumerate(widths))
    height = f' ht="{head_lines * LINE_HEIGHT + 1.5:g}" customHeight="1"' if head_lines > 1 else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="{LINE_HEIGHT:g}"/><cols>{cols}</cols>'
            f'<sheetData><row r="1"{height}>'
            + "".join(inline_string_cell(f"{letters[j]}1", _HEADER, cell_text(str(h))) for j, h in enumerate(header))
            + "</row>").encode("utf-8")


def _sheet_tail(letters, last_row: int, total_width: float) -> bytes:
    orientation = "landscape" if total_width > LANDSCAPE_ABOVE else "portrait"
    return ("</sheetData>"
            f'<autoFilter ref="A1:{letters[-1]}{last_row}"/>'
            '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>'
            f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
            "<headerFooter><oddFooter>&amp;L&amp;A&amp;Rpage &amp;P of &amp;N</oddFooter></headerFooter>"
            "</worksheet>").encode("utf-8")
