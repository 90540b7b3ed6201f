"""Headless recalculation: stale cached values caught by both engines, errors and missing tools reported, the
fast XML reader and the Python engine's reuse of loaded templates. (Every template and 25 random input sets per
model, recalculated by each engine: test_recalc_python.py and test_recalc_libreoffice.py.)"""
import shutil

import pytest

from conftest import needs_soffice
from ictco2_xl.cli import main
from ictco2_xl.core.models import MODELS
from ictco2_xl.recalc import RecalcError, check, libreoffice, recalculate
from ictco2_xl.recalc.check import close, compare
from ictco2_xl.recalc.soffice import soffice_path
from ictco2_xl.workbook.layout import TemplateLayout
from ictco2_xl.workbook.package import read_package, set_cell_values, sheet_parts, write_package
from recalc_cases import ROOT, TEMPLATES, filled, random_sets


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
    import ictco2_xl.recalc.soffice as so
    monkeypatch.setattr(so.shutil, "which", lambda name: None)
    with libreoffice.keep_alive():    # not the test session's shared soffice: a fresh lookup
        with pytest.raises(so.LibreOfficeUnavailable, match="apt-get install -y libreoffice-calc-nogui"):
            recalculate([TEMPLATES / "telework.xlsx"], "libreoffice")


def test_soffice_is_found_when_installed():
    installed = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
    assert (soffice_path() is not None) == installed


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


# -- the fast verification path ----------------------------------------------------------------------------------
def openpyxl_facts(path):
    """What ``check`` read with openpyxl before it read the XML itself: formula cells with cached values, the
    model id and factor set, and the Inputs constants."""
    from openpyxl import load_workbook
    wb_f, wb_v = load_workbook(path), load_workbook(path, data_only=True)
    cached = {(ws.title, c.coordinate): wb_v[ws.title][c.coordinate].value
              for ws in wb_f.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"}
    props = {p.name: p.value for p in wb_f.custom_doc_props.props}
    inputs = {}
    if "ictco2_model" in props and "Inputs" in wb_f.sheetnames:
        inputs = {c.coordinate: c.value for row in wb_f["Inputs"].iter_rows() for c in row
                  if c.value is not None and c.data_type != "f"}
    return cached, props.get("ictco2_model"), props.get("ictco2_factor_set", "report"), inputs


def test_check_reads_the_same_cells_as_openpyxl(tmp_path):
    """The XML reader behind ``check`` sees exactly the cells and values openpyxl saw: the same cells compared."""
    from ictco2_xl.recalc.check import workbook_facts
    files = [TEMPLATES / f"{m}.xlsx" for m in ("headline", "telework", "streetlight_trend", "logistics_potential",
                                                "einvoice")]
    files += [ROOT / "workbooks" / "udf_demo.xlsx", filled(tmp_path, "telework", 0), filled(tmp_path, "videoconf", 1)]
    for f in files:
        ours, theirs = workbook_facts(f), openpyxl_facts(f)
        assert ours == theirs, f
        assert len(ours[0]) > 10


def test_python_engine_loads_each_template_once_and_matches_full_loads(tmp_path):
    from ictco2_xl.recalc.formulas_engine import PythonEngine
    telework = MODELS["telework"]
    plain = {i.name: v for i, v in zip(telework.inputs, random_sets(telework, 1, 3)[0].values())
             if i.name not in ("car_count_10k", "kg_per_car_year", "work_share")}   # year series keep formulas
    files = [filled(tmp_path, "streetlight", k) for k in range(4)]
    files += [filled(tmp_path, "telework", k) for k in range(3)]
    (tmp_path / "partial").mkdir()
    files += [filled(tmp_path / "partial", "telework", k, dict(plain, office_cut=0.1 * (k + 1))) for k in range(2)]
    engine = PythonEngine()
    values = [engine.values(f) for f in files]
    assert (engine.loads, engine.reuses) == (3, len(files) - 3)   # one load per distinct set of formulas
    for k in (3, 6, 8):                                           # a reused run equals a full load, cell by cell
        full = PythonEngine().values(files[k])
        assert set(full) == set(values[k])
        assert all(close(full[key], values[k][key]) for key in full), files[k]
    # What check(files, "python") reports, from the values just calculated (not a second recalculation).
    reports = [compare(f, "python", v) for f, v in zip(files, values)]
    assert all(r.ok and r.cells > 20 and not r.error for r in reports), [str(r.differences[:2]) for r in reports]


def test_python_engine_loads_in_full_when_a_workbook_differs_from_the_loaded_one(tmp_path):
    from ictco2_xl.recalc.formulas_engine import PythonEngine
    import re
    layout = TemplateLayout(MODELS["streetlight"])
    base = filled(tmp_path, "streetlight", 0)
    infos, files = read_package(base.read_bytes())
    parts = sheet_parts(files)

    def variant(name, sheet, edit):
        changed = dict(files)
        changed[parts[sheet]] = edit(files[parts[sheet]].decode()).encode()
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(write_package(infos, changed))
        return path

    ref = layout.steps["reduction_t"].ref
    variants = [
        variant("formula", "Calculation", lambda x: re.sub(rf'(<c r="{ref}"[^>]*><f>)([^<]*)</f>', r"\1(\2)*1</f>", x)),
        variant("lost_constant", "About", lambda x: re.sub(r'<c r="A1"[^>]*>.*?</c>', "", x, count=1)),
        variant("new_constant", "Inputs", lambda x: x.replace('</row>', '<c r="Z2" t="n"><v>5</v></c></row>', 1)),
    ]
    engine = PythonEngine()
    expected = engine.values(base)
    for k, path in enumerate(variants, start=2):
        got = engine.values(path)
        assert engine.loads == k, path.name                  # loaded in full, not computed as overrides
        assert close(got[("Calculation", ref)], expected[("Calculation", ref)])
    assert engine.reuses == 0
    assert engine.values(variants[-1]) and engine.reuses == 0 and engine.loads == 5   # not kept: the first one is
def test_the_demo_caches_every_call():
    """udf_demo.xlsx carries a value for every formula cell, equal to the recalculation."""
    (rep,) = check([ROOT / "workbooks" / "udf_demo.xlsx"], "python")
    assert rep.ok and rep.uncached == 0 and rep.cells > 100
