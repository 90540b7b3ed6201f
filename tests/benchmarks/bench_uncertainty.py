"""Vectorised uncertainty runs vs a per-draw Python loop, for every model.

For each model, ``uncertainty.run`` draws --draws samples (default 100,000) of every input with a range
and evaluates the model once over all of them (timed, sampling included). The baseline does the same
work one draw at a time: draw each input's quantile, turn it into a value, run the model on scalars;
it runs --loop-draws draws (default 1,000) and is scaled up to --draws (the per-draw cost is flat).
Both are timed in the same run.

    python tests/benchmarks/bench_uncertainty.py [--draws 100000] [--loop-draws 1000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from ictco2_xl.core.analysis import uncertainty
from ictco2_xl.core.models import MODELS


def per_draw_loop(model, n: int, seed: int) -> list[float]:
    """The same Monte Carlo, one draw at a time, as a plain Python loop would do it."""
    case = uncertainty.prepare(model)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        values = dict(case.fixed)
        for name, d in case.drawn.items():
            values[name] = float(d.ppf(rng.random()))
        out.append(float(model.run(values, case.factor_set)[model.primary]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--loop-draws", type=int, default=1_000)
    args = ap.parse_args()
    print(f"{'model':24s} {'inputs':>6s} {'vector s':>9s} {'draws/s':>12s} {'loop us/draw':>13s} "
          f"{'loop s (scaled)':>16s} {'ratio':>8s}")
    total_vec = total_loop = 0.0
    worst = float("inf")
    for model in MODELS.values():
        uncertainty.run(model, 100, 0)  # warm caches (derived defaults, imports)
        t0 = time.perf_counter()
        res = uncertainty.run(model, args.draws, seed=0)
        vec = time.perf_counter() - t0
        assert np.isfinite(res.sample).all() and len(res.sample) == args.draws
        t0 = time.perf_counter()
        per_draw_loop(model, args.loop_draws, seed=0)
        per_draw = (time.perf_counter() - t0) / args.loop_draws
        loop = per_draw * args.draws
        ratio = loop / vec
        total_vec += vec
        total_loop += loop
        worst = min(worst, ratio)
        print(f"{model.id:24s} {len(res.inputs):6d} {vec:9.3f} {args.draws / vec:12,.0f} {per_draw * 1e6:13.1f} "
              f"{loop:16.1f} {ratio:8.0f}x")
    print(f"\nall {len(MODELS)} models, {args.draws:,} draws each: {total_vec:.2f} s vectorised, "
          f"{total_loop:.0f} s as a per-draw loop (scaled from {args.loop_draws:,} draws): "
          f"{total_loop / total_vec:.0f}x overall")
    print(f"slowest speed-up: {worst:.0f}x (target: at least 100x)")


if __name__ == "__main__":
    main()
