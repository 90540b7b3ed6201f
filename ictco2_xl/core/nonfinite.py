"""Why a result has no finite value, in terms of the inputs, and which error a spreadsheet shows for it.

numpy turns a division by zero into ``inf`` and an overflow into ``inf``; Excel and LibreOffice show
``#DIV/0!`` and ``#NUM!`` in the same cells. This module re-evaluates one scenario's equations with the
spreadsheet's rules (an operand's error passes on, left operand first; x/0 is #DIV/0!; overflow, the log
of a non-positive number and a negative base to a fractional power are #NUM!) so that:

- a filled workbook caches exactly the error a spreadsheet computes for such a cell, and
- every adapter explains it the same way, naming the step and the inputs behind it, e.g.
  ``enablement_factor has no finite value (#DIV/0!): it divides by ict_own_emission_t, which is 0 because
  mms_traffic_mb = 0``.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import numpy as np

from .definitions import DataSeries
from .expr import FUNCTIONS

if TYPE_CHECKING:  # annotations only
    from .model import Model

DIV0, NUM = "#DIV/0!", "#NUM!"


@dataclass(frozen=True)
class Failure:
    """A step without a finite value: the spreadsheet error, the step whose own operation failed (``root``)
    and what failed there."""
    code: str
    step: str
    root: str
    cause: str                  # e.g. "divides by ict_own_emission_t"
    zero: tuple[str, ...] = ()  # names whose zero value caused a division by zero
    operands: tuple[str, ...] = ()


class _Err:
    __slots__ = ("code", "cause", "zero", "operands")

    def __init__(self, code, cause, zero=(), operands=()):
        self.code, self.cause, self.zero, self.operands = code, cause, tuple(zero), tuple(operands)


def _names(node) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]


MIN_NORMAL = 2.2250738585072014e-308   # smaller magnitudes are 0 in a spreadsheet (Excel flushes them)


def _ftz(v):
    return 0.0 if isinstance(v, float) and abs(v) < MIN_NORMAL else v


def _value(node, env):
    if isinstance(node, ast.Constant):
        return _ftz(float(node.value))
    if isinstance(node, ast.Name):
        return _ftz(env[node.id]) if not isinstance(env[node.id], DataSeries) else env[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _value(node.operand, env)
        return v if isinstance(v, _Err) or isinstance(node.op, ast.UAdd) else -v
    if isinstance(node, ast.Call):
        return _call(node, env)
    left = _value(node.left, env)
    if isinstance(left, _Err):
        return left
    right = _value(node.right, env)
    if isinstance(right, _Err):
        return right
    text = ast.unparse(node.right)
    if isinstance(node.op, ast.Div):
        if right == 0:
            return _Err(DIV0, f"divides by {text}", zero=_names(node.right))
        return _checked(left / right, node)
    if isinstance(node.op, ast.Pow):
        if left == 0 and right < 0:
            return _Err(DIV0, f"raises 0 to the negative power {text}", zero=_names(node.left))
        if left == 0 and right == 0:
            return _Err(NUM, "raises 0 to the power 0", operands=_names(node))
        if left < 0 and not float(right).is_integer():
            return _Err(NUM, f"raises a negative number ({ast.unparse(node.left)}) to a fractional power",
                        operands=_names(node.left))
        try:
            return _checked(float(left) ** float(right), node)
        except OverflowError:
            return _Err(NUM, f"overflows in {ast.unparse(node)}", operands=_names(node))
    op = {ast.Add: float.__add__, ast.Sub: float.__sub__, ast.Mult: float.__mul__}[type(node.op)]
    return _checked(op(float(left), float(right)), node)


def _checked(v: float, node):
    if math.isfinite(v):
        return _ftz(v)
    return _Err(NUM, f"overflows (beyond ±1.8e308, the largest number a cell holds) in {ast.unparse(node)}",
                operands=_names(node))


def _call(node, env):
    fn = FUNCTIONS[node.func.id]
    args = list(node.args)
    series = None
    if fn.takes_series:
        series = env[args[0].id]
        args = args[1:]
    values = []
    for a in args:
        v = _value(a, env)
        if isinstance(v, _Err):
            return v
        values.append(v)
    if fn.name == "ln" and values[0] <= 0:
        return _Err(NUM, f"takes the logarithm of {ast.unparse(args[0])}, which is not positive",
                    zero=_names(args[0]) if values[0] == 0 else (), operands=_names(args[0]))
    with np.errstate(all="ignore"):
        out = fn.numpy(series, *values) if series is not None else fn.numpy(*values)
    out = _ftz(float(np.ravel(out)[0]))
    if not math.isfinite(out):
        return _Err(NUM, f"overflows (beyond ±1.8e308, the largest number a cell holds) in {ast.unparse(node)}",
                    operands=_names(node))
    return out


def failures(model: "Model", inputs: Mapping[str, float], factor_set=None) -> dict[str, Failure]:
    """Every step of ``model`` with no finite value for one scenario (``inputs``: given values; blanks and
    missing names take their defaults), by step name."""
    given = {k: v for k, v in inputs.items() if not (isinstance(v, float) and math.isnan(v))}
    resolved = model.run(given, factor_set).inputs
    env: dict = {k: float(np.ravel(v)[0]) for k, v in resolved.items()}
    env.update({d.name: d for d in model.data})
    out: dict[str, Failure] = {}
    roots: dict[str, str] = {}
    for step in model.steps:
        v = _value(ast.parse(step.expr.source, mode="eval").body, env)
        if isinstance(v, _Err):
            own = next((n for n in step.expr.names if isinstance(env.get(n), _Err) and env[n] is v), None)
            roots[step.name] = roots[own] if own else step.name
            out[step.name] = Failure(v.code, step.name, roots[step.name], v.cause, v.zero, v.operands)
        env[step.name] = v
    return out


def explain(model: "Model", inputs: Mapping[str, float], factor_set=None, step: str | None = None) -> str:
    """One line on why ``step`` (default: the primary result) has no finite value; '' if it has one."""
    step = step or model.primary
    found = failures(model, inputs, factor_set).get(step)
    if found is None:
        return ""
    given = {k: v for k, v in inputs.items() if not (isinstance(v, float) and math.isnan(v))}
    res = model.run(given, factor_set)
    values = {k: float(np.ravel(v)[0]) for k, v in res.inputs.items()}
    values.update({k: float(np.ravel(v)[0]) for k, v in res.items()})
    head = f"{step} has no finite value ({found.code})"
    via = f": it uses {found.root}, which" if found.root != step else ":"
    return f"{head}{via} {found.cause}{_because(model, found, values)}"


def _because(model: "Model", found: Failure, values: dict[str, float]) -> str:
    inputs = {i.name for i in model.inputs}

    def behind(names):
        out = []
        for n in names:
            out += [n] if n in inputs else sorted(model.dependencies(n)) if n in values else []
        return list(dict.fromkeys(out))
    if found.zero:
        zero_steps = [n for n in found.zero if n not in inputs and _ftz(values.get(n)) == 0]
        zero_inputs = [n for n in behind(found.zero) if _ftz(values.get(n)) == 0]
        shown = ", ".join(f"{n} = {values[n] or 0:g}" for n in zero_inputs)   # -0.0 shows as 0
        # An input such as 1e-308 is 0 in a spreadsheet (no number closer to 0 than ±2.2e-308): say so, or the
        # message would claim a 0 the user never wrote.
        tiny = "; a spreadsheet holds a number this close to 0 as 0" if any(values[n] != 0 for n in zero_inputs) else ""
        if zero_steps and shown:
            return f", which is 0 because {shown}{tiny}"
        return f" = 0 ({shown}{tiny})" if shown else " = 0"
    suspects = behind(found.operands or (found.root,)) or sorted(model.dependencies(found.root))
    if found.code == NUM and "overflows" in found.cause:
        ranked = sorted((n for n in suspects if n in values), key=lambda n: -abs(values[n]))
        big = [n for n in ranked if abs(values[n]) >= 1e100]
        if big:
            return f"; inputs too large: {', '.join(f'{n} = {values[n]:g}' for n in big)}"
        return f"; its largest input: {ranked[0]} = {values[ranked[0]]:g}" if ranked else ""
    shown = [n for n in suspects if n in values and values[n] <= 0]
    return f" ({', '.join(f'{n} = {values[n]:g}' for n in shown)})" if shown else ""


__all__ = ["Failure", "failures", "explain", "DIV0", "NUM"]
