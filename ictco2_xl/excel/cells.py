"""Worksheet arguments converted in bulk: a range's values to one numpy array, without a Python call per cell.

A range arrives as nested sequences: lists from xlwings' conversion (xlwings Lite and Server, Python callers,
calculation engines), or tuples straight from COM in xlwings' classic add-in, where the worksheet functions
take the raw values (``arg(..., "raw")``) so that xlwings' per-cell conversion (about three quarters of a
1,000,000-row call) is skipped. :func:`from_com` applies that conversion's rules to the whole range at once:
an empty cell is blank, an error cell is its text (``#N/A``), a date is a ``datetime``.

Ranges of numbers and blanks become float arrays (NaN for a blank), the core's fast path; anything else an
object array for the core to check cell by cell, so every bad cell gets its own message.
"""
from __future__ import annotations

import datetime as dt
from itertools import chain

import numpy as np

# Excel's cell errors as COM delivers them (VT_ERROR codes; xlwings._xlwindows.cell_errors).
COM_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
              -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!"}
_FLOATS = {float}
_FLOATS_AND_BLANKS = {float, type(None)}
_NUMBERS_AND_BLANKS = {float, int, type(None)}


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
