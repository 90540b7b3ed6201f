"""Batch generation: a table of scenarios in, one filled workbook per scenario out.

Each model's template is built once; every scenario only fills it (see ``workbook/filler.py``), with the
results of one vectorised model run per chunk of rows. The table is read and checked by ``tables/`` (the
reader ``evaluate`` shares). Bad rows are reported (row, column, value, rule) and skipped; every other row
is still written. Files are written atomically and never overwritten unless asked. Text from the table is
always written as text.

Every run keeps its own record: ``summary.csv`` (or ``summary-2.csv``, ... when earlier runs' summaries are
in the folder; never replaced) is written as rows finish, so even a killed run leaves what it did, and
``summary.xlsx`` (the same name) at the end. SIGINT/SIGTERM (see :func:`handle_signals`) stop the run
between rows: rows in progress finish, the rest are recorded as not run.

    from ictco2_xl.batch import generate
    report = generate("my_scenarios.csv", "logistics_potential", "out/")

May import: the core, ``tables``, ``files``, ``workbook`` (the filler and the summary table) and ``recalc``
(``--verify``).
"""
from __future__ import annotations

import io
import itertools
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .core.csvio import DEFAULT_ENCODING, restore, write_rows
from .core.errors import ICTCO2Error
from .core.models import all_models, get_model, model_source
from .core.nonfinite import explain, failures
from .files import (OutputError, UniqueNames, create_exclusive, prepare_folder, reason, remove_stale_parts,
                    safe_name, write_atomic)
from .tables import CHUNK_ROWS, RESERVED, Group, TableError, check_group, plan, read_table

SUMMARY_FIELDS = ["row", "scenario", "model", "factor_set", "status", "message", "file", "result_name", "result",
                  "unit"]
OWN_NAMES = re.compile(r"summary(-[0-9]+)?")   # file stems the batch writes itself: never a scenario's
CALC_SHEET = "Calculation"


class BatchError(ICTCO2Error):
    """The batch as a whole cannot run."""


@dataclass
class BatchReport:
    out_dir: Path
    rows: int = 0
    written: int = 0
    failed: int = 0
    not_run: int = 0
    verified: int | None = None
    summary_csv: Path | None = None
    summary_xlsx: Path | None = None
    summary_error: str = ""             # why the summary could not be (completely) written
    interrupted: str = ""               # the signal that stopped the run ('SIGTERM'), if one did
    errors: list[str] = field(default_factory=list)
    written_rows: list[list[int]] = field(default_factory=list)   # [first, last] ranges of rows written

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.interrupted and not self.summary_error

    def line(self) -> str:
        v = "" if self.verified is None else f", {self.verified} verified"
        stopped = f"stopped by {self.interrupted} ({self.not_run} row(s) not run); " if self.interrupted else ""
        head = (f"{stopped}{self.written} of {self.rows} workbook(s) written to {self.out_dir}{v}, "
                f"{self.failed} row(s) failed")
        if self.summary_error:
            return f"{head}; {self.summary_error}; workbooks were written for rows {self.ranges() or 'none'}"
        return f"{head}; summary: {self.summary_xlsx or self.summary_csv}"

    def ranges(self) -> str:
        return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in self.written_rows)

    def _wrote(self, row: int) -> None:
        if self.written_rows and self.written_rows[-1][1] == row - 1:
            self.written_rows[-1][1] = row
        else:
            self.written_rows.append([row, row])


