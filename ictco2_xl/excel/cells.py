"""Worksheet arguments converted in bulk: a range's values to one numpy array, without a Python call per cell.

A range arrives as nested sequences: lists from xlwings' conversion (xlwings Lite and Server, Python callers,
calculation engines), or tuples straight from COM in xlwings' classic add-in, where the worksheet functions
take the raw values (``arg(..., "raw")``) so that xlwings' per-cell conversion (about three quarters of a
1,000,000-row call) is skipped. :func:`from_com` applies that conversion's rules to the whole range at once:
an empty cell is blank, an error cell is its text (``#N/A``), a date is a ``datetime``.

Ranges of numbers and blanks become float arrays (NaN for a blank), the core's fast path; anything else an
object array for the core to check cell by cell, so every bad cell gets its own message.

Also here: arguments as the core takes them (:func:`cells`), the factor set argument, and a model run's
result as cell values with each bad cell's message where it belongs (:func:`run_cells`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from itertools import chain
from pathlib import Path

import numpy as np

from ..core import WorksheetFunction, get_factor_set, load_factor_set
from ..core.errors import InputError
from ..core.factors import FactorSet

# Excel's cell errors as COM delivers them (VT_ERROR codes; xlwings._xlwindows.cell_errors).
COM_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
              -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}
# numpy float64 scalars (a Python caller's list built from an array) are floats too: without them in these
# sets such a list took the object-array path, 2x slower, with the same result.
_FLOATS = {float, np.float64}
_FLOATS_AND_BLANKS = {float, np.float64, type(None)}
_NUMBERS_AND_BLANKS = {float, np.float64, int, type(None)}


def _is_range(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], (list, tuple))


def _rows(value) -> tuple[list | tuple, int, int] | None:
    """(rows, row count, row length) of a rectangular 2D sequence, else None."""
    width = len(value[0])
    if any(len(row) != width for row in value):
        return None
    return value, len(value), width


def to_array(value, com: bool = False):
    """A sequence argument as an array: float (NaN blanks) when every cell is a number or blank, else object.

    ``com``: the values are raw COM values (integers are error codes, dates are COM times)."""
    if not isinstance(value, (list, tuple)):
        return np.asarray(value)
    if not value:
        return np.empty((0,), float)
    if not _is_range(value):
        value = [value]  # one row
    shape = _rows(value)
    if shape is None:
        return _ragged(value)
    rows, n, width = shape
    types = set(map(type, chain.from_iterable(rows)))
    if types <= _FLOATS:
        return np.fromiter(chain.from_iterable(rows), float, n * width).reshape(n, width)
    if types <= (_FLOATS_AND_BLANKS if com else _NUMBERS_AND_BLANKS):
        return np.array(rows, dtype=float)  # None becomes NaN
    arr = np.empty((n, width), dtype=object)
    arr[...] = rows if isinstance(rows, list) else list(rows)
    if com:
        _clean_com(arr, types)
    return arr


def _ragged(value):
    # A ragged range cannot come from a sheet; treated as one cell per row item, padded with blanks.
    width = max(len(row) for row in value)
    arr = np.full((len(value), width), None, dtype=object)
    for i, row in enumerate(value):
        arr[i, :len(row)] = list(row)
    return arr


def _clean_com(arr: np.ndarray, types: set) -> None:
    """xlwings' classic cell rules, applied only to the cells they concern: error codes become their text,
    COM dates plain datetimes (as xlwings' ``datetime_builder`` makes them)."""
    flat = arr.reshape(-1)
    fix = [t for t in types if t is int or issubclass(t, dt.datetime)]
    if fix:
        kinds = np.frompyfunc(type, 1, 1)(flat)
        for t in fix:
            for i in np.flatnonzero(kinds == t):
                flat[i] = from_com(flat[i])


def from_com(value):
    """One raw COM argument (a cell value or a tuple of row tuples) as the worksheet functions take it."""
    if _is_range(value):
        return to_array(value, com=True)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in COM_ERRORS:
        return COM_ERRORS[value]
    if isinstance(value, dt.datetime):  # pywintypes.datetime (UTC-aware): naive, as xlwings makes it
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond)
    if value == "":
        return None
    return value


# -- arguments as the core takes them ------------------------------------------------------------------

def is_number_type(t: type) -> bool:
    return issubclass(t, (int, float, np.integer, np.floating)) and not issubclass(t, (bool, np.bool_))


def cells(value):
    """An argument as the core takes it: None when omitted or blank, a scalar, or an array.

    Ranges come as nested lists (xlwings), arrays, or nested tuples (COM, see :mod:`.cells`). All-number
    ranges become float arrays with NaN for blanks — the core's fast path; anything else stays an object
    array for the core to check cell by cell.
    """
    if isinstance(value, (list, tuple)):
        value = to_array(value)
    if isinstance(value, np.ndarray):
        arr = value
        if arr.size == 0:
            return None
        if arr.size == 1:
            return cells(arr.flat[0])
        if arr.dtype == object and all(t is type(None) or is_number_type(t) for t in set(map(type, arr.flat))):
            arr = arr.astype(float)
        return arr
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def single(name: str, value):
    """A scalar argument (factor set, model): one cell or blank."""
    value = cells(value)
    if isinstance(value, np.ndarray):
        raise InputError("", name, f"a range of {value.size} cells", "",
                         message=f"{name} must be a single cell, got a range of {value.size} cells")
    return value


