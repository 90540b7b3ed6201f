"""Hand-written numpy for a model, generated from its equations: the baseline of the model benchmarks.

What a skilled user would write for one model over arrays: one line of numpy per step the result needs,
named variables, no validation, no defaults (every input is given). The code is generated from the same
equation text the package evaluates, so both compute the same thing; the benchmarks check they agree.
"""
from __future__ import annotations

import ast

import numpy as np

from ictco2_xl.core.blocks import BLOCK, needed
from ictco2_xl.core.expr import FUNCTIONS
from ictco2_xl.core.validation import _bit_range, _fraction_bits


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


_UFUNC_OF = {ast.Add: "np.add", ast.Sub: "np.subtract", ast.Mult: "np.multiply", ast.Div: "np.true_divide"}


def floor_source(model, outputs, checked, block: int = BLOCK) -> str:
    """Python source of the fastest checked numpy we know how to write by hand for these steps: the rows a
    cache-sized block at a time, each block computed first (the inputs come from memory once, in the
    arithmetic) and then checked while it is still in the cache, with the fewest reductions the rules
    allow (a non-negative range: one integer maximum over the bit patterns, a minimum too when it starts
    above zero; the OR of the patterns for whole years; see ictco2_xl.core.validation); each requested
    step's last operation writes into its full-size result. Every input must be an array of the same rows."""
    arrays = [i.name for i in model.inputs]
    steps = needed(model, outputs)
    lines = [f"def hand({', '.join(arrays)}):",
             f"    _n = len({arrays[0]})",
             *(f"    _full_{n} = {n}" for n in arrays),
             *(f"    _out_{o} = np.empty(_n)" for o in outputs),
             f"    for _s in range(0, _n, {block}):",
             f"        _e = _s + {block}",
             *(f"        {n} = _full_{n}[_s:_e]" for n in arrays)]
    for step in steps:
        tree = ast.parse(step.expr.source, mode="eval").body
        if step.name in outputs and isinstance(tree, ast.BinOp) and type(tree.op) in _UFUNC_OF:
            lines.append(f"        {step.name} = {_UFUNC_OF[type(tree.op)]}({ast.unparse(tree.left)}, "
                         f"{ast.unparse(tree.right)}, out=_out_{step.name}[_s:_e])")
        elif step.name in outputs:
            lines.append(f"        _out_{step.name}[_s:_e] = {step.name} = {ast.unparse(tree)}")
        else:
            lines.append(f"        {step.name} = {ast.unparse(tree)}")
    for inp in model.inputs:
        if inp.name in checked:
            lines += ["    " + line for line in _fewest_check_lines(inp)]
    lines.append(f"    return ({', '.join('_out_' + o for o in outputs)},)")
    return "\n".join(lines) + "\n"


def _fewest_check_lines(inp) -> list[str]:
    bits = _bit_range(inp.bounds)
    fail = f"        raise ValueError('{inp.name} out of range')"
    if bits is None:
        lines = _check_lines(inp)
    else:
        test = f"_u.max() > {bits[1]}" + (f" or _u.min() < {bits[0]}" if bits[0] else "")
        lines = [f"    _u = {inp.name}.view(np.uint64)", f"    if {test}:", fail]
    if inp.integer:
        fraction = _fraction_bits(inp.bounds) if bits else None
        whole = (f"np.bitwise_or.reduce(_u) & {fraction}" if fraction is not None
                 else f"not np.array_equal(np.rint({inp.name}), {inp.name})")
        lines += [f"    if {whole}:", fail]
    return lines


def function(model, outputs=None, checked=(), floor: bool = False):
    """The compiled hand-written function (inputs by name, as keywords) and its source; ``checked``: the
    inputs it checks (see ``source``); ``floor``: the blocked, fewest-reductions form (``floor_source``)."""
    outputs = list(outputs or [model.primary])
    src = floor_source(model, outputs, checked) if floor else source(model, outputs, checked)
    scope = {name: f.numpy for name, f in FUNCTIONS.items()}  # exp, ln, min, max, growth ... as numpy
    scope["inf"] = np.inf
    scope["np"] = np
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
