"""Write workbooks/udf_demo.xlsx: every ictco2_xl worksheet function called for the report's cases, a few
array calls (the report's Tables 5-2 and 5-9 as one formula each, a column with blanks, bad input), and
the report's published value next to each result, with the reconciliation's status and note.

    python workbooks/make_udf_demo.py [--out workbooks/udf_demo.xlsx]

Every call carries its cached value (computed with the formulas engine, every ictco2_xl function
registered), so LibreOffice, previewers and Excel before the add-in loads show numbers, not #NAME?.
Where the functions are registered (Excel with the xlwings add-in or xlwings Lite, see the README)
Ctrl+Alt+F9 recalculates them live; ``ictco2_xl.recalc.formulas_engine.calculate`` does it headlessly.
tests/test_udf_demo.py does that and checks every number.
Results spanning several cells are array formulas ({=...}) so every Excel version and the formulas
engine size them; Excel 365 users can retype them as ordinary formulas that spill.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import io
import tempfile

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.formula import ArrayFormula

from ictco2_xl.core.analysis.reconciliation import reconcile
from ictco2_xl.core.factors import FACTOR_KEYS
from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc.formulas_engine import calculate
from ictco2_xl.udfs import FUNCTIONS
from ictco2_xl.workbook.formats import (INTEGER, YEAR, NumberFormat, display_unit, input_format, printed_format,
                                       result_format)
from ictco2_xl.workbook.package import FIXED_TIME, normalise_package
from ictco2_xl.workbook.sheets import (BOLD, HEADER_FILL, HEADER_FONT, INPUT_FILL, INPUT_FONT, NOTE_FONT, PRINTED_FONT,
                                      TITLE_FONT, WRAP,
                                      finish, header_row, new_workbook, paragraph, put_number, put_text)

OUT = Path(__file__).with_name("udf_demo.xlsx")
FIGURES = {row.figure_id: row for row in reconcile()}
# One printed unit of a report figure, in the unit of the function's result.
PRINTED_UNIT = {"t CO2": 1, "kg CO2": 1e-3, "10^4 t CO2": 1e4, "10^8 t CO2": 1e8, "1": 1, "10^4 lamps": 1,
                "10^4 discs": 1, "g/kWh": 1e-3, "kg/L": 1, "g/L": 1e-3}


def formula_text(function: str, args=()) -> str:
    def literal(v):
        return '""' if v is None else f'"{v}"' if isinstance(v, str) else repr(v)
    return f"{function}({', '.join(literal(a) for a in args)})"


@dataclass(frozen=True)
class Case:
    """One call for the report's case and the published figure it gives (None: the report prints none)."""

    function: str
    args: tuple = ()
    figure: str | None = None
    note: str = ""
    label: str = "not printed"   # the status column where no figure is compared

    @property
    def formula(self) -> str:
        return formula_text(self.function, self.args)


