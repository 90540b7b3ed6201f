"""Write a model's calculation template with openpyxl, then add cached values and make it byte-stable.

Sheets: About (what the file is, a colour key, the checks at a glance), Inputs, Series and Data (the
report's year tables), Calculation, Results (beside the report's printed figures), Scenarios and
Uncertainty (``analysis_sheets``), Checks. Every number format comes from ``formats`` by unit.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from openpyxl.formatting.rule import CellIsRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.analysis.reconciliation import evaluate
from ..core.definitions import Derived, Input, YearSeries
from ..core.factors import get_factor_set
from ..core.model import Model
from ..core.models import MODELS
from .analysis_sheets import scenarios_sheet, uncertainty_sheet
from .assessment_sheet import assessment_sheet
from .formats import (CHECK_FORMAT, SAME_FORMAT, NumberFormat, bound_text, display_unit, input_format,
                      heading_unit, printed_format, result_format, with_unit)
from .layout import (ABOUT, ASSESSMENT, CALC, CHECKS, CHECKS_TOP, DATA, FILE_NOTE_CELL, INPUTS, RESULTS,
                     SCENARIO_CELL, SCENARIOS, SERIES, UNCERTAINTY, VALUE_COL, TemplateLayout, default_text,
                     template_note)
from .package import FIXED_TIME, normalise_package
from .sheets import (BOLD, FAIL_FILL, FAIL_FONT, HEADER_FILL, HEADER_FONT, INPUT_FILL, INPUT_FONT, NOTE_FONT,
                     OK_FILL, OK_FONT, PRINTED_FONT, TITLE_FONT, WARN_FILL, finish, font, header_row, new_workbook,
                     paragraph, put_number, put_text)


LEFT = Alignment(horizontal="left", vertical="top")
INDENTED = Alignment(wrap_text=True, vertical="top", indent=1)
CENTRED = Alignment(horizontal="center", vertical="top")


class Build:
    """One template being written: the model, its layout, the cached values and the formats they get."""

    def __init__(self, model: Model, factor_set: str):
        self.model, self.factor_set = model, factor_set
        self.layout = TemplateLayout(model, factor_set)
        self.values = self.layout.values()
        self.by_sheet: dict[str, dict[str, float]] = {}
        for (sheet, ref), v in self.values.items():
            self.by_sheet.setdefault(sheet, {})[ref] = v
        self.factors = get_factor_set(factor_set)

    def input_format(self, inp: Input) -> NumberFormat:
        return input_format(inp.unit, self.layout.defaults[inp.name])

    def step_format(self, name: str) -> NumberFormat:
        cell = self.layout.steps[name]
        return result_format(self.model.step(name).unit, self.values[(cell.sheet, cell.ref)])

    def value(self, cell) -> float:
        return self.values[(cell.sheet, cell.ref)]


def _validation(inp: Input) -> DataValidation | None:
    b = inp.bounds
    kind = "whole" if inp.integer else "decimal"
    num = lambda v: repr(float(v)) if not inp.integer else str(int(v))  # noqa: E731
    if b.lo is not None and b.hi is not None:
        dv = DataValidation(type=kind, operator="between", formula1=num(b.lo), formula2=num(b.hi))
    elif b.lo is not None:
        dv = DataValidation(type=kind, operator="greaterThan" if b.lo_open else "greaterThanOrEqual", formula1=num(b.lo))
    elif b.hi is not None:
        dv = DataValidation(type=kind, operator="lessThan" if b.hi_open else "lessThanOrEqual", formula1=num(b.hi))
    else:
        return None
    rule = b.rule(bound_text(inp.unit))
    dv.error = f"{inp.label} {rule}."[:255]
    dv.errorTitle = "Out of range"
    dv.prompt = f"{with_unit(inp.label, inp.unit)}: {rule.removeprefix('must be ')}"[:255]
    dv.promptTitle = inp.label[:32]
    dv.showErrorMessage = dv.showInputMessage = True
    return dv


def _name(wb, name: str, target: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=target)


def _status_colours(ws, ref: str) -> None:
    """Checks turn green, amber (an input changed) or red."""
    for value, fill, style in (("1", OK_FILL, OK_FONT), ("-1", WARN_FILL, None), ("0", FAIL_FILL, FAIL_FONT)):
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[value], fill=fill, font=style))


def _how_to_use(model: Model) -> str:
    checks = ("Checks turns red when an input leaves its range or the formulas stop agreeing with the Python "
              "model; Assessment states the ITU-T L.1480 / WBCSD record and the net effect.")
    if model.kind == "user":
        return ("Change the blue cells on the Inputs sheet (defaults are the model file's). Calculation shows each "
                f"step of the model ({model.origin}) as a live formula; " + checks)
    return ("Change the blue cells on the Inputs sheet (defaults are the report's case). Calculation shows each step "
            "of the report's model as a live formula; Results compares the outcome with the report's printed "
            "figures; " + checks)


def _about(wb, ws, b: Build):
    model, layout = b.model, b.layout
    paragraph(ws, 1, model.title, 1, 2, TITLE_FONT)
    paragraph(ws, 2, model.title_zh, 1, 2)
    for (sheet, ref), label in ((SCENARIO_CELL, "Scenario"), (FILE_NOTE_CELL, "This file")):
        put_text(ws, ws[ref].row, 1, label, BOLD)
    put_text(ws, ws[SCENARIO_CELL[1]].row, 2, layout.default_scenario, wrap=True)
    put_text(ws, ws[FILE_NOTE_CELL[1]].row, 2, template_note(model), wrap=True)
    checks = next(c for c in layout.cells if c.sheet == ABOUT and c.source == ("check", "all"))
    put_text(ws, checks.row, 1, "Checks", BOLD)
    put_number(ws, checks.row, 2, f"={checks.formula}", CHECK_FORMAT, BOLD).alignment = LEFT
    _status_colours(ws, checks.ref)
    fs = b.factors
    rows = [
        ("What it computes", model.description),
        ("Defined in" if model.kind == "user" else "Report section", model.section),
        ("Model id", model.id),
        ("Worksheet functions", ", ".join(f"={f.name}()" for f in model.worksheet_functions())),
        ("Factor set", f"{fs.name}: {fs.description}"),
        ("Units", "Results are tonnes of CO2 (per year for annual flows) unless the unit says otherwise; shares "
                  "are shown as percentages."),
        ("How to use", _how_to_use(model)),
    ]
    if layout.grid is not None:
        rows.append(("Scenarios", "The Scenarios sheet evaluates the model for every report year"
                     + (f" and {layout.grid.axis}" if layout.grid.axis else "")
                     + "; year-dependent inputs come from the Series sheet there."))
    if layout.uncertainty_rows:
        rows.append(("Uncertainty", "How far the result moves when one input moves over its documented range "
                                    "(a tornado chart, largest swing on top)."))
    rows += [(f"Note {i}", note) for i, note in enumerate(model.notes, start=1)]
    r = checks.row + 2
    for label, text in rows:
        put_text(ws, r, 1, label, BOLD)
        put_text(ws, r, 2, text, wrap=True)
        r += 1
    r += 1
    put_text(ws, r, 1, "Colour key", BOLD)
    key = [(INPUT_FONT, INPUT_FILL, "Blue on yellow: an input you may change (unlocked)"),
           (font(), None, "Black: a formula (locked; sheets are protected without a password: Review > "
                          "Unprotect Sheet to edit)"),
           *(() if model.kind == "user" else ((PRINTED_FONT, None, "Grey: a figure as the report prints it"),)),
           (HEADER_FONT, HEADER_FILL, "White on blue: a table header"),
           (OK_FONT, OK_FILL, "Green: a check passes"),
           (FAIL_FONT, FAIL_FILL, "Red: a check fails (see the Checks sheet)")]
    for style, fill, text in key:
        c = put_text(ws, r, 2, text, style, wrap=True)
        if fill is not None:
            c.fill = fill
        r += 1


def _inputs(wb, ws, b: Build):
    header_row(ws, 1, ["Input", "中文", "Value", "Unit", "Default", "Allowed range", "Source",
                       "Provenance / note"])
    fs = b.factors
    for inp in b.model.inputs:
        cell = b.layout.inputs[inp.name]
        r, fmt = cell.row, b.input_format(inp)
        put_text(ws, r, 1, inp.label)
        put_text(ws, r, 2, inp.label_zh)
        v = put_number(ws, r, VALUE_COL, f"={cell.formula}" if cell.formula else b.layout.defaults[inp.name], fmt,
                       INPUT_FONT)
        v.fill, v.protection = INPUT_FILL, Protection(locked=False)
        put_text(ws, r, 4, display_unit(inp.unit))
        if inp.factor:
            f = fs.get(inp.factor, inp.scope)
            put_number(ws, r, 5, f.value, fmt)
            source = f"{f.source} (factor set '{fs.name}')"
            prov = f"{f.status}. {f.note}".strip()
        else:
            if isinstance(inp.default, (int, float)):
                put_number(ws, r, 5, float(inp.default), fmt)
            else:
                put_text(ws, r, 5, default_text(inp), wrap=True)
            source = inp.source
            prov = f"{inp.provenance}. {inp.note}".strip() if inp.provenance != "stated" or inp.note else "stated"
        rule = inp.bounds.rule(bound_text(inp.unit)).removeprefix("must be ") + (" (whole number)" if inp.integer else "")
        put_text(ws, r, 6, rule, wrap=True).alignment = INDENTED   # apart from the default's number
        put_text(ws, r, 7, source, wrap=True)
        put_text(ws, r, 8, prov.removesuffix("."), wrap=True)
        dv = _validation(inp)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(v.coordinate)
        _name(wb, inp.name, cell.abs_ref)
    ws.freeze_panes = "C2"
    finish(ws, b.by_sheet.get(INPUTS), header_rows=(1, 1), max_width=34)


def _year_rows(ws, top: int, xs, ys, x_fmt: NumberFormat, y_fmt: NumberFormat, x_label: str, y_label: str) -> str:
    """A two-row table (years or x across, values below); returns the last column's letter."""
    put_text(ws, top, 2, x_label)
    put_text(ws, top + 1, 2, y_label)
    for j, (x, y) in enumerate(zip(xs, ys)):
        put_number(ws, top, 3 + j, x, x_fmt, BOLD)
        put_number(ws, top + 1, 3 + j, y, y_fmt)
    return get_column_letter(2 + len(xs))


