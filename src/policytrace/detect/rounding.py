"""The step to which a series' values were rounded, and the changes too small to tell from that rounding."""

from __future__ import annotations

import numpy as np

# A step that is under this share of the typical value hides no change the detector could find: the
# rounding of Carbon Monitor's and CEADs' values (6 or more significant figures) is far below it.
NEGLIGIBLE = 0.01


def rounding_step(values: np.ndarray) -> float:
    """The largest power of ten of which every value is a multiple (0.1 for 0.2, 0.3, 0.4), or 0.0 where it
    is negligible against the values (under 1% of their median size) or none is found."""
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return 0.0
    typical = float(np.median(v))
    for k in range(6, -10, -1):      # 10^6 (counts in millions) down to 10^-9
        step = 10.0 ** k
        if step < NEGLIGIBLE * typical:
            return 0.0
        units = v / step      # a positive multiple is at least one step
        if np.all(units > 0.5) and np.all(np.abs(units - np.round(units)) < 1e-6 * units):
            return step
    return 0.0


def within_step(before: float, after: float, step: float) -> bool:
    """Is a change from `before` to `after` (data units) no larger than one rounding step? Such a change can
    be a smaller one that crossed a rounding boundary (0.3 → 0.4 from 0.349 → 0.351)."""
    return step > 0 and abs(after - before) <= step * (1 + 1e-6)
