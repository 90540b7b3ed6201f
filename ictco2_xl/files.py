"""Writing files the user did not write themselves: output folders, file names made from user text, and
atomic writes that never replace a file unless asked.

Used by ``batch`` (one workbook per scenario and the run's summary) and the command line.

May import: the core.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import unicodedata
from pathlib import Path

from .core.errors import ICTCO2Error

MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 100   # UTF-8 bytes: names stay far below the 255-byte limit of file systems, suffixes included
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class OutputError(ICTCO2Error):
    """An output folder or file cannot be used."""


def prepare_folder(folder) -> Path:
    """The output folder, created if needed; one line naming the problem if it cannot be."""
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise OutputError(f"output folder {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in [out, *out.parents] if p.exists() and not p.is_dir()), None)
        raise OutputError(f"cannot create output folder {out}: {blocker or 'a part of the path'} is a file") from None
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    return out.resolve()


def reason(exc: OSError) -> str:
    """An OSError in a few words (no path, no errno number)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    return exc.strerror or str(exc)


def cut_utf8(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` UTF-8 bytes, at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def safe_name(name: str, fallback: str, reserved: re.Pattern | None = None) -> str:
    """A file name from user text: no separators, control characters, leading dots, reserved names (Windows
    device names; ``reserved``, the names a program writes itself); at most 80 characters and 100 bytes."""
    name = unicodedata.normalize("NFKC", _CONTROL.sub("", str(name))).strip()
    name = re.sub(r"[^\w.\- ()]+", "_", name, flags=re.UNICODE).strip(" ._")
    name = re.sub(r"_+", "_", name)[:MAX_NAME_CHARS]
    name = cut_utf8(name, MAX_NAME_BYTES).rstrip(" ._")
    stem = name.lower().split(".")[0]
    if not name or stem in _WINDOWS_RESERVED or (reserved is not None and reserved.fullmatch(name.lower())):
        name = cut_utf8(f"{fallback}_{name}", MAX_NAME_BYTES).rstrip(" ._") if name else fallback
    return name


class UniqueNames:
    """Case-insensitively unique names within one run: 'a', 'a-2', 'a-3', ..."""

    def __init__(self):
        self.used: set[str] = set()

    def unique(self, base: str) -> str:
        candidate, k = base, 1
        while candidate.lower() in self.used:
            k += 1
            candidate = f"{base}-{k}"
        self.used.add(candidate.lower())
        return candidate


def write_atomic(path: Path, data: bytes, overwrite: bool) -> None:
    """Write so that an interrupted run leaves no partial file, and never replace a file unless asked.

    Without ``overwrite`` the final name is created exclusively (a hard link): a file that appears
    meanwhile is never replaced. On Linux the data first goes to an unnamed file (O_TMPFILE), so even a
    killed run leaves nothing behind; elsewhere to a temporary file, renamed into place."""
    exists = FileExistsError(f"{path.name} exists (use overwrite to replace it)")
    if not overwrite and path.exists():
        raise exists
    if not overwrite and _link_unnamed(path, data, exists):
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise exists from None
        except OSError as exc:  # no hard links on this file system: fall back to check-then-rename
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
                raise
            if path.exists():
                raise exists from None
            os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


_PROC_FDS: tuple[int, int] | None = None   # (pid, descriptor of /proc/self/fd) - per process, as forks differ


def _link_unnamed(path: Path, data: bytes, exists: FileExistsError) -> bool:
    """Write ``data`` to an unnamed file in ``path``'s folder and link it as ``path``; False where the
    system cannot (no O_TMPFILE or /proc), so the caller falls back."""
    global _PROC_FDS
    if not hasattr(os, "O_TMPFILE"):
        return False
    try:
        if _PROC_FDS is None or _PROC_FDS[0] != os.getpid():
            _PROC_FDS = (os.getpid(), os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY))
        fd = os.open(path.parent, os.O_WRONLY | os.O_TMPFILE, 0o666)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EROFS, errno.ENOSPC, errno.EDQUOT):
            raise
        return False
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.link(str(fd), path, src_dir_fd=_PROC_FDS[1])   # linkat(..., AT_SYMLINK_FOLLOW)
    except FileExistsError:
        raise exists from None
    finally:
        os.close(fd)
    return True


def remove_stale_parts(out: Path) -> None:
    """Delete temporary files left by killed runs (never those of a run that is still going)."""
    for part in out.glob(".*.part"):
        try:
            pid = int(part.name.rsplit(".", 2)[-2])
            os.kill(pid, 0)
            continue              # that process is alive: its file is in use
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError, OSError):
            continue
        part.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_output(path: Path, overwrite: bool):
    """A binary file handle whose content appears at ``path`` only when the block ends without error;
    an existing file is replaced only if ``overwrite`` (FileExistsError otherwise, also for a file that
    appears meanwhile)."""
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path.name} exists (use overwrite to replace it)")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "xb") as fh:
            yield fh
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def create_exclusive(path: Path):
    """Open ``path`` for writing only if it does not exist yet (binary); FileExistsError otherwise."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")


__all__ = ["OutputError", "prepare_folder", "safe_name", "UniqueNames", "write_atomic", "remove_stale_parts",
           "create_exclusive", "atomic_output", "cut_utf8", "reason", "MAX_NAME_BYTES"]
