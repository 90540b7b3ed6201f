"""Read an .xlsx safely and fast: every cell's formula and stored value, the defined names and the document
properties, after refusing what either engine must not open (see ``limits``).

Refused, each with one line naming the part or cell: XML with a DOCTYPE (entity expansion, external
entities); references to other workbooks (``='/dir/[secret.xlsx]Sheet1'!A2``, externalLink parts), DDE
(``=DDE(...)``, ``=cmd|'...'!A0``), functions that fetch or call outside the file (WEBSERVICE, RTD, CALL,
REGISTER.ID, EXEC), any ``file:`` URL in a formula, external relationships other than hyperlinks, and data
connections. A reference built from text at run time (``INDIRECT(A1)`` with A1 holding "'[secret.xlsx]S'!A1")
cannot be seen in the file; neither engine follows one (tests/test_recalc_hostile.py shows both give an
error value), so it is not refused.

Parsed with expat directly (not openpyxl): a filled template is read in a few milliseconds, which is what
makes verifying thousands of workbooks cheap.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

from .limits import DEFAULT_LIMITS, Limits, WorkbookRefused, open_zip, read_member

Key = tuple[str, str]   # (sheet, "A1")

_XML_PARTS = (".xml", ".rels", ".vml")
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_REL_HYPERLINK = "/hyperlink"
_FORMULA_ELEMENTS = {"f", "formula", "formula1", "formula2"}
_CELL_TAGS = (b"<c ", b"<c>", b"<c/")


def _cell_tags(xml: bytes) -> int:
    """About how many cells a sheet holds, counted at C speed before parsing (an upper bound for ordinary
    files; the exact count is enforced while parsing)."""
    n = sum(xml.count(tag) for tag in _CELL_TAGS)
    if b":sheetData" in xml:        # a prefixed namespace: <x:c ...>
        n += xml.count(b":c ") + xml.count(b":c>")
    return n


@dataclass
class WorkbookScan:
    """What a workbook holds. ``formulas``: formula cells -> (attributes of <f>, text, or '' for a shared
    formula's followers); ``cached``: their stored values (None when the file stores none); ``constants``: every
    other cell with a value. Values are float/int, str (texts and error codes such as "#N/A") or bool."""
    path: Path
    sheets: list[str]
    formulas: dict[Key, tuple[tuple, str]] = field(default_factory=dict)
    cached: dict[Key, object] = field(default_factory=dict)
    constants: dict[Key, object] = field(default_factory=dict)
    names: list[tuple] = field(default_factory=list)      # (name, attributes, text) of defined names
    props: dict[str, str] = field(default_factory=dict)   # custom document properties
    cells: int = 0
    tables: tuple = ()                                     # table definitions (structured references)

    @property
    def signature(self) -> str:
        """Everything that decides how values are computed, apart from the constants: sheets, defined names,
        tables and every formula with its cell. Two workbooks with one signature compute alike from their
        constants (the python engine loads such a workbook once and recalculates the others as overrides)."""
        h = hashlib.blake2b(digest_size=16)
        h.update(repr((self.sheets, self.names, self.tables)).encode("utf-8", "surrogatepass"))
        h.update(repr(sorted(self.formulas.items())).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def extents(self) -> dict[str, list[int]]:
        """[rows, columns] that each sheet's cells reach (0, 0 for a sheet without any), the ranges of array
        and shared formulas included: a recalculated value can only appear inside, so a reader need not ask
        a spreadsheet for its used area (over UNO that costs more than reading the values). A sheet with a
        reference this cannot read is left out (its reader then asks)."""
        reach = {sheet: [0, 0] for sheet in self.sheets}
        unknown = set()

        def extend(sheet, ref):
            m = _REF.match(ref.rpartition(":")[2].replace("$", ""))
            if m is None or sheet not in reach:
                unknown.add(sheet)
                return
            area = reach[sheet]
            area[0], area[1] = max(area[0], int(m.group(2))), max(area[1], _column_index(m.group(1)))

        for sheet, ref in self.constants:
            extend(sheet, ref)
        for (sheet, ref), (attrs, _) in self.formulas.items():
            extend(sheet, ref)
            spans = dict(attrs or ()).get("ref")
            if spans:
                extend(sheet, spans)
        return {sheet: area for sheet, area in reach.items() if sheet not in unknown}


def _local(name: str) -> str:
    """An element's or attribute's name without its prefix (files use the default namespace or a prefix)."""
    return name.rpartition(":")[2] if ":" in name else name


def _parser(path: Path, part: str) -> expat.XMLParserType:
    p = expat.ParserCreate()
    p.buffer_text = True
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_):
        raise WorkbookRefused(f"{path}: part {part} declares a DOCTYPE or entities; XML with a DTD is refused "
                              "(entity expansion, external entities)")
    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    return p


def _parse(path: Path, part: str, data: bytes, start, end=None, text=None) -> None:
    p = _parser(path, part)
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if text is not None:
        p.CharacterDataHandler = text
    try:
        p.Parse(data, True)
    except expat.ExpatError as exc:
        raise WorkbookRefused(f"{path}: part {part} is not well-formed XML ({exc})") from None


def _check_dtd(path: Path, part: str, data: bytes) -> None:
    flat = data.replace(b"\x00", b"") if b"\x00" in data else data   # UTF-16/32 text: ASCII without its zeros
    if any(marker in flat for marker in _DTD):
        raise WorkbookRefused(f"{path}: part {part} declares a DOCTYPE or entities; XML with a DTD is refused "
                              "(entity expansion, external entities)")


# -- references that reach outside the workbook ---------------------------------------------------------------
_STRING = re.compile(r'"(?:[^"]|"")*"')
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')*)'\s*[!#]")
_BRACKET_BOOK = re.compile(r"\[[^\[\]]*\][^\s!'\"(),;+\-*/^&=<>{}:]*!")
_CALLS_OUT = re.compile(r"(?<![\w.])(?:_xlfn\.|_xlws\.)?(DDE|DDEAUTO|RTD|WEBSERVICE|CALL|REGISTER|REGISTER\.ID|EXEC)"
                        r"\s*\(", re.I)


@lru_cache(maxsize=65536)
def outside_reference(formula: str) -> str | None:
    """Why a formula (or defined name) reaches outside its workbook, or None."""
    if "file:" in formula.lower():
        return "holds a file: URL"
    bare = _STRING.sub('""', formula)
    m = _CALLS_OUT.search(bare)
    if m:
        return f"calls {m.group(1).upper()}(), which reaches outside the workbook"
    if "|" in bare:
        return "holds a DDE link (app|topic!item)"
    for q in _QUOTED_SHEET.finditer(bare):
        if "[" in q.group(1) or "/" in q.group(1) or "\\" in q.group(1):
            return "refers to another workbook"
    if _BRACKET_BOOK.search(_QUOTED_SHEET.sub("''!", bare)):
        return "refers to another workbook"
    return None


def _refuse_outside(path: Path, where: str, formula: str) -> None:
    why = outside_reference(formula)
    if why:
        shown = formula if len(formula) <= 80 else formula[:77] + "..."
        raise WorkbookRefused(f"{path}: {where} {why} (={shown}); references outside the workbook are refused")


# -- parts ------------------------------------------------------------------------------------------------------
def _rels(path: Path, part: str, data: bytes) -> list[dict]:
    out = []

    def start(name, attrs):
        if _local(name) == "Relationship":
            out.append({_local(k): v for k, v in attrs.items()})
    _parse(path, part, data, start)
    return out


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _target(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _check_relationships(path: Path, part: str, rels: list[dict]) -> None:
    for rel in rels:
        kind = rel.get("Type", "")
        if kind.endswith("/externalLink") or kind.endswith("/externalLinkPath"):
            raise WorkbookRefused(f"{path}: links to another workbook ({part}); external links are refused: "
                                  "paste the values in instead")
        if rel.get("TargetMode", "").lower() == "external" and not kind.endswith(_REL_HYPERLINK):
            target = rel.get("Target", "")[:80]
            raise WorkbookRefused(f"{path}: {part} points outside the file ({kind.rsplit('/', 1)[-1]} -> {target}); "
                                  "external links are refused")


def _workbook(path: Path, part: str, data: bytes):
    sheets, names, current = [], [], []

    def start(name, attrs):
        local = _local(name)
        if local == "sheet":
            plain = {_local(k): v for k, v in attrs.items()}
            sheets.append((plain.get("name", ""), plain.get("id", "")))
        elif local == "definedName":
            current.append((attrs.get("name", ""), tuple(sorted(attrs.items())), []))

    def end(name):
        if _local(name) == "definedName" and current:
            n, attrs, text = current.pop()
            names.append((n, attrs, "".join(text)))

    def text(data_):
        if current:
            current[-1][2].append(data_)
    _parse(path, part, data, start, end, text)
    return sheets, names


def _shared_strings(path: Path, part: str, data: bytes) -> list[str]:
    out, buf, depth = [], [], {"t": False, "rPh": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            buf.clear()
        elif local == "rPh":
            depth["rPh"] += 1
        elif local == "t" and not depth["rPh"]:
            depth["t"] = True

    def end(name):
        local = _local(name)
        if local == "si":
            out.append("".join(buf))
        elif local == "rPh":
            depth["rPh"] -= 1
        elif local == "t":
            depth["t"] = False

    def text(data_):
        if depth["t"]:
            buf.append(data_)
    _parse(path, part, data, start, end, text)
    return out


def _props(path: Path, part: str, data: bytes) -> dict[str, str]:
    out, current = {}, []

    def start(name, attrs):
        if _local(name) == "property":
            current[:] = [attrs.get("name", ""), []]

    def end(name):
        if _local(name) == "property" and current:
            out[current[0]] = "".join(current[1])
            current.clear()

    def text(data_):
        if current:
            current[1].append(data_)
    _parse(path, part, data, start, end, text)
    return out


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


_REF = re.compile(r"([A-Z]{1,3})([0-9]+)$")


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _number(text: str):
    try:
        return float(text) if any(ch in text for ch in ".eEnN") else int(text)
    except ValueError:
        return text


class _Sheet:
    """expat handlers collecting one sheet's cells."""

    def __init__(self, scan: WorkbookScan, sheet: str, shared: list[str], path: Path, max_cells: int):
        self.scan, self.sheet, self.shared, self.path, self.max_cells = scan, sheet, shared, path, max_cells
        self.row, self.last = 0, ""
        self.cell = None          # [ref, type, formula attrs or None, formula text, value text, inline text]
        self.target = None        # where character data goes
        self.in_rph = 0
        self.other_formula = None

    def start(self, name, attrs):
        local = name.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                self.last = ref
            else:      # optional in the format: the cell after the previous one
                m = _REF.match(self.last) if self.last else None
                col = _column_index(m.group(1)) + 1 if m and int(m.group(2)) == self.row else 1
                ref = self.last = f"{column_letter(col)}{self.row}"
            self.cell = [ref, attrs.get("t", "n"), None, [], [], []]
            self.scan.cells += 1
            if self.scan.cells > self.max_cells:
                raise WorkbookRefused(f"{self.path}: more than {self.max_cells:,} cells, above the limit per workbook")
        elif local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
        elif self.cell is not None:
            if local == "v":
                self.target = self.cell[4]
            elif local == "f":
                self.cell[2] = tuple(sorted(attrs.items()))
                self.target = self.cell[3]
            elif local == "rPh":
                self.in_rph += 1
            elif local == "t" and not self.in_rph:
                self.target = self.cell[5]
        elif local in _FORMULA_ELEMENTS:     # data validation and conditional formatting formulas
            self.other_formula = []
            self.target = self.other_formula

    def end(self, name):
        local = name.rpartition(":")[2]
        if local == "c" and self.cell is not None:
            self._store(*self.cell)
            self.cell = None
        elif local == "rPh":
            self.in_rph -= 1
        elif local in _FORMULA_ELEMENTS and self.other_formula is not None:
            _refuse_outside(self.path, f"a {local} rule on sheet {self.sheet}", "".join(self.other_formula))
            self.other_formula = None
        if local in ("f", "v", "t") or local in _FORMULA_ELEMENTS:
            self.target = None

    def text(self, data):
        if self.target is not None:
            self.target.append(data)

    def _store(self, ref, kind, fattrs, ftext, vtext, inline):
        key = (self.sheet, ref)
        raw = "".join(vtext)
        if kind == "s":
            try:
                value = self.shared[int(raw)] if raw else None
            except (ValueError, IndexError):
                raise WorkbookRefused(f"{self.path}: {self.sheet}!{ref} points at shared string {raw!r}, which "
                                      "does not exist (damaged file)") from None
        elif kind == "inlineStr":
            value = "".join(inline)
        elif kind in ("str", "e", "d"):
            value = raw or None
        elif kind == "b":
            value = raw.strip() in ("1", "true") if raw else None
        else:
            value = _number(raw.strip()) if raw.strip() else None
        if fattrs is not None:
            text = "".join(ftext)
            if text:
                _refuse_outside(self.path, f"{self.sheet}!{ref}", text)
            self.scan.formulas[key] = (fattrs, text)
            self.scan.cached[key] = value
        elif value is not None:
            self.scan.constants[key] = value


def scan(path, limits: Limits = DEFAULT_LIMITS) -> WorkbookScan:
    """Read a workbook, refusing what is unsafe or beyond ``limits`` (raises ``WorkbookRefused``)."""
    path = Path(path)
    with open_zip(path, limits) as z:
        infos = {i.filename: i for i in z.infolist()}
        parts = {}
        for name, info in infos.items():
            low = name.lower()
            if low.startswith("xl/externallinks/"):
                raise WorkbookRefused(f"{path}: links to another workbook ({name}); external links are refused: "
                                      "paste the values in instead")
            if low in ("xl/connections.xml",) or low.startswith("xl/querytables/"):
                raise WorkbookRefused(f"{path}: holds a data connection ({name}), which reaches outside the file; "
                                      "refused")
            if low.endswith(_XML_PARTS) or low == "[content_types].xml":
                parts[name] = data = read_member(path, z, info)
                _check_dtd(path, name, data)
    for name, data in parts.items():
        if name.endswith(".rels"):
            _check_relationships(path, name, _rels(path, name, data))
    book = next((_target("", r["Target"]) for r in _rels(path, "_rels/.rels", parts.get("_rels/.rels", b"<r/>"))
                 if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
    if book not in parts:
        raise WorkbookRefused(f"{path}: has no workbook part ({book}); not a spreadsheet")
    sheets, names = _workbook(path, book, parts[book])
    for n, _attrs, text in names:
        _refuse_outside(path, f"defined name {n}", text)
    targets = {r.get("Id"): _target(book, r.get("Target", ""))
               for r in _rels(path, _rels_part(book), parts.get(_rels_part(book), b"<r/>"))}
    result = WorkbookScan(path, [s for s, _ in sheets], names=names)
    shared_part = next((t for t in targets.values() if t.endswith("sharedStrings.xml")), None)
    shared = _shared_strings(path, shared_part, parts[shared_part]) if shared_part in parts else []
    result.tables = tuple(sorted(data.decode("utf-8", "replace") for n, data in parts.items()
                                 if n.lower().startswith("xl/tables/") and n.lower().endswith(".xml")))
    sheet_parts = [(sheet, targets.get(rid)) for sheet, rid in sheets if targets.get(rid) in parts]
    tags = sum(_cell_tags(parts[p]) for _, p in sheet_parts)
    if tags > limits.cells:
        raise WorkbookRefused(f"{path}: more than {limits.cells:,} cells, above the limit per workbook")
    for sheet, part in sheet_parts:
        reader = _Sheet(result, sheet, shared, path, limits.cells)
        _parse(path, part, parts[part], reader.start, reader.end, reader.text)
    props = next((t for t in parts if t.lower() == "docprops/custom.xml"), None)
    if props:
        result.props = _props(path, props, parts[props])
    return result


__all__ = ["WorkbookScan", "column_letter", "outside_reference", "scan"]
