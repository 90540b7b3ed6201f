"""LibreOffice processes: finding soffice and a UNO-capable Python, private profiles, one UNO driver process
(``Driver``), chunked ``soffice --convert-to`` (the fallback without UNO), and reading what soffice saved.

Every soffice starts in a new process group with a unique profile directory; ``kill`` ends the whole group
(soffice.bin included) plus any process started with that profile, then removes the profile, so a timeout
leaves nothing running and nothing written into a deleted folder.
"""
from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path

from .errors import ERRORS, RecalcError
from .limits import DEFAULT_LIMITS, Limits
from .scan import Key, column_letter, scan

INSTALL_HINT = "install it with: apt-get install -y libreoffice-calc-nogui"
UNO_HINT = "apt-get install -y python3-uno"
FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "pdf": "calc_pdf_Export"}
CHUNK = 40     # files per soffice --convert-to call: one call given 1,000 files converted only 245, silently
START_SECONDS = 90.0

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""

# LibreOffice's own error codes (shown as Err:NNN) that have no Excel name.
_LO_ERRORS = {502: "invalid argument", 503: "invalid numeric result", 504: "error in a parameter list",
              508: "missing bracket", 509: "missing operator", 510: "missing variable", 511: "missing variable",
              512: "formula overflow", 513: "string overflow", 514: "internal overflow", 522: "circular reference",
              523: "iteration does not converge"}


