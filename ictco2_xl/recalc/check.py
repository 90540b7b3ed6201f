"""Compare a workbook's cached values with a recalculation, and with the Python model."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

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
    note: str = ""             # e.g. the workbook's model is a user model that is not loaded

    @property
    def ok(self) -> bool:
        return not self.differences


def close(a, b, scale: float = 0.0) -> bool:
    """Equal within REL_TOL of the larger value (or of ``scale`` for differences of large numbers)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=max(REL_TOL * abs(scale), 1e-12))
    return a == b


def workbook_facts(path):
    """Formula cells with their cached values, and the model id and factor set stored in the file."""
    from openpyxl import load_workbook
    wb_f = load_workbook(path)
    wb_v = load_workbook(path, data_only=True)
    cached = {}
    for ws in wb_f.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    cached[(ws.title, c.coordinate)] = wb_v[ws.title][c.coordinate].value
    props = {p.name: p.value for p in wb_f.custom_doc_props.props}
    inputs = {}
    if "ictco2_model" in props and "Inputs" in wb_f.sheetnames:
        inputs = {(c.coordinate): c.value for row in wb_f["Inputs"].iter_rows() for c in row}
    return cached, props.get("ictco2_model"), props.get("ictco2_factor_set", "report"), inputs


def compare(path, engine: str, recalculated: dict) -> CheckReport:
    from ..core.models import all_models
    from ..workbook.layout import TemplateLayout
    cached, model_id, factor_set, input_cells = workbook_facts(path)
    report = CheckReport(Path(path), engine, model_id)
    scales = {}
    expected = {}
    models = all_models()  # a user model's workbook is checked against it once its file is loaded
    if model_id and model_id not in models:
        report.model = None
        report.note = (f"model {model_id!r} is not loaded, so only the cached values were compared (give its file "
                       "with --models or ICTCO2_MODELS)")
    if model_id in models:
        layout = TemplateLayout(models[model_id], factor_set)
        given = {}
        for name, cell in layout.inputs.items():
            value = input_cells.get(cell.ref)
            if not (isinstance(value, str) and value.startswith("=")) and value is not None:
                given[name] = value
        expected = layout.values(given)
        for cell in layout.cells:
            if cell.source[0] == "diff":
                scales[(cell.sheet, cell.ref)] = cell.source[3]
    for key, cache in cached.items():
        report.cells += 1
        if cache is None:   # e.g. written by openpyxl without values: Excel computes it on open
            report.uncached += 1
            continue
        new = recalculated.get(key)
        scale = scales.get(key, 0.0)
        if not close(cache, new, scale):
            report.differences.append(Difference(*key, "cache", cache, new))
    for key, value in expected.items():
        new = recalculated.get(key)
        if not close(value, new, scales.get(key, 0.0)):
            report.differences.append(Difference(*key, "model", value, new))
    return report
