"""Table layouts of statistical downloads, brought to one row per date before the series is read.

Yearbooks and NBS downloads put a title line above the header (2000-2019年各地区碳排放（万吨）) and write
a region's series across a row, one column per year (地区, 2000, 2001, …). Row labels keep the frame's
index, so an error still names the file's line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Collection

import pandas as pd

from .dates import month_number, quarter_number

MIN_PERIOD_COLUMNS = 3
_MAX_TITLE_LINES = 3


def title_lines(lines: list[str], sep: str, headings: Collection[str] = ()) -> int:
    """How many of a CSV's first `lines` are a title (one filled cell, or none) above a header of several.
    (pandas would read the title as a header of fewer columns, and the longer rows below as an index.) A
    line whose one cell is a known column heading (`headings`: date, value …) is a header."""
    lines = lines[:_MAX_TITLE_LINES + 1]
    rows = [[cell.strip() for cell in row if cell.strip()] for row in csv.reader(lines, delimiter=sep)]
    filled = [len(row) for row in rows]
    known = {h.lower() for h in headings}

    def title(row: list[str]) -> bool:
        return len(row) <= 1 and not (row and row[0].lower() in known)

    k = 0
    while k < min(len(filled) - 1, _MAX_TITLE_LINES) and title(rows[k]):
        k += 1
    return k if k < len(filled) and filled[k] >= 2 else 0


# A units line under the header (单位：万吨, or 万吨 under its column), notes (注：…, 资料来源：…) and a total row under
# the table are part of a statistical table, not its data.
_UNIT_LABEL = re.compile(r"^(单位|计量单位|units?\b)", re.IGNORECASE)
_UNIT = re.compile(r"单位|unit|万吨|吨|亿|千瓦|kwh|mwh|gwh|mt\b|kt\b|tco2|%|百分比", re.IGNORECASE)
_NOTE = re.compile(r"^\s*(注|备注|说明|资料来源|数据来源|来源|source|sources|note|notes)\s*[:：.]|^\s*[*＊]", re.IGNORECASE)
# a total row under the table (合计 4800): a sum of the rows above, not a period
_TOTAL_ROW = re.compile(r"^\s*(合计|总计|总和|小计|全年合计|年度合计|total|grand total|sum)\s*$", re.IGNORECASE)


def strip_units_and_notes(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The table without a units line right under its header and without the notes lines under it; and the
    units line's text (for the report), if there was one. A units line leaves its first cell empty or begins
    it 单位, has no number in it and names a unit; a notes line fills only its first cell, which begins 注：,
    资料来源： or the like; a total row begins 合计, 总计 or Total."""
    unit = None
    cells = frame.astype("string")
    if len(frame) > 1:
        lead = cells.iloc[0].iloc[0]
        first = [c.strip() for c in cells.iloc[0].dropna() if c.strip()]
        if first and (pd.isna(lead) or not lead.strip() or _UNIT_LABEL.match(lead.strip())) \
                and all(pd.isna(pd.to_numeric(c, errors="coerce")) for c in first) \
                and any(_UNIT.search(c) for c in first):
            unit, frame, cells = " ".join(first), frame.iloc[1:], cells.iloc[1:]
    end = len(frame)
    while end > 0:
        row = [c.strip() for c in cells.iloc[end - 1].dropna() if c.strip()]
        lead = str(cells.iloc[end - 1].iloc[0]).strip()
        # a total row is one of its kind: a long file whose first column is a sector may hold 48 rows of Total
        total = bool(_TOTAL_ROW.match(lead)) and int((cells.iloc[:, 0].str.strip() == lead).sum()) == 1
        if not row or (len(row) == 1 and _NOTE.search(row[0]) and lead == row[0]) or total:
            end -= 1
            continue
        break
    return frame.iloc[:end], unit


def promote_header(frame: pd.DataFrame) -> pd.DataFrame:
    """In a spreadsheet, a title line read as the header (one filled heading, the others pandas' 'Unnamed: k')
    gives way to the first row that fills every column."""
    for _ in range(_MAX_TITLE_LINES):
        unnamed = sum(str(c).startswith("Unnamed:") for c in frame.columns)
        if len(frame.columns) < 2 or unnamed < len(frame.columns) - 1 or frame.empty:
            return frame
        first = frame.iloc[0]
        if first.isna().all() or (first.astype(str).str.strip() == "").all():
            frame = frame.iloc[1:]   # a blank line between title and header
            continue
        if first.isna().any() or pd.to_numeric(first, errors="coerce").notna().any():
            return frame             # not a header: a heading for every column, none a number
        frame = frame.iloc[1:].copy()
        frame.columns = [str(v).strip() for v in first]
    return frame


