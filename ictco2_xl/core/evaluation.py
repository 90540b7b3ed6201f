"""Vectorised evaluation of a model: validate inputs, fill defaults, run every step with numpy.

A model reaches this module only as an argument (``Model.run`` calls in), so it imports the building
blocks of :mod:`.definitions` but not :mod:`.model`."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Mapping

import numpy as np
import pandas as pd

from .definitions import Derived, Input, YearSeries
from .errors import InputError, did_you_mean
from .factors import FactorSet, get_factor_set

if TYPE_CHECKING:  # annotations only
    from .model import Model


@dataclass(frozen=True)
class ImpliedUse:
    """A default the report never states (only its arithmetic implies it) was used in a run."""

    name: str
    value: float
    source: str
    note: str
    model: str = ""
    behind: tuple = ()   # for a value derived from other models: the implied values it rests on


def implied_behind(result: "Result", names) -> list[ImpliedUse]:
    """The implied defaults that the given outputs or inputs of a run actually depend on."""
    model = result.model
    deps = set().union(*({n} if n in result.inputs else model.dependencies(n) for n in names))
    return [u for u in result.implied if u.name in deps]


_collector: ContextVar[list | None] = ContextVar("implied_collector", default=None)


def output_for_default(model: Model, fs, output: str | None = None) -> float:
    """A model output (or resolved input) used as another model's default; records what it implies."""
    res = run(model, {}, fs)
    output = output or model.primary
    sink = _collector.get()
    if sink is not None:
        sink.extend(implied_behind(res, [output]))
    return float(res[output] if output in res else res.inputs[output])


class Result(Mapping):
    """Every step of one model run, by step name; scalars when all inputs were scalars.

    ``inputs`` holds the resolved inputs (defaults filled in), ``implied`` the implied defaults used.
    """

    def __init__(self, model: Model, values: dict, inputs: dict, implied: list[ImpliedUse],
                 factor_set: FactorSet, index=None):
        self.model, self._values, self.inputs, self.implied = model, values, inputs, implied
        self.factor_set, self.index = factor_set, index

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def primary(self):
        return self._values[self.model.primary]

    def to_frame(self) -> pd.DataFrame:
        """Inputs and steps as columns, one row per scenario."""
        cols = {**self.inputs, **self._values}
        if all(np.ndim(v) == 0 for v in cols.values()):
            return pd.DataFrame({k: [v] for k, v in cols.items()})
        return pd.DataFrame({k: (v.to_numpy() if isinstance(v, pd.Series) else np.ravel(v))
                             if np.ndim(v) else v for k, v in cols.items()}, index=self.index)

    def __repr__(self):
        body = ", ".join(f"{k}={v!r}" for k, v in self._values.items() if np.ndim(v) == 0)
        return f"<Result {self.model.id}: {body or f'{len(self)} steps'}>"


def _position(index, flat_shape, pos) -> str | None:
    if len(flat_shape) == 0:
        return None
    if index is not None:
        return f"row {index[pos[0]]!r}"
    if len(flat_shape) == 1:
        return f"item {pos[0] + 1}"
    return "row {}, column {}".format(*(p + 1 for p in pos[:2]))


def _to_float(model: Model, inp: Input, value, blank_as_default: bool):
    """Float array of a given input, its blank mask and any pandas index; raises InputError."""
    index = None
    if isinstance(value, (pd.Series, pd.Index)):
        index = value.index if isinstance(value, pd.Series) else None
        value = value.to_numpy()
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise InputError(model.id, inp.name, value, "must be a number")
    arr = np.asarray(value)
    if arr.dtype.kind in "iuf":
        arr = arr.astype(float)
        blank = np.isnan(arr) if blank_as_default else np.zeros(arr.shape, bool)
    else:
        out = np.empty(arr.shape, float)
        blank = np.zeros(arr.shape, bool)
        for pos, v in np.ndenumerate(arr):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number, type(None), str)):
                raise InputError(model.id, inp.name, v, "must be a number", _position(index, arr.shape, pos))
            if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and np.isnan(v)):
                if not blank_as_default:
                    raise InputError(model.id, inp.name, v, "must be a number", _position(index, arr.shape, pos))
                blank[pos] = True
                out[pos] = np.nan
            elif isinstance(v, str):
                raise InputError(model.id, inp.name, v, "must be a number", _position(index, arr.shape, pos))
            else:
                out[pos] = float(v)
        arr = out
    finite = np.isfinite(arr) | blank
    if not finite.all():
        pos = np.unravel_index(int(np.argmin(finite)), arr.shape)
        raise InputError(model.id, inp.name, float(arr[pos]), "must be a finite number",
                         _position(index, arr.shape, pos))
    return arr, blank, index


