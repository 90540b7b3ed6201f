"""Headless recalculation, one module per engine: ``formulas_engine`` (the pure-Python `formulas` engine,
called ``python`` on the command line) and ``libreoffice``; ``scan`` reads workbooks safely (refusing what
reaches outside the file and what exceeds ``limits``); ``check`` compares recalculated values with the cached
ones and with the Python model.

    from ictco2_xl.recalc import recalculate, check
    check(["templates/streetlight.xlsx"], engine="libreoffice")

Long loops take ``progress``, a callable given the number of workbooks just finished (the command line
passes a progress bar's ``update``).

May import: the core, ``excel.worksheet`` (the functions the formulas engine registers) and ``workbook``
(template layouts). The `formulas` package is imported only when that engine runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from . import libreoffice
from .check import CheckReport, Difference, check_each, compare
from .errors import RecalcError
from .libreoffice import LibreOfficeUnavailable
from .limits import DEFAULT_LIMITS, Limits, WorkbookRefused

ENGINES = ("python", "libreoffice")
Progress = Callable[[int], None]


def _engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    return engine


def recalculate_each(paths, engine: str = "python", timeout: float | None = None, progress: Progress | None = None,
                     limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Path, dict | RecalcError]]:
    """(path, values keyed by (sheet, ref)) per workbook, or (path, error) for one refused or failing; the
    others go on."""
    paths = [Path(p) for p in paths]
    if _engine(engine) == "python":
        from .formulas_engine import shared_engine
        return shared_engine(limits).recalculate_each(paths, progress)
    return libreoffice.recalculate_each(paths, timeout, progress, limits)


def recalculate(paths, engine: str = "python", timeout: float | None = None, progress: Progress | None = None,
                limits: Limits = DEFAULT_LIMITS) -> dict[Path, dict]:
    """Recalculated values of every cell of every file, keyed by path then (sheet, ref); the first workbook
    that is refused or fails raises :class:`RecalcError`."""
    out = {}
    for path, result in recalculate_each(paths, engine, timeout, progress, limits):
        if isinstance(result, Exception):
            raise result
        out[path] = result
    return out


def check(paths, engine: str = "python", timeout: float | None = None, progress: Progress | None = None,
          limits: Limits = DEFAULT_LIMITS) -> list[CheckReport]:
    """For each file: every formula cell whose cached value differs from the recalculation, and every
    model cell whose recalculated value differs from the Python model (relative tolerance 1e-9); a file
    refused or failing to recalculate gets a report with ``error`` set."""
    return list(check_each(paths, _engine(engine), timeout, progress, limits))


def __getattr__(name):
    if name in ("PythonWorkbook", "PythonEngine"):  # lazily: importing `formulas` takes a second
        from . import formulas_engine
        return getattr(formulas_engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["recalculate", "recalculate_each", "check", "check_each", "compare", "CheckReport", "Difference",
           "RecalcError", "WorkbookRefused", "LibreOfficeUnavailable", "Limits", "DEFAULT_LIMITS", "PythonWorkbook",
           "PythonEngine", "ENGINES"]
