"""The one way text becomes a number, for every place a user types one: scenario tables (CSV and XLSX cells
holding text), ``ictco2-xl run NAME=VALUE``, factor files in CSV.

A number is what a spreadsheet user writes: optional sign, ASCII digits with an optional decimal point, an
optional exponent (``2030``, ``-0.5``, ``.25``, ``1.5e6``), with spaces around it. Python's ``float()`` also
takes ``2_020``, ``nan``, ``infinity`` and full-width or Arabic-Indic digits; Excel reads none of these as a
number, so neither do we: they are refused with the rule, never read as something else.
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

NUMBER_RULE = "must be a number"
FINITE_RULE = "must be a finite number"
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)
_NOT_FINITE_RE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def number_problem(text: str) -> str:
    """Why ``text`` is not a number: the rule, with a hint where a common slip explains it."""
    stripped = str(text).strip()
    if _NOT_FINITE_RE.fullmatch(stripped):
        return FINITE_RULE
    if "_" in stripped and _NUMBER_RE.fullmatch(stripped.replace("_", "")):
        return f"{NUMBER_RULE} (without '_' digit separators)"
    if "," in stripped and _NUMBER_RE.fullmatch(stripped.replace(",", "")):
        return f"{NUMBER_RULE} (without ',' thousands separators; the decimal mark is '.')"
    normal = unicodedata.normalize("NFKC", stripped)
    if normal != stripped and _NUMBER_RE.fullmatch(normal):
        return f"{NUMBER_RULE} written with ASCII digits (full-width characters given)"
    return NUMBER_RULE


def parse_number(text) -> float:
    """``text`` as a float; raises ``ValueError(rule)`` if it is not a finite number as defined above."""
    if isinstance(text, bool):
        raise ValueError(NUMBER_RULE)
    if isinstance(text, (int, float, np.integer, np.floating)):
        value = float(text)
        if not np.isfinite(value):
            raise ValueError(FINITE_RULE)
        return value
    stripped = str(text).strip()
    if not _NUMBER_RE.fullmatch(stripped):
        raise ValueError(number_problem(stripped))
    value = float(stripped)
    if not np.isfinite(value):   # '1e999': a number too large for a double
        raise ValueError(FINITE_RULE)
    return value


def is_plain_number(text: str) -> bool:
    """True for text that is a number as defined above (spaces around it allowed)."""
    return _NUMBER_RE.fullmatch(str(text).strip()) is not None


def parse_text_column(text: pd.Series) -> np.ndarray:
    """Vectorised :func:`parse_number` over stripped strings: floats, NaN where the text is not a number
    (the caller decides between blank and bad)."""
    ok = text.str.fullmatch(_NUMBER).fillna(False).to_numpy(dtype=bool)
    out = np.full(len(text), np.nan)
    if ok.any():
        out[ok] = text[ok].astype(float).to_numpy()
    return out


__all__ = ["NUMBER_RULE", "FINITE_RULE", "parse_number", "parse_text_column", "number_problem", "is_plain_number"]
