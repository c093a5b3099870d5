"""The dates of a series as files write them: days, ISO weeks, months, quarters, years, or positions."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from ..errors import InputError
from .model import Frequency

LINE_OFFSET = 2   # a frame's first data row (index 0) is the file's line 2, under the header


_YEAR = re.compile(r"^(\d{4})(\.0|年度?)?$")   # 2020, 2020.0 (a spreadsheet's number), 2020年, 2020年度
# months in figures or, as Chinese text writes them, in numerals (2020年三月, 2020年十二月)
_MONTH = re.compile(r"^(\d{4})\s*(?:-|/|\.|年|M)\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月?$")
_CHINESE_MONTHS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
# months published together: 2020年1-2月 (January and February as one), 2020年1-3月 (a year-to-date total)
_MONTH_SPAN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*[-–—~至]\s*(\d{1,2})\s*月$")
# 2020Q1, 2020-Q1, and as Chinese statistics write it: 2020年第一季度, 2020年1季度, 2020年一季度
_QUARTER = re.compile(r"^(\d{4})\s*(?:-|年)?\s*(?:Q([1-4])|第?\s*([1-4一二三四])\s*季度?)$", re.I)
# ISO weeks: 2023-W01, 2023W01, 2023年第1周
_WEEK = re.compile(r"^(\d{4})\s*(?:-?W|年第)\s*(\d{1,2})\s*周?$", re.I)
_INT = re.compile(r"^\d+$")
_DOT_MONTH = re.compile(r"^(\d{4})\.(\d{1,2})$")
# 201503 and 20200131: a month and a day written without separators (as downloads export them), not positions
_COMPACT_MONTH = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])$")
_COMPACT_DAY = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
# a day and a month before the year: 31.01.2020 (Europe), 01/31/2020 (US) or 31/01/2020 (UK)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")
# a month's name and a two-digit year, as spreadsheets show months (Jan-15, Mar 20)
_NAMED_MONTH_YY = re.compile(r"^([A-Za-z]{3,9})[-\s'’]?(\d{2})$")
# Excel's day numbers from 1955 to 2099, in a column headed as a date (date, 日期, 时间, month …)
_EXCEL_DAYS = (20090, 73050)
_DATE_HEADING = re.compile(r"date|time|day|month|日期|时间|月份|日", re.IGNORECASE)
# years a file of emissions can be about; outside them a label was misread (pandas reads Jan-15 as year 1)
YEARS = (1800, 2200)


def is_period(text: str) -> bool:
    """A year, month or quarter as the dates of a file are written (a wide table's column heading)."""
    return bool(_YEAR.match(text) or _MONTH.match(text) or _QUARTER.match(text))


def parse_dates(column: pd.Series, name: str, col: str) -> tuple[pd.Index, Frequency]:
    # NFKC: full-width figures and signs (２０２０－０３, as Chinese word processors type them) as ASCII
    text = column.astype("string").str.normalize("NFKC").str.strip()
    missing = text.isna() | (text == "")
    if missing.any():
        i = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError("date is empty", file=name, row=int(column.index[i]) + LINE_OFFSET, column=col)
    text = _octobers(text)
    sample = text.iloc[0]
    if all(_YEAR.match(t) for t in text) and all(1000 < int(_YEAR.match(t)[1]) < 3000 for t in text):
        return pd.DatetimeIndex([pd.Timestamp(int(_YEAR.match(t)[1]), 1, 1) for t in text]), Frequency.ANNUAL
    if all(_COMPACT_MONTH.match(t) for t in text):   # 201503, as some downloads write months
        return _convert(text, name, col, column, lambda t: pd.Timestamp(int(t[:4]), int(t[4:]), 1)), Frequency.MONTHLY
    if all(_INT.match(t) for t in text) and not all(_COMPACT_DAY.match(t) for t in text):
        ints = np.array([int(t) for t in text])
        if _EXCEL_DAYS[0] <= ints.min() and ints.max() <= _EXCEL_DAYS[1] and _DATE_HEADING.search(str(col)):
            # a spreadsheet's dates saved as its day numbers (42005 is 2015-01-01): read as positions they had
            # made 72 months into 2,162 points, 2,090 of them gaps
            index = pd.DatetimeIndex(pd.Timestamp("1899-12-30") + pd.to_timedelta(ints, unit="D"))
            return _infer_frequency(index, name, col, column.index)
        return pd.Index(ints, dtype=int), Frequency.UNDATED
    if _QUARTER.match(sample):
        return _convert(text, name, col, column, lambda t: _quarter(t)), Frequency.QUARTERLY
    if _MONTH.match(sample) or _MONTH_SPAN.match(sample):
        return _convert(text, name, col, column, lambda t: _month(t)), Frequency.MONTHLY
    if _WEEK.match(sample):
        return _convert(text, name, col, column, lambda t: _week(t)), Frequency.WEEKLY
    if _NAMED_MONTH_YY.match(sample):
        return _convert(text, name, col, column, _named_month), Frequency.MONTHLY
    day_month = text.str.match(_DAY_MONTH_YEAR)
    # one order for the column's day-month-year cells, also among dates written otherwise: cell by cell, 05.01.2019
    # beside 2020-01-05 had been read as 1 May, and 132 days of 2019 swapped without a word
    day_first = _day_first(text[day_month]) if day_month.any() else False

    def parse(t: str) -> pd.Timestamp:
        if _DAY_MONTH_YEAR.match(t):
            return _day_month_year(t, day_first)
        return pd.Timestamp(t.replace("年", "-").replace("月", "-").rstrip("日"))

    return _infer_frequency(_convert(text, name, col, column, parse), name, col, column.index)


def _octobers(text: pd.Series) -> pd.Series:
    """Months typed as numbers (2019.01 … 2019.12) as a spreadsheet keeps them: 2019.10 is the number 2019.1, the
    same as January. Where a year holds YYYY.1 twice, the one beside its YYYY.9 or YYYY.11 in the file (in either
    order) is October; anything else is left as written (and a repeated date is then the reader's error)."""
    parts = text.str.extract(_DOT_MONTH)
    if parts[0].isna().any():
        return text
    years, months = parts[0].tolist(), parts[1].tolist()
    januaries = Counter(y for y, m in zip(years, months) if m == "1")
    out = text.copy()
    for i, (year, month) in enumerate(zip(years, months)):
        twice = month == "1" and januaries[year] == 2
        beside = {(years[k], months[k]) for k in (i - 1, i + 1) if 0 <= k < len(years)}
        if twice and beside & {(year, "9"), (year, "11")}:
            out.iloc[i] = f"{year}.10"
    return out if not out.duplicated().any() else text


def _named_month(text: str) -> pd.Timestamp:
    m = _NAMED_MONTH_YY.match(text)
    if not m:
        raise ValueError(text)
    yy = int(m[2])
    return pd.Timestamp(f"{m[1]} {2000 + yy if yy < 70 else 1900 + yy}")


def _day_month_year(text: str, day_first: bool) -> pd.Timestamp:
    m = _DAY_MONTH_YEAR.match(text)
    if not m:
        raise ValueError(text)
    a, b, year = int(m[1]), int(m[3]), int(m[4])
    return pd.Timestamp(year, b, a) if day_first else pd.Timestamp(year, a, b)


def _day_first(text: pd.Series) -> bool:
    """Whether dd.mm.yyyy labels put the day first: where a number over 12 says which is the day, that; else
    the order that spaces the dates the more evenly (01.02.2015 month first makes a monthly series a run of
    days each January), and for a tie the separator's custom (a dot: day first, as in Europe)."""
    parts = text.str.extract(_DAY_MONTH_YEAR)
    first, second = parts[0].astype(int), parts[2].astype(int)
    if (first > 12).any() or (second > 12).any():
        return bool((first > 12).any())

    def unevenness(day_first: bool) -> float:
        try:
            days = pd.DatetimeIndex([_day_month_year(t, day_first) for t in text]).unique().sort_values()
        except ValueError:
            return np.inf
        steps = np.diff(days.asi8) if len(days) > 2 else np.zeros(1)
        return float(np.std(steps) / np.mean(steps)) if steps.mean() > 0 else 0.0

    day, month = unevenness(True), unevenness(False)
    return day < month or (day == month and parts[1].iloc[0] == ".")


def _month(text: str) -> pd.Timestamp:
    """A month, or the last month of a span (2020年1-2月 → 2020-02)."""
    if m := _MONTH_SPAN.match(text):
        first, last = int(m[2]), int(m[3])
        if not 1 <= first < last <= 12:
            raise ValueError(text)
        return pd.Timestamp(int(m[1]), last, 1)
    m = _MONTH.match(text)
    if not m:
        raise ValueError(text)
    return pd.Timestamp(int(m[1]), month_number(m[2]), 1)


def month_number(text: str) -> int:
    """1-12 from '1'-'12' or '一'-'十二'."""
    return int(text) if text.isdigit() else _CHINESE_MONTHS.index(text) + 1


def span_firsts(column: pd.Series) -> pd.Series | None:
    """For month labels with spans among them (2020年1-2月), the first month of each row's span (a plain month
    its own); None where no label is a span."""
    text = column.astype("string").str.strip()
    spans = text.str.extract(_MONTH_SPAN)
    if spans[0].isna().all():
        return None
    return spans[1].fillna(text.str.extract(_MONTH)[1]).astype(int)


def _week(text: str) -> pd.Timestamp:
    m = _WEEK.match(text)
    if not m:
        raise ValueError(text)
    return pd.Timestamp.fromisocalendar(int(m[1]), int(m[2]), 1)   # its Monday; week 53 of a 52-week year fails


def _quarter(text: str) -> pd.Timestamp:
    m = _QUARTER.match(text)
    if not m:
        raise ValueError(text)
    return pd.Timestamp(int(m[1]), 3 * quarter_number(m[2] or m[3]) - 2, 1)


def quarter_number(text: str) -> int:
    """1-4 from '1'-'4' or '一'-'四'."""
    return "1234一二三四".index(text) % 4 + 1


def _convert(text: pd.Series, name: str, col: str, column: pd.Series, parse) -> pd.DatetimeIndex:
    out = []
    for i, t in enumerate(text):
        try:
            day = parse(t).normalize()
            if not YEARS[0] <= day.year <= YEARS[1]:
                raise ValueError(t)
            out.append(day)
        except (ValueError, TypeError, OverflowError) as exc:
            # a calendar's own words where the date is well written but does not exist (2019-02-29, 2020-13)
            said = str(exc).split(":")[0] if re.search(r"out of range|must be in", str(exc)) else None
            reason = (f"{t!r} is no such date ({said})" if said
                      else f"cannot read {t!r} as a date (write it as 2020-03-15, 2020-03 or 2020)")
            raise InputError(reason, file=name, row=int(column.index[i]) + LINE_OFFSET, column=col) from None
    return pd.DatetimeIndex(out)


# the median step between dates, in days, of each period a date may stand for
_PERIOD_STEPS = {Frequency.MONTHLY: (25, 35), Frequency.QUARTERLY: (80, 100), Frequency.ANNUAL: (330, 400)}


def _infer_frequency(index: pd.DatetimeIndex, name: str, col: str, rows: pd.Index
                     ) -> tuple[pd.DatetimeIndex, Frequency]:
    """The frequency of dated days, and the index with a month, quarter or year dated by its first day.

    Exports date a period by any one of its days: its first, its last (Wind's and CEIC's month ends, pandas'
    "ME") or one between (the 15th); each such date stands for its period. Two different days in one
    period are an error."""
    unique = index.unique().sort_values()
    if len(unique) < 2:
        return index, Frequency.DAILY
    # in days, whatever the index's unit (pandas 3 parses text to microseconds, so asi8 is not nanoseconds)
    step = float(np.median((unique[1:] - unique[:-1]) / pd.Timedelta(days=1)))
    if step <= 1.5:
        return index, Frequency.DAILY
    if step <= 8:
        return index, Frequency.WEEKLY
    frequency = next((f for f, (lo, hi) in _PERIOD_STEPS.items() if lo <= step <= hi), None)
    if frequency is None:
        raise InputError(f"the dates are about {step:.0f} days apart: policytrace reads days, weeks, months, quarters "
                         "and years (or positions 1, 2, 3 … for an undated series)", file=name, column=col)
    unit = {Frequency.MONTHLY: "month", Frequency.QUARTERLY: "quarter", Frequency.ANNUAL: "year"}[frequency]
    periods = unique.to_period(unit[0].upper())
    if periods.has_duplicates:
        i = int(np.flatnonzero(periods.duplicated())[0])
        raise InputError(f"dates {unique[i - 1].date()} and {unique[i].date()} fall in the same {unit}; the dates "
                         f"are about a {unit} apart, so each should stand for its own {unit} (write 2020-03 for a "
                         "month, 2020Q1 for a quarter)", file=name, column=col,
                         row=int(rows[np.flatnonzero(index == unique[i])[0]]) + LINE_OFFSET)
    return index.to_period(unit[0].upper()).to_timestamp(how="start"), frequency
