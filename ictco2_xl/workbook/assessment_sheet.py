"""The Assessment sheet of a template: the model's ITU-T L.1480 / WBCSD assessment record item by item,
with its status, the net effect as live formulas (reported result, own footprint, quantified higher-order
effects, net), and the key inputs with their data quality. Cell positions come from the layout
(``TemplateLayout._place_assessment``), so the batch filler and the checker see the same cells."""
from __future__ import annotations

from openpyxl.styles import PatternFill
from openpyxl.worksheet.pagebreak import Break

from ..core.assessment import (DERIVED, ITEMS, MISSING, SEPARATE_REPORTING, completeness, input_quality,
                               net_definition)
from ..core.model import Model
from .formats import display_unit, input_format, result_format
from .layout import ASSESSMENT, ASSESSMENT_TOP
from .sheets import BOLD, NOTE_FONT, TITLE_FONT, finish, header_row, paragraph, put_number, put_text

STATUS_FILL = {"present": PatternFill("solid", fgColor="C6EFCE"), DERIVED: PatternFill("solid", fgColor="FFEB9C"),
               MISSING: PatternFill("solid", fgColor="FFC7CE")}
LAST_COL = 6


def _status_text(model: Model, status: str, value: str) -> str:
    if status == MISSING:
        return "missing"
    if status == DERIVED:
        return "derived from the report's figures"
    if value == SEPARATE_REPORTING:
        return "ictco2_xl's statement"
    return "given in the model file" if model.kind == "user" else "stated in the report"


def _formula(ws, b, cell, unit: str, bold: bool = False, is_input: bool = False) -> None:
    # The unit has its own column, so the number format shows the number only.
    value = b.value(cell)
    fmt = input_format(unit, value) if is_input else result_format(unit, value)
    put_number(ws, cell.row, cell.col, f"={cell.formula}", fmt, BOLD if bold else None)


def assessment_sheet(wb, ws, b) -> None:
    """The Assessment sheet of the template being built (``b``: templates.Build)."""
    model, layout = b.model, b.layout
    rec = model.assessment
    units = {s.name: s.unit for s in model.steps} | {i.name: i.unit for i in model.inputs}
    paragraph(ws, 1, f"{model.title}: assessment record (ITU-T L.1480 / WBCSD avoided emissions)", 1, LAST_COL,
              TITLE_FONT)
    where = f"the model file {model.origin}" if model.kind == "user" else "the report (cited by section)"
    paragraph(ws, 2, f"What an avoided-emissions assessment must state, and what {where} states. Missing items "
                     "are gaps to close before the result is used as an L.1480 or WBCSD assessment.", 1, LAST_COL,
              NOTE_FONT)
    paragraph(ws, 3, "Avoided emissions are reported separately from scope 1-3 inventories and never netted "
                     "against them.", 1, LAST_COL, BOLD)
    header_row(ws, ASSESSMENT_TOP - 1, ["Item", "Asked by", "Record", "Status", "Value (live)", "Unit"])
    status = completeness(model)
    for k, item in enumerate(ITEMS):
        r = ASSESSMENT_TOP + k
        put_text(ws, r, 1, item.label, BOLD, wrap=True)
        put_text(ws, r, 2, item.asked_by, wrap=True)
        value = rec.get(item.key) if rec is not None else ""
        cell = layout.assessment_items.get(item.key)
        if cell is not None:
            note = rec.get(f"{item.key}_note")
            value = f"{cell.formula}: {note}" if note else cell.formula
            _formula(ws, b, cell, units[cell.formula])
            put_text(ws, r, 6, display_unit(units[cell.formula]))
        put_text(ws, r, 3, value or "—", wrap=True)
        s = put_text(ws, r, 4, _status_text(model, status[item.key], rec.get(item.key) if rec else ""), wrap=True)
        s.fill = STATUS_FILL[status[item.key]]

    first_net_row = layout.assessment_net[0][1]
    paragraph(ws, first_net_row - 2, "Net effect (ITU-T L.1480: second-order effect less the solution's own "
                                     "first-order footprint and quantified higher-order effects)", 1, LAST_COL, BOLD)
    header_row(ws, first_net_row - 1, ["Result", "", "How", "", "Value (live)", "Unit"])
    unit = units[model.primary]
    labels = {"reported": "Reported result", "own": "Own (first-order) footprint",
              "rebound": "Quantified higher-order effects", "net": "Net effect"}
    nd = net_definition(model)
    subtracted = {"own": nd.own_subtracted, "rebound": nd.rebound_subtracted}
    for what, r, cell in layout.assessment_net:
        put_text(ws, r, 1, labels[what], BOLD if what == "net" else None, wrap=True)
        if cell is None:
            why = {"own": "not quantified: the net effect cannot be stated",
                   "rebound": "none quantified", "net": "not stated (no quantified footprint in this unit)"}[what]
            put_text(ws, r, 3, why, wrap=True)
            continue
        if what == "reported":
            how = f"{cell.formula} (the model's primary result)"
        elif what == "net":
            how = f"= {cell.source[1].to_text()}"
        else:
            how = cell.formula + (" (already subtracted in the reported result)" if subtracted[what] else "")
        put_text(ws, r, 3, how, wrap=True)
        _formula(ws, b, cell, unit, bold=what == "net")
        put_text(ws, r, 6, display_unit(unit))

    if layout.assessment_inputs:
        top = layout.assessment_inputs[0][1].row
        paragraph(ws, top - 2, "Key inputs (behind the primary result) and their data quality", 1, LAST_COL, BOLD)
        header_row(ws, top - 1, ["Input", "Provenance", "Data quality and source", "", "Value (live)", "Unit"])
        for inp, cell in layout.assessment_inputs:
            put_text(ws, cell.row, 1, inp.label, wrap=True)
            put_text(ws, cell.row, 2, "factor set" if inp.factor else inp.provenance, wrap=True)
            put_text(ws, cell.row, 3, input_quality(inp), wrap=True)
            _formula(ws, b, cell, inp.unit, is_input=True)
            put_text(ws, cell.row, 6, display_unit(inp.unit))
    ws.freeze_panes = f"A{ASSESSMENT_TOP}"
    # Three tables, each with its own header: a repeated print header would put the record's header over
    # the key inputs, so none repeats; the net effect and key inputs start a page of their own instead.
    ws.row_breaks.append(Break(id=first_net_row - 3))
    finish(ws, b.by_sheet.get(ASSESSMENT), fixed={1: 30, 2: 14, 3: 60, 4: 18})