def _series(wb, ws, b: Build):
    header_row(ws, 1, ["Input", "Row", "Year / value"])
    width = 2 + max(len(inp.default.points) for inp in (b.model.input(n) for n in b.layout.series))
    paragraph(ws, 2, "Year-dependent defaults: the report's values at its years; the value cell interpolates at "
                     "the target year (geometric for growing quantities, linear for shares).", 1, width, NOTE_FONT)
    for name, (top, cell) in b.layout.series.items():
        inp = b.model.input(name)
        ys: YearSeries = inp.default
        years, vals = zip(*ys.points)
        put_text(ws, top, 1, inp.label, BOLD)
        put_text(ws, top + 1, 1, f"{ys.interp} interpolation; {heading_unit(inp.unit)}")
        last = _year_rows(ws, top, years, vals, NumberFormat(0, grouping=False),
                          input_format(inp.unit, max(vals, key=abs)), "year", "value")
        _name(wb, f"{name}_years", f"'{SERIES}'!$C${top}:${last}${top}")
        _name(wb, f"{name}_values", f"'{SERIES}'!$C${top + 1}:${last}${top + 1}")
        put_text(ws, cell.row, 2, "at the target year")
        put_number(ws, cell.row, VALUE_COL, f"={cell.formula}", result_format(inp.unit, b.value(cell)))
    finish(ws, b.by_sheet.get(SERIES), header_rows=(1, 1))


