"""The cases shared by the recalculation tests (test_recalc_python.py, test_recalc_libreoffice.py): every
template at its defaults plus RANDOM_SETS random in-range input sets per model, compared cell by cell."""
from pathlib import Path

import numpy as np

from ictco2_xl.core.sampling import random_inputs
from ictco2_xl.recalc.check import close

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
RANDOM_SETS = 25


def random_sets(model, n=RANDOM_SETS, seed=0):
    cols = random_inputs(model, n, np.random.default_rng(seed))
    return [{k: float(v[i]) for k, v in cols.items()} for i in range(n)]


def assert_matches(layout, expected, got, label):
    bad = []
    scales = layout.difference_scales(expected)
    for key, value in expected.items():
        if not close(value, got.get(key), scales.get(key, 0.0)):
            bad.append(f"{key}: python {value!r} vs {got.get(key)!r}")
    assert not bad, f"{label}: " + "; ".join(bad[:5])
