"""The analysis sheets of a template, each with a native chart that answers its question.

Scenarios: the result by year (and the report's scenario axis) as a scatter chart, so 2008, 2010, 2020 and
2030 sit at their real distances. Uncertainty: a tornado chart, one bar pair per input from the central
result to the result at the low and high end of the input's range, largest swing on top. Charts are
plain Excel charts (no images), so they follow the live formulas; both render in LibreOffice too.
"""
from __future__ import annotations

import math

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties

from .formats import NumberFormat, axis_format, display_unit, input_format, printed_format, result_format, with_unit
from .layout import SCENARIOS, UNCERTAINTY, UNCERTAINTY_TOP
from .sheets import (BOLD, HEADER_FILL, HEADER_FONT, NOTE_FONT, PRINTED_FONT, TITLE_FONT, chart_title, finish,
                     header_row, paragraph, put_number, put_text, show_axes)

YEAR_FORMAT = NumberFormat(0, grouping=False)
LOW_COLOUR, HIGH_COLOUR = "4C72B0", "DD8452"     # as the matplotlib tornado (workbook.charts)
SERIES_COLOURS = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47")   # Office's palette


def _lower_first(label: str) -> str:
    """'Relative cut ...' -> 'relative cut ...', but 'CO2 reduction' stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _value_axis(axis, unit: str, largest: float, prefix: str = "") -> None:
    fmt, label = axis_format(unit, largest)
    axis.number_format = fmt.code
    axis.title = chart_title(f"{prefix}{label}", 10)


def scenarios_sheet(wb, ws, b) -> None:
    model, g = b.model, b.layout.grid
    primary = model.step(model.primary)
    axis_inp = model.input(g.axis) if g.axis else None
    ncol = len(g.axis_values)
    width = max(6, 1 + (2 * ncol + 1 if g.report else ncol))   # titles wrap over at least six columns
    paragraph(ws, 1, f"{model.title}: {with_unit(primary.label, primary.unit)} by year"
              + (f" and {_lower_first(axis_inp.label)}" if axis_inp else ""), 1, width, TITLE_FONT)
    paragraph(ws, 2, "Live formulas: each cell runs the whole model for its year" + (" and column" if g.axis else "")
              + ", with the other inputs from the Inputs sheet and year-dependent ones from the Series sheet.",
              1, width, NOTE_FONT)
    axis_fmt = input_format(axis_inp.unit, max(g.axis_values, key=abs)) if axis_inp else None
    header_row(ws, 4, ["Year"])
    if axis_inp:
        paragraph(ws, 3, f"{with_unit(axis_inp.label, axis_inp.unit)} across", 2, 1 + ncol, BOLD)
    for j, v in enumerate(g.axis_values):
        _column_header(ws, 4, 2 + j, v if g.axis else primary.label, axis_fmt)
    grid_values = [b.value(c) for c in g.cells.values()]
    fmt = result_format(primary.unit, *grid_values)
    for i, y in enumerate(g.years):
        put_number(ws, g.first_row + i, 1, y, YEAR_FORMAT, BOLD)
        for j in range(ncol):
            cell = g.cells[(i, j)]
            put_number(ws, cell.row, cell.col, f"={cell.formula}", fmt)
    if g.report:
        top = g.report_top
        paragraph(ws, top - 2, with_unit("The report's printed values", primary.unit), 1, 1 + ncol, BOLD)
        paragraph(ws, top - 2, "Difference (live − printed)", 2 + ncol + 1, 1 + 2 * ncol + 1, BOLD)
        header_row(ws, top - 1, ["Year"])
        for j, v in enumerate(g.axis_values):
            for col in (2 + j, 2 + j + ncol + 1):
                _column_header(ws, top - 1, col, v if g.axis else ("printed" if col == 2 + j else "difference"),
                               axis_fmt)
        for i, y in enumerate(g.years):
            put_number(ws, top + i, 1, y, YEAR_FORMAT, BOLD)
        for (i, j), (fig, report_t) in sorted(g.report.items()):
            printed = printed_format(fig.report_value)
            shown = NumberFormat(max(0, printed.decimals + round(math.log10(fig.compute.scale))))
            put_number(ws, top + i, 2 + j, report_t, shown, PRINTED_FONT)
        for cell in b.layout.cells:
            if cell.sheet == SCENARIOS and cell.source[0] == "diff":
                put_number(ws, cell.row, cell.col, f"={cell.formula}", fmt)
    _scenario_chart(ws, b, fmt_largest=max(map(abs, grid_values), default=0.0), axis_fmt=axis_fmt)
    finish(ws, b.by_sheet.get(SCENARIOS), header_rows=(4, 4), min_width=9, one_page=True)


def _style(series, symbol: str, size: int, colour: str, line: bool) -> None:
    series.marker.symbol = symbol
    series.marker.size = size
    series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
    series.marker.graphicalProperties.line.solidFill = colour
    if line:
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 22225   # 1.75 pt
    else:
        series.graphicalProperties.line.noFill = True
    series.smooth = False


def _column_header(ws, row: int, col: int, value, fmt: NumberFormat | None) -> None:
    """A header cell: text, or a number of the scenario axis in that input's format."""
    if isinstance(value, str):
        header_row(ws, row, [value], col)
        return
    c = put_number(ws, row, col, value, fmt, HEADER_FONT)
    c.fill = HEADER_FILL


