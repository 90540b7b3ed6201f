"""`ictco2-xl excel-config` (classic add-in settings) and `ictco2-xl lite` (files for xlwings Lite)."""
import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


URL = f"https://downloads.example.org/ictco2/{deploy.wheel_name()}"


def test_lite_writes_main_py_requirements_and_a_wheel(tmp_path, capsys):
    assert main(["lite", "--out", str(tmp_path / "bundle"), "--wheel-url", URL]) == 0
    out = capsys.readouterr().out
    assert f"upload {tmp_path / 'bundle' / deploy.wheel_name()} to {URL}" in out
    tree = ast.parse((tmp_path / "bundle" / "main.py").read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert [i.module for i in imports] == ["ictco2_xl.udfs"]
    assert [a.name for a in imports[0].names] == list(FUNCTIONS)
    reqs = (tmp_path / "bundle" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [r for r in reqs if not r.startswith("#")] == ["numpy", "pandas", URL]
    assert (tmp_path / "bundle" / deploy.wheel_name()).is_file()


def test_lite_names_no_package_index_entry_that_does_not_exist(tmp_path, capsys):
    """ictco2-xl is not on PyPI: without a wheel URL (or a requirement for the user's own index) lite writes
    nothing and says what to host and how."""
    assert main(["lite", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--wheel-url" in err and "not on PyPI" in err and deploy.wheel_name() in err and "CORS" in err
    assert not list(tmp_path.iterdir())
    for bad in ("http://example.org/" + deploy.wheel_name(), "https://example.org/other.whl"):
        assert main(["lite", "--out", str(tmp_path), "--wheel-url", bad]) == 2
        assert "--wheel-url must" in capsys.readouterr().err
    assert "ictco2-xl==" not in deploy.CLASSIC_STEPS and "ictco2-xl[" not in deploy.CLASSIC_STEPS


def test_lite_refuses_to_overwrite_and_takes_a_requirement(tmp_path, capsys):
    main(["lite", "--out", str(tmp_path), "--wheel-url", URL])
    assert main(["lite", "--out", str(tmp_path), "--wheel-url", URL]) == 2
    assert "pass --overwrite" in capsys.readouterr().err
    assert main(["lite", "--out", str(tmp_path), "--overwrite", "--requirement", "ictco2-xl==0.1.0"]) == 0
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == "ictco2-xl==0.1.0"


def _only_these_distributions(names, target: Path) -> None:
    """Link the top-level modules of ``names`` and of everything they require into ``target``: a Python
    started with -S (no site-packages) and PYTHONPATH=target sees these packages and nothing else."""
    from importlib import metadata
    todo, seen = list(names), set()
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue   # an optional or platform-specific requirement not installed here
        todo += [re.match(r"[A-Za-z0-9._-]+", r).group(0) for r in dist.requires or [] if "extra ==" not in r]
        tops = {f.parts[0] for f in dist.files or [] if f.parts[0] not in ("..", "__pycache__")}
        for top in tops:
            source = Path(dist.locate_file(top))
            if source.exists() and not (target / top).exists():
                (target / top).symlink_to(source)


def test_the_lite_bundle_works_with_only_the_wheel_numpy_and_pandas(tmp_path):
    """What xlwings Lite has: the wheel, numpy and pandas (no xlwings, openpyxl or anything else of ours)."""
    assert main(["lite", "--out", str(tmp_path / "bundle"), "--wheel-url", URL]) == 0
    wheel = tmp_path / "bundle" / deploy.wheel_name()
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(site), str(wheel)], check=True)
    deps = tmp_path / "deps"
    deps.mkdir()
    _only_these_distributions(["numpy", "pandas"], deps)
    main_py = (tmp_path / "bundle" / "main.py").read_text(encoding="utf-8")
    code = ("import importlib.util, sys\n"
            "for absent in ('xlwings', 'openpyxl', 'formulas', 'matplotlib', 'lxml'):\n"
            "    assert importlib.util.find_spec(absent) is None, absent\n"
            + main_py +
            "import ictco2_xl; assert ictco2_xl.__file__.startswith(sys.argv[1]), ictco2_xl.__file__\n"
            "print(LOGISTICS_REDUCTION()[0][0], ICTCO2_FACTOR('grid_kg_per_kwh', 'current')[0][0])")
    env = {"PYTHONPATH": os.pathsep.join([str(site), str(deps)]), "PATH": os.environ.get("PATH", "")}
    out = subprocess.run([sys.executable, "-S", "-c", code, str(site)], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.split()
    assert float(first) == pytest.approx(101804.85) and float(second) == pytest.approx(0.5306)


def test_wheel_metadata_follows_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert list(deploy.RUNTIME_REQUIREMENTS) == project["dependencies"]
    assert deploy.DIST_NAME == project["name"]