def _check(model: Model, inp: Input, arr: np.ndarray, blank: np.ndarray, index) -> None:
    bad = inp.bounds.bad(arr) & ~blank
    rule = inp.bounds.rule()
    if inp.integer:
        bad |= (arr != np.round(arr)) & ~blank
        rule = f"must be a whole number and {rule.removeprefix('must be ')}"
    if bad.any():
        pos = np.unravel_index(int(np.argmax(bad)), arr.shape)
        raise InputError(model.id, inp.name, float(arr[pos]), rule, _position(index, arr.shape, pos))


_derived_cache: dict = {}


def _default(model: Model, inp: Input, env: dict, fs: FactorSet):
    """Default value of an input and, if the report only implies it, how."""
    if inp.factor is not None:
        f = fs.get(inp.factor, inp.scope)
        implied = ImpliedUse(inp.name, f.value, f.source, f.note, inp.scope) if f.status == "implied" else None
        return f.value, implied
    d = inp.default
    if isinstance(d, YearSeries):
        value = d.at(env["target_year"])
    elif isinstance(d, Derived):
        key = (model.id, inp.name, id(fs))
        if key not in _derived_cache:
            sink: list[ImpliedUse] = []
            token = _collector.set(sink)
            try:
                value = float(d.compute(fs))
            finally:
                _collector.reset(token)
            grouped: dict[str, set] = {}
            for u in sink:
                grouped.setdefault(f"{u.name} = {u.value:.6g}", set()).add(u.model)
            behind = [f"{k} ({', '.join(sorted(v))})" for k, v in sorted(grouped.items())]
            use = ImpliedUse(inp.name, value, d.description, "derived from models using implied values: "
                             + "; ".join(behind), model.id, tuple(sink)) if behind else None
            _derived_cache[key] = (fs, value, use)
        return _derived_cache[key][1], _derived_cache[key][2]
    else:
        value = float(d)
    implied = None
    if inp.provenance == "implied":
        first = float(np.ravel(value)[0])
        implied = ImpliedUse(inp.name, first, inp.source, inp.note, inp.scope)
    return value, implied


def run(model: Model, inputs: Mapping | None = None, factor_set=None, *, blank_as_default: bool = False,
        **kwargs) -> Result:
    given = dict(inputs or {})
    for k, v in kwargs.items():
        if k in given:
            raise TypeError(f"{model.id}: {k} given twice")
        given[k] = v
    names = [i.name for i in model.inputs]
    for k in given:
        if k not in names:
            raise InputError(model.id, k, k, "", message=f"{model.id}: unknown input {k!r}{did_you_mean(k, names)}; "
                             f"inputs are: {', '.join(names)}")
    fs = get_factor_set(factor_set)

    arrays, blanks, index = {}, {}, None
    for inp in model.inputs:
        if inp.name in given:
            arr, blank, idx = _to_float(model, inp, given[inp.name], blank_as_default)
            _check(model, inp, arr, blank, idx)
            arrays[inp.name], blanks[inp.name] = arr, blank
            if idx is not None:
                if index is not None and not index.equals(idx):
                    raise InputError(model.id, inp.name, "pandas index", "must share one index with the other Series inputs")
                index = idx
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items() if a.ndim)
        raise InputError(model.id, "inputs", shapes, "", message=f"{model.id}: input arrays do not broadcast "
                         f"to one shape ({shapes})") from None

    env: dict = {}
    implied: list[ImpliedUse] = []
    # The year comes first: year-dependent defaults need it.
    for inp in sorted(model.inputs, key=lambda i: i.name != "target_year"):
        if inp.name in arrays and not blanks[inp.name].any():
            env[inp.name] = arrays[inp.name]
            continue
        value, used = _default(model, inp, env, fs)
        if inp.name in arrays:  # some blanks: fill them element by element
            blank = blanks[inp.name]
            value = np.where(blank, np.broadcast_to(value, np.broadcast_shapes(np.shape(value), blank.shape)),
                             arrays[inp.name])
        if used is not None:
            implied.append(used)
        env[inp.name] = value
    for d in model.data:
        env[d.name] = d
    with np.errstate(all="ignore"):
        for step in model.steps:
            env[step.name] = step.expr.evaluate(env)

    def shaped(v):
        v = np.asarray(v, dtype=float)
        if shape == ():
            return float(v)
        v = np.broadcast_to(v, shape).copy() if v.shape != shape else v
        return pd.Series(v, index=index) if index is not None and v.ndim == 1 else v

    resolved = {i.name: shaped(env[i.name]) for i in model.inputs}
    values = {s.name: shaped(env[s.name]) for s in model.steps}
    return Result(model, values, resolved, implied, fs, index)


