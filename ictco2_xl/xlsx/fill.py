"""Fill a model's template with one scenario's inputs by patching the package XML.

The template is built once (openpyxl is slow); each scenario only rewrites the input cells and the
cached values of the formula cells, which the Python model computes. Formulas, names, validation,
protection and charts stay exactly as built.
"""
from __future__ import annotations

from .layout import TemplateLayout
from .package import read_package, set_cell_values, sheet_parts, write_package


def fill_template(template: bytes, layout: TemplateLayout, inputs: dict | None = None,
                  texts: dict[tuple[str, str], str] | None = None) -> bytes:
    """A copy of ``template`` with ``inputs`` (input name -> number) and correct cached values.

    ``texts`` maps (sheet, ref) to text written as plain text (e.g. a scenario name).
    Raises InputError for bad inputs before anything is written.
    """
    inputs = dict(inputs or {})
    values = layout.values(inputs)               # validates every input first
    infos, files = read_package(template)
    parts = sheet_parts(files)
    by_sheet: dict[str, dict[str, float]] = {}
    for (sheet, ref), v in values.items():
        by_sheet.setdefault(sheet, {})[ref] = v
    text_by_sheet: dict[str, dict[str, str]] = {}
    for (sheet, ref), t in (texts or {}).items():
        text_by_sheet.setdefault(sheet, {})[ref] = t
    # An input given explicitly replaces its default formula (year-dependent defaults are formulas).
    replaced = {layout.inputs[name].ref for name in inputs if layout.inputs[name].formula}
    for sheet in set(by_sheet) | set(text_by_sheet):
        part = parts[sheet]
        xml = files[part].decode("utf-8")
        files[part] = set_cell_values(xml, by_sheet.get(sheet, {}), text_by_sheet.get(sheet),
                                      frozenset(replaced) if sheet == "Inputs" else frozenset()).encode("utf-8")
    return write_package(infos, files)
