"""Model evaluation vs hand-written numpy, for every model, warm and cold.

    python tests/benchmarks/bench_models.py [--rows 1000000] [--repeat 9] [--cold-rounds 5] [--models ID ...]

Each model runs over --rows scenarios (every input an array drawn in a band around its default, inside its
valid range). The baseline is hand-written numpy generated from the model's own equations (one line per
step the result needs, no validation, see handwritten.py); results are checked equal before timing.

- primary: ``model(**inputs)`` with the inputs the primary result depends on (the arguments of its
  worksheet function), validation and all, vs hand-written numpy of the steps the primary needs;
- all steps: ``model.run(inputs)`` with every input, every step, vs hand-written numpy of every step;
- vs checked hand: the primary again, against hand-written numpy that first checks each of its inputs with
  one min and one max against the input's bounds (what a careful user adds by hand; the package checks as
  much and whole-number rules too): how far the package is from the same work done by hand;
- vs numpy floor: the primary against the fastest checked numpy we know how to write by hand (handwritten.
  floor_source: a cache-sized block at a time, computed and then checked while in the cache, with the
  fewest reductions the rules allow): what is left once validation is done as cheaply as numpy can. The
  gap between this floor and unchecked numpy is the price of checking every input.

Warm: repeated calls in this process (numpy's big arrays come from memory the allocator already holds).
Cold: the first call on the inputs in a fresh process that has only imported, read the inputs from .npy
files and made one 10-row call (so one-off set-up, such as loading the factor set, is not counted), one
process per model, contender and round (--cold-rounds): every array the call makes pays its first-touch
page faults. Times are CPU seconds of the process (see timing.py); ratios are package time over
hand-written time in the same round, reported as the median over the rounds with [min-max]. Target: within
2x for every model.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import handwritten  # noqa: E402
import timing  # noqa: E402

from ictco2_xl.core.models import MODELS  # noqa: E402
from ictco2_xl.core.sampling import random_inputs  # noqa: E402

TARGET = 2.0


def measure(model, rows: int, repeat: int) -> dict:
    cols = random_inputs(model, rows, np.random.default_rng(0), spread=1.5)
    args = {a.name: cols[a.name] for a in model.worksheet_functions()[0].args}
    steps = [s.name for s in model.steps]
    hand_primary, _ = handwritten.function(model)
    hand_all, _ = handwritten.function(model, steps)
    checked_primary, _ = handwritten.function(model, checked=set(args))
    floor_primary, _ = handwritten.function(model, checked=set(args), floor=True)
    rel = handwritten.agree(hand_primary(**cols)[0], model(**args))
    rel = max(rel, handwritten.agree(checked_primary(**cols)[0], model(**args)))
    rel = max(rel, handwritten.agree(floor_primary(**cols)[0], model(**args)))
    full = model.run(cols)
    for name, value in zip(steps, hand_all(**cols)):
        rel = max(rel, handwritten.agree(value, full[name]))
    del full
    t = timing.rounds({"hand": lambda: hand_primary(**cols), "package": lambda: model(**args),
                       "checked": lambda: checked_primary(**cols), "floor": lambda: floor_primary(**cols),
                       "hand_all": lambda: hand_all(**cols), "package_all": lambda: model.run(cols)}, repeat)
    return {"hand": t["hand"], "package": t["package"], "primary": timing.ratios(t["package"], t["hand"]),
            "checked": timing.ratios(t["package"], t["checked"]), "floor": timing.ratios(t["package"], t["floor"]),
            "floor_hand": timing.ratios(t["floor"], t["hand"]),
            "all": timing.ratios(t["package_all"], t["hand_all"]), "rel": rel}


def cold_first_call(model_id: str, folder: Path, contender: str) -> float:
    """CPU seconds of the first call in this (fresh) process; inputs read from .npy files (no temporaries)."""
    import time
    model = MODELS[model_id]
    cols = {i.name: np.load(folder / f"{i.name}.npy") for i in model.inputs}
    args = {a.name: cols[a.name] for a in model.worksheet_functions()[0].args}
    hand, _ = handwritten.function(model)
    call = (lambda c: hand(**c)) if contender == "hand" else (lambda c: model(**{k: c[k] for k in args}))
    call({k: v[:10].copy() for k, v in cols.items()})  # one-off set-up: factor set, caches, numpy's loops
    t0 = time.process_time()
    call(cols)
    return time.process_time() - t0


def cold(ids, rows: int, rounds: int) -> dict:
    out = {}
    with tempfile.TemporaryDirectory(prefix="bench_models_") as tmp:
        for mid in ids:
            folder = Path(tmp) / mid
            folder.mkdir()
            for name, values in random_inputs(MODELS[mid], rows, np.random.default_rng(0), spread=1.5).items():
                np.save(folder / f"{name}.npy", values)
            times = {"hand": [], "package": []}
            for r in range(rounds):
                for contender in ("hand", "package") if r % 2 == 0 else ("package", "hand"):
                    cmd = [sys.executable, __file__, "--cold-child", mid, str(folder), contender]
                    proc = subprocess.run(cmd, capture_output=True, text=True)
                    if proc.returncode:
                        raise SystemExit(f"cold child failed:\n{proc.stderr}")
                    times[contender].append(float(proc.stdout.split()[-1]))
            out[mid] = timing.ratios(times["package"], times["hand"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=9, help="timing rounds per model (default 9)")
    ap.add_argument("--models", nargs="+", default=list(MODELS), help="model ids (default: all)")
    ap.add_argument("--cold-rounds", type=int, default=5, help="fresh processes per model and contender (0: skip)")
    ap.add_argument("--cold-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_child:
        print(cold_first_call(args.cold_child[0], Path(args.cold_child[1]), args.cold_child[2]))
        return 0
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        ap.error(f"--models: unknown model id(s) {', '.join(unknown)}")

    print(f"bench_models: {args.rows:,} rows per model, {args.repeat} interleaved warm rounds, {args.cold_rounds} "
          f"cold; {timing.machine()}")
    warm = {mid: measure(MODELS[mid], args.rows, args.repeat) for mid in args.models}
    chilled = cold(args.models, args.rows, args.cold_rounds) if args.cold_rounds else None
    print(f"\n{'model':24s} {'hand ms':>8s} {'pkg ms':>8s}  {'primary, warm':>20s}  {'primary, cold':>20s}  "
          f"{'all steps, warm':>20s}  {'vs checked hand':>20s}  {'vs numpy floor':>20s}  {'floor vs hand':>20s}  "
          f"max rel diff")
    worst = {}
    for mid, w in warm.items():
        c = chilled[mid] if chilled else None
        worst[mid] = max(timing.median(w["primary"]), timing.median(c) if c else 0, timing.median(w["all"]))
        print(f"{mid:24s} {timing.median(w['hand']) * 1e3:8.2f} {timing.median(w['package']) * 1e3:8.2f}  "
              f"{timing.spread(w['primary']):>20s}  {timing.spread(c) if c else '-':>20s}  "
              f"{timing.spread(w['all']):>20s}  {timing.spread(w['checked']):>20s}  {timing.spread(w['floor']):>20s}  "
              f"{timing.spread(w['floor_hand']):>20s}  {w['rel']:.1e}")
    met = [m for m, r in worst.items() if r <= TARGET]
    slowest = max(worst, key=worst.get)
    print(f"\nratio = package time / hand-written numpy time in the same round, median [min-max] of the "
          f"rounds; {timing.load()}")
    print("vs checked hand: the primary against hand-written numpy that first checks each of its inputs with one "
          "min and one max against the bounds (handwritten.py); warm")
    checked = {m: timing.median(w["checked"]) for m, w in warm.items()}
    print(f"against checked hand-written numpy: {sum(r <= TARGET for r in checked.values())} of {len(checked)} "
          f"models within {TARGET:g}x; slowest {max(checked, key=checked.get)} at {max(checked.values()):.2f}x")
    floor = {m: timing.median(w["floor"]) for m, w in warm.items()}
    floor_hand = {m: timing.median(w["floor_hand"]) for m, w in warm.items()}
    print("vs numpy floor: the primary against blocked hand-written numpy with the fewest checks numpy allows "
          "(handwritten.floor_source); floor vs hand: that floor against unchecked hand-written numpy; warm")
    print(f"against the numpy floor: slowest {max(floor, key=floor.get)} at {max(floor.values()):.2f}x; the floor "
          f"itself is within {TARGET:g}x of unchecked numpy for {sum(r <= TARGET for r in floor_hand.values())} of "
          f"{len(floor_hand)} models (slowest {max(floor_hand, key=floor_hand.get)} at {max(floor_hand.values()):.2f}x)")
    print(f"within {TARGET:g}x (median, warm and cold, primary and all steps): {len(met)} of {len(worst)} models; "
          f"slowest {slowest} at {worst[slowest]:.2f}x")
    missed = [m for m in worst if m not in met]
    if missed:
        print(f"NOT within {TARGET:g}x: {', '.join(f'{m} ({worst[m]:.2f}x)' for m in missed)}")
        beyond = [m for m in missed if floor_hand[m] > TARGET]
        print(f"of these, the checked numpy floor itself is beyond {TARGET:g}x of unchecked numpy (warm) for "
              f"{len(beyond)}: {', '.join(f'{m} ({floor_hand[m]:.2f}x)' for m in beyond) or 'none'}")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
