"""Recalculate workbooks with LibreOffice headless: a real spreadsheet engine, many files per process.

LibreOffice trusts cached values in xlsx files by default and ignores fullCalcOnLoad, so stale values
would survive. Every run uses its own profile with OOXMLRecalcMode = 0 (always recalculate on load).
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import RecalcError

INSTALL_HINT = "install it with: apt-get install -y libreoffice-calc-nogui"

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeUnavailable(RecalcError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


CHUNK = 40  # files per soffice process: one long call over hundreds of files was seen to stop early


XLSX = "xlsx:Calc MS Excel 2007 XML"


def _run_soffice(exe: str, paths: list[Path], out_dir: Path, timeout: float, target: str = XLSX,
                 recalculate: bool = True) -> subprocess.CompletedProcess:
    """One soffice process over ``paths`` with a private profile: recalculating on load, or (for rendering
    what a person sees) LibreOffice's default settings."""
    with tempfile.TemporaryDirectory(prefix="ictco2-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        if recalculate:
            (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", target, "--outdir", str(out_dir), *map(str, paths)]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RecalcError(f"LibreOffice did not finish {len(paths)} file(s) within {timeout:.0f} s") from None


def convert(paths, out_dir, timeout: float | None = None, target: str = XLSX, recalculate: bool = True) -> list[Path]:
    """Open the files in soffice (a few dozen per process, each with its own profile), recalculate them
    (unless ``recalculate`` is false: LibreOffice's default settings, as a user has them) and save them in
    the ``target`` format (default xlsx) into ``out_dir`` as <stem>.<ext>. Files soffice skipped are retried
    once."""
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeUnavailable(f"LibreOffice (soffice) is not installed; {INSTALL_HINT}")
    paths = [Path(p).resolve() for p in paths]
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise RecalcError("files to convert together must have distinct names")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {p: out_dir / f"{p.stem}.{target.split(':')[0]}" for p in paths}
    todo, proc = paths, None
    for _attempt in range(2):
        for i in range(0, len(todo), CHUNK):
            chunk = todo[i:i + CHUNK]
            proc = _run_soffice(exe, chunk, out_dir, timeout if timeout is not None else 60 + 3 * len(chunk),
                                target, recalculate)
        todo = [p for p in todo if not outputs[p].exists()]
        if not todo:
            break
    if todo:
        detail = (proc.stderr or proc.stdout).strip()[-300:] if proc else ""
        raise RecalcError(f"LibreOffice could not convert {len(todo)} file(s) ({', '.join(p.name for p in todo[:5])}"
                          f"{', ...' if len(todo) > 5 else ''}): {detail}")
    return [outputs[p] for p in paths]


def read_values(path) -> dict[tuple[str, str], object]:
    """Every cell value of a saved workbook: numbers, texts and error codes (as '#DIV/0!' etc.).

    Read straight from the XML: fast, and unlike some readers it keeps error cells visible."""
    from ..workbook.package import read_package, sheet_parts
    _, files = read_package(Path(path).read_bytes())
    shared = []
    if "xl/sharedStrings.xml" in files:
        for si in re.findall(r"<si>(.*?)</si>", files["xl/sharedStrings.xml"].decode("utf-8"), re.S):
            shared.append(html.unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S))))
    out = {}
    for sheet, part in sheet_parts(files).items():
        for m in _VALUE_CELL.finditer(files[part].decode("utf-8")):
            ref, kind, raw = m.group("ref"), m.group("t"), html.unescape(m.group("v"))
            if kind == "s":
                out[(sheet, ref)] = shared[int(raw)]
            elif kind in ("e", "str", "inlineStr"):
                out[(sheet, ref)] = raw
            elif kind == "b":
                out[(sheet, ref)] = raw == "1"
            else:
                out[(sheet, ref)] = float(raw)
    return out


_VALUE_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?:[^>]*?\st="(?P<t>[^"]+)")?[^>]*>(?:(?!</c>).)*?<v>(?P<v>[^<]*)</v>',
                         re.S)


def recalculate(paths, timeout: float | None = None) -> dict[Path, dict[tuple[str, str], object]]:
    paths = [Path(p) for p in paths]
    with tempfile.TemporaryDirectory(prefix="ictco2-recalc-") as out:
        converted = convert(paths, out, timeout)
        result = {}
        for src, conv in zip(paths, converted):
            values = read_values(conv)
            errors = {k: v for k, v in values.items() if isinstance(v, str) and v.startswith("#")
                      and v.rstrip("!?0/").upper() in {"#NAME", "#VALUE", "#REF", "#DIV", "#NUM", "#N/A", "#NULL"}}
            if errors:
                listed = ", ".join(f"{s}!{r}={v}" for (s, r), v in sorted(errors.items())[:10])
                hint = (" (LibreOffice does not know the ictco2_xl worksheet functions: recalculate workbooks that "
                        "call them with --engine python)" if any(v == "#NAME?" for v in errors.values()) else "")
                raise RecalcError(f"{src.name}: LibreOffice produced errors: {listed}{hint}")
            result[src] = values
        return result
