"""Hand-written numpy for a model, generated from its equations: the baseline of the model benchmarks.

What a skilled user would write for one model over arrays: one line of numpy per step the result needs,
named variables, no validation, no defaults (every input is given). The code is generated from the same
equation text the package evaluates, so both compute the same thing; the benchmarks check they agree.
"""
from __future__ import annotations

import ast

import numpy as np

from ictco2_xl.core.blocks import needed
from ictco2_xl.core.expr import FUNCTIONS


def source(model, outputs, checked=()) -> str:
    """Python source of ``def hand(<inputs>)`` returning the steps ``outputs`` (a tuple). The inputs named in
    ``checked`` are first checked the way a careful user would by hand: one minimum and one maximum per input,
    compared with its bounds (NaN propagates through both, so a blank fails too); whole-number rules are not
    checked (the package checks them as well: this baseline is the generous one)."""
    lines = [f"def hand({', '.join(i.name for i in model.inputs)}):"]
    for inp in model.inputs:
        if inp.name in checked:
            lines += _check_lines(inp)
    for step in needed(model, outputs):
        lines.append(f"    {step.name} = {ast.unparse(ast.parse(step.expr.source, mode='eval').body)}")
    lines.append(f"    return ({', '.join(outputs)},)")
    return "\n".join(lines) + "\n"


def _check_lines(inp) -> list[str]:
    b = inp.bounds
    low = "_lo > -inf" if b.lo is None else f"_lo {'>' if b.lo_open else '>='} {float(b.lo)!r}"
    high = "_hi < inf" if b.hi is None else f"_hi {'<' if b.hi_open else '<='} {float(b.hi)!r}"
    return [f"    _lo, _hi = {inp.name}.min(), {inp.name}.max()",
            f"    if not ({low} and {high}):",       # finite too: NaN fails every comparison
            f"        raise ValueError('{inp.name} out of range')"]


def function(model, outputs=None, checked=()):
    """The compiled hand-written function (inputs by name, as keywords) and its source; ``checked``: the
    inputs it checks first (see ``source``)."""
    outputs = list(outputs or [model.primary])
    src = source(model, outputs, checked)
    scope = {name: f.numpy for name, f in FUNCTIONS.items()}  # exp, ln, min, max, growth ... as numpy
    scope["inf"] = np.inf
    scope.update({d.name: d for d in model.data})
    exec(compile(src, f"<hand-written {model.id}>", "exec"), scope)  # noqa: S102 - our own generated code
    hand = scope["hand"]

    names = {i.name for i in model.inputs}

    def call(**inputs):
        with np.errstate(all="ignore"):
            return hand(**{k: v for k, v in inputs.items() if k in names})
    return call, src


def agree(expected, got, rtol: float = 1e-12) -> float:
    """Largest relative difference between two results; raises when they differ beyond ``rtol``."""
    expected = np.broadcast_to(np.asarray(expected, float), np.shape(got))
    got = np.asarray(got, float)
    if not np.allclose(got, expected, rtol=rtol, atol=0, equal_nan=True):
        raise AssertionError("the package and the hand-written numpy disagree")
    with np.errstate(all="ignore"):
        rel = np.abs(got - expected) / np.maximum(np.abs(expected), np.finfo(float).tiny)
    return float(np.nanmax(rel)) if rel.size else 0.0
