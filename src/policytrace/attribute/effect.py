"""Effect size of a node: the level change with an interval, and for a shock the emissions lost
against a counterfactual path.

Computed at the resolution the data really carry, decided once for the package by
`series.calendar.working_resolution` (the detector reads the same periods): daily data spread from
monthly totals are read as months, genuinely daily data as weeks. The level change is measured on the
seasonally adjusted series where there is a season, with the detector's season model
(`detect.decompose.seasonal_strength`: robust STL, multiplicative for positive series, used where the
season is as strong as the detector requires and three years of data show it), fitted around the
level shifts at the nodes. Each effect dict names its working `resolution`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from ..detect.decompose import phases, seasonal_strength
from ..detect.kinds import hinge_design
from ..detect.node import Node
from ..detect.season import MIN_SEASONAL_STRENGTH
from ..series import Frequency, Series
from ..series.calendar import Working, working_resolution

Z95 = 1.959964


@dataclass(frozen=True)
class EffectEstimator:
    """Level change and shock loss of nodes.

    Parameters
    ----------
    max_periods : int
        At most this many working periods on each side of a node enter its level change.
    shock_max_days : int
        A node followed by an opposite node within this many days is a shock that ends there.
    base_periods : int
        Working periods before a shock that set the counterfactual's level.
    """

    max_periods: int = 12
    shock_max_days: int = 190
    base_periods: int = 3

    def estimate(self, nodes: list[Node], series: Series) -> list[dict]:
        """One effect dict per node, in the order given."""
        if not series.dated or len(series) < 4:
            return [{} for _ in nodes]
        work = working_resolution(series)
        level, total = _levels(work)
        if level is None:
            return [{} for _ in nodes]
        read = np.isfinite(np.asarray(work.values, dtype=float))   # periods with data
        per_year = _per_year(work)
        order = sorted(range(len(nodes)), key=lambda k: nodes[k].index)
        positions = {k: _position(work.starts, nodes[k].index) for k in order}
        spans: dict[int, tuple[int, int, int | None]] = {}  # node: previous node, end of its level, shock end
        for rank, k in enumerate(order):
            prev_pos = positions[order[rank - 1]] if rank > 0 else 0
            if rank > 0 and (before := spans[order[rank - 1]])[2] is not None:
                # after a shock that ended, the level before this node is the one after that end: the
                # shock's own months (a March 2020 dip) are not the baseline
                prev_pos = min(max(prev_pos, before[2] + 1), positions[k])
            next_pos = positions[order[rank + 1]] if rank + 1 < len(order) else len(work)
            end = self._shock_end(nodes, order, rank, series)
            end_pos = _date_position(work.begins, end) if end is not None else None
            if end_pos is not None:  # a shock's level is the level during the shock, not after its end
                next_pos = min(next_pos, end_pos + 1)
            spans[k] = (prev_pos, next_pos, end_pos)
        cuts = sorted({p for k in order for p in (positions[k], spans[k][1])} - {0, len(work)})
        adjusted = _deseasonalise(level, work, cuts)
        season = _season_factor(total, adjusted)
        out: list[dict] = [{} for _ in nodes]
        for k in order:
            prev_pos, next_pos, end_pos = spans[k]
            if getattr(nodes[k].kind, "value", nodes[k].kind) == "trend":
                # a turn of the slope: the means on either side differ even where the level never jumps
                effect = self._slope_change(adjusted, read, positions[k], prev_pos, next_pos, nodes[k].details)
            else:
                effect = self._level_change(adjusted, positions[k], prev_pos, next_pos)
            if end_pos is not None:
                effect["shock"] = self._shock(work, total, per_year, positions[k], end_pos, series, season)
            if effect:
                effect["resolution"] = work.resolution  # "weekly", "monthly", ...: the periods counted
            out[k] = effect
        return out

    def _level_change(self, values: np.ndarray, pos: int, prev_pos: int, next_pos: int) -> dict:
        lo, hi = max(prev_pos, pos - self.max_periods), min(next_pos, pos + self.max_periods)
        before, after = values[lo:pos], values[pos:hi]
        if len(before) < 1 or len(after) < 1 or not np.isfinite(before).all() or not np.isfinite(after).all():
            return {}
        # a positive series is fitted in logs: its step is a ratio, and the interval of a fall cannot pass -100%
        logs = bool(np.all(before > 0) and np.all(after > 0))
        step, se, start = _step_change(*((np.log(before), np.log(after)) if logs else (before, after)))
        steps = [step, step - Z95 * se, step + Z95 * se] if np.isfinite(se) else [step]
        if logs:
            base = float(np.exp(start))
            changes = [base * float(np.expm1(v)) for v in steps]
        else:
            base, changes = start, steps
        out = {
            "level_before": round(base, 6), "level_after": round(base + changes[0], 6),
            "change": round(changes[0], 6),
            "change_interval": [round(v, 6) for v in changes[1:]] if len(changes) == 3 else None,
            "periods": [len(before), len(after)],
            "method": "segmented regression (a line each side, the step their gap at the node) on the seasonally "
                      f"adjusted series{' in logs' if logs else ''}, 95% t interval widened for AR(1) residuals",
        }
        if base:
            pcts = [round(100 * v / abs(base), 2) for v in changes]
            out["change_pct"], out["change_pct_interval"] = pcts[0], (pcts[1:] if len(pcts) == 3 else None)
        return out

    def _slope_change(self, values: np.ndarray, read: np.ndarray, pos: int, prev_pos: int, next_pos: int,
                      details: dict) -> dict:
        """A broken line through the turn, fitted to the periods with data: growth per period before and
        after, and the new path against the old trend carried `horizon` periods on (the node's own measure),
        with its interval. In the detector's scale where the node names it (`details`: logs, or levels where the
        detector read the series so), so that both speak of the same trend: a line in levels and one in logs
        carried seven years on differ by half (CEADs' Guangdong power, 2012: -24% against -50%)."""
        lo, hi = max(prev_pos, pos - self.max_periods), min(next_pos, pos + self.max_periods)
        seen = lo + np.flatnonzero(read[lo:hi])
        window = values[seen]
        if (seen < pos).sum() < 2 or (seen >= pos).sum() < 2 or not np.isfinite(window).all():
            return {}
        positive = bool(np.all(window > 0))
        logs = positive and (details.get("scale") == "log" if "working_resolution" in details else True)
        slopes, change, se, at_turn = _turn_fit(np.log(window) if logs else window, seen - lo, pos - lo)
        # the node's horizon where it has one (the line is the model there too), else the window's last period
        horizon = int(details.get("horizon") or min(seen[-1] - pos, pos - lo, self.max_periods))
        scale = 1.0 if logs else abs(at_turn) or 1.0   # growth in levels: of the line's value at the turn

        def pct(v: float) -> float:
            return round(100 * (np.expm1(v) if logs else v / scale), 2)

        out = {"kind": "trend", "horizon": horizon,
               "growth_pct": [pct(slopes[0]), pct(slopes[1])],   # per working period, before and after
               # the new slope runs from the period before the node's date: horizon + 1 periods of it
               "change_pct": pct(change * (horizon + 1)),
               "change_pct_interval": ([pct((change - Z95 * se) * (horizon + 1)),
                                        pct((change + Z95 * se) * (horizon + 1))] if np.isfinite(se) else None),
               "periods": [pos - lo, hi - pos],
               "method": "broken-line regression on the seasonally adjusted series (in logs where positive), "
                         "95% t interval widened for AR(1) residuals; change: the new path against the old trend "
                         "carried `horizon` periods on"}
        return out

    def _shock_end(self, nodes: list[Node], order: list[int], rank: int, series: Series) -> pd.Timestamp | None:
        node = nodes[order[rank]]
        if node.end_date:
            return pd.Timestamp(node.end_date)
        if rank + 1 >= len(order):
            return None
        nxt = nodes[order[rank + 1]]
        start, back = series.timestamp(node.index), series.timestamp(nxt.index)
        if nxt.direction != node.direction and (back - start).days <= self.shock_max_days:
            return back - timedelta(days=1)
        return None

    def _shock(self, work: Working, total: np.ndarray, per_year: int | None, start: int, end: int,
               series: Series, season: np.ndarray) -> dict:
        end = max(end, start)
        span = range(start, min(end + 1, len(total)))
        cf = np.array([_counterfactual(total, t, start, per_year, self.base_periods, season) for t in span])
        actual = total[start:start + len(span)]
        lost = float(np.sum(cf - actual))
        errors = self._backtest(total, per_year, start, len(span), season)
        # a t quantile on the windows' count; overlapping windows hold fewer independent errors than that,
        # but a quantile on that smaller count widened six-month shocks to a coverage of 1.0 (and none on 4 years)
        from scipy.stats import t as student

        df = len(errors) - 1
        sd = float(np.std(errors, ddof=1)) if len(errors) >= 3 and df >= 1 else float("nan")
        se = sd * abs(float(np.sum(cf))) * student.ppf(0.975, df) / Z95 if np.isfinite(sd) else float("nan")
        return {
            "start": work.begins[start].date().isoformat(),
            "end": work.ends[min(end, len(total) - 1)].date().isoformat(),
            "lost": round(lost, 6),  # counterfactual minus actual: positive = emissions below the path
            "lost_interval": [round(lost - Z95 * se, 6), round(lost + Z95 * se, 6)] if np.isfinite(se) else None,
            "lost_pct": round(100 * lost / float(np.sum(cf)), 2) if np.sum(cf) else None,
            "unit": f"{series.unit} × days" if series.frequency is Frequency.DAILY and series.unit else series.unit,
            "lost_means": "counterfactual minus actual over the shock; positive means emissions were lost",
            "counterfactual": ("same periods a year earlier, scaled by the level of the "
                               f"{self.base_periods} periods before the shock"
                               if per_year and start - self.base_periods - per_year >= 0
                               else f"seasonally adjusted level of the {self.base_periods} periods before the shock, "
                                    "with the season put back"),
            "counterfactual_path": [round(float(v), 6) for v in cf],
            "actual_path": [round(float(v), 6) for v in actual],
        }

    def _backtest(self, total: np.ndarray, per_year: int | None, start: int, length: int,
                  season: np.ndarray) -> list[float]:
        """Relative errors of the counterfactual's total over windows of the shock's length where there was no
        shock: made the way the shock's own is (a year earlier where it uses a year earlier), their base, window
        and reference year clear of the shock. Before, the error of one period was taken as independent from
        period to period, while a shock's periods share one base: its 95% interval covered the loss in 85% of
        seasonal series with white noise, 73% with AR(1) 0.5 (see `bench/attribution_effect.py`)."""
        k = self.base_periods
        shock = set(range(start, start + length))

        def year_before(j: int) -> bool:
            return bool(per_year) and j - k - per_year >= 0

        errors = []
        for j in range(k, len(total) - length + 1):
            used = set(range(j - k, j + length))
            if year_before(j):
                used |= {t - per_year for t in used}
            if year_before(j) != year_before(start) or used & shock:
                continue
            cf = sum(_counterfactual(total, t, j, per_year, k, season) for t in range(j, j + length))
            if cf and np.isfinite(cf):
                errors.append(float(np.sum(total[j:j + length])) / cf - 1)
        return errors


def _levels(work: Working) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Mean level and total per working period (gaps interpolated); (None, None) without two values."""
    values = np.asarray(work.values, dtype=float)
    valid = np.isfinite(values)
    if valid.sum() < 2:
        return None, None
    positions = np.arange(len(values))
    level = np.interp(positions, positions[valid], values[valid])
    # the total of a period is its mean times the points it spans (a month of daily values: the month's sum)
    return level, level * (work.stops - work.starts)


def _per_year(work: Working) -> int | None:
    """Working periods in a year (for the counterfactual a year earlier); None for annual data."""
    per_year = Frequency(work.resolution).periods_per_year
    return per_year if per_year and per_year > 1 else None


def _deseasonalise(level: np.ndarray, work: Working, cuts: list[int]) -> np.ndarray:
    """`level` less the detector's season model (robust STL) where the detector would model one.

    Like the detector, positive series are adjusted in logs (emission seasons are multiplicative),
    and the season is taken out only where it is strong (MIN_SEASONAL_STRENGTH) and its phases differ by
    an F test (`_phases_differ`). Unlike the detector
    (more than two cycles), three cycles are required: on two, STL's season halves pure noise (strength
    about 0.6 on a seasonless weekly series), and a level change between neighbouring periods would
    carry that noise. The level shifts at the nodes (`cuts`, working positions) are fitted with the
    season (`_jumps`) and taken out before it is estimated: left in, STL's smooth trend cannot follow a step, and
    with few years the season absorbs it (a drop at a year's start read as every January's trough).
    """
    period = work.period
    if period is None or len(level) < 3 * period:
        return level
    positive = bool(np.all(level > 0))
    y = np.log(level) if positive else level
    steps = np.zeros_like(y)
    seasonal, strength, trend = np.zeros_like(y), 0.0, np.zeros_like(y)
    for _ in range(3):  # backfitting: season given the steps, steps given the season
        seasonal, strength, trend = seasonal_strength(y - steps, period)
        adjusted = y - seasonal
        steps = _jumps(adjusted, cuts)
    if strength < MIN_SEASONAL_STRENGTH or not _phases_differ(y - steps - trend, work, period):
        return level
    return level * np.exp(-seasonal) if positive else level - seasonal


def _jumps(values: np.ndarray, cuts: list[int]) -> np.ndarray:
    """The level shifts at `cuts` alone: a line through `values` with a step at each cut, less its line.
    Segment means, used before, also took each segment's growth out, and the saw-tooth left behind (a
    drop at each cut) leaked into the season next to it: 0.3% growth a month and a sine season of ±10%
    read a -10% step as -8.4% (`bench/attribution_effect.py`)."""
    t = np.arange(len(values), dtype=float)
    indicators = np.column_stack([t >= c for c in cuts]).astype(float) if cuts else np.zeros((len(t), 0))
    design = np.column_stack([np.ones_like(t), t, indicators])
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    return indicators @ coef[2:]


def _phases_differ(detrended: np.ndarray, work: Working, period: int, alpha: float = 0.01) -> bool:
    """Whether the phase means of `detrended` differ (one-way F test at `alpha`). STL's strength alone
    passes 0.3 on 10-15% of four-year monthly noise series (`bench/attribution_effect.py`); the season
    then taken out moved a -10% step by about 3 points in those series."""
    from scipy.stats import f_oneway

    phase = phases(work)
    groups = [detrended[phase == p] for p in range(period) if (phase == p).sum() >= 2]
    return len(groups) >= 2 and bool(f_oneway(*groups).pvalue < alpha)


def _step_change(before: np.ndarray, after: np.ndarray) -> tuple[float, float, float]:
    """The step at the node, its standard error and the level it starts from (the old line's value there).

    Segmented regression (interrupted time series): a line on each side, the step their gap at the node,
    where each side has three periods or more; else the mean shift. The mean shift alone read the growth
    of the year around the node as part of the step (a -10% step in a series growing 3.7% a year came out
    at -6.7%, its 95% interval covering the truth in 3 of 100 series; at 12% a year, +1.5%). Errors
    widened for autocorrelation (`_ols_fit`), since emission residuals are autocorrelated.
    """
    y = np.concatenate([before, after])
    step = np.r_[np.zeros(len(before)), np.ones(len(after))]
    if len(y) < 4 or len(before) < 2 or len(after) < 2:
        return float(np.mean(after) - np.mean(before)), float("nan"), float(np.mean(before))
    t = np.arange(len(y), dtype=float) - len(before)   # 0 at the node
    columns = [np.ones_like(t), step] + ([t, t * step] if len(before) >= 3 and len(after) >= 3 else [])
    params, se = _ols_fit(y, np.column_stack(columns))
    return float(params[1]), float(np.nan_to_num(se[1])), float(params[0])


def _ols_fit(y: np.ndarray, design: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients and standard errors for autocorrelated residuals, scaled so that ± Z95 of them is a
    Student t interval on the residual's degrees of freedom.

    The OLS errors are widened by the AR(1) long-run variance factor (1 + ρ)/(1 − ρ), ρ the residuals'
    lag-1 autocorrelation less its small-sample bias: −(1 + 3ρ)/n for a fitted mean (Kendall 1954) and
    about −1/n for each further column. Measured (`bench/attribution_effect.py`, 300 series per case,
    2 × 12 months): HAC (Newey-West, one lag, corrected) covered a step in 85-89% with white noise and 72%
    with AR(1) 0.5; statsmodels' GLSAR 85-90% and 79%; this 92-95% and 87%.
    """
    import statsmodels.api as sm
    from scipy.stats import t as student

    with np.errstate(invalid="ignore", divide="ignore"):  # a noiseless fit has a zero variance
        fit = sm.OLS(y, design).fit()
        resid, n = np.asarray(fit.resid), len(y)
        energy = float(resid @ resid)
        rho = float(resid[1:] @ resid[:-1]) / energy if energy > 0 and n > 2 else 0.0
    rho = float(np.clip(rho + (1 + 3 * rho) / n + (design.shape[1] - 1) / n, 0.0, 0.9))
    widen = student.ppf(0.975, fit.df_resid) / Z95 if fit.df_resid > 0 else float("nan")
    return np.asarray(fit.params), np.asarray(fit.bse) * np.sqrt((1 + rho) / (1 - rho)) * widen


def _turn_fit(y: np.ndarray, t: np.ndarray, at: int) -> tuple[tuple[float, float], float, float, float]:
    """Slopes before and after a turn at position `at` (its first new-slope period) of `y` observed at
    positions `t`, the change of slope, its standard error (`_ols_fit`), and the line's value at the turn."""
    params, se = _ols_fit(y, hinge_design(t, at))   # the detector's broken line, with its errors
    slope, change = float(params[1]), float(params[2])
    return ((slope, slope + change), change, float(se[2]) if len(y) > 4 else float("nan"),
            float(params[0] - slope))   # the line's value at `at` - 1, where the slope turns


def _counterfactual(total: np.ndarray, t: int, start: int, per_year: int | None, k: int,
                    season: np.ndarray) -> float:
    """Seasonal naive path (a year earlier) scaled to the level just before the shock.

    Without a year before the base periods, the seasonally adjusted level of the base periods with
    period t's seasonal factor put back (`season`: total over adjusted level; ones where no season is
    modelled, times the days). A flat mean of the base would compare a March with the winter before it.
    """
    base = slice(max(0, start - k), start)
    if start == 0:
        return float("nan")
    # the same phase in the year before the shock: a shock longer than a year (one that fades over many
    # months) would otherwise be measured against its own first months
    before = t - per_year * ((t - start) // per_year + 1) if per_year else -1
    if per_year and start - k - per_year >= 0 and before >= 0:
        last_year = total[start - k - per_year:start - per_year]
        if np.mean(last_year):
            return float(total[before] * np.mean(total[base]) / np.mean(last_year))
    return float(np.mean(total[base] / season[base]) * season[t])


def _season_factor(total: np.ndarray, adjusted: np.ndarray) -> np.ndarray:
    """Per period, its total over its seasonally adjusted mean level: the seasonal factor times the days
    the period spans (a total, not a mean, is what the counterfactual compares)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(adjusted != 0, total / adjusted, 1.0)
    return np.where(np.isfinite(factor) & (factor > 0), factor, 1.0)


def _position(starts: np.ndarray, index: int) -> int:
    """The working period that holds original position `index`."""
    pos = int(np.searchsorted(starts, index, side="right")) - 1
    return min(max(pos, 0), len(starts) - 1)


def _date_position(begins: pd.DatetimeIndex, ts: pd.Timestamp) -> int:
    """The working period that holds date `ts`."""
    pos = int(begins.searchsorted(ts, side="right")) - 1
    return min(max(pos, 0), len(begins) - 1)
