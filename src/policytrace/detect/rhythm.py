"""Steps that recur at a steady interval: the series' rhythm, not events.

A daily account balance jumps on every pay day; a plant's output may drop at every maintenance
stop. Where no calendar gives the series a season, the detector's own steps can show such a
rhythm: the large steps of one direction fall at one phase of a period. The Rayleigh test of
their dates (circular statistics) gives the chance of that alignment without a rhythm, allowing
for every period tried. Found, the series is analysed again as one value per cycle
(`series.calendar.cycles`), the resolution at which its level can change.
"""

from __future__ import annotations

import numpy as np

from .kinds import Change

# Fewer large steps than this in one direction are not a rhythm (five cycles at least).
MIN_STEPS = 6
# A step is large when it is at least this share of the median step in its direction (of the largest,
# one lasting shift bigger than the rhythm's steps hid the rhythm).
LARGE_SHARE = 0.5
# Family-wise level of the test over all periods tried.
ALPHA = 0.01
SHORTEST_PERIOD = 4


def steps(changes: list[Change]) -> list[tuple[int, float]]:
    """(position, signed size) of every level step among `changes`: each event, and each shock's return."""
    out = []
    for ch in changes:
        if ch.kind != "event":
            continue
        out.append((ch.at, ch.after - ch.before))
        if ch.end is not None and "recovery_level" in ch.extra:
            out.append((ch.end, ch.extra["recovery_level"] - ch.after))
    return out


def recurring_period(changes: list[Change], n: int) -> tuple[float, float] | None:
    """(period, phase) of a rhythm in the large steps of one direction, or None.

    Rayleigh test: with k dates at phases θ, Z = k·R² where R is the length of their mean unit
    vector; without a rhythm P(Z > z) ≈ e^(−z) per period, and about span·(1/4 − 3/n) periods
    between 4 and n/3 are independent.
    """
    found = None
    best = ALPHA
    for sign in (1.0, -1.0):
        sized = [(t, sign * d) for t, d in steps(changes) if sign * d > 0]
        if len(sized) < MIN_STEPS:
            continue
        typical = float(np.median([d for _, d in sized]))
        t = np.array(sorted(t for t, d in sized if d >= LARGE_SHARE * typical), dtype=float)
        if len(t) < MIN_STEPS or n / 3 <= SHORTEST_PERIOD:
            continue
        periods = np.arange(SHORTEST_PERIOD, n / 3, 0.05)
        vectors = np.exp(2j * np.pi * t[None, :] / periods[:, None]).mean(axis=1)
        z = len(t) * np.abs(vectors) ** 2
        i = int(np.argmax(z))
        tried = max((t[-1] - t[0]) * (1 / SHORTEST_PERIOD - 3 / n), 1.0)
        p = tried * np.exp(-z[i])
        if p < best:
            period = round(float(periods[i]), 2)
            phase = float(np.angle(vectors[i]) % (2 * np.pi) / (2 * np.pi) * period)
            best, found = p, (period, phase)
    return found
