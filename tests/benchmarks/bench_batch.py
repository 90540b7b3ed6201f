"""Batch generation of filled workbooks vs the strongest real alternatives, vs the floor, --jobs, memory.

    python tests/benchmarks/bench_batch.py [--rows 1000] [--sample 100] [--repeat 3] [--model logistics_potential]
                                           [--jobs-rows 250 1000 4000] [--big-rows 10000] [--skip-memory]

On --rows random in-range scenarios of one model, written to temporary folders, in the same run:
- batch: ``ictco2_xl.batch.generate`` (jobs=1) on a scenario DataFrame, in a fresh process after imports:
  builds the template once, computes every row in one vectorised run, writes the workbooks, summary.csv and
  summary.xlsx;
- XlsxWriter: ``in_memory=True``, the same content written afresh per scenario: every cell (formulas with
  their cached values), formats, column widths, names, data validation, protection and charts (see
  peers.py). The strongest peer: files that open showing numbers, as the package's do;
- openpyxl: the template loaded once, the inputs set and the workbook saved per scenario (no cached values);
- the floor: the template's bytes written to --rows files (open/write/close per file), measured just before
  and just after each batch in its process (file creation on a shared virtual disk swings tenfold).
XlsxWriter and openpyxl are timed on --sample workbooks and scaled to --rows (their per-workbook cost is
flat); a sample of their workbooks is read back and checked against the batch's values. Times are wall
clock (the work includes the disk), median [min-max] of --repeat interleaved rounds, each ratio taken
within a round. Then --jobs: generate with jobs=1 and jobs=2 over each of --jobs-rows, to find where
parallel pays on this machine. Memory: peak RSS of generate over a CSV of --rows and of --big-rows
scenarios (read in chunks), each in a fresh process. Targets: XlsxWriter / batch >= 5x, batch / floor
<= 10x; a miss is reported, not an error (the machine is shared and noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))   # measure this working tree, whatever is installed
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ictco2_xl.workbook import filler as _filler_module  # noqa: E402,F401  (import cost is not batch cost)

import timing  # noqa: E402
from timing import current_rss_kib, peak_rss_kib  # noqa: E402
from peers import OpenpyxlPeer, XlsxWriterPeer  # noqa: E402

from ictco2_xl.batch import generate  # noqa: E402
from ictco2_xl.core.models import get_model  # noqa: E402
from ictco2_xl.core.sampling import random_inputs  # noqa: E402
from ictco2_xl.workbook.templates import build_template  # noqa: E402

SEED = 20100101
TARGET_VS_XLSXWRITER = 5.0
TARGET_VS_FLOOR = 10.0
WARMUP_ROWS = 5


def scenario_frame(model, n: int) -> pd.DataFrame:
    """``n`` random in-range scenarios, one column per input (the same rows in every process)."""
    columns = random_inputs(model, n, np.random.default_rng(SEED))
    return pd.DataFrame({"scenario": [f"scenario {i + 1}" for i in range(n)], **columns})


def checked_generate(source, model_id: str, out_dir: Path, rows: int, jobs: int = 1) -> tuple[float, int, float]:
    """Seconds, peak RSS (KiB) and mean workbook size of one generate call; fails loudly unless every row
    became a workbook."""
    t0 = time.perf_counter()
    report = generate(source, model_id, out_dir, jobs=jobs, progress=None)
    seconds = time.perf_counter() - t0
    peak = peak_rss_kib()   # before the check below allocates anything
    with os.scandir(out_dir) as entries:
        sizes = [e.stat().st_size for e in entries if e.name.endswith(".xlsx") and e.name != "summary.xlsx"]
    if report.written != rows or report.failed or len(sizes) != rows:
        raise SystemExit(f"generate wrote {report.written} of {rows} workbook(s) ({len(sizes)} files), "
                         f"{report.failed} failed: {report.errors[:3]}")
    return seconds, peak, sum(sizes) / rows


# -- child processes (hidden options): one generate call in a fresh interpreter -------------------------
def child_time(args) -> dict:
    model = get_model(args.model)
    frame = scenario_frame(model, args.rows)
    template = build_template(model)   # the floor's bytes (this build is not part of the batch's time)
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        before = time_floor(template, args.rows, Path(tmp) / "before")
        seconds, _, size = checked_generate(frame, model.id, Path(tmp) / "out", args.rows, jobs=args.jobs)
        after = time_floor(template, args.rows, Path(tmp) / "after")
    return {"seconds": seconds, "bytes": size, "floor": (before + after) / 2}


def child_memory(args) -> dict:
    model = get_model(args.model)
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        checked_generate(args.warmup_csv, model.id, Path(tmp) / "warmup", WARMUP_ROWS)
        before = current_rss_kib()
        seconds, peak, _ = checked_generate(args.csv, model.id, Path(tmp) / "out", args.rows)
    return {"seconds": seconds, "rss_before_kib": before, "peak_kib": peak}


def run_child(mode: str, model_id: str, rows: int, **extra) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--model", model_id, "--rows", str(rows)]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed ({' '.join(cmd[2:])}):\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- measurements in this process ------------------------------------------------------------------------
def write_files(folder: Path, blobs) -> None:
    folder.mkdir(parents=True)
    for i, data in enumerate(blobs):
        with open(folder / f"scenario {i + 1}.xlsx", "wb") as fh:
            fh.write(data)


def time_floor(template: bytes, rows: int, folder: Path) -> float:
    t0 = time.perf_counter()
    write_files(folder, (template for _ in range(rows)))
    return time.perf_counter() - t0


def time_peer(write, sample: int, folder: Path) -> float:
    """Seconds to write ``sample`` workbooks with a peer's ``write(path, i)``."""
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    for i in range(sample):
        write(folder / f"scenario {i + 1}.xlsx", i)
    return time.perf_counter() - t0