CASES = [
    Case("LOGISTICS_REDUCTION", (), "T4-1.r08"),
    Case("LOGISTICS_ENABLEMENT", (), "4-2.fleet.factor"),
    Case("GENSET_MONITORING_REDUCTION", (), "T4-1.r09"),
    Case("URBAN_MANAGEMENT_REDUCTION", (), "T4-1.r10"),
    Case("MMS_CARD_REDUCTION", (), "T4-1.r07"),
    Case("SELF_SERVICE_REDUCTION", (), "T4-1.r04"),
    Case("RURAL_EGOV_REDUCTION", (), "T4-1.r11"),
    Case("STREETLIGHT_REDUCTION", (), "T4-1.r12"),
    Case("MUSIC_DOWNLOAD_REDUCTION", (), "T4-1.r06"),
    Case("MOBILE_NEWSPAPER_REDUCTION", (), "T4-1.r01"),
    Case("NEWSLETTER_REDUCTION", (), "T4-1.r02"),
    Case("EINVOICE_REDUCTION", (), "T4-1.r05"),
    Case("MMS_FLYER_REDUCTION", (), "T4-1.r03"),
    Case("SIM_CARD_REDUCTION", (), "T4-1.r13"),
    Case("MOBILE_PAYMENT_REDUCTION", (), "T4-1.r14"),
    Case("OTHER_SERVICES_REDUCTION", (), "4-3.e2"),
    Case("PORTFOLIO_REDUCTION", (), "4-3.e3"),
    Case("ENABLEMENT_FACTOR", (), "4-4.average_factor"),
    Case("CHINA_MOBILE_REDUCTION", (835000,), "4-5.china_mobile"),
    Case("CHINA_MOBILE_2009_REDUCTION", (835000,), "S.china_mobile_2009"),
    Case("CHINA_MOBILE_OWN_RATIO", (835000,), "S.own_ratio"),
    Case("WIRELESS_INDUSTRY_REDUCTION", (48500000,), "4-5.wireless"),
    *(Case("LOGISTICS_BASELINE", (y,), f"T5-1.{y}.co2") for y in (2008, 2010, 2020, 2030)),
    *(Case("LOGISTICS_POTENTIAL", (y, 0.5), f"S.logistics_potential.{y}") for y in (2010, 2020, 2030)),
    Case("DISC_TREND", (2020,), "5-2-1-2.discs_2020"),
    Case("DISC_BASELINE", (2020,), "5-2-1-2.co2_2020"),
    Case("ONLINE_MEDIA_POTENTIAL", (2030,), None,
         "The report quotes 313万 t for 2030 (§5.2) but gives no method; see 5-2.online_2030 in the reconciliation.",
         "see note"),
    *(Case("DEMATERIALISATION_POTENTIAL", (y,), None, f"The summary prints {p}亿 t: online media / 4.3%, from the "
           f"report's own online-media figure where it prints one; see S.dematerialisation.{y}.", "see note")
      for y, p in ((2010, "0.11"), (2020, "0.24"), (2030, "0.73"))),
    *(Case("EPAPER_POTENTIAL", (y,), None, f"The report prints {p}万 t but states no CO2 per tonne of paper; see "
           f"5-2-2-2.epaper_{y}.", "see note") for y, p in ((2020, "355"), (2030, "1092"))),
    Case("BUILDING_EMISSIONS", (), "5-3-1.office_building"),
    Case("RESIDENTIAL_BUILDING_EMISSIONS", (), "5-3-1.residential_building"),
    *(Case("TELEWORK_POTENTIAL", (y, "", "", "", "", 5.27e8, 2.93e8), f"S.telework.{y}",
           "With the printed building CO2 (5.27 and 2.93亿 t); TELEWORK_POTENTIAL(year) derives it instead.")
      for y in (2010, 2020, 2030)),
    *(Case("TELEWORK_POTENTIAL", (y,), None, "The building CO2 from BUILDING_EMISSIONS (1.18, not the report's 1.8).")
      for y in (2030,)),
    *(Case("AVIATION_BASELINE", (y,), f"T5-6.{y}.co2") for y in (1978, 2006)),
    *(Case("VIDEOCONF_POTENTIAL", (y,), f"S.videoconf.{y}") for y in (2010, 2020, 2030)),
    Case("BUSINESS_AIR_BASELINE", (2030,)),
    *(Case("STREETLIGHT_BASELINE", (y,), f"T5-8.{y}") for y in (2010, 2020, 2030)),
    Case("STREETLIGHT_TREND_R2", (), "T5-8.r2"),
    Case("STREETLIGHT_POTENTIAL", (2010, 0.5, "", 1015), "S.streetlight_2010", "With the printed pilot (1015 t)."),
    Case("GENSET_POTENTIAL", (44,), "5-4-3.genset", "With the printed pilot (44 t)."),
    Case("GENSET_POTENTIAL", (), None, "The pilot from GENSET_MONITORING_REDUCTION (33.07 t)."),
    Case("SIM_PAYMENT_POTENTIAL", (), "4-2-4.sim_payment"),
    Case("BANKNOTE_BASELINE", (), "4-2-4.banknotes"),
    Case("HEADLINE_POTENTIAL", (2030,), "S.total_2030"),
    Case("ICTCO2_FACTOR", ("grid_kg_per_kwh",), "A3.grid_kg_per_kwh"),
    Case("ICTCO2_FACTOR", ("grid_kg_per_kwh", "report", "MOBILE_NEWSPAPER_REDUCTION"), None,
         "Not printed: the grid factor Table 4-1's 457 t implies for 手机报 (the text states 0.8665)."),
    Case("ICTCO2_FACTOR", ("diesel_kg_per_l",), "A1.diesel_kg_per_l"),
    Case("ICTCO2_FACTOR", ("jet_kerosene_kg_per_l",), "T5-5.kerosene_factor"),
    Case("ICTCO2_FACTOR", ("grid_kg_per_kwh", "current"), None, "The current factor set's grid factor."),
    Case("URBAN_MANAGEMENT_REDUCTION", ("", "", "", "", "", "", "current"), None,
         'The report\'s 城管通 case under the current factor set ("" = default).'),
    Case("ICTCO2_VERSION"),
]
CASE_HEADER = ["function", "formula", "result", "result unit", "published", "published unit",
               "result in published unit", "report figure", "source", "status", "note"]
