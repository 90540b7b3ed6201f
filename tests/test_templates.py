"""Calculation templates: generated from the definitions, current, deterministic, readable without Excel."""
import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.workbook.compare import differences
from ictco2_xl.workbook.layout import SCENARIO_CELL, TemplateLayout, inline_formula
from ictco2_xl.workbook.package import read_package, set_cell_values, sheet_parts, write_package
from ictco2_xl.workbook.templates import build_template, template_filename

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def built():
    return {m.id: build_template(m) for m in MODELS.values()}


REGENERATE = "run: ictco2-xl templates --out templates --overwrite"


def test_committed_templates_are_current(built):
    """Every committed template shows and computes what the definitions give today.

    Compared by content, not bytes (``workbook.compare.differences``): the XML of every part parsed, every
    element, attribute, formula, label, style and name equal, numbers within 1e-12 relative. Bytes cannot be
    the test: openpyxl serialises differently when lxml is installed, and numpy patch releases change the last
    digits of cached values (GROWTH/LOGEST fits), so byte equality would fail on a fresh machine for files
    nobody could tell apart. The tests below prove both halves: the check passes under either serialiser and
    at one ulp, and fails on each kind of genuine staleness."""
    committed = {p.stem for p in TEMPLATES.glob("*.xlsx")}
    assert committed == set(MODELS), REGENERATE
    for mid, data in built.items():
        assert differences(TEMPLATES / f"{mid}.xlsx", data) == [], f"{mid}: {REGENERATE}"


_BUILD_ELSEWHERE = """
import sys
from pathlib import Path
if sys.argv[2] == "hide":
    sys.modules["lxml"] = None          # openpyxl picks its serialiser at import: make lxml unimportable
import openpyxl.xml
assert openpyxl.xml.LXML == (sys.argv[2] == "lxml"), openpyxl.xml.LXML
from ictco2_xl.workbook.templates import write_templates
out = Path(sys.argv[1])
write_templates(out / "templates", overwrite=True)
sys.path.insert(0, sys.argv[3])
import make_udf_demo
make_udf_demo.build(out / "udf_demo.xlsx")
"""


def _lxml_installed() -> bool:
    return importlib.util.find_spec("lxml") is not None


def test_committed_files_are_current_under_either_xml_serialiser(tmp_path):
    """Templates and the demo workbook written with lxml present and hidden both pass the currency check.

    This process writes them with one serialiser (test_committed_templates_are_current and
    test_udf_demo.py::test_the_committed_workbook_is_what_the_script_writes check what it writes); a fresh
    process writes them with the other one, so each serialiser is run once."""
    import openpyxl.xml
    serialiser = "hide" if openpyxl.xml.LXML else "lxml"
    assert openpyxl.xml.LXML == _lxml_installed()
    if serialiser == "lxml" and not _lxml_installed():
        pytest.skip("lxml is not installed here (the test extra installs it)")
    subprocess.run([sys.executable, "-c", _BUILD_ELSEWHERE, str(tmp_path), serialiser, str(ROOT / "workbooks")],
                   check=True, cwd=tmp_path)
    for path in sorted((tmp_path / "templates").glob("*.xlsx")):
        assert differences(TEMPLATES / path.name, path) == [], path.name
    assert differences(ROOT / "workbooks" / "udf_demo.xlsx", tmp_path / "udf_demo.xlsx") == []


def _edited(path: Path, part_of, edit) -> bytes:
    """The workbook at ``path`` with one XML part changed by ``edit(text) -> text``."""
    infos, files = read_package(path.read_bytes())
    name = part_of(files)
    text = files[name].decode("utf-8")
    changed = edit(text)
    assert changed != text, "the edit must change something"
    files[name] = changed.encode("utf-8")
    return write_package(infos, files)


def _sheet(name):
    return lambda files: sheet_parts(files)[name]


def _first_cached_value(text: str, factor: float) -> str:
    m = re.search(r"<f>[^<]*</f><v>([^<]+)</v>", text)
    value = float(m.group(1))
    return text[:m.start(1)] + repr(value * factor if factor else math.nextafter(value, math.inf)) + text[m.end(1):]


STALE = {
    "formula": (_sheet("Calculation"), lambda t: t.replace("<f>", "<f>1+", 1)),
    "label": (_sheet("Inputs"), lambda t: re.sub(r"(<t(?: [^>]*)?>)", r"\1x", t, count=1)),
    "style": (lambda files: "xl/styles.xml", lambda t: re.sub(r'rgb="[0-9A-F]{8}"', 'rgb="00ABCDEF"', t, count=1)),
    "name": (lambda files: "xl/workbook.xml", lambda t: re.sub(r"(<definedName [^>]*>)'?Inputs'?!", r"\1'Calculation'!", t, count=1)),
    "value": (_sheet("Calculation"), lambda t: _first_cached_value(t, 1 + 1e-9)),
}


