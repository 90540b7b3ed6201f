"""Headless recalculation: the pure-Python `formulas` engine and LibreOffice, plus a checker that
compares recalculated values with the cached ones and with the Python model.

    from ictco2_xl.recalc import recalculate, check
    check(["templates/streetlight.xlsx"], engine="libreoffice")
"""
from __future__ import annotations

from pathlib import Path

from . import libreoffice, python_engine
from .check import CheckReport, Difference, compare
from .libreoffice import LibreOfficeUnavailable
from .python_engine import PythonWorkbook, RecalcError

ENGINES = ("python", "libreoffice")


def recalculate(paths, engine: str = "python", timeout: float | None = None) -> dict[Path, dict]:
    """Recalculated values of every cell of every file, keyed by path then (sheet, ref)."""
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.is_file():
            raise RecalcError(f"no such workbook: {p}")
    if engine == "python":
        return python_engine.recalculate(paths)
    if engine == "libreoffice":
        return libreoffice.recalculate(paths, timeout)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")


def check(paths, engine: str = "python", timeout: float | None = None) -> list[CheckReport]:
    """For each file: every formula cell whose cached value differs from the recalculation, and every
    model cell whose recalculated value differs from the Python model (relative tolerance 1e-9)."""
    values = recalculate(paths, engine, timeout)
    return [compare(p, engine, v) for p, v in values.items()]


__all__ = ["recalculate", "check", "CheckReport", "Difference", "RecalcError", "LibreOfficeUnavailable",
           "PythonWorkbook", "ENGINES"]
