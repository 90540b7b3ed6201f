"""An input's range made concrete for one case, and its inverse CDF: what an uncertainty run draws from.

:func:`resolve` turns an input's :class:`~ictco2_xl.core.definitions.Distribution` into a :class:`Drawn`
(numbers in the input's unit, clipped to its valid range) around the input's value in the case at hand.
Used by :mod:`.uncertainty` (Latin-hypercube draws) and :mod:`.sensitivity` (swings).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..blocks import BLOCK as _BLOCK
from ..definitions import Distribution, Input

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
        """Values at the quantiles ``u`` (0..1): inverse-CDF sampling, so draws can share quantiles.

        Long arrays are done a block at a time into the result, so the formula's temporaries stay small."""
        u = np.asarray(u, float)
        if u.ndim == 1 and u.size > 2 * _BLOCK:
            out = np.empty(u.shape)
            for start in range(0, u.size, _BLOCK):
                out[start:start + _BLOCK] = self._ppf(u[start:start + _BLOCK])
            return out
        return self._ppf(u)

    def _ppf(self, u: np.ndarray) -> np.ndarray:
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


__all__ = ["Drawn", "normal_ppf", "resolve"]
