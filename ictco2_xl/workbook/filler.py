"""Fast filling of a template with many scenarios.

Each sheet part that holds scenario values is compiled once into static XML segments and runs of slots (a
number, the scenario's name, or a whole cell whose formula a given input replaces). The static segments
are deflated once, each ending on a byte boundary (sync flush); per workbook only the runs are added, as
*stored* deflate blocks, padded with spaces between elements to a fixed width so that the static
segments' back-references stay valid (see ``_deflate_around``). So a filled workbook costs string
formatting, a CRC and a zip directory, never a deflate, and every reader sees an ordinary deflated zip
member (a deflate stream may mix compressed and stored blocks: RFC 1951, 3.2.3). The values of a chunk of
rows are formatted column-wise, so the per-workbook work is small.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np

from ..core.definitions import YearSeries
from ..core.model import Model
from .layout import INPUTS, SCENARIO_CELL, TemplateLayout
from .package import _CELL, INLINE_CLOSE, INLINE_OPEN, cell_parts, cell_text, read_package, sheet_parts
from .templates import build_template

_DOS_DATE = (0 << 9) | (1 << 5) | 1   # 1980-01-01, as write_package uses
_MAX_STORED = 0xFFFF                  # bytes per stored block
MIN_DEFLATED = 32                     # shorter static XML between slots travels stored with its slots
_NUMBER_WIDTH = 24                    # longest repr() of a finite float: '-1.2345678901234567e-308'
_PLACEHOLDER = b"\xff"                # never in UTF-8, so deflate never matches static XML against it


class _Member:
    """A zip member's local record (header, name, deflated data) and the start of its central record."""
    __slots__ = ("name", "local", "central")

    def __init__(self, name: bytes, crc: int, size: int, data: bytes):
        self.name = name
        self.local = _LOCAL(0x04034B50, 20, 0, 8, 0, _DOS_DATE, crc, len(data), size, len(name), 0) + name + data
        self.central = _CENTRAL(0x02014B50, 20, 20, 0, 8, 0, _DOS_DATE, crc, len(data), size, len(name),
                                0, 0, 0, 0, 0o600 << 16)   # + offset + name


@dataclass(frozen=True)
class _Slot:
    """A varying piece of a sheet: 'value' (a number), 'text' (the scenario name) or 'cell' (a whole input
    cell: with its formula and cached value, or a constant when the row gives that input). Each ends its
    cell (``suffix``), so a run of slots always ends between two elements."""
    kind: str
    key: tuple[str, str]
    suffix: str = ""
    formula_cell: str = ""   # for 'cell': %-template with the formula kept
    constant_cell: str = ""  # for 'cell': %-template as a constant
    input_name: str = ""

    @property
    def width(self) -> int | None:
        """Most bytes the slot can take (None: unbounded)."""
        if self.kind == "text":
            return None
        cell = max(len(self.formula_cell.encode()), len(self.constant_cell.encode())) - 2 if self.kind == "cell" else 0
        return _NUMBER_WIDTH + cell + len(self.suffix.encode())


@dataclass(frozen=True)
class _Part:
    """One sheet part: static XML, run, static XML, ..., run, static XML. A run is a %-template of slots and
    short static XML, padded with spaces to a fixed width where its slots are bounded; per workbook, the
    runs' bytes fill ``raw`` (for the CRC) and, as stored blocks, ``deflated``."""
    name: bytes
    raw: bytes                  # %b-template of the part's XML
    deflated: bytes             # %b-template of its deflate stream
    runs: tuple[tuple[str, tuple[int, ...], int | None], ...]   # (template, slot indexes, fixed width)