CASES_FIRST_ROW = 5

# Array blocks: (title, formula over the input cells, published figure ids by cell, layout).
T52_CUTS, T52_YEARS = (0.1, 0.2, 0.3, 0.4, 0.5), (2010, 2020, 2030)
T59_SHARES, T59_YEARS = (0.5, 0.7, 0.9), (2010, 2020, 2030)
TONNAGES = (6000, None, 80000, 3000)
TONNAGE_FIGURES = ("T4-1.r08", "T4-1.r08", "5-1-2.national_2008", None)
BAD_EMPTY_RATES = (0.015, 1.5, "n/a", None, -0.1)


@dataclass(frozen=True)
class Grid:
    """A table computed by one array formula: rows x columns of inputs, published values beside it."""

    title: str
    function: str
    scale: float            # result divided by this, to the report's printed unit
    unit: str
    rows: tuple
    columns: tuple
    figure: str             # figure id pattern with {row} and {column}
    top: int                # sheet row of the column header
    extra: tuple = ()       # further arguments after the two ranges (e.g. a printed pilot)

    def figure_id(self, r, c) -> str:
        return self.figure.format(row=r, column=int(round(c * 100)))

    @property
    def first_row(self) -> int:
        return self.top + 1

    def result_range(self) -> str:
        last = get_column_letter(1 + len(self.columns))
        return f"B{self.first_row}:{last}{self.first_row + len(self.rows) - 1}"

    def published_cell(self, i, j) -> str:
        return f"{get_column_letter(3 + len(self.columns) + j)}{self.first_row + i}"

    def formula(self) -> str:
        years = f"A{self.first_row}:A{self.first_row + len(self.rows) - 1}"
        shares = f"B{self.top}:{get_column_letter(1 + len(self.columns))}{self.top}"
        extra = formula_text("", self.extra)[1:-1]
        return f"={self.function}({years},{shares}{', ' + extra if extra else ''}){in_printed_unit(self.scale)}"


GRIDS = [
    Grid("Table 5-2: smart-logistics potential, 10^8 t CO2 (years down, cut of the empty-running rate across)",
         "LOGISTICS_POTENTIAL", 1e8, "10^8 t CO2", T52_YEARS, T52_CUTS, "T5-2.{row}.cut{column}", top=5),
    Grid("Table 5-9: street-light control potential, 10^4 t CO2 (years down, share of lamps controlled across; "
         "the printed pilot, 1015 t)", "STREETLIGHT_POTENTIAL", 1e4, "10^4 t CO2", T59_YEARS, T59_SHARES,
         "T5-9.{row}.a{column}.potential", top=12, extra=("", 1015)),
]
TONNAGE_TOP, BAD_TOP = 19, 27


def in_printed_unit(per: float) -> str:
    """Formula suffix converting a result to a printed unit worth ``per`` result units."""
    if per == 1:
        return ""
    exponent = round(math.log10(per))
    return f"/10^{exponent}" if exponent > 0 else f"*10^{-exponent}"


def _header(ws, row, values, col=1):
    header_row(ws, row, values, col)


