"""Worksheet functions derived from the model definitions, independent of any Excel runtime.

``build_functions()`` returns one fresh callable per worksheet function: every model output of
``Model.worksheet_functions()`` plus the helpers ICTCO2_FACTOR, ICTCO2_MODELS and ICTCO2_VERSION. Each
callable has the Excel name as ``__name__``, the Function Wizard description as ``__doc__`` and the
argument help in ``arg_help``. They follow Excel's rules for arguments and results, so every runtime
behaves the same:

- every argument is optional; an omitted argument, a blank cell or ``""`` means the report's default;
- arguments may be ranges (nested lists or arrays): they broadcast like Excel arrays (a column and a row
  give a table) and blank cells in a range take the default for that cell;
- results are Excel cell values: always a 2D list of numbers and texts (one cell is ``[[x]]``);
- bad input gives a short text naming the argument, the value and the rule, in the cell it concerns
  (one bad row of a 10,000-row range does not blank the other 9,999) — never a traceback.

``ictco2_xl.excel.udfs`` decorates these callables for xlwings; ``ictco2_xl.recalc.formulas_engine`` registers them in
headless calculation engines.
"""
from __future__ import annotations

import contextlib
import gc
import inspect
import logging
from pathlib import Path
from typing import Callable

import numpy as np

from .. import __version__
from ..core import Derived, WorksheetFunction, YearSeries, all_models, get_factor_set, get_model, load_factor_set
from ..core.errors import ICTCO2Error, InputError
from ..core.factors import FACTOR_KEYS, FactorSet

CATEGORY = "ICT CO2"
HELP_LIMIT = 255  # Excel's limit for a function description and for each argument's help text
# Distinct bad values of one call reported cell by cell; beyond that the whole call shows the first error.
MAX_BAD_VALUES = 20

logger = logging.getLogger(__name__)

FACTOR_SET_HELP = ('Emission-factor set: "report" (default: the factors the report uses), "current" '
                   '(newer published factors), the name of a set loaded in Python, or the path of a '
                   '.toml or .csv factor file.')


# -- help texts ---------------------------------------------------------------------------------------

def _fit(*parts: str, limit: int = HELP_LIMIT) -> str:
    """Join the parts, dropping optional trailing ones (then cutting) to stay within Excel's limit."""
    for n in range(len(parts), 0, -1):
        text = " ".join(p for p in parts[:n] if p)
        if len(text) <= limit:
            return text
    return parts[0][: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.6g}"


def _year_series_text(series: YearSeries) -> str:
    if len(series.points) <= 4:
        return series.describe()
    (y0, v0), (y1, v1) = series.points[0], series.points[-1]
    return (f"the report's value for the year ({y0}: {v0:g} ... {y1}: {v1:g}; {len(series.points)} years, "
            f"{series.interp} in between)")


def _default_text(inp, resolved: dict) -> str:
    if inp.factor:
        value = get_factor_set("report").get(inp.factor, inp.scope).value
        return f"the factor set's {inp.factor} (report: {_number(value)})"
    if isinstance(inp.default, YearSeries):
        return _year_series_text(inp.default)
    if isinstance(inp.default, Derived):
        return f"{inp.default.description} ({_number(float(resolved[inp.name]))})"
    return _number(float(inp.default))


def _rule_text(inp) -> str:
    rule = inp.bounds.rule().removeprefix("must be ")
    return f"Whole number {rule}." if inp.integer else f"Must be {rule}."


def arg_help(inp, resolved: dict) -> str:
    """Function Wizard help of one model input: meaning, unit, default and valid range."""
    unit = "no unit" if inp.unit == "1" else inp.unit
    return _fit(f"{inp.label} [{unit}]. Default: {_default_text(inp, resolved)}.", _rule_text(inp),
                inp.label_zh)


def function_help(fn: WorksheetFunction) -> str:
    unit = "no unit" if fn.unit == "1" else fn.unit
    return _fit(fn.description, f"Result in {unit}.", f"{fn.model.title_zh}; report {fn.model.section}.")