def check_peer_files(folder: Path, batch_folder: Path, sample: int, cells) -> None:
    """The peer's workbooks hold the batch's cached values in the cells that vary (read back with openpyxl)."""
    import openpyxl
    for i in range(0, sample, max(1, sample // 5)):
        name = f"scenario {i + 1}.xlsx"
        ours = openpyxl.load_workbook(batch_folder / name, data_only=True, read_only=True)
        theirs = openpyxl.load_workbook(folder / name, data_only=True, read_only=True)
        for sheet, ref in cells:
            a, b = ours[sheet][ref].value, theirs[sheet][ref].value
            if not (a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-9 * abs(a))):
                raise SystemExit(f"XlsxWriter peer differs from the batch in {name} {sheet}!{ref}: {b!r} vs {a!r}")


def ms(seconds: float, n: int) -> str:
    return f"{seconds / n * 1e3:8.3f} ms/workbook"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL (noisy machine? run again)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1000, help="scenarios for the timings (default 1000)")
    ap.add_argument("--big-rows", type=int, default=10000, help="the larger memory run (default 10000)")
    ap.add_argument("--skip-memory", action="store_true", help="skip the two memory runs")
    ap.add_argument("--model", default="logistics_potential", help="model id (default logistics_potential)")
    ap.add_argument("--sample", type=int, default=100, help="workbooks written by each peer, scaled to --rows")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--jobs-rows", type=int, nargs="*", default=[250, 1000, 4000],
                    help="row counts for the jobs=1 vs jobs=2 comparison (none: skip)")
    ap.add_argument("--child", choices=["time", "memory"], help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--warmup-csv", help=argparse.SUPPRESS)
    args = ap.parse_args()
    for name in ("rows", "big_rows", "sample", "repeat"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.child:
        print(json.dumps((child_time if args.child == "time" else child_memory)(args)))
        return

    try:
        model = get_model(args.model)
    except KeyError:
        ap.error(f"--model must be a model id or worksheet-function name, got {args.model!r}")
    rows, sample = args.rows, min(args.sample, args.rows)
    template = build_template(model)
    frame = scenario_frame(model, rows)
    columns = {c: frame[c].to_numpy() for c in frame.columns if c != "scenario"}
    names = frame["scenario"].tolist()
    xw, op = XlsxWriterPeer(model, "report", template), OpenpyxlPeer(model, "report", template)
    print(f"bench_batch: model {model.id}, {rows:,} random in-range scenarios, {args.repeat} interleaved round(s); "
          f"{timing.machine()}")
    print(f"template: {len(template):,} bytes")

    times = {"batch": [], "xlsxwriter": [], "openpyxl": [], "floor": []}
    for r in range(args.repeat):
        single = run_child("time", model.id, rows, jobs=1)
        times["batch"].append(single["seconds"])
        times["floor"].append(single["floor"])
        workbook_bytes = single["bytes"]
        with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
            t0 = time.perf_counter()
            values = xw.values(columns, rows)   # the peer computes every row with the package's vectorised run
            compute = time.perf_counter() - t0
            xs = time_peer(lambda path, i: xw.write(path, values, i, names[i]), sample, Path(tmp) / "xlsxwriter")
            times["xlsxwriter"].append(compute + xs / sample * rows)
            times["openpyxl"].append(time_peer(lambda path, i: op.write(path, columns, i, names[i]), sample,
                                               Path(tmp) / "openpyxl") / sample * rows)
            if r == 0:
                batch_dir = Path(tmp) / "batch"
                generate(frame.head(sample), model.id, batch_dir, progress=None)
                check_peer_files(Path(tmp) / "xlsxwriter", batch_dir, sample, list(values))
        if sys.stderr.isatty():
            print(f"  round {r + 1}/{args.repeat} done", file=sys.stderr, flush=True)

    def line(label: str, key: str, note: str = "") -> None:
        sec = times[key]
        print(f"{label:46s} {timing.median(sec):8.3f} s {ms(timing.median(sec), rows)}{note}")

    print()
    line(f"batch: generate(jobs=1), {rows:,} workbooks", "batch")
    print("    fresh process after imports: includes building the template once and summary.csv/.xlsx;")
    print(f"    {workbook_bytes:,.0f} bytes per workbook written vs {len(template):,} for the floor's template")
    line(f"XlsxWriter in memory, same content, {rows:,}", "xlsxwriter", f"  (measured on {sample:,}, scaled)")
    line(f"openpyxl, template loaded once, {rows:,}", "openpyxl", f"  (measured on {sample:,}, scaled)")
    line(f"floor: template bytes to {rows:,} files", "floor", "  (open/write/close per file)")
    print()
    vs_xw = timing.ratios(times["xlsxwriter"], times["batch"])
    vs_op = timing.ratios(times["openpyxl"], times["batch"])
    vs_floor = timing.ratios(times["batch"], times["floor"])
    print(f"XlsxWriter / batch = {timing.spread(vs_xw, '{:.1f}')}x  (target: at least {TARGET_VS_XLSXWRITER:g}x)  "
          f"{verdict(timing.median(vs_xw) >= TARGET_VS_XLSXWRITER)}")
    print(f"openpyxl / batch   = {timing.spread(vs_op, '{:.1f}')}x")
    print(f"batch / floor      = {timing.spread(vs_floor, '{:.1f}')}x  (target: within {TARGET_VS_FLOOR:g}x)  "
          f"{verdict(timing.median(vs_floor) <= TARGET_VS_FLOOR)}")
    print(f"    median [min-max] of {args.repeat} round(s); each batch against the floor measured around it")

    if args.jobs_rows:
        print("\n--jobs: generate with jobs=1 and jobs=2 in fresh processes, interleaved, "
              f"median of {args.repeat} round(s) each")
        for n in args.jobs_rows:
            one, two = [], []
            for _ in range(args.repeat):
                one.append(run_child("time", model.id, n, jobs=1)["seconds"])
                two.append(run_child("time", model.id, n, jobs=2)["seconds"])
            print(f"  {n:>7,} rows: jobs=1 {timing.median(one):7.2f} s, jobs=2 {timing.median(two):7.2f} s: "
                  f"jobs=2 is {timing.spread(timing.ratios(one, two))}x the speed of jobs=1")

    if args.skip_memory:
        return
    print()
    print("memory: generate over a CSV (read in chunks), each size in a fresh process; peak RSS (VmHWM: on Linux")
    print("        ru_maxrss would start at this parent's RSS) minus the RSS after imports and a "
          f"{WARMUP_ROWS}-row warm-up batch")
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        sizes = sorted({rows, args.big_rows})
        frame = scenario_frame(model, max(sizes))
        warmup_csv = Path(tmp) / "warmup.csv"
        frame.head(WARMUP_ROWS).to_csv(warmup_csv, index=False)
        grown = {}
        for n in sizes:
            csv_path = Path(tmp) / f"scenarios_{n}.csv"
            frame.head(n).to_csv(csv_path, index=False)
            m = run_child("memory", model.id, n, csv=csv_path, warmup_csv=warmup_csv)
            grown[n] = m["peak_kib"] - m["rss_before_kib"]
            print(f"  {n:>7,} scenarios: peak RSS {m['peak_kib'] / 1024:7.1f} MiB, after warm-up "
                  f"{m['rss_before_kib'] / 1024:7.1f} MiB: grows {grown[n] / 1024:6.1f} MiB  "
                  f"({ms(m['seconds'], n).strip()})")
    if len(sizes) == 2:
        small, big = sizes
        per = (grown[big] - grown[small]) * 1024 / (big - small)
        print(f"  {big - small:,} more scenarios add {(grown[big] - grown[small]) / 1024:.1f} MiB "
              f"({per:,.0f} bytes per scenario)")


if __name__ == "__main__":
    main()
