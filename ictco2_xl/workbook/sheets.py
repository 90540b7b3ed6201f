"""What every openpyxl workbook of the package looks like: fonts, colours, text and number cells, column
widths from what the cells show, row heights that fit wrapped text, and the print set-up.

Arial, not Calibri: LibreOffice draws Arial with Liberation Sans, which has Arial's metrics and ships with
it, while Calibri's twin (Carlito) is often missing (Debian's libreoffice-calc-nogui) and the wider
fallback turns numbers that fit in Excel into ``###``. Widths are counted in digit widths of Arial 10.
"""
from __future__ import annotations

from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.page import PageMargins

from .formats import NumberFormat, display_text, text_width, wrapped_lines

FONT_NAME, FONT_SIZE = "Arial", 10


def font(**kw) -> Font:
    """A font of the workbook's family (every font names it, so no cell falls back to another)."""
    kw.setdefault("sz", FONT_SIZE)
    return Font(name=FONT_NAME, family=2, **kw)


BASE_FONT = font()
BOLD = font(bold=True)
TITLE_FONT = font(bold=True, sz=13)
HEADER_FONT = font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
NOTE_FONT = font(italic=True, color="595959")
# One colour convention (GHG Protocol tools, UK conversion-factor workbooks): inputs blue on light yellow,
# formulas black, the report's printed figures grey, checks green or red.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = font(color="0000FF")
PRINTED_FONT = font(color="7F7F7F")
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
OK_FONT = font(color="006100", bold=True)
FAIL_FILL = PatternFill("solid", fgColor="FFC7CE")
FAIL_FONT = font(color="9C0006", bold=True)
WARN_FILL = PatternFill("solid", fgColor="FFEB9C")
WRAP = Alignment(wrap_text=True, vertical="top")
RULE = Border(bottom=Side(style="thin", color="D9D9D9"))
TOP = Alignment(vertical="top")

LINE_HEIGHT = 12.75          # points per line of Arial 10 (Excel's default row height for it)
CJK_LINE_HEIGHT = 13.5       # CJK glyphs of the fallback fonts are taller
HEADER_WIDTH_FACTOR = 1.07   # bold text is wider
CELL_PADDING = 2.0           # column units around the text
WRAP_MARGIN = 1.2            # column units a wrapped line cannot use (cell margins)
INDENT_WIDTH = 1.5           # column units per indent level
MAX_WIDTH = 48.0             # wider text wraps
HEADER_WRAP = 12.0           # a header wider than this wraps when its values are narrower
LANDSCAPE_ABOVE = 95.0       # total column units that still fit a portrait A4 page at 100%


def new_workbook() -> Workbook:
    """An empty workbook whose Normal style (the unit of column widths) is Arial 10."""
    wb = Workbook()
    wb._fonts = IndexedList([BASE_FONT])            # font 0: what unstyled cells and widths use
    wb._named_styles["Normal"].font = copy(BASE_FONT)
    return wb


def put_text(ws, row: int, col: int, text, style: Font | None = None, wrap: bool = False):
    """Write text as text: never a formula, whatever it starts with (e.g. '=LOGISTICS_REDUCTION()')."""
    c = ws.cell(row=row, column=col)
    if text is None or text == "":
        return c
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    c.value = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    c.data_type = "s"
    if c.value.startswith(("=", "+", "-", "@")):
        c.quotePrefix = True
    if style is not None:
        c.font = style
    c.alignment = WRAP if wrap else TOP
    return c


def put_number(ws, row: int, col: int, value, fmt: NumberFormat | str | None, style: Font | None = None):
    """A number (or a formula, if ``value`` is a string starting with '=') with its number format."""
    c = ws.cell(row=row, column=col, value=value)
    if fmt is not None:
        c.number_format = fmt if isinstance(fmt, str) else fmt.code
    if style is not None:
        c.font = style
    c.alignment = TOP
    return c


def header_row(ws, row: int, headers, first_col: int = 1) -> None:
    for j, h in enumerate(headers):
        c = put_text(ws, row, first_col + j, h, HEADER_FONT, wrap=True)
        c.fill = HEADER_FILL


def paragraph(ws, row: int, text: str, first_col: int = 1, last_col: int | None = None, style: Font | None = None):
    """A wrapped paragraph across columns ``first_col`` to ``last_col`` (merged); ``finish`` sizes its row."""
    c = put_text(ws, row, first_col, text, style, wrap=True)
    if last_col and last_col > first_col:
        ws.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
    return c


def _shown(cell, values: dict) -> str | None:
    v = cell.value
    if v is None:
        return None
    if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=") and cell.data_type != "s"):
        v = values.get(cell.coordinate)
        if v is None:
            return None
    if hasattr(v, "text") and not isinstance(v, str):   # array formulas
        v = values.get(cell.coordinate)
        if v is None:
            return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return display_text(v, cell.number_format)
    return str(v)


