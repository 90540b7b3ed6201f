"""The ``python`` recalculation engine: the pure-Python ``formulas`` engine with every ictco2_xl worksheet
function registered, so templates and workbooks calling =LOGISTICS_REDUCTION(...) compute without Excel.

    from ictco2_xl.recalc.formulas_engine import calculate
    values = calculate("workbooks/udf_demo.xlsx")      # {"Demo!C5": 101804.85, ...}

The functions are those of ``ictco2_xl.excel.worksheet`` (the same callables xlwings serves to Excel).
Limits of the engine: a formula whose result spans several cells must be an array formula (``{=...}``
over the result range); an omitted argument (``=F(,2)``) reaches a function as 0, so ``calculate``
refuses workbooks that omit arguments of the registered functions — write ``""`` (or refer to a blank
cell) to mean "default", which works in Excel too.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Mapping

import formulas
import numpy as np
import schedula as sh
from formulas.functions import wrap_func
from formulas.tokens.operand import XlError
from openpyxl.utils import get_column_letter

from ..excel.usermodels import all_functions
from .errors import ERRORS, RecalcError

os.environ.setdefault("TQDM_DISABLE", "1")  # formulas reports progress with tqdm; keep CI logs clean

FAIL_ON = ("#NAME?", "#VALUE!")


class WorkbookErrors(RecalcError):
    """Cells the engine cannot calculate correctly; ``cells`` maps "Sheet!A1" to what is wrong."""

    def __init__(self, path, problem: str, cells: Mapping[str, str]):
        self.cells = dict(cells)
        shown = "; ".join(f"{k}: {v}" for k, v in list(self.cells.items())[:10])
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


def register_functions(functions: Mapping[str, Callable] | None = None) -> list[str]:
    """Register worksheet functions (default: every ictco2_xl one) in formulas' global function table."""
    functions = all_functions() if functions is None else functions
    table = formulas.get_functions()
    for name, function in functions.items():
        table[name.upper()] = as_formulas_function(function)
    return list(functions)


def _plain(value):
    if value is sh.EMPTY:
        return None
    if isinstance(value, XlError):
        return str(value)
    return value.item() if isinstance(value, np.generic) else value


def _cells(solution, sheet_names: Mapping[str, str]) -> dict[str, object]:
    out = {}
    for ranges in solution.values():
        info = ranges.ranges[0] if getattr(ranges, "ranges", None) else {}
        if "sheet" not in info:
            continue
        sheet = sheet_names.get(info["sheet"].upper(), info["sheet"])
        top, left = int(info["r1"]), int(info["n1"])
        for i, row in enumerate(np.atleast_2d(ranges.value)):
            for j, value in enumerate(row):
                out[f"{sheet}!{get_column_letter(left + j)}{top + i}"] = _plain(value)
    return out


def calculate(path, fail_on=FAIL_ON) -> dict[str, object]:
    """Calculate every formula of a workbook; return ``{"Sheet!A1": value}`` for all cells it holds.

    Values are floats, ints, texts, bools, None (blank) or error texts such as ``"#N/A"``. Raises
    :class:`WorkbookErrors` if any cell calculates to one of ``fail_on`` (by default #NAME?, an unknown
    function, and #VALUE!, a call that failed), so a broken workbook never passes silently.
    """
    from openpyxl import load_workbook

    path = Path(path)
    registered = register_functions()
    book = load_workbook(path)
    omitted = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)
                if cell.data_type == "f" and isinstance(text, str) and omitted_arguments(text, registered):
                    omitted[f"{ws.title}!{cell.coordinate}"] = (f"{text} leaves out an argument, which this engine "
                                                                'would read as 0; write "" for the default')
    if omitted:
        raise WorkbookErrors(path, "omit arguments", omitted)
    model = formulas.ExcelModel().loads(str(path)).finish()
    cells = _cells(model.calculate(), {n.upper(): n for n in book.sheetnames})
    bad = {k: v for k, v in cells.items() if v in fail_on}
    if bad:
        raise WorkbookErrors(path, "calculated to an error", bad)
    return cells


def _keyed(cells: dict[str, object]) -> dict[tuple[str, str], object]:
    return {tuple(k.rsplit("!", 1)): v for k, v in cells.items()}


class PythonWorkbook:
    """One workbook loaded into `formulas`; recalculate it any number of times with changed inputs."""

    def __init__(self, path):
        from openpyxl import load_workbook

        register_functions()
        self.path = Path(path)
        self._sheets = {n.upper(): n for n in load_workbook(self.path, read_only=True).sheetnames}
        try:
            self._model = formulas.ExcelModel().loads(str(self.path)).finish()
        except Exception as exc:  # formulas raises many types on unreadable files
            raise RecalcError(f"{self.path.name}: cannot load into the formulas engine: {exc}") from exc

    def calculate(self, overrides: dict[tuple[str, str], float] | None = None) -> dict[tuple[str, str], object]:
        """Values of every cell, keyed by (sheet, ref); ``overrides`` sets input cells first."""
        book = f"[{self.path.name}]"
        inputs = {f"'{book}{s.upper()}'!{r}": v for (s, r), v in (overrides or {}).items()}
        solution = self._model.calculate(inputs=inputs) if inputs else self._model.calculate()
        out = _keyed(_cells(solution, self._sheets))
        errors = {k: v for k, v in out.items() if v in ERRORS}
        if errors:
            listed = ", ".join(f"{s}!{r}={v}" for (s, r), v in sorted(errors.items())[:10])
            raise RecalcError(f"{self.path.name}: the formulas engine produced errors: {listed}")
        return out


def recalculate(paths) -> dict[Path, dict[tuple[str, str], object]]:
    """Every cell of every file, keyed by (sheet, ref); any Excel error cell raises :class:`RecalcError`."""
    return {Path(p): _keyed(calculate(p, fail_on=ERRORS)) for p in paths}


__all__ = ["FAIL_ON", "PythonWorkbook", "WorkbookErrors", "as_formulas_function", "calculate", "omitted_arguments",
           "recalculate", "register_functions"]
