"""Calendar of a series: the resolution its values really have, and the moving Spring Festival.

China's daily emission series (Carbon Monitor) are monthly totals spread over days with daily
proxies, so every month start is an artificial step. `working_resolution` finds such series and
aggregates them to the months they really resolve; genuinely daily series are read as weekly
means (day-of-week noise averaged out); an undated series whose changes repeat is given that period
as its season (`repeating_period`); a series whose steps recur at a steady interval is read one value
per cycle (`cycles`). `spring_festival_regressors` describes, per working
period, how much of the festival and of the recovery after it falls inside that period, and
`spring_festival_season` which periods its whole season touches; the dates come from
`chinese_calendar` (official holiday calendar), never from a typed table, and for the years it does
not cover (before 2004, and those whose holidays the State Council has not yet announced) from the
lunar calendar (`lunardate`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .model import Frequency, Series

# A month start is "artificial" when the day-to-day change there is this many times the usual one.
_MONTH_STEP_RATIO = 3.0
# Festival window (days after the first official holiday day): the holiday itself, then the
# weeks in which factories and transport come back. Both measured as shares of a period.
_HOLIDAY_DAYS = (0, 10)
_RECOVERY_DAYS = (10, 35)
# The whole festival season, for data that resolve it week by week: it opens with the official travel
# season (春运), 15 days before the holiday, when migrant workers leave and city traffic thins.
_SEASON_DAYS = (-15, 35)


@dataclass(frozen=True)
class Working:
    """A series at the resolution its values really carry.

    `values[k]` is the mean of the original points in working period `k` (NaN if all are
    missing); `starts[k]` / `stops[k]` the first / one-past-last original position of period k;
    `period` the number of working periods in a year (None without a seasonal calendar).
    """

    values: np.ndarray
    starts: np.ndarray
    stops: np.ndarray
    period: int | None
    resolution: str             # "daily", "weekly", "monthly", "quarterly", "annual", "undated", "cycle"
    disaggregated: bool         # daily values spread from monthly totals
    begins: pd.DatetimeIndex | None   # first calendar day of each working period
    ends: pd.DatetimeIndex | None     # last calendar day of each working period

    def __len__(self) -> int:
        return len(self.values)


def is_month_disaggregated(series: Series) -> bool:
    """True when a daily series steps at month starts far more than on other days."""
    if series.frequency is not Frequency.DAILY or len(series) < 62:
        return False
    values = series.values
    change = (values / values.shift(1) - 1).abs().replace([np.inf, -np.inf], np.nan)
    first = change[values.index.day == 1].dropna()
    other = change[values.index.day != 1].dropna()
    if len(first) < 2 or len(other) < 10:
        return False
    usual = float(other.median())
    if usual == 0:
        return float(first.median()) > 0
    return float(first.median()) > _MONTH_STEP_RATIO * usual


def working_resolution(series: Series) -> Working:
    """Aggregate `series` to the resolution its values really have."""
    values = series.values
    freq = series.frequency
    if freq is Frequency.DAILY:
        disaggregated = is_month_disaggregated(series)
        if disaggregated and values.index.to_period("M").nunique() >= 8:
            return _aggregate(values, values.index.to_period("M"), 12, "monthly", True)
        if not disaggregated and len(values) >= 120:
            weeks = ((values.index - values.index[0]).days // 7).to_numpy()
            return _aggregate(values, weeks, 52, "weekly", False)
        return _identity(series, 7 if len(values) >= 28 else None, "daily")
    period = {Frequency.WEEKLY: 52, Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4}.get(freq)
    if freq is Frequency.UNDATED:
        period = repeating_period(series.array)
    return _identity(series, period, freq.value)


# An undated series has a season when its changes repeat: the autocorrelation of its first
# differences peaks at the period, and again at twice it. Both bars are high, for a pattern strong
# enough to matter: of 1,000 synthetic undated series without one (synth.make_undated, seeds
# 5,000,000+) one passes.
_REPEAT_ACF = (0.4, 0.3)        # at the period, at twice the period
_MIN_REPEAT_PERIOD = 4
_MIN_CYCLES = 3


def repeating_period(values: np.ndarray) -> int | None:
    """The period of a pattern that repeats through an undated series (12 in monthly data), or None."""
    from scipy.stats import median_abs_deviation   # here, not at the top: scipy.stats takes a second to import
    from statsmodels.tsa.stattools import acf

    x = np.asarray(values, dtype=float)
    ok = np.isfinite(x)
    if ok.sum() < 2 * _MIN_CYCLES * _MIN_REPEAT_PERIOD:
        return None
    d = np.diff(np.interp(np.arange(len(x)), np.flatnonzero(ok), x[ok]))
    centre = np.median(d)
    spread = median_abs_deviation(d, scale="normal") or np.std(d)
    if spread == 0:
        return None
    # clipped: the single large differences of a few level shifts must not set the autocorrelation
    d = np.clip(d, centre - 4 * spread, centre + 4 * spread)
    r = acf(d, nlags=len(d) // 2, fft=True)
    peaks = [p for p in range(_MIN_REPEAT_PERIOD, len(d) // _MIN_CYCLES)
             if r[p] >= r[p - 1] and r[p] >= r[p + 1] and 2 * p < len(r)]
    at_period, at_twice = _REPEAT_ACF
    top = max((r[p] for p in peaks), default=-1.0)
    if top < at_period:
        return None
    # the shortest lag nearly as strong as the best: the period itself, not a multiple of it
    period = next(p for p in peaks if r[p] >= 0.9 * top)
    return int(period) if r[period] >= at_period and r[2 * period] >= at_twice else None


def _identity(series: Series, period: int | None, resolution: str) -> Working:
    n = len(series)
    starts = np.arange(n)
    begins = ends = None
    if series.dated:
        begins = pd.DatetimeIndex(series.values.index)
        step = {"weekly": pd.DateOffset(days=6), "monthly": pd.offsets.MonthEnd(0),
                "quarterly": pd.offsets.QuarterEnd(0), "annual": pd.offsets.YearEnd(0)}.get(resolution)
        ends = begins + step if step is not None else begins
    return Working(series.array, starts, starts + 1, period, resolution, False, begins, ends)


def _aggregate(values: pd.Series, keys, period: int, resolution: str, disaggregated: bool) -> Working:
    keys = np.asarray(keys)
    change = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    starts = change
    stops = np.r_[change[1:], len(values)]
    means = _means(values.to_numpy(dtype=float), starts)
    index = values.index
    begins = pd.DatetimeIndex(index[starts])
    ends = pd.DatetimeIndex(index[stops - 1])
    return Working(means, starts, stops, period, resolution, disaggregated, begins, ends)


def _means(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Mean of the finite values from each start to the next (NaN where none is)."""
    sums = np.add.reduceat(np.nan_to_num(arr), starts)
    counts = np.add.reduceat(np.isfinite(arr).astype(float), starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def cycles(series: Series, period: float, phase: float) -> Working:
    """`series` as one mean per cycle of `period` points, cycles starting at `phase` (mod period).

    For a series with a rhythm (a balance that jumps every pay day): a cycle's mean does not depend on
    where in the rhythm the series is, so its level can be read from one value per cycle. The partial
    cycles at either end are gaps (their means would be a part of the rhythm, not a level).
    """
    n = len(series)
    first = phase % period
    bounds = np.unique(np.round(first + period * np.arange(int(n / period) + 2)).astype(int))
    bounds = bounds[(bounds > 0) & (bounds < n)]
    starts = np.r_[0, bounds]
    stops = np.r_[bounds, n]
    means = _means(series.array, starts)
    means[[0, -1]] = np.nan
    begins = ends = None
    if series.dated:
        index = pd.DatetimeIndex(series.values.index)
        begins, ends = index[starts], index[stops - 1]
    return Working(means, starts, stops, None, "cycle", False, begins, ends)


# Where the official calendar does not reach, the holiday is taken to start on New Year's Eve: so it
# did in 16 of the 23 years 2004-2026 (6 on New Year's Day, 1 two days before; chinese_calendar).
_EVE = dt.timedelta(days=1)
# and the National Day holiday to be 1-7 October: so it was in 16 of those years (the others moved
# by a day or two, or took an eighth day with the Mid-Autumn Festival).
_NATIONAL_DAY = ((10, 1), (10, 7))


@lru_cache(maxsize=64)
def spring_festival_start(year: int) -> dt.date | None:
    """First Spring Festival holiday day of `year`: the official one (chinese_calendar), else the eve of
    the lunar New Year (lunardate, 1900-2099); None outside both."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    day = dt.date(year, 1, 15)
    last = dt.date(year, 2, 28)
    while day <= last:
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a year the official calendar does not cover
            return _lunar_new_year_eve(year)
        if on_holiday and name == Holiday.spring_festival.value:
            return day
        day += dt.timedelta(days=1)
    return None


def _lunar_new_year_eve(year: int) -> dt.date | None:
    from lunardate import LunarDate

    try:
        return LunarDate(year, 1, 1).to_solar_date() - _EVE
    except ValueError:  # outside 1900-2099
        return None


def spring_festival_season(begins: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> np.ndarray:
    """Whether each period overlaps a Spring Festival season (15 days before the holiday to 35 after)."""
    anchors, b, e = _festival_days(begins, ends)
    inside = np.zeros(len(b), dtype=bool)
    for a in anchors:
        inside |= (b < a + _SEASON_DAYS[1]) & (e > a + _SEASON_DAYS[0])
    return inside


def national_day_holiday(begins: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> np.ndarray:
    """Whether each period overlaps the National Day holiday: the run of days off around 1 October
    (chinese_calendar; 8 days when Mid-Autumn joins it, as in 2020; 1-7 October after the years it
    covers). False before 2004."""
    b, e = _period_days(begins, ends)
    inside = np.zeros(len(b), dtype=bool)
    for year in range(begins[0].year, ends[-1].year + 1):
        run = _national_day_run(year)
        if run is not None:
            inside |= (b <= run[1]) & (e > run[0])
    return inside


@lru_cache(maxsize=64)
def _national_day_run(year: int) -> tuple[int, int] | None:
    """First and last day number of the days off around 1 October of `year`, None if unknown."""
    import chinese_calendar

    day = dt.date(year, 10, 1)
    try:
        if not chinese_calendar.is_holiday(day):
            return None
        first = last = day
        while chinese_calendar.is_holiday(first - dt.timedelta(days=1)):
            first -= dt.timedelta(days=1)
        while chinese_calendar.is_holiday(last + dt.timedelta(days=1)):
            last += dt.timedelta(days=1)
    except NotImplementedError:  # a year the official calendar does not cover
        if year < 2004:    # before the measured years the holiday's length is not known here
            return None
        first, last = (dt.date(year, *md) for md in _NATIONAL_DAY)
    return tuple(int(np.datetime64(d, "D").astype(np.int64)) for d in (first, last))


def _festival_days(begins: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The first holiday day of each festival near the periods, and each period's first and one-past-last
    day, all as day numbers."""
    years = range(begins[0].year - 1, ends[-1].year + 2)
    anchors = [int(np.datetime64(a, "D").astype(np.int64)) for a in map(spring_festival_start, years) if a is not None]
    return anchors, *_period_days(begins, ends)


def _period_days(begins: pd.DatetimeIndex, ends: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Each period's first and one-past-last day, as day numbers."""
    return (begins.to_numpy(dtype="datetime64[D]").astype(np.int64),
            ends.to_numpy(dtype="datetime64[D]").astype(np.int64) + 1)


def spring_festival_regressors(begins: pd.DatetimeIndex, ends: pd.DatetimeIndex,
                               travel: bool = False) -> np.ndarray | None:
    """Shares of each period covered by the festival holiday and by the recovery after it, and with
    `travel` by the travel season before the holiday (the first 15 days of `spring_festival_season`).

    Returns an (n, 2) or (n, 3) array, or None when no festival of the covered years is known.
    """
    anchors, b, e = _festival_days(begins, ends)
    if not anchors:
        return None
    length = np.maximum(e - b, 1)
    windows = (_HOLIDAY_DAYS, _RECOVERY_DAYS, (_SEASON_DAYS[0], 0))[: 3 if travel else 2]
    out = np.zeros((len(b), len(windows)))
    for a in anchors:
        for col, (lo, hi) in enumerate(windows):
            overlap = np.clip(np.minimum(e, a + hi) - np.maximum(b, a + lo), 0, None)
            out[:, col] += overlap / length
    return out if out.any() else None