def finish(ws, values: dict | None = None, header_rows: tuple[int, int] | None = None,
           max_width: float = MAX_WIDTH, min_width: float = 4.0, fixed: dict[int, float] | None = None,
           rules: bool = True, one_page: bool = False) -> None:
    """Size the sheet for reading and printing.

    Column widths come from the longest text each column shows (numbers as formatted; ``values`` gives
    the cached value of formula cells by coordinate), CJK characters counting double; text wider than
    ``max_width`` wraps. Rows with wrapped text get the height of their lines. Then the print set-up:
    fit to one page wide, landscape when wide, ``header_rows`` repeated on every page, a footer with the
    sheet name and page number. With ``rules``, a light line under every filled cell from the first
    header row down, so table rows read across on screen and on paper. ``one_page``: a sheet that belongs
    on one page (a short table with its chart) is printed on one."""
    values = values or {}
    fixed = fixed or {}
    merged = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = rng
    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if (cell.row, cell.column) in merged:
                continue
            text = _shown(cell, values)
            if not text:
                continue
            factor = HEADER_WIDTH_FACTOR if cell.font is not None and cell.font.b else 1.0
            indent = INDENT_WIDTH * (cell.alignment.indent or 0) if cell.alignment is not None else 0.0
            longest = max(text_width(line) for line in text.split("\n")) * factor + indent
            if cell.fill is not None and cell.fill == HEADER_FILL and cell.data_type == "s":
                # A header wraps to its column's values, down to its longest word.
                longest = max(min(longest, HEADER_WRAP), max(map(text_width, text.split())) * factor)
            if longest > max_width and cell.data_type == "s":
                cell.alignment = WRAP
                longest = max_width
            widths[cell.column] = max(widths.get(cell.column, 0.0), longest)
    for col, w in {**widths, **fixed}.items():
        ws.column_dimensions[get_column_letter(col)].width = round(max(min_width, w + CELL_PADDING), 1)
    width_of = {col: ws.column_dimensions[get_column_letter(col)].width or 8.43 for col in range(1, ws.max_column + 1)}
    _fit_rows(ws, values, merged, width_of)
    _print_setup(ws, sum(width_of.values()), header_rows)
    if one_page:
        ws.page_setup.fitToHeight = 1
    if rules:
        _rules(ws, merged, header_rows[0] if header_rows else 1)


def _fit_rows(ws, values, merged, width_of) -> None:
    for row in ws.iter_rows():
        lines, tall, height = 1, False, 0.0
        for cell in row:
            if not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            text = _shown(cell, values)
            if not text:
                continue
            rng = merged.get((cell.row, cell.column))
            if rng is not None:
                if (rng.min_row, rng.min_col) != (cell.row, cell.column):
                    continue
                avail = sum(width_of.get(c, 8.43) for c in range(rng.min_col, rng.max_col + 1))
            else:
                avail = width_of.get(cell.column, 8.43)
            size = _size(cell)
            factor = (HEADER_WIDTH_FACTOR if cell.font is not None and cell.font.b else 1.0) * size
            indent = INDENT_WIDTH * (cell.alignment.indent or 0)
            n = wrapped_lines(text, (avail - WRAP_MARGIN - indent) / factor)
            cjk = text_width(text) != len(text)
            height = max(height, n * (CJK_LINE_HEIGHT if cjk else LINE_HEIGHT) * size)
            lines = max(lines, n)
            tall = tall or size > 1
        if lines > 1 or tall:
            ws.row_dimensions[row[0].row].height = round(height + 1.5, 2)


def _rules(ws, merged, first_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is not None and (cell.row, cell.column) not in merged:
                cell.border = RULE


def _size(cell) -> float:
    """The cell's font size relative to the body font's."""
    return (cell.font.sz or FONT_SIZE) / FONT_SIZE if cell.font is not None else 1.0


def _print_setup(ws, total_width: float, header_rows) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total_width > LANDSCAPE_ABOVE else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    if header_rows:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "page &P of &N"


def chart_title(text: str, size: int = 12, bold: bool = True):
    """A chart or axis title at a readable size (the default is 18 pt, too big beside a table)."""
    from openpyxl.chart.title import title_maker
    from openpyxl.drawing.text import CharacterProperties
    title = title_maker(text)
    for para in title.tx.rich.paragraphs:
        para.pPr.defRPr.sz = size * 100
        para.pPr.defRPr.b = bold
        for run in para.r:
            run.rPr = CharacterProperties(sz=size * 100, b=bold)
    return title


def show_axes(chart) -> None:
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False     # openpyxl 3.1 leaves it unset, and Excel then hides the axis


__all__ = ["new_workbook", "chart_title", "show_axes", "font", "put_text", "put_number", "header_row", "paragraph", "finish"]
