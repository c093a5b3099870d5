"""Optimal partitioning with pruning (PELT, Killick et al. 2012) over a vectorised cost."""

from __future__ import annotations

import numpy as np

from .costs import PiecewiseCost


def pelt(cost: PiecewiseCost, penalty: float, min_size: int = 2) -> list[int]:
    """Change points (first index of each new segment) minimising total cost + penalty per change."""
    n = cost.n
    if n < 2 * min_size:
        return []
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    candidates = np.array([0])
    for end in range(min_size, n + 1):
        # a start becomes admissible once it leaves a first segment of at least min_size
        newest = end - min_size
        if newest >= min_size and np.isfinite(best[newest]):
            candidates = np.append(candidates, newest)
        total = best[candidates] + cost.error(candidates, end)
        k = int(np.argmin(total))
        best[end] = total[k] + penalty
        last[end] = candidates[k]
        # prune starts that can never be optimal again (one cost evaluation serves both steps)
        candidates = candidates[total <= best[end]]
    cps = []
    end = n
    while end > 0:
        start = int(last[end])
        if start > 0:
            cps.append(start)
        end = start
    return sorted(cps)


def split_gain(cost: PiecewiseCost, bounds: list[int], k: int) -> float:
    """How much cost change point `bounds[k]` saves against merging its two neighbouring segments."""
    a, b, c = bounds[k - 1], bounds[k], bounds[k + 1]
    merged = float(cost.error(np.array([a]), c)[0])
    split = float(cost.error(np.array([a]), b)[0] + cost.error(np.array([b]), c)[0])
    return merged - split


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in `mask`."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def redate_within(cost: PiecewiseCost, cps: list[int], mask: np.ndarray, min_size: int = 2) -> list[int]:
    """Each change point that falls in a masked run (or just after it) moved to where `cost`, read over the
    whole run, places the split between its neighbours: a search blind to the run can only tell that the
    level differs across it."""
    out = sorted(cps)
    for lo, hi in runs(mask):
        for k, c in enumerate(out):
            if not lo <= c <= hi + 1:
                continue
            before = out[k - 1] if k else 0
            after = out[k + 1] if k + 1 < len(out) else cost.n
            taus = np.arange(max(lo, before + min_size), min(hi + 1, after - min_size) + 1)
            if taus.size:
                # dated as a step: a line on either side, fitted across the season's dip, drifts to its edge
                split = cost.level_error(np.array([before]), taus) + cost.level_error(taus, after)
                out[k] = int(taus[np.argmin(split)])
    return out


def after_gaps(cps: list[int], gaps: np.ndarray, min_size: int = 2) -> list[int]:
    """Each change point in a run of missing periods moved to the first period after the run: the search
    cannot tell where in the run the level changed, only that the new level is seen from there (the
    node's interval spans the run)."""
    out = sorted(cps)
    n = len(gaps)
    for lo, hi in runs(gaps):
        for k, c in enumerate(out):
            after = out[k + 1] if k + 1 < len(out) else n
            if lo <= c <= hi and hi + 1 <= after - min_size:
                out[k] = hi + 1
    return out