def _data(wb, ws, b: Build):
    header_row(ws, 1, ["Table", "Row", "Values"])
    width = 2 + max(len(d.x) for d in b.model.data)
    for d in b.model.data:
        top = b.layout.data_rows[d.name]
        paragraph(ws, top - 1, f"{with_unit(d.y_label, d.unit)}; {d.source}. {d.note}".strip(), 1, width, BOLD)
        x_fmt = NumberFormat(0, grouping=False) if "year" in d.x_label.lower() else input_format("", max(d.x, key=abs))
        last = _year_rows(ws, top, d.x, d.y, x_fmt, input_format(d.unit, max(d.y, key=abs)), d.x_label, d.y_label)
        _name(wb, f"{d.name}_x", f"'{DATA}'!$C${top}:${last}${top}")
        _name(wb, f"{d.name}_y", f"'{DATA}'!$C${top + 1}:${last}${top + 1}")
    finish(ws, header_rows=(1, 1))


def _calculation(wb, ws, b: Build):
    header_row(ws, 1, ["Step", "中文", "Value", "Unit", "Equation", "Note"])
    for step in b.model.steps:
        cell = b.layout.steps[step.name]
        put_text(ws, cell.row, 1, step.label, BOLD if step.name == b.model.primary else None)
        put_text(ws, cell.row, 2, step.label_zh)
        put_number(ws, cell.row, VALUE_COL, f"={cell.formula}", b.step_format(step.name),
                   BOLD if step.name == b.model.primary else None)
        put_text(ws, cell.row, 4, display_unit(step.unit))
        put_text(ws, cell.row, 5, f"{step.name} = {step.expr.to_text()}", wrap=True)
        put_text(ws, cell.row, 6, step.note, wrap=True)
        _name(wb, step.name, cell.abs_ref)
    ws.freeze_panes = "C2"
    finish(ws, b.by_sheet.get(CALC), header_rows=(1, 1), max_width=40)


