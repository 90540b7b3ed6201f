"""Workbooks of the core's tables for analysts to hand on (openpyxl, an optional dependency:
the ``xlsx`` extra): the restatement with a native Excel bar chart, and the net report.

Values are written as values (no formulas), so every reader - Excel, LibreOffice, pandas - sees the
same numbers without recalculating. Text is always written as text, never as a formula.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..core.errors import ICTCO2Error, MissingDependency
from ..core.factors import FACTOR_KEYS, get_factor_set

TONNES, RATIO, PERCENT, TEXT = "#,##0.00", "0.00", "0.0%", "@"


class WorkbookError(ICTCO2Error):
    """A workbook cannot be written (e.g. openpyxl is not installed)."""


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise MissingDependency("openpyxl", "xlsx", "workbooks") from None
    return openpyxl


def _put(ws, row: int, col: int, value, fmt: str | None = None):
    """One cell: numbers as numbers (NaN left blank), anything else as plain text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    cell = ws.cell(row=row, column=col)
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        if np.isfinite(value):
            cell.value = float(value)
            if fmt:
                cell.number_format = fmt
    elif value is not None and value != "":
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def write_lines(ws, lines, start_row: int = 1) -> int:
    """Lines of text down column A (the first bold); returns the next free row."""
    from openpyxl.styles import Font
    for i, line in enumerate(lines):
        cell = _put(ws, start_row + i, 1, line)
        if i == 0:
            cell.font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 100)
    return start_row + len(lines)


