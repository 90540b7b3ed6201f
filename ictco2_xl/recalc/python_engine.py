"""Recalculate workbooks with the pure-Python `formulas` engine, every ictco2_xl worksheet function
registered (see ``ictco2_xl.engines.formulas_engine``), so templates and workbooks that call
=LOGISTICS_REDUCTION() both compute."""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # formulas reports progress with tqdm; keep CI logs clean

# Any Excel error a formula produces means the workbook did not calculate as intended.
ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#N/A", "#NULL!")


class RecalcError(RuntimeError):
    """A workbook could not be recalculated, or its formulas produced Excel errors."""


def _keyed(cells: dict[str, object]) -> dict[tuple[str, str], object]:
    return {tuple(k.rsplit("!", 1)): v for k, v in cells.items()}


class PythonWorkbook:
    """One workbook loaded into `formulas`; recalculate it any number of times with changed inputs."""

    def __init__(self, path):
        import formulas
        from openpyxl import load_workbook

        from ..engines.formulas_engine import register_functions
        register_functions()
        self.path = Path(path)
        self._sheets = {n.upper(): n for n in load_workbook(self.path, read_only=True).sheetnames}
        try:
            self._model = formulas.ExcelModel().loads(str(self.path)).finish()
        except Exception as exc:  # formulas raises many types on unreadable files
            raise RecalcError(f"{self.path.name}: cannot load into the formulas engine: {exc}") from exc

    def calculate(self, overrides: dict[tuple[str, str], float] | None = None) -> dict[tuple[str, str], object]:
        """Values of every cell, keyed by (sheet, ref); ``overrides`` sets input cells first."""
        from ..engines.formulas_engine import _cells
        book = f"[{self.path.name}]"
        inputs = {f"'{book}{s.upper()}'!{r}": v for (s, r), v in (overrides or {}).items()}
        solution = self._model.calculate(inputs=inputs) if inputs else self._model.calculate()
        out = _keyed(_cells(solution, self._sheets))
        errors = {k: v for k, v in out.items() if v in ERRORS}
        if errors:
            listed = ", ".join(f"{s}!{r}={v}" for (s, r), v in sorted(errors.items())[:10])
            raise RecalcError(f"{self.path.name}: the formulas engine produced errors: {listed}")
        return out


def recalculate(paths) -> dict[Path, dict[tuple[str, str], object]]:
    from ..engines.formulas_engine import WorkbookErrors, calculate
    out = {}
    for p in paths:
        try:
            out[Path(p)] = _keyed(calculate(p, fail_on=ERRORS))
        except WorkbookErrors as exc:
            raise RecalcError(str(exc)) from None
    return out
