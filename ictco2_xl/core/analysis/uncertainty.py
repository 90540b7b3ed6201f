"""Uncertainty runs: draw every input from its range and run the model once over all the draws.

Each model input may carry a :class:`~ictco2_xl.core.definitions.Distribution` in its definition
(``Input.uncertainty``); inputs without one stay at their defaults. :func:`run` resolves every range for
the case at hand (year, factor set, fixed overrides), draws all of them with one random generator
(Latin hypercube by default, plain Monte Carlo on request) and evaluates the model in a single
vectorised call. Results are reproducible: the same model, case, draws and seed give the same sample.

    >>> from ictco2_xl.core.analysis import uncertainty
    >>> r = uncertainty.run("LOGISTICS_POTENTIAL", draws=10_000, seed=1, overrides={"target_year": 2020})
    >>> r.p5 < r.p50 < r.p95
    True

:func:`ictco2_percentile` is the plain function behind the worksheet function ``ICTCO2_PERCENTILE``.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from ..definitions import Distribution
from ..errors import InputError
from ..evaluation import Result
from ..factors import FactorSet, get_factor_set
from ..model import Model, WorksheetFunction
from .distributions import Drawn, normal_ppf, resolve

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 0
MIN_DRAWS, MAX_DRAWS = 100, 1_000_000
METHODS = ("lhs", "mc")


def _model(model) -> Model:
    from ..models import get_model
    return get_model(model) if isinstance(model, str) else model


def _split_overrides(model: Model, overrides: Mapping | None):
    """Fixed values (numbers) and distributions given for this run; raises InputError."""
    values, dists = {}, {}
    names = {i.name: i for i in model.inputs}
    for name, v in (overrides or {}).items():
        if name not in names:
            raise InputError(model.id, name, name, "", message=f"{model.id}: unknown input {name!r}; "
                             f"inputs are: {', '.join(names)}")
        if isinstance(v, Distribution):
            if names[name].integer and not v.is_fixed:
                raise InputError(model.id, name, v.describe(), "is a whole number chosen per case and cannot be drawn")
            dists[name] = v
        elif np.ndim(v) == 0 and not isinstance(v, (str, bytes, bool)):
            values[name] = v
        else:
            raise InputError(model.id, name, v, "must be a single number or a Distribution in an uncertainty run")
    return values, dists


@dataclass(frozen=True)
class Case:
    """One case ready to draw: the deterministic run and each drawn input's concrete distribution."""

    model: Model
    factor_set: FactorSet
    fixed: dict          # inputs set to one value for this case
    drawn: dict          # name -> Drawn (definition ranges and overrides)
    base: Result         # the deterministic run of the case

    def centres(self) -> dict:
        return {n: float(np.ravel(self.base.inputs[n])[0]) for n in self.drawn}


def prepare(model, overrides: Mapping | None = None, factor_set=None) -> Case:
    """Resolve every input's range for one case (fixed overrides, year, factor set)."""
    model = _model(model)
    values, dists = _split_overrides(model, overrides)
    fs = get_factor_set(factor_set)
    base = model.run(values, fs)
    drawn = {}
    for inp in model.inputs:
        dist = dists.get(inp.name) or (None if inp.name in values else inp.uncertainty)
        if dist is None or (dist.is_fixed and dist.value is None):
            continue
        centre = float(np.ravel(base.inputs[inp.name])[0])
        if inp.name in dists:
            _refuse_beyond_valid_range(model, inp, dists[inp.name], centre)
        drawn[inp.name] = resolve(inp, dist, centre, "override" if inp.name in dists else "definition")
    fixed_now = {n: d.centre for n, d in drawn.items() if d.kind == "fixed"}
    if fixed_now:  # fixed values from distributions change the deterministic case
        values = {**values, **fixed_now}
        base = model.run(values, fs)
    return Case(model, fs, values, {n: d for n, d in drawn.items() if d.kind != "fixed"}, base)


