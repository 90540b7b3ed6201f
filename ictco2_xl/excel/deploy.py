"""Deployment of the worksheet functions: the xlwings.conf of the classic add-in and the xlwings Lite bundle
(``main.py``, ``requirements.txt``, a wheel). The commands ``excel-config`` and ``lite`` are in ``ictco2_xl.cli.excel``."""
from __future__ import annotations

import base64
import hashlib
import io
import os
import site
import sys
import zipfile
from pathlib import Path

from .. import __version__
from ..core.errors import ICTCO2Error
from .config import _CONF_LINE, MODELS_SETTING, user_conf_path  # noqa: F401  (user_conf_path: part of this API)

UDF_MODULE = "ictco2_xl.udfs"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the ictco2_xl folder (this file is ictco2_xl/excel/deploy.py)
DIST_NAME = "ictco2-xl"
# The core's runtime dependencies (pyproject's [project] dependencies; a test keeps them equal).
RUNTIME_REQUIREMENTS = ("numpy>=1.24", "pandas>=2.0")
# {install}: the command that installs the ``excel`` extra (xlwings) into that Python (see cli.common.install_command).
CLASSIC_STEPS = """\
Next steps (Windows, desktop Excel):
  1. In that Python: {install}
     then: xlwings addin install
  2. Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings >
     tick "Trust access to the VBA project object model" (Import Functions writes VBA).
  3. Open your workbook, save it as .xlsm, and click xlwings tab > Import Functions.
     =LOGISTICS_REDUCTION() then gives the report's Chongqing figure (101804.85 t CO2).
"""


class DeployError(ICTCO2Error):
    """A deployment step the user must correct (e.g. a file that would be overwritten)."""


# -- classic add-in: xlwings.conf ---------------------------------------------------------------------

def _windowless(interpreter: str) -> str:
    # pythonw.exe runs the UDF server without a console window.
    path = Path(interpreter)
    quiet = path.with_name("pythonw.exe")
    return str(quiet) if path.name.lower() == "python.exe" and quiet.is_file() else interpreter


def _source_checkout_dir() -> str | None:
    """The directory holding the ictco2_xl package when it is not installed in site-packages."""
    root = PACKAGE_DIR.parent
    installed = [Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages())]
    return None if any(root == p or p in root.parents for p in installed) else str(root)


def classic_settings(interpreter: str | None = None, pythonpath: str | None = None,
                     models=()) -> dict[str, str]:
    """The xlwings.conf settings that make Import Functions find ictco2_xl.udfs (and, with ``models``, the
    user's model files: each becomes its own worksheet function)."""
    settings = {}
    conda_exe, prefix = os.environ.get("CONDA_EXE"), os.environ.get("CONDA_PREFIX")
    if interpreter is None and sys.platform.startswith("win") and conda_exe and prefix and \
            Path(prefix).resolve() == Path(sys.prefix).resolve():
        # Conda needs its activation (DLL paths), which xlwings does when given CONDA PATH and CONDA ENV.
        base = Path(conda_exe).resolve().parents[1]
        settings["CONDA PATH"] = str(base)
        settings["CONDA ENV"] = "base" if Path(prefix).resolve() == base else Path(prefix).name
    else:
        settings["INTERPRETER_WIN"] = interpreter or _windowless(sys.executable)
    settings["UDF MODULES"] = UDF_MODULE
    pythonpath = pythonpath or _source_checkout_dir()
    if pythonpath:
        settings["PYTHONPATH"] = pythonpath
    if models:
        settings[MODELS_SETTING] = os.pathsep.join(str(Path(m).resolve()) for m in models)
    return settings



def merge_conf(text: str, settings: dict[str, str]) -> str:
    """``text`` (an xlwings.conf) with ``settings`` set: their lines replaced or appended, others kept."""
    wanted = {k.upper(): (k, v) for k, v in settings.items()}
    lines = []
    for line in text.splitlines():
        m = _CONF_LINE.match(line)
        if m and m.group(1).upper() in wanted:
            key, value = wanted.pop(m.group(1).upper())
            line = f'"{key}","{value}"'
        lines.append(line)
    lines += [f'"{k}","{v}"' for k, v in wanted.values()]
    return "\n".join(lines) + "\n"


# -- xlwings Lite: main.py, requirements.txt and a wheel ----------------------------------------------

def wheel_name() -> str:
    return f"ictco2_xl-{__version__}-py3-none-any.whl"


def _package_files():
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            yield f"ictco2_xl/{path.relative_to(PACKAGE_DIR).as_posix()}", path.read_bytes()


