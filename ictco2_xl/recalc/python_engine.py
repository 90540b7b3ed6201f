"""Recalculate a workbook with the pure-Python `formulas` engine."""
from __future__ import annotations

import os
import re
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # formulas reports progress with tqdm; keep CI logs clean


_CELL_REF = re.compile(r"^[A-Z]{1,3}[0-9]+$")


class RecalcError(RuntimeError):
    """A workbook could not be recalculated, or its formulas produced Excel errors."""


def _plain(value):
    v = value
    while hasattr(v, "value") and not isinstance(v, (str, bytes)):
        v = v.value
    while hasattr(v, "__len__") and not isinstance(v, (str, bytes)) and len(v) == 1:
        v = v[0]
    if hasattr(v, "item"):
        v = v.item()
    return v


class PythonWorkbook:
    """One workbook loaded into `formulas`; recalculate it any number of times with changed inputs."""

    def __init__(self, path):
        import formulas
        from openpyxl import load_workbook
        self.path = Path(path)
        self._sheets = {ws.upper(): ws for ws in load_workbook(self.path, read_only=True).sheetnames}
        try:
            self._model = formulas.ExcelModel().loads(str(self.path)).finish()
        except Exception as exc:  # formulas raises many types on unreadable files
            raise RecalcError(f"{self.path.name}: cannot load into the formulas engine: {exc}") from exc
        self._book = f"[{self.path.name}]"

    def _key(self, sheet: str, ref: str) -> str:
        return f"'{self._book}{sheet.upper()}'!{ref}"

    def calculate(self, overrides: dict[tuple[str, str], float] | None = None) -> dict[tuple[str, str], object]:
        """Values of every cell, keyed by (sheet, ref); ``overrides`` sets input cells first."""
        inputs = {self._key(s, r): v for (s, r), v in (overrides or {}).items()}
        solution = self._model.calculate(inputs=inputs) if inputs else self._model.calculate()
        out = {}
        for key, value in solution.items():
            sheet, _, ref = key.rpartition("!")
            if not _CELL_REF.match(ref):  # ranges and defined names are reported too; keep single cells
                continue
            name = sheet.strip("'").split("]", 1)[-1]
            out[(self._sheets.get(name, name), ref)] = _plain(value)
        errors = {k: v for k, v in out.items() if isinstance(v, str) and v.startswith("#")
                  or type(v).__name__ == "XlError"}
        if errors:
            listed = ", ".join(f"{s}!{r}={v}" for (s, r), v in sorted(errors.items())[:10])
            raise RecalcError(f"{self.path.name}: the formulas engine produced errors: {listed}")
        return out


def recalculate(paths) -> dict[Path, dict[tuple[str, str], object]]:
    return {Path(p): PythonWorkbook(p).calculate() for p in paths}
