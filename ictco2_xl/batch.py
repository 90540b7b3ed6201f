"""Batch generation: a table of scenarios in, one filled workbook per scenario out.

Each model's template is built once; every scenario only fills it (see ``workbook/filler.py``), with the
results of one vectorised model run per chunk of rows. Bad rows are reported (row, column, value, rule)
and skipped; every other row is still written. Files are written atomically and never overwritten
unless asked. Text from the table is always written as text.

    from ictco2_xl.batch import generate
    report = generate("my_scenarios.csv", "logistics_potential", "out/")

May import: the core, ``workbook`` (the filler and the summary table) and ``recalc`` (``--verify``).
"""
from __future__ import annotations

import csv
import os
import re
import signal
import sys
import unicodedata
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from .core.errors import ICTCO2Error, did_you_mean
from .core.evaluation import validate_frame
from .core.factors import get_factor_set
from .core.models import all_models, get_model, model_source

RESERVED = {"scenario", "model", "factor_set"}
CHUNK_ROWS = 500
MAX_XLSX_BYTES = 100 * 2**20      # declared uncompressed size of a scenario workbook
MAX_XLSX_RATIO = 200              # declared uncompressed / compressed, per member
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
SUMMARY_FIELDS = ["row", "scenario", "model", "factor_set", "status", "message", "file", "result_name", "result",
                  "unit"]


class BatchError(ICTCO2Error):
    """The batch as a whole cannot run (unreadable table, output folder problem)."""


@dataclass
class BatchReport:
    out_dir: Path
    rows: int = 0
    written: int = 0
    failed: int = 0
    verified: int | None = None
    summary_csv: Path | None = None
    summary_xlsx: Path | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def line(self) -> str:
        v = "" if self.verified is None else f", {self.verified} verified"
        return (f"{self.written} of {self.rows} workbook(s) written to {self.out_dir}{v}, {self.failed} row(s) failed; "
                f"summary: {self.summary_xlsx}")


# -- reading the scenario table ---------------------------------------------------------------------
def check_xlsx_package(path: Path) -> None:
    """Refuse zip bombs before any XML is parsed: declared sizes and compression ratios."""
    try:
        with zipfile.ZipFile(path) as z:
            total = 0
            for info in z.infolist():
                total += info.file_size
                if info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1) and info.file_size > 2**20:
                    raise BatchError(f"{path.name}: member {info.filename} expands {info.file_size} bytes from "
                                     f"{info.compress_size} (ratio above {MAX_XLSX_RATIO}); refusing to read it")
                if total > MAX_XLSX_BYTES:
                    raise BatchError(f"{path.name}: declared uncompressed size above {MAX_XLSX_BYTES // 2**20} MiB; "
                                     "refusing to read it")
    except zipfile.BadZipFile:
        raise BatchError(f"{path.name}: not a valid .xlsx file") from None


def _xlsx_chunks(path: Path, chunk: int):
    check_xlsx_package(path)
    import defusedxml  # noqa: F401  (openpyxl parses with defusedxml when it is installed: no entity attacks)
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # defusedxml, zip and XML errors all mean: do not trust this file
        raise BatchError(f"{path.name}: cannot read the workbook safely: {type(exc).__name__}: {exc}") from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else f"column {i + 1}" for i, h in enumerate(header)]
        buf = []
        for r in _safe_rows(rows, path):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
                buf.append(None)   # keep row numbering; blank rows are skipped later
            else:
                buf.append(["" if v is None else v for v in r])
            if len(buf) == chunk:
                yield _frame(names, buf)
                buf = []
        if buf:
            yield _frame(names, buf)
    finally:
        wb.close()


def _safe_rows(rows, path):
    try:
        yield from rows
    except Exception as exc:
        raise BatchError(f"{path.name}: cannot read the workbook safely: {type(exc).__name__}: {exc}") from None


def _frame(names, rows):
    data = [r if r is not None else [""] * len(names) for r in rows]
    frame = pd.DataFrame([list(r) + [""] * (len(names) - len(r)) for r in data], columns=names, dtype=object)
    frame["__blank__"] = [r is None for r in rows]
    return frame


