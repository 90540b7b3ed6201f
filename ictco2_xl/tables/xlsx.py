"""XLSX tables: refused if encrypted, legacy or oversized; read with defusedxml; every cell for what it is."""
from __future__ import annotations

import datetime as _dt
import itertools
import re
import zipfile
from pathlib import Path

from .common import (_CFB_MAGIC, MAX_XLSX_BYTES, MAX_XLSX_RATIO, RESERVED, TableError, _header_names, _show,
                     column_letter, is_blank)


def check_xlsx_package(path: Path) -> None:
    """Refuse what must not be parsed: encrypted and legacy files, zip bombs (declared sizes and ratios)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_CFB_MAGIC):
        if _contains(path, "EncryptedPackage".encode("utf-16-le")):
            raise TableError(f"{path.name} is encrypted (password-protected): save a copy without a password "
                             "(File > Info > Protect Workbook > Encrypt with Password, empty) and use that")
        raise TableError(f"{path.name} is an Excel 97-2003 workbook (.xls) or another OLE file, not .xlsx: save it "
                         "as .xlsx or as CSV UTF-8")
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
                    raise TableError(f"{path.name}: member {info.filename} expands {info.file_size} bytes from "
                                     f"{info.compress_size} (ratio above {MAX_XLSX_RATIO}); refusing to read it")
                if total > MAX_XLSX_BYTES:
                    raise TableError(f"{path.name}: declared uncompressed size above {MAX_XLSX_BYTES // 2**20} MiB; "
                                     "refusing to read it")
    except zipfile.BadZipFile:
        raise TableError(f"{path.name}: not a valid .xlsx file ({_what_it_is(path)})") from None


def _contains(path: Path, marker: bytes, chunk: int = 1 << 20) -> bool:
    """Whether the file holds ``marker``, read in chunks (an OLE file's directory may sit anywhere in it)."""
    tail = b""
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            if marker in tail + block:
                return True
            tail = block[-(len(marker) - 1):]
    return False


def _what_it_is(path: Path) -> str:
    """What a file that is no zip package seems to be, when that is easy to tell."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        return "the file is empty"
    try:
        text = head.decode("utf-8-sig")[:-4]     # a character cut at the end is fine
    except UnicodeDecodeError:
        text = ""
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return "it is text, a CSV saved with an .xlsx name? give it a .csv name, or save it from Excel as .xlsx"
    return "not a zip package"


def _read_xlsx(path: Path) -> tuple[list[str], list]:
    """Header and (row, values, error) of the first sheet, read whole (the package is size-checked)."""
    check_xlsx_package(path)
    import defusedxml  # noqa: F401  (openpyxl parses with defusedxml when it is installed: no entity attacks)
    from openpyxl import load_workbook
    books = []
    try:
        # Twice, in step: values (cached results) and cell kinds (a formula with no saved result reads as
        # blank among the values, and would silently take the default).
        modes = (True, False) if _has_formulas(path) else (True,)   # most tables hold no formula: one pass
        books = [load_workbook(path, read_only=True, data_only=d, keep_links=False) for d in modes]
        if not books[0].worksheets:
            raise TableError(f"{path.name}: the workbook has no worksheet")
        sheets = [b.worksheets[0] for b in books]
        for sheet in sheets:   # the stored dimension may be wrong (written by a program): never trust it to cut
            sheet.reset_dimensions()
        rows = zip(sheets[0].iter_rows(), sheets[1].iter_rows() if len(sheets) > 1 else itertools.repeat(()))
        first = next(rows, None)
        if first is None or all(is_blank(c.value) for c in first[0]):
            raise TableError(f"{path.name}: row 1 of sheet {sheets[0].title!r} is blank; the first row must name "
                             "the columns")
        width = max((i + 1 for i, c in enumerate(first[0]) if not is_blank(c.value)), default=0)
        header = _header_names([c.value for c in first[0][:width]], path.name)
        out = []
        for k, (values, kinds) in enumerate(rows, start=2):
            number = getattr(values[0], "row", None) or k if values else k
            out.append(_xlsx_row(number, values, kinds, header))
        if all(values is None for _, values, error in out if not error) and not any(error for *_, error in out):
            raise TableError(f"{path.name}: no scenario rows below the header row of sheet {sheets[0].title!r}")
        return header, out
    except TableError:
        raise
    except Exception as exc:  # defusedxml, zip and XML errors all mean: do not trust this file
        why = " ".join(str(exc).split())   # one line, whatever the parser says
        raise TableError(f"{path.name}: cannot read the workbook safely: {type(exc).__name__}: {why[:300]}") from None
    finally:
        for b in books:
            b.close()


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the (size-checked) package holds a formula element, streamed in blocks."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with z.open(name) as fh:
                tail = b""
                while block := fh.read(2**20):
                    if _FORMULA_TAG.search(tail + block):
                        return True
                    tail = block[-64:]
    return False


def _xlsx_row(number: int, values, kinds, header: list[str]):
    width = len(header)
    named = ["" if i >= len(values) or not isinstance(values[i].value, str) else values[i].value for i in range(width)]
    cells = []
    for i, (v, f) in enumerate(itertools.zip_longest(values, kinds[:len(values)])):
        value, kind = v.value, getattr(v, "data_type", "n")
        if kind == "e":
            return number, named, _cell_problem(number, i, header, f"holds the error value {value}")
        if getattr(f, "data_type", "n") == "f" and value is None:
            return number, named, _cell_problem(number, i, header, f"holds a formula with no saved result "
                                                f"({f.value}): open the workbook in Excel and save it, or paste "
                                                "the values")
        cells.append(value)
    while len(cells) > width and is_blank(cells[-1]):
        cells.pop()
    if len(cells) > width:
        i = next(j for j in range(width, len(cells)) if not is_blank(cells[j]))
        return number, named, _cell_problem(number, i, header, f"has a value ({_show(cells[i])}) but its column has "
                                            "no name in row 1: name the column or delete the value")
    if all(is_blank(c) for c in cells):
        return number, None, ""
    cells += [None] * (width - len(cells))
    for i, value in enumerate(cells):
        reserved = header[i] in RESERVED
        if isinstance(value, bool):
            if not reserved:
                return number, named, _cell_problem(number, i, header, f"must be a number, got the logical value "
                                                    f"{str(value).upper()}")
            cells[i] = str(value).upper()
        elif isinstance(value, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
            if not reserved:
                return number, named, _cell_problem(number, i, header, f"must be a number, got a date or time "
                                                    f"({value}): format the cell as Number")
            if isinstance(value, _dt.datetime) and value.time() == _dt.time():
                value = value.date()
            cells[i] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        elif reserved and isinstance(value, (int, float)):
            cells[i] = str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
        elif value is None:
            cells[i] = ""
    return number, cells, ""


def _cell_problem(number: int, i: int, header: list[str], what: str) -> str:
    cell = f"{column_letter(i)}{number}"
    if i >= len(header) or header[i].startswith("(column "):
        return f"row {number}, cell {cell}: {what}"
    return f"row {number}, column {header[i]} (cell {cell}): {what}"
