"""Workbooks of the core's tables for analysts to hand on (openpyxl, an optional dependency:
the ``xlsx`` extra): the restatement with a native Excel bar chart, and the net report.

Values are written as values (no formulas), so every reader - Excel, LibreOffice, pandas - sees the
same numbers without recalculating. Text is always written as text, never as a formula. Every column
says what it holds: what the report printed, what its own inputs give, what other factors give.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..core.errors import ICTCO2Error, MissingDependency
from ..core.factors import FACTOR_KEYS, get_factor_set
from .formats import display_unit


class WorkbookError(ICTCO2Error):
    """A workbook cannot be written (e.g. openpyxl is not installed)."""


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency("openpyxl", "xlsx", "workbooks") from None
    return openpyxl


def _missing_alignment():
    from openpyxl.styles import Alignment
    return Alignment(horizontal="right", vertical="top")


@dataclass(frozen=True)
class Column:
    """A table column: the frame's column, its header, and how its numbers are shown.

    ``unit`` is the unit of every number, or ``unit_from`` the frame column with each row's unit (formats
    follow ``workbook.formats``); ``missing`` is written where a number is missing (e.g. 'not printed')."""

    name: str
    header: str
    unit: str | None = None
    unit_from: str | None = None
    missing: str = ""
    wrap: bool = False
    printed: bool = False       # the report's printed figures: grey, as on the templates

    @property
    def numeric(self) -> bool:
        return self.unit is not None or self.unit_from is not None


def write_lines(ws, lines, start_row: int = 1, width: int = 8) -> int:
    """Lines of text down column A, each a paragraph ``width`` columns wide (the first a title); returns the
    next free row."""
    from .sheets import NOTE_FONT, TITLE_FONT, paragraph
    for i, line in enumerate(lines):
        if line:
            paragraph(ws, start_row + i, line, 1, width, TITLE_FONT if i == 0 else NOTE_FONT)
    return start_row + len(lines)


def write_table(ws, frame: pd.DataFrame, columns: list[Column], start_row: int = 1) -> int:
    """A table with a frozen, filterable header; numbers formatted by unit, text as text. Returns the row of
    the header; sizes and print set-up come from ``sheets.finish``."""
    from .formats import result_format
    from .sheets import NOTE_FONT, PRINTED_FONT, finish, header_row, put_number, put_text
    head = start_row
    MISSING = _missing_alignment()
    header_row(ws, head, [c.header for c in columns])
    for i, rec in enumerate(frame.to_dict("records"), start=head + 1):
        for j, col in enumerate(columns, start=1):
            value = rec[col.name]
            if col.numeric and isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
                if np.isfinite(value):
                    unit = col.unit if col.unit is not None else str(rec[col.unit_from])
                    put_number(ws, i, j, float(value), result_format(unit, value), PRINTED_FONT if col.printed else None)
                elif col.missing:   # right-aligned, where the number would be
                    put_text(ws, i, j, col.missing, NOTE_FONT).alignment = MISSING
            elif value is not None and not (isinstance(value, float) and np.isnan(value)) and value != "":
                put_text(ws, i, j, value, wrap=col.wrap)
    from openpyxl.utils import get_column_letter
    ws.freeze_panes = ws.cell(row=head + 1, column=2)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(columns))}{head + max(len(frame), 1)}"
    finish(ws, header_rows=(head, head), max_width=40)
    return head


def _new_workbook():
    _openpyxl()
    from .sheets import new_workbook
    return new_workbook()


def _save(wb, path) -> Path:
    path = Path(path)
    wb.properties.creator = f"ictco2_xl {__version__}"
    wb.save(path)
    return path


# -- restatement ---------------------------------------------------------------------------------------
def restatement_columns(name: str) -> list[Column]:
    """The restatement table's columns for factor set ``name``."""
    return [
        Column("case", "case"), Column("description", "description", wrap=True), Column("output", "result"),
        Column("shown_unit", "unit"),
        Column("report_printed", "report printed", unit_from="unit", missing="not printed", printed=True),
        Column("report_factors", "recomputed from the report's inputs", unit_from="unit"),
        Column("restated", f"with '{name}' factors", unit_from="unit"),
        Column("change", f"change ('{name}' − report's inputs)", unit_from="unit"),
        Column("change_pct", "change %", unit="fraction"),
        Column("factor_note", "what the factors cannot reach", wrap=True),
        Column("factors_changed", "inputs that changed", wrap=True), Column("model", "model"),
        Column("function", "worksheet function"), Column("figure_id", "report figure"),
    ]


RESTATEMENT_COLUMNS = restatement_columns("current")


