"""Scenario tables: one reader (CSV in the encodings Excel writes, XLSX read safely) and one row planner,
shared by ``ictco2-xl batch`` and ``ictco2-xl evaluate``.

A table is read exactly as a spreadsheet shows it, or refused:

- the whole table, in one line, when it cannot be read for what it is (no header, two columns with one
  name, an unknown encoding, a quote never closed, an encrypted or oversized workbook), before any row runs;
- one row, with its row number, when that row cannot be (more or fewer values than the header has columns,
  a line break inside a value, a formula without a saved result, an error value, a date or TRUE where a
  number belongs). The other rows go on.

Rows are numbered as a spreadsheet numbers them: the header is row 1. Header names are stripped of spaces.

May import: the core. openpyxl and defusedxml are imported only for XLSX tables.
"""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from .core.csvio import bom_encoding
from .core.errors import ICTCO2Error
from .core.evaluation import validate_frame
from .core.factors import get_factor_set
from .core.models import MODELS, get_model

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


# -- reading ---------------------------------------------------------------------------------------------
def read_table(source, chunk_rows: int = CHUNK_ROWS, encoding: str | None = None) -> Iterator[pd.DataFrame]:
    """The table in chunks of rows: object columns named by the header (blank header cells become
    '(column C)'), plus ``__blank__`` (a blank row, skipped) and ``__error__`` (why the row cannot be read,
    or ''). The index is the row's spreadsheet number. A DataFrame is taken as it is.

    Table-level problems raise :class:`TableError` before the first chunk is returned."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = _header_names([str(c) for c in frame.columns], "the table")
        frame.index = range(2, 2 + len(frame))
        frame[BLANK], frame[ERROR] = False, ""
        return (frame.iloc[start:start + chunk_rows] for start in range(0, len(frame), chunk_rows))
    path = Path(source)
    if not path.is_file():
        raise TableError(f"scenario table not found: {path}")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _chunks(*_read_xlsx(path), chunk_rows)
    if suffix in TEXT_SUFFIXES:
        reader = _CsvTable(path, encoding)
        return _chunks(reader.header, reader.rows(), chunk_rows)
    raise TableError(f"scenario table must be .csv, .txt (tab-separated) or .xlsx, got {path.name!r}")


def _chunks(header: list[str], rows, chunk_rows: int):
    """Frames of ``chunk_rows`` rows from (row number, values or None for blank, error text) triples."""
    width = len(header)
    buf = []
    for item in rows:
        buf.append(item)
        if len(buf) == chunk_rows:
            yield _frame(header, buf, width)
            buf = []
    if buf:
        yield _frame(header, buf, width)


def _frame(header, items, width) -> pd.DataFrame:
    blank = [""] * width
    numbers, rows, errors = zip(*items)
    columns = list(zip(*(values if values is not None else blank for values in rows))) or [()] * width
    data = {name: np.array(col, dtype=object) for name, col in zip(header, columns)}
    data[BLANK] = np.array([values is None for values in rows], dtype=bool)
    data[ERROR] = np.array(errors, dtype=object)
    return pd.DataFrame(data, index=list(numbers), copy=False)


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
    known = set(RESERVED) | {inp.name for m in MODELS.values() for inp in m.inputs}
    if not any(n in known for n in names):
        shown = ", ".join(repr(n) for n in names[:4] if not n.startswith("(column"))
        raise TableError(f"{origin}: the first row must name the columns (scenario, model, factor_set and inputs "
                         f"such as target_year); it names none of them{f' ({shown})' if shown else ''}: is the "
                         "header row missing?")
    return names


class _CsvTable:
    """A CSV (or tab-separated text) table, checked whole once before its rows are streamed."""

    def __init__(self, path: Path, encoding: str | None):
        self.path, self.origin = path, path.name
        head = path.open("rb").read(4096)
        if not head.strip(b" \t\r\n" + codecs.BOM_UTF8):
            raise TableError(f"{self.origin}: the file is empty; a scenario table needs a header row and rows")
        self.encoding = encoding or self._bom_encoding(head)
        try:
            self.delimiter, self.header = self._check()
        except UnicodeDecodeError:
            if encoding or self.encoding != "utf-8":
                raise TableError(self._decode_problem(self.encoding)) from None
            self.encoding = "gb18030"   # what Excel on Chinese Windows saves as "CSV"
            try:
                self.delimiter, self.header = self._check()
            except UnicodeDecodeError:
                raise TableError(self._decode_problem("utf-8", "gb18030")) from None
        except LookupError:
            raise TableError(f"{self.origin}: unknown encoding {encoding!r}") from None

    def _bom_encoding(self, head: bytes) -> str:
        encoding = bom_encoding(head)
        if encoding:
            return encoding
        if head.startswith(b"PK\x03\x04"):
            raise TableError(f"{self.origin}: this is an Excel workbook (.xlsx), not CSV text; name it .xlsx")
        if head.startswith(_CFB_MAGIC):
            raise TableError(f"{self.origin}: this is an Excel 97-2003 (.xls) or password-protected file, not CSV "
                             f"text; {SAVE_AS_UTF8}")
        if b"\x00" in head:
            raise TableError(f"{self.origin}: not text in UTF-8, UTF-16 (with a byte-order mark) or GB18030: it holds "
                             f"NUL bytes (UTF-16 without a byte-order mark, or a binary file); {SAVE_AS_UTF8}")
        return "utf-8"

    def _decode_problem(self, *encodings: str) -> str:
        """Where the first undecodable byte is (read again whole: this is the error path)."""
        data = self.path.read_bytes()
        try:
            data.decode(encodings[0])
            where = ""
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            where = f" (byte 0x{data[exc.start]:02X} at byte {exc.start + 1}, line {line})"
        tried = " or ".join(e.upper().replace("-SIG", "") for e in encodings)
        return f"{self.origin}: not {tried} text{where}; {SAVE_AS_UTF8}, or as 'Unicode Text (*.txt)'"

    def _open(self):
        return self.path.open("r", encoding=self.encoding, errors="strict", newline="")

    def _check(self) -> tuple[str, list[str]]:
        """Decode and parse the whole file once: table-level problems surface before any row runs."""
        with self._open() as fh:
            first = fh.readline()
            delimiter = self._delimiter(first)
            fh.seek(0)
            header, rows = None, 0
            for number, _first_line, _last, fields, error in _records(fh, delimiter, self.origin):
                if header is None:
                    if error:
                        raise TableError(f"{self.origin}, row 1: {error}")
                    if not fields or all(is_blank(f) for f in fields):
                        raise TableError(f"{self.origin}: row 1 is blank; the first row must name the columns")
                    header = _header_names(fields, self.origin)
                elif error or any(f.strip() for f in fields):
                    rows += 1
            if header is None:
                raise TableError(f"{self.origin}: the file is empty; a scenario table needs a header row and rows")
            if not rows:
                raise TableError(f"{self.origin}: no scenario rows below the header row")
        return delimiter, header

    def _delimiter(self, first_line: str) -> str:
        found = [d for d in _SEPARATORS if d in first_line.strip()]   # a trailing tab is only padding
        if len(found) > 1:
            raise TableError(f"{self.origin}: the header row mixes separators ({' and '.join(_SEPARATORS[d] for d in found)}); "
                             "use one (',' for CSV, tab for Unicode text)")
        return found[0] if found else ","

    def rows(self):
        """(row number, values or None when blank, row error) for every row after the header."""
        width = len(self.header)
        with self._open() as fh:
            records = _records(fh, self.delimiter, self.origin)
            next(records)
            for number, first_line, last_line, fields, error in records:
                if not error and len(fields) == width and first_line == last_line:   # the usual row: one line
                    if any(f.strip() for f in fields):
                        yield number, fields, ""
                    else:
                        yield number, None, ""
                    continue
                lines = f" (line {first_line})" if first_line != number else ""
                if error:
                    yield number, [""] * width, f"row {number}{lines}: {error}"
                elif not fields or all(not f.strip() for f in fields):
                    yield number, None, ""
                else:
                    yield number, *self._shape(number, lines, fields, width, first_line, last_line)

    def _shape(self, number, lines, fields, width, first_line, last_line):
        broken = next((i for i, f in enumerate(fields) if "\n" in f or "\r" in f), None)
        if broken is not None:
            name = self.header[broken] if broken < width else f"(column {column_letter(broken)})"
            return [""] * width, (f"row {number}, column {name}: a line break inside a value (lines {first_line}-"
                                  f"{last_line} read as one row: is a quote left open?)")
        shown = (fields + [""] * width)[:width]   # kept for the record's scenario name; the row does not run
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            return shown, (f"row {number}{lines} has {len(fields)} values but the header has {width} columns "
                                  f"(a {_SEPARATORS[self.delimiter]} inside an unquoted value, a decimal comma, or a "
                                  "column without a header?)")
        if len(fields) < width:
            return shown, (f"row {number}{lines} has {len(fields)} value(s) but the header has {width} columns; "
                                  f"leave a cell empty rather than leaving it out")
        return fields[:width], ""


def _records(fh, delimiter: str, origin: str):
    """(row number, first line, last line, fields, error) per record; a quote never closed is fatal."""
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    number = last = 0
    while True:
        try:
            for fields in reader:   # one record may span lines (a quoted line break): numbered as one row
                number += 1
                first, last = last + 1, reader.line_num
                yield number, first, last, fields, ""
            return
        except csv.Error as exc:
            number += 1
            first, text = last + 1, str(exc)
            if "unexpected end of data" in text or "field larger" in text:
                why = ("a quoted value is never closed (it runs to the end of the file)" if "end of data" in text
                       else f"a value longer than {csv.field_size_limit():,} characters (is a quote left open?)")
                raise TableError(f"{origin}, row {number} (line {first}): {why}; nothing was run") from None
            last = reader.line_num
            yield number, first, last, [], f"a quote inside a value must be doubled, or the value quoted as a whole ({text})"


# -- XLSX ------------------------------------------------------------------------------------------------
def check_xlsx_package(path: Path) -> None:
    """Refuse what must not be parsed: encrypted and legacy files, zip bombs (declared sizes and ratios)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_CFB_MAGIC):
        data = path.read_bytes() if path.stat().st_size <= MAX_XLSX_BYTES else b""
        if "EncryptedPackage".encode("utf-16-le") in data:
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
        raise TableError(f"{path.name}: not a valid .xlsx file (not a zip package)") from None


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


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- planning rows -----------------------------------------------------------------------------------------
@dataclass
class Group:
    """Rows of one chunk that share a model and a factor set: ``frame`` holds 'scenario' and the model's
    input columns the table has (cells as read), indexed by row number."""
    model_id: str
    factor_set: str
    frame: pd.DataFrame


