"""What every sheet the package writes shares: the colour convention, number formats from units, and
writing text that a spreadsheet never evaluates."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

# One colour convention for every template: inputs are blue on light yellow, formulas black on white.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="0000FF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
RESULT_FONT = Font(bold=True)
THIN = Border(bottom=Side(style="thin", color="BFBFBF"))
WRAP = Alignment(wrap_text=True, vertical="top")


def number_format(unit: str) -> str:
    if unit == "fraction":
        return "0.00%"
    if unit == "year":
        return "0"
    safe = unit.replace('"', "'")
    return f'General" {safe}"'


def put_text(ws, row: int, col: int, text):
    """Write text as text: never a formula, whatever it starts with (e.g. '=LOGISTICS_REDUCTION()')."""
    c = ws.cell(row=row, column=col)
    if text is None or text == "":
        return c
    c.value = str(text)
    c.data_type = "s"
    if c.value.startswith(("=", "+", "-", "@")):
        c.quotePrefix = True
    return c
