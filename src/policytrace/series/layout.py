"""Table layouts of statistical downloads, brought to one row per date before the series is read.

Yearbooks and NBS downloads put a title line above the header (2000-2019年各地区碳排放（万吨）) and write
a region's series across a row, one column per year (地区, 2000, 2001, …). Row labels keep the frame's
index, so an error still names the file's line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection

import pandas as pd

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
