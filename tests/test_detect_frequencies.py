"""Every frequency, gaps, NaN, too-short input, and the synthetic generator's own promises."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from policytrace.detect import Detector, NodeKind, detect
from policytrace.detect.calibrate import default_calibration
from policytrace.detect.decompose import find_outliers, one_of_mirrors, seasonal_strength
from policytrace.detect.synth import (make_native_daily, make_native_daily_changes, make_null, make_quarterly,
                                     make_series, make_short_dated)
from policytrace.errors import InputError, TooShortError
from policytrace.series import Frequency, Series, read_series

STEP = {
    # daily over two years: under two cycles of a year only a change larger than a plausible season is
    # claimed (`Calibration.change_penalty_unread`), and this 12 % step in 400 days is not
    Frequency.DAILY: ("D", 800, 400),
    Frequency.WEEKLY: ("7D", 160, 80),
    Frequency.MONTHLY: ("MS", 96, 50),
    Frequency.QUARTERLY: ("QS", 48, 24),
    Frequency.ANNUAL: ("YS", 30, 15),
    Frequency.UNDATED: (None, 40, 20),
}


def stepped(freq: Frequency, seed: int = 0) -> tuple[Series, int]:
    alias, n, at = STEP[freq]
    values = 100 + np.random.default_rng(seed).normal(0, 1.0, n)
    values[at:] += 12
    index = pd.RangeIndex(n) if alias is None else pd.date_range("2001-01-01", periods=n, freq=alias)
    return Series(pd.Series(values, index=index), freq), at


def test_undated_seasonal_series_is_read_with_its_season():
    # monthly values with one level shift, given without dates: the season is found from the data,
    # so its peaks are not changes (without it, 26 of these 50 shifts were found, among 122 other nodes)
    found = others = 0
    for seed in range(80_000, 80_020):
        sample = make_series(seed, n_changes=1, kinds=("event",))
        series = Series(pd.Series(sample.series.array), Frequency.UNDATED, source="u.csv")
        det = Detector().fit(series)
        assert det.working_.period in (12, 24)
        hits = [n for n in det.nodes_ if n.kind is NodeKind.EVENT and abs(n.index - sample.truth[0].index) <= 1]
        found += bool(hits)
        others += len(det.nodes_) - len(hits)
    assert found >= 18 and others <= 12, (found, others)


@pytest.mark.parametrize("freq", list(STEP))
def test_each_frequency_finds_a_step(freq):
    series, at = stepped(freq)
    nodes = [n for n in detect(series) if n.kind is NodeKind.EVENT]
    assert nodes, freq
    tolerance = 7 if freq is Frequency.DAILY else 1   # genuine daily data are searched as weeks
    assert abs(nodes[0].index - at) <= tolerance and nodes[0].direction == "up"
    assert nodes[0].date == series.label(nodes[0].index)


def test_daily_values_spread_from_months_are_read_as_months():
    sample = make_series(11, years=4, n_changes=0, daily=True)
    det = Detector().fit(sample.series)
    assert det.working_.resolution == "monthly" and det.working_.disaggregated
    first_days = {n.date[-2:] for n in det.nodes_}
    # month starts are artefacts: with no change there must be no event node at all
    assert not [n for n in det.nodes_ if n.kind is NodeKind.EVENT], (det.nodes_, first_days)


def test_daily_shock_reported_at_month_start_with_duration_in_days():
    sample = make_series(3, years=4, n_changes=1, kinds=("shock",), daily=True)
    truth = sample.truth[0]
    nodes = [n for n in detect(sample.series) if n.kind is NodeKind.EVENT]
    assert any(abs(n.index - truth.index) <= 31 for n in nodes), (nodes, truth)


def test_gaps_are_bridged_and_dates_kept():
    series, at = stepped(Frequency.MONTHLY, seed=3)
    values = series.values.copy()
    values.iloc[[10, 11, 30, 70]] = np.nan
    nodes = detect(Series(values, Frequency.MONTHLY))
    events = [n for n in nodes if n.kind is NodeKind.EVENT]
    assert events and abs(events[0].index - at) <= 1


def without_january_february(series: Series) -> Series:
    """As NBS publishes monthly statistics: January and February only as their sum, so both months missing."""
    values = series.values.copy()
    values[values.index.month <= 2] = np.nan
    return Series(values, series.frequency, source="nbs-style")


def test_a_step_just_after_a_gap_is_one_event_over_the_gap():
    # a line across the gap turned the step into a ramp: two trend turns (+10%, then -38%) where the data
    # hold one +20% step
    for seed in range(5):
        sample = make_series(81_000 + seed, years=6, n_changes=0)
        values = sample.series.values.copy()
        values.iloc[26:] *= 1.2                  # from March 2021 (the series starts in a January)
        series = without_january_february(Series(values, Frequency.MONTHLY))
        nodes = [n for n in detect(series) if n.kind in (NodeKind.EVENT, NodeKind.TREND)]
        assert len(nodes) == 1 and nodes[0].kind is NodeKind.EVENT, nodes
        node = nodes[0]
        assert 16 <= node.change_pct <= 24 and node.details["after_gap"]
        assert node.interval[0] <= series.label(24) and node.interval[1] >= series.label(26), node


def test_missing_months_every_year_are_not_changes():
    # filled by a line, the gaps' smooth differences shrank the noise scale: 35 of 150 such no-change
    # series showed an event or a turn (bench/README.md, round 11)
    busy = []
    for seed in range(82_000, 82_030):
        nodes = detect(without_january_february(make_series(seed, n_changes=0).series))
        busy += [seed] if any(n.kind in (NodeKind.EVENT, NodeKind.TREND) for n in nodes) else []
    assert len(busy) <= 2, busy


def test_a_year_or_two_missing_is_no_change_and_a_step_across_it_is_sure():
    # filled by a line, a long gap had no season: the swing seemed to fade and return (a seasonal node at
    # each end), and the missing months, counted as data, shrank the outlier test's scale
    busy = []
    for seed in range(83_000, 83_040):
        values = make_series(seed, n_changes=0).series.values.copy()
        start = 30 + seed % 90
        values.iloc[start:start + 12 + seed % 13] = np.nan
        if detect(Series(values, Frequency.MONTHLY)):
            busy.append(seed)
    assert len(busy) <= 2, busy
    values = make_series(83_100, n_changes=0).series.values.copy()
    values.iloc[80:] *= 1.3
    values.iloc[60:80] = np.nan
    (node,) = detect(Series(values, Frequency.MONTHLY))
    # the gap makes the date uncertain (the interval spans it), not the change
    assert node.details["after_gap"] and node.interval_index == (60, 80) and node.confidence >= 0.9, node


def test_genuinely_daily_series_without_change_show_no_node():
    # read week by week with the short-event limit set for series spread from months, 24 of 60 such
    # series showed a one-week event; the limit is now widened for weekly reads (calibration.json)
    busy = [seed for seed in range(83_000, 83_040) if detect(make_native_daily(seed))]
    assert len(busy) <= 2, busy   # 10 of these 40 before


@pytest.mark.parametrize("day_of_week", [1, 3, 5, 6])
def test_a_daily_step_read_week_by_week_is_inside_its_date_interval(day_of_week):
    # a step late in a working week shows in the next week's mean: the interval had held only that week
    rng = np.random.default_rng(day_of_week)
    at = 7 * 80 + day_of_week   # working weeks count from the first day
    values = 100 * (1 + rng.normal(0, 0.03, 3 * 365))
    values[at:] *= 0.8
    series = Series(pd.Series(values, index=pd.date_range("2019-01-01", periods=len(values), freq="D")),
                    Frequency.DAILY)
    (node,) = detect(series)
    lo, hi = node.interval_index
    assert node.kind is NodeKind.EVENT and lo <= at <= hi and hi - lo < 21, (node.date, node.interval)


def test_a_deeper_national_day_is_no_event_and_a_step_there_is_found():
    # the holiday's dip changes from year to year (eight days with Mid-Autumn in 2020): read week by week,
    # a deeper one was a -8 to -14% event in 5 of these 10 series
    for seed in range(84_000, 84_010):
        series = make_native_daily(seed, years=4, start="2019-01-01")
        values = series.values.copy()
        for year, depth, last in ((2019, 0.9, 7), (2020, 0.75, 8), (2021, 0.9, 7), (2022, 0.9, 7)):
            values[f"{year}-10-01":f"{year}-10-0{last}"] *= depth
        assert not detect(Series(values, series.frequency)), seed
        values["2021-10-04":] *= 0.8
        (node,) = detect(Series(values, series.frequency))
        assert node.details["national_day"] and node.interval[0] <= "2021-10-04" <= node.interval[1]
        assert -24 < node.change_pct < -16


def test_undated_file_keeps_its_own_numbering_and_gaps(tmp_path):
    rng = np.random.default_rng(4)
    rows = [f"{t},{100 + rng.normal(0, 1) + (12 if t >= 121 else 0):.3f}" for t in range(101, 161) if t != 117]
    path = tmp_path / "numbered.csv"
    path.write_text("date,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.UNDATED and series.meta["gaps"] == 1
    assert np.isnan(series.values.loc[117]) and series.label(0) == "101"
    events = [n for n in detect(series) if n.kind is NodeKind.EVENT]
    assert [n.date for n in events] == ["121"]


def test_days_written_without_separators_are_dates_not_numbers(tmp_path):
    # 20200131 then 20200201: read as numbers, the month turn would be a gap of 70 positions
    days = pd.date_range("2020-01-01", periods=90, freq="D")
    path = tmp_path / "compact.csv"
    path.write_text("date,value\n" + "".join(f"{d:%Y%m%d},{10 + i % 7}\n" for i, d in enumerate(days)),
                    encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.DAILY and len(series) == 90 and series.meta["gaps"] == 0
    assert series.label(31) == "2020-02-01"


@pytest.mark.parametrize("freq", [f for f in STEP if f is not Frequency.UNDATED])
def test_full_dates_give_the_frequency_they_are_spaced_at(tmp_path, freq):
    # month starts written as 2019-01-01 (as Carbon Monitor's monthly file has them) are months, not days
    # with 30 gaps between: the spacing was read in the wrong time unit and every such file became daily
    alias, n, _ = STEP[freq]
    days = pd.date_range("2019-01-01", periods=n, freq=alias)
    path = tmp_path / "iso.csv"
    path.write_text("date,value\n" + "".join(f"{d:%Y-%m-%d},{10 + i % 5}\n" for i, d in enumerate(days)),
                    encoding="utf-8")
    series = read_series(path)
    assert series.frequency is freq and len(series) == n and series.meta["gaps"] == 0


@pytest.mark.parametrize("written", ["{y}年第{zh}季度", "{y}年{q}季度", "{y}年{zh}季度", "{y}-Q{q}", "{y}Q{q}"])
def test_quarters_as_chinese_statistics_write_them(tmp_path, written):
    path = tmp_path / "q.csv"
    rows = [written.format(y=2015 + i // 4, q=i % 4 + 1, zh="一二三四"[i % 4]) for i in range(24)]
    path.write_text("日期,排放量\n" + "".join(f"{r},{10 + i % 3}\n" for i, r in enumerate(rows)), encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.QUARTERLY and len(series) == 24 and series.meta["gaps"] == 0
    assert series.label(5) == "2016Q2"


@pytest.mark.parametrize("written", ["{y}{m:02d}", "{y}M{m:02d}", "{y}.{m}"])
def test_months_as_downloads_write_them(tmp_path, written):
    # 201503 had been read as an undated integer: 412 positions for 60 months, 352 of them gaps
    rows = [written.format(y=2015 + i // 12, m=i % 12 + 1) for i in range(60)]
    path = tmp_path / "m.csv"
    path.write_text("date,value\n" + "".join(f"{r},{10 + i % 3}\n" for i, r in enumerate(rows)), encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.MONTHLY and len(series) == 60 and series.meta["gaps"] == 0
    assert series.label(14) == "2016-03"


@pytest.mark.parametrize("freq, step, label", [
    ("ME", "month", "2016-03"), ("QE", "quarter", "2018Q3"), ("YE", "year", "2029"),   # Wind's and CEIC's period ends
    ("SMS", None, None),   # the 1st and the 15th: no period policytrace reads
])
def test_a_period_dated_by_its_last_day_is_that_period(tmp_path, freq, step, label):
    # month ends had been refused ("must be the first of each month"), quarter and year ends "did not fit"
    days = pd.date_range("2015-01-01", periods=60, freq=freq)
    path = tmp_path / "ends.csv"
    path.write_text("date,value\n" + "".join(f"{d.date()},{10 + i % 3}\n" for i, d in enumerate(days)),
                    encoding="utf-8")
    if step is None:
        with pytest.raises(InputError, match="about 1[45] days apart") as err:
            read_series(path)
        assert err.value.column == "date"
        # about a month apart, but two days in one month: the second is named
        path.write_text("date,value\n" + "".join(f"{d.date()},{10 + i % 3}\n" for i, d in enumerate(
            pd.date_range("2015-01-31", periods=60, freq="ME").insert(3, pd.Timestamp("2015-04-01")))),
            encoding="utf-8")
        with pytest.raises(InputError, match="2015-04-01 and 2015-04-30 fall in the same month") as err:
            read_series(path)
        assert err.value.row == 6 and err.value.column == "date"
        return
    series = read_series(path)
    assert series.frequency.value == {"month": "monthly", "quarter": "quarterly", "year": "annual"}[step]
    assert len(series) == 60 and series.meta["gaps"] == 0 and series.label(14) == label


@pytest.mark.parametrize("written", ["{y}年{zh}月", "{fw}"])
def test_months_in_chinese_numerals_and_full_width_figures(tmp_path, written):
    zh = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
    full_width = str.maketrans("0123456789-.", "０１２３４５６７８９－．")
    rows = [written.format(y=2015 + i // 12, zh=zh[i % 12],
                           fw=f"{2015 + i // 12}-{i % 12 + 1:02d}".translate(full_width)) for i in range(60)]
    path = tmp_path / "m.csv"
    path.write_text("日期,排放量\n" + "".join(f"{r},{f'{10.5 + i % 3}'.translate(full_width)}\n"
                                         for i, r in enumerate(rows)), encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.MONTHLY and len(series) == 60 and series.label(22) == "2016-11"
    assert series.values.iloc[:3].tolist() == [10.5, 11.5, 12.5]


@pytest.mark.parametrize("written", ["{y}", "{y}年", "{y}年度", "{y}.0"])
def test_years_as_statistics_write_them(tmp_path, written):
    # 2019年度 had been refused ("cannot read '2000年度' as a date")
    path = tmp_path / "y.csv"
    path.write_text("年份,排放量\n" + "".join(f"{written.format(y=y)},{100 + 30 * (y > 2010)}\n"
                                         for y in range(2000, 2020)), encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.ANNUAL and len(series) == 20 and series.label(11) == "2011"


@pytest.mark.parametrize("newest_first", [False, True])
def test_months_typed_as_numbers_keep_october(tmp_path, newest_first):
    # a spreadsheet keeps 2019.10 as the number 2019.1, January's: the file had been refused, "appears twice"
    rows = [f"{2018 + i // 12}.{i % 12 + 1}".replace(".10", ".1") for i in range(48)]
    lines = [f"{r},{100 + i % 12}" for i, r in enumerate(rows)]
    path = tmp_path / "m.csv"
    path.write_text("date,value\n" + "\n".join(lines[::-1] if newest_first else lines) + "\n", encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.MONTHLY and len(series) == 48 and series.meta["gaps"] == 0
    assert series.values["2019-10-01"] == 109 and series.values["2019-01-01"] == 100


def test_a_unit_written_in_the_cells_is_named_in_the_error(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("date,value\n2015-01,12.5\n2015-02,13.1万吨\n", encoding="utf-8")
    with pytest.raises(InputError, match="write the unit '万吨' in the column's heading") as err:
        read_series(path)
    assert err.value.row == 3 and err.value.column == "value"
    # a date chosen as the value is no number with a unit: "write the unit '-01' in the column's heading"
    with pytest.raises(InputError, match="value '2015-01' is not a number$"):
        read_series(path, value_column="date")


@pytest.mark.parametrize("written, freq", [
    ("%d.%m.%Y", "MS"),   # 01.02.2015 is 1 February: read month first it had made 72 months 1,838 days
    ("%d/%m/%Y", "MS"), ("%m/%d/%Y", "MS"),   # UK and US: told apart by their spacing
    ("%d.%m.%Y", "D"), ("%m/%d/%Y", "D"), ("%d-%m-%Y", "D"),   # a day over 12 says which is which
    ("%b-%y", "MS"), ("%b %y", "MS"),   # spreadsheets' Jan-15: read by pandas as 15 January of year 1
])
def test_days_and_months_in_either_order_and_named_months(tmp_path, written, freq):
    days = pd.date_range("2015-01-01", periods=72, freq=freq)
    path = tmp_path / "d.csv"
    path.write_text("date,value\n" + "".join(f"{d.strftime(written)},{10 + i % 3}\n" for i, d in enumerate(days)),
                    encoding="utf-8")
    series = read_series(path)
    assert series.frequency is (Frequency.MONTHLY if freq == "MS" else Frequency.DAILY), series
    assert len(series) == 72 and series.meta["gaps"] == 0
    assert pd.Timestamp(series.values.index[14]) == days[14]


@pytest.mark.parametrize("written, said", [("2019-02-29", "'2019-02-29' is no such date (day is out of range for month)"),
                                            ("2019-13", "'2019-13' is no such date (month must be in 1..12)")])
def test_a_date_that_does_not_exist_is_said_to_be_none(tmp_path, written, said):
    # it had been told to write its date as 2020-03-15, which it was
    path = tmp_path / "d.csv"
    first = "2019-02-16" if written.count("-") == 2 else "2018-01"
    dates = pd.date_range(first, periods=12, freq="D" if written.count("-") == 2 else "MS")
    fmt = "%Y-%m-%d" if written.count("-") == 2 else "%Y-%m"
    path.write_text("date,value\n" + "".join(f"{d.strftime(fmt)},{i}\n" for i, d in enumerate(dates))
                    + f"{written},1\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(said)) as err:
        read_series(path)
    assert err.value.row == 14


def test_day_month_dates_among_iso_dates_take_the_columns_order(tmp_path):
    # a year pasted in from a European sheet: cell by cell, 05.01.2019 had been read as 1 May (no error: the
    # swapped days of 2019 met no other), and alternating notations had said "date 01.03.2019 appears twice"
    days = pd.date_range("2019-01-01", periods=730, freq="D")
    written = [d.strftime("%d.%m.%Y") if d.year == 2019 else d.strftime("%Y-%m-%d") for d in days]
    path = tmp_path / "mixed.csv"
    path.write_text("date,value\n" + "".join(f"{w},{100 + (d == days[4]) * 50}\n" for w, d in zip(written, days)),
                    encoding="utf-8")
    series = read_series(path)
    assert len(series) == 730 and series.meta["gaps"] == 0
    assert series.values.idxmax() == pd.Timestamp("2019-01-05")
    alternating = [d.strftime("%d.%m.%Y") if i % 2 else d.strftime("%Y-%m-%d") for i, d in enumerate(days[:60])]
    path.write_text("date,value\n" + "".join(f"{w},100\n" for w in alternating), encoding="utf-8")
    assert len(read_series(path)) == 60


def test_a_spreadsheets_day_numbers_in_a_date_column_are_dates(tmp_path):
    # Excel saves a date as its day number (42005 is 2015-01-01); read as positions, 72 months had been
    # 2,162 points, 2,090 of them gaps
    months = pd.date_range("2015-01-01", periods=72, freq="MS")
    path = tmp_path / "serial.csv"
    path.write_text("date,value\n" + "".join(f"{(d - pd.Timestamp('1899-12-30')).days},{10 + i % 3}\n"
                                             for i, d in enumerate(months)), encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.MONTHLY and len(series) == 72 and series.label(0) == "2015-01"
    # the same numbers headed as a period, not a date, are positions, as any integers are
    path.write_text(path.read_text(encoding="utf-8").replace("date,", "period,", 1), encoding="utf-8")
    assert read_series(path).frequency is Frequency.UNDATED


def test_a_date_read_into_an_impossible_year_is_an_error_naming_its_row(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("date,value\n2015-01-01,1\n15-Jan,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot read '15-Jan' as a date") as err:
        read_series(path)
    assert err.value.row == 3 and err.value.column == "date"


@pytest.mark.parametrize("heading, written", [("week", "{y}-W{w:02d}"), ("周", "{y}年第{w}周"), ("week", "{y}W{w:02d}"),
                                              ("week", "{monday}")])
def test_weeks_as_they_are_written(tmp_path, heading, written):
    # ISO weeks across the 53-week 2020: each is read as its Monday, one week apart, no gap
    mondays = pd.date_range("2019-12-30", periods=60, freq="7D")
    rows = [written.format(y=d.isocalendar()[0], w=d.isocalendar()[1], monday=d.date()) for d in mondays]
    path = tmp_path / "w.csv"
    path.write_text(f"{heading},value\n" + "".join(f"{r},{10 + i % 3}\n" for i, r in enumerate(rows)), encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.WEEKLY and len(series) == 60 and series.meta["gaps"] == 0
    assert series.values.index[53] == pd.Timestamp("2021-01-04")   # 2020-W53 is followed by 2021-W01


@pytest.mark.parametrize("columns, written, frequency", [
    (("年份", "月份"), lambda d: (f"{d.year}年", f"{d.month}月"), Frequency.MONTHLY),
    (("year", "month"), lambda d: (d.year, d.month), Frequency.MONTHLY),
    (("年份", "季度"), lambda d: (d.year, f"第{'一二三四'[d.quarter - 1]}季度"), Frequency.QUARTERLY),
    (("year", "quarter"), lambda d: (d.year, f"Q{d.quarter}"), Frequency.QUARTERLY)])
def test_a_date_split_into_year_and_month_columns_is_joined(tmp_path, columns, written, frequency):
    # statistical exports often write 年份,月份,排放量: read as dates, the years or the months each repeat, and
    # the reader had advised keeping the rows of one year (--where 年份=2016)
    step = "MS" if frequency is Frequency.MONTHLY else "QS"
    dates = pd.date_range("2012-01-01", periods=60, freq=step)
    cells = [written(d) for d in dates]
    values = np.r_[np.full(30, 100.0), np.full(30, 125.0)] * (1 + np.random.default_rng(1).normal(0, 0.01, 60))
    frame = pd.DataFrame({columns[0]: [c[0] for c in cells], columns[1]: [c[1] for c in cells], "发电量": values})
    frame.to_csv(tmp_path / "split.csv", index=False)
    series = read_series(tmp_path / "split.csv")
    assert series.frequency is frequency and len(series) == 60 and series.meta["gaps"] == 0
    assert series.values.index[0] == dates[0] and series.values.iloc[-1] == pytest.approx(values[-1])
    node = detect(series)[0]
    assert node.kind is NodeKind.EVENT and abs(node.index - 30) <= 1 and node.direction == "up"


@pytest.mark.parametrize("heading", ["季度", "quarter", "统计期"])
def test_a_date_column_named_by_its_period(tmp_path, heading):
    # a quarterly table headed 季度,排放量(吨) had "no date column found"
    path = tmp_path / "q.csv"
    rows = [f"{2015 + i // 4}年第{'一二三四'[i % 4]}季度" for i in range(24)]
    body = "".join(f"{r},{10 + i % 3}\n" for i, r in enumerate(rows))
    path.write_text(f"{heading},排放量(吨)\n" + body, encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.QUARTERLY and len(series) == 24


@pytest.mark.parametrize("sep, written", [("\t", "{:.1f}"), ("|", "{:.1f}"), (";", "european")])
def test_tab_semicolon_and_bar_separated_files_are_read(tmp_path, sep, written):
    # a European spreadsheet's CSV export has semicolons and writes 1235.5 as 1.235,5
    def cell(v):
        return f"{v:,.1f}".translate(str.maketrans(",.", ".,")) if written == "european" else written.format(v)

    path = tmp_path / "sep.csv"
    path.write_text(f"date{sep}value\n" + "".join(f"2020-{m:02d}{sep}{cell(1234.5 + m)}\n" for m in range(1, 13)),
                    encoding="utf-8")
    assert written != "european" or "1.235,5" in path.read_text(encoding="utf-8")
    series = read_series(path)
    assert series.frequency is Frequency.MONTHLY and series.values.iloc[0] == 1235.5
    assert series.values.iloc[-1] == 1246.5


def test_too_short_is_a_clear_error():
    short = Series(pd.Series([1.0, 2, 3, 4, 5]), Frequency.UNDATED, source="tiny.csv")
    with pytest.raises(TooShortError, match="tiny.csv.*at least 8"):
        detect(short)
    mostly_missing = Series(pd.Series([1.0, np.nan, np.nan, 2, np.nan, 3, np.nan, np.nan, 4, 5]),
                            Frequency.UNDATED)
    with pytest.raises(TooShortError):
        detect(mostly_missing)


def test_no_change_series_rarely_yield_a_node():
    # The shipped penalty is chosen for <= ~5% over many seeds (bench/detect_synthetic.py);
    # here 12 seeds must not look like a detector that fires on noise.
    fired = sum(bool(detect(make_null(seed, seasonal=False, n=120))) for seed in range(500, 512))
    assert fired <= 2


def test_no_change_daily_series_spread_from_months_rarely_yield_a_node():
    def fired(detector: Detector) -> int:
        return sum(bool(detector.fit(make_series(seed, years=4 + seed % 4, n_changes=0, daily=True).series).nodes_)
                   for seed in range(900, 940))

    # a whole month off is tested at 5% against a scale the season fitted over a few years cannot shrink
    default = fired(Detector())
    assert default <= 2   # 5% of 40
    # the option still reaches the test: the residual's own MAD, shrunk by the fitted season, fires more
    assert fired(Detector(short_events="nominal")) > default


def test_short_seasonal_series_have_their_own_penalty_and_rarely_a_node_without_change():
    # under 100 periods autocorrelation is not measured and a season from few cycles shrinks the noise
    # scale: with the penalty of long series, 14 of these 100 four-to-eight-year series showed a node
    cal = default_calibration()
    short = Detector().fit(make_series(1000, years=5, n_changes=0).series)
    assert short.penalty_ == pytest.approx(cal.change_penalty_short_seasonal * np.log(60))
    long = Detector().fit(make_series(1000, years=14, n_changes=0).series)
    assert long.penalty_ == pytest.approx(cal.native_penalty(168) * long.long_run_factor_)
    fired = sum(bool(detect(make_series(seed, years=4 + seed % 5, n_changes=0).series)) for seed in range(1000, 1100))
    assert fired <= 8


def test_native_penalty_is_fitted_length_by_length_and_held_inside_the_calibrated_lengths():
    cal = default_calibration()
    shortest, longest = cal.change_penalty_lengths
    # beyond the calibrated lengths the penalty is that of the nearest one, never extrapolated (the fitted
    # line falls with ln n and would reach zero)
    assert cal.native_penalty(20 * longest) == pytest.approx(cal.native_penalty(longest))
    assert cal.native_penalty(longest) > 0
    assert cal.native_penalty(shortest // 2) == pytest.approx(cal.native_penalty(shortest))
    for n in (40, 400):
        det = Detector().fit(make_null(2000 + n, n=n, seasonal=False))
        assert det.rule_ == "native"
        assert det.penalty_ == pytest.approx(cal.native_penalty(n) * det.long_run_factor_)
    # a penalty the user gives is still β·ln n
    det = Detector(penalty=5.0).fit(make_null(2400, n=400, seasonal=False))
    assert det.penalty_ == pytest.approx(5.0 * np.log(400) * det.long_run_factor_)
    assert Detector().fit(make_series(1000, years=5, n_changes=0).series).rule_ == "short_seasonal"
    assert Detector().fit(make_series(1000, years=4, n_changes=0, daily=True).series).rule_ == "aggregated"


def test_short_seasonal_series_take_the_outlier_scale_from_cycles_apart():
    # A season read from two or three cycles takes a third to a half of each period's noise, so the
    # residual's own scale is too small: with it, 10 of these 60 no-change series showed a node
    # (bench/detect_lengths.py: 23 % and 24 % of two- and three-year ones), 4 with differences a cycle apart.
    fired = sum(bool(detect(make_series(seed, years=2 + seed % 2, n_changes=0).series)) for seed in range(1100, 1160))
    assert fired <= 6


def test_dated_series_under_two_cycles_take_a_penalty_their_unread_season_cannot_pass():
    # Under two cycles the season cannot be read, and its swing looks like change: with the penalties of
    # longer series, 66 of these 90 no-change series (monthly 12-23 months, weekly 26-103 weeks, daily
    # 180-700 days) showed a node at a mean confidence of ~0.8. 8 with the calibrated unread penalties.
    cal = default_calibration()
    assert set(cal.change_penalty_unread) == {"monthly", "weekly"}
    before = dataclasses.replace(cal, change_penalty_unread={}, outlier_inflation_unread=None)
    now = then = 0
    for seed in range(3000, 3090):
        series = make_short_dated(seed)
        det = Detector().fit(series)
        assert det.rule_ == "unread"
        assert det.penalty_ == pytest.approx(
            cal.change_penalty_unread[det.working_.resolution] * np.log(len(det.path_)) * det.long_run_factor_)
        now += bool(det.nodes_)
        then += bool(Detector(calibration=before).fit(series).nodes_)
    assert now <= 12 and then >= 45, (now, then)
    # a change larger than a seasonal swing is still found: a 40 % fall in 18 months (14 of 20 when written)
    found = 0
    for seed in range(20):
        values = make_series(seed, years=2, n_changes=0).series.values.iloc[:18].copy()
        values.iloc[9:] *= 0.6
        nodes = detect(Series(values, Frequency.MONTHLY))
        found += any(n.kind is NodeKind.EVENT and n.direction == "down" and abs(n.index - 9) <= 1 for n in nodes)
    assert found >= 10, found


def test_long_seasonal_series_take_an_outlier_widening_of_their_own():
    # The robust STL season follows the small residuals and not the large ones, so the residual's scale
    # shrinks while its extremes stay: seasonal no-change series need a widening of ~1.5 where series without
    # a season need ~1.0. One widening for both had let 3-4 % of the seasonal ones show an outlier.
    cal = default_calibration()
    assert cal.outlier_inflation_seasonal > cal.outlier_inflation
    unwidened = dataclasses.replace(cal, outlier_inflation_seasonal=None)
    own = pooled = 0
    for seed in range(3000, 3100):
        series = make_series(seed, years=9 + seed % 4, n_changes=0).series
        det = Detector().fit(series)
        assert det.rule_ == "seasonal" and det.penalty_ == pytest.approx(
            cal.native_penalty(len(det.path_)) * det.long_run_factor_)
        own += any(n.kind == NodeKind.OUTLIER for n in det.nodes_)
        pooled += any(n.kind == NodeKind.OUTLIER for n in Detector(calibration=unwidened).fit(series).nodes_)
    assert own <= 3 and pooled >= 20, (own, pooled)   # 2 and 35 when written


def test_two_years_of_seasonal_values_are_read_with_their_season():
    # Exactly two cycles (2019-2020 in Cui et al.'s provincial data) had been read without a season: each
    # spring rise and autumn fall was a step. On 100 no-change series of two years (seeds 7,000,000+),
    # monthly: 86 showed a node before, 23 with the season; with the outlier scale read a cycle apart and the
    # noise as at eight cycles, 7 % of 200 (seeds 11,000,000+, bench/detect_lengths.py); daily spread from
    # months (50): 30 before, 2 with the season.
    monthly = [make_series(seed, years=2, n_changes=0).series for seed in range(920, 940)]
    assert sum(bool(detect(s)) for s in monthly) <= 4
    daily = [make_series(seed, years=2, n_changes=0, daily=True).series for seed in range(940, 950)]
    assert sum(bool(detect(s)) for s in daily) <= 1
    # the season is the two years' mean, so a step in the second year reads partly as its mirror in the
    # first: whatever is found says so
    sample = make_series(950, years=2, n_changes=0)
    values = sample.series.values.copy()
    values.iloc[14:] *= 1.4
    nodes = detect(Series(values, Frequency.MONTHLY))
    assert nodes and all(n.details.get("season_two_cycles") and not n.details.get("season_unread")
                         for n in nodes), nodes
    assert not any(n.details.get("season_two_cycles") for n in detect(make_series(951, years=3).series))


def test_a_month_far_off_in_two_years_is_placed_in_its_own_year_not_hidden_in_the_season():
    # At two cycles each month's season is the mean of two values, so a month far off and its mirror a year
    # away are equally far off. Robust STL then gave both zero weight and its loess took each value as its own
    # season: Cui et al.'s Hubei industry lost March 2020's -76 % entirely. Written: a node at the month in
    # 9 of 10 seeds, none at its mirror; before, 0 and 0; with the season held but no mirror rule, 9 and 9.
    found = mirrored = 0
    for seed in range(10):
        sample = make_series(990 + seed, years=2, n_changes=0, noise=0.02)
        values = sample.series.values.copy()
        values.iloc[14] *= 0.4
        det = Detector().fit(Series(values, Frequency.MONTHLY))
        assert np.allclose(det.seasonal_[:12], det.seasonal_[12:])   # one season, held for both years
        at = [n for n in det.nodes_ if n.index == 14 and n.direction == "down"]
        found += bool(at)
        mirrored += any(n.index == 2 for n in det.nodes_)
        # the node names the other candidate, a cycle away
        assert all(n.details["mirror_date"] == values.index[2].strftime("%Y-%m") for n in at), at
    assert found >= 8 and mirrored == 0, (found, mirrored)


def test_a_month_far_off_in_two_years_of_daily_values_spread_from_months_is_reported():
    # Such a month is a one-month event placed and tested as an outlier. Read with the events' weight for
    # few cycles, fitted on steps a season can hide, it stated ~0.15 and went unreported (Cui et al.'s Hubei
    # industry, March 2020, -73 %). Written: reported in 8 of 10 seeds; before, 2.
    reported = 0
    for seed in range(10):
        sample = make_series(990 + seed, years=2, n_changes=0, daily=True, noise=0.02)
        values = sample.series.values.copy()
        march = (values.index.year == values.index[0].year + 1) & (values.index.month == 3)
        values[march] *= 0.4
        nodes = Detector().fit(Series(values, Frequency.DAILY)).nodes_
        reported += any(n.kind is NodeKind.EVENT and n.direction == "down" and n.index == int(np.argmax(march))
                        for n in nodes)
    assert reported >= 7, reported


def test_a_step_late_in_two_years_of_genuinely_daily_data_is_found():
    # Read week by week from two cycles, 52 phase means each took half of a step late in the second year.
    # A few harmonics read around the fitted level do not. Written: found in 10 of 10 seeds; before, 4.
    # The step's mirror a year earlier still shows in 6 (as before): two cycles cannot say which year is off.
    found = 0
    for seed in range(10):
        values = make_native_daily(500 + seed, years=2).values.copy()
        values.iloc[600:] *= 1.15
        det = Detector().fit(Series(values, Frequency.DAILY))
        assert det.working_.resolution == "weekly" and det.long_run_factor_ == 1.0
        found += any(n.kind is NodeKind.EVENT and n.direction == "up" and abs(n.index - 600) <= 28 for n in det.nodes_)
    assert found >= 9, found


def test_two_neighbours_off_together_are_a_pair_of_outliers():
    rng = np.random.default_rng(3)
    signal = rng.normal(0, 0.1, 200)
    signal[50:52] += 0.35          # each under the limit alone (about 0.4), together far over it
    signal[120:123] += 0.35        # three in a row: no pair
    signal[160], signal[161] = 0.35, -0.35   # opposite signs cancel
    flat = np.zeros(200)
    assert not find_outliers(signal, 0.05, flat)[0].size
    assert find_outliers(signal, 0.05, flat, pairs=True)[0].tolist() == [50, 51]


def test_a_week_long_event_across_two_working_weeks_is_one_event():
    # Read week by week, a week-long event falls in two weeks six times in seven. Here it starts on the fourth
    # day of a working week (a 30 % drop): one event of both weeks in 1 of 10 seeds before pairs (anything
    # within a week of it in 3), since neither week alone passed the outlier test.
    found = 0
    for seed in range(10):
        values = make_native_daily(700 + seed, years=3).values.copy()
        start = 504 + 3   # working weeks start on the series' weekday: day 504 opens one
        values.iloc[start:start + 7] *= 0.7
        det = Detector().fit(Series(values, Frequency.DAILY))
        assert det.working_.resolution == "weekly" and int(det.working_.starts[72]) == 504
        found += any(n.kind is NodeKind.EVENT and n.direction == "down" and n.index == 504 and n.duration == 14
                     for n in det.nodes_)
    assert found >= 9, found


def test_a_phase_with_one_value_far_off_keeps_its_season():
    # three years read week by week: a week 40 % down left every value of its phase without weight, and STL
    # then took each value as its own season, the drop with it
    rng = np.random.default_rng(0)
    weeks = np.arange(156)
    values = 0.1 * np.sin(2 * np.pi * weeks / 52) + rng.normal(0, 0.01, 156)
    values[72] -= 0.5
    seasonal, _, _ = seasonal_strength(values, 52)
    assert abs(seasonal[72] - seasonal[20]) < 0.05 and abs(seasonal[72] - seasonal[124]) < 0.05


def test_an_outlier_moves_to_its_mirror_only_where_that_one_is_read():
    values = np.zeros(24)
    values[14] = -1.0                       # far off in the second cycle
    seasonal = np.where(np.arange(24) % 12 == 2, -0.5, 0.0)   # the two cycles' mean
    at, _, season, mirrors = one_of_mirrors(np.array([2]), np.array([0.0]), values, seasonal, 12)
    assert at.tolist() == [14] and mirrors == {14: 2} and season[2] == season[14] == 0.0
    unread = np.arange(24) == 14            # a holiday week or a gap is never taken for the outlier
    at, _, _, mirrors = one_of_mirrors(np.array([2]), np.array([0.0]), values, seasonal, 12, unread)
    assert at.tolist() == [2] and not mirrors


def test_a_large_one_month_drop_is_an_event():
    sample = make_series(11, years=4, n_changes=0, daily=True, noise=0.02)
    values = sample.series.values.copy()
    march = (values.index.year == 2010) & (values.index.month == 3)
    values[march] *= 0.75   # a quarter of the month's emissions gone: ~14 noise units
    nodes = Detector().fit(Series(values, Frequency.DAILY)).nodes_
    assert [n for n in nodes if n.kind is NodeKind.EVENT and n.date.startswith("2010-03") and n.direction == "down"]


def test_generator_is_reproducible_and_truthful():
    a, b = make_series(5), make_series(5)
    assert a.series.values.equals(b.series.values) and a.truth == b.truth
    daily = make_series(5, years=4, daily=True)
    assert daily.series.frequency is Frequency.DAILY
    assert all(daily.series.values.index[t.index].day == 1 for t in daily.truth)


def test_native_daily_generator_puts_its_changes_where_it_says():
    # the same seed without changes is the same series, draw for draw, so the difference is the changes alone:
    # each level shift and shock steps by its size in units of a week's noise, at its day (a shock back at its end)
    checked = 0
    for seed in range(20):
        sample = make_native_daily_changes(seed, n_changes=2)
        assert sample.truth == make_native_daily_changes(seed, n_changes=2).truth
        base = make_native_daily_changes(seed, n_changes=0).series.values
        change = np.log(sample.series.values.to_numpy()) - np.log(base.to_numpy())
        step = np.diff(change, prepend=0.0) / sample.params["week_sigma"]
        for truth in sample.truth:
            if truth.kind == "event":
                assert abs(step[truth.index]) == pytest.approx(truth.size, abs=0.05)   # a turn adds <= 12/365 a day
                if truth.end is not None:
                    assert step[truth.end] == pytest.approx(truth.size, abs=0.05)
                checked += 1
    assert checked >= 15
    assert make_native_daily_changes(7, n_changes=0).series.values.equals(make_native_daily(7).values)


def test_quarterly_generator_dates_each_change_to_its_quarter():
    # monthly series summed by quarter (bench/detect_quarterly.py): the same seed without changes is the same
    # series, so the quarters before a truth are untouched, its own quarter moves, and a shock leaves the
    # quarters after its end as they were
    for seed in range(30):
        sample = make_quarterly(seed, years=8, n_changes=1)
        base = make_quarterly(seed, years=8, n_changes=0).series.values.to_numpy()
        moved = np.abs(np.log(sample.series.values.to_numpy() / base))
        (truth,) = sample.truth
        assert sample.series.frequency is Frequency.QUARTERLY and len(base) == 32
        assert moved[:truth.index].max(initial=0.0) < 1e-12 < moved[truth.index]
        if truth.end is not None:
            assert moved[truth.end:].max(initial=0.0) < 1e-12


@pytest.mark.parametrize("seed", range(4))
def test_annual_growth_that_slows_is_one_trend_turn_read_in_logs(seed):
    # a provincial total growing 10% a year, then 2% from 2005: read in levels (before round 14), its noise grew
    # with the level and the turn came out as a step or a turn two years late, or not at all
    rng = np.random.default_rng(seed)
    t = np.arange(30)
    logs = np.log(50) + 0.10 * t - 0.08 * np.maximum(t - 14, 0) + rng.normal(0, 0.02, 30)
    series = Series(pd.Series(np.exp(logs), index=pd.to_datetime([str(1990 + i) for i in t])), Frequency.ANNUAL)
    det = Detector().fit(series)
    assert det.log_ and [(n.index, n.kind) for n in det.nodes_] == [(15, NodeKind.TREND)], det.nodes_
    assert not Detector(scale="levels").fit(series).log_