def plan(chunk: pd.DataFrame, default_model: str | None, default_fs: str) -> tuple[list[dict], list[Group]]:
    """Split a chunk by (model, factor set). Rows that cannot run — unreadable, unknown model or factor
    set, a value in a column that is not an input of the row's model — become error records."""
    records: list[dict] = []
    chunk = chunk[~chunk[BLANK].astype(bool)]
    rows = chunk.index.tolist()
    given = chunk["scenario"].tolist() if "scenario" in chunk.columns else [""] * len(rows)
    scenarios = [clean_cell_text(s) or f"scenario {r}" for s, r in zip(given, rows)]
    chunk = chunk.assign(scenario=scenarios)

    def texts(column: str, default: str) -> list[str]:
        if column not in chunk.columns:
            return [default] * len(rows)
        return [clean_cell_text(v) or default for v in chunk[column].tolist()]

    model_texts, fs_texts = texts("model", default_model or ""), texts("factor_set", default_fs)
    models = {t: _find_model(t) for t in set(model_texts)}
    fs_errors = {t: _factor_set_error(t) for t in set(fs_texts)}
    extra = [c for c in chunk.columns if c not in RESERVED and c not in (BLANK, ERROR)]
    filled = {c: [not is_blank(v) for v in chunk[c].tolist()] for c in extra}
    unknown_by_model = {m.id: [c for c in extra if c not in {i.name for i in m.inputs}]
                        for m in models.values() if m is not None}
    row_errors = chunk[ERROR].tolist()
    positions: dict[tuple[str, str], list[int]] = {}
    for pos, (row, model_text, fs_text) in enumerate(zip(rows, model_texts, fs_texts)):
        model = models[model_text]
        base = {"row": row, "scenario": scenarios[pos], "model": model_text, "factor_set": fs_text, "file": "",
                "status": "error"}
        if row_errors[pos]:
            records.append({**base, "message": row_errors[pos]})
            continue
        if model is None:
            rule = ("is required (a 'model' column or --model)" if not model_text else
                    f"must be one of the models ({', '.join(MODELS)})")
            records.append({**base, "message": f"row {row}, column model: {rule}, got {model_text!r}"})
            continue
        if fs_errors[fs_text]:
            records.append({**base, "model": model.id, "message": f"row {row}, column factor_set: {fs_errors[fs_text]}"})
            continue
        unknown = [c for c in unknown_by_model[model.id] if filled[c][pos]]
        if unknown:
            c = unknown[0]
            value = chunk[c].iloc[pos]
            if c.startswith("(column "):
                why = f"has a value ({_show(value)}) but no name in row 1 (a saved index column?): name it or delete it"
                records.append({**base, "model": model.id, "message": f"row {row}, {c[1:-1]}: {why}"})
                continue
            inputs = ", ".join(sorted(i.name for i in model.inputs))
            records.append({**base, "model": model.id, "message": f"row {row}, column {c}: is not an input of "
                                                                    f"{model.id} (inputs: {inputs}), got {_show(value)}"})
            continue
        positions.setdefault((model.id, fs_text), []).append(pos)
    groups = []
    for (mid, fs), where in positions.items():
        cols = ["scenario"] + [i.name for i in MODELS[mid].inputs if i.name in chunk.columns]
        groups.append(Group(mid, fs, chunk.iloc[where][cols]))
    return records, groups


