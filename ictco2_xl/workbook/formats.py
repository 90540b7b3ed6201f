"""How a number in a given unit is shown: the one rule every workbook's number formats come from.

A unit decides the kind of format (a share is a percentage, a year has no thousands separator, anything
else a number with thousands separators) and the label printed beside the value (``fraction`` reads as
``%``), never both inside the number format and in a unit column. The number of decimals comes from the
value: inputs show their default exactly, results four significant digits. :class:`NumberFormat` gives
the Excel format code and the text Excel and LibreOffice print for it, so column widths and the rendering
tests use what a person sees.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, ROUND_HALF_UP, localcontext

# Units shown as percentages: (label beside a value that already shows '%', label in a heading).
PERCENT_UNITS = {"fraction": ("", "%"), "fraction/yr": ("per year", "% per year")}
RATIO_UNITS = {"1": "ratio"}            # dimensionless multipliers and factors
YEAR_UNITS = {"year"}
MAX_DECIMALS = 6
RESULT_DIGITS = 4                       # significant digits of a computed result


def display_unit(unit: str) -> str:
    """The unit as printed in a unit column beside the value: a share's value shows '%' itself, so its
    unit column stays empty ('per year' for a yearly rate)."""
    if unit in PERCENT_UNITS:
        return PERCENT_UNITS[unit][0]
    return RATIO_UNITS.get(unit, unit)


def heading_unit(unit: str) -> str:
    """The unit as printed in a heading or axis title, where no value carries it ('%' for a share)."""
    if unit in PERCENT_UNITS:
        return PERCENT_UNITS[unit][1]
    return RATIO_UNITS.get(unit, unit)


def with_unit(label: str, unit: str) -> str:
    """'label (unit)' for a heading."""
    shown = heading_unit(unit)
    return f"{label} ({shown})" if shown else label


def is_percent(unit: str) -> bool:
    return unit in PERCENT_UNITS


@dataclass(frozen=True)
class NumberFormat:
    """A number format this package writes: grouping, decimals, percent, thousands divided out (scale)."""

    decimals: int = 0
    percent: bool = False
    grouping: bool = True
    scale: int = 0          # 1: shown in thousands, 2: in millions (axis formats such as Mt)

    @property
    def code(self) -> str:
        """The Excel number format code."""
        digits = ("#,##0" if self.grouping else "0") + ("." + "0" * self.decimals if self.decimals else "")
        return digits + "," * self.scale + ("%" if self.percent else "")

    def text(self, value: float) -> str:
        """What Excel and LibreOffice (en-US) print for ``value``: half away from zero, like both."""
        v = float(value)
        if not math.isfinite(v):
            return "#NUM!"
        v = v * 100 if self.percent else v / 1000 ** self.scale
        with localcontext() as ctx:   # enough digits for any double (1e308 has 309 before the point)
            ctx.prec = 28 + (int(math.log10(abs(v))) + 1 if abs(v) >= 1 else 0) + self.decimals
            q = Decimal(repr(v)).quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        out = f"{q:,.{self.decimals}f}" if self.grouping else f"{q:.{self.decimals}f}"
        return out + ("%" if self.percent else "")


@dataclass(frozen=True)
class Formatted:
    """A number and the format to show it with (for writers that take plain values, such as ``stream``)."""

    value: float
    fmt: NumberFormat


YEAR = NumberFormat(0, grouping=False)
INTEGER = NumberFormat(0)


def _exact_decimals(value: float, most: int) -> int:
    """Fewest decimals (at most ``most``) that print ``value`` exactly."""
    for d in range(most + 1):
        if abs(round(value, d) - value) <= 1e-9 * max(abs(value), 1e-12):
            return d
    return most


def _significant_decimals(value: float, digits: int = RESULT_DIGITS) -> int:
    if value == 0 or not math.isfinite(value):
        return 2
    return max(0, min(MAX_DECIMALS, digits - 1 - math.floor(math.log10(abs(value)))))


def input_format(unit: str, value: float) -> NumberFormat:
    """An input's format: its default value printed exactly (up to six decimals)."""
    if unit in YEAR_UNITS:
        return YEAR
    if is_percent(unit):
        return NumberFormat(_exact_decimals(float(value) * 100, 4), percent=True)
    return NumberFormat(_exact_decimals(float(value), MAX_DECIMALS))


def result_format(unit: str, *values: float) -> NumberFormat:
    """A computed value's format: four significant digits of the largest of ``values`` (none for whole
    numbers, such as counts)."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    largest = max(finite, default=0.0)
    if unit in YEAR_UNITS:
        return YEAR
    scale = 100 if is_percent(unit) else 1
    if finite and all(v * scale == round(v * scale) for v in finite):
        return NumberFormat(0, percent=scale == 100)
    if scale == 100:
        return NumberFormat(min(2, _significant_decimals(largest * 100, 3)) if largest else 0, percent=True)
    return NumberFormat(_significant_decimals(largest))


def bound_text(unit: str):
    """Formatter for an input's bounds in its unit (Bounds.rule(num=...)): each bound printed exactly."""
    return lambda v: input_format(unit, v).text(v)


