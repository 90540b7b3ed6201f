"""Random scenarios inside each input's valid range, for tests, benchmarks and examples."""
from __future__ import annotations

import numpy as np

from .model import Model


def random_inputs(model: Model, n: int, rng: np.random.Generator, spread: float = 10.0) -> dict[str, np.ndarray]:
    """``n`` random values per input: uniform between default/spread and default*spread (clipped to the
    valid range), whole years within the year bounds, [0, 1] around zero defaults."""
    defaults = model.run().inputs
    out = {}
    for inp in model.inputs:
        b = inp.bounds
        if inp.integer:
            out[inp.name] = rng.integers(int(b.lo), int(b.hi) + 1, n).astype(float)
            continue
        d = float(np.ravel(defaults[inp.name])[0])
        lo, hi = (d / spread, d * spread) if d > 0 else (0.0, 1.0)
        if b.lo is not None:
            lo = max(lo, b.lo)
        if b.hi is not None:
            hi = min(hi, b.hi)
        if b.hi_open and b.hi is not None and hi >= b.hi:
            hi = b.hi - (b.hi - lo) * 1e-6
        if b.lo_open and b.lo is not None and lo <= b.lo:
            lo = b.lo + (hi - b.lo) * 1e-6
        out[inp.name] = rng.uniform(lo, hi, n)
    return out