def _find_model(text: str):
    try:
        return get_model(text) if text else None
    except KeyError:
        return None


def _factor_set_error(text: str) -> str:
    try:
        get_factor_set(text)
    except ICTCO2Error as exc:
        return str(exc)
    return ""


def check_group(group: Group) -> tuple[pd.DataFrame, list[dict], list[int]]:
    """Validate a group's input cells: (numeric inputs with NaN for blanks, error records, good positions)."""
    model = MODELS[group.model_id]
    frame = group.frame
    numeric, errors = validate_frame(model, frame.drop(columns=["scenario"]), blank_as_default=True)
    rows, scenarios = frame.index.tolist(), frame["scenario"].tolist()
    base = {"model": group.model_id, "factor_set": group.factor_set, "status": "error", "file": ""}
    records = [{**base, "row": rows[pos], "scenario": scenarios[pos],
                "message": f"row {rows[pos]}, column {e.name}: {e.rule}, got {_shown_value(e.value)}"}
               for pos, errs in errors.items() for e in errs]
    good = [pos for pos in range(len(rows)) if pos not in errors]
    return numeric, records, good


def _shown_value(value) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return _show(value)


# -- evaluating a table -----------------------------------------------------------------------------------
EVALUATE_FIELDS = ["row", "scenario", "model", "factor_set", "status", "message"]