def _refuse_beyond_valid_range(model: Model, inp, dist: Distribution, centre: float) -> None:
    """A range given for this run must lie within the input's valid range: clipping it, as the definitions'
    own ranges are clipped, would silently draw from another range than the one asked for. (An end may touch
    an open bound: draws land inside it.)"""
    scale = centre if dist.relative else 1.0
    ends = [v * scale for v in (dist.low, dist.high, dist.mode, dist.mean, dist.value) if v is not None]
    b = inp.bounds
    if any((b.lo is not None and v < b.lo) or (b.hi is not None and v > b.hi) or not np.isfinite(v) for v in ends):
        raise InputError(model.id, inp.name, dist.describe(), "", message=f"{model.id}: {inp.name}: the range "
                         f"{dist.describe()} goes beyond the input's valid range ({inp.name} {b.rule()})")


def ranges(model, overrides: Mapping | None = None, factor_set=None) -> pd.DataFrame:
    """The ranges an uncertainty run draws from, one row per drawn input, in input order."""
    case = prepare(model, overrides, factor_set)
    rows = []
    for name, d in case.drawn.items():
        inp = case.model.input(name)
        lo, hi = d.swing()
        rows.append(dict(input=name, label=inp.label, unit=inp.unit, value=d.centre, distribution=d.kind,
                         low=d.low, high=d.high, peak=d.mode if d.kind == "triangular" else d.mean, sd=d.sd,
                         swing_low=lo, swing_high=hi, origin=d.origin, reason=d.reason))
    cols = ["input", "label", "unit", "value", "distribution", "low", "high", "peak", "sd", "swing_low",
            "swing_high", "origin", "reason"]
    return pd.DataFrame(rows, columns=cols)


def _uniforms(rng: np.random.Generator, n: int, method: str) -> np.ndarray:
    if method == "lhs":  # one draw in each of n equal strata, strata shuffled: (permutation + random) / n
        strata = rng.permutation(n)
        u = rng.random(n)
        u += strata  # in place (the same sum, bit for bit): one array-sized temporary fewer
        del strata
        u /= n
        return u
    return rng.random(n)


def _whole(what: str, value, lo: int, hi: int | None, model: str = "uncertainty") -> int:
    rule = f"must be a whole number between {lo:,} and {hi:,}" if hi else f"must be a whole number of at least {lo}"
    if isinstance(value, (str, bytes)):  # a number typed as text is refused, as for every model input
        raise InputError(model, what, value, rule)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(model, what, value, rule) from None
    if isinstance(value, bool) or not math.isfinite(v) or v != round(v) or v < lo or (hi is not None and v > hi):
        raise InputError(model, what, value, rule)
    return int(v)


@dataclass
class UncertaintyResult:
    """The sample of one model output over all draws, with its percentiles.

    ``sample`` holds one value per draw; ``inputs`` the drawn input values (arrays) by name;
    ``deterministic`` the output with every input at its case value; ``result`` the vectorised run: its
    inputs, the output and the steps asked for with ``run(..., steps=...)`` (one value per draw).
    """

    model: Model
    output: str
    draws: int
    seed: int
    method: str
    factor_set: FactorSet
    sample: np.ndarray
    deterministic: float
    inputs: dict
    distributions: dict
    result: Result

    @property
    def unit(self) -> str:
        return self.model.step(self.output).unit

    def percentile(self, q):
        """Percentile(s) of the sample, ``q`` in percent (0-100); linear interpolation as Excel's PERCENTILE.INC."""
        out = np.percentile(self.sample, q)
        return float(out) if np.ndim(out) == 0 else out

    @property
    def p5(self) -> float:
        return self.percentile(5)

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def mean(self) -> float:
        first = self.sample[0]  # shifting first keeps a constant sample's mean exact
        return float(first + np.mean(self.sample - first))

    def summary(self) -> dict:
        return dict(model=self.model.id, output=self.output, unit=self.unit, draws=self.draws, seed=self.seed,
                    method=self.method, factor_set=self.factor_set.name, deterministic=self.deterministic,
                    mean=self.mean, p5=self.p5, p50=self.p50, p95=self.p95)

    def to_frame(self) -> pd.DataFrame:
        """One row per draw: the drawn inputs and the output."""
        return pd.DataFrame({**self.inputs, self.output: self.sample})

    def __repr__(self):
        return (f"<UncertaintyResult {self.model.id}.{self.output}: P5 {self.p5:.6g}, P50 {self.p50:.6g}, "
                f"P95 {self.p95:.6g} {self.unit} ({self.draws} draws, seed {self.seed})>")