class LibreOfficeUnavailable(RecalcError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeUnavailable(f"LibreOffice (soffice) is not installed; {INSTALL_HINT}")
    return exe


def clean_env() -> dict[str, str]:
    """The environment for soffice and the system Python: without this venv's Python settings."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@lru_cache(maxsize=None)
def uno_python() -> str | None:
    """An interpreter that can ``import uno`` (Debian's python3-uno serves the system Python only), or None.
    ``ICTCO2_UNO_PYTHON`` names one explicitly; ``ICTCO2_UNO_PYTHON=none`` turns UNO off."""
    wanted = os.environ.get("ICTCO2_UNO_PYTHON")
    if wanted and wanted.lower() == "none":
        return None
    exe = soffice_path()
    program = Path(os.path.realpath(exe)).parent if exe else None
    candidates = [wanted] if wanted else ["/usr/bin/python3", *([str(program / "python")] if program else [])]
    for python in candidates:
        if not python or not os.path.exists(python):
            continue
        try:
            ok = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30,
                                env=clean_env()).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return python
    return None


def new_profile(recalculate: bool = True) -> Path:
    """A private profile: recalculating on load, or (``recalculate=False``, for rendering what a person sees)
    LibreOffice's default settings."""
    profile = Path(tempfile.mkdtemp(prefix="ictco2-lo-"))
    (profile / "user").mkdir()
    if recalculate:
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    return profile


def profile_processes(profile: Path) -> list[int]:
    """Processes started with this (unique) profile directory."""
    needle = str(profile).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def kill(proc: subprocess.Popen, profile: Path | None) -> None:
    """End ``proc``'s process group (soffice, soffice.bin, the UNO driver) and anything else started with the
    profile (should soffice.bin ever leave the group), then remove the profile."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if profile is not None:
        for pid in profile_processes(profile):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)
    if profile is not None:
        shutil.rmtree(profile, ignore_errors=True)


class Driver:
    """One soffice driven over UNO by ``uno_driver.py`` under ``python``; started on creation (not waited for,
    so several start side by side). Replies come in the order of the requests."""

    def __init__(self, python: str, exe: str):
        self.profile = new_profile()
        pipe = f"ictco2_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        self.proc = subprocess.Popen([python, str(Path(__file__).with_name("uno_driver.py")), exe, str(self.profile),
                                      pipe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=clean_env(), start_new_session=True, bufsize=0)
        self._buffer = b""
        self.outstanding = 0
        self.alive = True
        self._ready = False

    def wait_ready(self) -> None:
        if self._ready:
            return
        try:
            reply = self.reply(START_SECONDS, "starting")
        except RecalcError as exc:
            raise LibreOfficeUnavailable(f"LibreOffice did not start over UNO: {exc}") from None
        if not reply.get("ready"):
            self.kill()
            raise LibreOfficeUnavailable(f"LibreOffice did not start over UNO: {reply.get('error', 'no reason given')}")
        self._ready = True

    def send(self, request: dict) -> None:
        if not self.alive:
            raise RecalcError("LibreOffice stopped unexpectedly; its processes were killed")
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        except OSError:
            self.kill()
            raise RecalcError("LibreOffice stopped unexpectedly; its processes were killed") from None
        self.outstanding += 1

    def reply(self, seconds: float, what: str) -> dict:
        """The next reply; past ``seconds`` (or if soffice died) the process group is killed and RecalcError raised."""
        if not self.alive:
            raise RecalcError(f"LibreOffice stopped before finishing {what}; its processes were killed")
        deadline = time.monotonic() + seconds
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.kill()
                raise RecalcError(f"LibreOffice did not finish {what} within {seconds:g} s; its processes were killed")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.kill()
                raise RecalcError(f"LibreOffice stopped while {what}; its processes were killed")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        if self._ready:
            self.outstanding -= 1
        return json.loads(line)

    def kill(self) -> None:
        if self.alive:
            self.alive = False
            kill(self.proc, self.profile)

    def close(self) -> None:
        """Ask soffice to quit (end of input); kill the group if it has not within 15 s; remove the profile."""
        if not self.alive:
            return
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=15)
        self.kill()


def values_from_uno(sheets: dict) -> dict[Key, object]:
    """The driver's reply as {(sheet, ref): value}; error cells as their Excel name or Err:NNN (meaning)."""
    out = {}
    for sheet, cells in sheets.items():
        for r, c, value in cells:
            if isinstance(value, dict):
                code, text = value.get("error", 0), value.get("text", "")
                value = text if text in ERRORS else f"Err:{code}" + (f" ({_LO_ERRORS[code]})" if code in _LO_ERRORS
                                                                      else "")
            out[(sheet, f"{column_letter(c + 1)}{r + 1}")] = value
    return out


def error_text(path: Path, values: dict[Key, object]) -> str | None:
    """One line listing the cells LibreOffice calculated to an error, or None."""
    errors = {k: v for k, v in values.items() if isinstance(v, str) and (v in ERRORS or v.startswith("Err:"))}
    if not errors:
        return None
    listed = ", ".join(f"{s}!{r}={v}" for (s, r), v in sorted(errors.items())[:10])
    more = f" and {len(errors) - 10} more" if len(errors) > 10 else ""
    hint = (" (LibreOffice does not know the ictco2_xl worksheet functions: recalculate workbooks that call them "
            "with --engine python)" if any(v == "#NAME?" for v in errors.values()) else "")
    return f"{path}: LibreOffice produced errors in {len(errors)} cell(s): {listed}{more}{hint}"


# -- chunked soffice --convert-to --------------------------------------------------------------------------------
def _run_soffice(exe: str, paths: list[Path], out_dir: Path, timeout: float, filt: str,
                 recalculate: bool = True) -> subprocess.CompletedProcess:
    profile = new_profile(recalculate)
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
           "--convert-to", filt, "--outdir", str(out_dir), *map(str, paths)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=clean_env())
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(proc, profile)
        raise RecalcError(f"LibreOffice did not finish {len(paths)} file(s) within {timeout:g} s; its processes "
                          "were killed") from None
    kill(proc, profile)     # nothing left running (a no-op when soffice exited cleanly); the profile removed
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(paths, out_dir, timeout: float | None = None, fmt: str = "xlsx", limits: Limits = DEFAULT_LIMITS,
            scanned: bool = False, recalculate: bool = True) -> list[Path]:
    """Open the files with soffice --convert-to (a few dozen per process, each with its own profile), recalculate
    them (unless ``recalculate`` is false: LibreOffice's default settings, as a user has them) and save them as
    ``fmt`` ("xlsx", "pdf" or a filter name) into ``out_dir``. Files soffice skipped are retried once. ``timeout``: seconds per soffice call (default 60 + 3 per file). Unless ``scanned``, every file
    is checked by ``scan`` first."""
    exe = require_soffice()
    paths = [Path(p).absolute() for p in paths]
    if not scanned:
        for p in paths:
            scan(p, limits)
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise RecalcError("files to recalculate together must have distinct names")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = fmt if fmt in FILTERS else "xlsx"
    filt = f"{ext}:{FILTERS.get(fmt, fmt)}"
    todo, proc = paths, None
    for _attempt in range(2):
        for i in range(0, len(todo), CHUNK):
            chunk = todo[i:i + CHUNK]
            proc = _run_soffice(exe, chunk, out_dir, timeout if timeout is not None else 60 + 3 * len(chunk), filt,
                                recalculate)
        todo = [p for p in todo if not (out_dir / f"{p.stem}.{ext}").exists()]
        if not todo:
            break
    if todo:
        detail = (proc.stderr or proc.stdout).strip()[-300:] if proc else ""
        raise RecalcError(f"LibreOffice could not convert {len(todo)} file(s) ({', '.join(p.name for p in todo[:5])}"
                          f"{', ...' if len(todo) > 5 else ''}): {detail}")
    return [out_dir / f"{s}.{ext}" for s in stems]


_TRUSTED = Limits(file_bytes=1 << 40, parts=1 << 30, part_bytes=1 << 40, total_bytes=1 << 40, ratio=1 << 30,
                  cells=1 << 40)


def read_values(path) -> dict[Key, object]:
    """Every cell value of a workbook soffice saved: numbers, texts and error codes (as '#DIV/0!' etc.)."""
    facts = scan(path, _TRUSTED)
    values = dict(facts.constants)
    values.update((k, v) for k, v in facts.cached.items() if v is not None)
    return values


__all__ = ["CHUNK", "Driver", "FILTERS", "INSTALL_HINT", "LibreOfficeUnavailable", "UNO_HINT", "clean_env", "convert",
           "error_text", "kill", "new_profile", "read_values", "require_soffice", "soffice_path", "uno_python",
           "values_from_uno"]