_loaded_files: dict[tuple[str, float], FactorSet] = {}


def resolve_factor_set(value) -> FactorSet:
    """'report' (blank), 'current', a loaded set's name, or a .toml/.csv file (loaded once per version)."""
    value = single("factor_set", value)
    if value is None:
        return get_factor_set("report")
    if not isinstance(value, str):
        return get_factor_set(str(value))  # the core's message names the valid choices
    if any(ord(c) < 32 or ord(c) == 127 for c in value):  # a NUL would reach the file system as an error
        raise InputError("", "factor_set", value, "must be a factor set's name or the path of a .toml or .csv "
                         "factor file, without control characters")
    if value.lower().endswith((".toml", ".csv")):
        path = Path(value).expanduser()
        try:
            key = (str(path.resolve()), path.stat().st_mtime if path.is_file() else 0.0)
            if key not in _loaded_files:
                _loaded_files[key] = load_factor_set(path)
        except OSError as exc:
            raise InputError("", "factor_set", value, f"must be a readable .toml or .csv factor file "
                             f"({exc.strerror or type(exc).__name__})") from None
        return _loaded_files[key]
    return get_factor_set(value)


# -- results ------------------------------------------------------------------------------------------

NOT_FINITE = "no finite result for these inputs"


def sheet_values(result, cell_errors=()) -> list[list]:
    """A result as a 2D list of cell values, with error texts where they belong.

    ``cell_errors``: (mask, texts) pairs, broadcastable to the result; where several apply to a cell, the
    first pair's text wins."""
    out = np.asarray(result, dtype=float)
    shape = out.shape
    bad = ~np.isfinite(out)
    if cell_errors or bad.any():
        out = out.astype(object)
        out[bad] = NOT_FINITE
        for mask, texts in reversed(cell_errors):
            where = np.broadcast_to(mask, shape)
            out[where] = np.broadcast_to(texts, shape)[where]
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




def _broadcast_message(model_id: str, given: dict) -> str:
    shapes = ", ".join(f"{k} ({' x '.join(map(str, np.shape(v)))})" for k, v in given.items() if np.ndim(v))
    return (f"ranges do not fit together: {shapes}; give ranges of one size, or a column and a row, "
            "or single cells")


def run_cells(fn: WorksheetFunction, given: dict, fs: FactorSet):
    """Run the model once; every bad cell of a range shows its own message where it is, however many.

    The core checks every cell of a range at once (``collect=True``): a bad cell takes the default for the
    run and its message replaces its result. Where bad cells of several arguments meet (a column and a row
    give a table), the argument first in the model's input order names the problem. A bad single value
    (not a range) fails the whole call with one message."""
    try:
        result = fn.model.run(given, fs, blank_as_default=True, outputs=[fn.output], collect=True)
    except InputError as exc:
        if exc.name == "inputs":
            raise InputError(exc.model, "inputs", "", "", message=_broadcast_message(exc.model, given)) from None
        raise
    cell_errors = []
    for inp in fn.model.inputs:
        if inp.name in result.rejected:
            which, errors = result.rejected[inp.name]
            texts = np.array([e.short for e in errors] + [None], dtype=object)[which]  # -1: no error
            cell_errors.append((which >= 0, texts))
    values = np.asarray(result[fn.output], dtype=float)
    not_finite = ~np.isfinite(values)
    if not_finite.any():
        cell_errors.append((not_finite, _not_finite_texts(given, values.shape, not_finite)))
    return sheet_values(values, cell_errors)


def _not_finite_texts(given: dict, shape: tuple, bad: np.ndarray) -> np.ndarray:
    """For each cell without a finite result, the given values it came from (defaults are not listed)."""
    positions = np.flatnonzero(bad)
    columns = [(name, np.broadcast_to(np.asarray(value, dtype=float if np.ndim(value) == 0 else None),
                                      shape).reshape(-1)[positions]) for name, value in given.items()]
    texts = np.full(shape, None, dtype=object)
    seen: dict[tuple, str] = {}
    for k, pos in enumerate(positions):
        shown = tuple(f"{name} = {number_text(float(v))}" for name, column in columns
                      for v in (column[k],) if is_number_type(type(v)) and v == v)
        if shown not in seen:
            listed = ", ".join(shown[:4]) + (", ..." if len(shown) > 4 else "")
            seen[shown] = f"{NOT_FINITE} ({listed}: the result overflows or divides by zero)" if shown else NOT_FINITE
        texts.flat[pos] = seen[shown]
    return texts


def number_text(value: float) -> str:
    return f"{value:.6g}"
