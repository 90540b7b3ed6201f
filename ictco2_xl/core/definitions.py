"""The building blocks of a model definition: inputs, equations (steps), data tables, uncertainty ranges.

A model (:class:`ictco2_xl.core.model.Model`) is written once with these classes. Everything else — the
Python call, the worksheet function, the template's formulas, the reference docs and the reconciliation —
is derived from it.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import DefinitionError
from .expr import Expression

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 60
# Names become Excel defined names: they must not read as a cell (A1 or R1C1 style: "tkm2008" is a cell in
# the XFD range, "r2c3" and "r" are R1C1 references) nor as TRUE/FALSE, and they must not shadow a function
# of the equation language (a Name and a call would render alike in Excel).
_CELL_LIKE = re.compile(r"^([a-z]{1,3}[0-9]+|r[0-9]*c?[0-9]*|c[0-9]*)$")
_RESERVED = frozenset({"true", "false", "exp", "ln", "min", "max", "growth", "logest_r2", "linear_trend"})


def name_problem(name) -> str | None:
    """Why ``name`` cannot be an input, step or table name (None: it can)."""
    if not isinstance(name, str) or not _NAME.match(name):
        return "must be lower-case letters, digits and underscores, starting with a letter"
    if len(name) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    if _CELL_LIKE.match(name):
        return "reads as a spreadsheet cell reference (e.g. ab12, r1c1); add a word, e.g. with an underscore"
    if name in _RESERVED or keyword.iskeyword(name):
        return "is a reserved word"
    return None


def _check_name(name: str, what: str) -> None:
    problem = name_problem(name)
    if problem:
        raise DefinitionError(f"{what} name {name!r} {problem}")


@dataclass(frozen=True)
class Bounds:
    """Valid range of an input; ``None`` means unbounded on that side."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False

    def rule(self) -> str:
        def num(v):
            return f"{v:g}"
        if self.lo is not None and self.hi is not None:
            if not self.lo_open and not self.hi_open:
                return f"must be between {num(self.lo)} and {num(self.hi)}"
            lo = "greater than" if self.lo_open else "at least"
            hi = "less than" if self.hi_open else "at most"
            return f"must be {lo} {num(self.lo)} and {hi} {num(self.hi)}"
        if self.lo is not None:
            return f"must be {'greater than' if self.lo_open else 'at least'} {num(self.lo)}"
        if self.hi is not None:
            return f"must be {'less than' if self.hi_open else 'at most'} {num(self.hi)}"
        return "must be a finite number"

    def bad(self, arr: np.ndarray) -> np.ndarray:
        """Boolean mask of elements outside the range."""
        bad = np.zeros(np.shape(arr), dtype=bool)
        if self.lo is not None:
            bad |= (arr <= self.lo) if self.lo_open else (arr < self.lo)
        if self.hi is not None:
            bad |= (arr >= self.hi) if self.hi_open else (arr > self.hi)
        return bad

    def sample_range(self, default: float) -> tuple[float, float]:
        """A finite range for random testing: the bounds, or a band around the default."""
        span = max(abs(default), 1.0)
        lo = self.lo if self.lo is not None else default - 10 * span
        hi = self.hi if self.hi is not None else default + 10 * span
        return lo, hi


POSITIVE = Bounds(0, None, lo_open=True)
NON_NEGATIVE = Bounds(0, None)
FRACTION = Bounds(0, 1)


@dataclass(frozen=True)
class YearSeries:
    """A default that depends on the year: the report's values at anchor years, interpolated between.

    ``interp`` is ``geometric`` (constant growth rate between anchors, for quantities that grow) or
    ``linear`` (for shares and rates). Anchor years give exactly the report's values.
    """

    points: tuple[tuple[int, float], ...]
    interp: str = "linear"

    def __post_init__(self):
        if self.interp not in ("linear", "geometric"):
            raise DefinitionError(f"YearSeries interp must be linear or geometric, got {self.interp!r}")
        years = [y for y, _ in self.points]
        if years != sorted(set(years)):
            raise DefinitionError("YearSeries anchor years must be strictly increasing")

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(y for y, _ in self.points)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(v for _, v in self.points)

    def at(self, year) -> np.ndarray:
        y = np.asarray(year, dtype=float)
        xs = np.array(self.years, float)
        vs = np.array(self.values, float)
        if self.interp == "geometric":
            out = np.exp(np.interp(y, xs, np.log(vs)))
        else:
            out = np.interp(y, xs, vs)
        # Anchor years give the report's value exactly (exp(log(v)) can be off in the last bit).
        idx = np.clip(np.searchsorted(xs, y), 0, len(xs) - 1)
        return np.where(xs[idx] == y, vs[idx], out)

    def describe(self) -> str:
        pts = ", ".join(f"{y}: {v:g}" for y, v in self.points)
        return f"by year ({pts}; {self.interp} in between)"


