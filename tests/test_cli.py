"""The ``ictco2-xl`` command as a newcomer meets it.

Two halves. The installed package: the console script and every documented command run in a fresh process
that cannot see this checkout (isolated mode, cwd elsewhere), so a file missing from the wheel fails here;
under ``ICTCO2_TEST_INSTALLED=1`` (set by ``.ci/run``) the package must come from site-packages, not an
editable install. And the surface itself, in-process: help on every option, "did you mean", one number
notation, spreadsheet row numbers, the factor-set option on every command that computes, no overwriting,
one-line install hints for missing optional packages, progress bars only on a terminal.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ictco2_xl.cli import build_parser, main
from ictco2_xl.cli.common import fmt, install_command
from ictco2_xl.core.models import MODELS

ROOT = Path(__file__).resolve().parents[1]
REQUIRE_INSTALLED = os.environ.get("ICTCO2_TEST_INSTALLED") == "1"
OPTIONAL = ("openpyxl", "formulas", "defusedxml", "xlwings", "matplotlib", "tqdm", "lxml", "python_calamine")

# Runs commands through the installed package in one isolated process; prints JSON.
DRIVER = r"""
import contextlib, io, json, os, sys
for name in filter(None, sys.argv[2].split(",")):
    sys.modules[name] = None                      # as if this optional package were not installed