def _results(wb, ws, b: Build):
    model, layout = b.model, b.layout
    header_row(ws, 1, ["Result", "中文", "Value", "Unit"])
    for cell in layout.results:
        step = model.step(cell.source[1])
        style = BOLD if step.name == model.primary else None
        put_text(ws, cell.row, 1, step.label, style)
        put_text(ws, cell.row, 2, step.label_zh)
        put_number(ws, cell.row, VALUE_COL, f"={cell.formula}", b.step_format(step.name), style)
        put_text(ws, cell.row, 4, display_unit(step.unit))
    hr = layout.figure_header_row
    if model.kind == "user":    # no table to head: one line says why
        paragraph(ws, hr - 1, "A model from a file: the report prints no figures for it, so there is nothing to "
                              "compare the results with.", 1, 4, NOTE_FONT)
        finish(ws, b.by_sheet.get(RESULTS), header_rows=(1, 1), max_width=40)
        return
    paragraph(ws, hr - 1, "The report's printed figures for this case (reconciliation: `ictco2-xl reconcile`)",
              1, 8, BOLD)
    header_row(ws, hr, ["Figure", "Unit", "Description", "Recomputed (live)", "Report printed",
                        "Difference (live − printed)", "Status (report case)", "Note"])
    if not layout.figures:
        paragraph(ws, hr + 1, "The report prints no figure for exactly this case.", 1, 8, NOTE_FONT)
    for live, fig, extra in layout.figures:
        r = live.row
        fmt = result_format(fig.unit, b.value(live), float(fig.report_value))
        put_text(ws, r, 1, fig.figure_id)
        put_text(ws, r, 2, display_unit(fig.unit))   # the unit of the three numbers right of the description
        put_text(ws, r, 3, f"{fig.source}: {fig.description}", wrap=True)
        put_number(ws, r, 4, f"={live.formula}", fmt)
        put_number(ws, r, 5, float(fig.report_value), printed_format(fig.report_value), PRINTED_FONT)
        put_number(ws, r, 6, f"={extra['diff'].formula}", fmt)
        row = evaluate(fig)
        put_text(ws, r, 7, row.status)
        derived = [k for k, _ in fig.compute.inputs if isinstance(model.input(k).default, Derived)]
        lead = (f"Status with the report's printed {', '.join(derived)}; this template derives "
                f"{'it' if len(derived) == 1 else 'them'} from the model that produces "
                f"{'it' if len(derived) == 1 else 'them'} (Inputs sheet), hence any difference. ") if derived else ""
        put_text(ws, r, 8, lead + row.note, wrap=True)
    finish(ws, b.by_sheet.get(RESULTS), header_rows=(1, 1), max_width=40)


