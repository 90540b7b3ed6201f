"""Vectorised evaluation vs a plain Python loop, for every model.

Each model is evaluated over N scenario rows (default 1,000,000: every input drawn at random in a band
around its default, inside its valid range) in one call, and row by row with scalar calls over the
first --loop-rows rows (scaled to N; the per-row cost is flat). Both are timed in the same run.

    python tests/benchmarks/bench_models.py [--rows 1000000] [--loop-rows 2000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--loop-rows", type=int, default=2_000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'model':24s} {'vector s':>9s} {'rows/s':>12s} {'loop us/row':>12s} {'loop s (scaled)':>16s} {'ratio':>8s}")
    worst = float("inf")
    for model in MODELS.values():
        cols = random_inputs(model, args.rows, rng, spread=1.5)
        model.run({k: v[:10] for k, v in cols.items()})  # warm caches (derived defaults, imports)
        t0 = time.perf_counter()
        out = model.run(cols)
        vec = time.perf_counter() - t0
        assert np.isfinite(out.primary).all()
        m = min(args.loop_rows, args.rows)
        t0 = time.perf_counter()
        for i in range(m):
            model.run({k: float(v[i]) for k, v in cols.items()})
        per_row = (time.perf_counter() - t0) / m
        loop = per_row * args.rows
        ratio = loop / vec
        worst = min(worst, ratio)
        print(f"{model.id:24s} {vec:9.3f} {args.rows / vec:12,.0f} {per_row * 1e6:12.1f} {loop:16.1f} {ratio:8.0f}x")
    print(f"\nslowest speed-up: {worst:.0f}x (target: at least 100x)")


if __name__ == "__main__":
    main()