def read_chunks(source, chunk: int = CHUNK_ROWS):
    """The scenario table in chunks of rows (all cells as text or numbers), from a path or a DataFrame.

    Each chunk's index is the row's number in the file (the header is row 1)."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.index = range(2, 2 + len(frame))
        frame["__blank__"] = False
        for start in range(0, len(frame), chunk):
            yield frame.iloc[start:start + chunk]
        return
    path = Path(source)
    if not path.is_file():
        raise BatchError(f"scenario table not found: {path}")
    start = 2
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        chunks = _xlsx_chunks(path, chunk)
    elif path.suffix.lower() == ".csv":
        try:
            chunks = (c.assign(__blank__=c.apply(lambda col: col.str.strip().eq("")).all(axis=1))
                      for c in pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                           chunksize=chunk, skip_blank_lines=False))
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise BatchError(f"{path.name}: cannot read the CSV: {exc}") from None
    else:
        raise BatchError(f"scenario table must be .csv or .xlsx, got {path.name!r}")
    for c in chunks:
        c = c.copy()
        c.index = range(start, start + len(c))
        start += len(c)
        yield c


# -- names and files ----------------------------------------------------------------------------------
def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip())


def clean_cell_text(value) -> str:
    from .workbook.package import clean_text
    return "" if is_blank(value) else clean_text(value).strip()


def safe_name(name: str, fallback: str) -> str:
    """A file name from a scenario name: no separators, control characters, leading dots or reserved names."""
    name = unicodedata.normalize("NFKC", clean_cell_text(name))
    name = re.sub(r"[^\w.\- ()]+", "_", name, flags=re.UNICODE).strip(" ._")
    name = re.sub(r"_+", "_", name)[:80].rstrip(" ._")
    if not name or name.lower().split(".")[0] in _WINDOWS_RESERVED:
        name = f"{fallback}_{name}" if name else fallback
    return name


class _Names:
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
    """Write so that an interrupted run leaves no partial workbook, and never replace a file unless asked.

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
        except OSError:  # no hard links on this file system: fall back to check-then-rename
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
    except OSError:
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


# -- one chunk of rows for one model ---------------------------------------------------------------------
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
    model_id: str
    factor_set: str
    frame: pd.DataFrame            # rows of one model (index = row number), input columns only + scenario
    names: list[str]               # file names (unique, safe) in frame order
    out_dir: str
    overwrite: bool
    template: bytes | None = None  # built once by the parent, so worker processes only fill it
    model_source: tuple[str, str] | None = None  # a user model's file text and origin


def _run_job(job: _Job) -> list[dict]:
    """Validate, compute and write one group of rows; returns their summary records."""
    _ensure_model(job.model_id, job.model_source)
    model = all_models()[job.model_id]
    out = Path(job.out_dir)
    rows, scenarios = job.frame.index.tolist(), job.frame["scenario"].tolist()
    numeric, errors = validate_frame(model, job.frame.drop(columns=["scenario"]), blank_as_default=True)
    base = {"model": job.model_id, "factor_set": job.factor_set}
    records = [{**base, "row": rows[pos], "scenario": scenarios[pos], "status": "error", "file": "",
                "message": f"row {rows[pos]}, column {e.name}: {e.rule}, got {e.value!r}"}
               for pos, errs in errors.items() for e in errs]
    good = [pos for pos in range(len(rows)) if pos not in errors]
    if not good:
        return records
    filler = _filler(job.model_id, job.factor_set, job.template)
    cols = {c: numeric[c].to_numpy(dtype=float)[good] for c in numeric.columns}
    filled = filler.rows(cols, len(good), [scenarios[pos] for pos in good])
    primary = model.step(model.primary)
    results = filled.values[(CALC_SHEET, filler.layout.steps[model.primary].ref)].tolist()
    for k, pos in enumerate(good):
        row = rows[pos]
        path = out / f"{job.names[pos]}.xlsx"
        rec = {**base, "row": row, "scenario": scenarios[pos], "result_name": primary.name, "result": results[k],
               "unit": primary.unit, "file": path.name, "status": "ok", "message": ""}
        try:
            if k in filled.bad:   # a value that no cell can cache (not finite)
                raise ValueError(filled.bad[k])
            write_atomic(path, filled.workbook(k), job.overwrite)
        except (OSError, ValueError) as exc:  # also: exists (no overwrite asked), disk full, permissions
            rec.update(status="error", message=f"row {row}: {exc}", file="", result="")
        records.append(rec)
    return records


CALC_SHEET = "Calculation"