def period_columns(frame: pd.DataFrame, is_period: Callable[[str], bool]) -> list[str]:
    """Columns headed by a period (a year, a month, a quarter: `is_period`), if enough to be a wide table."""
    found = [c for c in frame.columns if is_period(str(c).strip())]
    return found if len(found) >= MIN_PERIOD_COLUMNS else []


def melt_wide(frame: pd.DataFrame, periods: list[str], date: str = "date", value: str = "value") -> pd.DataFrame:
    """One row per (row of the table, period column): the other columns, `date` (the heading) and `value`.
    The index repeats each table row's label, which errors turn into its line."""
    ids = [c for c in frame.columns if c not in periods]
    long = frame.melt(id_vars=ids, value_vars=periods, var_name=date, value_name=value, ignore_index=False)
    long[date] = long[date].astype(str).str.strip()
    return long


YEAR_HEADINGS = ("year", "年份", "年度", "年")
_DATE_HEADINGS = ("date", "日期", "time", "时间", "day", "period", "期间", "统计期", "时期", "week", "周")
_PART_HEADINGS = {"month": ("month", "月份", "月"), "quarter": ("quarter", "季度", "季")}
_YEAR_CELL = re.compile(r"^(\d{4})(?:\.0)?\s*(?:年度?)?$")
_PART_CELL = {"month": re.compile(r"^(\d{1,2})(?:\.0)?\s*月?$"),
              "quarter": re.compile(r"^(?:Q|第)?\s*([1-4一二三四])(?:\.0)?\s*(?:季度?)?$", re.IGNORECASE)}


def joined_date(frame: pd.DataFrame, date: str = "date") -> pd.DataFrame | None:
    """A year column beside a month (or quarter) column of numbers, as statistical exports split a date (年份, 月份,
    排放量), joined into one `date` column (2015-03, 2015Q1) in their place; None where the table has no such pair or
    a cell is not a year, month or quarter."""
    named = {str(c).strip().lower(): c for c in frame.columns}
    year = next((named[h] for h in YEAR_HEADINGS if h in named), None)
    if year is None or any(h in named for h in _DATE_HEADINGS):
        return None   # no year, or a date column of its own
    for part, headings in _PART_HEADINGS.items():
        column = next((named[h] for h in headings if h in named), None)
        if column is None:
            continue
        years = frame[year].astype("string").str.strip().str.extract(_YEAR_CELL, expand=False)
        parts = frame[column].astype("string").str.strip().str.extract(_PART_CELL[part], expand=False)
        if years.isna().any() or parts.isna().any():
            return None
        if part == "quarter":
            dates = years + "Q" + parts.map(lambda q: str(quarter_number(q)))
        elif parts.astype(int).between(1, 12).all():
            dates = years + "-" + parts.str.zfill(2)
        else:
            return None
        out = frame.drop(columns=[year, column])
        out.insert(0, date, dates)
        return out
    return None


_MONTH_HEADING = re.compile(r"^(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:份)?$|"
                            r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE)
_ENGLISH_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def year_by_month(frame: pd.DataFrame, date: str = "date", value: str = "value") -> pd.DataFrame | None:
    """A yearbook's grid, one row per year and one column per month (年份, 1月, 2月, …, 12月), as one row per
    month (`date` 2015-03, `value`); None for any other table. Rows keep their labels, so errors name the line."""
    months = {}
    for column in frame.columns:
        found = _MONTH_HEADING.match(str(column).strip())
        if found:
            months[column] = month_number(found[1]) if found[1] else _ENGLISH_MONTHS.index(found[2].lower()[:3]) + 1
    if len(months) < MIN_PERIOD_COLUMNS or len(set(months.values())) < len(months):
        return None   # first, from the headings alone: a long file's every cell need not be read as a year
    named = {str(c).strip().lower(): c for c in frame.columns}
    year = next((named[h] for h in YEAR_HEADINGS if h in named), None)
    if year is None:   # row labels without a heading, each a year
        year = next((c for c in frame.columns if len(frame) and frame[c].astype("string").str.strip()
                     .str.fullmatch(_YEAR_CELL).fillna(False).all()), None)
    if year is None:
        return None
    years = frame[year].astype("string").str.strip().str.extract(_YEAR_CELL, expand=False)
    if years.isna().any():
        return None
    grid = frame.assign(**{year: years}).rename(columns={c: f"{m:02d}" for c, m in months.items()})
    long = melt_wide(grid, [f"{m:02d}" for m in months.values()], date=date, value=value)
    long[date] = long[year] + "-" + long[date]
    return long.drop(columns=[year]).sort_values(date, kind="stable")