import ictco2_xl
from ictco2_xl.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
        except BaseException as exc:              # a traceback is a failure of its own
            code, err = "traceback", io.StringIO(repr(exc))
    results.append({"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps({"package": ictco2_xl.__file__, "results": results}))
"""


@pytest.fixture(scope="module")
def console_script() -> str:
    script = shutil.which("ictco2-xl", path=str(Path(sys.executable).parent))
    if script is None:
        if REQUIRE_INSTALLED:
            pytest.fail("ictco2-xl is not installed in this Python: pip install '.[test]'")
        pytest.skip("ictco2-xl is not installed in this Python (pip install '.[test]')")
    return script


def _isolated_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH")}
    env["COLUMNS"] = "100"
    return env


def run_installed(tmp_path, commands, hide=()):
    """Run CLI commands through the installed package (``python -I``: no cwd, no PYTHONPATH) from tmp_path."""
    proc = subprocess.run([sys.executable, "-I", "-c", DRIVER, json.dumps(commands), ",".join(hide)],
                          cwd=tmp_path, env=_isolated_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.splitlines()[-1])
    return Path(data["package"]), data["results"]


def _check_package_location(package: Path) -> None:
    """The commands ran the installed package (an isolated process finds this checkout only through an
    editable install, which development allows and CI does not)."""
    package = package.resolve()
    purelib = Path(sysconfig.get_paths()["purelib"]).resolve()
    if ROOT in package.parents and not REQUIRE_INSTALLED:
        return
    assert purelib in package.parents, f"the commands ran {package}, not the installed package in {purelib}"
    assert ROOT not in package.parents, f"the commands ran the source tree {package}"


def test_the_installed_package_holds_every_file_of_the_source_package(tmp_path):
    package, _ = run_installed(tmp_path, [])
    _check_package_location(package)
    installed_root = package.resolve().parent
    if installed_root == (ROOT / "ictco2_xl").resolve():
        pytest.skip("editable install: the commands run the source tree itself")
    tracked = subprocess.run(["git", "ls-files", "ictco2_xl"], cwd=ROOT, capture_output=True, text=True)
    files = tracked.stdout.split() if tracked.returncode == 0 and tracked.stdout else \
        [str(p.relative_to(ROOT)) for p in (ROOT / "ictco2_xl").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    missing = [f for f in files if not (installed_root / Path(f).relative_to("ictco2_xl")).is_file()]
    assert not missing, f"not in the wheel: {missing}"


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readmes_first_command_fills_the_example_workbooks(tmp_path, console_script):
    """README: `pip install ".[xlsx]" && ictco2-xl batch --example --out ictco2_examples`, run as written."""
    first, second = _readme_commands()[:2]
    install, _, command = first.partition(" && ")
    assert install == 'pip install ".[xlsx]"' and command.startswith("ictco2-xl batch --example")
    assert second == 'pip install ".[test]" && python -m pytest -n auto --dist loadfile'
    assert second in (ROOT / ".ci" / "run").read_text(encoding="utf-8")   # CI runs the README's test command
    argv = command.split()[1:]
    proc = subprocess.run([console_script, *argv], cwd=tmp_path, env=_isolated_env(), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out_dir = (tmp_path / argv[argv.index("--out") + 1]).resolve()
    assert f"written to {out_dir / 'chongqing_cases'}" in proc.stdout
    assert "28 of 28 workbook(s) written" in proc.stdout
    assert len(list((out_dir / "chongqing_cases").glob("*.xlsx"))) == 28 + 1   # + summary.xlsx
    assert "\r" not in proc.stderr                                             # no bar when not a terminal


def _documented_commands() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Command line"):]
    return set(re.findall(r"^ictco2-xl ([a-z-]+)", section, re.M)) | {"uncertainty", "sensitivity", "restate", "report"}


def test_every_documented_command_works_from_the_installed_package(tmp_path):
    factors = tmp_path / "my_factors.toml"
    factors.write_text('name = "mine"\n[[factor]]\nkey = "grid_kg_per_kwh"\nvalue = 0.58\n', encoding="utf-8")
    table = tmp_path / "s.csv"
    table.write_text("scenario,target_year,empty_rate_cut\nlow,2010,0.1\nhigh,2030,\n", encoding="utf-8")
    commands = [
        ["reconcile", "--status", "report_inconsistent"],
        ["models"], ["models", "streetlight"], ["models", "--markdown", "--out", "ref/MODELS.md"],
        ["factors"], ["factors", "--file", str(factors)],
        ["run", "streetlight", "lamp_count=5000", "--factor-set", str(factors)],
        ["evaluate", str(table), "--model", "logistics_potential", "--out", "out/eval.csv", "--factor-set", "current"],
        ["templates", "--out", "tpl", "--model", "streetlight", "--factor-set", str(factors)],
        ["recalc", "tpl/streetlight.xlsx", "--check"],
        ["batch", str(table), "--model", "logistics_potential", "--out", "batch", "--factor-set", str(factors)],
        ["excel-config"],
        ["lite", "--out", "lite", "--wheel-url", "https://example.org/x/ictco2_xl-0.1.0-py3-none-any.whl"],
        ["uncertainty", "fleet_management", "--draws", "1000", "--factor-set", str(factors)],
        ["sensitivity", "fleet_management", "--factor-set", str(factors), "--png", "charts/t.png"],
        ["restate", "--factor-set", str(factors), "--xlsx", "restated/r.xlsx"],
        ["report", "--out", "net/rep.xlsx", "--draws", "0", "--factor-set", str(factors)],
    ]
    documented = _documented_commands()
    if shutil.which("soffice"):   # preview prints with LibreOffice; .ci/run installs it
        commands.append(["preview", "tpl/streetlight.xlsx", "--png", "pages"])
    else:
        documented.discard("preview")
    assert {c[0] for c in commands} >= documented
    package, results = run_installed(tmp_path, commands)
    _check_package_location(package)
    for r in results:
        assert r["code"] == 0, (r["argv"], r["err"])
    by_name = {" ".join(r["argv"][:2]): r for r in results}
    assert "Set by" in by_name["factors --file"]["out"] and "mine" in by_name["run streetlight"]["out"]
    assert (tmp_path / "ref" / "MODELS.md").is_file() and (tmp_path / "out" / "eval.csv").is_file()
    assert (tmp_path / "net" / "rep.md").is_file() and (tmp_path / "net" / "rep.xlsx").is_file()
    assert (tmp_path / "charts" / "t.png").is_file() and (tmp_path / "restated" / "r.xlsx").is_file()
    assert "factor set mine" in by_name["uncertainty fleet_management"]["out"]


def test_the_base_install_runs_the_core_commands_and_names_the_install_for_the_rest(tmp_path):
    """`pip install .` alone (no openpyxl, formulas, matplotlib...): the core commands work; the others say in
    one line which package is missing and the exact command that installs it from this checkout."""
    (tmp_path / "x.xlsx").write_bytes((ROOT / "templates" / "streetlight.xlsx").read_bytes())
    core = [["reconcile"], ["models", "fleet_management"], ["factors", "--set", "current"],
            ["run", "LOGISTICS_POTENTIAL", "target_year=2020"], ["uncertainty", "telework", "--draws", "500"],
            ["sensitivity", "telework"], ["restate", "--csv"]]
    adapters = {("templates", "--out", "t"): "xlsx", ("batch", "--example", "--out", "b"): "xlsx",
                ("recalc", "x.xlsx"): "xlsx", ("report", "--out", "r"): "xlsx",
                ("sensitivity", "telework", "--png", "t.png"): "plot", ("restate", "--xlsx", "r.xlsx"): "xlsx"}
    package, results = run_installed(tmp_path, core + [list(a) for a in adapters], hide=OPTIONAL)
    for r in results[:len(core)]:
        assert r["code"] == 0, (r["argv"], r["err"])
    for r, extra in zip(results[len(core):], adapters.values()):
        assert r["code"] == 2, r
        line = r["err"].strip()
        assert "\n" not in line and "Traceback" not in line, line
        assert "is not installed; install it with: " in line and "pip install" in line, line
        assert f"{ROOT}[{extra}]" in line, line           # installed from this checkout: install from it again
        assert "ictco2-xl[" not in line   # no package index entry that does not exist
    assert not (tmp_path / "t").exists() and not (tmp_path / "r.md").exists()
    assert not (tmp_path / "b").exists()   # nothing half-written: no folder, no summary.csv (the next run's summary-2)


def test_install_command_names_this_checkout():
    command = install_command("xlsx")
    assert "-m pip install" in command and f"{ROOT}[xlsx]" in command


# -- the surface ---------------------------------------------------------------------------------------
def _walk(parser, path=("ictco2-xl",)):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, (*path, name))
        else:
            yield path, action


def test_every_option_and_argument_has_help():
    missing = [f"{' '.join(path)} {'/'.join(a.option_strings) or a.dest}" for path, a in _walk(build_parser())
               if not a.help or a.help == argparse.SUPPRESS]
    assert not missing, missing


def test_every_command_that_computes_takes_one_factor_set_option():
    commands = {name: sub for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
                for name, sub in a.choices.items()}
    for name in ("run", "evaluate", "templates", "batch", "uncertainty", "sensitivity", "restate", "report", "factors"):
        opts = {o for a in commands[name]._actions for o in a.option_strings}
        assert "--factor-set" in opts, name


def test_one_number_notation():
    assert fmt(2020.0, "year") == "2020" and fmt(2030, "year") == "2030"
    assert fmt(206987654.3) == "206,987,654" and fmt(1.298e9) == "1,298,000,000"
    assert fmt(101804.85) == "101,805" and fmt(12998.5) == "12,998.5" and fmt(0.8665) == "0.8665"
    assert fmt(0.000123456789) == "0.000123457" and fmt(2.5e-7) == "2.5e-07" and fmt(3e15) == "3e+15"
    assert fmt(float("nan")) == "-" and fmt(None) == "-" and fmt(0.0) == "0" and fmt(-1234.5) == "-1,234.5"


def test_run_prints_years_as_years(capsys):
    assert main(["run", "logistics_potential", "target_year=2020,2030"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^target_year\s+2020\s+2030\s+year", out, re.M) and "2,020" not in out


def test_models_lists_titles_and_whole_sections(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for m in MODELS.values():
        assert m.title in out and m.section in out and m.function in out


def test_models_model_shows_inputs_and_results(capsys):
    assert main(["models", "LOGISTICS_POTENTIAL"]) == 0
    out = capsys.readouterr().out
    model = MODELS["logistics_potential"]
    for i in model.inputs:
        assert re.search(rf"^{i.name}\s+{re.escape(i.unit)}\s", out, re.M), i.name
        assert i.source[:30] in out.replace("\n    ", " ")
    assert "between 2008 and 2030 (whole number)" in out and "12,998.5" in out
    for s in model.steps:
        assert re.search(rf"^{s.name}( \*)?\s+{re.escape(s.unit)}\s", out, re.M), s.name


@pytest.mark.parametrize("argv, hint", [
    (["run", "fleet_managment"], "did you mean 'fleet_management'?"),
    (["run", "LOGISTICS_POTENTIL"], "did you mean 'LOGISTICS_POTENTIAL'?"),
    (["run", "fleet_management", "tonage_100t=5"], "did you mean 'tonnage_100t'?"),
    (["run", "streetlight", "--factor-set", "curent"], "did you mean 'current'?"),
    (["models", "streetlite"], "did you mean 'streetlight'?"),
    (["uncertainty", "telework", "--output", "reducton_t"], "reduction_t"),
])
def test_misspelt_names_get_a_suggestion(argv, hint, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert hint in err and err.count("\n") == 1, err


def test_evaluate_suggests_misspelt_columns_and_counts_spreadsheet_rows(tmp_path, capsys):
    table = tmp_path / "s.csv"
    table.write_text("scenario,target_yaer\na,2020\n", encoding="utf-8")
    assert main(["evaluate", str(table), "--model", "logistics_potential"]) == 1   # the row fails, as in batch
    assert "did you mean 'target_year'?" in capsys.readouterr().err
    table.write_text("scenario,target_year\nfirst,2020\nsecond,3000\n", encoding="utf-8")
    assert main(["evaluate", str(table), "--model", "logistics_potential"]) == 1
    err = capsys.readouterr().err
    assert "row 3" in err and "row 2" not in err        # header row 1, 'first' row 2, 'second' row 3


def test_factors_file_says_what_it_sets_and_what_falls_back(tmp_path, capsys):
    path = tmp_path / "mine.csv"
    path.write_text("key,value,source\ngrid_kg_per_kwh,0.6,my utility 2024\n", encoding="utf-8")
    assert main(["factors", "--factor-set", str(path)]) == 0
    out = capsys.readouterr().out
    own, _, rest = out.partition("Not set there, so taken from 'report'")
    assert "grid_kg_per_kwh" in own and "my utility 2024" in own
    assert "grid_kg_per_kwh" not in rest.split("no longer apply")[0]   # report's per-model grid rows do not apply
    assert "model-specific row(s) of 'report' no longer apply" in rest and "diesel_kg_per_l" in rest


def test_no_command_overwrites_without_asking(tmp_path, capsys):
    out = tmp_path / "t"
    assert main(["templates", "--out", str(out), "--model", "streetlight", "--model", "telework"]) == 0
    (out / "telework.xlsx").write_bytes(b"user's file")
    before = (out / "streetlight.xlsx").stat().st_mtime_ns
    assert main(["templates", "--out", str(out), "--model", "streetlight", "--model", "telework"]) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert (out / "telework.xlsx").read_bytes() == b"user's file" and (out / "streetlight.xlsx").stat().st_mtime_ns == before
    assert main(["templates", "--out", str(out), "--model", "telework", "--overwrite"]) == 0
    md = tmp_path / "deep" / "MODELS.md"
    assert main(["models", "--markdown", "--out", str(md)]) == 0
    md.write_text("mine", encoding="utf-8")
    assert main(["models", "--markdown", "--out", str(md)]) == 2 and md.read_text(encoding="utf-8") == "mine"
    assert main(["models", "--markdown", "--out", str(md), "--overwrite"]) == 0
    assert md.read_text(encoding="utf-8").startswith("# ictco2_xl model reference")


def _terminal_env() -> dict:
    # TQDM_DISABLE: the formulas engine, imported by earlier tests in this process, sets it for itself.
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    return {**env, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}


def _pty_run(argv, cwd) -> str:
    """Run the command with stderr (and stdout) on a pseudo-terminal; returns what the terminal received."""
    import pty
    import select
    import fcntl
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))   # a terminal 100 columns wide
    proc = subprocess.Popen([sys.executable, "-m", "ictco2_xl", *argv], cwd=cwd, stdin=slave, stdout=slave,
                            stderr=slave, env=_terminal_env())
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_progress_bars_show_on_a_terminal_only(tmp_path):
    pytest.importorskip("tqdm")
    screen = _pty_run(["uncertainty", "--draws", "2000"], tmp_path)
    assert re.search(r"models:\s+\d+%\|", screen), screen[-500:]
    piped = subprocess.run([sys.executable, "-m", "ictco2_xl", "uncertainty", "--draws", "2000"], cwd=tmp_path,
                           env=_terminal_env(), capture_output=True, text=True)
    assert piped.returncode == 0 and "%|" not in piped.stderr and "\r" not in piped.stderr
    (tmp_path / "s.csv").write_text("scenario,target_year\na,2010\nb,2020\n", encoding="utf-8")
    screen = _pty_run(["batch", "s.csv", "--model", "telework", "--out", "ex", "--verify", "python"], tmp_path)
    assert re.search(r"rows: \d+", screen) and re.search(r"verified:\s+\d+%\|", screen), screen[-800:]


def test_misspelt_commands_and_choices_get_a_suggestion(capsys):
    for argv, hint in ((["modles"], "did you mean 'models'?"),
                       (["recalc", "x.xlsx", "--engine", "libreofice"], "did you mean 'libreoffice'?")):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2 and hint in capsys.readouterr().err