@pytest.mark.parametrize("kind", list(STALE))
def test_the_currency_check_fails_on_a_stale_file(kind):
    path = TEMPLATES / "fleet_management.xlsx"
    part_of, edit = STALE[kind]
    found = differences(path, _edited(path, part_of, edit))
    assert found and all(isinstance(d, str) for d in found), kind


def test_the_currency_check_ignores_last_digit_differences_and_timestamps():
    path = TEMPLATES / "fleet_management.xlsx"
    ulp = _edited(path, _sheet("Calculation"), lambda t: _first_cached_value(t, 0))
    assert differences(path, ulp) == []
    later = _edited(path, lambda files: "docProps/core.xml", lambda t: t.replace("2010-01-01", "2031-05-06"))
    assert differences(path, later) == []


def test_output_is_deterministic():
    m = MODELS["logistics_potential"]
    assert build_template(m) == build_template(m)


def test_structure_of_every_template(model):
    wb = load_workbook(TEMPLATES / template_filename(model))
    layout = TemplateLayout(model)
    assert wb.sheetnames[:2] == ["About", "Inputs"] and "Calculation" in wb.sheetnames and "Results" in wb.sheetnames
    assert wb.calculation.fullCalcOnLoad
    names = wb.defined_names
    inputs = wb["Inputs"]
    for inp in model.inputs:
        cell = layout.inputs[inp.name]
        assert names[inp.name].attr_text == cell.abs_ref
        c = inputs[cell.ref]
        assert c.protection.locked is False, inp.name
        assert c.fill.fgColor.rgb.endswith("FFF2CC") and c.font.color.rgb.endswith("0000FF")
    validated = {str(r) for dv in inputs.data_validations.dataValidation for r in dv.sqref.ranges}
    for inp in model.inputs:
        if inp.bounds.lo is not None or inp.bounds.hi is not None:
            assert layout.inputs[inp.name].ref in validated, inp.name
    calc = wb["Calculation"]
    for step in model.steps:
        cell = layout.steps[step.name]
        assert calc[cell.ref].value == "=" + step.expr.to_excel(), step.name   # derived, not typed
        assert calc[cell.ref].protection.locked is True
        assert names[step.name].attr_text == cell.abs_ref
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["ictco2_model"] == model.id


def test_scenario_models_have_a_table_and_a_native_chart():
    for mid in ("logistics_potential", "streetlight_potential", "telework", "videoconf", "headline"):
        infos, files = read_package((TEMPLATES / f"{mid}.xlsx").read_bytes())
        assert any(name.startswith("xl/charts/chart") for name in files), mid
        wb = load_workbook(TEMPLATES / f"{mid}.xlsx")
        assert "Scenarios" in wb.sheetnames, mid


def test_logistics_scenarios_show_table_5_2_and_its_differences():
    wb = load_workbook(TEMPLATES / "logistics_potential.xlsx", data_only=True)
    ws = wb["Scenarios"]
    layout = TemplateLayout(MODELS["logistics_potential"])
    g = layout.grid
    i, j = g.years.index(2030), g.axis_values.index(0.5)
    assert ws[g.cells[(i, j)].ref].value == pytest.approx(2.07e8, abs=0.005e8)
    assert (i, j) in g.report and g.report[(i, j)][1] == pytest.approx(2.07e8)