# -- the batch ---------------------------------------------------------------------------------------
def _group_jobs(chunk: pd.DataFrame, default_model: str | None, default_fs: str, names: _Names, out_dir: Path,
                overwrite: bool, records: list[dict]) -> list[_Job]:
    """Split a chunk by (model, factor set); rows with unknown models or columns become error records."""
    chunk = chunk[~chunk["__blank__"].astype(bool)].drop(columns="__blank__")
    rows = chunk.index.tolist()
    given = chunk["scenario"].tolist() if "scenario" in chunk.columns else [""] * len(rows)
    scenarios = [clean_cell_text(s) or f"scenario {r}" for s, r in zip(given, rows)]
    chunk = chunk.assign(scenario=scenarios)

    def texts(column: str, default: str) -> list[str]:
        if column not in chunk.columns:
            return [default] * len(rows)
        return [clean_cell_text(v) or default for v in chunk[column].tolist()]

    model_texts, fs_texts = texts("model", default_model or ""), texts("factor_set", default_fs)
    models = {t: _find_model(t) for t in set(model_texts)}
    fs_errors = {t: _factor_set_error(t) for t in set(fs_texts)}
    extra = [c for c in chunk.columns if c not in RESERVED]
    filled = {c: [not is_blank(v) for v in chunk[c].tolist()] for c in extra}
    unknown_by_model = {m.id: [c for c in extra if c not in {i.name for i in m.inputs}]
                        for m in models.values() if m is not None}
    groups: dict[tuple[str, str], list[int]] = {}
    for pos, (row, model_text, fs_text) in enumerate(zip(rows, model_texts, fs_texts)):
        model = models[model_text]
        base = {"row": row, "scenario": scenarios[pos], "model": model_text, "factor_set": fs_text, "file": ""}
        if model is None:
            rule = ("is required (a 'model' column or --model)" if not model_text else
                    f"must be one of the models{did_you_mean(model_text, all_models())} ({', '.join(all_models())})")
            records.append({**base, "status": "error", "message": f"row {row}, column model: {rule}, got {model_text!r}"})
            continue
        if fs_errors[fs_text]:
            records.append({**base, "status": "error", "message": f"row {row}, column factor_set: {fs_errors[fs_text]}"})
            continue
        unknown = [c for c in unknown_by_model[model.id] if filled[c][pos]]
        if unknown:
            c = unknown[0]
            inputs = ", ".join(sorted(i.name for i in model.inputs))
            records.append({**base, "model": model.id, "status": "error",
                            "message": f"row {row}, column {c}: is not an input of {model.id}"
                                       f"{did_you_mean(c, inputs.split(', '))} (inputs: {inputs}), "
                                       f"got {chunk[c].iloc[pos]!r}"})
            continue
        groups.setdefault((model.id, fs_text), []).append(pos)
    jobs = []
    for (mid, fs), positions in groups.items():
        model = all_models()[mid]
        cols = ["scenario"] + [i.name for i in model.inputs if i.name in chunk.columns]
        frame = chunk.iloc[positions][cols]
        file_names = [names.unique(safe_name(s, f"row{r}")) for s, r in zip(frame["scenario"], frame.index)]
        for n in file_names:   # safe_name already guarantees this; a file outside --out must never happen
            if any(sep in n for sep in (os.sep, os.altsep) if sep) or n in ("", ".", ".."):
                raise BatchError(f"file name {n!r} would leave the output folder")
        jobs.append(_Job(mid, fs, frame, file_names, str(out_dir), overwrite, _filler(mid, fs).template,
                         model_source(mid)))
    return jobs


def _find_model(text: str):
    try:
        return get_model(text) if text else None
    except KeyError:
        return None


def _factor_set_error(text: str) -> str:
    try:
        get_factor_set(text)
    except ICTCO2Error as exc:
        return str(exc)
    return ""


def _no_progress(stage: str, advance: int, total: int | None = None) -> None:
    pass