def restatement_workbook(table: pd.DataFrame, path, factor_set=None) -> Path:
    """The restatement table, its factor sets side by side, and a bar chart of the change per case."""
    from openpyxl.chart import BarChart, Reference

    from .formats import display_unit
    from .sheets import chart_title, finish, show_axes
    fs = get_factor_set(factor_set or table.attrs.get("factor_set", "current"))   # a name, a file or a FactorSet
    name = fs.name
    frame = table.assign(change_pct=table["change_pct"] / 100,  # Excel percent format wants fractions
                         shown_unit=table["unit"].map(display_unit))
    columns = restatement_columns(name)
    wb = _new_workbook()
    ws = wb.active
    ws.title = "Restatement"
    next_row = write_lines(ws, [
        f"The report's cases restated with factor set '{name}'",
        "report printed: the figure as the report prints it ('not printed' where it prints none); recomputed from "
        f"the report's inputs: the same case from the model with the report's own factors; with '{name}' factors: "
        "the same case with the other factor set. change = with the other factors − recomputed.",
        "Where printed and recomputed differ, the report contradicts its own inputs: see `ictco2-xl reconcile`.",
    ], width=len(columns))
    head = write_table(ws, frame, columns, next_row + 1)
    first, last = head + 1, head + len(frame)

    chart = BarChart()
    chart.type = "bar"  # horizontal: one bar per case, readable labels
    chart.title = chart_title(f"Change with '{name}' factors against the report's own")
    chart.y_axis.title = chart_title(f"change with '{name}' factors", 10)
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first case on top, as in the table
    chart.x_axis.tickLblPos = "low"  # case names at the left edge, clear of negative bars
    chart.y_axis.crosses = "max"     # with the cases reversed: the value axis at the bottom
    pct_col = [c.name for c in columns].index("change_pct") + 1
    chart.add_data(Reference(ws, min_col=pct_col, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.legend = None
    chart.gapWidth = 50
    show_axes(chart)
    chart.height, chart.width = 7 + 0.45 * len(frame), 17
    # A worksheet, not a chartsheet: LibreOffice draws charts on chartsheets at a tiny size.
    sheet = wb.create_sheet("Change chart")
    write_lines(sheet, [f"Change per case with factor set '{name}', against the report's own factors"], width=9)
    sheet.add_chart(chart, "A3")
    finish(sheet, one_page=True, rules=False, fixed={c: 8.0 for c in range(1, 10)})   # portrait: a tall chart

    _factor_sheet(wb.create_sheet("Factors"), fs)
    return _save(wb, path)


def _factor_sheet(ws, factor_set) -> None:
    report, other = get_factor_set("report"), get_factor_set(factor_set)
    name = other.name
    rows = []
    for key, (unit, meaning) in FACTOR_KEYS.items():
        for f in report.entries():
            if f.key != key:
                continue
            o = other.get(key, f.model)
            rows.append(dict(key=key, model=f.model or "all", unit=unit, meaning=meaning, report=f.value,
                             other=o.value, change_pct=(o.value - f.value) / f.value if f.value else np.nan,
                             report_source=f.source, other_source=o.source))
    write_lines(ws, [f"Emission factors: report vs '{name}'"], width=9)
    write_table(ws, pd.DataFrame(rows), [
        Column("key", "factor"), Column("model", "model"), Column("unit", "unit"),
        Column("meaning", "meaning", wrap=True), Column("report", "report", unit_from="unit"),
        Column("other", name, unit_from="unit"), Column("change_pct", "change %", unit="fraction"),
        Column("report_source", "report source", wrap=True), Column("other_source", f"{name} source", wrap=True)], 3)


# -- net report -------------------------------------------------------------------------------------------
T = "t CO2/yr"


def net_columns(factor_set: str) -> list[Column]:
    """The net table's columns; the recomputation is labelled with the factor set it used."""
    recomputed = ("recomputed from the report's inputs" if factor_set == "report"
                  else f"recomputed with '{factor_set}' factors")
    return [
        Column("title", "solution", wrap=True), Column("scope", "scope"), Column("case", "case"),
        Column("printed_t", "reduction: report printed (t)", T, missing="not printed", printed=True),
        Column("reported_t", f"reduction: {recomputed} (t)", T),
        Column("gross_t", "gross reduction (t)", T), Column("own_t", "ICT own emission (t)", T,
                                                             missing="not quantified"),
        Column("rebound_t", "quantified rebound (t)", T), Column("net_t", "net effect (t)", T),
        Column("net_p5", "net P5 (t)", T), Column("net_p95", "net P95 (t)", T),
        Column("gross_p5", "gross P5 (t)", T), Column("gross_p95", "gross P95 (t)", T),
        Column("enablement_ratio", "enablement ratio (gross / own)", "1"),
        Column("printed_ratio", "report's factor (reduction / own): printed", "1", missing="not printed",
               printed=True),
        Column("report_ratio", f"report's factor (reduction / own): {recomputed}", "1"),
        Column("printed_figures", "printed in (report figure: value)", wrap=True),
        Column("not_quantified", "effects not quantified", "count"),
    ]


NET_COLUMNS = net_columns("report")


def net_workbook(report, path) -> Path:
    """The net report: net effects, the effects not quantified, and the method."""
    from ..core.analysis.net import METHOD
    wb = _new_workbook()
    ws = wb.active
    ws.title = "Net effects"
    columns = net_columns(report.factor_set)
    spread = (f"P5/P95: {report.draws:,} draws over the documented input ranges, seed {report.seed}"
              if report.draws else "no uncertainty run")
    next_row = write_lines(ws, [
        "Net effects of the report's low-carbon ICT solutions (ITU-T L.1480 style)",
        f"Factor set '{report.factor_set}'. Tonnes of CO2 per year. {spread}. 'report printed': the figure as the "
        "report prints it; 'recomputed': the same quantity from the report's inputs and equations. Blank net: the "
        "report does not quantify the ICT own emission. See the sheets 'Not quantified' and 'Method'.",
    ], width=len(columns))
    write_table(ws, report.table, columns, next_row + 1)
    basis = wb.create_sheet("Own emission")
    write_lines(basis, ["Where each solution's ICT own emission comes from"], width=3)
    own = report.table.drop_duplicates("solution")[["title", "model", "own_basis"]]
    write_table(basis, own, [Column("title", "solution", wrap=True), Column("model", "model"),
                             Column("own_basis", "own emission basis", wrap=True)], 3)
    eff = wb.create_sheet("Not quantified")
    write_lines(eff, ["Effects the report names but does not quantify (none is in any number)"], width=5)
    write_table(eff, report.effects, [Column("title", "solution", wrap=True), Column("effect", "effect", wrap=True),
                                      Column("direction", "direction"), Column("category", "kind"),
                                      Column("source", "source")], 3)
    if report.completeness is not None:
        _completeness_sheet(wb.create_sheet("Assessment records"), report)
    method = wb.create_sheet("Method")
    write_lines(method, ["Method", "", *(line.replace("**", "") for line in METHOD)], width=1)
    from .sheets import finish
    finish(method, max_width=100, rules=False)
    return _save(wb, path)


def _completeness_sheet(ws, report) -> None:
    """Per model: which ITU-T L.1480 / WBCSD items its assessment record states, and its net with P5-P95."""
    from ..core.assessment import ITEMS
    spread = f"P5/P95: {report.draws:,} draws, seed {report.seed}" if report.draws else "no uncertainty run"
    next_row = write_lines(ws, [
        "Assessment records: what each model states (ITU-T L.1480 / WBCSD)",
        "present: stated (the report) or given (a model file); derived: worked out from the report's own figures; "
        f"missing: not stated, or for the own footprint not quantified. Net at the model's default inputs; {spread}.",
    ])
    columns = [Column("model", "model"), Column("kind", "kind"), *(Column(i.key, i.label) for i in ITEMS),
               Column("present", "present"), Column("net_t", "net effect", unit_from="unit"),
               Column("net_p5", "net P5", unit_from="unit"), Column("net_p95", "net P95", unit_from="unit"),
               Column("shown_unit", "unit"), Column("net_basis", "net", wrap=True),
               Column("missing", "missing items", wrap=True)]
    # the unit as the templates print it ('ratio', not '1'); the numbers' formats still follow the unit itself
    frame = report.completeness.assign(shown_unit=report.completeness["unit"].map(display_unit))
    head = write_table(ws, frame, columns, next_row + 1)
    # Each status in the Assessment sheet's colours, so the matrix reads at a glance, on paper too.
    from ..core.assessment import DERIVED, MISSING, PRESENT
    from .sheets import FAIL_FILL, OK_FILL, WARN_FILL
    fills = {PRESENT: OK_FILL, DERIVED: WARN_FILL, MISSING: FAIL_FILL}
    for row in ws.iter_rows(min_row=head + 1, min_col=3, max_col=2 + len(ITEMS)):
        for cell in row:
            if cell.value in fills:
                cell.fill = fills[cell.value]


__all__ = ["restatement_workbook", "net_workbook", "write_table", "write_lines", "Column", "WorkbookError",
           "NET_COLUMNS", "RESTATEMENT_COLUMNS", "net_columns", "restatement_columns"]
