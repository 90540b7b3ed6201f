"""What a workbook may be before either recalculation engine touches it: size limits and refusals.

Checked on the zip's central directory before anything is decompressed, then again while the parts are read
(Python's zipfile stops at each part's declared size and checks its CRC, so a part that lies about its size
fails instead of expanding). The defaults are documented in the README ("Headless recalculation"); pass a
``Limits`` to change them.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .errors import RecalcError

MiB = 2**20


@dataclass(frozen=True)
class Limits:
    """Per workbook. ``python_formulas``: the `formulas` engine needs about 10 ms per formula cell to load (2-core
    machine), so 5,000 formula cells take about a minute; LibreOffice handles far more. ``seconds``: time for
    one workbook's calculation (python) or load, recalculation and read (LibreOffice)."""
    file_bytes: int = 50 * MiB          # the .xlsx file on disk
    parts: int = 5_000                  # zip members
    part_bytes: int = 256 * MiB         # declared uncompressed size of one member
    total_bytes: int = 512 * MiB        # declared uncompressed size of all members
    ratio: int = 200                    # uncompressed / compressed, for members above 1 MiB
    cells: int = 1_000_000              # cells with content, all sheets
    python_formulas: int = 5_000        # formula cells the python engine accepts
    seconds: float = 120.0

    def describe(self) -> str:
        return (f"file {self.file_bytes // MiB} MiB, {self.parts:,} zip parts, {self.part_bytes // MiB} MiB per part "
                f"and {self.total_bytes // MiB} MiB in all uncompressed, compression ratio {self.ratio} for parts "
                f"above 1 MiB, {self.cells:,} cells, {self.python_formulas:,} formula cells for the python engine, "
                f"{self.seconds:g} s per workbook")


DEFAULT_LIMITS = Limits()


class WorkbookRefused(RecalcError):
    """A workbook that is not recalculated at all: not an .xlsx, beyond a limit, or reaching outside itself."""


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _not_a_zip(path: Path, head: bytes) -> WorkbookRefused:
    """Say what the file is instead, when that is easy to tell."""
    if head.startswith(_OLE_MAGIC):
        with open(path, "rb") as fh:
            if _ENCRYPTED in fh.read(4 * MiB):
                return WorkbookRefused(f"{path}: is encrypted (password-protected); save a copy without a password "
                                       "and recalculate that")
        return WorkbookRefused(f"{path}: is an old-format (.xls) or other OLE file, not an .xlsx workbook; save it "
                               "as .xlsx")
    if not head:
        return WorkbookRefused(f"{path}: is empty, not an .xlsx workbook")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text[:-4]):
        kind = "a CSV (text) file" if any(sep in text for sep in ",;\t") else "a text file"
        return WorkbookRefused(f"{path}: is {kind}, not an .xlsx workbook; open it in a spreadsheet and save it "
                               "as .xlsx")
    return WorkbookRefused(f"{path}: is not an .xlsx workbook (not a zip package)")


def open_zip(path, limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The workbook's zip, after checking the file's kind and every member's declared size and ratio."""
    path = Path(path)
    if not path.is_file():
        raise RecalcError(f"no such workbook: {path}")
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise WorkbookRefused(f"{path}: {size:,} bytes, above the limit of {limits.file_bytes:,} bytes per workbook")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.startswith(b"PK\x03\x04"):
        raise _not_a_zip(path, head)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(f"{path}: is not a readable .xlsx workbook (damaged zip: {exc})") from None
    try:
        check_members(path, z.infolist(), limits)
    except BaseException:
        z.close()
        raise
    return z


def check_members(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.parts:
        raise WorkbookRefused(f"{path}: {len(infos):,} zip parts, above the limit of {limits.parts:,}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRefused(f"{path}: part {info.filename} is encrypted; save a copy without a password")
        if info.file_size > limits.part_bytes:
            raise WorkbookRefused(f"{path}: part {info.filename} declares {info.file_size:,} bytes uncompressed, above "
                                  f"the limit of {limits.part_bytes:,} per part")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MiB and ratio > limits.ratio:
            raise WorkbookRefused(f"{path}: part {info.filename} expands {info.compress_size:,} bytes to "
                                  f"{info.file_size:,} (ratio {ratio:,.0f}, limit {limits.ratio}): a zip bomb?")
        total += info.file_size
        if total > limits.total_bytes:
            raise WorkbookRefused(f"{path}: declares more than {limits.total_bytes:,} bytes uncompressed, above the "
                                  "limit per workbook")


def read_member(path: Path, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated 1 MiB at a time (``ZipFile.read`` would inflate a lying member whole before
    cutting it to its declared size); zipfile stops at the declared size and checks the CRC at the end."""
    chunks, left = [], info.file_size
    try:
        with z.open(info) as fh:
            while chunk := fh.read(min(MiB, left + 1) or 1):
                left -= len(chunk)
                if left < 0:
                    raise WorkbookRefused(f"{path}: part {info.filename} holds more than its declared "
                                          f"{info.file_size:,} bytes")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, zlib.error) as exc:
        raise WorkbookRefused(f"{path}: part {info.filename} cannot be read ({exc})") from None
    return b"".join(chunks)


__all__ = ["DEFAULT_LIMITS", "Limits", "WorkbookRefused", "open_zip", "read_member"]
