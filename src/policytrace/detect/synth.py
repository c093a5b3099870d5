"""Emission-like synthetic series with known changes, for tests, calibration and benchmarks.

A series is a level with a gentle trend, a seasonal pattern (two harmonics), the Spring Festival
dip and recovery at its real dates (chinese_calendar), AR(1) noise, and 0–3 changes drawn from the
four node kinds: a level shift or a temporary shock (`event`), a turn of the slope (`trend`), a
change of the seasonal amplitude (`seasonal`) and one bad point (`outlier`). Sizes are drawn in
units of the noise, so that every change is meant to be visible; `daily=True` spreads the monthly
values over days the way Carbon Monitor's China data are made (so month starts step).

Example: `make_series(7).truth` lists the changes of seed 7; `make_null(7)` is a series with none;
`make_undated(7)` is an undated series of another length, for the confidence maps to cover such input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..series import Frequency, Series
from ..series.calendar import spring_festival_regressors

KINDS = ("event", "shock", "trend", "seasonal", "outlier")


@dataclass(frozen=True)
class Truth:
    """A true change: `index` its first period (input positions), `end` the first period after a shock."""

    index: int
    kind: str          # "event", "trend", "seasonal", "outlier" (a shock is an event with an end)
    end: int | None = None
    size: float = 0.0  # in units of the noise


@dataclass(frozen=True)
class Synthetic:
    series: Series
    truth: list[Truth]
    params: dict = field(default_factory=dict)


def make_series(seed: int, *, years: int = 14, n_changes: int | None = None, kinds: tuple[str, ...] = KINDS,
                daily: bool = False, start: str = "2008-01-01", noise: float | None = None) -> Synthetic:
    """One synthetic monthly series (or daily spread from monthly totals) and its true changes."""
    rng = np.random.default_rng(seed)
    n = 12 * years
    months = pd.date_range(start, periods=n, freq="MS")
    level = rng.uniform(50, 500)
    # Built in logs, so season, festival, noise and changes are shares of the level, as in
    # emissions (February's trough is a share of the year, not a fixed tonnage).
    sigma = noise if noise is not None else rng.uniform(0.01, 0.04)
    rho = rng.uniform(0.0, 0.4)
    t = np.arange(n)
    trend = np.log(level) + rng.uniform(-0.02, 0.04) * t / 12
    amplitude = rng.uniform(0.05, 0.15)
    shape = (np.cos(2 * np.pi * (t + rng.uniform(0, 12)) / 12)
             + rng.uniform(0, 0.5) * np.cos(4 * np.pi * (t + rng.uniform(0, 12)) / 12))
    shape /= shape.std()
    season = amplitude * shape
    regressors = spring_festival_regressors(months, months + pd.offsets.MonthEnd(0))
    festival = np.zeros(n) if regressors is None else -(
        rng.uniform(0.05, 0.15) * regressors[:, 0] + rng.uniform(0.02, 0.06) * regressors[:, 1])
    innovations = rng.normal(0, sigma * np.sqrt(1 - rho**2), n)
    noise_path = np.empty(n)
    noise_path[0] = rng.normal(0, sigma)
    for i in range(1, n):
        noise_path[i] = rho * noise_path[i - 1] + innovations[i]

    count = int(rng.integers(0, 4)) if n_changes is None else n_changes
    truths: list[Truth] = []
    taken: list[int] = []
    signal = trend + season + festival
    for _ in range(count):
        kind = str(rng.choice(kinds))
        if kind == "seasonal" and n < 72:
            kind = "event"   # a seasonal change needs two years on each side
        margin = 30 if kind == "seasonal" else 8
        if (placed := _placed(rng, margin, n - margin, taken, gap=12)) is None:
            continue
        at, size, sign = placed
        match kind:
            case "event":
                signal[at:] += sign * size * sigma
                truths.append(Truth(at, "event", size=size))
            case "shock":
                length = int(rng.integers(2, 9))
                stop = min(at + length, n - 1)
                signal[at:stop] -= size * sigma
                truths.append(Truth(at, "event", end=stop, size=size))
            case "trend":
                # the new path drifts `size` noise units from the old within a year
                per_month = size * sigma / 12
                if sign < 0 and per_month * (n - at) > 0.7:
                    sign = 1.0   # a turn down that steep would take emissions near zero: turn up
                signal[at:] += sign * per_month * (np.arange(n - at) + 1)
                truths.append(Truth(at, "trend", size=size))
            case "seasonal":
                # the pattern's swing (its std) grows or shrinks by 3-6 noise units
                step = rng.uniform(3, 6) * sigma
                if sign < 0 and amplitude > 4 * sigma:
                    step = -min(step, 0.8 * amplitude)
                factor = 1 + step / amplitude
                signal[at:] += (factor - 1) * season[at:]
                truths.append(Truth(at, "seasonal", size=float(abs(factor - 1) * amplitude / sigma)))
            case "outlier":
                signal[at] += sign * size * sigma
                truths.append(Truth(at, "outlier", end=at + 1, size=size))
    values = np.exp(signal + noise_path)
    truths.sort(key=lambda tr: tr.index)
    params = {"level": level, "sigma": sigma, "rho": rho, "amplitude": amplitude}
    if not daily:
        series = Series(pd.Series(values, index=months), Frequency.MONTHLY, source=f"synthetic:{seed}")
        return Synthetic(series, truths, params)
    return _spread_daily(values, months, truths, params, rng, seed)


def _spread_daily(monthly: np.ndarray, months: pd.DatetimeIndex, truths: list[Truth], params: dict,
                  rng: np.random.Generator, seed: int) -> Synthetic:
    days = pd.date_range(months[0], months[-1] + pd.offsets.MonthEnd(0), freq="D")
    proxy = 1 + 0.01 * np.sin(2 * np.pi * days.day_of_week / 7) + rng.normal(0, 0.005, len(days))
    month_of_day = days.to_period("M")
    keys = np.searchsorted(months.to_period("M").asi8, month_of_day.asi8)
    frame = pd.DataFrame({"proxy": proxy, "m": keys})
    scale = frame.groupby("m").proxy.transform("mean").to_numpy()
    values = monthly[keys] * proxy / scale   # monthly mean kept, days follow the proxy
    first_day = np.searchsorted(keys, np.arange(len(months)))
    daily_truth = [Truth(int(first_day[t.index]), t.kind,
                         None if t.end is None else int(first_day[t.end]) if t.end < len(months) else len(days),
                         t.size) for t in truths]
    series = Series(pd.Series(values, index=days), Frequency.DAILY, source=f"synthetic-daily:{seed}")
    return Synthetic(series, daily_truth, params | {"daily": True})


def make_quarterly(seed: int, *, years: int = 10, n_changes: int | None = None) -> Synthetic:
    """`make_series` summed by quarter, as statistical offices publish quarters. A truth is dated to the quarter
    it starts in; a shock ends at the first quarter after its last month (a one-month outlier is a third of
    its quarter)."""
    monthly = make_series(seed, years=years, n_changes=n_changes)
    quarters = monthly.series.values.resample("QS").sum()
    truths = [Truth(t.index // 3, t.kind, None if t.end is None else -(-t.end // 3), t.size) for t in monthly.truth]
    series = Series(quarters, Frequency.QUARTERLY, source=f"synthetic-quarterly:{seed}")
    return Synthetic(series, truths, monthly.params | {"quarterly": True})


def make_undated(seed: int, *, n: int | None = None, n_changes: int | None = None) -> Synthetic:
    """An undated series of 40-800 points (log-uniform) with AR(1) noise, maybe a slope, and 0-3 changes.

    It widens what the confidence maps are fitted on beyond 14-year monthly series: other lengths, and
    level shifts from 2 noise units, which a long series shows plainly and a short one hardly at all.
    """
    rng = np.random.default_rng(seed)
    n = n or int(np.exp(rng.uniform(np.log(40), np.log(800))))
    noise_path = _ar1(rng, n, rng.uniform(0.0, 0.4))
    signal = 10 + rng.choice([0.0, rng.normal(0, 3 / n)]) * np.arange(n)
    count = int(rng.integers(0, 4)) if n_changes is None else n_changes
    gap = max(8, n // 20)
    truths: list[Truth] = []
    taken: list[int] = []
    for _ in range(count):
        kind = str(rng.choice(("event", "shock", "trend", "outlier")))
        at = _free_position(rng, 8, n - 8, taken, gap)
        if at is None:
            continue
        taken.append(at)
        sign = rng.choice([-1.0, 1.0])
        match kind:
            case "event":
                size = rng.uniform(2, 12)
                signal[at:] += sign * size
                truths.append(Truth(at, "event", size=size))
            case "shock":
                size = rng.uniform(3, 12)
                stop = min(at + int(rng.integers(2, max(9, n // 10))), n - 1)
                signal[at:stop] += sign * size
                truths.append(Truth(at, "event", end=stop, size=size))
            case "trend":
                # the new path drifts `size` noise units from the old over a tenth of the series
                size = rng.uniform(5, 12)
                signal[at:] += sign * size / max(12, n // 10) * (np.arange(n - at) + 1)
                truths.append(Truth(at, "trend", size=size))
            case "outlier":
                size = rng.uniform(5, 12)
                signal[at] += sign * size
                truths.append(Truth(at, "outlier", end=at + 1, size=size))
    truths.sort(key=lambda tr: tr.index)
    series = Series(pd.Series(signal + noise_path, index=pd.RangeIndex(n)), Frequency.UNDATED,
                    source=f"synthetic-undated:{seed}")
    return Synthetic(series, truths, {"sigma": 1.0})


def make_null(seed: int, *, n: int | None = None, seasonal: bool | None = None) -> Series:
    """A series with no change at all: white or AR(1) noise around a level or a line (undated or monthly)."""
    rng = np.random.default_rng(seed)
    if seasonal is None:
        seasonal = bool(rng.random() < 0.5)
    if seasonal:
        return make_series(seed, years=int(rng.integers(4, 21)), n_changes=0).series
    n = n or int(rng.integers(30, 700))
    x = _ar1(rng, n, rng.uniform(0, 0.4))
    slope = rng.choice([0.0, rng.normal(0, 3 / n)])
    values = 10 + slope * np.arange(n) + x
    return Series(pd.Series(values, index=pd.RangeIndex(n)), Frequency.UNDATED, source=f"null:{seed}")


def make_native_daily(seed: int, *, years: int | None = None, start: str = "2015-01-01") -> Series:
    """A genuinely daily series with no change (2-6 years): level, gentle trend, a yearly season of two
    harmonics, a weekday pattern and AR(1) day-to-day noise, built in logs as `make_series` is.

    Read week by week (the detector's resolution for such data), it is where a short-event limit set for
    series spread from monthly totals was never checked: 24 of 60 such series showed a one-week event
    (bench/README.md, round 11).
    """
    rng = np.random.default_rng(seed)
    days, log_values, _ = _native_daily(rng, years, start)
    return Series(pd.Series(np.exp(log_values), index=days), Frequency.DAILY, source=f"native-daily:{seed}")


def make_native_daily_changes(seed: int, *, years: int | None = None, n_changes: int | None = None,
                              start: str = "2015-01-01") -> Synthetic:
    """`make_native_daily` with 0-3 changes, in units of the noise of a week's mean: a level shift, a shock
    of one week to two months, a turn of the slope, or one week off (an event of that week, the outlier
    of data read week by week). Truths are in days."""
    rng = np.random.default_rng(seed)
    days, signal, (sigma, rho) = _native_daily(rng, years, start)
    n = len(days)
    # a week's mean of AR(1) noise keeps this share of the daily noise's standard deviation
    lags = np.arange(1, 7)
    week = sigma * np.sqrt((7 + 2 * np.sum((7 - lags) * rho ** lags)) / 49)
    count = int(rng.integers(0, 4)) if n_changes is None else n_changes
    truths: list[Truth] = []
    taken: list[int] = []
    for _ in range(count):
        kind = str(rng.choice(("event", "shock", "trend", "outlier")))
        if (placed := _placed(rng, 56, n - 56, taken, gap=84)) is None:
            continue
        at, size, sign = placed
        match kind:
            case "event":
                signal[at:] += sign * size * week
                truths.append(Truth(at, "event", size=size))
            case "shock" | "outlier":
                stop = min(at + (int(rng.integers(7, 61)) if kind == "shock" else 7), n - 1)
                signal[at:stop] -= size * week
                truths.append(Truth(at, "event", end=stop, size=size))
            case "trend":
                per_day = size * week / 365.25   # `size` noise units from the old path within a year
                signal[at:] += sign * per_day * (np.arange(n - at) + 1)
                truths.append(Truth(at, "trend", size=size))
    truths.sort(key=lambda tr: tr.index)
    series = Series(pd.Series(np.exp(signal), index=days), Frequency.DAILY, source=f"native-daily-changes:{seed}")
    return Synthetic(series, truths, {"sigma": sigma, "rho": rho, "week_sigma": week})


def _native_daily(rng: np.random.Generator, years: int | None, start: str
                  ) -> tuple[pd.DatetimeIndex, np.ndarray, tuple[float, float]]:
    """The days, the log values and (noise, its lag-1 autocorrelation) of a genuinely daily series."""
    years = years or int(rng.integers(2, 7))
    days = pd.date_range(start, periods=round(365.25 * years), freq="D")
    t = np.arange(len(days)) / 365.25
    phase = rng.uniform(0, 1, 2)
    shape = np.cos(2 * np.pi * (t + phase[0])) + rng.uniform(0, 0.5) * np.cos(4 * np.pi * (t + phase[1]))
    season = rng.uniform(0.0, 0.15) * shape / shape.std()
    weekday = rng.normal(0, rng.uniform(0.0, 0.05), 7)[days.day_of_week]
    sigma, rho = rng.uniform(0.01, 0.05), rng.uniform(0.0, 0.6)
    noise = sigma * _ar1(rng, len(days), rho)
    log_values = np.log(rng.uniform(1, 100)) + rng.uniform(-0.02, 0.04) * t + season + weekday + noise
    return days, log_values, (sigma, rho)


def make_short_dated(seed: int, kind: str | None = None) -> Series:
    """A dated series with no change that spans under two years: its yearly season cannot be read (the
    detector needs two cycles), so its swing looks like change. Monthly (12-23 months), weekly (26-103 weeks)
    or genuinely daily (180-700 days, read week by week), cut from `make_series` and `make_native_daily`;
    `kind` picks one, else the seed does."""
    rng = np.random.default_rng(seed)
    kind = kind or ("monthly", "weekly", "daily")[seed % 3]
    if kind == "monthly":
        values = make_series(seed, years=2, n_changes=0).series.values.iloc[: int(rng.integers(12, 24))]
        return Series(values, Frequency.MONTHLY, source=f"short-dated:{seed}")
    daily = make_native_daily(seed, years=2).values
    if kind == "daily":
        return Series(daily.iloc[: int(rng.integers(180, 701))], Frequency.DAILY, source=f"short-dated:{seed}")
    weeks = daily.resample("W-MON", label="left", closed="left").sum().iloc[1:-1]   # whole weeks only
    return Series(weeks.iloc[: int(rng.integers(26, 104))], Frequency.WEEKLY, source=f"short-dated:{seed}")


def _placed(rng: np.random.Generator, lo: int, hi: int, taken: list[int], gap: int
            ) -> tuple[int, float, float] | None:
    """A change's free position (added to `taken`), its size (5-12 noise units) and its sign, or None."""
    at = _free_position(rng, lo, hi, taken, gap)
    if at is None:
        return None
    taken.append(at)
    return at, rng.uniform(5, 12), rng.choice([-1.0, 1.0])


def _free_position(rng: np.random.Generator, lo: int, hi: int, taken: list[int], gap: int) -> int | None:
    """A position in [lo, hi) at least `gap` from every taken one (50 draws), or None."""
    for _ in range(50):
        at = int(rng.integers(lo, hi))
        if all(abs(at - other) >= gap for other in taken):
            return at
    return None


def _ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    """`n` steps of AR(1) noise with unit marginal variance."""
    e = rng.normal(0, 1, n)
    x = np.empty(n)
    x[0] = e[0]
    for i in range(1, n):
        x[i] = rho * x[i - 1] + np.sqrt(1 - rho**2) * e[i]
    return x
