"""Low-level xlsx package edits: cached values for formula cells, input values, stable bytes.

openpyxl writes formula cells without a cached value (``<v/>``), so pandas, python-calamine and
previewers would read nothing until a spreadsheet application recalculates. We fill in the values the
Python model computed, pin document timestamps, and rewrite the zip with fixed member dates so the same
model always gives the same bytes.
"""
from __future__ import annotations

import datetime as _dt
import io
import math
import re
import zipfile
from xml.sax.saxutils import escape

FIXED_TIME = _dt.datetime(2010, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMP = "2010-01-01T00:00:00Z"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL_TEXT = 32767                 # characters Excel allows in one cell


def clean_text(text: str) -> str:
    """Text safe for XML 1.0 (control characters removed)."""
    return _ILLEGAL_XML.sub("", str(text))


def cell_text(text: str) -> str:
    """Text safe for XML 1.0 and short enough for an Excel cell."""
    return clean_text(text)[:MAX_CELL_TEXT]


INLINE_OPEN = ' t="inlineStr"><is><t xml:space="preserve">'   # after '<c r="A1"' and its attributes
INLINE_CLOSE = "</t></is></c>"


def inline_string_cell(ref: str, attrs: str, text: str) -> str:
    """A cell holding ``text`` as an inline string: never a formula, whatever it starts with."""
    return f'<c r="{ref}"{attrs}{INLINE_OPEN}{escape(text)}{INLINE_CLOSE}'


def sheet_parts(files: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> part name (e.g. 'xl/worksheets/sheet2.xml')."""
    wb = files["xl/workbook.xml"].decode("utf-8")
    rels = files["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels)}
    targets.update({m.group(2): m.group(1) for m in re.finditer(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
    out = {}
    for m in re.finditer(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
        target = targets[m.group(2)].lstrip("/")
        out[_unescape(m.group(1))] = target if target.startswith("xl/") else f"xl/{target}"
    return out


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def format_value(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot cache a non-finite value {value!r}")
    return repr(value)


_CELL = re.compile(r'<c r="(?P<ref>[A-Z]+[0-9]+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)', re.S)
_FORMULA = re.compile(r"<f(?:\s[^>]*)?>.*?</f>|<f(?:\s[^>]*)?/>", re.S)


def cell_parts(m: re.Match) -> tuple[str, str]:
    """A matched cell's attributes without its type (t=...) and its formula element ('' if none)."""
    formula = _FORMULA.search(m.group("body") or "")
    return re.sub(r'\s+t="[^"]*"', "", m.group("attrs")), formula.group(0) if formula else ""


ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def _typed_value(value) -> tuple[str, str]:
    """(cell type, <v> text) of a cached value: a number, a boolean, an error code or a formula's text."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, str):
        return ("e" if value in ERROR_VALUES else "str"), escape(cell_text(value))
    return "n", format_value(value)


def set_cell_values(xml: str, values: dict[str, object], texts: dict[str, str] | None = None,
                    replace_formulas: frozenset = frozenset()) -> str:
    """Set cached values of formula cells and values of constant cells in one sheet's XML.

    ``values``: ref -> number (or, as a formula's result, a boolean, an error code or text); for formula
    cells the formula is kept and its cached value set, unless the ref is in ``replace_formulas`` (then
    the cell becomes a constant). ``texts``: ref -> text, written as an inline string (never a formula,
    whatever it starts with).
    """
    texts = texts or {}
    seen = set()

    def repl(m):
        ref = m.group("ref")
        if ref not in values and ref not in texts:
            return m.group(0)
        seen.add(ref)
        attrs, formula = cell_parts(m)
        if ref in texts:
            return inline_string_cell(ref, attrs, texts[ref])
        kind, shown = _typed_value(values[ref])
        if formula and ref not in replace_formulas:   # a number is a formula cell's default type
            typed = "" if kind == "n" else f' t="{kind}"'
            return f'<c r="{ref}"{attrs}{typed}>{formula}<v>{shown}</v></c>'
        return f'<c r="{ref}"{attrs} t="{kind}"><v>{shown}</v></c>'

    out = _CELL.sub(repl, xml)
    missing = (set(values) | set(texts)) - seen
    if missing:
        raise KeyError(f"cells not found in the sheet: {', '.join(sorted(missing))}")
    return out


def read_package(data: bytes) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        return infos, {i.filename: z.read(i.filename) for i in infos}


def write_package(infos, files: dict[str, bytes]) -> bytes:
    """Zip with fixed member dates and order, so equal content gives equal bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, files[info.filename])
    return buf.getvalue()


def normalise_package(data: bytes, values: dict[tuple[str, str], object]) -> bytes:
    """Add cached values (keyed by (sheet, ref); see ``set_cell_values``) and pin timestamps."""
    infos, files = read_package(data)
    parts = sheet_parts(files)
    by_sheet: dict[str, dict[str, object]] = {}
    for (sheet, ref), v in values.items():
        by_sheet.setdefault(sheet, {})[ref] = v
    for sheet, vals in by_sheet.items():
        part = parts[sheet]
        files[part] = set_cell_values(files[part].decode("utf-8"), vals).encode("utf-8")
    core = files["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{_STAMP}\g<3>", core)
    files["docProps/core.xml"] = core.encode("utf-8")
    return write_package(infos, files)
