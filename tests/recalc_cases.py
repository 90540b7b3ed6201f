"""The cases shared by the recalculation tests (test_recalc_python.py, test_recalc_libreoffice.py): every
template at its defaults plus RANDOM_SETS random in-range input sets per model, compared cell by cell."""
from pathlib import Path

import numpy as np

from ictco2_xl.core.models import MODELS
from ictco2_xl.core.sampling import random_inputs
from ictco2_xl.recalc.check import close
from ictco2_xl.workbook.filler import TemplateFiller

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


def filled(tmp_path, mid, k, inputs=None, seed=7):
    """A filled copy of a template (random set ``k`` unless ``inputs`` are given), as ``batch`` writes it."""
    model = MODELS[mid]
    filler = TemplateFiller(model, template=(TEMPLATES / f"{mid}.xlsx").read_bytes())
    values = inputs if inputs is not None else random_sets(model, k + 1, seed)[k]
    path = tmp_path / f"{mid}_{k}.xlsx"
    path.write_bytes(filler.fill(values, f"case {k}"))
    return path
