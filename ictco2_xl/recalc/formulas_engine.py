"""The ``python`` recalculation engine: the pure-Python ``formulas`` engine with every ictco2_xl worksheet
function registered, so templates and workbooks calling =LOGISTICS_REDUCTION(...) compute without Excel.

    from ictco2_xl.recalc.formulas_engine import calculate
    values = calculate("workbooks/udf_demo.xlsx")      # {"Demo!C5": 101804.85, ...}

Loading a workbook into `formulas` costs far more than calculating it, so ``PythonEngine`` keeps loaded
models by *signature* (sheets, defined names, tables and every formula with its cell: ``scan.WorkbookScan``):
a workbook whose signature matches one already loaded - every filled copy of a template - is calculated from
that model with its differing constants given as input overrides, which the engine treats exactly like the
file's own values. A changed formula, a constant that disappears or appears where the loaded workbook has an
empty cell, or an unusual sheet name, means a full load instead. Every workbook is read by ``scan`` first, so
external references, DDE and DTDs are refused before `formulas` (which would follow an external reference
and read the other file) sees the file; formula cells left without a value (a circular reference) are an error.

The functions are those of ``ictco2_xl.excel.worksheet`` (the same callables xlwings serves to Excel).
Limits of the engine: a formula whose result spans several cells must be an array formula (``{=...}``
over the result range); an omitted argument (``=F(,2)``) reaches a function as 0, so ``calculate``
refuses workbooks that omit arguments of the registered functions — write ``""`` (or refer to a blank
cell) to mean "default", which works in Excel too.
"""
from __future__ import annotations

import collections
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import formulas
import numpy as np
import schedula as sh
from formulas.functions import wrap_func
from formulas.tokens.operand import XlError
from schedula.utils.exc import DispatcherAbort

from ..excel.usermodels import all_functions
from .errors import ERRORS, RecalcError
from . import pipes
from .limits import DEFAULT_LIMITS, Limits, WorkbookRefused
from .scan import Key, WorkbookScan, column_letter, scan

os.environ.setdefault("TQDM_DISABLE", "1")  # formulas reports progress with tqdm; keep CI logs clean

FAIL_ON = ("#NAME?", "#VALUE!")


class WorkbookErrors(RecalcError):
    """Cells the engine cannot calculate correctly; ``cells`` maps "Sheet!A1" to what is wrong."""

    def __init__(self, path, problem: str, cells: Mapping[str, str]):
        self.cells = dict(cells)
        shown = "; ".join(f"{k}: {v}" if v else k for k, v in list(self.cells.items())[:10])
        more = f" and {len(self.cells) - 10} more" if len(self.cells) > 10 else ""
        super().__init__(f"{path}: {len(self.cells)} cell(s) {problem}: {shown}{more}")


def omitted_arguments(formula: str, names) -> list[str]:
    """Calls of the named functions in a formula that leave an argument out, e.g. ``F(,2)``."""
    from openpyxl.formula.tokenizer import Token, Tokenizer

    names = {n.upper() for n in names}
    found, stack, previous = [], [], None  # stack: function name (or None) per open bracket
    for tok in Tokenizer(formula).items:
        if tok.type == Token.WSPACE:
            continue
        if tok.subtype == Token.OPEN:
            stack.append(tok.value[:-1].upper() if tok.type == Token.FUNC else None)
        elif stack and stack[-1] in names and (
                (tok.type == Token.SEP and tok.subtype == Token.ARG and previous in (Token.OPEN, Token.ARG))
                or (tok.subtype == Token.CLOSE and previous == Token.ARG)):
            found.append(stack[-1])
        if tok.subtype == Token.CLOSE and stack:
            stack.pop()
        previous = tok.subtype if tok.subtype in (Token.OPEN, Token.ARG) and tok.type != Token.OPERAND else tok.type
    return found


def _argument(value):
    """A formulas argument as the worksheet functions take it: blanks become None; errors stay errors."""
    if isinstance(value, np.ndarray):
        return [[None if v is sh.EMPTY else v for v in row] for row in np.atleast_2d(value).tolist()]
    return None if value is sh.EMPTY else value


def _first_error(values):
    for v in values:
        for x in (np.ravel(np.asarray(v, dtype=object)) if isinstance(v, list) else (v,)):
            if isinstance(x, XlError):
                return x
    return None


def as_formulas_function(function: Callable) -> Callable:
    """Wrap one worksheet function for ``formulas``: errors in arguments propagate like Excel's."""
    def call(*args):
        values = [_argument(a) for a in args]
        error = _first_error(values)
        if error is not None:
            return np.asarray([[error]], dtype=object)
        return np.asarray(function(*values), dtype=object)
    call.__name__ = function.__name__
    return wrap_func(call)