EVALUATE_CHUNK_ROWS = 20_000   # no workbooks to write: larger chunks amortise validation per column


def evaluate_table(source, model: str | None = None, factor_set: str = "report", chunk_rows: int = EVALUATE_CHUNK_ROWS,
                   encoding: str | None = None) -> tuple[list[str], Iterator[dict]]:
    """Every row of a scenario table computed, as ``batch`` reads it (the table's ``model`` and
    ``factor_set`` columns win over ``model`` and ``factor_set``; a value in a column that is not an input
    of the row's model fails that row). Returns the columns (row, scenario, model, factor_set, status,
    message, then the inputs and steps of every model in the table) and one record per row, in order.

    A step with no finite value holds the error a spreadsheet shows (#DIV/0!, #NUM!) and the message
    says why; if it is the model's primary result, the row's status is 'error'."""
    model_id = get_model(model).id if model else None
    ids: dict[str, None] = {}
    texts: dict[str, None] = {"": None}
    chunks = read_table(source, chunk_rows, encoding)
    first = next(chunks, None)
    if first is not None and "model" in first.columns:   # a first pass: which models the table uses
        for chunk in itertools.chain([first], chunks):
            texts.update(dict.fromkeys(clean_cell_text(t) for t in chunk["model"].unique()))
        chunks = read_table(source, chunk_rows, encoding)
    else:
        chunks = itertools.chain([first] if first is not None else [], chunks)
    for text in texts:
        found = _find_model(text) if text else (MODELS[model_id] if model_id else None)
        if found is not None:
            ids.setdefault(found.id)
    columns = list(EVALUATE_FIELDS)
    for mid in ids:
        m = MODELS[mid]
        columns += [n for n in [i.name for i in m.inputs] + [st.name for st in m.steps] if n not in columns]

    def records():
        for chunk in chunks:
            refused, groups = plan(chunk, model_id, factor_set)
            out = refused
            for group in groups:
                out += _evaluate_group(group)
            yield from sorted(out, key=lambda r: r["row"])
    return columns, records()


