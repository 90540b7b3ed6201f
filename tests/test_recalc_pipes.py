"""The python engine's plans (ictco2_xl/recalc/pipes.py) give exactly what schedula gives, and hand back to
schedula whenever they cannot: every value and type equal, errors included; a failing call, a plan that does not
reproduce the load, and the time limit. (Every template's plan against schedula: test_recalc.py.)"""
import contextlib
import threading
import time

import pytest

from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc import PythonWorkbook, RecalcError, pipes
from ictco2_xl.recalc import formulas_engine as fe
from ictco2_xl.recalc.limits import Limits
from ictco2_xl.workbook.layout import TemplateLayout
from recalc_cases import TEMPLATES, assert_matches, filled, random_sets


@contextlib.contextmanager
def schedula_only(book: PythonWorkbook):
    """The loaded workbook calculated by schedula alone: the cells' own pipes back, no workbook plan."""
    loaded = book._loaded
    plan, loaded.plan = loaded.plan, None
    swapped = pipes.restore_cells(loaded.model.dsp)
    try:
        yield
    finally:
        loaded.plan = plan
        for wrapper, fast in swapped:
            wrapper.func = fast


def identical(a: dict, b: dict) -> list:
    """Cells whose values differ or differ in type (NaN equals NaN)."""
    assert set(a) == set(b)
    return [k for k in a if not (type(a[k]) is type(b[k]) and (a[k] == b[k] or (a[k] != a[k] and b[k] != b[k])))]


def every_cell(book: PythonWorkbook, overrides: dict) -> dict:
    """Every cell, error cells too (``PythonWorkbook.calculate`` refuses those)."""
    loaded = book._loaded
    return loaded.calculate({loaded.node(k): v for k, v in overrides.items()}, threading.Event())


def compare_with_schedula(book: PythonWorkbook, overrides: dict) -> dict:
    replayed = book._loaded.replayed
    planned = every_cell(book, overrides)
    assert book._loaded.replayed == replayed + 1, "the plan was not used"
    with schedula_only(book):
        reference = every_cell(book, overrides)
    assert book._loaded.replayed == replayed + 1
    differ = identical(planned, reference)
    assert not differ, [(k, planned[k], reference[k]) for k in differ[:5]]
    return planned


@pytest.fixture(scope="module")
def telework():
    return PythonWorkbook(TEMPLATES / "telework.xlsx")


def test_every_cell_of_a_loaded_template_is_planned(telework):
    loaded = telework._loaded
    assert loaded.plan is not None
    cells = [a["function"] for a in loaded.model.dsp.function_nodes.values() if hasattr(a.get("function"), "func")]
    assert cells and all(isinstance(c.func, pipes.FastPipe) for c in cells)


def test_errors_and_texts_are_the_engines_own(telework):
    """Inputs that make cells errors (a zero divisor, a text, a negative where a root is taken) give the same
    error values and the same checks as schedula."""
    layout = TemplateLayout(MODELS["telework"])
    inputs = {n: c.ref for n, c in layout.inputs.items() if ("Inputs", c.ref) in telework.facts.constants}
    first, second = list(inputs)[:2]
    assert (first, second) == ("target_year", "work_km_cut")    # constants (year-series inputs hold formulas)
    results = [compare_with_schedula(telework, {("Inputs", inputs[n]): v for n, v in values.items()})
               for values in ({first: 0.0}, {first: "text"}, {second: -1.0}, {first: 0.0, second: "x"}, {first: True})]
    assert all(any(isinstance(v, str) and v.startswith("#") for v in r.values()) for r in results[:2])


def test_a_call_that_raises_hands_the_calculation_to_schedula(telework, monkeypatch):
    """A function that raises inside a plan: the result is schedula's (which handles the exception as the
    engine always did), not a half-finished plan."""
    layout = TemplateLayout(MODELS["telework"])
    ref = next(iter(layout.inputs.values())).ref
    expected = every_cell(telework, {("Inputs", ref): 2.0})
    calls = []
    real = pipes.Plan.run

    def failing_once(self, values, stop=None, given=None):
        if not calls:
            calls.append(1)
            raise ZeroDivisionError("a call failed")
        return real(self, values, stop, given)
    monkeypatch.setattr(pipes.Plan, "run", failing_once)
    replayed = telework._loaded.replayed
    got = every_cell(telework, {("Inputs", ref): 2.0})
    assert calls and telework._loaded.replayed == replayed      # schedula did this one
    assert not identical(got, expected)


def test_a_plan_that_does_not_reproduce_the_load_is_dropped(monkeypatch):
    monkeypatch.setattr(pipes, "_same", lambda a, b: False)
    book = PythonWorkbook(TEMPLATES / "fleet_management.xlsx")
    assert book._loaded.plan is None
    cells = [a["function"] for a in book._loaded.model.dsp.function_nodes.values()
             if hasattr(a.get("function"), "func")]
    assert cells and not any(isinstance(c.func, pipes.FastPipe) for c in cells)   # the cells' own pipes again
    layout = TemplateLayout(MODELS["fleet_management"])
    inputs = random_sets(MODELS["fleet_management"], 1, 5)[0]
    expected = layout.values(inputs)
    overrides = {("Inputs", layout.inputs[n].ref): v for n, v in inputs.items()}
    overrides.update({(c.sheet, c.ref): expected[(c.sheet, c.ref)] for c in layout.cells
                      if c.sheet == "Checks" and c.formula is None})
    assert_matches(layout, expected, book.calculate(overrides), "schedula alone")


def test_an_input_that_is_not_a_loaded_constant_goes_to_schedula(telework):
    replayed = telework._loaded.replayed
    overrides = {("Inputs", "Z99"): 5.0, ("Inputs", "C2"): 2025.0}   # Z99: an empty cell of the loaded workbook
    got = every_cell(telework, overrides)
    assert telework._loaded.replayed == replayed                  # schedula did it (and ignores Z99)
    with schedula_only(telework):
        assert not identical(got, every_cell(telework, overrides))


def test_the_time_limit_stops_a_plan(monkeypatch, tmp_path):
    """A plan is stopped by the per-workbook limit like schedula: by the alarm in the main thread, by the
    stop event between steps in another thread."""
    path = filled(tmp_path, "telework", 1)
    engine = fe.PythonEngine()
    engine.values(filled(tmp_path, "telework", 0))              # loaded (a load may take over 1 s here)
    engine.limits = Limits(seconds=1)
    slow = {"on": True}
    real = pipes.Plan.run

    def slow_run(self, values, stop=None, given=None):
        if slow["on"]:
            values = dict(values)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
                time.sleep(0.01)
            if stop is not None and stop.is_set():
                raise pipes.DispatcherAbort
        return real(self, values, stop, given)
    monkeypatch.setattr(pipes.Plan, "run", slow_run)
    started = time.monotonic()
    with pytest.raises(RecalcError, match="did not finish within 1 s"):
        engine.values(path)
    errors = []

    def in_thread():
        try:
            engine.values(path)
        except RecalcError as exc:
            errors.append(str(exc))
    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(60)
    assert "did not finish within 1 s" in errors[0]
    assert time.monotonic() - started < 30
    slow["on"] = False
    assert engine.values(path) and engine.replayed == 1 and engine.loads == 1   # the engine goes on, by its plan