def _scenario_chart(ws, b, fmt_largest: float, axis_fmt) -> None:
    """Lines: the live result by year, one per column of the scenario axis. Diamonds in the same colour:
    the report's printed values, so where the report and its own inputs part shows at a glance."""
    model, g = b.model, b.layout.grid
    primary = model.step(model.primary)
    axis_inp = model.input(g.axis) if g.axis else None
    chart = ScatterChart()
    chart.style = 2
    chart.scatterStyle = "lineMarker"
    chart.title = chart_title(f"{primary.label} by year" + (f" and {_lower_first(axis_inp.label)}" if axis_inp else "")
                              + ("; ◆ the report's printed values" if g.report else ""))
    years = Reference(ws, min_col=1, min_row=g.first_row, max_row=g.first_row + len(g.years) - 1)
    for j, v in enumerate(g.axis_values):
        values = Reference(ws, min_col=2 + j, min_row=g.first_row, max_row=g.first_row + len(g.years) - 1)
        s = Series(values, years)
        s.tx = SeriesLabel(v=axis_fmt.text(v) if axis_inp else primary.label)
        _style(s, "circle", 6, SERIES_COLOURS[j % len(SERIES_COLOURS)], line=True)
        chart.series.append(s)
    lines = len(chart.series)
    for j, v in enumerate(g.axis_values):
        if not any(jj == j for (_, jj) in g.report):
            continue
        top = g.report_top
        s = Series(Reference(ws, min_col=2 + j, min_row=top, max_row=top + len(g.years) - 1),
                   Reference(ws, min_col=1, min_row=top, max_row=top + len(g.years) - 1))
        s.tx = SeriesLabel(v=f"report printed, {axis_fmt.text(v)}" if axis_inp else "report printed")
        _style(s, "diamond", 8, SERIES_COLOURS[j % len(SERIES_COLOURS)], line=False)
        chart.series.append(s)
    if len(chart.series) > lines:   # one legend entry per line; the title explains the diamonds
        chart.legend.legendEntry = [LegendEntry(idx=k, delete=True) for k in range(lines, len(chart.series))]
    lo, hi = min(g.years), max(g.years)
    step = 10 if hi - lo > 30 else 5
    chart.x_axis.scaling.min = lo - lo % step
    chart.x_axis.scaling.max = hi if hi % step == 0 else hi + step - hi % step
    chart.x_axis.majorUnit = step
    chart.x_axis.number_format = YEAR_FORMAT.code
    chart.x_axis.title = chart_title("Year", 10)
    chart.x_axis.axPos = "b"
    chart.x_axis.majorGridlines = None
    printed = [t for _, t in g.report.values()]
    _value_axis(chart.y_axis, primary.unit, max([fmt_largest, *map(abs, printed)]))
    chart.y_axis.scaling.min = min(0.0, min(b.value(c) for c in g.cells.values()), *printed)
    show_axes(chart)
    if lines == 1:
        chart.legend = None
    else:
        chart.legend.position = "r"
    chart.height, chart.width = 10, 18
    anchor_row = (g.report_top + len(g.years) + 2) if g.report else g.first_row + len(g.years) + 2
    ws.add_chart(chart, f"A{anchor_row}")


