"""The strongest real alternatives for writing one filled workbook per scenario, for bench_batch.py.

- :class:`XlsxWriterPeer`: XlsxWriter with ``in_memory=True`` writing the template's content afresh per
  scenario: every cell (formulas with their cached values for the scenario, so Excel and readers show
  numbers without recalculating), number formats, fonts, fills, column widths, defined names, data
  validation, sheet protection and the charts (same type and series). The template is read once, up front
  (not timed), as a skilled user would have its content in code. Conditional formatting and chart styling
  are not copied: the peer's task is, if anything, smaller than the package's.
- :class:`OpenpyxlPeer`: openpyxl loading the template once and saving it per scenario with the inputs set.
  openpyxl keeps no cached values, so its files show no numbers until recalculated.

The cell values of a scenario come from the package's own vectorised model run (``TemplateLayout``), for
both peers and the package alike.
"""
from __future__ import annotations

import io

import openpyxl
import xlsxwriter
from openpyxl.utils.cell import range_boundaries

from ictco2_xl.workbook.layout import SCENARIO_CELL, TemplateLayout


def _colour(c) -> str | None:
    rgb = getattr(c, "rgb", None) if c is not None else None
    return f"#{rgb[-6:]}" if isinstance(rgb, str) and len(rgb) >= 6 and rgb != "00000000" else None


def _format(cell) -> dict:
    f = {}
    if cell.number_format and cell.number_format != "General":
        f["num_format"] = cell.number_format
    if cell.font is not None:
        if cell.font.b:
            f["bold"] = True
        if cell.font.i:
            f["italic"] = True
        if _colour(cell.font.color):
            f["font_color"] = _colour(cell.font.color)
    if cell.fill is not None and cell.fill.fill_type == "solid" and _colour(cell.fill.fgColor):
        f["bg_color"] = _colour(cell.fill.fgColor)
    if cell.alignment is not None:
        if cell.alignment.wrap_text:
            f["text_wrap"] = True
        if cell.alignment.horizontal:
            f["align"] = cell.alignment.horizontal
    if cell.protection is not None and not cell.protection.locked:
        f["locked"] = False
    return f


_CHART_TYPES = {"LineChart": "line", "ScatterChart": "scatter", "BarChart": "column", "AreaChart": "area"}


class XlsxWriterPeer:
    """One workbook per scenario with XlsxWriter, the template's content written cell by cell."""

    def __init__(self, model, factor_set: str, template: bytes):
        self.layout = TemplateLayout(model, factor_set)
        formulas = openpyxl.load_workbook(io.BytesIO(template))
        cached = openpyxl.load_workbook(io.BytesIO(template), data_only=True)
        self.formats: dict[tuple, dict] = {}
        self.sheets = []
        for ws in formulas.worksheets:
            values = cached[ws.title]
            cells = []
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None and not cell.has_style:
                        continue
                    key = tuple(sorted(_format(cell).items()))
                    self.formats.setdefault(key, dict(key))
                    cells.append((cell.coordinate, cell.row - 1, cell.column - 1, cell.value,
                                  values[cell.coordinate].value, key))
            widths = [(range_boundaries(f"{k}1:{k}1")[0] - 1, d.width) for k, d in ws.column_dimensions.items()
                      if d.width]
            validations = [(str(dv.sqref), {"validate": "decimal" if dv.type == "decimal" else "any",
                                            "criteria": "between", "minimum": float(dv.formula1 or 0),
                                            "maximum": float(dv.formula2 or 1e300)} if dv.type == "decimal"
                            else {"validate": "any"}) for dv in ws.data_validations.dataValidation]
            charts = [(type(ch).__name__, [(s.val.numRef.f if s.val is not None else s.yVal.numRef.f,
                                           (s.cat.numRef.f if s.cat is not None and s.cat.numRef is not None else
                                            s.xVal.numRef.f if getattr(s, "xVal", None) is not None else None))
                                          for s in ch.series], ch.anchor._from.row, ch.anchor._from.col)
                      for ch in ws._charts]
            self.sheets.append((ws.title, cells, widths, validations, charts, ws.protection.sheet))
        self.names = [(name, dn.attr_text) for name, dn in formulas.defined_names.items()]

    def values(self, columns: dict, n: int) -> dict:
        return self.layout.values_many(columns, n)

    def write(self, path, values: dict, i: int, scenario: str) -> None:
        wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
        formats = {k: wb.add_format(d) if d else None for k, d in self.formats.items()}
        for title, cells, widths, validations, charts, protect in self.sheets:
            ws = wb.add_worksheet(title)
            for col, width in widths:
                ws.set_column(col, col, width)
            for ref, r, c, value, cached, key in cells:
                fmt = formats[key]
                varying = values.get((title, ref))
                if (title, ref) == SCENARIO_CELL:
                    ws.write_string(r, c, scenario, fmt)
                elif isinstance(value, str) and value.startswith("="):
                    result = float(varying[i]) if varying is not None else (cached if cached is not None else 0)
                    ws.write_formula(r, c, value, fmt, result)
                elif varying is not None:
                    ws.write_number(r, c, float(varying[i]), fmt)
                elif value is None:
                    ws.write_blank(r, c, None, fmt)
                else:
                    ws.write(r, c, value, fmt)
            for sqref, options in validations:
                for part in sqref.split():
                    ws.data_validation(part, options)
            for kind, series, row, col in charts:
                chart = wb.add_chart({"type": _CHART_TYPES.get(kind, "line")})
                for val, cat in series:
                    chart.add_series({"values": f"={val}", **({"categories": f"={cat}"} if cat else {})})
                ws.insert_chart(row, col, chart)
            if protect:
                ws.protect()
        for name, ref in self.names:
            wb.define_name(name, f"={ref}")
        wb.close()


class OpenpyxlPeer:
    """openpyxl: the template loaded once, the scenario's inputs set, saved per scenario."""

    def __init__(self, model, factor_set: str, template: bytes):
        self.layout = TemplateLayout(model, factor_set)
        self.wb = openpyxl.load_workbook(io.BytesIO(template))
        self.input_cells = {name: (cell.sheet, cell.ref) for name, cell in self.layout.inputs.items()}

    def write(self, path, columns: dict, i: int, scenario: str) -> None:
        for name, (sheet, ref) in self.input_cells.items():
            if name in columns:
                self.wb[sheet][ref].value = float(columns[name][i])
        self.wb[SCENARIO_CELL[0]][SCENARIO_CELL[1]].value = scenario
        self.wb.save(path)
