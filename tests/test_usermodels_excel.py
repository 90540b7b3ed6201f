"""User models in Excel: =ICTCO2_RUN (names and values as ranges, broadcasting, one-line errors), user
models as their own worksheet functions from the configured folder (environment or xlwings.conf), the
classic add-in settings, the xlwings Lite bundle and the headless formulas engine."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import ictco2_xl as ix
from ictco2_xl.cli import main
from ictco2_xl.excel import config
from ictco2_xl.excel.deploy import wheel_name
from ictco2_xl.excel.usermodels import PROBLEMS, all_functions, load_configured_models
from ictco2_xl.recalc.formulas_engine import calculate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "workbooks" / "models"
METER = EXAMPLES / "remote_meter_reading.toml"


@pytest.fixture
def functions():
    ix.load_model(EXAMPLES)
    return all_functions()


def test_ictco2_run_takes_names_in_a_row_and_one_row_of_values_per_scenario(functions):
    run = functions["ICTCO2_RUN"]
    model = ix.get_model("remote_meter_reading")
    got = run("remote_meter_reading", "avoided_t", [["meters", "km_per_reading"]], [[1000, 2.0], [5000, None],
                                                                                        [-1, 1.0]])
    assert got[0][0] == pytest.approx(model.run(meters=1000, km_per_reading=2.0)["avoided_t"])
    assert got[1][0] == pytest.approx(model.run(meters=5000)["avoided_t"])     # blank: the default
    assert got[2][0] == "meters must be between 0 and 1e+07, got -1"           # one bad cell, the others compute
    assert run("remote_meter_reading") == [[model.run().primary]]


def test_ictco2_run_takes_names_in_a_column_and_one_column_per_scenario_and_a_file_path(functions, tmp_path):
    run = functions["ICTCO2_RUN"]
    got = run(str(METER), None, [["meters"], ["readings_per_year"]], [[1000, 2000, 3000], [4, 12, None]])
    model = ix.get_model("remote_meter_reading")
    expected = model.run(meters=np.array([1000, 2000, 3000.0]), readings_per_year=np.array([4, 12, 4.0])).primary
    np.testing.assert_allclose(np.array(got, float), [expected])
    one_name = run("fleet_management", "reduction_t", "tonnage_100t", [[1000, 2000], [3000, 4000]])
    assert np.array(one_name).shape == (2, 2)


@pytest.mark.parametrize("args, message", [
    (("nope",), "model must be a model id, a worksheet function name or a .toml file, got 'nope'"),
    (("missing.toml",), "model file not found: missing.toml"),
    (("video_meetings", "nope"), "output must be a step of video_meetings: pkm_avoided, avoided_t"),
    (("video_meetings", None, [["nope"]], [[1]]), "names: 'nope' is not an input of video_meetings; inputs are:"),
    (("video_meetings", None, [["participants", "participants"]], [[1, 2]]), "names: each input may be named once"),
    (("video_meetings", None, [["participants", "meeting_hours"]], [[1], [2]]),
     "values must have one column per name (2 names in a row), got 2 x 1"),
    (("video_meetings", None, [["participants"], ["meeting_hours"]], [[1, 2]]),
     "values must have one row per name (2 names in a column), got 1 x 2"),
    (("video_meetings", None, [["a", "b"], ["c", "d"]], [[1]]), "names must be one row or one column of input names"),
    (("video_meetings", None, [["participants"]], [["many"]]), "participants must be a number, got 'many'"),
])
def test_ictco2_run_errors_are_one_line_in_the_cell(functions, args, message):
    (row,) = functions["ICTCO2_RUN"](*args)
    assert len(row) == 1 and isinstance(row[0], str) and row[0].startswith(message) and "\n" not in row[0]


def test_a_bad_model_file_path_gives_its_first_problem_in_the_cell(functions, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(METER.read_text(encoding="utf-8").replace("default = 20000", "default = -3"), encoding="utf-8")
    (row,) = functions["ICTCO2_RUN"](str(bad))
    assert f"{bad}:" in row[0] and "outside its bounds" in row[0]


def test_user_models_become_worksheet_functions_with_wizard_help(functions):
    f = functions["METER_READING_REDUCTION"]
    assert list(f.arg_help)[:3] == ["meters", "readings_per_year", "km_per_reading"]
    assert "Meters read remotely [meters]" in f.arg_help["meters"]
    assert f([[1000], [None], ["x"]])[2] == ["meters must be a number, got 'x'"]
    assert functions["METER_READING_NET"]()[0][0] == pytest.approx(ix.get_model("remote_meter_reading").run()["net_t"])
    table = functions["ICTCO2_MODELS"]()
    assert ["VIDEO_MEETINGS_REDUCTION", "video_meetings"] in [r[:2] for r in table]


def test_configured_paths_come_from_the_environment_else_the_users_xlwings_conf(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("ICTCO2_MODELS", raising=False)
    assert config.configured_paths() == []
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text(f'"UDF MODULES","ictco2_xl.udfs"\n"ICTCO2_MODELS","{EXAMPLES}"\n', encoding="utf-8")
    assert config.configured_paths() == [str(EXAMPLES)]
    monkeypatch.setenv("ICTCO2_MODELS", os.pathsep.join(["a.toml", "b"]))
    assert config.configured_paths() == ["a.toml", "b"]


def test_a_bad_configured_file_is_listed_not_fatal(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("id = 3", encoding="utf-8")
    loaded = load_configured_models({"ICTCO2_MODELS": os.pathsep.join([str(bad), str(METER)])})
    assert [m.id for m in loaded] == ["remote_meter_reading"]
    assert PROBLEMS and all(p.startswith(str(bad)) for p in PROBLEMS)
    table = all_functions()["ICTCO2_MODELS"]()
    rows = [r for r in table if r[0] == "(not loaded)"]
    assert len(rows) == len(PROBLEMS) and any("id: must be a lower-case identifier" in r[2] for r in rows)
    load_configured_models({})
    assert not PROBLEMS


def _python(code: str, env: dict, cwd) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "ICTCO2_MODELS"}
    return subprocess.run([sys.executable, "-c", code], env={**full, **env}, cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_importing_ictco2_xl_udfs_loads_the_configured_folder(tmp_path):
    code = "import ictco2_xl.udfs as u; print(sorted(n for n in u.__all__ if n.startswith(('METER', 'VIDEO_'))))"
    out = _python(code, {"ICTCO2_MODELS": str(EXAMPLES), "HOME": str(tmp_path)}, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['METER_READING_NET', 'METER_READING_REDUCTION', 'VIDEO_MEETINGS_REDUCTION']"


def test_excel_config_writes_the_models_folder_to_the_users_conf_only(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("ICTCO2_MODELS", raising=False)
    assert main(["excel-config", "--write", "--models", str(EXAMPLES), "--interpreter", r"C:\py\pythonw.exe"]) == 0
    assert config.read_conf(config.user_conf_path())["ICTCO2_MODELS"] == str(EXAMPLES.resolve())
    assert config.configured_paths() == [str(EXAMPLES.resolve())]
    assert main(["excel-config", "--out", str(tmp_path / "xlwings.conf"), "--models", str(EXAMPLES)]) == 2
    assert "not from a workbook's xlwings.conf" in capsys.readouterr().err
    assert not (tmp_path / "xlwings.conf").exists()


def test_the_lite_bundle_embeds_the_model_files_and_registers_them_first(tmp_path):
    out = tmp_path / "lite"
    url = f"https://example.org/ictco2/{wheel_name()}"
    assert main(["lite", "--out", str(out), "--wheel-url", url, "--models", str(EXAMPLES)]) == 0
    text = (out / "main.py").read_text(encoding="utf-8")
    assert "MODEL_FILES = {" in text and "'video_meetings.toml'" in text and str(EXAMPLES) not in text
    assert text.index("load_model_text(_text, _name)") < text.index("from ictco2_xl.udfs import")
    # Pyodide has no access to the user's files: run main.py where neither the folder nor the variable exists.
    code = ("import runpy; ns = runpy.run_path('main.py'); f = ns['VIDEO_MEETINGS_REDUCTION']; "
            "print(round(f()[0][0], 6), 'ICTCO2_RUN' in ns)")
    result = _python(code, {"HOME": str(tmp_path)}, out)
    assert result.returncode == 0, result.stderr
    expected = ix.get_model("video_meetings").run().primary
    assert result.stdout.split() == [str(round(expected, 6)), "True"]


def test_the_formulas_engine_computes_user_functions_and_ictco2_run(functions, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "=METER_READING_REDUCTION(1000)"
    ws["A2"] = '=ICTCO2_RUN("video_meetings","own_emission_t",B1:C1,B2:C2)'
    ws["B1"], ws["C1"], ws["B2"], ws["C2"] = "participants", "meeting_hours", 10, 2
    path = tmp_path / "user.xlsx"
    wb.save(path)
    values = calculate(path)
    assert values["S!A1"] == pytest.approx(ix.get_model("remote_meter_reading").run(meters=1000).primary)
    assert values["S!A2"] == pytest.approx(ix.get_model("video_meetings").run(participants=10, meeting_hours=2)[
        "own_emission_t"])


def test_import_functions_and_xlwings_classic_calls_see_the_configured_models(monkeypatch, tmp_path):
    """The real xlwings classic code path: VBA wrappers for the user's functions, calls with ranges."""
    from xlwings_classic import ComRange, classic_xlwings
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ICTCO2_MODELS", str(EXAMPLES))
    with classic_xlwings() as classic:
        vba = classic.vba()
        for name in ("METER_READING_REDUCTION", "METER_READING_NET", "VIDEO_MEETINGS_REDUCTION", "ICTCO2_RUN"):
            assert f"Function {name}(" in vba, name
        got = classic.call("METER_READING_REDUCTION", ComRange([[1000.0], [None]]))
        model = ix.get_model("remote_meter_reading")
        np.testing.assert_allclose(np.array(got, float).ravel(), [model.run(meters=1000).primary, model.run().primary])
        run = classic.call("ICTCO2_RUN", "video_meetings", "rebound_t", ComRange([["rebound_share"]]),
                           ComRange([[0.2], [0.3]]))
        np.testing.assert_allclose(np.array(run, float).ravel(), [ix.get_model("video_meetings").run(
            rebound_share=s)["rebound_t"] for s in (0.2, 0.3)])
