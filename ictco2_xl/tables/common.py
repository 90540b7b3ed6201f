"""What the table readers share: the error type, column letters, blank cells, header names, limits."""
from __future__ import annotations

import re

from ..core.errors import ICTCO2Error
from ..core.models import all_models

RESERVED = ("scenario", "model", "factor_set")
CHUNK_ROWS = 500
MAX_XLSX_BYTES = 100 * 2**20      # declared uncompressed size of a scenario workbook
MAX_XLSX_RATIO = 200              # declared uncompressed / compressed, per member above 1 MiB
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")   # .txt: Excel's "Unicode text" (UTF-16, tab-separated)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
BLANK, ERROR = "__blank__", "__error__"   # per-row marker columns of every chunk
_SEPARATORS = {",": "','", "\t": "tab", ";": "';'"}
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # OLE compound file: .xls, or an encrypted .xlsx
SAVE_AS_UTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited) (*.csv)'"


class TableError(ICTCO2Error):
    """The scenario table as a whole cannot be read; nothing has run."""


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip())


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # not allowed in XML 1.0


def clean_cell_text(value) -> str:
    """A cell as text with control characters removed and spaces stripped; '' for a blank cell."""
    return "" if is_blank(value) else _CONTROL.sub("", str(value)).strip()



def _header_names(cells: list, origin: str) -> list[str]:
    """Stripped header names; blank ones named by their column; duplicates and a missing header refused."""
    names, seen = [], {}
    for i, cell in enumerate(cells):
        name = clean_cell_text(cell)
        if not name:
            names.append(f"(column {column_letter(i)})")
            continue
        if name in seen:
            raise TableError(f"{origin}: columns {column_letter(seen[name])} and {column_letter(i)} are both named "
                             f"{name!r}; each column needs its own name")
        seen[name] = i
        names.append(name)
    known = set(RESERVED) | {inp.name for m in all_models().values() for inp in m.inputs}
    if not any(n in known for n in names):
        shown = ", ".join(repr(n) for n in names[:4] if not n.startswith("(column"))
        raise TableError(f"{origin}: the first row must name the columns (scenario, model, factor_set and inputs "
                         f"such as target_year); it names none of them{f' ({shown})' if shown else ''}: is the "
                         "header row missing?")
    return names



def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