# -- stopping ---------------------------------------------------------------------------------------------
class Stop:
    """A request to stop a running batch between rows (set by :func:`handle_signals`)."""

    def __init__(self):
        self.signum: int | None = None

    def request(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""


def handle_signals(stop: Stop):
    """SIGINT and SIGTERM ask ``stop`` to stop the batch (no traceback, the summary is finished); returns a
    function that restores the previous handlers."""
    previous = {s: signal.signal(s, lambda signum, frame: stop.request(signum)) for s in (signal.SIGINT, signal.SIGTERM)}
    return lambda: [signal.signal(s, h) for s, h in previous.items()]


def _worker_init(parent: int) -> None:
    """In each worker process: leave signals to the parent, and die with it (never run on alone, never hang)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform.startswith("linux") and os.getppid() == parent:
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG: killed with the parent
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:   # the parent died before the guard was set
            os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="ictco2-parent-watch").start()


def _watch_parent(parent: int) -> None:
    """Exit when the parent process is gone (where PR_SET_PDEATHSIG is not available or not ours)."""
    try:
        import select
        fd = os.pidfd_open(parent)
        select.select([fd], [], [])   # readable once the parent has exited
        os._exit(1)
    except (AttributeError, OSError):
        pass
    while True:
        time.sleep(0.5)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass


# -- the run's record ---------------------------------------------------------------------------------------
class _Summary:
    """summary[-N].csv, reserved exclusively at the start (two runs never share one), written as rows
    finish; summary[-N].xlsx with the same name at the end."""

    def __init__(self, out: Path, encoding: str):
        self.encoding, self.error = encoding, ""
        for k in itertools.count(1):
            stem = "summary" if k == 1 else f"summary-{k}"
            self.csv, self.xlsx = out / f"{stem}.csv", out / f"{stem}.xlsx"
            if self.xlsx.exists():
                continue
            try:
                raw = create_exclusive(self.csv)
            except FileExistsError:
                continue
            except OSError as exc:
                raise OutputError(f"cannot write into output folder {out}: {reason(exc)}") from None
            break
        self.fh = io.TextIOWrapper(raw, encoding=encoding, newline="")
        self.add([], header=True)

    def add(self, records: list[dict], header: bool = False) -> None:
        if self.error:
            return
        try:
            write_rows(self.fh, SUMMARY_FIELDS if header else None, ([r.get(f, "") for f in SUMMARY_FIELDS]
                                                                      for r in records))
            self.fh.flush()
        except OSError as exc:
            self.error = f"the summary could not be written to {self.csv} ({reason(exc)})"

    def close(self) -> None:
        try:
            self.fh.close()
        except OSError as exc:
            self.error = self.error or f"the summary could not be written to {self.csv} ({reason(exc)})"

    def rows(self):
        import csv
        with open(self.csv, encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for row in reader:
                yield [restore(v) for v in row]

    def rewrite(self, updates: dict[int, dict]) -> None:
        """Replace the statuses of verified rows (the file is this run's own)."""
        tmp = self.csv.with_name(f".{self.csv.name}.{os.getpid()}.part")
        try:
            with open(tmp, "w", encoding=self.encoding, newline="") as fh:
                def records():
                    for row in self.rows():
                        rec = dict(zip(SUMMARY_FIELDS, row))
                        u = updates.get(int(rec["row"])) if rec["row"] else None
                        if u is not None and rec["status"] == "ok":
                            rec["status"], rec["message"] = u["status"], u.get("message", "")
                        yield [rec[f] for f in SUMMARY_FIELDS]
                write_rows(fh, SUMMARY_FIELDS, records())
            os.replace(tmp, self.csv)
        except OSError as exc:
            self.error = f"the verified statuses could not be written to {self.csv} ({reason(exc)})"
        finally:
            tmp.unlink(missing_ok=True)

    def write_xlsx(self) -> Path | None:
        """summary.xlsx from summary.csv: text stays text, numbers stay numbers; never replaces a file."""
        if self.error:
            return None
        from .workbook import stream
        from .workbook.formats import Formatted, display_unit, result_format
        row_col, result_col, unit_col = (SUMMARY_FIELDS.index(c) for c in ("row", "result", "unit"))

        def formatted(row):
            # Each result formatted by its unit (shares as percentages), the unit as the templates print it.
            out = list(row)
            if row[row_col] != "":
                out[row_col] = int(row[row_col])
            if row[result_col] != "":
                value = float(row[result_col])
                out[result_col] = Formatted(value, result_format(str(row[unit_col]), value))
            out[unit_col] = display_unit(str(row[unit_col])) if row[unit_col] != "" else ""
            return out
        rows = (formatted(row) for row in self.rows())
        tmp = self.xlsx.with_name(f".{self.xlsx.name}.{os.getpid()}.part.xlsx")
        try:
            stream.write_table_xlsx(tmp, "Summary", SUMMARY_FIELDS, rows, _SUMMARY_MAX_WIDTHS,
                                   max_rows=stream.EXCEL_MAX_ROWS)
            os.link(tmp, self.xlsx)
            return self.xlsx
        except OSError as exc:
            self.error = f"{self.xlsx.name} could not be written ({reason(exc)}); {self.csv.name} holds the record"
            return None
        finally:
            tmp.unlink(missing_ok=True)


_SUMMARY_MAX_WIDTHS = [8, 36, 22, 12, 9, 48, 36, 20, 16, 14]   # wider text wraps


# -- one group of rows for one model ----------------------------------------------------------------------
_FILLERS: dict = {}


def _filler(model_id: str, factor_set: str, template: bytes | None = None):
    from .workbook.filler import TemplateFiller
    model = all_models()[model_id]
    key = (model_id, id(model), factor_set)  # a reloaded model file is a new model
    if key not in _FILLERS:
        _FILLERS[key] = TemplateFiller(model, factor_set, template=template)
    return _FILLERS[key]


def _ensure_model(model_id: str, source: tuple[str, str] | None) -> None:
    """In a worker process (spawned on Windows and macOS), load the user model the parent had loaded."""
    if source is not None and model_id not in all_models():
        from .core.modelfile import load_model_text
        load_model_text(*source)


@dataclass
class _Job:
    group: Group                   # rows of one model and factor set (index = row number)
    names: list[str]               # file names (unique, safe) in frame order
    out_dir: str
    overwrite: bool
    template: bytes | None = None  # built once by the parent, so worker processes only fill it
    model_source: tuple[str, str] | None = None  # a user model's file text and origin


def _run_job(job: _Job, stop: Stop | None = None) -> list[dict]:
    """Validate, compute and write one group of rows; returns their summary records. ``stop`` (serial
    runs only) is checked before each workbook: rows after a stop are recorded as not run."""
    group = job.group
    _ensure_model(group.model_id, job.model_source)
    model = all_models()[group.model_id]
    out = Path(job.out_dir)
    numeric, records, good = check_group(group)
    if not good:
        return records
    rows, scenarios = group.frame.index.tolist(), group.frame["scenario"].tolist()
    filler = _filler(group.model_id, group.factor_set, job.template)
    cols = {c: numeric[c].to_numpy(dtype=float)[good] for c in numeric.columns}
    filled = filler.rows(cols, len(good), [scenarios[pos] for pos in good])
    primary = model.step(model.primary)
    results = filled.values[(CALC_SHEET, filler.layout.steps[model.primary].ref)].tolist()
    base = {"model": group.model_id, "factor_set": group.factor_set}
    for k, pos in enumerate(good):
        row = rows[pos]
        if stop is not None and stop.signum:
            records.append(_not_run(row, scenarios[pos], base, stop))
            continue
        path = out / f"{job.names[pos]}.xlsx"
        rec = {**base, "row": row, "scenario": scenarios[pos], "result_name": primary.name, "result": results[k],
               "unit": primary.unit, "file": path.name, "status": "ok", "message": ""}
        try:
            errors = None
            if k in filled.bad:   # cells with no finite value: a spreadsheet shows #DIV/0! or #NUM! there
                inputs = {c: float(v[k]) for c, v in cols.items()}
                found = failures(model, inputs, group.factor_set)
                if not np.isfinite(results[k]) or model.primary in found:
                    raise ValueError(explain(model, inputs, group.factor_set) or filled.bad[k])
                errors = filler.layout.error_codes(inputs, filled.bad_cells[k], found)
                rec["message"] = _error_cell_note(model, inputs, group.factor_set, errors)
            write_atomic(path, filled.workbook(k, errors), job.overwrite)
        except (OSError, ValueError) as exc:  # also: exists (no overwrite asked), disk full, permissions
            why = reason(exc) if isinstance(exc, OSError) and not isinstance(exc, FileExistsError) else exc
            rec.update(status="error", message=f"row {row}: {why}", file="", result="")
        records.append(rec)
    return records


def _error_cell_note(model, inputs: dict, factor_set: str, errors: dict) -> str:
    """Why a written workbook shows error values, in terms of the inputs."""
    found = failures(model, inputs, factor_set)
    roots = [s for s, f in found.items() if f.root == s]
    if roots:
        return "; ".join(explain(model, inputs, factor_set, s) for s in roots)
    codes = sorted(set(errors.values()))
    cells = ", ".join(f"{s}!{r}" for s, r in list(errors)[:3])
    big = [f"{k} = {v:g}" for k, v in inputs.items() if v == v and abs(v) >= 1e100]
    why = f"inputs too large: {', '.join(big)}" if big else "no finite value at the other years or input ends shown there"
    return (f"{len(errors)} cell(s) show {'/'.join(codes)} ({cells}), beyond what a cell holds in the report's units "
            f"or scenarios; {why}")


def _not_run(row, scenario, base: dict, stop: Stop) -> dict:
    return {**base, "row": row, "scenario": scenario, "status": "not run", "file": "",
            "message": f"row {row}: not run: the batch was stopped ({stop.name})"}


# -- the batch ---------------------------------------------------------------------------------------------
def _group_jobs(chunk: pd.DataFrame, default_model: str | None, default_fs: str, names: UniqueNames, out_dir: Path,
                overwrite: bool, records: list[dict]) -> list[_Job]:
    """Plan a chunk (tables.plan) and give each runnable row a unique, safe file name."""
    refused, groups = plan(chunk, default_model, default_fs)
    records.extend(refused)
    jobs = []
    for group in groups:
        frame = group.frame
        file_names = [names.unique(safe_name(s, f"row{r}", OWN_NAMES)) for s, r in zip(frame["scenario"], frame.index)]
        for n in file_names:   # safe_name already guarantees this; a file outside --out must never happen
            if any(sep in n for sep in (os.sep, os.altsep) if sep) or n in ("", ".", ".."):
                raise BatchError(f"file name {n!r} would leave the output folder")
        jobs.append(_Job(group, file_names, str(out_dir), overwrite, _filler(group.model_id, group.factor_set).template,
                         model_source(group.model_id)))
    return jobs


def _no_progress(stage: str, advance: int, total: int | None = None) -> None:
    pass


#: With ``jobs=None`` (the default) worker processes write the workbooks only when the table has more rows
#: than this and at least MIN_AUTO_CPUS CPUs are available. Measured with tests/benchmarks/bench_batch.py
#: (--jobs-rows) on a shared 2-core machine: two workers never reliably paid (median 0.6-1.4x the speed of
#: one process at 500 to 8,000 rows, rounds from 0.5x to 1.7x): the work is half disk (a file costs 1.2 ms
#: to create there, the rest of a workbook 0.8 ms) and both cores were busy. Starting the workers and
#: compiling the template in each costs about as much as 500-1,000 rows, hence the row threshold.
PARALLEL_MIN_ROWS = 2000
MIN_AUTO_CPUS = 3
MAX_AUTO_WORKERS = 4


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _JobPlan:
    """How many processes write the workbooks: ``jobs`` as given, or decided from the table's size after
    reading ahead at most PARALLEL_MIN_ROWS rows (so a stream of any length is never read whole)."""

    def __init__(self, jobs: int | None):
        self.requested, self.jobs, self._pool = jobs, max(1, jobs or 1), None

    def chunks(self, chunks):
        if self.requested is not None:
            yield from chunks
            return
        ahead, rows = [], 0
        for chunk in chunks:
            ahead.append(chunk)
            rows += len(chunk)
            if rows > PARALLEL_MIN_ROWS:
                break
        cpus = _available_cpus()
        self.jobs = min(cpus, MAX_AUTO_WORKERS) if rows > PARALLEL_MIN_ROWS and cpus >= MIN_AUTO_CPUS else 1
        yield from ahead
        yield from chunks

    @property
    def pool(self) -> ProcessPoolExecutor | None:
        if self.jobs > 1 and self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init,
                                             initargs=(os.getpid(),))
        return self._pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def _require_adapters(verify: str | None) -> None:
    """Import what the run will need (openpyxl for the workbooks, formulas for ``verify="python"``) now, so
    that a missing package is reported before anything is written, not after a half-done run."""
    from .workbook import filler  # noqa: F401  (openpyxl)
    if verify == "python":
        from .recalc import formulas_engine  # noqa: F401  (formulas)


def generate(scenarios, model: str | None, out_dir, *, factor_set: str = "report", overwrite: bool = False,
             jobs: int | None = None, verify: str | None = None, progress=None,
             chunk_rows: int = CHUNK_ROWS, encoding: str = DEFAULT_ENCODING, stop: Stop | None = None) -> BatchReport:
    """Fill one workbook per scenario row; record the run in summary.csv and summary.xlsx in ``out_dir``
    (summary-2.csv/.xlsx, ... if earlier runs' summaries are there: an earlier record is never replaced).

    ``scenarios``: a DataFrame or a .csv/.txt/.xlsx path with a ``scenario`` column and one column per input
    (an optional ``model`` column selects the model per row; ``factor_set`` the factor set).
    ``jobs``: worker processes; None (default) uses them only for tables of more than PARALLEL_MIN_ROWS rows
    on machines with at least MIN_AUTO_CPUS CPUs.
    ``verify``: 'python' or 'libreoffice' recalculates every written workbook and checks it.
    ``progress``: an optional callback ``(stage, advance, total)``, called as rows are done ("rows", total
    unknown while the table streams) and as workbooks are verified ("verified"); the command line draws bars.
    ``encoding``: of summary.csv (default UTF-8 with a byte-order mark, which Excel opens correctly).
    ``stop``: a :class:`Stop` that SIGINT/SIGTERM set (see :func:`handle_signals`); the run then ends
    between rows with a complete summary and ``report.interrupted`` set.
    """
    if model is not None:
        model = get_model(model).id
    chunks = read_table(scenarios, chunk_rows)   # the whole table is checked before anything is written
    _require_adapters(verify)   # a missing optional package: one line before any folder or summary exists
    out = prepare_folder(out_dir)
    remove_stale_parts(out)
    summary = _Summary(out, encoding)
    report = BatchReport(out, summary_csv=summary.csv)
    stop = stop or Stop()
    names = UniqueNames()
    bar = progress or _no_progress
    plan_ = _JobPlan(jobs)
    written_files: list[tuple[dict, Path]] = []
    pending: list = []
    last_read, exhausted = 1, False
    state = {"summary": summary, "report": report, "bar": bar, "written": written_files, "out": out,
             "verify": verify, "stop": stop}
    try:
        try:
            for chunk in plan_.chunks(chunks):
                if stop.signum:
                    break
                records: list[dict] = []
                jobs_ = _group_jobs(chunk, model, factor_set, names, out, overwrite, records)
                last_read = int(chunk.index[-1])
                pool = plan_.pool
                if pool is not None:
                    pending.append((records, [pool.submit(_run_job, j) for j in jobs_], jobs_))
                    while pending and (len(pending) > 2 * plan_.jobs or all(f.done() for f in pending[0][1])):
                        _drain(pending.pop(0), state)   # finished chunks are recorded at once (a kill loses little)
                else:
                    for j in jobs_:
                        records.extend(_run_job(j, stop))
                    _drain((records, [], []), state)
            else:
                exhausted = True
            while pending:
                _drain(pending.pop(0), state)
        except KeyboardInterrupt:   # a Python caller's Ctrl-C: finish the record, then let it propagate
            stop.request(signal.SIGINT)
            while pending:
                _drain(pending.pop(0), state)
            _finish(summary, report, stop, last_read, exhausted, verify, written_files, bar)
            raise
        _finish(summary, report, stop, last_read, exhausted, verify, written_files, bar)
        return report
    finally:
        plan_.shutdown()
        summary.close()


def _finish(summary: _Summary, report: BatchReport, stop: Stop, last_read: int, exhausted: bool, verify,
            written_files, bar) -> None:
    if stop.signum and (report.not_run or not exhausted):   # a stop after the last row changes nothing
        report.interrupted = stop.name
        unread = "every row of the table was read" if exhausted else "later rows of the table were not read"
        summary.add([{"row": "", "status": "interrupted", "message": f"stopped by {stop.name}: "
                      f"{report.not_run} row(s) read but not run; {unread} (last row read: {last_read})"}])
    elif verify:
        report.verified = _verify(written_files, verify, report, bar)
        summary.rewrite({rec["row"]: rec for rec, _ in written_files})
    summary.close()
    report.summary_xlsx = summary.write_xlsx()
    report.summary_error = summary.error


def _result(future, stop: Stop, job: _Job) -> list[dict]:
    """A job's records; not-run records if the stop came before it started; errors if its worker died."""
    while True:
        done, _ = wait([future], timeout=0.2)
        if done:
            break
        if stop.signum and future.cancel():
            break
    if future.cancelled():
        base = {"model": job.group.model_id, "factor_set": job.group.factor_set}
        return [_not_run(r, s, base, stop) for r, s in zip(job.group.frame.index, job.group.frame["scenario"])]
    try:
        return future.result()
    except BrokenProcessPool:
        return [{"row": r, "scenario": s, "model": job.group.model_id, "factor_set": job.group.factor_set,
                 "status": "error", "file": "", "message": f"row {r}: not run: a worker process died"}
                for r, s in zip(job.group.frame.index, job.group.frame["scenario"])]


def _drain(item, state: dict) -> None:
    records, futures, jobs = item
    report: BatchReport = state["report"]
    for f, job in zip(futures, jobs):
        records.extend(_result(f, state["stop"], job))
    records.sort(key=lambda r: r["row"])
    state["summary"].add(records)
    for rec in records:                 # one record per written row, one per error (a row may have several)
        if rec["status"] == "error":
            report.errors.append(rec["message"])
            print(f"error: {rec['message']}", file=sys.stderr)
        elif rec["status"] == "not run":
            report.not_run += 1
        else:
            report.written += 1
            report._wrote(rec["row"])
            if state["verify"]:
                state["written"].append((dict(rec), state["out"] / rec["file"]))
    rows = {r["row"] for r in records}
    report.failed += len({r["row"] for r in records if r["status"] == "error"})
    report.rows += len(rows)
    state["bar"]("rows", len(rows), None)


def _verify(written_files, engine: str, report: BatchReport, bar=_no_progress) -> int:
    """Recalculate every written workbook with one engine instance (the python engine loads each distinct
    template once; LibreOffice runs one soffice for all) and mark each row verified or failed."""
    from .recalc import check_each
    ok = 0
    with_errors = [(rec, p) for rec, p in written_files if rec.get("message")]
    for rec, _ in with_errors:   # the engines refuse error values, even expected ones: say so, do not fail
        rec["message"] = f"{rec['message']} (not verified: the recalculation engines refuse error values)"
    todo = [(rec, p) for rec, p in written_files if not rec.get("message")]
    reports = check_each([p for _, p in todo], engine, progress=lambda n: bar("verified", n, len(todo)))
    for (rec, _path), rep in zip(todo, reports):
        if rep.ok:
            rec["status"], ok = "verified", ok + 1
            continue
        rec["status"] = "error"
        why = rep.error if rep.error else f"{engine} recalculation differs: {rep.differences[0]}"
        rec["message"] = f"row {rec['row']}: {why}"
        report.failed += 1
        report.written -= 1
        report.errors.append(rec["message"])
        print(f"error: {rec['message']}", file=sys.stderr)
    return ok


def example_tables() -> list[Path]:
    """The bundled scenario tables (package data in ``ictco2_xl/examples``, so they ship in the wheel)."""
    root = Path(str(resources.files("ictco2_xl").joinpath("examples")))
    tables = sorted(root.glob("*_scenarios.csv")) + sorted(root.glob("*_cases.csv"))
    if not tables:
        raise BatchError(f"no example scenario tables found in {root}")
    return tables


__all__ = ["generate", "BatchReport", "BatchError", "TableError", "OutputError", "Stop", "handle_signals",
           "safe_name", "example_tables", "RESERVED"]
