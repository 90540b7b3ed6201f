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

from ..definitions import Distribution, Input
from ..errors import InputError
from ..evaluation import Result
from ..factors import FactorSet, get_factor_set
from ..model import Model, WorksheetFunction

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 0
MIN_DRAWS, MAX_DRAWS = 100, 1_000_000
METHODS = ("lhs", "mc")


# -- the standard normal quantile (numpy has none; scipy is not a dependency) ----------------------
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
      4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)


def _poly(coeffs, x):
    out = np.zeros_like(x)
    for c in coeffs:
        out = out * x + c
    return out


def normal_ppf(p) -> np.ndarray:
    """Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9)."""
    p = np.clip(np.asarray(p, float), np.finfo(float).tiny, 1 - 2 ** -53)
    out = np.empty_like(p)
    tail = np.minimum(p, 1 - p)
    central = tail >= 0.02425
    q = p[central] - 0.5
    r = q * q
    out[central] = _poly(_A, r) * q / (_poly(_B, r) * r + 1)
    t = np.sqrt(-2 * np.log(tail[~central]))
    x = _poly(_C, t) / (_poly(_D, t) * t + 1)
    out[~central] = np.where(p[~central] < 0.5, x, -x)
    return out


def _normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2)) if math.isfinite(z) else (0.0 if z < 0 else 1.0)


# -- ranges made concrete for one case ---------------------------------------------------------------
@dataclass(frozen=True)
class Drawn:
    """An input's distribution for one case: numbers in the input's unit, inside its valid range.

    ``low``/``high`` bound the draws (infinite for an untruncated side of a normal); ``centre`` is the
    input's value in the deterministic case; ``origin`` is ``definition`` or ``override``.
    """

    name: str
    kind: str
    low: float
    high: float
    centre: float
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    reason: str = ""
    origin: str = "definition"

    def ppf(self, u) -> np.ndarray:
        """Values at the quantiles ``u`` (0..1): inverse-CDF sampling, so draws can share quantiles."""
        u = np.asarray(u, float)
        if self.kind == "fixed" or self.low == self.high:
            return np.full(u.shape, self.centre if self.kind == "fixed" else self.low)
        lo, hi = self.low, self.high
        if self.kind == "uniform":
            x = lo + u * (hi - lo)
        elif self.kind == "triangular":
            c = (self.mode - lo) / (hi - lo)
            x = np.where(u < c, lo + np.sqrt(u * (hi - lo) * (self.mode - lo)),
                         hi - np.sqrt((1 - u) * (hi - lo) * (hi - self.mode)))
        else:
            fa = _normal_cdf((lo - self.mean) / self.sd)
            fb = _normal_cdf((hi - self.mean) / self.sd)
            x = self.mean + self.sd * normal_ppf(fa + u * (fb - fa))
        return np.clip(x, lo, hi)

    def swing(self) -> tuple[float, float]:
        """The interval a one-at-a-time sensitivity swing covers: the range, or P5-P95 for a normal."""
        if self.kind == "normal":
            lo, hi = self.ppf([0.05, 0.95])
            return float(lo), float(hi)
        if self.kind == "fixed":
            return self.centre, self.centre
        return self.low, self.high

    def describe(self) -> str:
        if self.kind == "fixed":
            return f"fixed at {self.centre:g}"
        if self.kind == "normal":
            return f"normal {self.mean:g} ± {self.sd:g} (truncated to {self.low:g}..{self.high:g})"
        if self.kind == "triangular":
            return f"triangular {self.low:g}..{self.high:g}, peak {self.mode:g}"
        return f"uniform {self.low:g}..{self.high:g}"


def _valid_interval(inp: Input) -> tuple[float, float]:
    b = inp.bounds
    lo = -math.inf if b.lo is None else (math.nextafter(b.lo, math.inf) if b.lo_open else b.lo)
    hi = math.inf if b.hi is None else (math.nextafter(b.hi, -math.inf) if b.hi_open else b.hi)
    return lo, hi


def resolve(inp: Input, dist: Distribution, centre: float, origin: str = "definition") -> Drawn:
    """Make ``dist`` concrete around ``centre`` (the input's value in this case), clipped to the valid range."""
    scale = centre if dist.relative else 1.0

    def at(v):
        return None if v is None else v * scale

    vlo, vhi = _valid_interval(inp)
    clip = lambda v: min(max(v, vlo), vhi)  # noqa: E731
    common = dict(name=inp.name, kind=dist.kind, reason=dist.reason, origin=origin)
    if dist.kind == "fixed":
        value = centre if dist.value is None else at(dist.value)
        return Drawn(low=value, high=value, centre=value, **common)
    if dist.kind == "normal":
        mean = centre if dist.mean is None else at(dist.mean)
        return Drawn(low=vlo, high=vhi, centre=centre, mean=clip(mean), sd=abs(at(dist.sd)), **common)
    lo, hi = sorted((at(dist.low), at(dist.high)))
    lo, hi = clip(lo), clip(hi)
    mode = None
    if dist.kind == "triangular":
        mode = clip(centre if dist.mode is None else at(dist.mode))
        mode = min(max(mode, lo), hi)
    return Drawn(low=lo, high=hi, centre=centre, mode=mode, **common)


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
        drawn[inp.name] = resolve(inp, dist, centre, "override" if inp.name in dists else "definition")
    fixed_now = {n: d.centre for n, d in drawn.items() if d.kind == "fixed"}
    if fixed_now:  # fixed values from distributions change the deterministic case
        values = {**values, **fixed_now}
        base = model.run(values, fs)
    return Case(model, fs, values, {n: d for n, d in drawn.items() if d.kind != "fixed"}, base)


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
    if method == "lhs":  # one draw in each of n equal strata, strata shuffled
        return (rng.permutation(n) + rng.random(n)) / n
    return rng.random(n)