def _evaluate_group(group: Group) -> list[dict]:
    from .core.nonfinite import explain, failures
    model = MODELS[group.model_id]
    numeric, records, good = check_group(group)
    if not good:
        return records
    rows, scenarios = group.frame.index.tolist(), group.frame["scenario"].tolist()
    cols = {c: numeric[c].to_numpy(dtype=float)[good] for c in numeric.columns}
    res = model.run(cols, group.factor_set, blank_as_default=True)
    n = len(good)
    values = {k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in {**res.inputs, **res}.items()}
    names = list(values)
    finite = np.logical_and.reduce([np.isfinite(v) for v in values.values()]).tolist()
    for k, (pos, row_values) in enumerate(zip(good, zip(*(v.tolist() for v in values.values())))):
        rec = {"row": rows[pos], "scenario": scenarios[pos], "model": model.id, "factor_set": group.factor_set,
               "status": "ok", "message": ""}
        rec.update(zip(names, row_values))
        if not finite[k]:
            inputs = {c: float(v[k]) for c, v in cols.items()}
            found = failures(model, inputs, group.factor_set)
            for name in values:   # what a spreadsheet shows: also where an error meets x / inf = 0
                if name in found or not np.isfinite(rec[name]):
                    rec[name] = found[name].code if name in found else "#NUM!"
            if model.primary in found or not np.isfinite(values[model.primary][k]):
                rec["status"] = "error"   # worded as batch words it: the primary result, then its cause
                notes = [explain(model, inputs, group.factor_set)]
            else:
                notes = [explain(model, inputs, group.factor_set, st) for st, f in found.items() if f.root == st]
            rec["message"] = f"row {rows[pos]}: " + "; ".join(n for n in notes if n) if any(notes) else \
                f"row {rows[pos]}: a result has no finite value"
        records.append(rec)
    return records


__all__ = ["evaluate_table", "EVALUATE_FIELDS", "TableError", "read_table", "plan", "check_group", "Group", "RESERVED", "CHUNK_ROWS", "column_letter",
           "clean_cell_text", "is_blank", "check_xlsx_package"]