_REGISTERED: list[str] = []
_REGISTERED_KEY: list = [None]


def register_functions(functions: Mapping[str, Callable] | None = None) -> list[str]:
    """Register worksheet functions (default: every ictco2_xl one) in formulas' global function table."""
    functions = all_functions() if functions is None else functions
    table = formulas.get_functions()
    for name, function in functions.items():
        table[name.upper()] = as_formulas_function(function)
    return list(functions)


def _functions_key() -> tuple:
    from ..core.models import all_models
    return tuple((mid, id(model)) for mid, model in all_models().items())


def _register_once() -> list[str]:
    """Register every worksheet function, again whenever a user model is loaded, reloaded or dropped."""
    key = _functions_key()
    if _REGISTERED_KEY[0] != key:
        _REGISTERED[:] = register_functions()
        _REGISTERED_KEY[0] = key
    return _REGISTERED


def _plain(value):
    if value is sh.EMPTY:
        return None
    if isinstance(value, XlError):
        return str(value)
    return value.item() if isinstance(value, np.generic) else value


def _cells(solution, sheet_names: Mapping[str, str], known: dict | None = None) -> dict[Key, object]:
    """Every cell of a solution's ranges: {(sheet, ref): value}. ``known`` (node -> (shape, keys)) keeps each
    node's cell keys between calculations of one loaded workbook (its copies give the same nodes, with values
    of the same shapes): spelling the keys out was most of this function's time."""
    out = {}
    known = {} if known is None else known
    for node, ranges in solution.items():
        info = ranges.ranges[0] if getattr(ranges, "ranges", None) else {}
        if "sheet" not in info:
            continue
        value = np.atleast_2d(ranges.value)
        shape, keys = known.get(node, (None, None))
        if shape != value.shape:
            sheet = sheet_names.get(info["sheet"].upper(), info["sheet"])
            top, left = int(info["r1"]), int(info["n1"])
            keys = [(sheet, f"{column_letter(left + j)}{top + i}")
                    for i in range(value.shape[0]) for j in range(value.shape[1])]
            known[node] = value.shape, keys
        for key, v in zip(keys, value.ravel().tolist()):
            out[key] = _plain(v)
    return out


def _flat(values: Mapping[Key, object]) -> dict[str, object]:
    return {f"{s}!{r}": v for (s, r), v in values.items()}