def _write_cases(ws):
    paragraph(ws, 1, "ictco2_xl worksheet functions: the report's cases, with the report's published figures",
              1, len(CASE_HEADER), TITLE_FONT)
    paragraph(ws, 2, "Column C calls the functions. The file carries the values ictco2_xl computed when it was "
                     "written, so any reader shows them; where the functions are registered (Excel with the "
                     "xlwings add-in, xlwings Lite) press Ctrl+Alt+F9 to recalculate them live. Status and note "
                     "come from `ictco2-xl reconcile`: report_inconsistent means the report's printed value "
                     "contradicts its own inputs, and the note says how.", 1, len(CASE_HEADER), NOTE_FONT)
    _header(ws, 4, CASE_HEADER)
    for i, case in enumerate(CASES):
        r = CASES_FIRST_ROW + i
        fig = FIGURES.get(case.figure) if case.figure else None
        fn = FUNCTIONS[case.function]
        unit = fn.worksheet_function.unit if hasattr(fn, "worksheet_function") else ""
        put_text(ws, r, 1, case.function)
        put_text(ws, r, 2, case.formula)
        put_number(ws, r, 3, "=" + case.formula, None)
        put_text(ws, r, 4, display_unit(unit))
        if fig is None:
            put_text(ws, r, 10, case.label, NOTE_FONT)
            put_text(ws, r, 11, case.note, wrap=True)
            continue
        per = PRINTED_UNIT[fig.unit]
        put_number(ws, r, 5, float(fig.report_value), printed_format(fig.report_value), PRINTED_FONT)
        put_text(ws, r, 6, display_unit(fig.unit))
        put_number(ws, r, 7, f"=C{r}{in_printed_unit(per)}", None)
        put_text(ws, r, 8, fig.figure_id)
        put_text(ws, r, 9, fig.source)
        put_text(ws, r, 10, fig.status)
        put_text(ws, r, 11, fig.note, wrap=True)
    ws.freeze_panes = f"C{CASES_FIRST_ROW}"


def _format_cases(ws, values):
    """Number formats of the results, by each function's unit and what it returned."""
    for i, case in enumerate(CASES):
        r = CASES_FIRST_ROW + i
        fn = FUNCTIONS[case.function]
        unit = fn.worksheet_function.unit if hasattr(fn, "worksheet_function") else ""
        result = values.get(f"C{r}")
        if isinstance(result, (int, float)) and not isinstance(result, bool):
            ws.cell(r, 3).number_format = result_format(unit, result).code
        fig = FIGURES.get(case.figure) if case.figure else None
        shown = values.get(f"G{r}")
        if fig is not None and isinstance(shown, (int, float)):
            ws.cell(r, 7).number_format = result_format(fig.unit, shown, float(fig.report_value)).code


def _write_grid(ws, g: Grid):
    width = 2 + 2 * len(g.columns)
    paragraph(ws, g.top - 1, g.title, 1, width, BOLD)
    share = NumberFormat(0, percent=True)
    for col, label in ((1, "year"), (2 + len(g.columns), "published")):
        _header(ws, g.top, [label], col)
    for j, c in enumerate(g.columns):
        for col in (2 + j, 3 + len(g.columns) + j):
            cell = put_number(ws, g.top, col, c, share, HEADER_FONT)
            cell.fill = HEADER_FILL
    for i, year in enumerate(g.rows):
        put_number(ws, g.first_row + i, 1, year, YEAR, BOLD)
        put_number(ws, g.first_row + i, 2 + len(g.columns), year, YEAR, BOLD)
        for j, col in enumerate(g.columns):
            fig = FIGURES[g.figure_id(year, col)]
            put_number(ws, g.first_row + i, 3 + len(g.columns) + j, float(fig.report_value),
                       printed_format(fig.report_value), PRINTED_FONT)
    first = g.result_range().split(":")[0]
    ws[first] = ArrayFormula(g.result_range(), g.formula())


def _write_column(ws, top, title, header, values, formula, note):
    paragraph(ws, top - 1, title, 1, 6, BOLD)
    _header(ws, top, header)
    for i, v in enumerate(values):
        c = ws.cell(top + 1 + i, 1, v)
        if isinstance(v, str):
            c.data_type = "s"
    last = top + len(values)
    ws[f"B{top + 1}"] = ArrayFormula(f"B{top + 1}:B{last}", formula.format(range=f"A{top + 1}:A{last}"))
    paragraph(ws, last + 1, note, 1, 6, NOTE_FONT)