# -- arguments ----------------------------------------------------------------------------------------

def _is_number_type(t: type) -> bool:
    return issubclass(t, (int, float, np.integer, np.floating)) and not issubclass(t, (bool, np.bool_))


def _cells(value):
    """An argument as the core takes it: None when omitted or blank, a scalar, or an array.

    Ranges come as nested lists (xlwings) or arrays. All-number ranges become float arrays with NaN for
    blanks — the core's fast path; anything else stays an object array for the core to validate.
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        arr = np.asarray(value) if isinstance(value, np.ndarray) else np.array(value, dtype=object)
        if arr.size == 0:
            return None
        if arr.size == 1:
            return _cells(arr.flat[0])
        if arr.dtype == object and all(t is type(None) or _is_number_type(t) for t in set(map(type, arr.flat))):
            arr = arr.astype(float)
        return arr
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _single(name: str, value):
    """A scalar argument (factor set, model): one cell or blank."""
    value = _cells(value)
    if isinstance(value, np.ndarray):
        raise InputError("", name, f"a range of {value.size} cells", "",
                         message=f"{name} must be a single cell, got a range of {value.size} cells")
    return value


_loaded_files: dict[tuple[str, float], FactorSet] = {}


def resolve_factor_set(value) -> FactorSet:
    """'report' (blank), 'current', a loaded set's name, or a .toml/.csv file (loaded once per version)."""
    value = _single("factor_set", value)
    if value is None:
        return get_factor_set("report")
    if not isinstance(value, str):
        return get_factor_set(str(value))  # the core's message names the valid choices
    if value.lower().endswith((".toml", ".csv")):
        path = Path(value).expanduser()
        key = (str(path.resolve()), path.stat().st_mtime if path.is_file() else 0.0)
        if key not in _loaded_files:
            _loaded_files[key] = load_factor_set(path)
        return _loaded_files[key]
    return get_factor_set(value)


# -- results ------------------------------------------------------------------------------------------

NOT_FINITE = "no finite result for these inputs"


def _sheet_values(result, cell_errors=()) -> list[list]:
    """A result as a 2D list of cell values, with error texts where they belong."""
    out = np.asarray(result, dtype=float)
    shape = out.shape
    bad = ~np.isfinite(out)
    if cell_errors or bad.any():
        out = out.astype(object)
        out[bad] = NOT_FINITE
        for mask, message in reversed(cell_errors):  # the first error found wins
            out[np.broadcast_to(mask, shape)] = message
    if out.ndim > 2:
        raise InputError("", "inputs", f"{out.ndim} dimensions", "",
                         message=f"inputs must fit a sheet: at most 2 dimensions, got {out.ndim}")
    with _gc_paused():
        return out.reshape(1, -1).tolist() if out.ndim < 2 else out.tolist()


@contextlib.contextmanager
def _gc_paused():
    # Building one list per row of a large spill triggers repeated cyclic-GC passes over every live object
    # (the argument lists included): pausing it makes a 100,000-row result ~3x faster to build.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _message(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return exc.short
    return str(exc)


def _excel_call(f: Callable) -> Callable:
    """Turn errors into one short cell text; a bug is logged and reported in one line, not a traceback."""
    def call(*args):
        try:
            return f(*args)
        except ICTCO2Error as exc:
            return [[_message(exc)]]
        except Exception as exc:  # noqa: BLE001 - the cell shows one line; the log keeps the traceback
            logger.exception("ictco2_xl worksheet function failed")
            return [[f"internal error in ictco2_xl ({type(exc).__name__}: {exc}); please report it"]]
    return call


def _same_value(arr: np.ndarray, bad) -> np.ndarray:
    """Mask of the elements equal to the value the core rejected."""
    if arr.dtype.kind == "f":
        return (arr == bad) | (np.isnan(arr) & np.isnan(bad)) if isinstance(bad, float) else np.zeros(arr.shape, bool)

    def same(v):
        if isinstance(bad, float) and _is_number_type(type(v)):
            return float(v) == bad
        return type(v) is type(bad) and v == bad
    return np.frompyfunc(same, 1, 1)(arr).astype(bool)