def generate(scenarios, model: str | None, out_dir, *, factor_set: str = "report", overwrite: bool = False,
             jobs: int = 1, verify: str | None = None, progress=None,
             chunk_rows: int = CHUNK_ROWS) -> BatchReport:
    """Fill one workbook per scenario row; write summary.csv and summary.xlsx into ``out_dir``.

    ``scenarios``: a DataFrame or a .csv/.xlsx path with a ``scenario`` column and one column per input
    (an optional ``model`` column selects the model per row; ``factor_set`` the factor set).
    ``verify``: 'python' or 'libreoffice' recalculates every written workbook and checks it.
    ``progress``: an optional callback ``(stage, advance, total)``, called as rows are done ("rows", total
    unknown while the table streams) and as workbooks are verified ("verified"); the command line draws bars.
    """
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(out)
    report = BatchReport(out)
    if model is not None:
        model = get_model(model).id
    names = _Names()
    summary_part = out / f".summary.csv.{os.getpid()}.part"
    bar = progress or _no_progress
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    written_files: list[tuple[dict, Path]] = []
    try:
        with open(summary_part, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=SUMMARY_FIELDS, extrasaction="ignore")
            writer.writeheader()
            pending = []
            for chunk in read_chunks(scenarios, chunk_rows):
                records: list[dict] = []
                jobs_ = _group_jobs(chunk, model, factor_set, names, out, overwrite, records)
                if pool is not None:
                    pending.append((records, [pool.submit(_run_job, j) for j in jobs_]))
                    if len(pending) > 2 * jobs:
                        _drain(pending.pop(0), writer, report, bar, written_files, out, verify)
                else:
                    _drain((records, [_Done(_run_job(j)) for j in jobs_]), writer, report, bar, written_files, out,
                           verify)
            for item in pending:
                _drain(item, writer, report, bar, written_files, out, verify)
        if verify:
            report.verified = _verify(written_files, verify, report, bar)
            _rewrite_statuses(summary_part, written_files)
        report.summary_csv = out / "summary.csv"
        os.replace(summary_part, report.summary_csv)
        report.summary_xlsx = _summary_xlsx(report.summary_csv, out / "summary.xlsx")
        return report
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if summary_part.exists():
            summary_part.unlink()


class _Done:
    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value


def _drain(item, writer, report: BatchReport, bar, written_files, out: Path, verify):
    records, futures = item
    for f in futures:
        records.extend(f.result())
    records.sort(key=lambda r: r["row"])
    for rec in records:                 # one record per written row, one per error (a row may have several)
        writer.writerow(rec)
        if rec["status"] == "error":
            report.errors.append(rec["message"])
            print(f"error: {rec['message']}", file=sys.stderr)
        else:
            report.written += 1
            if verify:
                written_files.append((dict(rec), out / rec["file"]))
    rows = {r["row"] for r in records}
    report.failed += len({r["row"] for r in records if r["status"] == "error"})
    report.rows += len(rows)
    bar("rows", len(rows), None)


def _verify(written_files, engine: str, report: BatchReport, bar=_no_progress) -> int:
    from .recalc import check
    ok = 0
    step = 40
    for i in range(0, len(written_files), step):
        part = written_files[i:i + step]
        for (rec, _path), rep in zip(part, check([p for _, p in part], engine)):
            if rep.ok:
                rec["status"], ok = "verified", ok + 1
            else:
                rec["status"] = "error"
                rec["message"] = f"row {rec['row']}: {engine} recalculation differs: {rep.differences[0]}"
                report.failed += 1
                report.written -= 1
                report.errors.append(rec["message"])
                print(f"error: {rec['message']}", file=sys.stderr)
        bar("verified", len(part), len(written_files))
    return ok


def _rewrite_statuses(summary_part: Path, written_files) -> None:
    updates = {rec["row"]: rec for rec, _ in written_files}
    rows = list(csv.DictReader(open(summary_part, encoding="utf-8")))
    with open(summary_part, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=SUMMARY_FIELDS)
        w.writeheader()
        for r in rows:
            u = updates.get(int(r["row"]))
            if u is not None and r["status"] == "ok":
                r["status"], r["message"] = u["status"], u.get("message", "")
            w.writerow(r)


_SUMMARY_WIDTHS = [6, 30, 22, 10, 9, 60, 30, 24, 14, 16]


def _summary_xlsx(csv_path: Path, xlsx_path: Path) -> Path:
    """summary.xlsx streamed from summary.csv: text stays text, numbers stay numbers."""
    from .workbook.stream import write_table_xlsx
    numbers = {SUMMARY_FIELDS.index("row"): int, SUMMARY_FIELDS.index("result"): float}

    def rows(reader):
        for row in reader:
            yield [numbers[j](v) if j in numbers and v != "" else v for j, v in enumerate(row)]

    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return write_table_xlsx(xlsx_path, "Summary", header, rows(reader), _SUMMARY_WIDTHS)


def example_tables() -> list[Path]:
    """The bundled scenario tables (package data in ``ictco2_xl/examples``, so they ship in the wheel)."""
    root = Path(str(resources.files("ictco2_xl").joinpath("examples")))
    tables = sorted(root.glob("*_scenarios.csv")) + sorted(root.glob("*_cases.csv"))
    if not tables:
        raise BatchError(f"no example scenario tables found in {root}")
    return tables


def install_sigterm_handler():
    """Turn SIGTERM into KeyboardInterrupt so the finally-clauses remove temporary files."""
    def handler(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


__all__ = ["generate", "BatchReport", "BatchError", "read_chunks", "safe_name", "example_tables"]
