"""What both recalculation engines raise, and the Excel errors that mean a workbook did not calculate."""
from __future__ import annotations

# Any Excel error a formula produces means the workbook did not calculate as intended.
ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#N/A", "#NULL!")


class RecalcError(RuntimeError):
    """A workbook could not be recalculated, or its formulas produced Excel errors."""
