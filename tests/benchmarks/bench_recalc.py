"""Recalculation time per template for both engines (python = formulas, libreoffice = soffice headless).

    python tests/benchmarks/bench_recalc.py [--repeat 3]

The python engine is timed load + calculate per workbook (and calculate alone on a loaded workbook,
what a scenario sweep pays); LibreOffice is timed as one batched soffice call over all templates,
divided per workbook, next to one call per workbook.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ictco2_xl.recalc import PythonWorkbook
from ictco2_xl.recalc import libreoffice as lo

ROOT = Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = sorted((ROOT / "templates").glob("*.xlsx"))
    print(f"{'template':28s} {'formulas':>9s} {'load+calc s':>12s} {'calc s':>8s}")
    total = 0.0
    for f in files:
        cells = len(lo.read_values(f))
        t0 = time.perf_counter()
        book = PythonWorkbook(f)
        book.calculate()
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            book.calculate()
        again = (time.perf_counter() - t0) / args.repeat
        total += first
        print(f"{f.stem:28s} {cells:9d} {first:12.3f} {again:8.3f}")
    print(f"python engine: {total:.2f} s for {len(files)} workbooks ({total / len(files):.3f} s each)")
    if lo.soffice_path() is None:
        print("libreoffice: not installed (apt-get install -y libreoffice-calc-nogui)")
        return
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        lo.convert(files, out)
        batch = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        for f in files[:5]:
            lo.convert([f], out)
        single = (time.perf_counter() - t0) / 5
    print(f"libreoffice: {batch:.2f} s for {len(files)} workbooks in batches of {lo.CHUNK} "
          f"({batch / len(files):.3f} s each); one soffice call per workbook: {single:.2f} s each "
          f"({single / (batch / len(files)):.1f}x slower)")


if __name__ == "__main__":
    main()
