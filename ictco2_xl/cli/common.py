"""What every command module shares: the usage error, number formatting, plain-text tables and
NAME=VALUE parsing. Imports nothing from the other command modules."""
from __future__ import annotations

from ..core.errors import ICTCO2Error


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
        try:
            values[name.strip()] = float(text) if "," not in text else [float(t) for t in text.split(",")]
        except ValueError:
            raise UsageError(f"{name.strip()} must be a number (or comma-separated numbers), got {text!r}") from None
    return values