def _checks(wb, ws, b: Build):
    model, layout = b.model, b.layout
    paragraph(ws, 1, f"{model.title}: checks", 1, 6, TITLE_FONT)
    paragraph(ws, 2, "One row per check; the status turns red when something is off. 'Formulas reproduce' compares "
                     "the live result with the value ictco2_xl computed in Python for the inputs written into this "
                     "file; once you change an input it cannot compare (amber) until the file is written again "
                     "(`ictco2-xl batch`, or the worksheet function beside your own case).", 1, 6, NOTE_FONT)
    header_row(ws, CHECKS_TOP - 1, ["Check", "Status", "Value now", "Value written", "Same as written", "Rule"])
    primary = model.step(model.primary)
    fmt = b.step_format(model.primary)
    text = {"all": ("All checks", "every check below passes (amber ones are not counted)"),
            "python": (f"Formulas reproduce ictco2_xl's result: {with_unit(primary.label, primary.unit)}",
                       "live = Python within 1e-9 (relative), compared while every input equals the value written"),
            "numbers": ("Every result is a number", "no error value on the Results sheet")}
    for what, status, others in layout.checks:
        r = status.row
        if what in text:
            label, rule = text[what]
            put_text(ws, r, 1, label, BOLD if what == "all" else None, wrap=True)
            put_text(ws, r, 6, rule, wrap=True).alignment = INDENTED
            for cell in others:
                put_number(ws, r, cell.col, f"={cell.formula}" if cell.formula else b.value(cell), fmt)
        else:
            inp = model.input(what)
            ifmt = b.input_format(inp)
            put_text(ws, r, 1, f"{with_unit(inp.label, inp.unit)} within its range", wrap=True)
            now, written, same = others
            put_number(ws, r, now.col, f"={now.formula}", ifmt)
            put_number(ws, r, written.col, b.value(written), ifmt)
            put_number(ws, r, same.col, f"={same.formula}", SAME_FORMAT).alignment = CENTRED
            put_text(ws, r, 6, inp.bounds.rule(bound_text(inp.unit)).removeprefix("must be "), wrap=True).alignment = \
                INDENTED
        put_number(ws, r, 2, f"={status.formula}", CHECK_FORMAT, BOLD)
    last = layout.checks[-1][1].row
    _status_colours(ws, f"B{CHECKS_TOP}:B{last}")
    finish(ws, b.by_sheet.get(CHECKS), header_rows=(CHECKS_TOP - 1, CHECKS_TOP - 1), max_width=44)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the templates: name, writer, and whether a model's template has it."""

    name: str
    write: Callable
    applies: Callable[[TemplateLayout], bool] = lambda layout: True


def _finish_about(wb, ws, b: Build):
    _about(wb, ws, b)
    finish(ws, b.by_sheet.get(ABOUT), max_width=70, rules=False)


SHEETS: list[Sheet] = [
    Sheet(ABOUT, _finish_about),
    Sheet(INPUTS, _inputs),
    Sheet(SERIES, _series, lambda layout: bool(layout.series)),
    Sheet(DATA, _data, lambda layout: bool(layout.model.data)),
    Sheet(CALC, _calculation),
    Sheet(RESULTS, _results),
    Sheet(SCENARIOS, scenarios_sheet, lambda layout: layout.grid is not None),
    Sheet(UNCERTAINTY, uncertainty_sheet, lambda layout: bool(layout.uncertainty_rows)),
    Sheet(ASSESSMENT, assessment_sheet),
    Sheet(CHECKS, _checks),
]


def build_template(model: Model, factor_set: str = "report") -> bytes:
    """The template workbook for ``model`` as deterministic xlsx bytes, cached values included."""
    b = Build(model, factor_set)
    wb = new_workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        if sheet.applies(b.layout):
            sheet.write(wb, wb.create_sheet(sheet.name), b)
    for ws in wb.worksheets:
        ws.protection.sheet = True  # no password: protection guards formulas from slips, not from users
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    wb.properties.creator = "ictco2_xl"
    wb.properties.title = model.title
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.custom_doc_props.append(StringProperty(name="ictco2_model", value=model.id))
    wb.custom_doc_props.append(StringProperty(name="ictco2_factor_set", value=factor_set))
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_package(buf.getvalue(), b.values)


def template_filename(model: Model) -> str:
    return f"{model.id}.xlsx"


def write_templates(out_dir, models=None, factor_set: str = "report", overwrite: bool = True) -> list[Path]:
    """Write one template per model into ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for model in models or MODELS.values():
        path = out / template_filename(model)
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite to replace it")
        data = build_template(model, factor_set)
        tmp = path.with_suffix(".xlsx.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        written.append(path)
    return written


__all__ = ["build_template", "write_templates", "template_filename", "SHEETS", "Sheet", "Build"]
