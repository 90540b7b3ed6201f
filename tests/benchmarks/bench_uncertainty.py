"""Uncertainty runs vs hand-written numpy sampling and evaluation, for every model; the headline's memory.

    python tests/benchmarks/bench_uncertainty.py [--draws 1000000] [--repeat 5] [--models ID ...] [--skip-memory]

For each model, ``uncertainty.run(model, draws, seed)`` (the whole call: the case resolved, Latin-hypercube
draws of every input with a range, one vectorised model run, the sample) against hand-written numpy doing
the same sampling and evaluation: the same generator calls ((permutation + random) / n per input or shared
factor), the inverse CDF of each range written out, and the model's equations for the output (generated
from its definitions, see handwritten.py) with the other inputs as constants. Samples are checked equal.
Times are CPU seconds of the process (see timing.py), median [min-max] of --repeat interleaved rounds.

Memory: ``uncertainty.run("headline", draws)`` in a fresh process: peak traced memory (tracemalloc) and
peak RSS above the interpreter's baseline after imports and a small warm-up run; the same for the
hand-written version. Targets: within 2x of hand-written numpy for every model; the headline at 10**6
draws at most 250 MiB above the baseline.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import handwritten  # noqa: E402
import timing  # noqa: E402
from timing import current_rss_kib, peak_rss_kib  # noqa: E402

from ictco2_xl.core.analysis import uncertainty  # noqa: E402
from ictco2_xl.core.models import MODELS  # noqa: E402

TARGET = 2.0
MEMORY_TARGET_MIB = 250


def hand_written(model, draws: int, seed: int):
    """Monte Carlo as a skilled user would write it for this model: ranges and constants written in."""
    case = uncertainty.prepare(model)
    evaluate, _ = handwritten.function(model, [model.primary])
    constants = {i.name: float(np.ravel(case.base.inputs[i.name])[0]) for i in model.inputs}
    ranges = []
    for name, d in case.drawn.items():
        factor = model.input(name).factor
        ranges.append((name, f"factor:{factor}" if factor else name, d))

    def ppf(d, u):
        lo, hi = d.low, d.high
        if d.kind == "uniform":
            return lo + u * (hi - lo)
        if d.kind == "triangular":
            c = (d.mode - lo) / (hi - lo)
            return np.where(u < c, lo + np.sqrt(u * (hi - lo) * (d.mode - lo)),
                            hi - np.sqrt((1 - u) * (hi - lo) * (hi - d.mode)))
        return d.ppf(u)  # a truncated normal: numpy has no normal quantile (none of the models draws one)

    def run():
        rng = np.random.default_rng(seed)
        quantiles, values = {}, dict(constants)
        for name, key, d in ranges:
            if key not in quantiles:
                quantiles[key] = (rng.permutation(draws) + rng.random(draws)) / draws
            values[name] = ppf(d, quantiles[key])
        return evaluate(**values)[0]
    return run


def measure(model, draws: int, repeat: int) -> dict:
    hand = hand_written(model, draws, 0)
    ours = uncertainty.run(model, draws, seed=0).sample
    theirs = np.broadcast_to(hand(), ours.shape)
    assert np.allclose(ours, theirs, rtol=1e-12, atol=0), f"{model.id}: samples differ"
    t = timing.rounds({"hand": hand, "package": lambda: uncertainty.run(model, draws, seed=0)}, repeat)
    return {"hand": t["hand"], "package": t["package"], "ratio": timing.ratios(t["package"], t["hand"]),
            "drawn": len(uncertainty.prepare(model).drawn)}


def child_memory(which: str, draws: int) -> dict:
    model = MODELS["headline"]
    warm = uncertainty.run if which == "package" else None
    if which == "package":
        warm(model, 1000, seed=0)
        run = lambda: uncertainty.run(model, draws, seed=0)  # noqa: E731
    else:
        hand_written(model, 1000, 0)()
        run = hand_written(model, draws, 0)
    rss_before = current_rss_kib()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    result = run()
    kept, peak = (m - base for m in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    del result
    return {"peak": peak, "kept": kept, "rss_before_kib": rss_before, "rss_peak_kib": peak_rss_kib()}


def run_child(which: str, draws: int) -> dict:
    cmd = [sys.executable, __file__, "--child", which, "--draws", str(draws)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"memory child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--models", nargs="+", default=list(MODELS))
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--child", choices=["package", "hand"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child_memory(args.child, args.draws)))
        return 0
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        ap.error(f"--models: unknown model id(s) {', '.join(unknown)}")
    print(f"bench_uncertainty: {args.draws:,} draws per model, {args.repeat} interleaved rounds; {timing.machine()}")
    print(f"\n{'model':24s} {'drawn':>5s} {'hand ms':>9s} {'pkg ms':>9s} {'package / hand':>20s}")
    worst = {}
    for mid in args.models:
        r = measure(MODELS[mid], args.draws, args.repeat)
        if not r["drawn"]:  # nothing to draw: the sample is the deterministic result, no sampling to compare
            print(f"{mid:24s} {0:5d} {'-':>9s} {timing.median(r['package']) * 1e3:9.1f} {'no ranges':>20s}")
            continue
        worst[mid] = timing.median(r["ratio"])
        print(f"{mid:24s} {r['drawn']:5d} {timing.median(r['hand']) * 1e3:9.1f} "
              f"{timing.median(r['package']) * 1e3:9.1f} {timing.spread(r['ratio']) + 'x':>20s}")
    missed = {m: v for m, v in worst.items() if v > TARGET}
    print(f"\nwithin {TARGET:g}x of hand-written numpy: {len(worst) - len(missed)} of {len(worst)} models with ranges; "
          f"slowest {max(worst, key=worst.get)} at {max(worst.values()):.2f}x; {timing.load()}")
    if missed:
        print(f"NOT within {TARGET:g}x: {', '.join(f'{m} ({v:.2f}x)' for m, v in missed.items())}")
    ok = not missed
    if not args.skip_memory:
        mib = 2 ** 20
        print(f"\nmemory, headline model, {args.draws:,} draws, fresh process each, above the baseline after "
              "imports and a warm-up run:")
        for which in ("package", "hand"):
            m = run_child(which, args.draws)
            rss = (m["rss_peak_kib"] - m["rss_before_kib"]) / 1024
            print(f"  {which:8s} peak traced {m['peak'] / mib:7.1f} MiB, kept {m['kept'] / mib:7.1f} MiB, "
                  f"peak RSS +{rss:7.1f} MiB")
            if which == "package":
                met = max(m["peak"] / mib, rss) <= MEMORY_TARGET_MIB
                ok = ok and met
                print(f"  target: at most {MEMORY_TARGET_MIB} MiB above the baseline: {'met' if met else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