@dataclass(frozen=True)
class DataSeries:
    """A data table from the report that an equation fits a trend to (e.g. Table 5-7)."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    x_label: str
    y_label: str
    unit: str
    source: str
    note: str = ""

    def __post_init__(self):
        _check_name(self.name, "data table")
        if len(self.x) != len(self.y) or len(self.x) < 2:
            raise DefinitionError(f"data table {self.name} needs two equal-length columns")


@dataclass(frozen=True)
class Derived:
    """A default computed from other models (e.g. E1 = the sum of the fourteen appendix models)."""

    compute: Callable[[object], float]  # receives the FactorSet in use
    description: str


DISTRIBUTIONS = ("uniform", "triangular", "normal", "fixed")


@dataclass(frozen=True)
class Distribution:
    """How an uncertainty run draws an input (see ``ictco2_xl.core.analysis.uncertainty``).

    ``uniform`` draws evenly between ``low`` and ``high``; ``triangular`` between ``low`` and ``high``
    peaking at ``mode`` (default: the input's default); ``normal`` around ``mean`` (default: the input's
    default) with ``sd``, truncated to the input's valid range; ``fixed`` always gives ``value``
    (default: the input's default). With ``relative=True`` every number is a multiple of the input's
    default as resolved for the year and factor set in use, so one range serves every case. Ranges
    that reach outside the input's valid range are clipped to it. ``reason`` says why this range.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    value: float | None = None
    relative: bool = False
    reason: str = ""

    def __post_init__(self):
        if self.kind not in DISTRIBUTIONS:
            raise DefinitionError(f"distribution kind must be one of {', '.join(DISTRIBUTIONS)}, got {self.kind!r}")
        if self.kind in ("uniform", "triangular"):
            if self.low is None or self.high is None or not self.low < self.high:
                raise DefinitionError(f"{self.kind} distribution needs low < high, got {self.low!r} and {self.high!r}")
            if self.mode is not None and not self.low <= self.mode <= self.high:
                raise DefinitionError(f"triangular mode {self.mode!r} must lie between low and high")
        if self.kind == "normal" and not (self.sd is not None and self.sd > 0):
            raise DefinitionError(f"normal distribution needs sd > 0, got {self.sd!r}")

    @property
    def is_fixed(self) -> bool:
        return self.kind == "fixed"

    def describe(self) -> str:
        """Short text, e.g. ``triangular ×0.9–×1.1 of the value in use, peaking at it``."""
        def num(v):
            return f"×{v:g}" if self.relative else f"{v:g}"
        of = " of the value in use" if self.relative else ""
        if self.kind == "uniform":
            return f"uniform {num(self.low)}–{num(self.high)}{of}"
        if self.kind == "triangular":
            peak = ", peaking at it" if self.relative else ", peaking at the default"
            return f"triangular {num(self.low)}–{num(self.high)}{of}" + (peak if self.mode is None
                                                                          else f", peak {num(self.mode)}")
        if self.kind == "normal":
            mean = "the value in use" if self.mean is None else num(self.mean)
            return f"normal around {mean}, sd {num(self.sd)}{of}, truncated to the valid range"
        return "fixed" + ("" if self.value is None else f" at {num(self.value)}{of}")


def uniform(low: float, high: float, reason: str = "", relative: bool = False) -> Distribution:
    return Distribution("uniform", low=low, high=high, relative=relative, reason=reason)


def triangular(low: float, high: float, mode: float | None = None, reason: str = "",
               relative: bool = False) -> Distribution:
    return Distribution("triangular", low=low, high=high, mode=mode, relative=relative, reason=reason)


def normal(sd: float, mean: float | None = None, reason: str = "", relative: bool = False) -> Distribution:
    return Distribution("normal", mean=mean, sd=sd, relative=relative, reason=reason)


def fixed(value: float | None = None, reason: str = "", relative: bool = False) -> Distribution:
    return Distribution("fixed", value=value, relative=relative, reason=reason)


def spread(fraction: float, reason: str) -> Distribution:
    """Triangular from (1 - fraction) to (1 + fraction) times the default, peaking at the default."""
    return triangular(1 - fraction, 1 + fraction, reason=reason, relative=True)


@dataclass(frozen=True)
class Input:
    """One model input.

    ``provenance``: ``stated`` (printed in the report), ``implied`` (only the report's arithmetic implies
    it: ``note`` names the value the report states, if any), ``assumed`` (ours, where the report is
    silent: ``note`` says why). Inputs with ``factor`` take their default from the selected factor set.
    ``extensive`` marks activity inputs: scaling all of a model's extensive inputs together by k scales
    its primary result by k (checked by property tests).
    """

    name: str
    label: str
    label_zh: str
    unit: str
    default: float | YearSeries | Derived | None = None
    bounds: Bounds = NON_NEGATIVE
    source: str = ""
    factor: str | None = None
    provenance: str = "stated"
    note: str = ""
    integer: bool = False
    extensive: bool = False
    scope: str | None = None  # model id used to look up model-specific factors
    uncertainty: Distribution | None = None  # None: fixed at the default in uncertainty runs
    data_quality: str = ""  # how good the value is (measured, estimated, ...), for the assessment record

    def __post_init__(self):
        _check_name(self.name, "input")
        if self.provenance not in ("stated", "implied", "assumed"):
            raise DefinitionError(f"input {self.name}: provenance must be stated, implied or assumed")
        if (self.default is None) == (self.factor is None):
            raise DefinitionError(f"input {self.name}: give exactly one of default or factor")
        u = self.uncertainty
        if u is not None:
            if not isinstance(u, Distribution):
                raise DefinitionError(f"input {self.name}: uncertainty must be a Distribution")
            if self.integer and not u.is_fixed:
                raise DefinitionError(f"input {self.name}: a whole-number input (a case selector) cannot be drawn")
            if not u.reason:
                raise DefinitionError(f"input {self.name}: an uncertainty range needs its reason")
            if not u.relative:
                ends = [v for v in (u.low, u.high, u.mode, u.value) if v is not None]
                if self.bounds.bad(np.array(ends, float)).any():
                    raise DefinitionError(f"input {self.name}: uncertainty range {u.describe()} leaves the valid "
                                          f"range ({self.bounds.rule()})")


@dataclass(frozen=True)
class Step:
    """One labelled equation; its name becomes a variable later steps (and outputs) can use."""

    name: str
    expr: Expression
    unit: str
    label: str
    label_zh: str = ""
    note: str = ""

    def __post_init__(self):
        _check_name(self.name, "step")
        if isinstance(self.expr, str):
            object.__setattr__(self, "expr", Expression(self.expr))