def build_wheel(out_dir: Path) -> Path:
    """A pure-Python wheel of this ictco2_xl (no build tools needed): what xlwings Lite installs."""
    dist_info = f"ictco2_xl-{__version__}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {__version__}",
        "Summary: The CO2-reduction models of the 2010 WWF / China Mobile low-carbon ICT report",
        "Requires-Python: >=3.11", *(f"Requires-Dist: {r}" for r in RUNTIME_REQUIREMENTS), ""])
    wheel = "Wheel-Version: 1.0\nGenerator: ictco2-xl lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files = [*_package_files(), (f"{dist_info}/METADATA", metadata.encode()), (f"{dist_info}/WHEEL", wheel.encode())]
    record = io.StringIO()
    for name, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.write(f"{name},sha256={digest},{len(data)}\n")
    record.write(f"{dist_info}/RECORD,,\n")
    target = out_dir / wheel_name()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [*files, (f"{dist_info}/RECORD", record.getvalue().encode())]:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2010, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return target


def _embedded_models() -> str:
    """The loaded user models' files as Python string literals, registered before the functions are imported:
    xlwings Lite runs in the browser (Pyodide), where your files are not."""
    from ..core.models import USER_MODELS, model_source
    files = [(Path(origin).name, text) for m in USER_MODELS.values() if (src := model_source(m.id))
             for text, origin in [src]]
    if not files:
        return ""
    body = ""
    for name, text in files:
        lines = "".join(f"        {line!r}\n" for line in text.splitlines(keepends=True))
        body += f"    {name!r}: (\n{lines}    ),\n"
    return ("# Your model files, embedded (written by `ictco2-xl lite --models`): xlwings Lite cannot read files on your\n"
            "# computer. Each is registered before the functions are imported and becomes its own worksheet function.\n"
            "from ictco2_xl import load_model_text\n\n"
            f"MODEL_FILES = {{\n{body}}}\n"
            "for _name, _text in MODEL_FILES.items():\n"
            "    load_model_text(_text, _name)\n\n")


def lite_main_py() -> str:
    from .usermodels import all_functions
    names = "".join(f"    {name},\n" for name in all_functions())
    models = _embedded_models()
    return (f'"""ictco2_xl worksheet functions for xlwings Lite (written by `ictco2-xl lite`, ictco2-xl {__version__}).\n\n'
            "Paste this into xlwings Lite's main.py (your own functions can follow) and add the lines of the\n"
            "requirements.txt written with it to xlwings Lite's requirements.txt. Then =LOGISTICS_REDUCTION() gives\n"
            'the report\'s Chongqing figure; =ICTCO2_MODELS() lists every function.\n"""\n'
            + models +
            "# xlwings Lite registers the decorated functions it finds in main.py.\n"
            f"from ictco2_xl.udfs import (  # noqa: E402, F401\n{names})\n")


def check_wheel_url(url: str) -> str:
    """The address where the user hosts the wheel ``write_lite`` writes: HTTPS, ending in its file name
    (Pyodide's installer reads name and version from it)."""
    url = url.strip()
    if not url.lower().startswith("https://"):   # Excel add-ins load over HTTPS only
        raise DeployError(f"--wheel-url must be an https:// address, got {url!r}")
    if url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] != wheel_name():
        raise DeployError(f"--wheel-url must end in {wheel_name()} (the file written here, under its own name), "
                          f"got {url!r}")
    return url


def lite_requirements(requirement: str) -> str:
    return ("# Add these lines to xlwings Lite's requirements.txt (keep its xlwings line).\n"
            "# numpy and pandas come from Pyodide's own builds: leave them unpinned.\n"
            f"numpy\npandas\n{requirement}\n")


def write_lite(out_dir, requirement: str, overwrite: bool = False) -> list[Path]:
    """main.py, requirements.txt (numpy, pandas and ``requirement``: the URL of the hosted wheel, or a
    requirement your package index serves) and the wheel. ictco2-xl is not on PyPI: host the wheel."""
    if not requirement or not requirement.strip():
        raise DeployError("xlwings Lite needs to know where to install ictco2-xl from: give the URL of the wheel")
    out_dir = Path(out_dir)
    files = {"main.py": lite_main_py(), "requirements.txt": lite_requirements(requirement)}
    existing = [n for n in (*files, wheel_name()) if (out_dir / n).exists()]
    if existing and not overwrite:
        raise DeployError(f"{out_dir} already has {', '.join(existing)}; pass --overwrite to replace")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8")
        written.append(out_dir / name)
    return [*written, build_wheel(out_dir)]