def printed_format(text: str) -> NumberFormat:
    """The format of a figure as the report prints it ('0.219' keeps three decimals)."""
    text = text.strip().lstrip("-")
    return NumberFormat(len(text.split(".")[1]) if "." in text else 0)


# Scaled axis units: a t CO2 axis in the hundreds of millions reads 622 (Mt CO2/yr), not 622,000,000.
_TONNE_PREFIXES = ((2, 1e7, "Mt"), (1, 1e4, "kt"))


def axis_format(unit: str, largest: float) -> tuple[NumberFormat, str]:
    """(format, axis unit label) for an axis whose values reach ``largest`` in magnitude."""
    label = heading_unit(unit)
    largest = abs(float(largest)) if math.isfinite(float(largest)) else 0.0
    if is_percent(unit):
        return NumberFormat(0 if largest >= 0.1 else 1, percent=True), label
    if unit in YEAR_UNITS:
        return YEAR, label
    scale = 0
    head, _, tail = label.partition(" ")
    if head == "t":
        for k, threshold, prefix in _TONNE_PREFIXES:
            if largest >= threshold:
                scale, label = k, f"{prefix} {tail}".strip()
                break
    shown = largest / 1000 ** scale
    return NumberFormat(0 if shown >= 10 else 1 if shown >= 1 else 2, scale=scale), label


# -- text widths ----------------------------------------------------------------------------------------
# Advance widths of Arial (Liberation Sans has the same), in thousandths of an em; a digit is 556, the
# unit of Excel column widths. Characters not listed count as a digit.
_ARIAL = {**dict.fromkeys("ijl'|", 222), **dict.fromkeys(" .,:;!/[]\\ftI·", 278), **dict.fromkeys("()-r`", 333),
          **dict.fromkeys('"', 355), **dict.fromkeys("^", 469), **dict.fromkeys("cksvxyzJ", 500),
          **dict.fromkeys("+=<>×−~", 584), **dict.fromkeys("FTZ", 611), **dict.fromkeys("ABEKPSVXY&", 667),
          **dict.fromkeys("wCDHNRU", 722), **dict.fromkeys("GOQ", 778), **dict.fromkeys("mM", 833),
          **dict.fromkeys("%", 889), **dict.fromkeys("W", 944), **dict.fromkeys("@", 1015)}


def text_width(text: str) -> float:
    """Width of text in Excel column units (digit widths of Arial): CJK characters count double."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else _ARIAL.get(ch, 556) / 556 for ch in str(text))


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at ``width`` column units (greedy, breaking at spaces; CJK
    characters may break anywhere), counting explicit line breaks."""
    width = max(width, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in _words(paragraph):
            w = text_width(word)
            if used and used + w > width:
                lines += 1
                used = 0.0
                word = word.lstrip()
                w = text_width(word)
            while w > width:                  # a word longer than the line breaks inside
                lines += 1
                w -= width
            used += w
    return lines


def _words(paragraph: str):
    """Pieces wrapping may not split: a word with its leading space, or a single CJK character."""
    word = ""
    for ch in paragraph:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if ch == " " or wide:
            if word:
                yield word
            word = ch if ch == " " else ""
            if wide:
                yield ch
        else:
            word += ch
    if word:
        yield word


def display_text(value, code: str) -> str:
    """The text a cell with number format ``code`` shows for ``value`` (the formats this package writes,
    the checks' status format and General)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if code in SPECIAL_FORMATS:
        return SPECIAL_FORMATS[code](value)
    fmt = parse_code(code)
    if fmt is None:
        return general_text(value)
    return fmt.text(value)


def parse_code(code: str) -> NumberFormat | None:
    """The :class:`NumberFormat` behind a code this package writes (None for anything else)."""
    percent = code.endswith("%")
    body = code[:-1] if percent else code
    scale = len(body) - len(body.rstrip(","))
    body = body[:len(body) - scale]
    grouping = body.startswith("#,##0")
    digits = body[5:] if grouping else body[1:] if body.startswith("0") else None
    if digits is None or (digits and not (digits.startswith(".") and set(digits[1:]) <= {"0"})):
        return None
    return NumberFormat(len(digits) - 1 if digits else 0, percent, grouping, scale)


def general_text(value: float) -> str:
    """Excel's General format, approximately: up to 11 characters."""
    v = float(value)
    if v == int(v) and abs(v) < 1e11:
        return str(int(v))
    return f"{v:.10g}" if abs(v) >= 1e-4 else f"{v:.5g}"


# Checks: 1 passes, -1 cannot be compared (an input was changed), 0 fails.
CHECK_FORMAT = '"OK";"inputs changed";"FAIL"'
SAME_FORMAT = '"yes";"yes";"no"'
SPECIAL_FORMATS = {
    CHECK_FORMAT: lambda v: "OK" if v > 0 else "inputs changed" if v < 0 else "FAIL",
    SAME_FORMAT: lambda v: "no" if v == 0 else "yes",
}

__all__ = ["NumberFormat", "Formatted", "display_unit", "heading_unit", "with_unit", "is_percent", "input_format", "result_format", "printed_format",
           "axis_format", "bound_text", "text_width", "wrapped_lines", "display_text", "parse_code", "CHECK_FORMAT",
           "SAME_FORMAT", "YEAR", "INTEGER"]
