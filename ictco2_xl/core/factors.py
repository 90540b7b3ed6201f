"""Emission-factor sets: every factor carries its value, unit, year, source and provenance.

Two sets ship with the package: ``report`` (what the 2010 report uses, including values its arithmetic
implies for a particular model) and ``current`` (newer published factors). Users can load their own set
from a TOML or CSV file; keys they leave out fall back to the set named in ``base``.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

import numpy as np

from .csvio import decode_text
from .errors import FactorSetError, InputError, did_you_mean
from .numbers import parse_number

MAX_FILE_BYTES = 4 * 2**20

#: Every factor key with its unit and meaning. A loaded set must use these units.
FACTOR_KEYS: dict[str, tuple[str, str]] = {
    "grid_kg_per_kwh": ("kg CO2/kWh", "Grid electricity emission factor"),
    "diesel_kg_per_l": ("kg CO2/L", "Diesel emission factor per litre"),
    "diesel_embodied_multiplier": ("1", "Extra multiplier Table 5-1 applies to the diesel factor"),
    "gasoline_kg_per_l": ("kg CO2/L", "Gasoline emission factor per litre"),
    "jet_kerosene_kg_per_l": ("kg CO2/L", "Jet kerosene emission factor per litre"),
    "a4_sheet_kg": ("kg CO2/sheet", "Production emission of one A4 sheet of paper"),
    "paper_kg_per_kg": ("kg CO2/kg", "Production emission per kg of paper"),
    "pvc_kg_per_kg": ("kg CO2/kg", "Production emission per kg of PVC card"),
    "cd_kg_per_disc": ("kg CO2/disc", "Life-cycle emission of one CD/DVD"),
    "network_kwh_per_mb": ("kWh/MB", "Mobile network electricity per megabyte of traffic"),
}

STATUSES = ("stated", "implied", "derived", "external", "carried")


@dataclass(frozen=True)
class Factor:
    """One emission factor with its provenance.

    ``status``: ``stated`` (the report prints it), ``implied`` (only the report's arithmetic implies
    it), ``derived`` (computed from stated values), ``external`` (a source newer than the report),
    ``carried`` (no newer value known; the report's value is carried over).
    ``model`` limits the entry to one model (the report uses different values in different tables).
    """

    key: str
    value: float
    unit: str
    year: str = ""
    source: str = ""
    status: str = "stated"
    note: str = ""
    model: str | None = None

    def describe(self) -> str:
        scope = f" [{self.model}]" if self.model else ""
        return f"{self.key}{scope} = {self.value:g} {self.unit} ({self.status}; {self.source})"


@dataclass
class FactorSet:
    name: str
    description: str = ""
    factors: dict[tuple[str, str | None], Factor] = field(default_factory=dict)
    base: "FactorSet | None" = None

    def get(self, key: str, model: str | None = None) -> Factor:
        """The factor for ``key`` as used by ``model`` (a model-specific entry wins)."""
        if model is not None and (key, model) in self.factors:
            return self.factors[(key, model)]
        if (key, None) in self.factors:
            return self.factors[(key, None)]
        if self.base is not None:
            return self.base.get(key, model)
        raise FactorSetError(f"factor set {self.name!r} has no factor {key!r}")

    def value(self, key: str, model: str | None = None) -> float:
        return self.get(key, model).value

    def entries(self) -> list[Factor]:
        """Own entries first, then inherited ones not overridden, sorted by key and model."""
        seen = dict(self.factors)
        base = self.base
        while base is not None:
            for k, f in base.factors.items():
                seen.setdefault(k, f)
            base = base.base
        return sorted(seen.values(), key=lambda f: (f.key, f.model or ""))

    # -- loading ----------------------------------------------------------------------------------
    @classmethod
    def from_records(cls, name, records, description="", base=None, origin="") -> "FactorSet":
        """A set from entries (dicts with key, value, unit, year, source, status, model, note). Every
        problem is found; all of them are refused together, one line each."""
        fs = cls(name=name, description=description, base=base)
        problems: list[str] = []
        for i, rec in enumerate(records, start=1):
            where = f"{origin or name}, factor {i}"
            factor = _factor(rec, where, problems)
            if factor is None:
                continue
            if (factor.key, factor.model) in fs.factors:
                scope = f" for model {factor.model}" if factor.model else ""
                problems.append(f"{where}: {factor.key} is given twice{scope}")
                continue
            fs.factors[(factor.key, factor.model)] = factor
        if problems:
            raise FactorSetError("\n".join(problems))
        return fs

    @classmethod
    def from_toml_text(cls, text: str, origin: str = "", name: str | None = None) -> "FactorSet":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FactorSetError(f"{origin}: not valid TOML: {exc}") from None
        problems = [f"{origin}: unknown top-level key {_quote(k)}{_did_you_mean(k, TOML_KEYS)}; a factor file has "
                    f"{', '.join(TOML_KEYS[:-1])} and [[factor]] tables" for k in data if k not in TOML_KEYS]
        for k in ("name", "description", "base"):
            if k in data and not isinstance(data[k], str):
                problems.append(f"{origin}: {k} must be text in quotes, got {_kind(data[k])}")
        entries = data.get("factor", [])
        if isinstance(entries, dict):
            problems.append(f"{origin}: write each factor as a [[factor]] table (two brackets), not [factor]")
            entries = []
        elif not isinstance(entries, list):
            problems.append(f"{origin}: factor must be [[factor]] tables, got {_kind(entries)}")
            entries = []
        elif not entries and not problems:
            problems.append(f"{origin}: no factors: add one [[factor]] table (key, value, unit, ...) per factor")
        for i, e in enumerate(entries, start=1):
            if not isinstance(e, dict):
                problems.append(f"{origin}, factor {i}: must be a [[factor]] table, got {_kind(e)}")
        if problems:
            raise FactorSetError("\n".join(problems))
        base = _base_for(data.get("base", "report"), data.get("name"), origin)
        return cls.from_records(name or data.get("name") or Path(origin).stem, entries,
                                description=data.get("description", ""), base=base, origin=origin)

    @classmethod
    def from_csv_text(cls, text: str, origin: str = "", name: str | None = None,
                      base: str | None = "report") -> "FactorSet":
        rows = list(csv.reader(io.StringIO(text)))
        while rows and not any(c.strip() for c in rows[-1]):
            rows.pop()
        if not rows:
            raise FactorSetError(f"{origin}: the file is empty; a factor CSV has the columns key,value "
                                 "(optional: unit,year,source,status,model,note) and one row per factor")
        header = [h.strip() for h in rows[0]]
        if not {"key", "value"} <= set(header):   # not a factor file: say nothing of what it holds
            raise FactorSetError(f"{origin}: not a factor file: its first row must name the columns key,value "
                                 "(optional: unit,year,source,status,model,note)")
        problems = [f"{origin}: unknown column {_quote(h)}{_did_you_mean(h, FIELDS)}; columns are {', '.join(FIELDS)}"
                    for h in header if h not in FIELDS]
        if len(set(header)) != len(header):
            problems.append(f"{origin}: a column is named twice in the first row")
        if len(rows) == 1:
            problems.append(f"{origin}: no factors below the header row")
        for r, row in enumerate(rows[1:], start=2):
            if len(row) != len(header) and any(c.strip() for c in row):
                problems.append(f"{origin}, row {r}: {len(row)} values for {len(header)} columns")
        if problems:
            raise FactorSetError("\n".join(problems))
        records = [dict(zip(header, row)) for row in rows[1:] if any(c.strip() for c in row)]
        return cls.from_records(name or Path(origin).stem, records, base=_base_for(base, name, origin), origin=origin)


#: What a factor file may say: its top-level keys and the fields of each factor.
TOML_KEYS = ("name", "description", "base", "factor")
FIELDS = ("key", "value", "unit", "year", "source", "status", "model", "note")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")   # a key-like name; anything else is not echoed
_NUMBERISH = re.compile(r"[0-9.,+\-eE _%]{1,24}")


def _quote(text) -> str:
    """A name from the file, quoted only if it looks like a name: never echo arbitrary file content."""
    text = str(text)
    return repr(text) if _NAME.fullmatch(text) else f"(a name of {len(text)} characters)"


def _shown_name(name: str) -> str:
    """A set name as given, cut so that one message stays one readable line."""
    text = repr(name)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value) -> str:
    kinds = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a table"}
    return next((k for t, k in kinds.items() if isinstance(value, t)), type(value).__name__)


def _did_you_mean(text: str, choices) -> str:
    close = difflib.get_close_matches(str(text), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close and _NAME.fullmatch(str(text)) else ""


def _factor(rec: dict, where: str, problems: list[str]) -> "Factor | None":
    """One entry as a Factor, or None with its problems added."""
    before = len(problems)
    for k in rec:
        if k not in FIELDS:
            problems.append(f"{where}: unknown field {_quote(k)}{_did_you_mean(k, FIELDS)}; fields are {', '.join(FIELDS)}")
    key = rec.get("key")
    if not isinstance(key, str) or not key.strip():
        problems.append(f"{where}: key is missing (one of {', '.join(FACTOR_KEYS)})")
        return None
    key = key.strip()
    if key not in FACTOR_KEYS:
        problems.append(f"{where}: unknown factor key {_quote(key)}{_did_you_mean(key, FACTOR_KEYS)}; known keys: "
                        f"{', '.join(FACTOR_KEYS)}")
        return None
    unit = str(rec.get("unit") or FACTOR_KEYS[key][0]).strip()
    if unit != FACTOR_KEYS[key][0]:
        shown = repr(unit) if len(unit) <= 24 else f"of {len(unit)} characters"
        problems.append(f"{where}: {key} must be in {FACTOR_KEYS[key][0]!r}, got unit {shown}")
    value = _value(rec.get("value"), key, where, problems)
    status = str(rec.get("status") or "external").strip()
    if status not in STATUSES:
        problems.append(f"{where}: status must be one of {', '.join(STATUSES)}, got {_quote(status)}")
    model = rec.get("model")
    model = str(model).strip() if isinstance(model, str) and model.strip() else None
    if value is not None:
        problems += [f"{where}: {p}" for p in _use_problems(key, value, model)]
    for k in ("year", "source", "note"):
        if k in rec and not isinstance(rec[k], (str, int)):
            problems.append(f"{where}: {k} must be text, got {_kind(rec[k])}")
    if "model" in rec and not isinstance(rec["model"], str):
        problems.append(f"{where}: model must be a model id in quotes, got {_kind(rec['model'])}")
    if len(problems) > before:
        return None
    return Factor(key=key, value=value, unit=unit, year=str(rec.get("year") or ""), source=str(rec.get("source") or ""),
                  status=status, note=str(rec.get("note") or ""), model=model)


def _value(raw, key: str, where: str, problems: list[str]) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        problems.append(f"{where}: {key} value is missing")
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        problems.append(f"{where}: {key} value must be a number, got {_kind(raw)}")
        return None
    try:
        return parse_number(raw)
    except ValueError as exc:
        shown = f", got {raw!r}" if isinstance(raw, str) and _NUMBERISH.fullmatch(raw.strip()) else ""
        problems.append(f"{where}: {key} value {exc}{shown}")
        return None


# Which models look up which factor, and with what rule (an input's bounds): told by core.models, which
# imports this module and so cannot be imported here.
_users: Callable[[], dict[str, list]] | None = None


def set_factor_users(users: Callable[[], dict[str, list]]) -> None:
    """Register ``users() -> {factor key: [(model scope, Input), ...], "__models__": [model ids]}``."""
    global _users
    _users = users


def _use_problems(key: str, value: float, model: str | None) -> list[str]:
    """A factor value checked with the rules of the inputs it feeds; a model scope checked against the models."""
    users = _users() if _users is not None else {}
    feeds = users.get(key, [])
    scopes = sorted({scope for scope, _ in feeds})
    if model is not None and scopes and model not in scopes:
        what = "is not a model" if model not in users.get("__models__", []) else f"does not use {key}"
        return [f"model {_quote(model)} {what}{_did_you_mean(model, scopes)}; the models that use {key} are: "
                f"{', '.join(scopes)}"]
    broken = [(scope, inp) for scope, inp in feeds if (model is None or scope == model) and inp.bounds.bad(np.array(value))]
    if broken:
        scope, inp = broken[0]
        others = len({s for s, _ in broken}) - 1
        return [f"{key} = {value:g} {inp.bounds.rule()} (the rule of input {inp.name}, whose default it is, in "
                f"{scope}{f' and {others} other model(s)' if others else ''})"]
    if not feeds and value < 0:
        return [f"{key} = {value:g} must be at least 0"]
    return []


def check_factor(model_id: str, inp, factor: "Factor", fs: "FactorSet") -> None:
    """At run time: a factor that feeds ``inp`` must keep ``inp``'s rule (sets built in Python bypass the loader)."""
    if inp.bounds.bad(np.array(factor.value)):
        raise InputError(model_id, inp.name, factor.value, inp.bounds.rule(),
                         message=f"{model_id}: factor {factor.key} = {factor.value:g} of factor set {fs.name!r} "
                                 f"{inp.bounds.rule()} (the rule of input {inp.name}, whose default it is)")


def _base_for(base_name, own_name, origin=""):
    if base_name in (None, "", "none") or base_name == own_name:
        return None
    try:
        return get_factor_set(base_name)
    except FactorSetError as exc:
        raise FactorSetError(f"{origin}: base: {exc}" if origin else str(exc)) from None


_REGISTRY: dict[str, FactorSet] = {}


def _builtin(name: str) -> FactorSet:
    text = resources.files("ictco2_xl.core").joinpath("data", f"factors_{name}.toml").read_text("utf-8")
    return FactorSet.from_toml_text(text, origin=f"factors_{name}.toml", name=name)


FILE_SUFFIXES = (".toml", ".csv")
_FROM_FILES: dict[tuple[str, int, int], FactorSet] = {}


def get_factor_set(name: "str | Path | FactorSet | None" = None, files: bool = True) -> FactorSet:
    """A factor set by name (``report``, ``current`` or one loaded with :func:`load_factor_set`) or the path
    of a ``.toml``/``.csv`` factor file (read once per version of the file). ``files=False`` for names that
    come from data (a scenario table's cell): such a name never opens a file."""
    if isinstance(name, FactorSet):
        return name
    name = "report" if name in (None, "") else str(name).strip()
    if name not in _REGISTRY and name.lower().endswith(FILE_SUFFIXES):
        if not files:
            raise FactorSetError(f"factor_set must be 'report', 'current' or a loaded set, got {_shown_name(name)}: a "
                                 "table names a set and never opens a file (give a factor file with --factor-set FILE)")
        return _from_file(Path(name))
    if name not in _REGISTRY:
        if name in ("report", "current"):
            _REGISTRY[name] = _builtin(name)
        else:
            known = ["report", "current", *sorted(set(_REGISTRY) - {"report", "current"})]
            if not files:   # a table's cell: offering a file here would invite one that is never opened
                raise FactorSetError(f"factor_set must be 'report', 'current' or a loaded set, got "
                                     f"{_shown_name(name)}{did_you_mean(name, known)}")
            raise FactorSetError(f"factor_set must be 'report', 'current', a loaded set or a .toml/.csv factor "
                                 f"file, got {_shown_name(name)}{did_you_mean(name, known)}")
    return _REGISTRY[name]


def _from_file(path: Path) -> FactorSet:
    try:
        stat = path.stat()
    except OSError:
        raise FactorSetError(f"factor set file not found: {path}") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _FROM_FILES:
        _FROM_FILES[key] = load_factor_set(path, register=False)
    return _FROM_FILES[key]


def load_factor_set(path, name: str | None = None, register: bool = True) -> FactorSet:
    """Load a factor set from a ``.toml`` or ``.csv`` file and (by default) register it by name."""
    path = Path(path)
    if not path.is_file():
        raise FactorSetError(f"factor set file not found: {path}")
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".csv"):
        raise FactorSetError(f"factor set file must end in .toml or .csv, got {path.name!r}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FactorSetError(f"{path}: {path.stat().st_size:,} bytes is too large for a factor file "
                             f"(at most {MAX_FILE_BYTES:,})")
    data = path.read_bytes()
    if suffix == ".toml":
        try:   # TOML is UTF-8 by definition
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FactorSetError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02X} at byte {exc.start + 1}); "
                                 "TOML files must be saved as UTF-8") from None
        fs = FactorSet.from_toml_text(text, origin=str(path), name=name)
    else:
        try:
            text, _ = decode_text(data)
        except ValueError as exc:
            raise FactorSetError(f"{path}: {exc}; save it from Excel as 'CSV UTF-8 (Comma delimited)'") from None
        fs = FactorSet.from_csv_text(text, origin=str(path), name=name)
    if fs.name in ("report", "current"):
        raise FactorSetError(f"{path}: the names 'report' and 'current' are reserved; choose another name")
    if register:
        _REGISTRY[fs.name] = fs
    return fs


def factor_set_names() -> list[str]:
    get_factor_set("report"), get_factor_set("current")
    return list(_REGISTRY)


__all__ = ["Factor", "FactorSet", "FACTOR_KEYS", "FIELDS", "TOML_KEYS", "get_factor_set", "load_factor_set",
           "factor_set_names", "set_factor_users", "check_factor"]
