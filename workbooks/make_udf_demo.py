"""Write workbooks/udf_demo.xlsx: every ictco2_xl worksheet function called for the report's cases, a few
array calls (the report's Tables 5-2 and 5-9 as one formula each, a column with blanks, bad input), and
the report's published value next to each result, with the reconciliation's status and note.

    python workbooks/make_udf_demo.py [--out workbooks/udf_demo.xlsx]

The workbook holds formulas only (no cached results): open it where the functions are registered (Excel
with the xlwings add-in or xlwings Lite, see the README) or recalculate it headlessly with
``ictco2_xl.recalc.formulas_engine.calculate``. tests/test_udf_demo.py does that and checks every number.
Results spanning several cells are array formulas ({=...}) so every Excel version and the formulas
engine size them; Excel 365 users can retype them as ordinary formulas that spill.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from ictco2_xl.core.analysis.reconciliation import reconcile
from ictco2_xl.core.factors import FACTOR_KEYS
from ictco2_xl.udfs import FUNCTIONS

OUT = Path(__file__).with_name("udf_demo.xlsx")
FIGURES = {row.figure_id: row for row in reconcile()}
# One printed unit of a report figure, in the unit of the function's result.
PRINTED_UNIT = {"t CO2": 1, "kg CO2": 1e-3, "10^4 t CO2": 1e4, "10^8 t CO2": 1e8, "1": 1, "10^4 lamps": 1,
                "10^4 discs": 1, "g/kWh": 1e-3, "kg/L": 1, "g/L": 1e-3}
BOLD = Font(bold=True)


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
    for j, v in enumerate(values):
        ws.cell(row, col + j, v).font = BOLD


def _write_cases(ws):
    ws["A1"] = "ictco2_xl worksheet functions: the report's cases, with the report's published figures"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = ("Column C calls the functions (register them with xlwings or recalculate with the formulas engine). "
                "Status and note come from `ictco2-xl reconcile`: report_inconsistent means the report's printed "
                "value contradicts its own inputs, and the note says how.")
    _header(ws, 4, CASE_HEADER)
    for i, case in enumerate(CASES):
        r = CASES_FIRST_ROW + i
        fig = FIGURES.get(case.figure) if case.figure else None
        fn = FUNCTIONS[case.function]
        unit = fn.worksheet_function.unit if hasattr(fn, "worksheet_function") else ""
        ws.cell(r, 1, case.function)
        ws.cell(r, 2, case.formula)
        ws.cell(r, 3, "=" + case.formula)
        ws.cell(r, 4, unit)
        if fig is None:
            ws.cell(r, 10, case.label)
            ws.cell(r, 11, case.note)
            continue
        per = PRINTED_UNIT[fig.unit]
        ws.cell(r, 5, float(fig.report_value))
        ws.cell(r, 6, fig.unit)
        ws.cell(r, 7, f"=C{r}{in_printed_unit(per)}")
        ws.cell(r, 8, fig.figure_id)
        ws.cell(r, 9, fig.source)
        ws.cell(r, 10, fig.status)
        ws.cell(r, 11, fig.note)
    for col, width in zip("ABCDEFGHIJK", (30, 62, 16, 14, 12, 14, 14, 22, 26, 20, 100)):
        ws.column_dimensions[col].width = width


def _write_grid(ws, g: Grid):
    ws.cell(g.top - 1, 1, g.title).font = BOLD
    _header(ws, g.top, ["year", *g.columns], col=1)
    _header(ws, g.top, ["published", *g.columns], col=2 + len(g.columns))
    for i, year in enumerate(g.rows):
        ws.cell(g.first_row + i, 1, year)
        ws.cell(g.first_row + i, 2 + len(g.columns), year)
        for j, col in enumerate(g.columns):
            fig = FIGURES[g.figure_id(year, col)]
            ws[g.published_cell(i, j)] = float(fig.report_value)
    first = g.result_range().split(":")[0]
    ws[first] = ArrayFormula(g.result_range(), g.formula())


def _write_column(ws, top, title, header, values, formula, note):
    ws.cell(top - 1, 1, title).font = BOLD
    _header(ws, top, header)
    for i, v in enumerate(values):
        ws.cell(top + 1 + i, 1, v)
    last = top + len(values)
    ws[f"B{top + 1}"] = ArrayFormula(f"B{top + 1}:B{last}", formula.format(range=f"A{top + 1}:A{last}"))
    ws.cell(last + 1, 1, note)


def _write_arrays(ws):
    ws["A1"] = "Array calls: one formula per table; ranges broadcast (a column of years and a row of shares give the table)"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = ("Table 5-2 is reproduced with an implied equation (see the reconciliation); Table 5-9's 2010 row at 50% "
                "uses 1005万 lamps, 2010 x 50% instead of 1530 x 50%, which the report carries into its summary.")
    for g in GRIDS:
        _write_grid(ws, g)
    _write_column(ws, TONNAGE_TOP, "A column with a blank cell: the blank takes the report's default (6000 x 100 t)",
                  ["tonnage_100t", "LOGISTICS_REDUCTION, t CO2", "published, t CO2"], TONNAGES,
                  "=LOGISTICS_REDUCTION({range})", "80000 x 100 t is §5.1.2's nationwide 物流通 case (136万 t).")
    for i, fid in enumerate(TONNAGE_FIGURES):
        if fid:
            ws.cell(TONNAGE_TOP + 1 + i, 3, float(FIGURES[fid].report_value) * PRINTED_UNIT[FIGURES[fid].unit])
    _write_column(ws, BAD_TOP, "Bad input: a readable message in the cell it concerns, the other rows still compute",
                  ["empty_rate_drop", "LOGISTICS_REDUCTION, t CO2"], BAD_EMPTY_RATES,
                  '=LOGISTICS_REDUCTION("",{range})', 'The first argument is "" (default): see the README on '
                  "omitted arguments.")
    ws.column_dimensions["A"].width = 16
    for col in "BCDEFGHIJKLM":
        ws.column_dimensions[col].width = 14
    ws.column_dimensions["B"].width = 48


RUN_ROW = 4          # =ICTCO2_RUN with input names and values from cells
RUN_CASE = {"tonnage_100t": 80000, "empty_rate_drop": 0.015}   # §5.1.2's nationwide case
FACTORS_TOP = 9
PERCENTILE_DRAWS = 2000


def models_table_top() -> int:
    return FACTORS_TOP + len(FACTOR_KEYS) + 3


def _write_functions(ws):
    ws["A1"] = "Helper functions"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "=ICTCO2_VERSION()"
    ws["B2"] = "version of ictco2_xl computing this workbook"
    ws["A3"] = f'=ICTCO2_PERCENTILE("LOGISTICS_POTENTIAL",0.05,{PERCENTILE_DRAWS},0)'
    ws["B3"] = (f"P5 and P95 of LOGISTICS_POTENTIAL() when its soft inputs vary over their ranges "
                f"({PERCENTILE_DRAWS} draws, seed 0)")
    ws["C3"] = f'=ICTCO2_PERCENTILE("LOGISTICS_POTENTIAL",0.95,{PERCENTILE_DRAWS},0)'
    r = RUN_ROW
    ws[f"A{r}"] = f'=ICTCO2_RUN("fleet_management","reduction_t",C{r + 1}:D{r + 1},C{r + 2}:D{r + 2})'
    ws[f"B{r}"] = ("ICTCO2_RUN: any model (an id, a function name or a model file) with inputs given by name: the "
                   "names in a row, one row of values per scenario; here §5.1.2's nationwide 物流通 case (136万 t)")
    for j, (name, value) in enumerate(RUN_CASE.items()):
        ws.cell(r + 1, 3 + j, name)
        ws.cell(r + 2, 3 + j, value)
    _header(ws, FACTORS_TOP - 1, ["factor", "report", "current", "unit"])
    first, last = FACTORS_TOP, FACTORS_TOP + len(FACTOR_KEYS) - 1
    for i, (key, (unit, _)) in enumerate(FACTOR_KEYS.items()):
        ws.cell(first + i, 1, key)
        ws.cell(first + i, 4, unit)
    ws[f"B{first}"] = ArrayFormula(f"B{first}:B{last}", f"=ICTCO2_FACTOR(A{first}:A{last})")
    ws[f"C{first}"] = ArrayFormula(f"C{first}:C{last}", f'=ICTCO2_FACTOR(A{first}:A{last},"current")')
    top = models_table_top()
    ws.cell(top - 1, 1, "ICTCO2_MODELS() spills the list of functions").font = BOLD
    n_rows = 1 + sum(1 for f in FUNCTIONS.values() if hasattr(f, "worksheet_function"))
    ws[f"A{top}"] = ArrayFormula(f"A{top}:E{top + n_rows - 1}", "=ICTCO2_MODELS()")
    for col, width in zip("ABCDE", (30, 20, 50, 40, 16)):
        ws.column_dimensions[col].width = width


def build(path: Path = OUT) -> Path:
    wb = Workbook()
    _write_cases(wb.active)
    wb.active.title = "Cases"
    _write_arrays(wb.create_sheet("Arrays"))
    _write_functions(wb.create_sheet("Functions"))
    wb.save(path)
    return path


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    print(f"wrote {build(ap.parse_args(argv).out)}")


if __name__ == "__main__":
    main()
