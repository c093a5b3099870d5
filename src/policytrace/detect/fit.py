"""The state of one analysis at working resolution, and the changes read from it.

`Detector._fit` fills a `Season` (the seasonal pattern, its splits and the festival terms) and a
`LevelFit` (the penalised level/trend search, at unit noise, with its scale and the outliers set
aside); the functions here turn them into typed `Change`s with their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibrate import evidence
from .costs import PiecewiseCost
from .decompose import MANY_PHASES
from .kinds import Change, TypedPoint, date_interval, hinge_line, jump_z, merge_shocks
from .search import split_gain


# From eight cycles on the STL season follows each phase over a window of seven cycles
# (`decompose.seasonal_strength`); below, it holds each phase at its mean over all of them, so the shorter
# the series the more of its noise the season takes. The noise scale is read as at eight cycles.
FULL_CYCLES = 8
# Under four cycles a step and its mirror a cycle away are confounded, as the season is read from so few:
# of monthly series with one step, a node a year off the step showed in 39 % at two years, 8 % at three,
# 1.3 % at four and none at six (150 each, seeds 90,000,000+; bench/README.md, round 18).
CONFOUNDED_CYCLES = 4


@dataclass
class Season:
    """The seasonal side: `pattern` is the component currently removed (zeros without a season)."""

    phase: np.ndarray | None
    period: int | None
    present: bool                       # a pattern strong enough to model
    stl: np.ndarray                     # the robust STL pattern, kept unless the pattern changes
    stl_trend: np.ndarray | None
    regressors: np.ndarray | None       # Spring Festival shares, centred per phase when `present`
    scale: float                        # noise scale of the series less its STL pattern
    splits: list[tuple[int, float, float]]   # changes of the pattern: (position, gain, bar)
    pattern: np.ndarray
    # periods in a Spring Festival season, and in the National Day holiday, where the data resolve them
    # week by week (else None)
    festival_season: np.ndarray | None = None
    national_day: np.ndarray | None = None

    @property
    def cps(self) -> list[int]:
        return [t for t, _, _ in self.splits]

    @property
    def noise_inflation(self) -> float:
        """How much more a noise scale read after removing the pattern understates the noise than it does at
        `FULL_CYCLES`: each period's own noise is a 1/C share of its phase's mean over C cycles, so the
        residual keeps (1 − 1/C) of the noise variance; two cycles keep half. With three cycles as the
        reference, 9-10 % of no-change monthly series of 2-3 years showed a node against 1-5 % of those of
        5-8 years (200 each, seeds 21,000,000+); with eight, 3-7 % at every length from 2 to 8 years
        (bench/detect_lengths.py, round 16)."""
        if not self.present or not self.period or self.harmonic:
            return 1.0   # a few harmonics leave the residual nearly all its noise
        cycles = min(len(self.pattern) / self.period, FULL_CYCLES)
        return float(np.sqrt((1 - 1 / FULL_CYCLES) / (1 - 1 / cycles)))

    @property
    def under_three_cycles(self) -> bool:
        """A pattern read from two cycles but not three (a season needs two to be read at all)."""
        return bool(self.present and self.period and len(self.pattern) < 3 * self.period)

    @property
    def harmonic(self) -> bool:
        """A pattern of many phases read from under three cycles: a few harmonics (`decompose.harmonic_season`),
        re-read around the fitted level in each round of the search."""
        return self.under_three_cycles and self.period >= MANY_PHASES

    @property
    def two_cycles(self) -> bool:
        """A pattern of phase means read from under three cycles: at some phases it is the mean of two values,
        so a value far off there and its mirror a cycle away are equally far off (`decompose.one_of_mirrors`).
        Not a `harmonic` one."""
        return self.under_three_cycles and not self.harmonic

    @property
    def few_cycles(self) -> float:
        """How far a dated series falls short of `CONFOUNDED_CYCLES` cycles of its period: 1/C − 1/4, C at
        least two (0 from four cycles on, or without a period; `calibrate.EVIDENCE`)."""
        if not self.period or self.phase is None:
            return 0.0
        cycles = min(max(len(self.pattern) / self.period, 2.0), CONFOUNDED_CYCLES)
        return float(1 / cycles - 1 / CONFOUNDED_CYCLES)

    @property
    def holidays(self) -> np.ndarray | None:
        """The periods neither the pattern nor the level search reads (`detect.festival`)."""
        if self.festival_season is None or self.national_day is None:
            return self.festival_season
        return self.festival_season | self.national_day


@dataclass
class LevelFit:
    """The level/trend search: change points on `z` (unit noise) and the scale back to the data."""

    cost: PiecewiseCost
    z: np.ndarray
    points: list[TypedPoint]
    path: np.ndarray                    # fitted level in data units (logs where the analysis is)
    sigma: float
    centre: float
    lrv: float                          # long-run variance factor (autocorrelation)
    rho: float
    penalty: float
    festival: np.ndarray
    outliers: np.ndarray
    expected: np.ndarray                # the smooth values at the outliers
    out_scale: float
    limit: float
    outlier_statistic: float
    # where the search left holiday seasons unread: the cost as read (gaps still unread), and those periods
    as_read: PiecewiseCost | None = None
    unread: np.ndarray | None = None
    # outliers at a phase held only twice: the position of the other value, as far off the mean season
    mirrors: dict[int, int] | None = None

    @property
    def cps(self) -> list[int]:
        return [p.at for p in self.points]

    def cost_at(self, b: int) -> PiecewiseCost:
        """The cost that measures a change at `b`: as read where the search did not read the period or the
        one before it (it found only that the level differs across the run; the data tell when and by how
        much), else the search's own."""
        if self.as_read is not None and self.unread is not None and (self.unread[b] or self.unread[b - 1]):
            return self.as_read
        return self.cost

    @property
    def bounds(self) -> list[int]:
        return [0, *self.cps, self.cost.n]

    def units(self, value: float) -> float:
        """A unit-noise value back in data units."""
        return float(value * self.sigma + self.centre)


