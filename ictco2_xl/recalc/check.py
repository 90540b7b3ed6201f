"""Compare a workbook's cached values with a recalculation, and with the Python model.

Compared: every formula cell that stores a value (with the recalculated value) and, for templates and filled
workbooks (document property ``ictco2_model``), every value cell of the model's layout (with the Python model
run on the workbook's inputs); relative tolerance 1e-9 (``REL_TOL``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..core.errors import ICTCO2Error
from .errors import RecalcError
from .limits import DEFAULT_LIMITS, Limits
from .scan import WorkbookScan, scan

REL_TOL = 1e-9


@dataclass(frozen=True)
class Difference:
    sheet: str
    ref: str
    what: str          # "cache" (stored value differs from the recalculation) or "model" (Python differs)
    expected: object
    recalculated: object

    def __str__(self):
        label = "cached" if self.what == "cache" else "python"
        return f"{self.sheet}!{self.ref}: {label} {self.expected!r} != recalculated {self.recalculated!r}"


@dataclass
class CheckReport:
    path: Path
    engine: str
    model: str | None
    cells: int = 0
    uncached: int = 0          # formula cells the file stores no value for (nothing to compare)
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None   # the workbook was refused or could not be recalculated (one line)
    note: str = ""             # e.g. the workbook's model is a user model that is not loaded

    @property
    def ok(self) -> bool:
        return not self.differences and self.error is None


def close(a, b, scale: float = 0.0) -> bool:
    """Equal within REL_TOL of the larger value (or of ``scale`` for differences of large numbers)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=max(REL_TOL * abs(scale), 1e-12))
    return a == b


def workbook_facts(path_or_scan):
    """Formula cells with their cached values, the model id and factor set stored in the file, and the
    Inputs sheet's constants (by ref)."""
    facts = path_or_scan if isinstance(path_or_scan, WorkbookScan) else scan(path_or_scan)
    model_id = facts.props.get("ictco2_model")
    inputs = {}
    if model_id is not None and "Inputs" in facts.sheets:
        inputs = {ref: v for (sheet, ref), v in facts.constants.items() if sheet == "Inputs"}
    return facts.cached, model_id, facts.props.get("ictco2_factor_set", "report"), inputs


_LAYOUTS: dict[tuple[int, str], tuple] = {}


def _layout(model, factor_set: str):
    """The model's layout, kept per model object (a user model loaded again from its file is a new object) and
    factor set."""
    from ..workbook.layout import TemplateLayout
    key = (id(model), factor_set)
    entry = _LAYOUTS.get(key)
    if entry is None or entry[0] is not model:
        if len(_LAYOUTS) >= 64:
            _LAYOUTS.pop(next(iter(_LAYOUTS)))
        entry = _LAYOUTS[key] = (model, TemplateLayout(model, factor_set))
    return entry[1]


def compare(path, engine: str, recalculated: dict, facts: WorkbookScan | None = None) -> CheckReport:
    from ..core.models import all_models
    cached, model_id, factor_set, input_cells = workbook_facts(facts if facts is not None else path)
    report = CheckReport(Path(path), engine, model_id)
    scales, expected = {}, {}
    models = all_models()  # a user model's workbook is checked against it once its file is loaded
    if model_id and model_id not in models:
        report.model = None
        report.note = (f"model {model_id!r} is not loaded, so only the cached values were compared (give its file "
                       "with --models or ICTCO2_MODELS)")
    if model_id in models:
        try:
            layout = _layout(models[model_id], factor_set)
        except ICTCO2Error as exc:
            report.error = f"{path}: its factor set {factor_set!r} cannot be used: {exc}"
            return report
        given = {}
        for name, cell in layout.inputs.items():
            value = input_cells.get(cell.ref)
            if value is not None and not (isinstance(value, str) and value.startswith("=")):
                given[name] = value
        try:
            expected = layout.values(given)
        except (ICTCO2Error, ValueError, TypeError) as exc:
            report.error = f"{path}: the Python model cannot run on the workbook's inputs: {exc}"
            return report
        scales = layout.difference_scales(expected)
    for key, cache in cached.items():
        report.cells += 1
        if cache is None:   # e.g. written by openpyxl without values: Excel computes it on open
            report.uncached += 1
            continue
        new = recalculated.get(key)
        if not close(cache, new, scales.get(key, 0.0)):
            report.differences.append(Difference(*key, "cache", cache, new))
    for key, value in expected.items():
        new = recalculated.get(key)
        if not close(value, new, scales.get(key, 0.0)):
            report.differences.append(Difference(*key, "model", value, new))
    return report


def check_each(paths: Iterable, engine: str = "python", timeout: float | None = None,
               progress: Callable[[int], None] | None = None, limits: Limits = DEFAULT_LIMITS
               ) -> Iterator[CheckReport]:
    """One report per workbook, in order; a workbook refused or failing to recalculate gets ``error`` set and
    the others go on. ``progress(1)`` is called after each workbook."""
    paths = [Path(p) for p in paths]
    read: dict[Path, WorkbookScan] = {}

    def facts_for(p: Path) -> WorkbookScan:
        read[p] = scan(p, limits)
        return read[p]

    if engine == "python":
        from .formulas_engine import shared_engine
        py = shared_engine(limits)

        def results():
            for p in paths:
                try:
                    yield p, py.values(p, facts_for(p))
                except RecalcError as exc:
                    yield p, exc
                if progress is not None:
                    progress(1)
        pairs = results()
    elif engine == "libreoffice":
        from . import libreoffice
        pairs = _each_libreoffice(libreoffice, paths, timeout, progress, limits, facts_for)
    else:
        raise ValueError(f"engine must be one of python, libreoffice, got {engine!r}")
    for p, result in pairs:
        facts = read.pop(p, None)
        if isinstance(result, Exception):
            yield CheckReport(p, engine, facts.props.get("ictco2_model") if facts else None, error=str(result))
        else:
            yield compare(p, engine, result, facts)


def _each_libreoffice(libreoffice, paths, timeout, progress, limits, facts_for):
    with libreoffice.session(timeout, limits) as lo:
        yield from lo.values_each(paths, progress, facts_for)


__all__ = ["CheckReport", "Difference", "REL_TOL", "check_each", "close", "compare", "workbook_facts"]
