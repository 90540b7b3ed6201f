"""CSV and tab-separated text tables: checked whole once (encoding, header, quotes), then streamed."""
from __future__ import annotations

import codecs
import csv
from pathlib import Path

from ..core.csvio import bom_encoding
from .common import _CFB_MAGIC, _SEPARATORS, SAVE_AS_UTF8, TableError, _header_names, column_letter, is_blank


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
