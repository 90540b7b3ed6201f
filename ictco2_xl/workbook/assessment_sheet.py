"""The Assessment sheet of a template: the model's ITU-T L.1480 / WBCSD assessment record item by item,
with its status, the net effect as live formulas (reported result, own footprint, quantified higher-order
effects, net), and the key inputs with their data quality. Cell positions come from the layout
(``TemplateLayout._place_assessment``), so the batch filler and the checker see the same cells."""
from __future__ import annotations

import math
import unicodedata

from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from ..core.assessment import (DERIVED, ITEMS, MISSING, SEPARATE_REPORTING, completeness, input_quality,
                               net_definition)
from ..core.model import Model
from .layout import ASSESSMENT_TOP, TemplateLayout
from .sheets import HEADER_FILL, HEADER_FONT, RESULT_FONT, TITLE_FONT, WRAP, put_text

STATUS_FILL = {"present": PatternFill("solid", fgColor="C6EFCE"), DERIVED: PatternFill("solid", fgColor="FFEB9C"),
               MISSING: PatternFill("solid", fgColor="FFC7CE")}
WIDTHS = (38, 14, 80, 24, 16, 14)
LINE_HEIGHT = 15  # points per line of wrapped 11-point text


def _status_text(model: Model, status: str, value: str) -> str:
    if status == MISSING:
        return "missing"
    if status == DERIVED:
        return "derived from the report's figures"
    if value == SEPARATE_REPORTING:
        return "ictco2_xl's statement"
    return "given in the model file" if model.kind == "user" else "stated in the report"


def _header(ws, row: int, headers) -> None:
    for col, h in enumerate(headers, start=1):
        c = put_text(ws, row, col, h)
        c.font, c.fill, c.alignment = HEADER_FONT, HEADER_FILL, Alignment(vertical="center", wrap_text=True)


def _formula(ws, cell, unit: str, bold: bool = False) -> None:
    # The unit has its own column, so the number format shows the number only.
    c = ws.cell(row=cell.row, column=cell.col, value=f"={cell.formula}")
    c.number_format = {"fraction": "0.00%", "year": "0"}.get(unit, "#,##0.####")
    if bold:
        c.font = RESULT_FONT


def assessment_sheet(ws, model: Model, layout: TemplateLayout) -> None:
    rec = model.assessment
    units = {s.name: s.unit for s in model.steps} | {i.name: i.unit for i in model.inputs}
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    put_text(ws, 1, 1, f"{model.title}: assessment record (ITU-T L.1480 / WBCSD avoided emissions)").font = TITLE_FONT
    where = f"the model file {model.origin}" if model.kind == "user" else "the report (cited by section)"
    put_text(ws, 2, 1, f"What an avoided-emissions assessment must state, and what {where} states. Missing items "
                       "are gaps to close before the result is used as an L.1480 or WBCSD assessment.")
    put_text(ws, 3, 1, "Avoided emissions are reported separately from scope 1-3 inventories and never netted "
                       "against them.").font = RESULT_FONT
    _header(ws, ASSESSMENT_TOP - 1, ["Item", "Asked by", "Record", "Status", "Value (live)", "Unit"])
    status = completeness(model)
    for k, item in enumerate(ITEMS):
        r = ASSESSMENT_TOP + k
        put_text(ws, r, 1, item.label).font = RESULT_FONT
        put_text(ws, r, 2, item.asked_by)
        value = rec.get(item.key) if rec is not None else ""
        cell = layout.assessment_items.get(item.key)
        if cell is not None:
            note = rec.get(f"{item.key}_note")
            value = f"{cell.formula}: {note}" if note else cell.formula
            _formula(ws, cell, units[cell.formula])
            put_text(ws, r, 6, units[cell.formula])
        put_text(ws, r, 3, value or "—").alignment = WRAP
        s = put_text(ws, r, 4, _status_text(model, status[item.key], rec.get(item.key) if rec else ""))
        s.fill, s.alignment = STATUS_FILL[status[item.key]], WRAP

    first_net_row = layout.assessment_net[0][1]
    put_text(ws, first_net_row - 2, 1, "Net effect (ITU-T L.1480: second-order effect less the solution's own "
                                       "first-order footprint and quantified higher-order effects)").font = RESULT_FONT
    _header(ws, first_net_row - 1, ["Result", "", "How", "", "Value (live)", "Unit"])
    unit = units[model.primary]
    labels = {"reported": "Reported result", "own": "Own (first-order) footprint",
              "rebound": "Quantified higher-order effects", "net": "Net effect"}
    nd = net_definition(model)
    subtracted = {"own": nd.own_subtracted, "rebound": nd.rebound_subtracted}
    for what, r, cell in layout.assessment_net:
        label = put_text(ws, r, 1, labels[what])
        if what == "net":
            label.font = RESULT_FONT
        if cell is None:
            why = {"own": "not quantified: the net effect cannot be stated",
                   "rebound": "none quantified", "net": "not stated (no quantified footprint in this unit)"}[what]
            put_text(ws, r, 3, why)
            continue
        if what == "reported":
            how = f"{cell.formula} (the model's primary result)"
        elif what == "net":
            how = f"= {cell.source[1].to_text()}"
        else:
            how = cell.formula + (" (already subtracted in the reported result)" if subtracted[what] else "")
        put_text(ws, r, 3, how).alignment = WRAP
        _formula(ws, cell, unit, bold=what == "net")
        put_text(ws, r, 6, unit)

    if layout.assessment_inputs:
        top = layout.assessment_inputs[0][1].row
        put_text(ws, top - 2, 1, "Key inputs (behind the primary result) and their data quality").font = RESULT_FONT
        _header(ws, top - 1, ["Input", "Provenance", "Data quality and source", "", "Value (live)", "Unit"])
        for inp, cell in layout.assessment_inputs:
            put_text(ws, cell.row, 1, inp.label)
            put_text(ws, cell.row, 2, "factor set" if inp.factor else inp.provenance)
            put_text(ws, cell.row, 3, input_quality(inp)).alignment = WRAP
            _formula(ws, cell, inp.unit)
            put_text(ws, cell.row, 6, inp.unit)
    ws.freeze_panes = f"A{ASSESSMENT_TOP}"
    _fit_rows(ws)


def _text_width(text: str) -> int:
    """Width in character cells: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_rows(ws) -> None:
    """Row heights for the wrapped texts (spreadsheets do not grow rows for text written by a program), and
    every cell aligned to the top so a row reads across."""
    for row in ws.iter_rows(min_row=ASSESSMENT_TOP, max_row=ws.max_row):
        lines = 1
        for c in row:
            if c.value is None:
                continue
            if isinstance(c.value, str) and c.alignment.wrap_text:
                width = WIDTHS[c.column - 1] if c.column <= len(WIDTHS) else 10
                lines = max(lines, math.ceil(_text_width(c.value) / (width * 1.15)))
            if not c.alignment.wrap_text:
                c.alignment = Alignment(vertical="top")
        if lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines

