"""Vectorised evaluation of a model: validate inputs, fill defaults, run every step with numpy.

A model reaches this module only as an argument (``Model.run`` calls in), so it imports the building
blocks of :mod:`.definitions` but not :mod:`.model`."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Mapping

import numpy as np
import pandas as pd

from . import blocks, validation
from .definitions import Derived, Input, YearSeries
from .errors import InputError, did_you_mean
from .factors import FactorSet, check_factor, get_factor_set
from .numbers import number_problem, parse_text_column

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
    """The steps of one model run, by step name; scalars when all inputs were scalars.

    ``inputs`` holds the resolved inputs (defaults filled in), ``implied`` the implied defaults used. A run
    computes every step unless asked for some (``outputs``). Values take the run's full shape when first
    read, so an input left at its default costs nothing until it is read. A float64 array given as an input
    is used as given, not copied: do not change it while its Result is in use. ``rejected`` (runs with
    ``collect=True``) maps an input to ``(which, errors)``, see :class:`~.validation.Checked`.
    """

    def __init__(self, model: Model, values: dict, inputs: dict, implied: list[ImpliedUse],
                 factor_set: FactorSet, index=None, shape: tuple = (), rejected: dict | None = None):
        self.model, self.implied, self.factor_set, self.index = model, implied, factor_set, index
        self._values = _Shaped(values, shape, index)
        self.inputs = _Shaped(inputs, shape, index)
        self.shape = shape
        self.rejected = rejected or {}

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key) -> bool:
        return key in self._values

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


class _Shaped(Mapping):
    """Values given the run's full shape when first read: a float for a scalar run, else an array (a
    pandas Series when the run had an index)."""

    def __init__(self, raw: dict, shape: tuple, index):
        self._raw, self._shape, self._index, self._done = raw, shape, index, {}

    def __getitem__(self, key):
        if key not in self._done:
            self._done[key] = self._full(self._raw[key])
        return self._done[key]

    def _full(self, v):
        if isinstance(v, _Later):
            v = v.compute()
        v = np.asarray(v, dtype=float)
        if self._shape == ():
            return float(v)
        v = np.broadcast_to(v, self._shape).copy() if v.shape != self._shape else v
        return pd.Series(v, index=self._index) if self._index is not None and v.ndim == 1 else v

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key) -> bool:
        return key in self._raw


_derived_cache: dict = {}


def _default(model: Model, inp: Input, env: dict, fs: FactorSet):
    """Default value of an input and, if the report only implies it, how."""
    if inp.factor is not None:
        f = fs.get(inp.factor, inp.scope)
        check_factor(model.id, inp, f, fs)   # the input's rule holds for the factor that is its default
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
        outputs=None, collect: bool = False, **kwargs) -> Result:
    """Evaluate a model (see :meth:`Model.run`); ``outputs`` names the steps to compute (default: all).

    ``collect=True`` is for adapters that show each bad element where it is (worksheet ranges): a bad element
    of an array input does not raise; it takes the default and is listed in ``Result.rejected``.
    """
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
    wanted = _outputs(model, outputs)
    fs = get_factor_set(factor_set)
    if not collect:
        result = _run_checking_blocks(model, given, fs, wanted)
        if result is not None:
            return result

    checked: dict[str, validation.Checked] = {}
    index = None
    for inp in model.inputs:
        if inp.name in given:
            value = given[inp.name]
            c = validation.check(model.id, inp, value, blank_as_default, collect and np.ndim(value) > 0)
            checked[inp.name] = c
            if c.index is not None:
                if index is not None and not index.equals(c.index):
                    raise InputError(model.id, inp.name, "pandas index", "must share one index with the other Series inputs")
                index = c.index
    try:
        shape = np.broadcast_shapes(*(c.values.shape for c in checked.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {c.values.shape}" for k, c in checked.items() if c.values.ndim)
        raise InputError(model.id, "inputs", shapes, "", message=f"{model.id}: input arrays do not broadcast "
                         f"to one shape ({shapes})") from None
    env, resolved, implied = _resolve(model, checked, fs, wanted)
    values = blocks.evaluate(model, env, wanted, shape)
    rejected = {k: (c.which, c.errors) for k, c in checked.items() if c.errors}
    return Result(model, values, resolved, implied, fs, index, shape, rejected)


def _run_checking_blocks(model: Model, given: dict, fs: FactorSet, wanted: list[str]) -> Result | None:
    """The run of big float64 arrays, each checked a block at a time just after that block is computed
    (while it is in the cache, so the check costs no extra pass over memory), or None when the run is not
    of that kind or any check fails: the caller then checks everything first, which finds the first
    problem in input order exactly as an element-by-element check would (or fills blanks)."""
    arrays = {k: v for k, v in given.items() if isinstance(v, np.ndarray) and v.dtype == np.float64 and v.ndim}
    if not arrays:
        return None
    try:
        shape = np.broadcast_shapes(*(v.shape for v in arrays.values()))
    except ValueError:
        return None
    if blocks.block_rows(shape) is None:
        return None
    checked, per_block = {}, {}
    try:
        for inp in model.inputs:
            value = given.get(inp.name)
            if inp.name in arrays and value.ndim == len(shape) and value.shape[0] == shape[0]:
                checked[inp.name] = validation.Checked(value, None)
                per_block[inp.name] = validation.block_check(inp)
            elif inp.name in given:
                c = validation.check(model.id, inp, value, False)
                if c.index is not None or np.broadcast_shapes(c.values.shape, shape) != shape:
                    return None
                checked[inp.name] = c
        env, resolved, implied = _resolve(model, checked, fs, wanted)
        values = blocks.evaluate(model, env, wanted, shape, checks=per_block)
    except (InputError, ValueError, blocks.Unchecked):
        return None
    return Result(model, values, resolved, implied, fs, None, shape)


class _Later:
    """The default of an input that no requested step uses, computed only if read (a year-dependent default
    over a million years is an array-sized interpolation)."""

    def __init__(self, compute):
        self.compute = compute


def _resolve(model: Model, checked: dict, fs: FactorSet, wanted: list[str] | None = None):
    """Every input's value (the given one, the default, or the given one with defaults in its blanks), the
    inputs alone, and the implied defaults used."""
    env: dict = {}
    implied: list[ImpliedUse] = []
    used_by_steps = None if wanted is None else {n for s in blocks.needed(model, wanted) for n in s.expr.names}
    # The year comes first: year-dependent defaults need it.
    for inp in sorted(model.inputs, key=lambda i: i.name != "target_year"):
        c = checked.get(inp.name)
        if c is not None and c.blank is None:
            env[inp.name] = c.values
            continue
        d = inp.default
        if (c is None and used_by_steps is not None and inp.name not in used_by_steps and isinstance(d, YearSeries)
                and np.ndim(env.get("target_year")) > 0):
            year = env["target_year"]
            env[inp.name] = _Later(lambda d=d, year=year: d.at(year))
            if inp.provenance == "implied":
                implied.append(ImpliedUse(inp.name, float(d.at(np.ravel(year)[0])), inp.source, inp.note, inp.scope))
            continue
        value, used = _default(model, inp, env, fs)
        if c is not None:  # some blanks: fill them element by element
            value = np.where(c.blank, np.broadcast_to(value, np.broadcast_shapes(np.shape(value), c.blank.shape)),
                             c.values)
        if used is not None:
            implied.append(used)
        env[inp.name] = value
    resolved = {i.name: env[i.name] for i in model.inputs}
    for d in model.data:
        env[d.name] = d
    return env, resolved, implied


def _outputs(model: Model, outputs) -> list[str]:
    if outputs is None:
        return [s.name for s in model.steps]
    wanted = {outputs} if isinstance(outputs, str) else set(outputs)
    known = [s.name for s in model.steps]
    for name in wanted:
        if name not in known:
            raise InputError(model.id, "outputs", name, f"must be steps of the model: {', '.join(known)}")
    return [n for n in known if n in wanted]


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
        numbers = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
        text = None if numbers else raw.astype(str).str.strip()
        blank = raw.isna().to_numpy() | (text.eq("").to_numpy() if text is not None else False)
        if text is not None:
            text = text.where(~raw.isna(), "")
        arr = (raw.to_numpy(dtype=float, na_value=np.nan) if text is None  # text: the one number parser (core/numbers.py)
               else np.where(blank, np.nan, parse_text_column(text)))
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
            why = (number_problem(value) if not_number[pos] and not blank[pos] else "must be a number"
                   if not_number[pos] else ("must be a finite number" if not np.isfinite(arr[pos]) else rule))
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
