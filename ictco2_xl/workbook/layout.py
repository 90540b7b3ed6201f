"""Where every value of a model's calculation template lives, and how its cached value is computed.

The layout is derived from the model definition alone, so the builder (openpyxl), the batch filler
(XML patching) and the checker (recalculation) all agree on it without storing anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from openpyxl.utils import get_column_letter

from ..core.analysis.reconciliation import FIGURES, ModelFigure
from ..core.assessment import ITEMS, key_inputs, named, net_definition
from ..core.definitions import Derived, Input, YearSeries
from ..core.model import Model
from ..core.nonfinite import MIN_NORMAL

INPUTS, SERIES, DATA, CALC, RESULTS, SCENARIOS, UNCERTAINTY, CHECKS, ABOUT, ASSESSMENT = (
    "Inputs", "Series", "Data", "Calculation", "Results", "Scenarios", "Uncertainty", "Checks", "About",
    "Assessment")
UNCERTAINTY_TOP = 5   # first row of the range table
VALUE_COL = 3  # column C holds the value on Inputs, Calculation and Results
SCENARIO_CELL = (ABOUT, "B3")  # the scenario's name; batch generation writes it here
FILE_NOTE_CELL = (ABOUT, "B4")  # what the file is: the template, or a filled copy for a scenario
CHECKS_CELL = (ABOUT, "B5")     # every check at a glance
DEFAULT_SCENARIO = "The report's own case (default inputs)"
USER_SCENARIO = "The model file's defaults"
# The Assessment sheet: one row per ITU-T L.1480 / WBCSD item, then the net effect, then the key inputs;
# live values (a named footprint, the net, the inputs) in one column.
ASSESSMENT_TOP = 6
ASSESSMENT_VALUE_COL = 5
CHECKS_TOP = 5        # first row of the checks (row 4 holds the header)
# Checks hold 1 (passes), 0 (fails) or -1 (cannot be compared: an input differs from the value written).
_TOLERANCE = "1E-9"   # relative: Excel and numpy differ in the last digits of long chains, not more

# The second dimension of a scenario table, where a model has one (the report's own scenario grids).
SCENARIO_AXES = {
    "logistics_potential": ("empty_rate_cut", (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)),
    "streetlight_potential": ("adoption_rate", (0.5, 0.7, 0.9)),
}
REPORT_YEARS = (2008, 2010, 2020, 2030)


@dataclass(frozen=True)
class Cell:
    """One value cell. ``source`` says how to compute its value from a model run:
    ("input", name) | ("step", name) | ("series", name) | ("grid", i, j) | ("figure", index) |
    ("diff", kind, key, report) | ("fixed", value)."""

    sheet: str
    row: int
    col: int
    source: tuple
    formula: str | None = None
    name: str | None = None

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def abs_ref(self) -> str:
        return f"'{self.sheet}'!${get_column_letter(self.col)}${self.row}"


@dataclass
class Grid:
    axis: str | None
    axis_values: tuple
    years: tuple
    first_row: int                       # row of the first year
    cells: dict = field(default_factory=dict)   # (i, j) -> Cell
    report: dict = field(default_factory=dict)  # (i, j) -> (figure, report value in t)


def interpolation_formula(inp: Input, year_ref: str) -> str:
    """Excel formula giving a YearSeries default at the year in ``year_ref`` (exact at anchor years)."""
    ys, vs = f"{inp.name}_years", f"{inp.name}_values"
    i = f"MIN(MATCH({year_ref},{ys},1),COUNT({ys})-1)"
    y0, y1 = f"INDEX({ys},{i})", f"INDEX({ys},{i}+1)"
    v0, v1 = f"INDEX({vs},{i})", f"INDEX({vs},{i}+1)"
    t = f"({year_ref}-{y0})/({y1}-{y0})"
    between = f"{v0}*({v1}/{v0})^({t})" if inp.default.interp == "geometric" else f"{v0}+({v1}-{v0})*{t}"
    return f"IF(COUNTIF({ys},{year_ref})>0,INDEX({vs},MATCH({year_ref},{ys},0)),{between})"


def inline_formula(model: Model, step: str, subst: dict[str, str]) -> str:
    """The whole chain of equations behind ``step`` as one formula, with some inputs replaced by cell
    references (used for scenario tables: one cell per year and scenario, no helper cells)."""
    steps = {s.name: s for s in model.steps}
    year_ref = subst.get("target_year", "target_year")

    def ref(name: str) -> str:
        if name in subst:
            return subst[name]
        if name in steps:
            return f"({steps[name].expr.to_excel(ref)})"
        inp = model.input(name)
        if isinstance(inp.default, YearSeries) and "target_year" in subst:
            return f"({interpolation_formula(inp, year_ref)})"
        return name

    return steps[step].expr.to_excel(ref)


def _scenario_years(model: Model) -> tuple:
    names = {i.name for i in model.inputs}
    if "target_year" not in names:
        return ()
    b = model.input("target_year").bounds
    years = {y for y in REPORT_YEARS if b.lo <= y <= b.hi}
    for inp in model.inputs:
        if isinstance(inp.default, YearSeries):
            years |= {y for y in inp.default.years if b.lo <= y <= b.hi}
    return tuple(sorted(years))


def _case_inputs(model: Model, figure: ModelFigure) -> dict:
    """A figure's inputs that define its case. An input whose default the model derives from another model (a
    pilot, the buildings' CO2) is left out: the report starts from its printed value, the template derives it,
    and the difference column shows what that changes."""
    return {k: v for k, v in figure.inputs if not isinstance(model.input(k).default, Derived)}


def _matching_figures(model: Model, defaults: dict):
    """Reconciliation figures that are this model's outputs at the template's default inputs."""
    out = []
    for index, fig in enumerate(FIGURES):
        c = fig.compute
        if isinstance(c, ModelFigure) and c.model == model.id:
            if all(np.isclose(defaults.get(k, np.nan), v) for k, v in _case_inputs(model, c).items()):
                out.append((index, fig))
    return out


class TemplateLayout:
    """Cell positions for one model's template."""

    def __init__(self, model: Model, factor_set: str = "report"):
        self.model, self.factor_set = model, factor_set
        default_run = model.run(factor_set=factor_set)
        self.defaults = {k: float(np.ravel(v)[0]) for k, v in default_run.inputs.items()}
        self.cells: list[Cell] = []
        self.inputs: dict[str, Cell] = {}
        self.series: dict[str, tuple[int, Cell]] = {}   # input name -> (first row of its block, value cell)
        self.data_rows: dict[str, int] = {}
        self.steps: dict[str, Cell] = {}
        self.results: list[Cell] = []
        self.figures: list[tuple[Cell, object, dict]] = []
        self.grid: Grid | None = None
        self._place()

    @property
    def default_scenario(self) -> str:
        """The scenario name of the template's own case (About!B3)."""
        return USER_SCENARIO if self.model.kind == "user" else DEFAULT_SCENARIO

    def _add(self, cell: Cell) -> Cell:
        self.cells.append(cell)
        return cell

    def _place(self):
        m = self.model
        row = 2
        series_row = 3
        for inp in m.inputs:
            formula = None
            if isinstance(inp.default, YearSeries):
                cell_val = Cell(SERIES, series_row + 2, VALUE_COL, ("series", inp.name),
                                interpolation_formula(inp, "target_year"))
                self.series[inp.name] = (series_row, self._add(cell_val))
                series_row += 4
                formula = cell_val.abs_ref
            self.inputs[inp.name] = self._add(Cell(INPUTS, row, VALUE_COL, ("input", inp.name), formula, inp.name))
            row += 1
        data_row = 3
        for d in m.data:
            self.data_rows[d.name] = data_row
            data_row += 4
        for i, step in enumerate(m.steps):
            self.steps[step.name] = self._add(Cell(CALC, i + 2, VALUE_COL, ("step", step.name),
                                                   step.expr.to_excel(), step.name))
        row = 2
        for name in m.results:
            self.results.append(self._add(Cell(RESULTS, row, VALUE_COL, ("step", name), name)))
            row += 1
        row += 3
        self.figure_header_row = row - 1
        for index, fig in _matching_figures(m, self.defaults):
            c = fig.compute
            live = self._add(Cell(RESULTS, row, 4, ("figure", index),
                                  f"{c.output or m.primary}*{_num(c.scale)}"))
            diff = self._add(Cell(RESULTS, row, 6, ("diff", "figure", index, float(fig.report_value)),
                                  f"{live.ref}-E{row}"))
            self.figures.append((live, fig, {"diff": diff}))
            row += 1
        self._place_uncertainty()
        self._place_assessment()
        self._place_checks()
        years = _scenario_years(m)
        if years:
            axis, values = SCENARIO_AXES.get(m.id, (None, (None,)))
            grid = Grid(axis, values, years, first_row=5)
            for i in range(len(years)):
                for j in range(len(values)):
                    r, col = grid.first_row + i, 2 + j
                    subst = {"target_year": f"$A{r}"}
                    if axis:
                        subst[axis] = f"{get_column_letter(col)}$4"
                    grid.cells[(i, j)] = self._add(Cell(SCENARIOS, r, col, ("grid", i, j),
                                                        inline_formula(m, m.primary, subst)))
            self.grid = grid
            self._place_grid_report(grid)

    def _place_uncertainty(self):
        """The uncertainty ranges at the report case, with the result at each end of each range (live:
        the whole model with that one input at its low or high end, the others from the Inputs sheet)."""
        from ..core.analysis.uncertainty import ranges
        m = self.model
        table = ranges(m, factor_set=self.factor_set)
        self.uncertainty_rows = []
        if table.empty:
            return
        swings = []
        for rec in table.itertuples():
            lo = m.run({rec.input: rec.swing_low}, self.factor_set).primary
            hi = m.run({rec.input: rec.swing_high}, self.factor_set).primary
            swings.append(abs(hi - lo))
        order = sorted(range(len(table)), key=lambda k: -swings[k])
        for r, k in enumerate(order, start=UNCERTAINTY_TOP):
            rec = table.iloc[k]
            cells = []
            for col, bound in ((10, "swing_low"), (11, "swing_high")):
                bound_ref = f"${get_column_letter(col - 4)}${r}"
                cells.append(self._add(Cell(UNCERTAINTY, r, col, ("swing", rec.input, float(rec[bound])),
                                            inline_formula(m, m.primary, {rec.input: bound_ref}))))
            for col, result in ((12, cells[0]), (13, cells[1])):   # the tornado's bars: change from the centre
                self._add(Cell(UNCERTAINTY, r, col, ("swing_change", *result.source[1:]),
                               f"{result.ref}-{self.steps[m.primary].abs_ref}"))
            self.uncertainty_rows.append((r, rec, cells))
        self.uncertainty_centre = self._add(Cell(UNCERTAINTY, UNCERTAINTY_TOP - 2, 4, ("step", m.primary),
                                                 self.steps[m.primary].abs_ref))

    def _place_checks(self):
        """The Checks sheet: every input within its range, the formulas' result equal to the Python model's
        for the inputs written, every result a number; the first row sums them up (also on About)."""
        m = self.model
        top, last = CHECKS_TOP, CHECKS_TOP + 2 + len(m.inputs)
        first_input = top + 3
        primary = self.steps[m.primary]
        n = len(self.results)
        self.checks: list[tuple[str, Cell, tuple]] = []   # (what, status cell, other cells)
        status = self._add(Cell(CHECKS, top, 2, ("check", "all"), f"IF(COUNTIF(B{top + 1}:B{last},0)>0,0,1)"))
        self.checks.append(("all", status, ()))
        now = self._add(Cell(CHECKS, top + 1, 3, ("step", m.primary), primary.abs_ref))
        written = self._add(Cell(CHECKS, top + 1, 4, ("step", m.primary)))
        status = self._add(Cell(CHECKS, top + 1, 2, ("check", "python"),
                                f"IF(COUNTIF(E{first_input}:E{last},0)>0,-1,IF(ABS(C{now.row}-D{now.row})<="
                                f"{_TOLERANCE}*MAX(1,ABS(D{now.row})),1,0))"))
        self.checks.append(("python", status, (now, written)))
        results = f"'{RESULTS}'!$C${self.results[0].row}:$C${self.results[-1].row}"
        status = self._add(Cell(CHECKS, top + 2, 2, ("check", "numbers"), f"IF(COUNT({results})={n},1,0)"))
        self.checks.append(("numbers", status, ()))
        for r, inp in enumerate(m.inputs, start=first_input):
            now = self._add(Cell(CHECKS, r, 3, ("input", inp.name), self.inputs[inp.name].abs_ref))
            written = self._add(Cell(CHECKS, r, 4, ("input", inp.name)))
            same = self._add(Cell(CHECKS, r, 5, ("check", "same", inp.name),
                                  f"IF(ABS(C{r}-D{r})<={_TOLERANCE}*MAX(1,ABS(D{r})),1,0)"))
            status = self._add(Cell(CHECKS, r, 2, ("check", "bounds", inp.name),
                                    f"IF({_bounds_test(inp, f'C{r}')},1,0)"))
            self.checks.append((inp.name, status, (now, written, same)))
        self._add(Cell(*_split(CHECKS_CELL), ("check", "all"), f"'{CHECKS}'!$B${top}"))

    def _place_assessment(self):
        """Live cells of the Assessment sheet: the footprint and higher-order effects the record names, the
        net effect (an equation over the model's names), and the key inputs."""
        m = self.model
        inputs = {i.name for i in m.inputs}

        def live(row: int, name: str) -> Cell:
            kind = "input" if name in inputs else "step"
            return self._add(Cell(ASSESSMENT, row, ASSESSMENT_VALUE_COL, (kind, name), name))

        self.assessment_items = {}
        for k, item in enumerate(ITEMS):
            name = named(m, item.key) if item.key in ("first_order", "higher_order") else None
            if name:
                self.assessment_items[item.key] = live(ASSESSMENT_TOP + k, name)
        nd = net_definition(m)
        row = ASSESSMENT_TOP + len(ITEMS) + 3
        self.assessment_net = []   # (what, row, Cell or None)
        for what, name in (("reported", nd.reported), ("own", nd.own), ("rebound", nd.rebound)):
            self.assessment_net.append((what, row, live(row, name) if name else None))
            row += 1
        net = None
        if nd.expression is not None:
            net = self._add(Cell(ASSESSMENT, row, ASSESSMENT_VALUE_COL, ("expr", nd.expression),
                                 nd.expression.to_excel()))
        self.assessment_net.append(("net", row, net))
        row += 3
        self.assessment_inputs = [(inp, live(row + k, inp.name)) for k, inp in enumerate(key_inputs(m))]

    def _place_grid_report(self, grid: Grid):
        """The report's published values for the scenario grid, where it prints them."""
        m = self.model
        for fig in FIGURES:
            c = fig.compute
            if not (isinstance(c, ModelFigure) and c.model == m.id and c.output in (None, m.primary)
                    and not c.is_input):
                continue
            given = _case_inputs(m, c)
            if "target_year" not in given or given["target_year"] not in grid.years:
                continue
            i = grid.years.index(given.pop("target_year"))
            if grid.axis:
                if grid.axis not in given or given[grid.axis] not in grid.axis_values:
                    continue
                j = grid.axis_values.index(given.pop(grid.axis))
            else:
                j = 0
            if given or (i, j) in grid.report:
                continue
            grid.report[(i, j)] = (fig, float(fig.report_value) / c.scale)
        ncol = len(grid.axis_values)
        top = grid.first_row + len(grid.years) + 3
        for (i, j), (_fig, report_t) in grid.report.items():
            r, col = top + i, 2 + j
            live = grid.cells[(i, j)]
            self._add(Cell(SCENARIOS, r, col + ncol + 1, ("diff", "grid", (i, j), report_t),
                           f"{live.ref}-{get_column_letter(col)}{r}"))
        grid.report_top = top

    # -- values --------------------------------------------------------------------------------------
    def values(self, inputs: dict | None = None) -> dict[tuple[str, str], float]:
        """Cached value of every value cell for a run with ``inputs`` (defaults for the rest)."""
        columns = {k: np.array([v], dtype=float) for k, v in (inputs or {}).items()}
        return {key: float(arr[0]) for key, arr in self.values_many(columns, 1).items()}

    def values_many(self, columns: dict[str, np.ndarray], n: int) -> dict[tuple[str, str], np.ndarray]:
        """The same for ``n`` scenarios at once (one vectorised model run); NaN in a column = default."""
        m = self.model
        res = m.run(columns, self.factor_set, blank_as_default=True)

        def full(v):
            return np.broadcast_to(np.asarray(v, dtype=float), (n,))
        env = {**{k: full(v) for k, v in res.inputs.items()}, **{k: full(v) for k, v in res.items()}}
        grid_values = None
        if self.grid is not None:
            g = self.grid
            given = {k: np.asarray(v, float)[:, None, None] for k, v in columns.items()
                     if not isinstance(m.input(k).default, YearSeries)}
            given["target_year"] = np.array(g.years, float)[None, :, None]
            if g.axis:
                given[g.axis] = np.array(g.axis_values, float)[None, None, :]
            # Scenario cells use the year tables for year-dependent inputs, whatever the Inputs sheet says.
            grid_values = np.broadcast_to(m.run(given, self.factor_set, blank_as_default=True).primary,
                                          (n, len(g.years), len(g.axis_values)))
        out = {}
        # A step without a finite value (inf - inf, 0 * inf) is expected here: the cell caches the spreadsheet's
        # error for it (see error_codes); numpy's warnings about it would only be noise on stderr.
        with np.errstate(all="ignore"):
            for cell in self.cells:
                kind = cell.source[0]
                if kind in ("input", "step"):
                    v = env[cell.source[1]]
                elif kind == "series":
                    v = m.input(cell.source[1]).default.at(env["target_year"])
                elif kind == "grid":
                    v = grid_values[:, cell.source[1], cell.source[2]]
                elif kind == "expr":
                    v = cell.source[1].evaluate(env)
                elif kind in ("swing", "swing_change"):
                    _, name, bound = cell.source
                    v = m.run({**columns, name: bound}, self.factor_set, blank_as_default=True).primary
                    if kind == "swing_change":
                        v = v - env[m.primary]
                elif kind == "check":
                    v = self._check_value(cell.source, env, n)
                elif kind == "figure":
                    c = FIGURES[cell.source[1]].compute
                    v = env[c.output or m.primary] * c.scale
                elif kind == "diff":
                    _, what, key, report = cell.source
                    if what == "figure":
                        c = FIGURES[key].compute
                        v = env[c.output or m.primary] * c.scale - report
                    else:
                        v = grid_values[(slice(None), *key)] - report
                else:
                    v = cell.source[1]
                out[(cell.sheet, cell.ref)] = full(v)
        return out

    def difference_scales(self, values: dict) -> dict[tuple[str, str], float]:
        """For cells that subtract two large numbers, the size of those numbers (``values``: this layout's
        values): a recalculation may differ there by that size times the rounding error, not by the result's."""
        primary = self.steps[self.model.primary]
        out = {}
        for cell in self.cells:
            if cell.source[0] == "diff":             # live - printed
                out[(cell.sheet, cell.ref)] = cell.source[3]
            elif cell.source[0] == "swing_change":   # result at one end of a range - central result
                out[(cell.sheet, cell.ref)] = abs(values[(primary.sheet, primary.ref)])
        return out

    def _check_value(self, source: tuple, env: dict, n: int) -> np.ndarray:
        """What a check shows for the values written: the cells hold exactly these inputs and results."""
        what = source[1]
        if what == "bounds":
            inp = self.model.input(source[2])
            v = np.broadcast_to(np.asarray(env[inp.name], float), (n,))
            # Spreadsheets store numbers below the smallest normal double as 0: test what they hold.
            v = np.where(np.abs(v) < MIN_NORMAL, 0.0, v)
            return (np.isfinite(v) & ~inp.bounds.bad(v)).astype(float)
        if what == "numbers":
            ok = np.ones(n, dtype=bool)
            for cell in self.results:
                ok &= np.isfinite(np.broadcast_to(np.asarray(env[cell.source[1]], float), (n,)))
            return ok.astype(float)
        if what == "all":
            parts = [self._check_value(c.source, env, n) for what_, c, _ in self.checks if what_ != "all"]
            return np.where(np.any(np.array(parts) == 0, axis=0), 0.0, 1.0)
        return np.ones(n)   # "python", "same": the written values are the live ones

    def error_codes(self, inputs: dict[str, float], cells, found=None) -> dict[tuple[str, str], str]:
        """The error a spreadsheet shows (#DIV/0!, #NUM!) in each of ``cells`` (those with no finite value
        for one scenario; ``inputs``: name -> number, NaN = the default), and in every step cell that uses
        an error although numpy gives it a number (x / inf = 0). ``found``: the scenario's failures, if
        known. See core/nonfinite.py."""
        from ..core.nonfinite import NUM, failures
        m, fs = self.model, self.factor_set
        given = {k: float(v) for k, v in inputs.items() if v == v}
        runs: dict = {} if found is None else {(): found}
        if found is None:
            found = runs[()] = failures(m, given, fs)
        def step_of(cell) -> str | None:
            kind, *rest = cell.source
            if kind == "step":
                return rest[0]
            if kind == "figure" or (kind == "diff" and rest[0] == "figure"):
                c = FIGURES[rest[0] if kind == "figure" else rest[1]].compute
                return c.output or m.primary
            return None
        cells = list(cells) + [(c.sheet, c.ref) for c in self.cells
                               if step_of(c) in found and (c.sheet, c.ref) not in cells]

        def code(step: str, **changed) -> str:
            key = tuple(sorted(changed.items()))
            if key not in runs:
                runs[key] = failures(m, {**given, **changed}, fs)
            hit = runs[key].get(step)
            return hit.code if hit else NUM   # non-finite in numpy however Excel words it: a number error
        by_key = {(c.sheet, c.ref): c for c in self.cells}
        out = {}
        for key in cells:
            kind, *rest = by_key[key].source
            if step_of(by_key[key]) is not None:
                out[key] = code(step_of(by_key[key]))
            elif kind in ("grid", "diff"):
                i, j = rest if kind == "grid" else rest[1]
                changed = {k: float("nan") for k in given if isinstance(m.input(k).default, YearSeries)}
                changed["target_year"] = float(self.grid.years[i])
                if self.grid.axis:
                    changed[self.grid.axis] = float(self.grid.axis_values[j])
                out[key] = code(m.primary, **changed)
            elif kind in ("swing", "swing_change"):
                out[key] = code(m.primary, **{rest[0]: float(rest[1])})
            else:
                out[key] = NUM
        return out