def _write_arrays(ws):
    paragraph(ws, 1, "Array calls: one formula per table; ranges broadcast (a column of years and a row of shares "
                     "give the table)", 1, 12, TITLE_FONT)
    paragraph(ws, 2, "Table 5-2 is reproduced with an implied equation (see the reconciliation); Table 5-9's 2010 row "
                     "at 50% uses 1005万 lamps, 2010 x 50% instead of 1530 x 50%, which the report carries into its summary. "
                     "The file carries every cell's value, but LibreOffice recomputes array formulas when it opens a "
                     "file, and without the ictco2_xl functions shows #NAME? in these tables (Excel, previewers and "
                     "pandas show the values).", 1, 12, NOTE_FONT)
    for g in GRIDS:
        _write_grid(ws, g)
    _write_column(ws, TONNAGE_TOP, "A column with a blank cell: the blank takes the report's default (6000 x 100 t)",
                  ["tonnage_100t", "LOGISTICS_REDUCTION, t CO2", "published, t CO2"], TONNAGES,
                  "=LOGISTICS_REDUCTION({range})", "80000 x 100 t is §5.1.2's nationwide 物流通 case (136万 t).")
    for i, fid in enumerate(TONNAGE_FIGURES):
        if fid:
            put_number(ws, TONNAGE_TOP + 1 + i, 3, float(FIGURES[fid].report_value) * PRINTED_UNIT[FIGURES[fid].unit],
                       INTEGER, PRINTED_FONT)
    _write_column(ws, BAD_TOP, "Bad input: a readable message in the cell it concerns, the other rows still compute",
                  ["empty_rate_drop", "LOGISTICS_REDUCTION, t CO2"], BAD_EMPTY_RATES,
                  '=LOGISTICS_REDUCTION("",{range})', 'The first argument is "" (default): see the README on '
                  "omitted arguments.")


def _format_arrays(ws, values):
    for g in GRIDS:
        cells = [f"{get_column_letter(2 + j)}{g.first_row + i}" for i in range(len(g.rows)) for j in range(len(g.columns))]
        fmt = result_format(g.unit, *(values[c] for c in cells))
        for c in cells:
            ws[c].number_format = fmt.code
    for top, n in ((TONNAGE_TOP, len(TONNAGES)), (BAD_TOP, len(BAD_EMPTY_RATES))):
        for r in range(top + 1, top + 1 + n):
            v = values.get(f"B{r}")
            if isinstance(v, float):
                ws[f"B{r}"].number_format = result_format("t CO2", v).code
            else:
                ws[f"B{r}"].alignment = WRAP


HELPERS_TOP = 4     # the helper calls' rows: version, P5, P95
RUN_ROW = 7         # =ICTCO2_RUN with input names (the row below) and values (the row below that) from cells
RUN_CASE = {"tonnage_100t": 80000, "empty_rate_drop": 0.015}   # §5.1.2's nationwide case
FACTORS_TOP = 12
PERCENTILE_DRAWS = 2000
HELPERS = (("=ICTCO2_VERSION()", "the version of ictco2_xl computing this workbook", None),
           (f'=ICTCO2_PERCENTILE("LOGISTICS_POTENTIAL",0.05,{PERCENTILE_DRAWS},0)',
            f"P5 of LOGISTICS_POTENTIAL() when its soft inputs vary over their ranges ({PERCENTILE_DRAWS} draws, "
            "seed 0)", "t CO2/yr"),
           (f'=ICTCO2_PERCENTILE("LOGISTICS_POTENTIAL",0.95,{PERCENTILE_DRAWS},0)', "P95 of the same", "t CO2/yr"))


def helper_cell(i: int) -> str:
    """Where the i-th helper call (HELPERS) is."""
    return f"B{HELPERS_TOP + i}"


def models_table_top() -> int:
    return FACTORS_TOP + len(FACTOR_KEYS) + 3


def _write_functions(ws):
    paragraph(ws, 1, "Helper functions", 1, 5, TITLE_FONT)
    _header(ws, HELPERS_TOP - 1, ["call", "result", "unit", "what it is"])
    for i, (formula, text, unit) in enumerate(HELPERS):
        r = HELPERS_TOP + i
        put_text(ws, r, 1, formula[1:].split("(")[0] + "(...)")
        put_number(ws, r, 2, formula, INTEGER if unit else None)
        put_text(ws, r, 3, unit or "")
        put_text(ws, r, 4, text, wrap=True)
    r = RUN_ROW
    put_text(ws, r, 1, "ICTCO2_RUN(...)")
    put_number(ws, r, 2, f'=ICTCO2_RUN("fleet_management","reduction_t",C{r + 1}:D{r + 1},C{r + 2}:D{r + 2})',
               INTEGER)
    put_text(ws, r, 3, "t CO2/yr")
    put_text(ws, r, 4, "any model (an id, a function name or a model file) with inputs given by name: the names in "
                       "a row (C:D below), one row of values per scenario under them; here §5.1.2's nationwide "
                       "物流通 case (136万 t)", wrap=True)
    model = MODELS["fleet_management"]
    for j, (name, value) in enumerate(RUN_CASE.items()):   # each name right above its value, as the model shows it
        put_text(ws, r + 1, 3 + j, name).alignment = Alignment(horizontal="right", vertical="top")
        put_number(ws, r + 2, 3 + j, value, input_format(model.input(name).unit, value), INPUT_FONT).fill = INPUT_FILL
    _header(ws, FACTORS_TOP - 1, ["factor", "report", "current", "unit"])
    first = FACTORS_TOP   # one call per factor: LibreOffice keeps plain formulas' cached values, not arrays'
    for i, (key, (unit, _)) in enumerate(FACTOR_KEYS.items()):
        put_text(ws, first + i, 1, key)
        put_text(ws, first + i, 4, display_unit(unit))
        put_number(ws, first + i, 2, f"=ICTCO2_FACTOR(A{first + i})", None)
        put_number(ws, first + i, 3, f'=ICTCO2_FACTOR(A{first + i},"current")', None)
    top = models_table_top()
    paragraph(ws, top - 1, "ICTCO2_MODELS() spills the list of functions", 1, 5, BOLD)
    n_rows = 1 + sum(1 for f in FUNCTIONS.values() if hasattr(f, "worksheet_function"))
    ws[f"A{top}"] = ArrayFormula(f"A{top}:E{top + n_rows - 1}", "=ICTCO2_MODELS()")


