"""Holiday seasons where a series resolves them week by week: held out of the search.

Week by week the festival's dip and the recovery after it are steps whose depth changes from year to
year (travel rules; a data source without the dip), more than the festival regressors can hold. Its
season (`series.calendar.spring_festival_season`) is bridged for the seasonal pattern, left unread by
the level search (`costs.PiecewiseCost.fit(read=...)`), and a change found across it is dated on the
data (`search.redate_within`) with an interval that spans the season. The National Day holiday
(`series.calendar.national_day_holiday`) is held out the same way.
"""

from __future__ import annotations

import numpy as np

from .kinds import Change
from .search import runs


def bridged(values: np.ndarray, season: np.ndarray) -> np.ndarray:
    """`values` with the season's periods replaced by the line across them.

    The festival moves by up to three weeks between years: a seasonal pattern that held its average dip
    would put one into a year that has none.
    """
    free = np.flatnonzero(~season)
    out = values.copy()
    out[season] = np.interp(np.flatnonzero(season), free, values[free])
    return out


def outside(points: np.ndarray, values: np.ndarray, season: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The outliers outside the season: a holiday week far off is the holiday."""
    if season is None:
        return points, values
    keep = ~season[points]
    return points[keep], values[keep]


def widen_over_runs(changes: list[Change], mask: np.ndarray, detail: str) -> None:
    """Each level change dated in a run of `mask` (a holiday season, a gap) or the period after it: an
    interval over the run and that period, and `detail` set in its extra.

    Its date comes from data the run blurs or lacks. Called after the evidence is read: the confidence
    maps know an interval from the data's own band, not this one.
    """
    for lo, hi in runs(mask):
        last = min(hi + 1, len(mask) - 1)
        for ch in changes:
            # one period off on its own (the outlier test) was read where it stands
            level = ch.kind in ("event", "trend") and ch.extra.get("test") != "outlier"
            if level and lo <= ch.at <= hi + 1:
                ch.interval = (min(ch.interval[0], lo), max(ch.interval[1], last))
                ch.extra[detail] = True
