"""Working resolution and the Spring Festival calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import undated

from policytrace.detect.synth import make_series, make_undated
from policytrace.series import Frequency, Series
from policytrace.series.calendar import (is_month_disaggregated, national_day_holiday, repeating_period,
                                         spring_festival_regressors, spring_festival_season, spring_festival_start,
                                         working_resolution)


def test_month_spread_daily_series_is_recognised():
    spread = make_series(1, years=3, daily=True).series
    assert is_month_disaggregated(spread)
    work = working_resolution(spread)
    assert work.resolution == "monthly" and len(work) == 36 and work.period == 12
    assert (spread.values.index[work.starts].day == 1).all()
    # each working value is the mean of its month
    month = spread.values.iloc[work.starts[5]:work.stops[5]]
    assert work.values[5] == pytest.approx(month.mean())


def test_genuine_daily_series_is_read_as_weeks():
    days = pd.date_range("2020-01-01", periods=400, freq="D")
    values = pd.Series(100 + np.random.default_rng(0).normal(0, 1, 400), index=days)
    series = Series(values, Frequency.DAILY)
    assert not is_month_disaggregated(series)
    work = working_resolution(series)
    assert work.resolution == "weekly" and len(work) == 58 and work.starts[1] == 7


def test_spring_festival_dates_come_from_the_official_calendar():
    import chinese_calendar

    for year in (2019, 2020, 2021, 2022):
        start = spring_festival_start(year)
        assert dt.date(year, 1, 15) <= start <= dt.date(year, 2, 28)
        assert chinese_calendar.get_holiday_detail(start) == (True, "Spring Festival")
        # the day before is no festival holiday (it may be a working day moved for the festival)
        assert chinese_calendar.get_holiday_detail(start - dt.timedelta(days=1)) != (True, "Spring Festival")
    # outside the official calendar, the eve of the lunar New Year (the first day off in 16 of 23 years)
    from lunardate import LunarDate

    for year in (1990, 2027, 2035):
        assert spring_festival_start(year) == LunarDate(year, 1, 1).to_solar_date() - dt.timedelta(days=1)
    assert spring_festival_start(1899) is None   # outside the lunar calendar too: no guess


def test_festival_regressors_follow_the_moving_date():
    months = pd.date_range("2019-01-01", "2022-12-01", freq="MS")
    x = spring_festival_regressors(months, months + pd.offsets.MonthEnd(0))
    holiday = x[:, 0].reshape(4, 12)
    assert (holiday[:, 3:] == 0).all()           # nothing after March
    for k, year in enumerate(range(2019, 2023)):
        start = spring_festival_start(year)
        assert holiday[k, start.month - 1] > 0   # the holiday lies in the month the calendar says


def test_travel_season_regressor_covers_the_fortnight_before_the_holiday():
    days = pd.date_range("2021-01-01", "2021-04-30", freq="D")
    plain = spring_festival_regressors(days, days)
    x = spring_festival_regressors(days, days, travel=True)
    assert plain.shape == (len(days), 2) and x.shape == (len(days), 3)
    assert np.array_equal(x[:, :2], plain)
    start = pd.Timestamp(spring_festival_start(2021))
    travel = days[x[:, 2] > 0]
    assert travel[0] == start - pd.Timedelta(days=15) and travel[-1] == start - pd.Timedelta(days=1)


def test_festival_season_opens_with_the_travel_season_and_ends_after_the_recovery():
    weeks = pd.date_range("2019-01-01", "2022-12-31", freq="7D")
    inside = spring_festival_season(weeks, weeks + pd.Timedelta(days=6))
    for year in range(2019, 2023):
        start = pd.Timestamp(spring_festival_start(year))
        covered = weeks[inside & (weeks.year == year)]
        assert covered[0] <= start - pd.Timedelta(days=15) < covered[0] + pd.Timedelta(days=7)
        assert covered[-1] <= start + pd.Timedelta(days=34) < covered[-1] + pd.Timedelta(days=7)
        assert len(covered) in (7, 8, 9)              # 50 days, in the weeks that touch them
    assert not inside[(weeks.month >= 5) & (weeks.month <= 12)].any()


def test_undated_monthly_values_get_their_yearly_period():
    periods = [working_resolution(undated(make_series(seed).series.array)).period for seed in range(20)]
    assert periods.count(12) >= 17, periods
    assert set(periods) <= {12, 24, None}


def test_undated_series_without_a_repeating_pattern_get_none():
    rng = np.random.default_rng(3)
    assert repeating_period(np.cumsum(rng.normal(0, 1, 500))) is None          # a random walk
    assert repeating_period(np.full(60, 4.0)) is None
    found = [seed for seed in range(200) if repeating_period(make_undated(90_000 + seed).series.array)]
    assert len(found) <= 2, found


def test_national_day_holiday_covers_the_days_off_around_the_first_of_october():
    weeks = pd.date_range("2020-09-15", periods=6, freq="7D")   # Tuesdays
    inside = national_day_holiday(weeks, weeks + pd.Timedelta(days=6))
    # 2020: 1-8 October (National Day with Mid-Autumn), over the weeks of 29 Sep and 6 Oct
    assert inside.tolist() == [False, False, True, True, False, False]
    june = pd.date_range("2021-06-01", periods=4, freq="7D")
    assert not national_day_holiday(june, june + pd.Timedelta(days=6)).any()
    # after the official calendar: 1-7 October, as in 16 of its 23 years
    weeks = pd.date_range("2028-09-19", periods=4, freq="7D")   # from Tuesday 19 September
    inside = national_day_holiday(weeks, weeks + pd.Timedelta(days=6))
    assert inside.tolist() == [False, True, True, False]        # the weeks of 26 Sep and 3 Oct
