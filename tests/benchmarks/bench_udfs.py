"""One worksheet-function call over a 1,000,000-row range through xlwings' classic call path: the bulk
conversion of raw COM values vs xlwings' per-cell conversion, and vs filling single-cell calls down.

Every call goes through XLPython.CallUDF, the entry point the VBA wrappers call (pywin32 replaced by
stand-ins, see tests/xlwings_classic.py), with the range passed as COM passes it (a tuple of row tuples):

- bulk: ``ictco2_xl.udfs`` as the classic add-in imports it: arguments arrive raw and a range is converted
  at once (ictco2_xl/excel/cells.py);
- per-cell: the same worksheet functions with xlwings' own argument conversion (``ndim=2,
  err_to_str=True``), one Python call per cell: how the add-in converted arguments before;
- single calls: =F(A2) filled down, one call per row, timed on --single-rows rows and scaled.

Results are checked equal. Times are CPU seconds of this process (see timing.py), median [min-max] of
--repeat interleaved rounds. Excel's own cost per call (COM round trips, recalculation) is not included.
Targets: bulk at least 1.5x faster than per-cell; one call at least 50x faster than single calls.

    python tests/benchmarks/bench_udfs.py [--rows 1000000] [--repeat 3] [--single-rows 2000]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import timing  # noqa: E402
from xlwings_classic import ComRange, classic_xlwings  # noqa: E402

TARGET_BULK = 1.5
TARGET_SINGLE = 50


def columns(function: str, rows: int, rng) -> list[np.ndarray]:
    """Valid inputs for the function's leading arguments, one column each."""
    if function == "LOGISTICS_REDUCTION":
        return [rng.uniform(1000, 10000, rows)]
    if function == "LOGISTICS_POTENTIAL":
        return [rng.integers(2008, 2031, rows).astype(float), rng.uniform(0, 1, rows)]
    raise SystemExit(f"no inputs defined for {function}")


def as_com(column: np.ndarray) -> ComRange:
    return ComRange(tuple((v,) for v in column.tolist()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--single-rows", type=int, default=2000, help="single-cell calls timed, scaled to --rows")
    ap.add_argument("--functions", nargs="+", default=["LOGISTICS_REDUCTION", "LOGISTICS_POTENTIAL"])
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"bench_udfs: {args.rows:,} rows, {args.repeat} interleaved rounds; {timing.machine()}")
    print(f"\n{'function':22s} {'bulk s':>8s} {'per-cell s':>10s} {'per-cell / bulk':>20s} "
          f"{'single calls s':>15s} {'single / bulk':>15s}")
    worst_bulk = worst_single = float("inf")
    with classic_xlwings() as xl:
        for function in args.functions:
            cols = columns(function, args.rows, rng)
            ranges = [as_com(c) for c in cols]
            xl.call(function, *[ComRange([[c[0]]]) for c in cols])  # warm up (imports, caches)
            bulk = xl.call(function, *ranges)
            per_cell = xl.call_per_cell(function, *ranges)
            assert bulk == per_cell, "bulk and per-cell conversion disagree"
            t = timing.rounds({"bulk": lambda: xl.call(function, *ranges),
                               "per_cell": lambda: xl.call_per_cell(function, *ranges)}, args.repeat)
            m = min(args.single_rows, args.rows)
            values = [c[:m].tolist() for c in cols]  # COM passes a single cell as a plain float
            singles = timing.rounds({"single": lambda: [xl.call(function, *[v[i] for v in values]) for i in range(m)]},
                                    args.repeat)["single"]
            check = [xl.call(function, *[v[i] for v in values]) for i in range(m)]
            assert np.allclose(np.array(check, float), np.ravel(np.array(bulk[:m], float)), rtol=1e-12, atol=0)
            scaled = [s / m * args.rows for s in singles]
            ratio_bulk = timing.ratios(t["per_cell"], t["bulk"])
            ratio_single = timing.ratios(scaled, t["bulk"])
            worst_bulk = min(worst_bulk, timing.median(ratio_bulk))
            worst_single = min(worst_single, timing.median(ratio_single))
            print(f"{function:22s} {timing.median(t['bulk']):8.2f} {timing.median(t['per_cell']):10.2f} "
                  f"{timing.spread(ratio_bulk) + 'x':>20s} {timing.median(scaled):15.1f} "
                  f"{timing.spread(ratio_single, '{:.0f}') + 'x':>15s}")
    print(f"\nsingle calls timed on {min(args.single_rows, args.rows):,} rows and scaled; {timing.load()}")
    ok = worst_bulk >= TARGET_BULK and worst_single >= TARGET_SINGLE
    print(f"bulk vs per-cell: {worst_bulk:.2f}x (target >= {TARGET_BULK}x); one call vs single calls: "
          f"{worst_single:.0f}x (target >= {TARGET_SINGLE}x): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
