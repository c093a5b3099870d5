"""Effect size of a node: the level change with an interval, and for a shock the emissions lost
against a counterfactual path.

Computed at the resolution the data really carry (daily China data are monthly totals spread over
days, so daily series are read as monthly), on the seasonally adjusted series where there is a season.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from ..detect.node import Node
from ..series import Frequency, Series

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
        work, total, per_year = _working(series)
        adjusted = _deseasonalise(work, per_year)
        order = sorted(range(len(nodes)), key=lambda k: nodes[k].index)
        positions = {k: _position(work.index, series.timestamp(nodes[k].index)) for k in order}
        out: list[dict] = [{} for _ in nodes]
        for rank, k in enumerate(order):
            prev_pos = positions[order[rank - 1]] if rank > 0 else 0
            next_pos = positions[order[rank + 1]] if rank + 1 < len(order) else len(work)
            end = self._shock_end(nodes, order, rank, series)
            end_pos = _position(work.index, end) if end is not None else None
            if end_pos is not None:  # a shock's level is the level during the shock, not after its end
                next_pos = min(next_pos, end_pos + 1)
            effect = self._level_change(adjusted, positions[k], prev_pos, next_pos)
            if end_pos is not None:
                effect["shock"] = self._shock(work, total, per_year, positions[k], end_pos, series)
            out[k] = effect
        return out

    def _level_change(self, values: pd.Series, pos: int, prev_pos: int, next_pos: int) -> dict:
        lo, hi = max(prev_pos, pos - self.max_periods), min(next_pos, pos + self.max_periods)
        before, after = values.iloc[lo:pos].to_numpy(float), values.iloc[pos:hi].to_numpy(float)
        if len(before) < 1 or len(after) < 1 or not np.isfinite(before).all() or not np.isfinite(after).all():
            return {}
        change, se = _step_change(before, after)
        base = float(np.mean(before))
        out = {
            "level_before": round(base, 6), "level_after": round(float(np.mean(after)), 6),
            "change": round(change, 6),
            "change_interval": [round(change - Z95 * se, 6), round(change + Z95 * se, 6)] if np.isfinite(se) else None,
            "periods": [len(before), len(after)],
            "method": "step regression on the seasonally adjusted series, HAC 95% interval",
        }
        if base:
            out["change_pct"] = round(100 * change / abs(base), 2)
            out["change_pct_interval"] = ([round(100 * v / abs(base), 2) for v in out["change_interval"]]
                                          if out["change_interval"] else None)
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

    def _shock(self, work: pd.Series, total: pd.Series, per_year: int | None, start: int, end: int,
               series: Series) -> dict:
        end = max(end, start)
        span = range(start, min(end + 1, len(total)))
        cf = np.array([_counterfactual(total, t, start, per_year, self.base_periods) for t in span])
        actual = total.iloc[list(span)].to_numpy(float)
        lost = float(np.sum(cf - actual))
        errors = [total.iloc[j] / c - 1 for j in range(max(self.base_periods, start - self.max_periods), start)
                  if (c := _counterfactual(total, j, j, per_year, self.base_periods)) and np.isfinite(c)]
        sd = float(np.std(errors, ddof=1)) if len(errors) >= 3 else float("nan")
        se = sd * float(np.sqrt(np.sum(cf**2))) if np.isfinite(sd) else float("nan")
        return {
            "start": total.index[start].date().isoformat(), "end": (series.values.index[-1] if end >= len(total) - 1
                                                                   else _period_end(total.index, end)).date().isoformat(),
            "lost": round(lost, 6),  # counterfactual minus actual: positive = emissions below the path
            "lost_interval": [round(lost - Z95 * se, 6), round(lost + Z95 * se, 6)] if np.isfinite(se) else None,
            "lost_pct": round(100 * lost / float(np.sum(cf)), 2) if np.sum(cf) else None,
            "unit": f"{series.unit} × days" if series.frequency is Frequency.DAILY and series.unit else series.unit,
            "lost_means": "counterfactual minus actual over the shock; positive means emissions were lost",
            "counterfactual": ("same periods a year earlier, scaled by the level of the "
                               f"{self.base_periods} periods before the shock" if per_year and start >= per_year + 1
                               else f"mean of the {self.base_periods} periods before the shock"),
            "counterfactual_path": [round(float(v), 6) for v in cf],
            "actual_path": [round(float(v), 6) for v in actual],
        }


def _working(series: Series) -> tuple[pd.Series, pd.Series, int | None]:
    """Mean level and total per working period, and periods per year."""
    values = series.values.astype(float).interpolate(limit_direction="both")
    if series.frequency is Frequency.DAILY and len(values) >= 90:
        grouped = values.resample("MS")
        return grouped.mean(), grouped.sum(), 12
    per_year = series.frequency.periods_per_year
    return values, values, per_year if per_year and per_year > 1 else None


def _deseasonalise(work: pd.Series, per_year: int | None) -> pd.Series:
    if per_year is None or per_year > 52 or len(work) < 3 * per_year:
        return work
    from statsmodels.tsa.seasonal import STL

    fit = STL(work.reset_index(drop=True), period=per_year, robust=True).fit()
    return pd.Series(work.to_numpy(float) - np.asarray(fit.seasonal), index=work.index)


def _step_change(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """Mean shift and its standard error; HAC (Newey–West) since emission residuals are autocorrelated."""
    import statsmodels.api as sm

    y = np.concatenate([before, after])
    step = np.r_[np.zeros(len(before)), np.ones(len(after))]
    if len(y) < 4 or len(before) < 2 or len(after) < 2:
        return float(np.mean(after) - np.mean(before)), float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):  # a noiseless step has a zero variance
        fit = sm.OLS(y, sm.add_constant(step)).fit(cov_type="HAC", cov_kwds={"maxlags": 1})
        return float(fit.params[1]), float(np.nan_to_num(fit.bse[1]))


def _counterfactual(total: pd.Series, t: int, start: int, per_year: int | None, k: int) -> float:
    """Seasonal naive path (a year earlier) scaled to the level just before the shock; flat without a year."""
    base = total.iloc[max(0, start - k):start].to_numpy(float)
    if len(base) == 0:
        return float("nan")
    if per_year and start - k - per_year >= 0 and t - per_year >= 0:
        last_year = total.iloc[start - k - per_year:start - per_year].to_numpy(float)
        if np.mean(last_year):
            return float(total.iloc[t - per_year] * np.mean(base) / np.mean(last_year))
    return float(np.mean(base))


def _position(index: pd.DatetimeIndex, ts: pd.Timestamp) -> int:
    pos = int(index.searchsorted(ts, side="right")) - 1
    return min(max(pos, 0), len(index) - 1)


def _period_end(index: pd.DatetimeIndex, pos: int) -> pd.Timestamp:
    return index[pos + 1] - timedelta(days=1) if pos + 1 < len(index) else index[pos]