def _broadcast_message(model_id: str, given: dict) -> str:
    shapes = ", ".join(f"{k} ({' x '.join(map(str, np.shape(v)))})" for k, v in given.items() if np.ndim(v))
    return (f"ranges do not fit together: {shapes}; give ranges of one size, or a column and a row, "
            "or single cells")


def run_cells(fn: WorksheetFunction, given: dict, fs: FactorSet):
    """Run the model; a bad value in a range becomes an error text in the cells it concerns.

    Each rejected value is blanked (so the default stands in) and the run repeated: a value the core
    rejects once is rejected everywhere it occurs, so k distinct bad values cost k extra runs.
    """
    cell_errors = []
    while True:
        try:
            result = fn.model.run(given, fs, blank_as_default=True)[fn.output]
            return _sheet_values(result, cell_errors)
        except InputError as exc:
            if exc.name == "inputs":
                raise InputError(exc.model, "inputs", "", "", message=_broadcast_message(exc.model, given)) from None
            arr = given.get(exc.name)
            if not isinstance(arr, np.ndarray) or len(cell_errors) >= MAX_BAD_VALUES:
                raise
            mask = _same_value(arr, exc.value)
            if not mask.any():
                raise
            cell_errors.append((mask, InputError(exc.model, exc.name, exc.value, exc.rule).short))
            arr = arr.copy()
            arr[mask] = np.nan if arr.dtype.kind == "f" else None
            given = {**given, exc.name: arr}


# -- the functions ------------------------------------------------------------------------------------

def _signature(names, required=()) -> inspect.Signature:
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Signature([inspect.Parameter(n, kind) if n in required else inspect.Parameter(n, kind, default=None)
                              for n in names])


def _finish(call: Callable, name: str, doc: str, help_by_arg: dict, signature: inspect.Signature) -> Callable:
    bind = signature.bind

    def worksheet_function(*args, **kwargs):
        bound = bind(*args, **kwargs)
        return call(*(bound.arguments.get(n) for n in signature.parameters))

    worksheet_function.__name__ = worksheet_function.__qualname__ = name
    worksheet_function.__doc__ = doc
    worksheet_function.__signature__ = signature
    worksheet_function.__module__ = __name__
    worksheet_function.arg_help = dict(help_by_arg)
    return worksheet_function


def model_function(fn: WorksheetFunction, resolved: dict) -> Callable:
    """The worksheet function of one model output: its inputs in report order, then factor_set."""
    names = [a.name for a in fn.args]

    def call(*values):
        *inputs, factor_set = values
        fs = resolve_factor_set(factor_set)
        given = {}
        for name, value in zip(names, inputs):
            value = _cells(value)
            if value is not None:
                given[name] = value
        return run_cells(fn, given, fs)

    helps = {a.name: arg_help(a, resolved) for a in fn.args}
    helps["factor_set"] = FACTOR_SET_HELP
    out = _finish(_excel_call(call), fn.name, function_help(fn), helps, _signature([*names, "factor_set"]))
    out.worksheet_function = fn
    return out


def _factor_value(fs: FactorSet, scope: str | None):
    def value(key):
        if key is None or (isinstance(key, str) and not key.strip()):
            return "name is required: " + ", ".join(FACTOR_KEYS)
        if str(key).strip() not in FACTOR_KEYS:
            return f"name must be one of {', '.join(FACTOR_KEYS)}, got {key!r}"
        return fs.get(str(key).strip(), scope).value
    return value


def ictco2_factor(name, factor_set=None, model=None):
    fs = resolve_factor_set(factor_set)
    model = _single("model", model)
    scope = None
    if model is not None:
        try:
            scope = get_model(str(model)).id
        except KeyError:
            raise InputError("", "model", model, "must be a model id or worksheet function name") from None
    values = np.frompyfunc(_factor_value(fs, scope), 1, 1)(np.array(name, dtype=object))
    return np.atleast_2d(values).tolist()


