"""Equations written once as small Python-syntax expressions.

One parsed expression renders three ways: numpy evaluation (the Python models), an Excel formula
(the templates), and readable text (the model reference). Only a whitelisted subset of Python syntax is
accepted, so evaluation with ``eval`` is safe and the Excel rendering is exact.
"""
from __future__ import annotations

import ast
import functools
import math
import warnings
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .errors import DefinitionError

# Precedence levels used for parenthesising (higher binds tighter).
_ADD, _MUL, _UNARY, _POW, _ATOM = 1, 2, 3, 4, 5
_BINOPS = {ast.Add: ("+", _ADD), ast.Sub: ("-", _ADD), ast.Mult: ("*", _MUL),
           ast.Div: ("/", _MUL), ast.Pow: ("^", _POW)}


@dataclass(frozen=True)
class Function:
    """A function usable inside equations, with its numpy and Excel meaning."""

    name: str
    arity: int
    numpy: Callable
    excel: Callable[[list[str]], str]
    takes_series: bool = False  # first argument names a DataSeries (a table in the workbook)
    text: str = ""


@functools.lru_cache(maxsize=256)
def _fit_loglinear(series):
    # Cached: a run evaluated in blocks of rows fits each (immutable) data table once, not once per block.
    b, a = np.polyfit(np.asarray(series.x, float), np.log(np.asarray(series.y, float)), 1)
    return a, b


def _growth(series, x):
    a, b = _fit_loglinear(series)
    return np.exp(a + b * np.asarray(x, float))


def _logest_r2(series):
    x = np.asarray(series.x, float)
    ly = np.log(np.asarray(series.y, float))
    a, b = _fit_loglinear(series)
    resid = ly - (a + b * x)
    return 1.0 - float(resid @ resid) / float(((ly - ly.mean()) ** 2).sum())


@functools.lru_cache(maxsize=256)
def _fit_linear(series):
    b, a = np.polyfit(np.asarray(series.x, float), np.asarray(series.y, float), 1)
    return a, b


def _linear_trend(series, x):
    a, b = _fit_linear(series)
    return a + b * np.asarray(x, float)


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("exp", 1, np.exp, lambda a: f"EXP({a[0]})", text="exp"),
    Function("ln", 1, np.log, lambda a: f"LN({a[0]})", text="ln"),
    Function("min", 2, np.minimum, lambda a: f"MIN({a[0]},{a[1]})", text="min"),
    Function("max", 2, np.maximum, lambda a: f"MAX({a[0]},{a[1]})", text="max"),
    # Exponential least-squares trend of a data table (Excel GROWTH, i.e. LOGEST fitted values).
    Function("growth", 2, _growth, lambda a: f"GROWTH({a[0]}_y,{a[0]}_x,{a[1]})",
             takes_series=True, text="growth"),
    # R² of that exponential fit in log space (what Excel's LOGEST stats and chart trendlines report).
    Function("logest_r2", 1, _logest_r2, lambda a: f"INDEX(LOGEST({a[0]}_y,{a[0]}_x,TRUE,TRUE),3,1)",
             takes_series=True, text="R²_exp"),
    # Linear least-squares trend of a data table (Excel FORECAST).
    Function("linear_trend", 2, _linear_trend, lambda a: f"FORECAST({a[1]},{a[0]}_y,{a[0]}_x)",
             takes_series=True, text="linear_trend"),
)}


# Last operations that can write into a given array. ``**`` is left out: numpy computes ``x ** 2`` and
# ``x ** 0.5`` as square and sqrt, which ``np.power(..., out=)`` would not reproduce bit for bit.
_INTO = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide, ast.USub: np.negative}