def run(model, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, overrides: Mapping | None = None, *,
        factor_set=None, output: str | None = None, method: str = "lhs", steps=()) -> UncertaintyResult:
    """Draw every input with a range ``draws`` times and evaluate the model once over all draws.

    ``model``: a Model, model id or worksheet-function name. ``overrides``: input -> number (fixed for
    this run, e.g. ``{"target_year": 2020}``) or Distribution (replaces the definition's range).
    ``output``: a step name (default: the model's primary result). ``method``: ``lhs`` (Latin
    hypercube, default: converges faster) or ``mc`` (plain Monte Carlo). ``steps``: other steps to keep,
    one value per draw, in ``result`` (names, or ``"all"``); by default only the output is kept, so a
    million draws of the headline model take the drawn inputs and the sample, not every intermediate step.
    """
    case = prepare(model, overrides, factor_set)
    model = case.model
    output = output or model.primary
    names = [s.name for s in model.steps]
    if output not in names:
        raise InputError(model.id, "output", output, f"must be one of the steps: {', '.join(names)}")
    kept = names if steps == "all" else [output, *([steps] if isinstance(steps, str) else steps)]
    for name in kept:
        if name not in names:
            raise InputError(model.id, "steps", name, f"must be steps of the model: {', '.join(names)}")
    draws = _whole("draws", draws, MIN_DRAWS, MAX_DRAWS, model.id)
    seed = _whole("seed", seed, 0, None, model.id)
    if method not in METHODS:
        raise InputError(model.id, "method", method, f"must be one of {', '.join(METHODS)}")
    drawn_values = _draw(model, case, draws, seed, method)
    res = model.run({**case.fixed, **drawn_values}, case.factor_set, outputs=kept)
    sample = res[output]
    if np.ndim(sample) == 0:  # the output does not depend on any drawn input
        sample = np.full(draws, float(sample))
    return UncertaintyResult(model=model, output=output, draws=draws, seed=seed, method=method,
                             factor_set=case.factor_set, sample=sample, deterministic=float(case.base[output]),
                             inputs=drawn_values, distributions=case.drawn, result=res)


def _draw(model: Model, case: Case, draws: int, seed: int, method: str) -> dict:
    """Every drawn input's values. One factor is one draw per scenario, across the parts of a composite;
    each quantile array is dropped once its last input is drawn, so few are alive at a time."""
    rng = np.random.default_rng(seed)
    keys = {}
    for name in case.drawn:
        factor = model.input(name).factor
        keys[name] = f"factor:{factor}" if factor else name
    last = {k: name for name, k in keys.items()}
    quantiles: dict[str, np.ndarray] = {}
    values = {}
    for name, d in case.drawn.items():
        key = keys[name]
        if key not in quantiles:
            quantiles[key] = _uniforms(rng, draws, method)
        values[name] = d.ppf(quantiles[key])
        if last[key] == name:
            del quantiles[key]
    return values