def test_text_from_definitions_is_never_a_formula(built):
    wb = load_workbook(TEMPLATES / "fleet_management.xlsx")
    about = wb["About"]
    cells = [c for row in about.iter_rows() for c in row if isinstance(c.value, str) and "LOGISTICS_REDUCTION" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_cached_values_readable_without_recalculation(model):
    """openpyxl, python-calamine and pandas all read the computed results straight from the file."""
    pytest.importorskip("python_calamine")
    import pandas as pd
    from python_calamine import CalamineWorkbook
    path = TEMPLATES / template_filename(model)
    layout = TemplateLayout(model)
    cell = layout.steps[model.primary]
    expected = model.run().primary
    assert load_workbook(path, data_only=True)["Calculation"][cell.ref].value == pytest.approx(expected, rel=1e-12)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Calculation").to_python()
    assert rows[cell.row - 1][cell.col - 1] == pytest.approx(expected, rel=1e-12)
    frame = pd.read_excel(path, sheet_name="Calculation", header=None, engine="openpyxl")
    assert frame.iat[cell.row - 1, cell.col - 1] == pytest.approx(expected, rel=1e-12)


def test_inline_scenario_formulas_stay_within_excel_limits():
    for m in MODELS.values():
        layout = TemplateLayout(m)
        for cell in layout.cells:
            assert cell.formula is None or len(cell.formula) < 8000, (m.id, cell.ref)
    text = inline_formula(MODELS["logistics_potential"], "reduction_t", {"target_year": "$A5", "empty_rate_cut": "B$4"})
    assert "$A5" in text and "B$4" in text and "passenger_pkm_years" in text


def test_package_patching_keeps_formulas_and_writes_text_as_text():
    data = (TEMPLATES / "fleet_management.xlsx").read_bytes()
    infos, files = read_package(data)
    part = sheet_parts(files)["About"]
    sheet, ref = SCENARIO_CELL
    xml = set_cell_values(files[part].decode(), {}, {ref: "=HYPERLINK(\"http://x\")"})
    assert "<f>" not in xml.split(f'r="{ref}"')[1].split("</c>")[0]
    files[part] = xml.encode()
    wb = load_workbook(__import__("io").BytesIO(write_package(infos, files)))
    assert wb[sheet][ref].value == '=HYPERLINK("http://x")' and wb[sheet][ref].data_type == "s"
    with pytest.raises(KeyError, match="cells not found"):
        set_cell_values(files[part].decode(), {"ZZ999": 1.0})


def test_cli_writes_templates(tmp_path, capsys):
    assert main(["templates", "--out", str(tmp_path), "--model", "streetlight"]) == 0
    assert differences(tmp_path / "streetlight.xlsx", TEMPLATES / "streetlight.xlsx") == []
    assert np.isfinite(MODELS["streetlight"].run().primary)


def test_uncertainty_sheet_has_the_range_table_live_swings_and_a_chart():
    from ictco2_xl.core.analysis.uncertainty import ranges
    model = MODELS["logistics_potential"]
    layout = TemplateLayout(model)
    wb = load_workbook(TEMPLATES / "logistics_potential.xlsx")
    ws = wb["Uncertainty"]
    table = ranges(model)
    assert len(layout.uncertainty_rows) == len(table) > 0
    listed = {ws.cell(r, 1).value for r, _, _ in layout.uncertainty_rows}
    assert listed == set(table["input"])
    r, rec, (low, high) = layout.uncertainty_rows[0]
    assert ws[low.ref].value.startswith("=") and ws[high.ref].value.startswith("=")
    values = load_workbook(TEMPLATES / "logistics_potential.xlsx", data_only=True)["Uncertainty"]
    assert values[low.ref].value == pytest.approx(model.run({rec.input: rec.swing_low}).primary, rel=1e-12)
    swings = [abs(values[h.ref].value - values[lo.ref].value) for _, _, (lo, h) in layout.uncertainty_rows]
    assert swings == sorted(swings, reverse=True)          # largest swing first, like a tornado chart
    infos, files = read_package((TEMPLATES / "logistics_potential.xlsx").read_bytes())
    assert sum(name.startswith("xl/charts/chart") for name in files) == 2   # scenarios + uncertainty


def test_checks_turn_amber_when_an_input_changes_and_red_when_one_leaves_its_range():
    """The Checks sheet recalculated: all OK as written; an input changed by hand makes the Python comparison
    'inputs changed' (-1) without failing the whole; an input out of its range fails it (0), on About too."""
    from ictco2_xl.recalc import PythonWorkbook
    from ictco2_xl.workbook.layout import CHECKS_CELL
    model = MODELS["streetlight"]
    layout = TemplateLayout(model)
    book = PythonWorkbook(TEMPLATES / "streetlight.xlsx")
    status = {what: (cell.sheet, cell.ref) for what, cell, _ in layout.checks}
    as_written = book.calculate()
    assert {as_written[k] for k in status.values()} == {1}
    lamps = ("Inputs", layout.inputs["lamp_count"].ref)
    changed = book.calculate({lamps: 3000.0})
    assert changed[status["python"]] == -1 and changed[status["all"]] == 1 and changed[CHECKS_CELL] == 1
    assert changed[status["lamp_count"]] == 1
    bad = book.calculate({lamps: -5.0})
    assert bad[status["lamp_count"]] == 0 and bad[status["all"]] == 0 and bad[CHECKS_CELL] == 0
    fmt = load_workbook(TEMPLATES / "streetlight.xlsx")["Checks"][status["all"][1]].number_format
    assert fmt == '"OK";"inputs changed";"FAIL"'
