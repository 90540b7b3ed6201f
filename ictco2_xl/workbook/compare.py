"""Compare two .xlsx files by content: what a spreadsheet shows and computes, not how the XML was serialised.

Two writers of the same workbook differ in bytes for reasons nobody can see: openpyxl serialises through
lxml when it is installed (namespace declarations on other elements, ``<a/>`` for ``<a />``), and a numpy
patch release changes the last digits of a cached value. :func:`differences` parses every XML part and
compares element names (namespace URIs, not prefixes), attributes, text and the order of elements; numeric
text (cached values, chart caches) may differ by ``rel`` relative. Formulas, labels, styles, names and
everything else must be equal. Other parts (images) are compared byte for byte; document timestamps
(``dcterms:created``/``modified``) are ignored.
"""
from __future__ import annotations

import io
import math
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

_DCTERMS = "{http://purl.org/dc/terms/}"
VOLATILE = frozenset({f"{_DCTERMS}created", f"{_DCTERMS}modified"})
DEFAULT_REL = 1e-12


def _parts(source) -> dict[str, bytes]:
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _same_text(a: str, b: str, rel: float) -> bool:
    if a == b:
        return True
    x, y = _number(a), _number(b)
    return x is not None and y is not None and math.isclose(x, y, rel_tol=rel, abs_tol=0.0)


def _label(el: ET.Element, index: int) -> str:
    tag = el.tag.rpartition("}")[2]
    for key in ("r", "name", "sqref", "ref", "id"):
        if key in el.attrib:
            return f"{tag}[@{key}={el.attrib[key]!r}]"
    return f"{tag}[{index}]"


def _text(value: str | None) -> str:
    return "" if value is None or not value.strip() else value


def _compare(a: ET.Element, b: ET.Element, where: str, rel: float, out: list[str], limit: int) -> None:
    if len(out) >= limit:
        return
    if a.tag != b.tag:
        out.append(f"{where}: element {a.tag} != {b.tag}")
        return
    if a.tag in VOLATILE:
        return
    if a.attrib != b.attrib:
        keys = sorted(set(a.attrib) | set(b.attrib))
        changed = [f"{k}={a.attrib.get(k)!r} != {b.attrib.get(k)!r}" for k in keys if a.attrib.get(k) != b.attrib.get(k)]
        out.append(f"{where}: attributes {', '.join(changed)}")
    ta, tb = _text(a.text), _text(b.text)
    if not _same_text(ta, tb, rel):
        out.append(f"{where}: text {ta!r} != {tb!r}")
    if not _same_text(_text(a.tail), _text(b.tail), rel):
        out.append(f"{where}: text after the element {_text(a.tail)!r} != {_text(b.tail)!r}")
    ca, cb = list(a), list(b)
    if len(ca) != len(cb):
        out.append(f"{where}: {len(ca)} != {len(cb)} child elements")
    for i, (x, y) in enumerate(zip(ca, cb)):
        _compare(x, y, f"{where}/{_label(x, i)}", rel, out, limit)


def differences(first, second, rel: float = DEFAULT_REL, limit: int = 20) -> list[str]:
    """Where two workbooks (paths or bytes) differ in content; empty if they show and compute the same.

    Numeric element text may differ by ``rel`` relative; at most ``limit`` differences are listed.
    """
    a, b = _parts(first), _parts(second)
    out = [f"part {n} only in the first file" for n in sorted(set(a) - set(b))]
    out += [f"part {n} only in the second file" for n in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        if a[name] == b[name]:
            continue
        if not (name.endswith(".xml") or name.endswith(".rels")):
            out.append(f"{name}: bytes differ")
            continue
        _compare(ET.fromstring(a[name]), ET.fromstring(b[name]), name, rel, out, limit)
        if len(out) >= limit:
            break
    return out[:limit]


__all__ = ["differences", "DEFAULT_REL", "VOLATILE"]
