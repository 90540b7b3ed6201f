"""Scenario tables: one reader (CSV in the encodings Excel writes, XLSX read safely) and one row planner,
shared by ``ictco2-xl batch`` and ``ictco2-xl evaluate``.

A table is read exactly as a spreadsheet shows it, or refused:

- the whole table, in one line, when it cannot be read for what it is (no header, two columns with one
  name, an unknown encoding, a quote never closed, an encrypted or oversized workbook), before any row runs;
- one row, with its row number, when that row cannot be (more or fewer values than the header has columns,
  a line break inside a value, a formula without a saved result, an error value, a date or TRUE where a
  number belongs). The other rows go on.

Rows are numbered as a spreadsheet numbers them: the header is row 1. Header names are stripped of spaces.

Modules: ``common`` (errors, names, limits), ``text`` (CSV and tab-separated text), ``xlsx``, ``reader``
(one entry point for all), ``rows`` (planning rows by model and factor set), ``evaluate`` (a whole table
computed, for ``ictco2-xl evaluate``).

May import: the core. openpyxl and defusedxml are imported only for XLSX tables.
"""
from .common import (BLANK, CHUNK_ROWS, ERROR, MAX_XLSX_BYTES, RESERVED, TableError, clean_cell_text, column_letter,
                     is_blank)
from .evaluate import EVALUATE_FIELDS, evaluate_table
from .reader import read_table
from .rows import Group, check_group, plan
from .xlsx import check_xlsx_package

__all__ = ["evaluate_table", "EVALUATE_FIELDS", "TableError", "read_table", "plan", "check_group", "Group",
           "RESERVED", "CHUNK_ROWS", "MAX_XLSX_BYTES", "BLANK", "ERROR", "column_letter", "clean_cell_text",
           "is_blank", "check_xlsx_package"]
