"""Emission-factor sets: every factor carries its value, unit, year, source and provenance.

Two sets ship with the package: ``report`` (what the 2010 report uses, including values its arithmetic
implies for a particular model) and ``current`` (newer published factors). Users can load their own set
from a TOML or CSV file; keys they leave out fall back to the set named in ``base``.
"""
from __future__ import annotations

import csv
import io
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import FactorSetError, did_you_mean

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
        fs = cls(name=name, description=description, base=base)
        for i, rec in enumerate(records, start=1):
            where = f"{origin or name} entry {i}"
            key = str(rec.get("key", "")).strip()
            if key not in FACTOR_KEYS:
                raise FactorSetError(f"{where}: unknown factor key {key!r}; known keys: {', '.join(FACTOR_KEYS)}")
            unit = str(rec.get("unit") or FACTOR_KEYS[key][0]).strip()
            if unit != FACTOR_KEYS[key][0]:
                raise FactorSetError(f"{where}: {key} must be in {FACTOR_KEYS[key][0]!r}, got unit {unit!r}")
            try:
                value = float(rec.get("value"))
            except (TypeError, ValueError):
                raise FactorSetError(f"{where}: {key} value must be a number, got {rec.get('value')!r}") from None
            if not math.isfinite(value) or value < 0:
                raise FactorSetError(f"{where}: {key} value must be a finite number >= 0, got {value!r}")
            status = str(rec.get("status") or "external").strip()
            if status not in STATUSES:
                raise FactorSetError(f"{where}: status must be one of {', '.join(STATUSES)}, got {status!r}")
            model = str(rec.get("model") or "").strip() or None
            if (key, model) in fs.factors:
                raise FactorSetError(f"{where}: {key} is given twice" + (f" for model {model}" if model else ""))
            fs.factors[(key, model)] = Factor(key=key, value=value, unit=unit, year=str(rec.get("year") or ""),
                                              source=str(rec.get("source") or ""), status=status,
                                              note=str(rec.get("note") or ""), model=model)
        return fs

    @classmethod
    def from_toml_text(cls, text: str, origin: str = "", name: str | None = None) -> "FactorSet":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FactorSetError(f"{origin}: not valid TOML: {exc}") from None
        base = _base_for(data.get("base", "report"), data.get("name"))
        return cls.from_records(name or data.get("name") or Path(origin).stem, data.get("factor", []),
                                description=data.get("description", ""), base=base, origin=origin)

    @classmethod
    def from_csv_text(cls, text: str, origin: str = "", name: str | None = None,
                      base: str | None = "report") -> "FactorSet":
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and not {"key", "value"} <= set(rows[0]):
            raise FactorSetError(f"{origin}: CSV needs at least the columns key,value "
                                 "(optional: unit,year,source,status,model,note)")
        return cls.from_records(name or Path(origin).stem, rows, base=_base_for(base, name), origin=origin)


def _base_for(base_name, own_name):
    if base_name in (None, "", "none") or base_name == own_name:
        return None
    return get_factor_set(base_name)


_REGISTRY: dict[str, FactorSet] = {}


def _builtin(name: str) -> FactorSet:
    text = resources.files("ictco2_xl.core").joinpath("data", f"factors_{name}.toml").read_text("utf-8")
    return FactorSet.from_toml_text(text, origin=f"factors_{name}.toml", name=name)


FILE_SUFFIXES = (".toml", ".csv")
_FROM_FILES: dict[tuple[str, int, int], FactorSet] = {}


def get_factor_set(name: "str | Path | FactorSet | None" = None) -> FactorSet:
    """A factor set by name (``report``, ``current`` or one loaded with :func:`load_factor_set`) or the path
    of a ``.toml``/``.csv`` factor file (read once per version of the file)."""
    if isinstance(name, FactorSet):
        return name
    name = "report" if name in (None, "") else str(name).strip()
    if name not in _REGISTRY and name.lower().endswith(FILE_SUFFIXES):
        return _from_file(Path(name))
    if name not in _REGISTRY:
        if name in ("report", "current"):
            _REGISTRY[name] = _builtin(name)
        else:
            known = ["report", "current", *sorted(set(_REGISTRY) - {"report", "current"})]
            raise FactorSetError(f"factor_set must be 'report', 'current', a loaded set or a .toml/.csv factor "
                                 f"file, got {name!r}{did_you_mean(name, known)}")
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
    text = path.read_text("utf-8-sig")
    if path.suffix.lower() == ".toml":
        fs = FactorSet.from_toml_text(text, origin=str(path), name=name)
    elif path.suffix.lower() == ".csv":
        fs = FactorSet.from_csv_text(text, origin=str(path), name=name)
    else:
        raise FactorSetError(f"factor set file must end in .toml or .csv, got {path.name!r}")
    if fs.name in ("report", "current"):
        raise FactorSetError(f"{path}: the names 'report' and 'current' are reserved; choose another name")
    if register:
        _REGISTRY[fs.name] = fs
    return fs


def factor_set_names() -> list[str]:
    get_factor_set("report"), get_factor_set("current")
    return list(_REGISTRY)


__all__ = ["Factor", "FactorSet", "FACTOR_KEYS", "get_factor_set", "load_factor_set", "factor_set_names"]
