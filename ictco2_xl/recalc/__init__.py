"""Headless recalculation, one module per engine: ``formulas_engine`` (the pure-Python `formulas` engine,
called ``python`` on the command line) and ``libreoffice``; ``check`` compares recalculated values with
the cached ones and with the Python model.

    from ictco2_xl.recalc import recalculate, check
    check(["templates/streetlight.xlsx"], engine="libreoffice")

May import: the core, ``excel.worksheet`` (the functions the formulas engine registers) and ``workbook``
(template layouts and package reading). The `formulas` package is imported only when that engine runs.
"""
from __future__ import annotations

from pathlib import Path

from . import libreoffice
from .check import CheckReport, Difference, compare
from .errors import RecalcError
from .libreoffice import LibreOfficeUnavailable

ENGINES = ("python", "libreoffice")


def recalculate(paths, engine: str = "python", timeout: float | None = None) -> dict[Path, dict]:
    """Recalculated values of every cell of every file, keyed by path then (sheet, ref)."""
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.is_file():
            raise RecalcError(f"no such workbook: {p}")
    if engine == "python":
        from . import formulas_engine
        return formulas_engine.recalculate(paths)
    if engine == "libreoffice":
        return libreoffice.recalculate(paths, timeout)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")


def check(paths, engine: str = "python", timeout: float | None = None) -> list[CheckReport]:
    """For each file: every formula cell whose cached value differs from the recalculation, and every
    model cell whose recalculated value differs from the Python model (relative tolerance 1e-9)."""
    values = recalculate(paths, engine, timeout)
    return [compare(p, engine, v) for p, v in values.items()]


def __getattr__(name):
    if name == "PythonWorkbook":  # lazily: importing `formulas` takes a second
        from .formulas_engine import PythonWorkbook
        return PythonWorkbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["recalculate", "check", "CheckReport", "Difference", "RecalcError", "LibreOfficeUnavailable",
           "PythonWorkbook", "ENGINES"]
