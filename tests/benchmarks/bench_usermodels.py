"""User models: how long a model file takes to load, and whether a model from a file computes as fast as
the alternatives a user would otherwise write.

    python tests/benchmarks/bench_usermodels.py [--rows 1000000] [--rounds 7]

Prints medians of repeated rounds with their spread (min-max), and ratios measured in the same run:
- loading (parse and check) a model file, against parsing its TOML alone;
- ``Model.run`` of the remote-meter-reading example over N rows, against the same equations hand-written
  in numpy;
- ``=ICTCO2_RUN`` over 100,000 rows (names and values as ranges), against the model's own worksheet
  function on the same rows (both without xlwings' conversion).
"""
from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from pathlib import Path

import numpy as np

import ictco2_xl as ix
from ictco2_xl.core.modelfile import parse_model_text
from ictco2_xl.excel.usermodels import all_functions

EXAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "models" / "remote_meter_reading.toml"


def timed(fn, rounds: int) -> tuple[float, float, float]:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def show(label: str, t: tuple[float, float, float], unit: str = "ms", scale: float = 1e3) -> None:
    print(f"  {label:<52} {t[0] * scale:9.2f} {unit} (spread {t[1] * scale:.2f}-{t[2] * scale:.2f})")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)
    text = EXAMPLE.read_text(encoding="utf-8")

    print("Loading a model file")
    toml_only = timed(lambda: tomllib.loads(text), args.rounds * 5)
    load = timed(lambda: parse_model_text(text, EXAMPLE.name), args.rounds * 5)
    show("tomllib.loads alone", toml_only)
    show("parse_model_text (parse, check, build the Model)", load)
    print(f"  ratio load / TOML parse: {load[0] / toml_only[0]:.1f}x")

    model = ix.load_model(EXAMPLE)
    fs = ix.get_factor_set("report")
    rng = np.random.default_rng(0)
    meters = rng.uniform(1000, 50000, args.rows)
    km = rng.uniform(0.25, 1.0, args.rows)
    gasoline, grid = fs.value("gasoline_kg_per_l"), fs.value("grid_kg_per_kwh")

    def by_hand():
        avoided = meters * 4 * km * 0.08 * gasoline / 1000
        own = (meters * (0.5 * grid + 2 / 10) + 2000 * grid) / 1000
        return avoided, own, avoided - own

    def by_model():
        return model.run({"meters": meters, "km_per_reading": km}, fs)

    np.testing.assert_allclose(by_model()["net_t"], by_hand()[2], rtol=1e-12)
    print(f"\nOne run over {args.rows:,} rows (every step)")
    hand, run = timed(by_hand, args.rounds), timed(by_model, args.rounds)
    show("hand-written numpy", hand)
    show("Model.run of the model file", run)
    print(f"  ratio model / numpy: {run[0] / hand[0]:.2f}x")

    functions = all_functions()
    rows = 100_000
    grid_values = np.column_stack([meters[:rows], km[:rows]]).tolist()
    own_function = functions["METER_READING_REDUCTION"]
    run_function = functions["ICTCO2_RUN"]
    col_meters, col_km = [[v] for v in meters[:rows]], [[v] for v in km[:rows]]
    args_own = (col_meters, None, col_km)
    print(f"\nWorksheet calls over {rows:,} rows (values as ranges)")
    own = timed(lambda: own_function(*args_own), args.rounds)
    generic = timed(lambda: run_function("remote_meter_reading", "avoided_t", [["meters", "km_per_reading"]],
                                         grid_values), args.rounds)
    assert np.allclose(np.array(own_function(*args_own), float), np.array(run_function(
        "remote_meter_reading", "avoided_t", [["meters", "km_per_reading"]], grid_values), float))
    show("=METER_READING_REDUCTION(meters, , km)", own)
    show("=ICTCO2_RUN(model, output, names, values)", generic)
    print(f"  ratio ICTCO2_RUN / own function: {generic[0] / own[0]:.2f}x")


if __name__ == "__main__":
    main()
