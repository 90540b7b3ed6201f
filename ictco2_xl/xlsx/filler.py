"""Fast filling of a template: precompiled sheet XML with holes, and a zip writer that reuses the
template's compressed members, so one filled workbook costs a few string joins and one small deflate.
"""
from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np

from ..core.definitions import Model, YearSeries
from .build import build_template
from .layout import DEFAULT_SCENARIO, SCENARIO_CELL, TemplateLayout
from .package import _CELL, cell_parts, format_value, read_package, sheet_parts

_DOS_DATE = (0 << 9) | (1 << 5) | 1   # 1980-01-01, as write_package uses
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text safe for XML 1.0 (control characters removed)."""
    return _ILLEGAL_XML.sub("", str(text))


@dataclass(frozen=True)
class _Member:
    name: bytes
    crc: int
    size: int
    data: bytes          # raw deflate stream, or the bytes themselves when stored
    method: int = 8      # 8 = deflate, 0 = stored


@dataclass(frozen=True)
class _Hole:
    ref: str
    attrs: str            # cell attributes except r= and t=
    formula: str          # the <f>...</f> element, or "" for a constant cell


class TemplateFiller:
    """Fill one model's template with many scenarios."""

    def __init__(self, model: Model, factor_set: str = "report", template: bytes | None = None,
                 compresslevel: int = 1):
        self.model = model
        self.layout = TemplateLayout(model, factor_set)
        self.template = template if template is not None else build_template(model, factor_set)
        self.level = compresslevel
        infos, files = read_package(self.template)
        parts = sheet_parts(files)
        cells_by_part: dict[str, set[str]] = {}
        for cell in self.layout.cells:
            cells_by_part.setdefault(parts[cell.sheet], set()).add(cell.ref)
        cells_by_part.setdefault(parts[SCENARIO_CELL[0]], set()).add(SCENARIO_CELL[1])
        self._sheet_of_part = {v: k for k, v in parts.items()}
        self._order = [i.filename for i in infos]
        self._fixed: dict[str, _Member] = {}
        self._holes: dict[str, tuple[list[str], list[_Hole]]] = {}
        for name in self._order:
            if name in cells_by_part:
                self._holes[name] = self._compile(files[name].decode("utf-8"), cells_by_part[name])
            else:
                self._fixed[name] = self._member(name, files[name], level=6)
        self._series_inputs = {n: c.ref for n, c in self.layout.inputs.items()
                               if isinstance(model.input(n).default, YearSeries)}

    def _member(self, name: str, data: bytes, level: int | None = None) -> _Member:
        level = self.level if level is None else level
        if level == 0:  # stored: Excel, LibreOffice and every reader accept it; no deflate per workbook
            return _Member(name.encode("utf-8"), zlib.crc32(data), len(data), data, 0)
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        raw = comp.compress(data) + comp.flush()
        return _Member(name.encode("utf-8"), zlib.crc32(data), len(data), raw)

    @staticmethod
    def _compile(xml: str, refs: set[str]):
        segments, holes, pos = [], [], 0
        for m in _CELL.finditer(xml):
            if m.group("ref") not in refs:
                continue
            segments.append(xml[pos:m.start()])
            holes.append(_Hole(m.group("ref"), *cell_parts(m)))
            pos = m.end()
        segments.append(xml[pos:])
        missing = refs - {h.ref for h in holes}
        if missing:
            raise KeyError(f"template cells not found: {sorted(missing)}")
        return segments, holes

    # -- rendering ----------------------------------------------------------------------------------
    def values(self, columns: dict[str, np.ndarray], n: int) -> dict[tuple[str, str], np.ndarray]:
        return self.layout.values_many(columns, n)

    def render(self, values: dict[tuple[str, str], np.ndarray], i: int, scenario: str | None = None,
               given: dict[str, float] | None = None) -> bytes:
        """Workbook bytes for row ``i`` of ``values`` (from :meth:`values`).

        ``given``: the row's explicit inputs; a year-dependent input given explicitly replaces its default
        formula by the number. ``scenario``: name written (as text) on the About sheet."""
        constant = {self._series_inputs[k] for k, v in (given or {}).items()
                    if k in self._series_inputs and not np.isnan(v)}
        texts = {SCENARIO_CELL: clean_text(DEFAULT_SCENARIO if scenario is None else scenario)}
        members = []
        for name in self._order:
            if name in self._fixed:
                members.append(self._fixed[name])
                continue
            segments, holes = self._holes[name]
            sheet = self._sheet_of_part[name]
            out = [segments[0]]
            for hole, seg in zip(holes, segments[1:]):
                key = (sheet, hole.ref)
                if key in texts:
                    out.append(f'<c r="{hole.ref}"{hole.attrs} t="inlineStr"><is><t xml:space="preserve">'
                               f"{escape(texts[key])}</t></is></c>")
                else:
                    v = format_value(values[key][i])
                    if hole.formula and not (sheet == "Inputs" and hole.ref in constant):
                        out.append(f'<c r="{hole.ref}"{hole.attrs}>{hole.formula}<v>{v}</v></c>')
                    else:
                        out.append(f'<c r="{hole.ref}"{hole.attrs} t="n"><v>{v}</v></c>')
                out.append(seg)
            members.append(self._member(name, "".join(out).encode("utf-8")))
        return _zip(members)

    def fill(self, inputs: dict | None = None, scenario: str | None = None) -> bytes:
        """One filled workbook (``inputs``: input name -> number)."""
        columns = {k: np.array([v], dtype=float) for k, v in (inputs or {}).items()}
        return self.render(self.values(columns, 1), 0, scenario, inputs)


def _zip(members: list[_Member]) -> bytes:
    """A zip archive from already-prepared members (deflated or stored, fixed dates)."""
    body, central, offset = [], [], 0
    for m in members:
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, m.method, 0, _DOS_DATE, m.crc, len(m.data), m.size,
                             len(m.name), 0)
        body += [header, m.name, m.data]
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, m.method, 0, _DOS_DATE, m.crc, len(m.data),
                                   m.size, len(m.name), 0, 0, 0, 0, 0o600 << 16, offset) + m.name)
        offset += len(header) + len(m.name) + len(m.data)
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), offset, 0)
    return b"".join(body) + cd + end
