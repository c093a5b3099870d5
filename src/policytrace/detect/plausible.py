"""Changes too large to be events: more often a gap, a unit or a method in the data."""

from __future__ import annotations

# A region's or a sector's emissions moving more than fivefold at once: real shocks in the shared data stay
# well inside it (COVID-19's fall of ground transport, -53%; Tibet's power in 2021-12, -59%), while what reads
# as CEADs' missing years (Ningxia's total: 17.4 Mt, then 0.8) and Carbon Monitor's Yunnan power in 2021 (+800%)
# lie beyond it.
FOLD = 5.0


def beyond_fold(before: float, after: float, fold: float = FOLD) -> bool:
    """Did a positive level move more than `fold` times up or down?"""
    if not (before > 0 and after > 0):
        return False
    ratio = after / before
    return ratio > fold or ratio < 1 / fold