def _format_functions(ws, values):
    """Each factor printed exactly, in its own unit."""
    for i, (unit, _) in enumerate(FACTOR_KEYS.values()):
        for col in "BC":
            ref = f"{col}{FACTORS_TOP + i}"
            if isinstance(values.get(ref), float):
                ws[ref].number_format = input_format(unit, values[ref]).code


SHEETS = (("Cases", _write_cases, _format_cases, 4, 40), ("Arrays", _write_arrays, _format_arrays, None, 48),
          ("Functions", _write_functions, _format_functions, None, 50))


def _array_members(ws) -> list[str]:
    """Cells of array formulas' ranges besides their first: they hold the cached results."""
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, ArrayFormula):
                (c1, r1), (c2, r2) = (coordinate_from_string(x) for x in cell.value.ref.split(":"))
                for r in range(r1, r2 + 1):
                    for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1):
                        ref = f"{get_column_letter(c)}{r}"
                        if ref != cell.coordinate:
                            out.append(ref)
    return out


def _workbook():
    wb = new_workbook()
    wb.remove(wb.active)
    for name, write, _, _, _ in SHEETS:
        write(wb.create_sheet(name))
    return wb


def build(path: Path = OUT) -> Path:
    """Write the demo with every call's value cached (computed by the formulas engine with the ictco2_xl
    functions registered), so it shows numbers before, or without, the add-in."""
    wb = _workbook()
    with tempfile.TemporaryDirectory(prefix="ictco2-demo-") as tmp:
        plain = Path(tmp) / "demo.xlsx"
        wb.save(plain)
        computed = calculate(plain)
    by_sheet = {name: {} for name, *_ in SHEETS}
    for key, value in computed.items():
        sheet, ref = key.rsplit("!", 1)
        by_sheet[sheet][ref] = value
    cached = {}
    for name, _, fmt, header, max_width in SHEETS:
        ws = wb[name]
        formulas = [c.coordinate for row in ws.iter_rows() for c in row
                    if c.data_type == "f" or isinstance(c.value, ArrayFormula)]
        members = _array_members(ws)
        for ref in members:      # for now what Excel shows there (its cached value), so finish sizes for it
            ws[ref] = by_sheet[name].get(ref, 0)
        cached.update({(name, ref): by_sheet[name][ref] for ref in formulas + members
                       if by_sheet[name].get(ref) is not None})
        if fmt:
            fmt(ws, by_sheet[name])
        # Columns at least as wide as '#NAME?': LibreOffice recomputes array formulas (see the Arrays sheet).
        finish(ws, by_sheet[name], header_rows=(header, header) if header else None, max_width=max_width,
               min_width=10)
        for ref in members:
            ws[ref] = 0          # a placeholder: the cell must exist to carry its cached value
    # Excel 2019/365's engine id and no full recalculation on load: Excel shows the cached values until the
    # user recalculates (with the add-in), instead of #NAME? before the add-in has loaded.
    wb.calculation = CalcProperties(calcId=191029, fullCalcOnLoad=False)
    wb.properties.creator = "ictco2_xl"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).write_bytes(normalise_package(buf.getvalue(), cached))
    return Path(path)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    print(f"wrote {build(ap.parse_args(argv).out)}")


if __name__ == "__main__":
    main()
