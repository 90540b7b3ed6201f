"""The one CSV writer: every CSV the package writes (a batch's summary.csv, ``evaluate``, ``reconcile --csv``,
``restate --csv``, ``uncertainty --csv``, ``sensitivity --csv``) goes through it.

- **No formula injection** (OWASP "CSV injection"): a text cell whose first non-blank character is ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return, or that starts with an apostrophe, gets a leading
  apostrophe, so Excel and LibreOffice show it as text instead of evaluating it (``=HYPERLINK(...)``,
  ``+cmd|' /C calc'!A0``, ``@SUM(1)``). Numbers stay numbers: floats and ints are written as numbers, and
  text that is a plain number (``-5``, ``1e-3``) is left alone. :func:`restore` undoes it exactly.
- **Encodings Excel opens correctly**: ``utf-8-sig`` (UTF-8 with a byte-order mark: Excel on Chinese Windows
  shows Chinese text correctly; without the mark it reads the file as GBK) is the default for files;
  ``utf-8`` and ``gb18030`` on request (the command line writes to a pipe or terminal without the mark).
"""
from __future__ import annotations

import codecs
import csv
import io
import math
from typing import Iterable, Sequence

import numpy as np

from .numbers import is_plain_number

ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")
#: Byte-order marks and the codec each means (UTF-32 before UTF-16: FF FE 00 00 starts both).
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
DEFAULT_ENCODING = "utf-8-sig"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


_FIRST = frozenset("=+-@\t\r' ")   # first characters that need a closer look


def neutralise(text: str) -> str:
    """Text a spreadsheet would evaluate as a formula, made inert with a leading apostrophe."""
    if not text or text[0] not in _FIRST:
        return text
    head = text.lstrip(" ")[:1]
    if (head in _TRIGGERS and not is_plain_number(text)) or text.startswith("'"):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given."""
    return text[1:] if text.startswith("'") else text


def cell(value, float_format: str | None = None) -> str:
    """One value as CSV text: numbers as numbers, blanks and NaN as empty, text neutralised."""
    kind = type(value)
    if kind is float:   # the common cases first: this runs once per value written
        if value != value:
            return ""
        return float_format % value if float_format and math.isfinite(value) else repr(value)
    if kind is str:
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):   # numpy scalars
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return float_format % value if float_format and math.isfinite(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def rows_text(header: Sequence[str], rows: Iterable[Sequence], float_format: str | None = None,
              lineterminator: str = "\r\n") -> str:
    buf = io.StringIO()
    write_rows(buf, header, rows, float_format, lineterminator)
    return buf.getvalue()


def write_rows(fh, header: Sequence[str] | None, rows: Iterable[Sequence], float_format: str | None = None,
               lineterminator: str = "\r\n") -> None:
    """Write ``header`` (if given) and ``rows`` to a text stream."""
    w = csv.writer(fh, lineterminator=lineterminator)
    if header is not None:
        w.writerow([cell(h) for h in header])
    w.writerows([cell(v, float_format) for v in row] for row in rows)


def column_text(values, float_format: str | None = None) -> list[str]:
    """A whole column as CSV text at once: a float column is formatted by numpy (the same shortest
    round-trip text as ``repr``), any other column value by value through :func:`cell`."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f" and float_format is None:
        text = arr.astype(str)
        text[np.isnan(arr)] = ""
        return text.tolist()
    return [cell(v, float_format) for v in arr.tolist()]


def write_columns(fh, header: Sequence[str] | None, columns: Sequence, float_format: str | None = None,
                  lineterminator: str = "\r\n") -> None:
    """Like :func:`write_rows`, from columns (formatted column by column: much faster for many numbers)."""
    w = csv.writer(fh, lineterminator=lineterminator)
    if header is not None:
        w.writerow([cell(h) for h in header])
    w.writerows(zip(*(column_text(c, float_format) for c in columns)))


def frame_rows(frame) -> tuple[list[str], Iterable[list]]:
    """A DataFrame's header and rows (index left out), for :func:`write_rows`."""
    return [str(c) for c in frame.columns], frame.itertuples(index=False, name=None)


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` announces, if any."""
    return next((name for bom, name in BOMS if head.startswith(bom)), None)


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a CSV file as Excel saves it: UTF-8 (with or without a byte-order mark), UTF-16 or UTF-32 with
    a mark ("Unicode text"), else GB18030 (Excel's "CSV" on Chinese Windows). Returns (text, encoding);
    ValueError naming the problem otherwise. Python's codecs do the decoding; the candidates are the few
    encodings Excel writes, tried strictly in that order (a statistical detector would only guess)."""
    encoding = bom_encoding(data[:4])
    if encoding is None and b"\x00" in data[:4096]:
        raise ValueError("not text: it holds NUL bytes (UTF-16 without a byte-order mark, or a binary file)")
    for candidate in ([encoding] if encoding else ["utf-8", "gb18030"]):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            problem = exc
    tried = encoding.upper() if encoding else "UTF-8 or GB18030"
    raise ValueError(f"not {tried} text (byte 0x{data[problem.start]:02X} at byte {problem.start + 1} cannot be read)")


__all__ = ["BOMS", "bom_encoding", "decode_text", "column_text", "write_columns", "ENCODINGS", "DEFAULT_ENCODING", "neutralise", "restore", "cell", "rows_text", "write_rows",
           "frame_rows"]
