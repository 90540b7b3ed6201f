"""What every command module shares: the usage error, number formatting, plain-text tables and
NAME=VALUE parsing. Imports nothing from the other command modules."""
from __future__ import annotations

import io
import os
import stat
import sys

from ..core.csvio import DEFAULT_ENCODING, ENCODINGS, rows_text
from ..core.errors import ICTCO2Error
from ..core.numbers import parse_number


class UsageError(ICTCO2Error):
    """A command-line argument the user must correct."""


def fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
            return f"{value:.6g}"
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def text_table(headers, rows) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def parse_assignments(pairs):
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"expected NAME=VALUE, got {pair!r}")
        name, text = pair.split("=", 1)
        parts = text.split(",")
        try:   # the same number parser as scenario tables: '2_020' or 'nan' are refused alike
            numbers = [parse_number(t) for t in parts]
        except ValueError as exc:
            k = next(k for k, t in enumerate(parts) if not _parses(t))
            where = f" (value {k + 1} of {len(parts)})" if len(parts) > 1 else ""
            raise UsageError(f"{name.strip()} {exc}, got {parts[k]!r}{where}") from None
        values[name.strip()] = numbers[0] if len(numbers) == 1 else numbers
    return values


def _parses(text: str) -> bool:
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


# -- CSV output -------------------------------------------------------------------------------------------
def encoding_for(stream, requested: str | None) -> str:
    """``requested``, or for ``auto``/None: with a byte-order mark when the stream is a regular file
    (``> out.csv`` included: Excel opens it), without for a pipe or terminal (a program or a person reads it)."""
    if requested not in (None, "auto"):
        return requested
    try:
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        regular = False
    return DEFAULT_ENCODING if regular else "utf-8"


def write_csv_stdout(header, rows, encoding: str | None = None, float_format: str | None = None) -> None:
    """CSV through the one writer (core/csvio.py) to standard output, in the chosen encoding."""
    text = rows_text(header, rows, float_format, lineterminator="\n")
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode(encoding_for(out, encoding)))
    buffer.flush()


def add_encoding_option(parser) -> None:
    parser.add_argument("--encoding", choices=["auto", *ENCODINGS], default="auto",
                        help="encoding of the CSV written: utf-8-sig (UTF-8 with a byte-order mark, what Excel on "
                             "Chinese Windows needs), utf-8 or gb18030; auto (default): utf-8-sig for files, "
                             "utf-8 to a pipe or terminal")
