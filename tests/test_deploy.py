"""`ictco2-xl excel-config` (classic add-in settings) and `ictco2-xl lite` (files for xlwings Lite)."""
import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import ictco2_xl
from ictco2_xl.excel import deploy
from ictco2_xl.cli import main
from ictco2_xl.udfs import FUNCTIONS

ROOT = Path(__file__).resolve().parents[1]


def test_excel_config_prints_the_settings_and_the_steps(capsys):
    assert main(["excel-config", "--interpreter", r"C:\Python311\pythonw.exe", "--pythonpath", r"C:\work"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ['"INTERPRETER_WIN","C:\\Python311\\pythonw.exe"', '"UDF MODULES","ictco2_xl.udfs"',
                                '"PYTHONPATH","C:\\work"']
    assert "Import Functions" in err and "Trust access to the VBA project object model" in err


def test_excel_config_updates_an_existing_file_and_keeps_other_settings(tmp_path, capsys):
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"Interpreter_Win","C:\\old\\python.exe"\n"SHOW CONSOLE","True"\n', encoding="utf-8")
    assert main(["excel-config", "--out", str(conf), "--interpreter", "C:\\new\\python.exe"]) == 0
    lines = conf.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ['"INTERPRETER_WIN","C:\\new\\python.exe"', '"SHOW CONSOLE","True"', '"UDF MODULES","ictco2_xl.udfs"']
    assert "other settings kept" in capsys.readouterr().out


def test_excel_config_write_goes_to_the_users_xlwings_conf(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["excel-config", "--write"]) == 0
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    assert '"UDF MODULES","ictco2_xl.udfs"' in conf.read_text(encoding="utf-8")
    assert str(conf) in capsys.readouterr().out


def test_excel_config_prefers_pythonw_and_conda_activation(tmp_path, monkeypatch):
    exe = tmp_path / "python.exe"
    exe.write_text("")
    (tmp_path / "pythonw.exe").write_text("")
    monkeypatch.setattr(sys, "executable", str(exe))
    assert deploy.classic_settings()["INTERPRETER_WIN"] == str(tmp_path / "pythonw.exe")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("CONDA_EXE", str(tmp_path / "miniconda" / "Scripts" / "conda.exe"))
    monkeypatch.setenv("CONDA_PREFIX", sys.prefix)
    settings = deploy.classic_settings()
    assert settings["CONDA PATH"] == str((tmp_path / "miniconda").resolve()) and "INTERPRETER_WIN" not in settings
    assert settings["CONDA ENV"] == Path(sys.prefix).name


def test_lite_writes_main_py_requirements_and_a_wheel(tmp_path, capsys):
    assert main(["lite", "--out", str(tmp_path)]) == 0
    assert "--requirement URL" in capsys.readouterr().out
    tree = ast.parse((tmp_path / "main.py").read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert [i.module for i in imports] == ["ictco2_xl.udfs"]
    assert [a.name for a in imports[0].names] == list(FUNCTIONS)
    reqs = (tmp_path / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [r for r in reqs if not r.startswith("#")] == ["numpy", "pandas", f"ictco2-xl=={ictco2_xl.__version__}"]
    assert (tmp_path / deploy.wheel_name()).is_file()


def test_lite_refuses_to_overwrite_and_takes_a_requirement(tmp_path, capsys):
    main(["lite", "--out", str(tmp_path)])
    assert main(["lite", "--out", str(tmp_path)]) == 2
    assert "pass --overwrite" in capsys.readouterr().err
    url = "https://example.org/ictco2_xl-0.1.0-py3-none-any.whl"
    assert main(["lite", "--out", str(tmp_path), "--overwrite", "--requirement", url]) == 0
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == url


def test_the_wheel_installs_and_serves_the_functions_on_its_own(tmp_path):
    wheel = deploy.build_wheel(tmp_path)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(wheel)], check=True)
    main_py = deploy.lite_main_py()
    code = ("import ictco2_xl, sys; assert ictco2_xl.__file__.startswith(sys.argv[1]), ictco2_xl.__file__\n"
            + main_py + "print(LOGISTICS_REDUCTION()[0][0], ICTCO2_FACTOR('grid_kg_per_kwh', 'current')[0][0])")
    out = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path, env={"PYTHONPATH": str(target)},
                         capture_output=True, text=True, check=True).stdout.split()
    assert float(out[0]) == pytest.approx(101804.85) and float(out[1]) == pytest.approx(0.5306)


def test_wheel_metadata_follows_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert list(deploy.RUNTIME_REQUIREMENTS) == project["dependencies"]
    assert deploy.DIST_NAME == project["name"]
