"""Batch generation of filled workbooks vs building each with openpyxl, vs the floor, and its memory.

    python tests/benchmarks/bench_batch.py [--rows 1000] [--big-rows 10000] [--skip-memory]
                                           [--model logistics_potential] [--sample 50] [--repeat 5]

All in the same run, on --rows random in-range scenarios of one model, written to temporary folders:
- batch: ``ictco2_xl.batch.generate`` on a scenario DataFrame, timed in a fresh process (imports done
  first), so it includes building the template once and writing summary.csv and summary.xlsx;
- B, the floor: the template's bytes written to --rows files (open/write/close per file), in the same
  process just before and just after each batch. File creation on a shared virtual disk swings tenfold
  within minutes (0.1 to 1.2 ms per file here), so each batch is compared with the floor measured around
  it, and the ratio reported is the median over the rounds;
- A: ``build_template(model)`` + writing the file, per workbook: what building each workbook with openpyxl
  costs. Timed on --sample workbooks and scaled to --rows (the per-workbook cost is flat);
- the batch again with ``jobs=2``.
Absolute times are the best of --repeat rounds. Memory: generate over a CSV of --rows and of --big-rows
scenarios (read in chunks), each in a fresh process; peak RSS minus the RSS after imports and a small
warm-up batch (which builds the template). The peak is VmHWM, not ru_maxrss: Linux keeps a forked child's
ru_maxrss at its parent's RSS through exec, so it would show this benchmark's size instead of the batch's
growth. Targets: A / batch >= 20x and batch / floor <= 10x; a miss is reported, not an error (the machine
is shared, timings are noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))   # measure this working tree, whatever is installed

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from ictco2_xl.workbook import filler as _filler_module  # noqa: E402,F401  (import cost is not batch cost)

from ictco2_xl.batch import generate  # noqa: E402
from ictco2_xl.core.models import get_model  # noqa: E402
from ictco2_xl.core.sampling import random_inputs  # noqa: E402
from ictco2_xl.workbook.templates import build_template  # noqa: E402

SEED = 20100101
TARGET_VS_OPENPYXL = 20.0
TARGET_VS_FLOOR = 10.0
WARMUP_ROWS = 5


def scenario_frame(model, n: int) -> pd.DataFrame:
    """``n`` random in-range scenarios, one column per input (the same rows in every process)."""
    columns = random_inputs(model, n, np.random.default_rng(SEED))
    return pd.DataFrame({"scenario": [f"scenario {i + 1}" for i in range(n)], **columns})


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def current_rss_kib() -> int:
    rss = _status_kib("VmRSS")
    return rss if rss is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_kib() -> int:
    """Peak RSS of this process. Linux's ru_maxrss also counts the parent's RSS at fork time (it survives
    exec), which would hide a small child's growth under the size of this benchmark; VmHWM does not."""
    peak = _status_kib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def checked_generate(source, model_id: str, out_dir: Path, rows: int, jobs: int = 1) -> tuple[float, int, float]:
    """Seconds, peak RSS (KiB) and mean workbook size of one generate call; fails loudly unless every row
    became a workbook."""
    t0 = time.perf_counter()
    report = generate(source, model_id, out_dir, jobs=jobs, progress=False)
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


def time_openpyxl_each(model, sample: int, tmp: Path) -> float:
    t0 = time.perf_counter()
    write_files(tmp / "openpyxl", (build_template(model) for _ in range(sample)))
    return time.perf_counter() - t0


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
    ap.add_argument("--sample", type=int, default=50, help="workbooks built with openpyxl, scaled to --rows")
    ap.add_argument("--repeat", type=int, default=5, help="interleaved rounds (default 5)")
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
    build_template(model)   # first call pays openpyxl's one-off warm-up; not a per-workbook cost
    t0 = time.perf_counter()
    template = build_template(model)
    build_s = time.perf_counter() - t0
    print(f"bench_batch: model {model.id}, {rows:,} random in-range scenarios, {os.cpu_count()} CPU(s), "
          f"Python {platform.python_version()}; best of {args.repeat} interleaved round(s)")
    print(f"template: {len(template):,} bytes, built with openpyxl in {build_s * 1e3:.1f} ms")

    best = {"batch": float("inf"), "batch2": float("inf"), "openpyxl": float("inf"), "floor": float("inf")}
    ratios = []
    for r in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
            best["openpyxl"] = min(best["openpyxl"], time_openpyxl_each(model, sample, Path(tmp)))
        single = run_child("time", model.id, rows, jobs=1)
        ratios.append(single["seconds"] / single["floor"])
        best["batch"], workbook_bytes = min(best["batch"], single["seconds"]), single["bytes"]
        best["floor"] = min(best["floor"], single["floor"])
        best["batch2"] = min(best["batch2"], run_child("time", model.id, rows, jobs=2)["seconds"])
        if sys.stderr.isatty():
            print(f"  round {r + 1}/{args.repeat} done", file=sys.stderr, flush=True)

    batch, batch2, floor = best["batch"], best["batch2"], best["floor"]
    openpyxl_scaled = best["openpyxl"] / sample * rows
    def line(label: str, seconds: float, note: str = "") -> None:
        print(f"{label:42s} {seconds:8.3f} s {ms(seconds, rows)}{note}")

    print()
    line(f"batch: generate(jobs=1), {rows:,} workbooks", batch)
    print("    fresh process after imports: includes building the template once and summary.csv/.xlsx;")
    print(f"    {workbook_bytes:,.0f} bytes per workbook written vs {len(template):,} for the floor's template")
    line(f"A: openpyxl build + write, {rows:,} workbooks", openpyxl_scaled,
         f"  (measured on {sample:,}, scaled to {rows:,})")
    line(f"B: floor, template bytes to {rows:,} files", floor, "  (open/write/close per file)")
    line(f"batch: generate(jobs=2), {rows:,} workbooks", batch2, f"  ({batch / batch2:.2f}x the speed of jobs=1)")
    print()
    vs_openpyxl, vs_floor = openpyxl_scaled / batch, statistics.median(ratios)
    print(f"A / batch     = {vs_openpyxl:6.1f}x  (target: at least {TARGET_VS_OPENPYXL:g}x)  "
          f"{verdict(vs_openpyxl >= TARGET_VS_OPENPYXL)}")
    print(f"batch / floor = {vs_floor:6.1f}x  (target: within {TARGET_VS_FLOOR:g}x)      "
          f"{verdict(vs_floor <= TARGET_VS_FLOOR)}")
    print(f"    median over {len(ratios)} round(s), each batch against the floor measured just before and after it "
          f"in its process: {', '.join(f'{x:.1f}x' for x in ratios)}")

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