def validate_frame(model: Model, frame: pd.DataFrame, *, blank_as_default: bool = True):
    """Every bad cell of a scenario table at once, instead of stopping at the first.

    Returns (numeric frame of the model's input columns with NaN for blanks, {row position: [InputError]}).
    Used where one bad row must not stop the others (batch generation)."""
    numeric = {}
    errors: dict[int, list[InputError]] = {}
    labels = list(frame.index)
    for inp in model.inputs:
        if inp.name not in frame.columns:
            continue
        raw = frame[inp.name]
        text = None if pd.api.types.is_numeric_dtype(raw) else raw.astype(str).str.strip()
        blank = raw.isna().to_numpy() | (text.eq("").to_numpy() if text is not None else False)
        if text is not None:
            text = text.where(~raw.isna(), "")
        values = pd.to_numeric(raw.where(~blank) if text is None else text.where(~blank), errors="coerce")
        arr = values.to_numpy(dtype=float)
        not_number = np.isnan(arr) & ~blank
        if not blank_as_default:
            not_number |= blank
        bad_value = ~not_number & ~blank & (~np.isfinite(arr) | inp.bounds.bad(np.nan_to_num(arr, nan=0.0)))
        if inp.integer:
            bad_value |= ~not_number & ~blank & np.isfinite(arr) & (arr != np.round(arr))
        rule = inp.bounds.rule()
        if inp.integer:
            rule = f"must be a whole number and {rule.removeprefix('must be ')}"
        for pos in np.flatnonzero(not_number | bad_value):
            value = raw.iloc[pos]
            value = float(arr[pos]) if bad_value[pos] else value
            why = "must be a number" if not_number[pos] else ("must be a finite number" if not np.isfinite(arr[pos])
                                                              else rule)
            errors.setdefault(int(pos), []).append(InputError(model.id, inp.name, value, why, f"row {labels[pos]!r}"))
        numeric[inp.name] = np.where(blank, np.nan, arr)
    return pd.DataFrame(numeric, index=frame.index), errors


def evaluate_frame(model: Model, frame: pd.DataFrame, factor_set=None, *, blank_as_default: bool = False,
                   extra: str = "error") -> pd.DataFrame:
    """Evaluate every row of ``frame`` in one pass; missing columns take defaults.

    ``extra``: ``error`` (default) rejects columns that are not inputs, ``ignore`` passes them through.
    Returns the resolved inputs and every step, with the frame's index.
    """
    names = {i.name for i in model.inputs}
    unknown = [c for c in frame.columns if c not in names]
    if unknown and extra == "error":
        raise InputError(model.id, str(unknown[0]), unknown[0], "", message=f"{model.id}: column {unknown[0]!r} "
                         f"is not an input{did_you_mean(unknown[0], names)}; inputs are: "
                         f"{', '.join(i.name for i in model.inputs)}")
    given = {c: frame[c] for c in frame.columns if c in names}
    if not given:
        res = run(model, {}, factor_set)
        out = pd.DataFrame({k: [v] * len(frame) for k, v in {**res.inputs, **res}.items()}, index=frame.index)
    else:
        out = run(model, given, factor_set, blank_as_default=blank_as_default).to_frame()
    if extra == "ignore" and unknown:
        out = pd.concat([frame[unknown], out], axis=1)
    return out