def _split(key: tuple[str, str]) -> tuple[str, int, int]:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
    letters, row = coordinate_from_string(key[1])
    return key[0], row, column_index_from_string(letters)


def _bounds_test(inp: Input, ref: str) -> str:
    """An Excel condition that ``ref`` is a number within the input's bounds."""
    b = inp.bounds
    parts = [f"ISNUMBER({ref})"]
    if b.lo is not None:
        parts.append(f"{ref}{'>' if b.lo_open else '>='}{_num(b.lo)}")
    if b.hi is not None:
        parts.append(f"{ref}{'<' if b.hi_open else '<='}{_num(b.hi)}")
    return f"AND({','.join(parts)})"


def template_note(model: Model) -> str:
    from .. import __version__
    return (f"The calculation template of {model.title}, generated from the model's definition by ictco2_xl "
            f"{__version__} (`ictco2-xl templates`): the blue cells hold {_own_case(model)}. Save a copy under "
            "a new name before you change them; regenerate rather than edit the formulas.")


def _own_case(model: Model) -> str:
    return f"the defaults of its model file ({model.origin})" if model.kind == "user" else "the report's own case"


def filled_note(model: Model, scenario: str) -> str:
    from .. import __version__
    return (f"A filled copy of the {model.title} template for the scenario \u201c{scenario}\u201d, written by "
            f"ictco2_xl {__version__} (`ictco2-xl batch`): the blue cells hold this scenario's inputs (the "
            f"{'model file' if model.kind == 'user' else 'report'}'s defaults where the scenario table left them "
            "blank).")


def default_text(inp: Input) -> str:
    if inp.factor:
        return "factor set"
    if isinstance(inp.default, YearSeries):
        return "by year (Series sheet)"
    if isinstance(inp.default, Derived):
        return inp.default.description
    return f"{inp.default:g}"


def _num(x: float) -> str:
    from ..core.expr import format_number
    return format_number(x)
