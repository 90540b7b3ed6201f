"""One worksheet-function call over a 100,000-row range vs 100,000 single-cell calls, in the same run.

Both go through xlwings' classic call path (XLPython.CallUDF: argument conversion, the function, result
conversion; pywin32 replaced by stand-ins, see tests/xlwings_classic.py), so the ratio is what the Python
side of Excel gains from =LOGISTICS_REDUCTION(A2:A100001) over filling =LOGISTICS_REDUCTION(A2) down.
Excel's own cost per call (COM round trip, recalculation) is not included and only widens the gap.

    python tests/benchmarks/bench_udfs.py [--rows 100000] [--functions LOGISTICS_REDUCTION LOGISTICS_POTENTIAL]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from xlwings_classic import ComRange, classic_xlwings  # noqa: E402

TARGET = 50


def columns(function: str, rows: int, rng) -> list[np.ndarray]:
    """Valid inputs for the function's leading arguments, one column each."""
    if function == "LOGISTICS_REDUCTION":
        return [rng.uniform(1000, 10000, rows)]
    if function == "LOGISTICS_POTENTIAL":
        return [rng.integers(2008, 2031, rows).astype(float), rng.uniform(0, 1, rows)]
    raise SystemExit(f"no inputs defined for {function}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--functions", nargs="+", default=["LOGISTICS_REDUCTION", "LOGISTICS_POTENTIAL"])
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    worst = float("inf")
    print(f"{'function':22s} {'rows':>8s} {'1 call s':>9s} {'single calls s':>15s} {'us/call':>8s} {'ratio':>7s}")
    with classic_xlwings() as xl:
        for function in args.functions:
            cols = columns(function, args.rows, rng)
            ranges = [ComRange(c.reshape(-1, 1).tolist()) for c in cols]
            xl.call(function, *[ComRange([[c[0]]]) for c in cols])  # warm up (imports, caches)
            t0 = time.perf_counter()
            spilled = xl.call(function, *ranges)
            one_call = time.perf_counter() - t0
            t0 = time.perf_counter()
            singles = [xl.call(function, *[ComRange([[c[i]]]) for c in cols]) for i in range(args.rows)]
            single_calls = time.perf_counter() - t0
            assert np.allclose(np.ravel(np.array(spilled, dtype=float)), np.array(singles, dtype=float), rtol=1e-12)
            ratio = single_calls / one_call
            worst = min(worst, ratio)
            print(f"{function:22s} {args.rows:8d} {one_call:9.3f} {single_calls:15.2f} "
                  f"{single_calls / args.rows * 1e6:8.1f} {ratio:6.0f}x")
    print(f"\nworst ratio {worst:.0f}x (target >= {TARGET}x): {'met' if worst >= TARGET else 'NOT met'}")
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