def _whole(what: str, value, lo: int, hi: int | None, model: str = "uncertainty") -> int:
    rule = f"must be a whole number between {lo:,} and {hi:,}" if hi else f"must be a whole number of at least {lo}"
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
    ``deterministic`` the output with every input at its case value; ``result`` the full vectorised
    run (every step, one value per draw).
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
        factor_set=None, output: str | None = None, method: str = "lhs") -> UncertaintyResult:
    """Draw every input with a range ``draws`` times and evaluate the model once over all draws.

    ``model``: a Model, model id or worksheet-function name. ``overrides``: input -> number (fixed for
    this run, e.g. ``{"target_year": 2020}``) or Distribution (replaces the definition's range).
    ``output``: a step name (default: the model's primary result). ``method``: ``lhs`` (Latin
    hypercube, default: converges faster) or ``mc`` (plain Monte Carlo).
    """
    case = prepare(model, overrides, factor_set)
    model = case.model
    output = output or model.primary
    if output not in {s.name for s in model.steps}:
        raise InputError(model.id, "output", output, f"must be one of the steps: {', '.join(s.name for s in model.steps)}")
    draws = _whole("draws", draws, MIN_DRAWS, MAX_DRAWS, model.id)
    seed = _whole("seed", seed, 0, None, model.id)
    if method not in METHODS:
        raise InputError(model.id, "method", method, f"must be one of {', '.join(METHODS)}")
    rng = np.random.default_rng(seed)
    quantiles: dict[str, np.ndarray] = {}
    drawn_values = {}
    for name, d in case.drawn.items():
        factor = model.input(name).factor
        key = f"factor:{factor}" if factor else name  # one factor, one draw per scenario, across parts
        if key not in quantiles:
            quantiles[key] = _uniforms(rng, draws, method)
        drawn_values[name] = d.ppf(quantiles[key])
    res = model.run({**case.fixed, **drawn_values}, case.factor_set)
    sample = np.broadcast_to(np.asarray(res[output], float), (draws,)).copy()
    return UncertaintyResult(model=model, output=output, draws=draws, seed=seed, method=method,
                             factor_set=case.factor_set, sample=sample, deterministic=float(case.base[output]),
                             inputs=drawn_values, distributions=case.drawn, result=res)


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


def ictco2_percentile(function_name, p, draws=None, seed=None, factor_set=None):
    """The p-th percentile (p from 0 to 1, as PERCENTILE.INC) of a worksheet function's result when its
    inputs vary over their documented ranges; every other argument at its default.

    ``draws`` (default 10,000) and ``seed`` (default 0) make the result reproducible; ``p`` may be an
    array (one result per element). ``=ICTCO2_PERCENTILE("LOGISTICS_POTENTIAL", 0.95)``.
    """
    where = "ICTCO2_PERCENTILE"
    fn = worksheet_function(function_name)
    draws = DEFAULT_DRAWS if draws is None or draws == "" else _whole("draws", draws, MIN_DRAWS, MAX_DRAWS, where)
    seed = DEFAULT_SEED if seed is None or seed == "" else _whole("seed", seed, 0, None, where)
    try:
        q = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        raise InputError(where, "p", p, "must be a number between 0 and 1") from None
    flat = q.ravel()
    bad = ~np.isfinite(flat) | (flat < 0) | (flat > 1)
    if isinstance(p, (bool, str)) or q.size == 0 or bad.any():
        value = p if np.ndim(p) == 0 or q.size == 0 else float(flat[np.argmax(bad)])
        raise InputError(where, "p", value, "must be a number between 0 and 1")
    fs = get_factor_set(None if factor_set in (None, "") else factor_set)
    out = np.percentile(_sorted_sample(fn, draws, seed, fs), q * 100)
    return float(out) if np.ndim(out) == 0 else out


__all__ = ["Drawn", "UncertaintyResult", "Case", "prepare", "ranges", "resolve", "run", "normal_ppf",
           "ictco2_percentile", "worksheet_function", "DEFAULT_DRAWS", "DEFAULT_SEED"]
