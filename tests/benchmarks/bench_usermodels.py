"""User models: how long a model file takes to load, and whether a model from a file computes as fast as
the alternatives a user would otherwise write.

    python tests/benchmarks/bench_usermodels.py [--rows 1000000] [--rounds 7]

Contenders are timed in the same interleaved rounds (timing.py: CPU seconds of the process, the order
rotated per round) and every ratio is taken within a round; printed as median [min-max] over the rounds.
Results are checked equal before timing.
- loading (parse and check) a model file, against parsing its TOML alone;
- ``Model.run`` of the remote-meter-reading example over N rows, against the same equations hand-written
  in numpy;
- ``=ICTCO2_RUN`` over 100,000 rows (names and values as ranges), against the model's own worksheet
  function on the same rows (both without xlwings' conversion).
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import timing  # noqa: E402

import ictco2_xl as ix  # noqa: E402
from ictco2_xl.core.modelfile import parse_model_text  # noqa: E402
from ictco2_xl.excel.usermodels import all_functions  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "models" / "remote_meter_reading.toml"


def compare(label_a: str, label_b: str, a, b, rounds: int, ratio: str, unit: str = "ms", scale: float = 1e3) -> None:
    """Time ``a`` and ``b`` in the same interleaved rounds; print both and the ratio b / a per round."""
    t = timing.rounds({"a": a, "b": b}, rounds)
    for label, key in ((label_a, "a"), (label_b, "b")):
        print(f"  {label:<52} {timing.spread([x * scale for x in t[key]])} {unit}")
    print(f"  ratio {ratio}: {timing.spread(timing.ratios(t['b'], t['a']))}x")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)
    text = EXAMPLE.read_text(encoding="utf-8")

    print(f"bench_usermodels: {args.rounds} interleaved rounds, median [min-max]; {timing.machine()}")
    print("\nLoading a model file")
    compare("tomllib.loads alone", "parse_model_text (parse, check, build the Model)",
            lambda: tomllib.loads(text), lambda: parse_model_text(text, EXAMPLE.name), args.rounds * 5,
            "load / TOML parse")

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
    compare("hand-written numpy", "Model.run of the model file", by_hand, by_model, args.rounds,
            "model / numpy")

    functions = all_functions()
    rows = 100_000
    grid_values = np.column_stack([meters[:rows], km[:rows]]).tolist()
    own_function = functions["METER_READING_REDUCTION"]
    run_function = functions["ICTCO2_RUN"]
    # Python floats, as xlwings passes a range (iterating an array would give numpy scalars)
    col_meters, col_km = [[v] for v in meters[:rows].tolist()], [[v] for v in km[:rows].tolist()]
    args_own = (col_meters, None, col_km)
    print(f"\nWorksheet calls over {rows:,} rows (values as ranges)")
    assert np.allclose(np.array(own_function(*args_own), float), np.array(run_function(
        "remote_meter_reading", "avoided_t", [["meters", "km_per_reading"]], grid_values), float))
    compare("=METER_READING_REDUCTION(meters, , km)", "=ICTCO2_RUN(model, output, names, values)",
            lambda: own_function(*args_own),
            lambda: run_function("remote_meter_reading", "avoided_t", [["meters", "km_per_reading"]], grid_values),
            args.rounds, "ICTCO2_RUN / own function")
    print(f"\n{timing.load()}")


if __name__ == "__main__":
    main()