class _Loaded:
    """One workbook loaded into `formulas`. A workbook of the same signature is calculated with the constants
    that differ from the loaded ones as inputs. (``ExcelModel.compile``, which recomputes only the cells
    depending on given inputs, measured no faster: nearly every formula of a template depends on them.)

    The loaded workbook is calculated once by schedula at load; that solution is its result, and the
    :mod:`.pipes` plans (the same calls in schedula's order, without its bookkeeping: 2.1-2.5x faster per
    filled copy) are kept only if they reproduce it exactly. Other workbooks of the signature are then
    calculated by the plans, falling back to schedula whenever a plan cannot do a calculation."""

    def __init__(self, path: Path, facts: WorkbookScan, stop: threading.Event | None = None):
        self.name = path.name
        try:
            self.model = formulas.ExcelModel().loads(str(path)).finish()
        except Exception as exc:  # formulas raises many types on files it cannot read
            raise RecalcError(f"{path}: cannot load into the formulas engine: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
        self.sheets = {n.upper(): n for n in facts.sheets}
        self.constants = facts.constants
        self.nodes = self.model.dsp.nodes
        solution = self.model.calculate(stopper=stop)
        self.keys = {}                                     # node -> (shape, cell keys), see _cells
        self.own_values = _cells(solution, self.sheets, self.keys)
        self.plan, self.replayed = None, 0
        try:
            pipes.speed_up_cells(self.model.dsp)
            self.plan = pipes.workbook_plan(self.model.dsp, solution, stop)
        except DispatcherAbort:
            raise                  # the time limit
        except Exception:  # noqa: BLE001 - schedula's internals changed shape: no plan, schedula does it all
            self.plan = None
        if self.plan is None:      # not exactly schedula's result: schedula it is, cells included
            pipes.restore_cells(self.model.dsp)

    def node(self, key: Key) -> str:
        return f"'[{self.name}]{key[0].upper()}'!{key[1]}"

    def differing(self, facts: WorkbookScan) -> dict[str, object] | None:
        """Inputs (node -> value) that turn the loaded workbook into ``facts``' one: every constant that differs;
        None if a full load is needed."""
        base, out = self.constants, {}
        if len(facts.constants) < len(base) or any(key not in facts.constants for key in base):
            return None                       # a constant became empty
        for key, value in facts.constants.items():
            old = base.get(key, _MISSING)
            if old == value and type(old) is type(value):
                continue
            node = self.node(key)
            if node not in self.nodes or (isinstance(value, str) and value in ERRORS):
                return None                   # an empty cell got a value, or an error constant (not a text)
            out[node] = value
        return out

    def calculate(self, inputs: Mapping[str, object], stop: threading.Event) -> dict[Key, object]:
        """All cells, with ``inputs`` (node -> value) in place of the loaded constants."""
        if not inputs:
            return dict(self.own_values)
        inputs = {k: _as_loaded(v) for k, v in inputs.items()}
        solution = self.plan.calculate(inputs, stop) if self.plan is not None else None
        if solution is None:
            solution = self.model.calculate(inputs=inputs, stopper=stop)
        else:
            self.replayed += 1
        return _cells(solution, self.sheets, self.keys)


def _as_loaded(value):
    """A constant as `formulas` reads it from a file (it rounds floats to 15 decimals when loading)."""
    return round(value, 15) if isinstance(value, float) else value


class _TimeUp(BaseException):
    """Raised by the alarm inside `formulas`; a BaseException so that no ``except Exception`` there swallows it."""


def _alarm_usable() -> bool:
    """SIGALRM can interrupt this thread, and no one else's interval timer is running."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


@contextlib.contextmanager
def _deadline(seconds: float, path: Path):
    """The time limit of one workbook, loading and calculation together. In the main thread (the command line,
    batch workers) an alarm interrupts `formulas` wherever it is, even inside one long load or one slow formula;
    elsewhere the yielded stopper event is set after ``seconds`` and schedula aborts the calculation at its next
    step (a load then runs to its end)."""
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.daemon = True
    timer.start()
    alarm = _alarm_usable()
    armed = [alarm]
    if alarm:
        def on_alarm(signum, frame):
            stop.set()
            if armed[0]:      # not once the limit's own cleanup has begun
                raise _TimeUp
        previous, hook = signal.signal(signal.SIGALRM, on_alarm), sys.unraisablehook
        # Raised inside a finalizer, the exception is ignored: the alarm repeats until it lands, and the ignored
        # ones are not printed.
        sys.unraisablehook = lambda u: None if isinstance(u.exc_value, _TimeUp) else hook(u)
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield stop
    except (DispatcherAbort, _TimeUp):
        raise RecalcError(f"{path}: the python engine did not finish within {seconds:g} s (the limit per "
                          "workbook, loading and calculation); try --engine libreoffice") from None
    finally:
        armed[0] = False
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
            sys.unraisablehook = hook
        timer.cancel()


_MISSING = object()


class PythonEngine:
    """Recalculate many workbooks; those sharing a signature load once (see the module's docstring).

    ``keep``: how many loaded models to keep (least recently used go first). ``loads`` and ``reuses`` count
    full loads and override runs, ``replayed`` the override runs done by a plan (:mod:`.pipes`) rather than
    by schedula (the tests and the benchmark read them)."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS, keep: int = 16):
        _register_once()
        self.limits, self.keep = limits, keep
        self._functions = _REGISTERED_KEY[0]
        self._models: collections.OrderedDict[str, _Loaded] = collections.OrderedDict()
        self.loads = self.reuses = self.replayed = 0

    def values(self, path, facts: WorkbookScan | None = None, fail_on=ERRORS) -> dict[Key, object]:
        """Every cell's value, keyed by (sheet, ref). Raises ``WorkbookRefused`` (unsafe or too large),
        ``WorkbookErrors`` (cells calculate to an error in ``fail_on``, omitted arguments, a circular
        reference) or ``RecalcError``."""
        path = Path(path)
        facts = facts if facts is not None else scan(path, self.limits)
        _register_once()
        if self._functions != _REGISTERED_KEY[0]:    # loaded models hold the functions they were loaded with
            self._models.clear()
            self._functions = _REGISTERED_KEY[0]
        if len(facts.formulas) > self.limits.python_formulas:
            raise WorkbookRefused(f"{path}: {len(facts.formulas):,} formula cells, above the python engine's limit "
                                  f"of {self.limits.python_formulas:,} per workbook; use --engine libreoffice")
        signature = facts.signature
        loaded = self._models.get(signature)
        inputs = loaded.differing(facts) if loaded is not None else None
        if inputs is None:
            _refuse_omitted(path, facts)
        with _deadline(self.limits.seconds, path) as stop:
            if inputs is None:
                loaded, inputs = _Loaded(path, facts, stop), {}
                self.loads += 1
                if signature not in self._models:
                    self._models[signature] = loaded
                    while len(self._models) > self.keep:
                        self._models.popitem(last=False)
            else:
                self._models.move_to_end(signature)
                self.reuses += 1
            before = loaded.replayed
            values = loaded.calculate(inputs, stop)
            self.replayed += loaded.replayed - before
        _refuse_uncalculated(path, facts, values, fail_on)
        return values

    def recalculate_each(self, paths: Iterable, progress: Callable[[int], None] | None = None
                         ) -> Iterator[tuple[Path, dict | RecalcError]]:
        """(path, values) per workbook, or (path, error) for one that fails; ``progress(1)`` after each."""
        for p in paths:
            try:
                yield Path(p), self.values(p)
            except RecalcError as exc:
                yield Path(p), exc
            if progress is not None:
                progress(1)


_SHARED: dict[Limits, PythonEngine] = {}


def shared_engine(limits: Limits = DEFAULT_LIMITS) -> PythonEngine:
    """One engine per process (and limits): templates loaded while checking one batch stay loaded for the next
    (``check``, ``recalculate`` and ``batch --verify`` use it). Safe, since every workbook's constants are compared
    with the loaded ones; at most eight models are kept."""
    if limits not in _SHARED:
        _SHARED[limits] = PythonEngine(limits, keep=8)
    return _SHARED[limits]


def _refuse_omitted(path: Path, facts: WorkbookScan) -> None:
    registered = _register_once()
    omitted = {f"{s}!{r}": (f"={text} leaves out an argument, which this engine would read as 0; "
                            'write "" for the default')
               for (s, r), (_attrs, text) in facts.formulas.items()
               if text and omitted_arguments("=" + text, registered)}
    if omitted:
        raise WorkbookErrors(path, "omit arguments", omitted)


def _refuse_uncalculated(path: Path, facts: WorkbookScan, values: Mapping[Key, object], fail_on) -> None:
    missing = [f"{s}!{r}" for (s, r) in facts.formulas if (s, r) not in values]
    if missing:
        raise WorkbookErrors(path, "not calculated: a circular reference (cells that refer to themselves, "
                             "directly or through other cells, and cells that depend on them)",
                             dict.fromkeys(missing, ""))
    bad = {f"{s}!{r}": v for (s, r), v in values.items() if isinstance(v, str) and v in fail_on}
    if bad:
        raise WorkbookErrors(path, "calculated to an error", bad)


def calculate(path, fail_on=FAIL_ON) -> dict[str, object]:
    """Calculate every formula of a workbook; return ``{"Sheet!A1": value}`` for all cells it holds.

    Values are floats, ints, texts, bools, None (blank) or error texts such as ``"#N/A"``. Raises
    :class:`WorkbookErrors` if any cell calculates to one of ``fail_on`` (by default #NAME?, an unknown
    function, and #VALUE!, a call that failed), so a broken workbook never passes silently.
    """
    return _flat(PythonEngine().values(path, fail_on=fail_on))


class PythonWorkbook:
    """One workbook loaded into `formulas`; recalculate it any number of times with changed inputs."""

    def __init__(self, path, limits: Limits = DEFAULT_LIMITS):
        _register_once()
        self.path, self.limits = Path(path), limits
        self.facts = scan(self.path, limits)
        _refuse_omitted(self.path, self.facts)
        with _deadline(limits.seconds, self.path) as stop:
            self._loaded = _Loaded(self.path, self.facts, stop)

    def calculate(self, overrides: dict[Key, float] | None = None) -> dict[Key, object]:
        """Values of every cell, keyed by (sheet, ref); ``overrides`` sets input cells first."""
        loaded = self._loaded
        with _deadline(self.limits.seconds, self.path) as stop:
            values = loaded.calculate({loaded.node(k): v for k, v in (overrides or {}).items()}, stop)
        _refuse_uncalculated(self.path, self.facts, values, ERRORS)
        return values


def recalculate(paths, progress: Callable[[int], None] | None = None, limits: Limits = DEFAULT_LIMITS
                ) -> dict[Path, dict[Key, object]]:
    """Every cell of every file, keyed by (sheet, ref); any Excel error cell raises :class:`RecalcError`."""
    out = {}
    for path, result in shared_engine(limits).recalculate_each(paths, progress):
        if isinstance(result, Exception):
            raise result
        out[path] = result
    return out


__all__ = ["FAIL_ON", "PythonEngine", "PythonWorkbook", "WorkbookErrors", "as_formulas_function", "calculate",
           "omitted_arguments", "recalculate", "register_functions", "shared_engine"]
