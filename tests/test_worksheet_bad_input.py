"""Hostile input for every worksheet function (hypothesis): empty, text, negative, NaN/inf, huge,
out-of-range, wrong-year and wrong-type values, alone and mixed into ranges with good values.

Properties: a bad value gives one line naming the argument, the value and the rule (no traceback, no
internal error); in a range every cell shows what it would show alone, so one bad cell never changes
another; the classic add-in's bulk conversion of raw COM values gives exactly what xlwings' per-cell
conversion gives."""
import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlwings_classic import ComRange, classic_xlwings

from ictco2_xl.core import MODELS
from ictco2_xl.excel.cells import COM_ERRORS, from_com, to_array
from ictco2_xl.excel.worksheet import NOT_FINITE, build_functions

FUNCTIONS = build_functions()
MODEL_FUNCTIONS = {name: f for name, f in FUNCTIONS.items() if hasattr(f, "worksheet_function")}
WITH_ARGUMENTS = sorted(name for name, f in MODEL_FUNCTIONS.items() if f.worksheet_function.args)
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class ComTime(dt.datetime):
    """Stands in for pywintypes.datetime: a datetime subclass, aware of UTC."""


HOSTILE = [None, "", "   ", "abc", "7", "1e3", "#N/A", "=1+1", True, False, -1.0, -1e9, -5e-324, 0.0, -0.0,
           float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 1e300, 5e-324, 1900.0, 2050.0, 2020.5,
           dt.datetime(2020, 1, 1), b"x", 3 + 4j]


def hostile_for(inp):
    """The hostile values, and values just outside this input's range."""
    b = inp.bounds
    near = [v for v in (None if b.lo is None else b.lo - 1, None if b.hi is None else b.hi + 1,
                        None if b.lo is None else b.lo, None if b.hi is None else b.hi) if v is not None]
    return st.sampled_from(HOSTILE + near)


def good_for(inp):
    b = inp.bounds
    if inp.integer:
        return st.integers(int(b.lo), int(b.hi)).map(float)
    lo = 0.0 if b.lo is None else b.lo
    hi = lo + 1e6 if b.hi is None else b.hi
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).filter(
        lambda v: not b.bad(np.array([v])).any())


def alone(f, position: int, value):
    """The function with one argument set, the others omitted: its single cell."""
    args = [None] * (len(f.__signature__.parameters))
    args[position] = value
    out = f(*args)
    assert isinstance(out, list) and len(out) == 1 and len(out[0]) == 1, out
    return out[0][0]


def same_cell(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a == pytest.approx(b, rel=1e-12, abs=0)


def assert_one_line_naming(text: str, argument: str):
    assert "\n" not in text and "Traceback" not in text and "internal error" not in text, text
    if text.startswith(NOT_FINITE):
        assert text == NOT_FINITE or f"{argument} = " in text, text
    else:
        assert re.match(rf"^{argument} (must|is) .+, got .+$", text), text


@pytest.mark.parametrize("name", WITH_ARGUMENTS)
def test_bad_values_alone_and_in_ranges(name):
    """Alone, a bad value is one line naming argument, value and rule; in a range of good and bad values,
    every cell shows what it shows alone."""
    f = MODEL_FUNCTIONS[name]
    args = f.worksheet_function.args

    @SETTINGS
    @given(st.data())
    def check(data):
        position = data.draw(st.integers(0, len(args) - 1))
        inp = args[position]
        column = data.draw(st.lists(st.one_of(hostile_for(inp), good_for(inp)), min_size=1, max_size=12))
        singles = [alone(f, position, value) for value in column]
        for cell in singles:
            if isinstance(cell, str):
                assert_one_line_naming(cell, inp.name)
            else:  # accepted: a blank (the default) or a valid number
                assert np.isfinite(cell)
        out = f(*[[[v] for v in column] if k == position else None for k in range(len(args) + 1)])
        assert len(out) == len(column) and all(len(row) == 1 for row in out)
        for (cell,), single, value in zip(out, singles, column):
            assert same_cell(cell, single), (value, cell, single)
    check()


@pytest.mark.parametrize("name", ["LOGISTICS_POTENTIAL", "TELEWORK_POTENTIAL", "MMS_CARD_REDUCTION"])
def test_a_column_and_a_row_of_mixed_cells_give_a_table_of_single_results(name):
    f = MODEL_FUNCTIONS[name]
    a, b = f.worksheet_function.args[:2]

    @SETTINGS
    @given(st.lists(st.one_of(hostile_for(a), good_for(a)), min_size=1, max_size=5),
           st.lists(st.one_of(hostile_for(b), good_for(b)), min_size=2, max_size=4))
    def check(col, row):
        out = f([[v] for v in col], [row])
        for i, x in enumerate(col):
            for j, y in enumerate(row):
                single = f(x, y)[0][0]
                assert same_cell(out[i][j], single), (x, y, out[i][j], single)
    check()


def test_factor_set_bad_values_are_one_line():
    f = MODEL_FUNCTIONS["LOGISTICS_REDUCTION"]
    n = len(f.__signature__.parameters) - 1
    for value in ("nope", "a\x00b.csv", "a\x00b", "x\ty", "missing.toml", "/no/such/dir/f.csv", "x" * 300 + ".csv",
                  7, True, [["report"], ["current"]]):
        (text,), = f(*[None] * n, value)
        assert isinstance(text, str) and "\n" not in text and "internal error" not in text, text
        assert "factor_set" in text or "factor set file" in text, text


# -- ICTCO2_PERCENTILE ---------------------------------------------------------------------------------------
PERCENTILE = FUNCTIONS["ICTCO2_PERCENTILE"]


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(HOSTILE), st.floats(0, 1)), min_size=2, max_size=8))
def test_percentile_p_range_every_cell_shows_what_it_shows_alone(ps):
    out = PERCENTILE("LOGISTICS_POTENTIAL", [[p] for p in ps], 500, 1)
    for (cell,), p in zip(out, ps):
        single = PERCENTILE("LOGISTICS_POTENTIAL", p, 500, 1)[0][0]
        assert same_cell(cell, single), (p, cell, single)
        if isinstance(cell, str):
            assert_one_line_naming(cell, "p")
            assert "nan" not in cell or p != p and not isinstance(p, type(None))