# -- the plain function behind the worksheet function ICTCO2_PERCENTILE --------------------------------
def worksheet_function(name) -> WorksheetFunction:
    """A worksheet function by its Excel name (``LOGISTICS_ENABLEMENT``) or a model id (its primary result)."""
    from ..models import all_models
    key = str(name).strip()
    models = all_models()
    for m in models.values():
        for fn in m.worksheet_functions():
            if fn.name == key.upper():
                return fn
    if key in models:
        return models[key].worksheet_functions()[0]
    raise InputError("ICTCO2_PERCENTILE", "function_name", name,
                     "must name a worksheet function such as LOGISTICS_POTENTIAL (see `ictco2-xl models`)")


_CACHE: "OrderedDict[tuple, np.ndarray]" = OrderedDict()
_CACHE_SIZE = 32


def _sorted_sample(fn: WorksheetFunction, draws: int, seed: int, fs: FactorSet) -> np.ndarray:
    # Several cells asking for P5, P50 and P95 of one function share one run.
    key = (fn.name, id(fn.model), draws, seed, fs.name, id(fs))  # a reloaded model file is a new model
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    sample = np.sort(run(fn.model, draws, seed, factor_set=fs, output=fn.output).sample)
    _CACHE[key] = sample
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return sample


P_RULE = "must be a number between 0 and 1"
PERCENTILE = "ICTCO2_PERCENTILE"


def percentile_function(function_name, draws=None, seed=None) -> tuple[WorksheetFunction, int, int]:
    """The worksheet function, draws and seed of an ICTCO2_PERCENTILE call, checked (blank: the default)."""
    fn = worksheet_function(function_name)
    draws = DEFAULT_DRAWS if draws is None or draws == "" else _whole("draws", draws, MIN_DRAWS, MAX_DRAWS, PERCENTILE)
    seed = DEFAULT_SEED if seed is None or seed == "" else _whole("seed", seed, 0, None, PERCENTILE)
    return fn, draws, seed


def percentiles(fn: WorksheetFunction, q, draws: int, seed: int, factor_set=None):
    """Percentiles ``q`` (fractions, already checked) of ``fn``'s result over its input ranges."""
    fs = get_factor_set(None if factor_set in (None, "") else factor_set)
    out = np.percentile(_sorted_sample(fn, draws, seed, fs), np.asarray(q, float) * 100)
    return float(out) if np.ndim(out) == 0 else out


def ictco2_percentile(function_name, p, draws=None, seed=None, factor_set=None):
    """The p-th percentile (p from 0 to 1, as PERCENTILE.INC) of a worksheet function's result when its
    inputs vary over their documented ranges; every other argument at its default.

    ``draws`` (default 10,000) and ``seed`` (default 0) make the result reproducible; ``p`` may be an
    array (one result per element). ``=ICTCO2_PERCENTILE("LOGISTICS_POTENTIAL", 0.95)``.
    """
    fn, draws, seed = percentile_function(function_name, draws, seed)
    numeric = isinstance(p, np.ndarray) and p.dtype.kind in "iuf"
    values = p if numeric else np.asarray(p, dtype=object)
    if values.size == 0:
        raise InputError(PERCENTILE, "p", p, P_RULE)
    if not numeric:  # text, None, bools...: refused as such (text is never read as a number)
        for v in values.ravel():
            if not isinstance(v, (int, float, np.integer, np.floating)) or isinstance(v, (bool, np.bool_)):
                raise InputError(PERCENTILE, "p", p if np.ndim(p) == 0 else v, P_RULE)
    q = np.asarray(values, dtype=float)
    bad = ~np.isfinite(q.ravel()) | (q.ravel() < 0) | (q.ravel() > 1)
    if bad.any():
        raise InputError(PERCENTILE, "p", p if np.ndim(p) == 0 else float(q.ravel()[np.argmax(bad)]), P_RULE)
    return percentiles(fn, q, draws, seed, factor_set)


__all__ = ["Drawn", "UncertaintyResult", "Case", "prepare", "ranges", "resolve", "run", "normal_ppf",
           "ictco2_percentile", "percentile_function", "percentiles", "worksheet_function", "P_RULE", "DEFAULT_DRAWS",
           "DEFAULT_SEED"]
