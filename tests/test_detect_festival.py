"""The Spring Festival read week by week: its dip and recovery are no events, a change during it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from policytrace.detect import Detector, NodeKind
from policytrace.series import Frequency, Series
from policytrace.series.calendar import spring_festival_start

# how deep the festival pulls each year down: none in one year (as in Carbon Monitor's 2019 ground
# transport), deeper in others (2021's "stay where you work" travel rules)
DEPTHS = (0.0, 0.3, 0.4, 0.2)


def festive(seed: int, step: str | None = None, shock: tuple[str, str] | None = None, first: int = 2019,
            holiday=spring_festival_start) -> Series:
    """Four years of genuinely daily values whose festival dip falls from 12 days before the holiday to it
    and recovers over the 20 days after, by a depth that changes from year to year."""
    days = pd.date_range(f"{first}-01-01", f"{first + 3}-12-31", freq="D")
    rng = np.random.default_rng(seed)
    week = 1 + 0.05 * np.cos(np.arange(len(days)) * 2 * np.pi / 7)
    values = 100 * week * (1 + rng.normal(0, 0.02, len(days)))
    for year, depth in zip(range(first, first + 4), DEPTHS):
        after = (days - pd.Timestamp(holiday(year))).days.to_numpy()
        shape = np.clip(np.where(after < 0, 1 + after / 12, 1 - after / 20), 0, 1)
        values *= 1 - depth * shape
    if step is not None:
        values[days >= pd.Timestamp(step)] *= 0.8
    if shock is not None:
        values[(days >= pd.Timestamp(shock[0])) & (days < pd.Timestamp(shock[1]))] *= 0.5
    return Series(pd.Series(values, index=days), Frequency.DAILY)


def in_season(day) -> bool:
    day = pd.Timestamp(day)
    start = pd.Timestamp(spring_festival_start(day.year))
    return start - pd.Timedelta(days=15) <= day < start + pd.Timedelta(days=35)


@pytest.mark.parametrize("seed", range(3))
def test_a_festival_whose_depth_changes_by_year_is_no_change(seed):
    det = Detector().fit(festive(seed))
    assert det.working_.resolution == "weekly"
    assert not [n for n in det.nodes_ if n.kind in (NodeKind.EVENT, NodeKind.TREND)], det.nodes_


def lunar_new_year_eve(year: int):
    from lunardate import LunarDate

    return LunarDate(year, 1, 1).to_solar_date() - pd.Timedelta(days=1)


@pytest.mark.parametrize("seed", range(3))
def test_festivals_after_the_official_calendar_are_no_change_either(seed):
    # chinese_calendar knows the holidays up to 2026; later festivals fall where the lunar calendar puts them
    det = Detector().fit(festive(seed, first=2026, holiday=lunar_new_year_eve))
    assert not [n for n in det.nodes_ if n.kind in (NodeKind.EVENT, NodeKind.TREND)], det.nodes_


@pytest.mark.parametrize("seed", range(3))
def test_a_shock_that_starts_with_the_festival_and_outlasts_it_is_found_on_its_day(seed):
    # COVID-19's onset in 2020 fell on the festival: the shock is read where the data show it
    det = Detector().fit(festive(seed, shock=("2020-01-20", "2020-04-01")))
    onset = [n for n in det.nodes_ if n.kind is NodeKind.EVENT and n.direction == "down"
             and abs((pd.Timestamp(n.date) - pd.Timestamp("2020-01-20")).days) <= 7]
    assert onset, det.nodes_
    node = onset[0]
    assert -60 < node.change_pct < -40
    assert node.details["festival_season"]
    # the search did not read the season: the date interval spans it
    low, high = (pd.Timestamp(d) for d in node.interval)
    assert low <= pd.Timestamp("2020-01-10") and high >= pd.Timestamp("2020-02-28")


def test_a_step_inside_the_festival_season_is_found_with_an_interval_that_holds_it():
    det = Detector().fit(festive(0, step="2021-02-20"))
    (node,) = [n for n in det.nodes_ if n.kind is NodeKind.EVENT]
    assert in_season(node.date) and -25 < node.change_pct < -15
    low, high = (pd.Timestamp(d) for d in node.interval)
    assert low <= pd.Timestamp("2021-02-20") <= high


def test_the_report_says_why_such_an_interval_spans_the_season(tmp_path):
    from conftest import cli

    series = festive(1, shock=("2020-01-20", "2020-04-01"))
    csv = tmp_path / "traffic.csv"
    series.values.rename("value").rename_axis("date").reset_index().to_csv(csv, index=False)
    run = cli("report", "--series", str(csv), "-r", "安徽", "-s", "交通", "--format", "zh,en",
              "--out", str(tmp_path / "report"))
    assert run.returncode == 0, run.stderr
    zh = (tmp_path / "report" / "report.zh.md").read_text(encoding="utf-8")
    en = (tmp_path / "report" / "report.en.md").read_text(encoding="utf-8")
    assert zh.count("落在春节季内") == en.count("inside the Spring Festival season") == 1
