"""Headless recalculation proves formulas = Python = report: both engines, every template, the
report's defaults and 25 random in-range input sets per model."""
import shutil
from pathlib import Path

import numpy as np
import pytest

from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs
from ictco2_xl.recalc import PythonWorkbook, RecalcError, check, recalculate
from ictco2_xl.recalc.check import close
from ictco2_xl.recalc.libreoffice import soffice_path
from ictco2_xl.workbook.filler import TemplateFiller
from ictco2_xl.workbook.layout import TemplateLayout
from ictco2_xl.workbook.package import read_package, set_cell_values, sheet_parts, write_package

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
RANDOM_SETS = 25
needs_soffice = [pytest.mark.libreoffice,
                 pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed: "
                                    "apt-get install -y libreoffice-calc-nogui (.ci/run installs it)")]


def with_soffice(test):
    for mark in needs_soffice:
        test = mark(test)
    return test


def random_sets(model, n=RANDOM_SETS, seed=0):
    cols = random_inputs(model, n, np.random.default_rng(seed))
    return [{k: float(v[i]) for k, v in cols.items()} for i in range(n)]


def assert_matches(layout, expected, got, label):
    bad = []
    scales = layout.difference_scales(expected)
    for key, value in expected.items():
        if not close(value, got.get(key), scales.get(key, 0.0)):
            bad.append(f"{key}: python {value!r} vs {got.get(key)!r}")
    assert not bad, f"{label}: " + "; ".join(bad[:5])


@pytest.mark.parametrize("mid", list(MODELS))
def test_python_engine_equals_model_for_defaults_and_random_inputs(mid):
    model = MODELS[mid]
    layout = TemplateLayout(model)
    book = PythonWorkbook(TEMPLATES / f"{mid}.xlsx")
    assert_matches(layout, layout.values(), book.calculate(), f"{mid} defaults")
    for k, inputs in enumerate(random_sets(model)):
        expected = layout.values(inputs)
        overrides = {("Inputs", layout.inputs[n].ref): v for n, v in inputs.items()}
        # A file written for these inputs also records them (and the Python result) on the Checks sheet.
        overrides.update({(c.sheet, c.ref): expected[(c.sheet, c.ref)] for c in layout.cells
                          if c.sheet == "Checks" and c.formula is None})
        assert_matches(layout, expected, book.calculate(overrides), f"{mid} random set {k}")


@pytest.fixture(scope="module")
def libreoffice_results(tmp_path_factory):
    """Every template at its defaults plus 25 filled copies per model, recalculated in one soffice call."""
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui")
    folder = tmp_path_factory.mktemp("lo-inputs")
    cases = {}
    for mid, model in MODELS.items():
        template = (TEMPLATES / f"{mid}.xlsx").read_bytes()
        filler = TemplateFiller(model, template=template)
        layout = filler.layout
        path = folder / f"{mid}.xlsx"
        path.write_bytes(template)
        cases[path] = (layout, layout.values())
        for k, inputs in enumerate(random_sets(model)):
            path = folder / f"{mid}__{k:02d}.xlsx"
            path.write_bytes(filler.fill(inputs, f"random set {k}"))
            cases[path] = (layout, layout.values(inputs))
    values = recalculate(list(cases), "libreoffice")
    return cases, values


@with_soffice
def test_libreoffice_equals_model_for_defaults_and_random_inputs(libreoffice_results):
    cases, values = libreoffice_results
    assert len(cases) == len(MODELS) * (RANDOM_SETS + 1)
    for path, (layout, expected) in cases.items():
        assert_matches(layout, expected, values[path], path.name)


@with_soffice
def test_libreoffice_opens_every_template_without_error_cells():
    reports = check(sorted(TEMPLATES.glob("*.xlsx")), "libreoffice")
    assert len(reports) == len(MODELS)
    assert all(r.ok and r.cells > 0 for r in reports), [str(d) for r in reports for d in r.differences][:5]


def stale_copy(tmp_path, mid="streetlight"):
    """A template whose cached result was tampered with: the file claims a wrong value."""
    layout = TemplateLayout(MODELS[mid])
    infos, files = read_package((TEMPLATES / f"{mid}.xlsx").read_bytes())
    part = sheet_parts(files)["Calculation"]
    ref = layout.steps["reduction_t"].ref
    files[part] = set_cell_values(files[part].decode(), {ref: 999.0}).encode()
    path = tmp_path / f"stale_{mid}.xlsx"
    path.write_bytes(write_package(infos, files))
    return path, ref


@pytest.mark.parametrize("engine", ["python", pytest.param("libreoffice", marks=needs_soffice)])
def test_stale_cached_value_is_caught(tmp_path, capsys, engine):
    path, ref = stale_copy(tmp_path)
    (rep,) = check([path], engine)
    assert [(d.sheet, d.ref, d.what) for d in rep.differences] == [("Calculation", ref, "cache")]
    assert main(["recalc", str(path), "--engine", engine, "--check"]) == 1
    out = capsys.readouterr().out
    assert f"Calculation!{ref}: cached 999.0" in out


def test_check_passes_on_a_clean_template(capsys):
    assert main(["recalc", str(TEMPLATES / "telework.xlsx"), "--check"]) == 0
    assert "OK" in capsys.readouterr().out


def test_python_engine_fails_loudly_on_error_cells(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active["A1"] = "=NOSUCHFUNCTION(1)"
    wb.active["A2"] = "=1/0"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(RecalcError, match=r"calculated to an error: Sheet!A1: #NAME\?; Sheet!A2: #DIV/0!"):
        recalculate([tmp_path / "bad.xlsx"], "python")


def test_missing_file_and_unknown_engine(tmp_path):
    with pytest.raises(RecalcError, match="no such workbook"):
        recalculate([tmp_path / "nope.xlsx"])
    with pytest.raises(ValueError, match="engine must be one of"):
        recalculate([TEMPLATES / "telework.xlsx"], "excel")


def test_missing_soffice_gives_install_hint(monkeypatch):
    import ictco2_xl.recalc.libreoffice as lo
    monkeypatch.setattr(lo.shutil, "which", lambda name: None)
    with pytest.raises(lo.LibreOfficeUnavailable, match="apt-get install -y libreoffice-calc-nogui"):
        recalculate([TEMPLATES / "telework.xlsx"], "libreoffice")


def test_soffice_is_found_when_installed():
    assert (soffice_path() is not None) == (shutil.which("soffice") is not None or shutil.which("libreoffice") is not None)


def test_check_counts_formula_cells_without_cached_values(tmp_path, capsys):
    """A workbook written by openpyxl without cached values: nothing stale, but nothing cached."""
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"], wb.active["A3"] = 2, "=A1*3", "=LOGISTICS_REDUCTION()"
    book = tmp_path / "uncached.xlsx"
    wb.save(book)
    (rep,) = check([book], "python")
    assert rep.ok and rep.uncached == rep.cells == 2
    assert main(["recalc", str(book), "--check"]) == 0
    assert "store no cached value" in capsys.readouterr().out


def test_the_demo_caches_every_call():
    """udf_demo.xlsx carries a value for every formula cell, equal to the recalculation."""
    (rep,) = check([ROOT / "workbooks" / "udf_demo.xlsx"], "python")
    assert rep.ok and rep.uncached == 0 and rep.cells > 100