MODEL_TABLE_HEADER = ["function", "model", "title", "report section", "unit"]


#: Problems of model files that could not be loaded for the worksheet functions (see excel/usermodels.py).
MODEL_FILE_PROBLEMS: list[str] = []


def ictco2_models():
    rows = [[fn.name, m.id, m.title, m.section, fn.unit] for m in all_models().values()
            for fn in m.worksheet_functions()]
    rows += [["(not loaded)", "", problem, "model file", ""] for problem in MODEL_FILE_PROBLEMS]
    return [MODEL_TABLE_HEADER, *rows]


def ictco2_version():
    return [[__version__]]


def ictco2_percentile(function_name, p, draws=None, seed=None, factor_set=None):
    from ..core.analysis.uncertainty import ictco2_percentile as percentile
    fs = resolve_factor_set(factor_set)
    q = _single("p", p) if np.ndim(p) == 0 or np.size(p) == 1 else np.array(p, dtype=object)
    if isinstance(q, np.ndarray):
        q = np.where(np.equal(q, None), np.nan, q).astype(float)
    value = percentile(_single("function_name", function_name), q, _single("draws", draws), _single("seed", seed), fs)
    return np.atleast_2d(value).tolist()


def helper_functions() -> list[Callable]:
    factor_sig = _signature(["name", "factor_set", "model"], required=("name",))
    return [
        _finish(_excel_call(ictco2_factor), "ICTCO2_FACTOR",
                "Value of an emission factor, e.g. grid_kg_per_kwh, in a factor set; with a model (id or function "
                "name), the value that model uses (the report uses different grid factors in different tables).",
                {"name": "Factor key: " + ", ".join(FACTOR_KEYS) + ". A range of keys spills their values.",
                 "factor_set": FACTOR_SET_HELP,
                 "model": "Optional model id or worksheet function name (e.g. LOGISTICS_REDUCTION) whose own "
                          "value of the factor to give."},
                factor_sig),
        _finish(_excel_call(ictco2_models), "ICTCO2_MODELS",
                "Table of every ictco2_xl worksheet function: function, model, title, report section and unit "
                "of the result (spills; header row first).", {}, _signature([])),
        _finish(_excel_call(ictco2_version), "ICTCO2_VERSION", "Version of the ictco2_xl package computing the "
                "results.", {}, _signature([])),
        _finish(_excel_call(ictco2_percentile), "ICTCO2_PERCENTILE",
                "Percentile of a function's result when its soft inputs vary over their documented ranges (Latin "
                "hypercube draws, reproducible with the seed), e.g. =ICTCO2_PERCENTILE(\"LOGISTICS_POTENTIAL\",0.95).",
                {"function_name": "Name of an ictco2_xl worksheet function, e.g. LOGISTICS_POTENTIAL (text).",
                 "p": "Percentile as a fraction from 0 to 1 (0.05, 0.5, 0.95); a range of p spills one result each.",
                 "draws": "Number of draws, default 10000 (whole number, 100 to 1000000).",
                 "seed": "Random seed, default 0 (whole number); the same seed gives the same result.",
                 "factor_set": FACTOR_SET_HELP},
                _signature(["function_name", "p", "draws", "seed", "factor_set"], required=("function_name", "p"))),
    ]


def build_functions() -> dict[str, Callable]:
    """Fresh worksheet callables by Excel name: every model output (the report's in report order, then the
    loaded user models'), then the helpers."""
    out = {}
    for model in all_models().values():
        resolved = model.run({}, "report").inputs
        for fn in model.worksheet_functions():
            out[fn.name] = model_function(fn, resolved)
    for helper in helper_functions():
        out[helper.__name__] = helper
    return out


__all__ = ["CATEGORY", "HELP_LIMIT", "FACTOR_SET_HELP", "build_functions", "resolve_factor_set", "run_cells",
           "arg_help", "function_help"]