def _deflate(data: bytes, mode: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    return comp.compress(data) + comp.flush(mode)


def _deflate_around(statics: list[bytes], widths: list[int | None]) -> list[bytes]:
    """The deflate stream of static XML around runs of varying bytes, one byte-aligned piece per static
    segment, so each workbook's runs go in between as stored blocks.

    A run of fixed width is compressed as placeholder bytes and its output dropped: the compressor's
    history then matches what a reader inflates (the real run has the same length), and the placeholder
    byte never occurs in UTF-8, so no back-reference can point into a run. Static XML refers back across
    runs, which keeps files about as small as the template. After a run of unbounded width (the scenario's
    name) distances are unknown, so the next segment starts a fresh compressor."""
    out = []
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    for k, static in enumerate(statics):
        if k == len(statics) - 1:
            out.append(comp.compress(static) + comp.flush(zlib.Z_FINISH))
            break
        out.append(comp.compress(static) + comp.flush(zlib.Z_SYNC_FLUSH))
        if widths[k] is None:
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        else:
            comp.compress(_PLACEHOLDER * widths[k])
            comp.flush(zlib.Z_SYNC_FLUSH)
    return out


_LOCAL = struct.Struct("<IHHHHHIIIHH").pack
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHI").pack
_OFFSET = struct.Struct("<I").pack
_END = struct.Struct("<IHHHHIIH").pack
_STORED_HEADER = struct.Struct("<BHH").pack   # BFINAL=0, BTYPE=00, then LEN and NLEN (byte-aligned)


def _stored(data: bytes) -> bytes:
    """``data`` as non-final stored deflate blocks (the stream must be at a byte boundary)."""
    if len(data) <= _MAX_STORED:
        return _STORED_HEADER(0, len(data), len(data) ^ 0xFFFF) + data
    return b"".join(_stored(data[k:k + _MAX_STORED]) for k in range(0, len(data), _MAX_STORED))


class TemplateFiller:
    """Fill one model's template with many scenarios."""

    def __init__(self, model: Model, factor_set: str = "report", template: bytes | None = None):
        self.model = model
        self.layout = TemplateLayout(model, factor_set)
        self.template = template if template is not None else build_template(model, factor_set)
        infos, files = read_package(self.template)
        parts = sheet_parts(files)
        cells_by_part: dict[str, set[str]] = {}
        for cell in self.layout.cells:
            cells_by_part.setdefault(parts[cell.sheet], set()).add(cell.ref)
        cells_by_part.setdefault(parts[SCENARIO_CELL[0]], set()).add(SCENARIO_CELL[1])
        sheet_of_part = {v: k for k, v in parts.items()}
        series_cells = {c.ref: n for n, c in self.layout.inputs.items()
                        if isinstance(model.input(n).default, YearSeries)}
        self._slots: list[_Slot] = []
        self._members: list[_Member | _Part] = []
        for info in infos:
            name, data = info.filename, files[info.filename]
            if name in cells_by_part:
                self._members.append(self._compile(name, data.decode("utf-8"), sheet_of_part[name],
                                                   cells_by_part[name], series_cells))
            else:
                self._members.append(_Member(name.encode("utf-8"), zlib.crc32(data), len(data),
                                             _deflate(data, zlib.Z_FINISH)))

    def _compile(self, name: str, xml: str, sheet: str, refs: set[str], series_cells: dict[str, str]) -> _Part:
        pieces: list[str | int] = []   # static text and slot indexes, in document order
        pos, found = 0, set()
        for m in _CELL.finditer(xml):
            ref = m.group("ref")
            if ref not in refs:
                continue
            found.add(ref)
            pieces.append(xml[pos:m.start()])
            pos = m.end()
            attrs, formula = cell_parts(m)
            head = f'<c r="{ref}"{attrs}'
            if (sheet, ref) == SCENARIO_CELL:
                pieces += [head + INLINE_OPEN, self._add(_Slot("text", (sheet, ref), INLINE_CLOSE))]
            elif sheet == INPUTS and ref in series_cells and formula:
                slot = _Slot("cell", (sheet, ref), "", _escape_percent(f"{head}>{formula}<v>") + "%s</v></c>",
                             _escape_percent(f'{head} t="n"><v>') + "%s</v></c>", series_cells[ref])
                pieces.append(self._add(slot))
            else:
                open_value = f"{head}>{formula}<v>" if formula else f'{head} t="n"><v>'
                pieces += [open_value, self._add(_Slot("value", (sheet, ref), "</v></c>"))]
        pieces.append(xml[pos:])
        missing = refs - found
        if missing:
            raise KeyError(f"template cells not found: {sorted(missing)}")
        merged: list[str | int] = []    # adjacent static text joined: text, slot(s), text, ..., text
        for piece in pieces:
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            else:
                merged.append(piece)
        # Static text too short to gain from deflating travels stored, with the slots around it.
        statics, runs, run = [merged[0]], [], []
        for k, piece in enumerate(merged[1:], start=1):
            if isinstance(piece, int) or (len(piece) < MIN_DEFLATED and k < len(merged) - 1):
                run.append(piece)
                continue
            runs.append(self._run(run))
            statics.append(piece)
            run = []
        raw = [text.encode("utf-8") for text in statics]
        widths = [w for _, _, w in runs]
        deflated = _deflate_around(raw, widths)
        # A fixed-width run's stored-block header is the same in every workbook: part of the template.
        deflated = [d + (b"" if w is None else _STORED_HEADER(0, w, w ^ 0xFFFF))
                    for d, w in zip(deflated, widths + [None])]
        return _Part(name.encode("utf-8"), b"%b".join(r.replace(b"%", b"%%") for r in raw),
                     b"%b".join(d.replace(b"%", b"%%") for d in deflated), tuple(runs))

    def _run(self, pieces: list[str | int]) -> tuple[str, tuple[int, ...], int | None]:
        slots = [self._slots[p] for p in pieces if isinstance(p, int)]
        template = "".join("%s" + _escape_percent(self._slots[p].suffix) if isinstance(p, int) else _escape_percent(p)
                           for p in pieces)
        widths = [slot.width for slot in slots]
        fixed = None if None in widths else (sum(widths) + sum(len(p.encode()) for p in pieces if isinstance(p, str)))
        if fixed is not None and fixed > _MAX_STORED:
            fixed = None   # more than one stored block: treated like a run of any width
        return template, tuple(p for p in pieces if isinstance(p, int)), fixed

    def _add(self, slot: _Slot) -> int:
        self._slots.append(slot)
        return len(self._slots) - 1

    # -- rendering ----------------------------------------------------------------------------------
    def rows(self, columns: dict[str, np.ndarray], n: int, scenarios=None) -> FilledRows:
        """``n`` scenarios at once: one vectorised model run, values formatted column-wise.

        ``columns``: input name -> array of n numbers (NaN = the default; a year-dependent input given
        explicitly replaces its default formula by the number). ``scenarios``: the n names written (as
        text) on the About sheet."""
        values = self.layout.values_many(columns, n)
        texts = [self.layout.default_scenario] * n if scenarios is None else list(scenarios)
        bad: dict[int, str] = {}
        strings: list[list[str]] = []
        for slot in self._slots:
            if slot.kind == "text":
                strings.append([escape(cell_text(t)) for t in texts])
                continue
            arr = np.asarray(values[slot.key], dtype=float)
            finite = np.isfinite(arr)
            for i in np.flatnonzero(~finite):
                bad.setdefault(int(i), f"{slot.key[0]}!{slot.key[1]} would be {arr[i]!r} (not a finite number)")
            numbers = list(map(repr, arr.tolist()))
            if slot.kind == "cell":
                given = np.asarray(columns.get(slot.input_name, np.full(n, np.nan)), dtype=float)
                given = np.broadcast_to(~np.isnan(given), (n,)).tolist()
                numbers = [(slot.constant_cell if g else slot.formula_cell) % v for v, g in zip(numbers, given)]
            strings.append(numbers)
        return FilledRows(self, values, bad, strings)

    def fill(self, inputs: dict | None = None, scenario: str | None = None) -> bytes:
        """One filled workbook (``inputs``: input name -> number)."""
        columns = {k: np.array([v], dtype=float) for k, v in (inputs or {}).items()}
        rows = self.rows(columns, 1, None if scenario is None else [scenario])
        if rows.bad:
            raise ValueError(rows.bad[0])
        return rows.workbook(0)


class FilledRows:
    """The workbooks of one chunk of scenarios; ``bad`` maps rows that cannot be written to the reason."""

    def __init__(self, filler: TemplateFiller, values, bad: dict[int, str], strings: list[list[str]]):
        self.values, self.bad = values, bad
        self._members = filler._members
        # Per part, each row's run texts and (where a run has no fixed width) their stored blocks.
        self._texts, self._blocks = {}, {}
        for part in self._members:
            if isinstance(part, _Part):
                runs = [_run_bytes(tmpl, [strings[s] for s in slots], width) for tmpl, slots, width in part.runs]
                self._texts[id(part)] = texts = list(zip(*runs))
                blocks = [run if width is not None else list(map(_stored, run))
                          for run, (_, _, width) in zip(runs, part.runs)]
                self._blocks[id(part)] = list(zip(*blocks)) if any(w is None for _, _, w in part.runs) else texts

    def workbook(self, i: int) -> bytes:
        """Workbook bytes for row ``i``."""
        if i in self.bad:
            raise ValueError(self.bad[i])
        members = []
        for m in self._members:
            if isinstance(m, _Part):
                raw = m.raw % self._texts[id(m)][i]
                m = _Member(m.name, zlib.crc32(raw), len(raw), m.deflated % self._blocks[id(m)][i])
            members.append(m)
        return _zip(members)


def _run_bytes(template: str, columns: list[list[str]], width: int | None) -> list[bytes]:
    """A run's bytes for every row; a fixed-width run padded with spaces (between two elements, where XML
    ignores whitespace)."""
    if width is None:
        return [(template % row).encode("utf-8") for row in zip(*columns)]
    texts = [(template % row).encode("utf-8").ljust(width) for row in zip(*columns)]
    if max(map(len, texts), default=width) > width:   # ljust never cuts: a longer run stays longer
        raise RuntimeError("a run outgrew its fixed width")   # it would corrupt the stream: never write it
    return texts


def _escape_percent(text: str) -> str:
    return text.replace("%", "%%")


def _zip(members: list[_Member]) -> bytes:
    """A zip archive from deflated members (fixed dates, so equal content gives equal bytes)."""
    body, central, offset = [], [], 0
    for m in members:
        body.append(m.local)
        central += (m.central, _OFFSET(offset), m.name)
        offset += len(m.local)
    cd = b"".join(central)
    return b"".join(body) + cd + _END(0x06054B50, 0, 0, len(members), len(members), len(cd), offset, 0)
