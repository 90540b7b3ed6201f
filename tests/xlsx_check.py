"""Test helpers for whole xlsx files: compare two packages part by part (canonical XML, so serialiser
quirks do not count) and validate every XML part against the ECMA-376 Transitional schemas
(tests/data/ooxml-schemas, see its SOURCES.md)."""
from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import canonicalize

SCHEMAS = Path(__file__).resolve().parent / "data" / "ooxml-schemas"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
SCHEMA_OF = {  # content type -> schema file (relative to SCHEMAS)
    _SML + "sheet.main+xml": "ecma/sml.xsd",
    _SML + "worksheet+xml": "ecma/sml.xsd",
    _SML + "styles+xml": "ecma/sml.xsd",
    _SML + "sharedStrings+xml": "ecma/sml.xsd",
    "application/vnd.openxmlformats-officedocument.drawing+xml": "ecma/dml-spreadsheetDrawing.xsd",
    "application/vnd.openxmlformats-officedocument.drawingml.chart+xml": "ecma/dml-chart.xsd",
    "application/vnd.openxmlformats-officedocument.theme+xml": "ecma/dml-main.xsd",
    "application/vnd.openxmlformats-package.relationships+xml": "ecma/opc-relationships.xsd",
    "application/vnd.openxmlformats-package.core-properties+xml": "ecma/opc-coreProperties.xsd",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml": "ecma/shared-documentPropertiesExtended.xsd",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml": "ecma/shared-documentPropertiesCustom.xsd",
}
CONTENT_TYPES_SCHEMA = "ecma/opc-contentTypes.xsd"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_XML_NS = "http://www.w3.org/XML/1998/namespace"


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def canonical_parts(data: bytes) -> dict[str, str]:
    """Each XML part in canonical form (C14N 2.0); other parts as they are."""
    out = {}
    for name, raw in parts(data).items():
        if name.endswith((".xml", ".rels")):
            out[name] = canonicalize(raw.decode("utf-8"))
        else:
            out[name] = raw.hex()
    return out


def same_package(a: bytes, b: bytes) -> list[str]:
    """Names of the parts that differ between two xlsx files (empty: the same workbook)."""
    pa, pb = canonical_parts(a), canonical_parts(b)
    return sorted(n for n in set(pa) | set(pb) if pa.get(n) != pb.get(n))


@lru_cache(maxsize=None)
def _schema(relative: str):
    from lxml import etree
    return etree.XMLSchema(etree.parse(str(SCHEMAS / relative)))


def _content_types(files: dict[str, bytes]) -> dict[str, str]:
    from lxml import etree
    root = etree.fromstring(files["[Content_Types].xml"])
    defaults = {e.get("Extension").lower(): e.get("ContentType") for e in root if e.tag.endswith("Default")}
    overrides = {e.get("PartName").lstrip("/"): e.get("ContentType") for e in root if e.tag.endswith("Override")}
    return {name: overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
            for name in files if name != "[Content_Types].xml" and not name.endswith("/")}


def _strip_extensions(root) -> None:
    """What Excel's markup-compatibility processing drops before it reads a part: ignorable namespaces,
    AlternateContent (keep the Fallback), extLst; and xml:space on text, which Excel writes itself."""
    ignorable = set((root.get(f"{{{_MC}}}Ignorable") or "").split())
    uris = {root.nsmap.get(p) for p in ignorable}
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        ns = el.tag[1:].split("}")[0] if el.tag.startswith("{") else ""
        if el.tag == f"{{{_MC}}}AlternateContent":
            fallback = el.find(f"{{{_MC}}}Fallback")
            parent = el.getparent()
            index = parent.index(el)
            parent.remove(el)
            for child in reversed(list(fallback) if fallback is not None else []):
                parent.insert(index, child)
        elif ns in uris or el.tag.endswith("}extLst"):
            el.getparent().remove(el)
        else:
            for attr in list(el.attrib):
                if attr.startswith("{") and (attr[1:].split("}")[0] in uris or attr[1:].split("}")[0] == _MC):
                    del el.attrib[attr]
            if el.tag.endswith("}t"):
                el.attrib.pop(f"{{{_XML_NS}}}space", None)


def schema_errors(data: bytes) -> list[str]:
    """Every XML part checked against its ECMA-376 Transitional schema; returns 'part: line: message'."""
    from lxml import etree
    files = parts(data)
    errors = []
    targets = [("[Content_Types].xml", CONTENT_TYPES_SCHEMA)]
    for name, ctype in _content_types(files).items():
        if ctype in SCHEMA_OF:
            targets.append((name, SCHEMA_OF[ctype]))
        elif ctype.endswith("+xml") or ctype == "application/xml":
            if not name.endswith(".vml"):
                errors.append(f"{name}: no schema for content type {ctype!r}")
    for name, schema_file in targets:
        root = etree.fromstring(files[name])
        _strip_extensions(root)
        schema = _schema(schema_file)
        if not schema.validate(root):
            errors += [f"{name}: {e.line}: {e.message}" for e in schema.error_log]
    return errors


_ZIP64_EXTRA = 0x0001


def zip64_members(data: bytes) -> list[str]:
    """Members whose local header carries a ZIP64 extra field (SheetJS refuses them when the central
    directory does not)."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            header = data[info.header_offset:info.header_offset + 30]
            name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
            extra = data[info.header_offset + 30 + name_len:info.header_offset + 30 + name_len + extra_len]
            i = 0
            while i + 4 <= len(extra):
                tag, size = int.from_bytes(extra[i:i + 2], "little"), int.from_bytes(extra[i + 2:i + 4], "little")
                if tag == _ZIP64_EXTRA:
                    out.append(info.filename)
                i += 4 + size
    return out


