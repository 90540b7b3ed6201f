"""One reader for every scenario table: a DataFrame, CSV/tab-separated text or XLSX, in chunks of rows."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from .common import BLANK, CHUNK_ROWS, ERROR, TEXT_SUFFIXES, XLSX_SUFFIXES, TableError, _header_names
from .text import _CsvTable
from .xlsx import _read_xlsx


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
        if path.is_dir():
            raise TableError(f"scenario table {path} is a folder; give the .csv, .txt or .xlsx file in it")
        if path.exists():   # a pipe or a device would be read without end, or once and lost
            raise TableError(f"scenario table {path} is not a regular file; save the table to a file and give that")
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
