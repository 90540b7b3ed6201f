"""Recalculate workbooks with LibreOffice headless: a real spreadsheet engine.

Preferred: soffice kept running and driven over UNO (``Session``): each workbook is loaded hidden, read-only,
with macros off and links never updated, recalculated in full and its values read back over UNO - more than
2x faster per workbook than ``soffice --convert-to``. UNO needs Debian's ``python3-uno``, which only the
system Python can import, so the driver (``uno_driver.py``) runs under it as a subprocess speaking JSON lines.
A session runs up to ``workers`` soffice processes side by side (default: 2 on machines with 2 cores or more)
and keeps each busy with the next workbook while Python reads the last one. Without UNO: chunked
``soffice --convert-to`` (see ``soffice.convert``).

Every workbook is read by ``scan`` first: what reaches outside the file (external references, DDE, ``file:``
links, data connections), DTDs and workbooks beyond the ``Limits`` are refused before soffice sees them. Every
soffice runs in its own process group with its own profile (OOXMLRecalcMode=0: LibreOffice otherwise trusts
stale cached values); on a timeout the whole group is killed and the profile removed.

    with Session() as lo:                      # or libreoffice.recalculate(paths)
        values = lo.values("templates/streetlight.xlsx")   # {("Calculation", "C8"): 123.4, ...}

``keep_alive()`` makes the module-level functions share one lazily started session (the test suite does this
for all its LibreOffice tests; see tests/conftest.py).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import RecalcError
from .limits import DEFAULT_LIMITS, Limits
from .scan import Key, WorkbookScan, scan
from .soffice import (CHUNK, FILTERS, INSTALL_HINT, UNO_HINT, Driver, LibreOfficeUnavailable, convert, error_text,
                      read_values, require_soffice, soffice_path, uno_python, values_from_uno)

WORKERS = min(2, os.cpu_count() or 1)
FILES_PER_WORKER = 4      # a second soffice starts only for more files than this
Progress = Callable[[int], None]


class _Job:
    __slots__ = ("path", "driver", "request", "error")

    def __init__(self, path: Path, request: dict | None, error: RecalcError | None = None):
        self.path, self.request, self.error, self.driver = path, request, error, None


class Session:
    """LibreOffice kept running for many workbooks (over UNO; chunked ``--convert-to`` without it).

    ``timeout``: seconds per workbook (default ``limits.seconds``); a workbook that takes longer fails alone,
    its soffice's process group is killed and a fresh soffice takes the next. ``method``: "uno", "convert" or
    None (UNO when available). ``workers``: soffice processes side by side."""

    def __init__(self, timeout: float | None = None, limits: Limits = DEFAULT_LIMITS, method: str | None = None,
                 workers: int | None = None):
        self.exe = require_soffice()
        if method not in (None, "uno", "convert"):
            raise ValueError(f"method must be 'uno', 'convert' or None, got {method!r}")
        self.python = uno_python() if method != "convert" else None
        if method == "uno" and self.python is None:
            raise LibreOfficeUnavailable(f"no Python here can import uno (LibreOffice's bridge); {UNO_HINT}")
        self.method, self._auto = ("uno" if self.python else "convert"), method is None
        self.limits, self._timeout_given = limits, timeout
        self.timeout = timeout if timeout is not None else limits.seconds
        self.workers = max(1, workers or WORKERS)
        self._drivers: list[Driver] = []
        self.started = 0       # soffice processes started (for tests)

    # -- the pool ------------------------------------------------------------------------------------------
    def _pool(self, n_files: int) -> list[Driver]:
        """Running drivers, started as the number of files calls for; [] if UNO cannot start (then the method
        becomes "convert", unless it was asked for)."""
        self._drivers = [d for d in self._drivers if d.alive]
        want = min(self.workers, max(1, -(-n_files // FILES_PER_WORKER)))
        fresh = [Driver(self.python, self.exe) for _ in range(want - len(self._drivers))]
        self.started += len(fresh)
        self._drivers += fresh
        try:
            for d in fresh:
                d.wait_ready()
        except LibreOfficeUnavailable:
            self.close()
            if not self._auto:
                raise
            self.method = "convert"
        return self._drivers

    def _dispatch(self, job: _Job) -> None:
        """Send a job to the least busy live driver (starting a fresh one if all died); a driver found dead
        on sending is replaced once."""
        for attempt in range(2):
            live = [d for d in self._drivers if d.alive] or self._pool(1)
            if not live:
                raise LibreOfficeUnavailable(f"LibreOffice could not be started; {INSTALL_HINT}")
            job.driver = min(live, key=lambda d: d.outstanding)
            try:
                job.driver.send(job.request)
                return
            except RecalcError:
                if attempt:
                    raise

    def _run(self, jobs: list[_Job], progress: Progress | None, done) -> Iterator:
        """Send jobs to the pool keeping two in flight per soffice; yield ``done(job, reply_or_error)`` in order."""
        queue: list[_Job] = []
        depth = 2 * max(1, len(self._drivers))
        try:
            for job in jobs:
                if job.error is None:
                    try:
                        self._dispatch(job)
                    except RecalcError as exc:
                        job.error = exc
                queue.append(job)
                while queue and (queue[0].error is not None or sum(j.error is None for j in queue) >= depth):
                    yield self._complete(queue, progress, done)
            while queue:
                yield self._complete(queue, progress, done)
        finally:
            if any(j.error is None for j in queue):   # abandoned midway: replies would come out of turn
                for d in self._drivers:
                    d.kill()

    def _complete(self, queue: list[_Job], progress, done):
        job = queue.pop(0)
        try:
            if job.error is not None:
                return done(job, job.error)
            try:
                reply = job.driver.reply(self.timeout, job.path.name)
            except RecalcError as exc:
                self._resend([j for j in queue if j.driver is job.driver and j.error is None])
                return done(job, RecalcError(f"{job.path}: {exc}"))
            return done(job, reply)
        finally:
            if progress is not None:
                progress(1)

    def _resend(self, orphans: list[_Job]) -> None:
        """Jobs sent to a soffice that was killed go, in order, to a fresh one: its replies then still come in
        the order of the queue."""
        if not orphans:
            return
        try:
            fresh = Driver(self.python, self.exe)
            self.started += 1
            self._drivers.append(fresh)
            fresh.wait_ready()
            for j in orphans:
                j.driver = fresh
                fresh.send(j.request)
        except RecalcError as exc:
            for j in orphans:
                j.error = exc

    def close(self) -> None:
        """Ask each soffice to quit; kill any that has not within 15 s; remove the profiles."""
        drivers, self._drivers = self._drivers, []
        for d in drivers:
            d.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- recalculation -------------------------------------------------------------------------------------
    def values_each(self, paths: Iterable, progress: Progress | None = None,
                    facts_for: Callable[[Path], object] | None = None
                    ) -> Iterator[tuple[Path, dict[Key, object] | RecalcError]]:
        """(path, values) per workbook in order, or (path, error) for one refused or failed; ``progress(1)``
        after each. ``facts_for(path)`` reads and checks a workbook (default ``scan``; it raises to refuse)."""
        paths = [Path(p) for p in paths]
        facts_for = facts_for or (lambda p: scan(p, self.limits))
        if self.method == "uno" and self._pool(len(paths)):
            jobs = (self._job(p, {"in": str(p.resolve())}, facts_for) for p in paths)
            yield from self._run(jobs, progress, _values)
        else:
            yield from self._convert_each(paths, progress, facts_for)

    @staticmethod
    def _job(path: Path, request: dict, facts_for) -> _Job:
        try:
            facts = facts_for(path)
        except RecalcError as exc:
            return _Job(path, None, exc)
        if "out" not in request and isinstance(facts, WorkbookScan):
            request["areas"] = facts.extents()    # the driver reads these instead of asking for used areas
        return _Job(path, request)

    def values(self, path) -> dict[Key, object]:
        """One workbook's recalculated values, keyed by (sheet, ref); raises ``RecalcError``."""
        ((_, result),) = list(self.values_each([path]))
        if isinstance(result, Exception):
            raise result
        return result

    def convert(self, paths, out_dir, fmt: str = "xlsx", progress: Progress | None = None) -> list[Path]:
        """Recalculate each workbook and store it into ``out_dir`` as ``fmt`` ("xlsx", "pdf" or a LibreOffice
        filter name) under the same stem (stems must differ). Every file is tried; then the first failure
        is raised as ``RecalcError``."""
        paths = [Path(p) for p in paths]
        if len({p.stem for p in paths}) != len(paths):
            raise RecalcError("files to convert together must have distinct names")
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        ext = fmt if fmt in FILTERS else "xlsx"
        targets = [out_dir / f"{p.stem}.{ext}" for p in paths]
        if not (self.method == "uno" and self._pool(len(paths))):
            convert(paths, out_dir, self._timeout_given and self._timeout_given * CHUNK, fmt=fmt, limits=self.limits)
            if progress is not None:
                progress(len(paths))
            return targets
        filt = FILTERS.get(fmt, fmt)
        jobs = (self._job(p, {"in": str(p.resolve()), "out": str(t.resolve()), "filter": filt},
                          lambda q: scan(q, self.limits)) for p, t in zip(paths, targets))
        errors = [r for _, r in self._run(jobs, progress, _stored) if isinstance(r, Exception)]
        if errors:
            raise errors[0]
        return targets

    def _convert_each(self, paths, progress, facts_for):
        """Without UNO: chunks of files through soffice --convert-to, each under a unique linked name."""
        chunk_seconds = (lambda n: self._timeout_given * n) if self._timeout_given is not None else None
        for i in range(0, len(paths), CHUNK):
            chunk, results = paths[i:i + CHUNK], {}
            with tempfile.TemporaryDirectory(prefix="ictco2-recalc-") as tmp:
                src, out = Path(tmp, "in"), Path(tmp, "out")
                src.mkdir()
                linked = {}
                for k, p in enumerate(chunk):
                    try:
                        facts_for(p)
                    except RecalcError as exc:
                        results[k] = exc
                        continue
                    linked[k] = src / f"w{k:03d}.xlsx"
                    linked[k].symlink_to(p.resolve())
                failed = None
                if linked:
                    try:
                        convert(list(linked.values()), out, chunk_seconds and chunk_seconds(len(linked)),
                                limits=self.limits, scanned=True)
                    except RecalcError as exc:
                        failed = exc
                if failed is not None and len(linked) > 1:
                    # One workbook that overran (or crashed soffice) must not cost the chunk: the others are
                    # tried one by one, each with the limit per workbook.
                    per_file = self._timeout_given if self._timeout_given is not None else self.limits.seconds
                    for k, link in linked.items():
                        if not (out / link.name).exists():
                            try:
                                convert([link], out, per_file, limits=self.limits, scanned=True)
                            except RecalcError as exc:
                                results[k] = RecalcError(f"{chunk[k]}: {exc}")
                for k, link in linked.items():
                    converted = out / link.name
                    if k in results:
                        continue
                    if not converted.exists():
                        results[k] = RecalcError(f"{chunk[k]}: {failed or 'LibreOffice did not convert it'}")
                        continue
                    values = read_values(converted)
                    problem = error_text(chunk[k], values)
                    results[k] = RecalcError(problem) if problem else values
            for k, p in enumerate(chunk):
                if progress is not None:
                    progress(1)
                yield p, results[k]