def level_changes(fit: LevelFit, period: int | None, min_size: int, refine_turns: bool) -> list[Change]:
    """The search's change points typed as events (level shifts, shocks) or trend turns."""
    lrv, bounds = fit.lrv, fit.bounds
    n = fit.cost.n
    changes: list[Change] = []
    for k, point in enumerate(fit.points, start=1):
        a, b, c = bounds[k - 1], point.at, bounds[k + 1]
        cost = fit.cost_at(b)
        before, after, jz = jump_z(cost, a, b, c, lrv)
        kind = "event" if point.jump else "trend"
        if kind == "trend" and refine_turns:
            b = point.turn_at
            before, after, _ = jump_z(cost, a, b, c, lrv)
        ch = Change(at=b, kind=kind, gain=split_gain(cost, bounds, k), penalty=fit.penalty,
                    before=fit.units(before), after=fit.units(after),
                    interval=date_interval(cost, a, b, c, min_size, lrv),
                    extra={"jump_z": round(jz, 2)})
        if kind == "trend":
            # Described by the continuous broken line that placed the turn, as it was typed: the two free
            # segments of the search gave a slope of 0 to an arm of under `min_line` read periods (a
            # +41 %-a-month rise turning into a fall read as one that levelled off). Sized where both arms
            # are seen, at most a cycle on: a short steep arm (a heating season's ramp) carried a year
            # ahead gave turns of +10^45 %.
            line, slope_before, slope_after = hinge_line(cost, fit.z, a, b, c)
            seen = np.flatnonzero(cost.reads(b, c))
            past = int(min(b - a, period or 12, seen[-1] if seen.size else 0))
            new = line[b - a + past]
            old = new - (slope_after - slope_before) * (past + 1)
            ch.after, ch.before = fit.units(new), fit.units(old)
            ch.extra.update(horizon=past, level_at_turn=fit.units(line[b - a - 1]),
                            slope_before=float(slope_before * fit.sigma), slope_after=float(slope_after * fit.sigma))
        elif (back := _recovery(cost, a, b, c, bounds[k + 2] if k + 2 < len(bounds) else None)) is not None:
            ch.extra["recovered_at"] = back   # kept unless a step undoes it (merge_shocks)
        changes.append(ch)
    merged = merge_shocks(changes, max_duration=max(n // 3, 2))
    for ch in merged:
        if ch.end is not None:
            ch.extra.pop("recovered_at", None)   # a step undid it: a shock with its own end
    return merged


def _recovery(cost: PiecewiseCost, a: int, b: int, c: int, d: int | None) -> int | None:
    """Where a level that jumped at `b` and then ran back along a line to `c` is back on the path it
    left (the segment [a, b) carried on): the first period of [b, c] within one noise unit of that path
    or past it, period c read from the next regime ([c, d); or the line carried on at the series' end).
    None when the regime after the jump is flat or never gets back.

    COVID-19's fall and the months of recovery after it are one jump and a sloped regime to the search:
    without this the jump reads as a lasting shift (Cui et al.'s ground transport, −50 % in every province).
    """
    if c - b < 2 or not cost.is_line(b, c):
        return None
    carried = cost.fitted(a, b)[-1] + cost.slope(a, b) * np.arange(1, c - b + 2)
    new = cost.fitted(b, c)
    following = cost.fitted(c, d)[0] if d is not None else new[-1] + cost.slope(b, c)
    gap = np.append(new, following) - carried
    back = np.flatnonzero((np.sign(gap) != np.sign(gap[0])) | (np.abs(gap) < 1.0))
    back = back[back > 0]   # a jump within the noise at its own first period is no shock
    return b + int(back[0]) if back.size else None


def seasonal_changes(season: Season, n: int) -> list[Change]:
    """Each split of the seasonal pattern, sized by the swing (std of the pattern) on either side."""
    regimes = [0, *season.cps, n]
    half = max((season.period or 2) // 2, 1)
    changes = []
    for k, (tau, gain, bar) in enumerate(season.splits, start=1):
        changes.append(Change(at=tau, kind="seasonal", gain=gain, penalty=bar,
                              before=float(np.std(season.pattern[regimes[k - 1]:tau])),
                              after=float(np.std(season.pattern[tau:regimes[k + 1]])),
                              interval=(max(tau - half, 0), min(tau + half, n - 1)),
                              extra={"measure": "seasonal amplitude (std of the seasonal pattern)"}))
    return changes


def outlier_changes(fit: LevelFit, season: Season, y: np.ndarray, aggregated: bool,
                    level: list[Change] | None = None) -> list[Change]:
    """The points set aside as outliers; in aggregated data a whole period off, an event of that period.

    In aggregated data a level change inside a period leaves that period between the levels on either
    side: it is the change's own period (whose interval is widened to it, in `level`), not an event of
    its own.
    """
    changes = []
    expected = dict(zip(fit.outliers.tolist(), fit.expected.tolist()))
    for run in _runs_of(sorted(expected)):
        t = run[0]
        values = np.array([y[u] - season.pattern[u] - fit.festival[u] for u in run])
        e = float(np.mean([expected[u] for u in run]))
        value = float(values.mean())
        if (len(run) == 1 and aggregated and level is not None
                and (change := _straddled(fit, level, t, value)) is not None):
            if change.at in (t, t + 1):
                change.interval = (min(change.interval[0], t), max(change.interval[1], t))
            continue
        extra: dict = {"test": "outlier"}
        if fit.mirrors and t in fit.mirrors:
            extra["mirror"] = fit.mirrors[t]   # as far off the season, in the other cycle
        # a pair (`decompose._pairs`) is one event of both periods, priced by its sum
        gain = float(np.sum(values - [expected[u] for u in run]) ** 2 / len(run)) / fit.out_scale ** 2
        changes.append(Change(at=t, kind="event" if aggregated else "outlier",
                              gain=gain, penalty=(fit.limit / fit.out_scale) ** 2,
                              before=e, after=value, interval=(t, t), end=run[-1] + 1, extra=extra))
    return changes


def _runs_of(points: list[int]) -> list[list[int]]:
    """Consecutive positions grouped: [3, 7, 8] → [[3], [7, 8]]."""
    out: list[list[int]] = []
    for p in points:
        if out and p == out[-1][-1] + 1:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _straddled(fit: LevelFit, level: list[Change], t: int, value: float) -> Change | None:
    """The level change (or shock end) whose first period is `t` or `t + 1`, if `value` lies between the
    levels fitted on either side of `t`."""
    if not 0 < t < len(fit.path) - 1:
        return None
    low, high = sorted((fit.path[t - 1], fit.path[t + 1]))
    if not low < value < high:
        return None
    return next((ch for ch in level if ch.kind == "event" and (ch.at in (t, t + 1) or ch.end in (t, t + 1))), None)


def attach_evidence(changes: list[Change], n: int, gaps: np.ndarray | None = None, few_cycles: float = 0.0
                    ) -> None:
    """Each change's evidence (`calibrate.evidence`), read beside all the others. The periods of `gaps`
    inside a change's interval do not widen it there: they make its date uncertain, not the change."""
    starts = [ch.at for ch in changes]
    for i, ch in enumerate(changes):
        interval = ch.interval
        if gaps is not None:
            unread = int(gaps[interval[0]:interval[1] + 1].sum())
            interval = (interval[0], max(interval[1] - unread, interval[0]))
        # the shorter regime beside the change, up to the nearest other change or the series' end
        left = ch.at - max([0, *(s for j, s in enumerate(starts) if j != i and s <= ch.at)])
        right = min([n, *(s for j, s in enumerate(starts) if j != i and s > ch.at)]) - ch.at
        shock = ch.end is not None and ch.kind == "event"
        ch.extra["evidence"] = evidence(ch.strength, interval, min(left, right),
                                        float(ch.extra.get("jump_z", 0.0)), shock, n, len(changes) - 1, few_cycles)