def test_percentile_blank_text_and_bad_cells_in_a_p_range():
    out = PERCENTILE("LOGISTICS_POTENTIAL", [[0.05], [None], ["x"], [1.5], [0.95], [""], [True]], 500, 1)
    assert [type(c) for (c,) in out] == [float, str, str, str, float, str, str]
    assert out[1][0] == out[5][0] == "p must be a number between 0 and 1, got a blank cell"
    assert out[2][0] == "p must be a number between 0 and 1, got 'x'"
    assert out[3][0] == "p must be a number between 0 and 1, got 1.5"
    assert out[6][0] == "p must be a number between 0 and 1, got True"
    assert PERCENTILE("LOGISTICS_POTENTIAL", None) == [["p must be a number between 0 and 1, got a blank cell"]]


@pytest.mark.parametrize("draws, seed, message", [
    ("5000", None, "draws must be a whole number between 100 and 1,000,000, got '5000'"),
    (None, "7", "seed must be a whole number of at least 0, got '7'"),
    (True, None, "draws must be a whole number between 100 and 1,000,000, got True"),
    (50.0, None, "draws must be a whole number between 100 and 1,000,000, got 50"),
    (None, -1.0, "seed must be a whole number of at least 0, got -1"),
])
def test_percentile_draws_and_seed_given_as_text_are_refused(draws, seed, message):
    assert PERCENTILE("LOGISTICS_POTENTIAL", [[0.5], [0.9]], draws, seed) == [[message]]


# -- the classic add-in: raw COM values converted in bulk = xlwings' per-cell conversion ---------------------
@pytest.fixture(scope="module")
def classic():
    with classic_xlwings() as c:
        yield c


COM_VALUES = st.one_of(
    st.none(), st.sampled_from(["", " ", "abc", "7", "#N/A"]), st.booleans(),
    st.sampled_from(sorted(COM_ERRORS)), st.integers(-5, 5000),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 1), st.floats(2008, 2030).map(round).map(float),
    st.builds(lambda d: ComTime(d.year, d.month, d.day, tzinfo=dt.timezone.utc),
              st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1))))


@pytest.mark.parametrize("name", ["LOGISTICS_REDUCTION", "LOGISTICS_POTENTIAL", "MMS_CARD_REDUCTION", "ICTCO2_FACTOR"])
def test_bulk_conversion_of_raw_com_values_equals_xlwings_per_cell_conversion(classic, name):
    @SETTINGS
    @given(st.integers(1, 6), st.integers(1, 3), st.data())
    def check(rows, cols, data):
        cells = [[data.draw(COM_VALUES) for _ in range(cols)] for _ in range(rows)]
        arg = ComRange(cells) if rows * cols > 1 or data.draw(st.booleans()) else cells[0][0]
        if name == "ICTCO2_FACTOR":
            bulk, per_cell = classic.call(name, arg), classic.call_per_cell(name, arg)
        else:
            bulk, per_cell = classic.call(name, arg, 0.1), classic.call_per_cell(name, arg, 0.1)
        assert _same(bulk, per_cell), (cells, bulk, per_cell)
    check()


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    return a == b


def test_bulk_conversion_rules():
    numbers = tuple((float(v),) for v in np.linspace(1000, 9000, 50_000))
    arr = from_com(numbers)
    assert arr.dtype == np.float64 and arr.shape == (50_000, 1) and arr[-1, 0] == 9000.0
    blanks = from_com(((1.0, None), (None, 2.0)))
    assert blanks.dtype == np.float64 and np.isnan(blanks[0, 1]) and blanks[1, 1] == 2.0
    mixed = from_com(((1.0, -2146826246), ("", ComTime(2020, 1, 2, tzinfo=dt.timezone.utc)), (True, 5)))
    assert mixed.dtype == object
    assert mixed.tolist() == [[1.0, "#N/A"], ["", dt.datetime(2020, 1, 2)], [True, 5]]
    assert type(mixed[1, 1]) is dt.datetime and mixed[1, 1].tzinfo is None
    assert from_com(-2146826281) == "#DIV/0!" and from_com("") is None and from_com(True) is True
    assert to_array([[1, 2.5, None]]).dtype == np.float64  # Python ints are numbers outside COM
    assert to_array([1.0, 2.0]).shape == (1, 2)  # a flat list is one row
    scalars = to_array([[v] for v in np.array([1.5, 2.5])])  # numpy scalars: the float path, not objects
    assert scalars.dtype == np.float64 and scalars.tolist() == [[1.5], [2.5]]
    assert to_array([[np.float64(1.0), None]]).dtype == np.float64


def test_models_have_worksheet_functions_under_test():
    assert {fn.name for m in MODELS.values() for fn in m.worksheet_functions()} == set(MODEL_FUNCTIONS)