def uncertainty_sheet(wb, ws, b) -> None:
    model, layout = b.model, b.layout
    primary = model.step(model.primary)
    paragraph(ws, 1, f"{model.title}: how much the {_lower_first(primary.label)} moves when one input moves over its "
                     "documented range", 1, 13, TITLE_FONT)
    case = "the model file's defaults" if model.kind == "user" else "the report case"
    paragraph(ws, 2, f"Ranges at {case} (ictco2_xl.uncertainty; `ictco2-xl uncertainty` draws all of them "
                     "at once). Result at low / high: the whole model with that input at the end of its range and "
                     "the others from the Inputs sheet (live formulas). Largest swing first.", 1, 13, NOTE_FONT)
    centre = layout.uncertainty_centre
    fmt = b.step_format(model.primary)
    put_text(ws, centre.row, 1, with_unit("Central result", primary.unit), BOLD)
    put_number(ws, centre.row, centre.col, f"={centre.formula}", fmt, BOLD)
    header_row(ws, UNCERTAINTY_TOP - 1, [
        "Input", "Meaning", "Unit", "Value (default)" if model.kind == "user" else "Value (report case)", "Distribution", "Low", "High", "Peak / mean", "Reason",
        *(with_unit(h, primary.unit) for h in ("Result at low", "Result at high", "Change at low", "Change at high"))])
    changes = []
    for r, rec, cells in layout.uncertainty_rows:
        inp = model.input(rec.input)
        ifmt = input_format(inp.unit, rec.value)
        put_text(ws, r, 1, rec.input)
        put_text(ws, r, 2, inp.label)
        put_text(ws, r, 3, display_unit(inp.unit))
        for col, value in ((4, rec.value), (6, rec.swing_low), (7, rec.swing_high), (8, rec.peak)):
            if value is not None and value == value:
                put_number(ws, r, col, float(value), input_format(inp.unit, value) if col > 4 else ifmt)
        put_text(ws, r, 5, rec.distribution)
        put_text(ws, r, 9, rec.reason, wrap=True)
        for cell in cells:
            put_number(ws, r, cell.col, f"={cell.formula}", fmt)
    for cell in layout.cells:
        if cell.sheet == UNCERTAINTY and cell.source[0] == "swing_change":
            changes.append(b.value(cell))
    change_fmt = result_format(primary.unit, *changes)
    for cell in layout.cells:
        if cell.sheet == UNCERTAINTY and cell.source[0] == "swing_change":
            put_number(ws, cell.row, cell.col, f"={cell.formula}", change_fmt)
    _tornado(ws, b, max(map(abs, changes), default=0.0))
    finish(ws, b.by_sheet.get(UNCERTAINTY), header_rows=(UNCERTAINTY_TOP - 1, UNCERTAINTY_TOP - 1), max_width=36,
           one_page=True)


def _tornado(ws, b, largest: float) -> None:
    """Bars from the central result (the axis' zero) to the result at each end of each input's range."""
    model, layout = b.model, b.layout
    primary = model.step(model.primary)
    first, last = UNCERTAINTY_TOP, UNCERTAINTY_TOP + len(layout.uncertainty_rows) - 1
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100          # a bar pair on one line: left and right of the centre
    chart.gapWidth = 40
    chart.title = chart_title(f"{primary.label}: change from the central result")
    for col, colour, name in ((12, LOW_COLOUR, "input at the low end of its range"),
                              (13, HIGH_COLOUR, "input at the high end of its range")):
        s = Series(Reference(ws, min_col=col, min_row=first, max_row=last), title=name)
        s.graphicalProperties.solidFill = colour
        s.graphicalProperties.line.solidFill = colour
        s.invertIfNegative = False
        chart.series.append(s)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"   # the first row (largest swing) on top
    chart.x_axis.tickLblPos = "low"                # input names at the left edge, clear of the bars
    chart.y_axis.crosses = "max"                   # with the categories reversed: value axis at the bottom
    _value_axis(chart.y_axis, primary.unit, largest, "change from the central result, ")
    show_axes(chart)
    chart.legend.position = "b"
    chart.height, chart.width = max(7.0, 1.0 * len(layout.uncertainty_rows) + 4.5), 22
    ws.add_chart(chart, f"A{last + 3}")


__all__ = ["scenarios_sheet", "uncertainty_sheet"]