def _values(job: _Job, reply) -> tuple[Path, dict | RecalcError]:
    if isinstance(reply, Exception):
        return job.path, reply
    if not reply.get("ok"):
        return job.path, RecalcError(f"{job.path}: LibreOffice could not recalculate it: {reply.get('error')}")
    values = values_from_uno(reply["sheets"])
    problem = error_text(job.path, values)
    return job.path, RecalcError(problem) if problem else values


def _stored(job: _Job, reply) -> tuple[Path, object]:
    if isinstance(reply, Exception):
        return job.path, reply
    if not reply.get("ok"):
        return job.path, RecalcError(f"{job.path}: LibreOffice could not convert it: {reply.get('error')}")
    return job.path, None


# -- module-level use, optionally sharing one session ---------------------------------------------------------
_SHARED: dict[str, object] = {"active": False, "session": None}


@contextlib.contextmanager
def keep_alive():
    """Inside, ``recalculate``, ``recalculate_each``, ``recalc.check`` and ``session()`` share one Session,
    started on first use and closed on exit."""
    before = dict(_SHARED)
    _SHARED.update(active=True, session=None)
    try:
        yield
    finally:
        shared = _SHARED["session"]
        _SHARED.update(before)
        if shared is not None:
            shared.close()


@contextlib.contextmanager
def session(timeout: float | None = None, limits: Limits = DEFAULT_LIMITS):
    """The shared session inside ``keep_alive()`` (for default settings), else a new one closed on exit."""
    if _SHARED["active"] and timeout is None and limits == DEFAULT_LIMITS:
        if _SHARED["session"] is None:
            _SHARED["session"] = Session()
        yield _SHARED["session"]
        return
    with Session(timeout, limits) as s:
        yield s


def recalculate_each(paths, timeout: float | None = None, progress: Progress | None = None,
                     limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[Path, dict | RecalcError]]:
    paths = [Path(p) for p in paths]
    if not paths:
        return
    with session(timeout, limits) as lo:
        yield from lo.values_each(paths, progress)


def recalculate(paths, timeout: float | None = None, progress: Progress | None = None,
                limits: Limits = DEFAULT_LIMITS) -> dict[Path, dict[Key, object]]:
    """Every cell of every file, keyed by (sheet, ref); the first file that fails raises ``RecalcError``."""
    out = {}
    for path, result in recalculate_each(paths, timeout, progress, limits):
        if isinstance(result, Exception):
            raise result
        out[path] = result
    return out


__all__ = ["CHUNK", "INSTALL_HINT", "LibreOfficeUnavailable", "Session", "WORKERS", "convert", "keep_alive",
           "read_values", "recalculate", "recalculate_each", "session", "soffice_path", "uno_python"]