def format_number(value: float) -> str:
    """Shortest exact text for a constant, valid in Python and in Excel formulas."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value)).upper()


#: Limits of one equation (the report's longest is 132 characters, 7 levels deep).
MAX_LENGTH, MAX_DEPTH, MAX_NODES = 2000, 50, 1000

_WHAT = {ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
         ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
         ast.GeneratorExp: "a comprehension", ast.Compare: "a comparison", ast.BoolOp: "a logical operator",
         ast.IfExp: "a conditional", ast.NamedExpr: "an assignment", ast.Starred: "unpacking",
         ast.JoinedStr: "a string", ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dictionary",
         ast.Set: "a set", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield"}


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(node) -> str:
    """What a refused piece of syntax is, in words, with its text: ``attribute access 'os.system'``."""
    if isinstance(node, ast.Constant):
        what = "a string" if isinstance(node.value, (str, bytes)) else f"the constant {node.value!r}"
    elif isinstance(node, ast.BinOp):
        what = f"the operator {type(node.op).__name__}"
    elif isinstance(node, ast.UnaryOp):
        what = f"the operator {type(node.op).__name__}"
    elif isinstance(node, ast.Call):
        what = "keyword arguments" if node.keywords else "a call of something that is not a function name"
    else:
        what = _WHAT.get(type(node), type(node).__name__)
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - only for the message
        text = ""
    return f"{what} {_clip(text, 40)!r}" if text else what


def _shape(tree, source: str) -> None:
    """Refuse trees too deep or too large, iteratively (the checks below recurse)."""
    todo, count = [(tree, 1)], 0
    while todo:
        node, depth = todo.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise DefinitionError(f"equation {_clip(source)!r} is nested more than {MAX_DEPTH} levels deep")
        if count > MAX_NODES:
            raise DefinitionError(f"equation {_clip(source)!r} has more than {MAX_NODES} terms")
        todo.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class Expression:
    """A parsed, validated equation such as ``tonnage_100t * empty_rate_drop * km / 1000``."""

    def __init__(self, source: str):
        if not isinstance(source, str):
            raise DefinitionError(f"an equation must be text, got {type(source).__name__}")
        self.source = " ".join(source.split())
        # Limits far above any real model, so hostile or runaway text fails fast with one line instead of
        # exhausting the parser's recursion, memory or time (see _shape).
        if len(self.source) > MAX_LENGTH:
            raise DefinitionError(f"equation is {len(self.source):,} characters long; the limit is {MAX_LENGTH:,}")
        if not self.source.isascii():
            bad = next(c for c in self.source if not c.isascii())
            raise DefinitionError(f"equation {_clip(self.source)!r} contains {bad!r}: equations are ASCII "
                                  "(names, numbers, + - * / ** and parentheses)")
        try:
            with warnings.catch_warnings():  # e.g. "invalid decimal literal": the error below says it once
                warnings.simplefilter("ignore", SyntaxWarning)
                warnings.simplefilter("ignore", DeprecationWarning)   # "invalid escape sequence" (Python 3.11)
                tree = ast.parse(self.source, mode="eval")
        except SyntaxError as exc:
            raise DefinitionError(f"cannot parse equation {_clip(self.source)!r}: {exc.msg}") from None
        except (RecursionError, MemoryError, ValueError):
            raise DefinitionError(f"equation {_clip(self.source)!r} is nested too deeply to parse") from None
        self._tree = tree.body
        _shape(self._tree, self.source)
        self.names: frozenset[str] = frozenset()
        self.series: frozenset[str] = frozenset()
        names: set[str] = set()
        series: set[str] = set()
        self._check(self._tree, names, series)
        self.names = frozenset(names)
        self.series = frozenset(series)
        constants: dict[str, np.float64] = {}
        body = self._numpy_ast(self._tree, constants)
        self._code = compile(ast.fix_missing_locations(ast.Expression(body)), "<equation>", "eval")
        self._scope = {"__builtins__": {}, **constants,
                       **{"__fn_" + k: f.numpy for k, f in FUNCTIONS.items()},
                       **{"__into_" + op.__name__: u for op, u in _INTO.items()}}
        self._code_into = self._compile_into()

    # -- validation -------------------------------------------------------------------------------
    def _check(self, node, names, series):
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            self._check(node.left, names, series)
            self._check(node.right, names, series)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            self._check(node.operand, names, series)
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            try:
                finite = math.isfinite(float(node.value))
            except OverflowError:
                finite = False
            if not finite:
                raise DefinitionError(f"constant {_clip(str(node.value))} in {_clip(self.source)!r} is not a finite "
                                      "number (largest: about 1.8e308)")
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            fn = FUNCTIONS.get(node.func.id)
            if fn is None:
                raise DefinitionError(f"unknown function {node.func.id!r} in {_clip(self.source)!r}; functions are: "
                                      f"{', '.join(FUNCTIONS)}")
            if len(node.args) != fn.arity:
                raise DefinitionError(f"{fn.name} takes {fn.arity} argument(s) in {_clip(self.source)!r}")
            args = list(node.args)
            if fn.takes_series:
                if not isinstance(args[0], ast.Name):
                    raise DefinitionError(f"{fn.name} needs a data table name first in {_clip(self.source)!r}")
                series.add(args[0].id)
                args = args[1:]
            for a in args:
                self._check(a, names, series)
        else:
            raise DefinitionError(f"{_describe(node)} is not allowed in {_clip(self.source)!r}: equations use "
                                  f"numbers, names, + - * / ** and the functions {', '.join(FUNCTIONS)}")

    def _numpy_ast(self, node, constants: dict):
        # Function names are looked up under a prefix so they cannot collide with variable names. Constants
        # become numpy float64 scalars: Python would compute 10 ** 10 ** 10 exactly as an integer (for
        # ever) and raise on 1 / 0, where numpy gives inf like any array operation in the models.
        if isinstance(node, ast.Call):
            return ast.Call(func=ast.Name(id="__fn_" + node.func.id, ctx=ast.Load()),
                            args=[self._numpy_ast(a, constants) for a in node.args], keywords=[])
        if isinstance(node, ast.BinOp):
            return ast.BinOp(left=self._numpy_ast(node.left, constants), op=node.op,
                             right=self._numpy_ast(node.right, constants))
        if isinstance(node, ast.UnaryOp):
            return ast.UnaryOp(op=node.op, operand=self._numpy_ast(node.operand, constants))
        if isinstance(node, ast.Constant):
            name = f"__k{len(constants)}"
            constants[name] = np.float64(node.value)
            return ast.Name(id=name, ctx=ast.Load())
        return node

    def _compile_into(self):
        """The equation with its last operation writing into ``__out`` (a ufunc's ``out=``), or None."""
        root = self._numpy_ast(self._tree, {})  # same traversal, so the same constant names
        if isinstance(root, ast.BinOp) and type(root.op) in _INTO:
            func, args = "__into_" + type(root.op).__name__, [root.left, root.right]
        elif isinstance(root, ast.UnaryOp) and type(root.op) in _INTO:
            func, args = "__into_" + type(root.op).__name__, [root.operand]
        elif isinstance(root, ast.Call) and isinstance(FUNCTIONS[root.func.id[5:]].numpy, np.ufunc):
            func, args = root.func.id, root.args
        else:
            return None
        call = ast.Call(func=ast.Name(id=func, ctx=ast.Load()), args=args,
                        keywords=[ast.keyword(arg="out", value=ast.Name(id="__out", ctx=ast.Load()))])
        return compile(ast.fix_missing_locations(ast.Expression(call)), "<equation>", "eval")

    # -- evaluation -------------------------------------------------------------------------------
    def evaluate(self, env: Mapping[str, object]):
        """Evaluate with numpy; ``env`` maps every name (inputs, steps, data tables) to a value."""
        return eval(self._code, self._scope, env)  # noqa: S307 - the AST is whitelisted above

    def evaluate_into(self, env: dict, out: np.ndarray) -> bool:
        """Evaluate an array-valued equation straight into ``out`` (the same numpy operation, so the same
        result, without a copy); False when its last operation cannot write into an array."""
        if self._code_into is None:
            return False
        env["__out"] = out
        try:
            eval(self._code_into, self._scope, env)  # noqa: S307 - the AST is whitelisted above
        finally:
            del env["__out"]
        return True

    # -- rendering --------------------------------------------------------------------------------
    def to_excel(self, ref: Callable[[str], str] = lambda n: n) -> str:
        """Excel formula body (no leading '='); ``ref`` maps a name to a defined name or cell."""
        return self._render(self._tree, ref, excel=True)[0]

    def to_text(self) -> str:
        """Readable form for documentation."""
        return self._render(self._tree, lambda n: n, excel=False)[0]

    def rename(self, mapping: Mapping[str, str]) -> "Expression":
        """Same equation with names (variables and data tables) substituted."""
        class _R(ast.NodeTransformer):
            def visit_Name(self, node):
                return ast.copy_location(ast.Name(id=mapping.get(node.id, node.id), ctx=node.ctx), node)

            def visit_Call(self, node):
                node.args = [self.visit(a) for a in node.args]
                return node
        tree = _R().visit(ast.parse(self.source, mode="eval"))
        return Expression(ast.unparse(tree))

    def _render(self, node, ref, excel):
        if isinstance(node, ast.Constant):
            return format_number(node.value), _ATOM
        if isinstance(node, ast.Name):
            return ref(node.id), _ATOM
        if isinstance(node, ast.UnaryOp):
            inner, prec = self._render(node.operand, ref, excel)
            if prec < _ATOM:
                inner = f"({inner})"
            return ("-" if isinstance(node.op, ast.USub) else "") + inner, _UNARY
        if isinstance(node, ast.Call):
            fn = FUNCTIONS[node.func.id]
            # A data-table argument is a table name (rendered as named ranges), never a cell reference.
            args = [a.id if (fn.takes_series and k == 0) else self._render(a, ref, excel)[0]
                    for k, a in enumerate(node.args)]
            if excel:
                return fn.excel(args), _ATOM
            return f"{fn.text}({', '.join(args)})", _ATOM
        sym, prec = _BINOPS[type(node.op)]
        left, lp = self._render(node.left, ref, excel)
        right, rp = self._render(node.right, ref, excel)
        if prec == _POW:
            # Excel's unary minus binds tighter than ^ and ^ is left-associative: bracket non-atoms.
            left = left if lp == _ATOM else f"({left})"
            right = right if rp == _ATOM else f"({right})"
        else:
            if lp < prec:
                left = f"({left})"
            if rp < prec or (rp == prec and sym in "-/"):
                right = f"({right})"
        if not excel:
            sym = {"*": "×", "^": "^"}.get(sym, sym)
            return f"{left} {sym} {right}", prec
        return f"{left}{sym}{right}", prec

    def __repr__(self):
        return f"Expression({self.source!r})"