def write_table(ws, frame: pd.DataFrame, columns: list[tuple[str, str, str | None, float]], start_row: int = 1) -> int:
    """A table with a bold, frozen, filterable header. ``columns``: (frame column, header, number format,
    width). Returns the row of the header."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    head = start_row
    for j, (_, title, _, width) in enumerate(columns, start=1):
        cell = _put(ws, head, j, title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = width
    for i, rec in enumerate(frame.itertuples(index=False), start=head + 1):
        values = rec._asdict()
        for j, (name, _, fmt, _) in enumerate(columns, start=1):
            _put(ws, i, j, values[name], fmt)
    ws.freeze_panes = ws.cell(row=head + 1, column=2)
    last = f"{get_column_letter(len(columns))}{head + max(len(frame), 1)}"
    ws.auto_filter.ref = f"A{head}:{last}"
    return head


def _save(wb, path) -> Path:
    path = Path(path)
    wb.properties.creator = f"ictco2_xl {__version__}"
    wb.save(path)
    return path


# -- restatement ---------------------------------------------------------------------------------------
RESTATEMENT_COLUMNS = [
    ("case", "case", None, 30), ("description", "description", None, 46), ("output", "result", None, 20),
    ("unit", "unit", None, 11), ("report_printed", "report printed", TONNES, 16),
    ("report_factors", "recomputed, report factors", TONNES, 18), ("restated", "restated", TONNES, 18),
    ("change", "change", TONNES, 16), ("change_pct", "change %", PERCENT, 10),
    ("factor_note", "what the factors cannot reach", None, 50), ("factors_changed", "inputs that changed", None, 60), ("model", "model", None, 22),
    ("function", "worksheet function", None, 28), ("figure_id", "report figure", None, 24),
]


def restatement_workbook(table: pd.DataFrame, path, factor_set=None) -> Path:
    """The restatement table, its factor sets side by side, and a bar chart of the change per case."""
    openpyxl = _openpyxl()
    from openpyxl.chart import BarChart, Reference
    fs = get_factor_set(factor_set or table.attrs.get("factor_set", "current"))   # a name, a file or a FactorSet
    name = fs.name
    frame = table.assign(change_pct=table["change_pct"] / 100)  # Excel percent format wants fractions
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Restatement"
    next_row = write_lines(ws, [
        f"The report's cases restated with factor set '{name}'",
        "report printed: the figure as the report prints it; recomputed, report factors: the same case from the model "
        "with the report's own factors; restated: with the other factor set. change = restated - recomputed.",
        "Where printed and recomputed differ, the report contradicts its own inputs: see `ictco2-xl reconcile`.",
    ])
    head = write_table(ws, frame, RESTATEMENT_COLUMNS, next_row + 1)
    first, last = head + 1, head + len(frame)

    chart = BarChart()
    chart.type = "bar"  # horizontal: one bar per case, readable labels
    chart.title = f"Change with '{name}' factors"
    chart.y_axis.title = "change"
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first case on top, as in the table
    chart.x_axis.tickLblPos = "low"  # case names at the left edge, clear of negative bars
    pct_col = [c[0] for c in RESTATEMENT_COLUMNS].index("change_pct") + 1
    chart.add_data(Reference(ws, min_col=pct_col, min_row=head, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.legend = None
    chart.height, chart.width = 7 + 0.45 * len(frame), 22
    # A worksheet, not a chartsheet: LibreOffice draws charts on chartsheets at a tiny size.
    sheet = wb.create_sheet("Change chart")
    write_lines(sheet, [f"Change per case with factor set '{name}', against the report's own factors"])
    sheet.add_chart(chart, "A3")

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
    write_lines(ws, [f"Emission factors: report vs '{name}'"])
    write_table(ws, pd.DataFrame(rows), [
        ("key", "factor", None, 26), ("model", "model", None, 20), ("unit", "unit", None, 12),
        ("meaning", "meaning", None, 40), ("report", "report", "0.######", 12), ("other", name, "0.######", 12),
        ("change_pct", "change %", PERCENT, 10), ("report_source", "report source", None, 60),
        ("other_source", f"{name} source", None, 60)], 3)


# -- net report -------------------------------------------------------------------------------------------
NET_COLUMNS = [
    ("title", "solution", None, 40), ("scope", "scope", None, 14), ("case", "case", None, 11),
    ("reported_t", "reported reduction (t)", TONNES, 16), ("gross_t", "gross reduction (t)", TONNES, 16),
    ("own_t", "ICT own emission (t)", TONNES, 16), ("rebound_t", "quantified rebound (t)", TONNES, 16),
    ("net_t", "net effect (t)", TONNES, 16), ("net_p5", "net P5 (t)", TONNES, 16), ("net_p95", "net P95 (t)", TONNES, 16),
    ("gross_p5", "gross P5 (t)", TONNES, 16), ("gross_p95", "gross P95 (t)", TONNES, 16),
    ("enablement_ratio", "enablement ratio (gross / own)", RATIO, 14),
    ("report_ratio", "report's factor (reported / own)", RATIO, 14),
    ("not_quantified", "effects not quantified", "0", 12), ("own_basis", "own emission basis", None, 70),
    ("model", "model", None, 22),
]


def net_workbook(report, path) -> Path:
    """The net report: net effects, the effects not quantified, and the method."""
    openpyxl = _openpyxl()
    from ..core.analysis.net import METHOD
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Net effects"
    spread = (f"P5/P95: {report.draws:,} draws over the documented input ranges, seed {report.seed}"
              if report.draws else "no uncertainty run")
    next_row = write_lines(ws, [
        "Net effects of the report's low-carbon ICT solutions (ITU-T L.1480 style)",
        f"Factor set '{report.factor_set}'. Tonnes of CO2 per year. {spread}. Blank net: the report does not quantify "
        "the ICT own emission. See the sheets 'Not quantified' and 'Method'.",
    ])
    write_table(ws, report.table, NET_COLUMNS, next_row + 1)
    eff = wb.create_sheet("Not quantified")
    write_lines(eff, ["Effects the report names but does not quantify (none is in any number)"])
    write_table(eff, report.effects, [("title", "solution", None, 40), ("effect", "effect", None, 80),
                                      ("direction", "direction", None, 20), ("category", "kind", None, 28),
                                      ("source", "source", None, 24)], 3)
    if report.completeness is not None:
        _completeness_sheet(wb.create_sheet("Assessment records"), report)
    method = wb.create_sheet("Method")
    write_lines(method, ["Method", "", *(line.replace("**", "") for line in METHOD)])
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
    columns = [("model", "model", None, 24), ("kind", "kind", None, 10),
               *((i.key, i.label, None, 14) for i in ITEMS), ("present", "present", None, 9),
               ("net_t", "net effect", TONNES, 16), ("net_p5", "net P5", TONNES, 16), ("net_p95", "net P95", TONNES, 16),
               ("unit", "unit", None, 12), ("net_basis", "net", None, 44), ("missing", "missing items", None, 70)]
    write_table(ws, report.completeness, columns, next_row + 1)


__all__ = ["restatement_workbook", "net_workbook", "write_table", "write_lines", "WorkbookError"]
