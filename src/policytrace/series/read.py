"""Read a user's CSV or XLSX into a validated `Series`; every problem names file, row and column."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import regions, sectors
from ..errors import InputError, TooShortError, too_few
from .dates import LINE_OFFSET, is_period, parse_dates, span_firsts
from .layout import joined_date, melt_wide, period_columns, strip_units_and_notes, year_by_month
from .model import Frequency, Series
from .table import DATE_NAMES, GROUP_NAMES, SECTOR_NAMES, VALUE_NAMES, find_column, load_table, region_column
from .totals import (AGREE, CUMULATIVE, RATE, Filled, fill_from, fill_gaps, names_running_total, own_values,
                     running_totals, split_spans)

ALL_SECTORS = "all"         # `sectors.key` of 合计, 全部门, total
# Rows summed per date carry what they are a member of: a sector of a group (CEADs, summed row by row), a sector
# of the whole file or a region inside the one asked for (each read as a series, then summed: `_sum_of_members`)
GROUP_MEMBER, SECTOR_MEMBER, REGION_MEMBER = "_group_member", "_sector_member", "_region_member"
MIN_POINTS = 8
MAX_VALUE = 1e150

WIDE_DATE, WIDE_VALUE = "period (column heading)", "value"
JOINED_DATE = "date (year and month columns)"
GRID_DATE = "month (year row × month column)"


def read_series(
    path: str | Path,
    *,
    region: str | None = None,
    sector: str | None = None,
    date_column: str | None = None,
    value_column: str | None = None,
    where: Mapping[str, str] | None = None,
) -> Series:
    """Read `path` (CSV, CSV.GZ or XLSX) into a `Series`.

    A long file with a province and a sector column (as Carbon Monitor publishes) is filtered
    to `region` and `sector`, and to the rows whose column equals each value of `where` (NBS's
    `{"product_en": "Cement", "value_type": "current_month"}`). Raises `InputError` naming the file,
    row and column of a mistake.
    """
    path = Path(path)
    frame = load_table(path, region=region, sector=sector)
    name = f"{path} (sheet {frame.attrs['sheet']})" if "sheet" in frame.attrs else str(path)
    return series_from_table(frame, name=name, region=region, sector=sector,
                             date_column=date_column, value_column=value_column, where=where)


def where_pairs(pairs) -> dict[str, str]:
    """'column=value' pairs as a mapping (`where` of `read_series`). Raises ValueError naming a pair without '='."""
    out = {}
    for pair in pairs or ():
        column, sep, value = str(pair).partition("=")
        if not sep or not column.strip():
            raise ValueError(f"{pair!r}: write COLUMN=VALUE")
        out[column.strip()] = value.strip()
    return out


def series_from_table(
    frame: pd.DataFrame,
    *,
    name: str,
    region: str | None = None,
    sector: str | None = None,
    date_column: str | None = None,
    value_column: str | None = None,
    where: Mapping[str, str] | None = None,
) -> Series:
    """Validate a table read by `load_table` (or a slice of one, keeping its index) into a `Series`.

    Errors name `name` and the file line of the row, taken from the frame's index.
    """
    return _read_frame(frame, name=name, region=region, sector=sector, date_column=date_column,
                       value_column=value_column, where=where)


def _read_frame(frame: pd.DataFrame, *, name: str, region: str | None, sector: str | None,
                date_column: str | None, value_column: str | None, where: Mapping[str, str] | None,
                known: pd.Series | None = None) -> Series:
    """`series_from_table`; `known`: own values the table gives beside its running totals, which a total over
    several periods is split around (January is February's total less February)."""
    if frame.empty:
        raise InputError("the file has no data rows", file=name)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame, unit_line = strip_units_and_notes(frame)
    if frame.empty:
        raise InputError("the file has no data rows", file=name)
    whole = frame
    for col, wanted in (where or {}).items():
        frame = _rows_where(frame, name, col, wanted)
    if date_column is None and (joined := joined_date(frame, JOINED_DATE)) is not None:
        frame, date_column = joined, JOINED_DATE   # 年份 and 月份 in columns of their own
    elif date_column is None and (grid := year_by_month(frame, GRID_DATE, WIDE_VALUE)) is not None:
        frame, date_column, value_column = grid, GRID_DATE, value_column or WIDE_VALUE   # 年份 × 1月…12月
    periods = period_columns(frame, is_period) if date_column is None else []
    if periods and find_column(frame, DATE_NAMES, exclude=set(periods)) is None:
        frame = melt_wide(frame, periods, date=WIDE_DATE, value=WIDE_VALUE)   # a region's series across a row
        date_column, value_column = WIDE_DATE, value_column or WIDE_VALUE
    frame, region_obj, sector = _filter_long(frame, name, region, sector)
    dcol = date_column or find_column(frame, DATE_NAMES)
    vcol = value_column or _guess_value_column(frame, dcol, name)
    if members := [c for c in (SECTOR_MEMBER, REGION_MEMBER) if c in frame.columns]:
        # each member read as a series of its own (its gaps, its months taken from its running totals), then summed
        summed = _sum_of_members(frame, members, name=name, date_column=dcol, value_column=vcol)
        return replace(summed, region=region_obj.code if region_obj else None,
                       sector=sectors.normalise(sector) or sector)
    for col, what in ((dcol, "date"), (vcol, "value")):
        if col is None or col not in frame.columns:
            raise InputError(
                f"no {what} column found (columns are {', '.join(map(str, frame.columns))}); "
                f"name it {'date/日期' if what == 'date' else 'value/排放量'}", file=name, column=col)
    values = _parse_values(frame[vcol], name, vcol)
    index, frequency = parse_dates(frame[dcol], name, dcol)
    data = pd.Series(values, index=index, name=vcol)
    meta = {}
    if GROUP_MEMBER in frame.columns:
        members = frame[GROUP_MEMBER].nunique()
        _check_duplicates(pd.Series(values, index=pd.MultiIndex.from_arrays([index, frame[GROUP_MEMBER]])), frame,
                          name, dcol, vcol)
        # a date without every member sector is a gap, not a smaller total
        complete = data.groupby(level=0).count() == members
        data = data.groupby(level=0).sum().where(complete)
        meta["sectors_summed"] = int(members)
    else:
        _check_duplicates(data, frame, name, dcol, vcol)
    data = data.sort_index()
    chosen = [vcol, *map(str, (where or {}).values())]
    firsts = span_firsts(frame[dcol]) if frequency is Frequency.MONTHLY else None
    spans = None if firsts is None else pd.Series(firsts.to_numpy(), index=index).groupby(level=0).min()
    if running_totals(chosen, spans):
        # as a series, running totals are a sawtooth, in which a one-month shock reads as a step lasting to December
        if rate := next((c for c in chosen if RATE.search(c)), None):
            raise InputError(f"{rate!r} is a year-to-date growth rate, not a running total: choose the totals "
                             "or the month's own values", file=name, column=vcol)
        lines = pd.Series(frame.index + LINE_OFFSET, index=index).groupby(level=0).first()
        data, meta["year_to_date_split"] = own_values(data, lines, frequency, name, vcol, known=known)
    elif spans is not None:
        data, meta["spans_split"] = split_spans(data, spans)
    if "year_to_date_split" not in meta:
        filled = _filled_from_totals(
            data, frame, whole, index, vcol, frequency, where,
            read=lambda chosen: _read_frame(whole, name=name, region=region, sector=sector, date_column=date_column,
                                            value_column=value_column, where=chosen, known=data))
        data = filled.values
        if filled.count:
            meta["filled_from_totals"] = filled.count
        elif filled.disagreement is not None and filled.disagreement > AGREE:
            meta["totals_unused"] = round(filled.disagreement, 3)   # the report says why gaps remain
    data, dropped = drop_unestimated(data, frequency)
    meta.update(dropped)
    full = _full_index(data.index[0], data.index[-1], frequency)   # a missing date or integer is a gap
    if frequency is not Frequency.UNDATED and not data.index.isin(full).all():
        bad = int(np.flatnonzero(~data.index.isin(full))[0])
        raise InputError(f"date {data.index[bad].date()} does not fit a regular {frequency.value} calendar",
                         file=name, row=int(frame.index[bad]) + LINE_OFFSET, column=dcol)
    data = data.reindex(full)
    n_valid = int(data.notna().sum())
    if n_valid < MIN_POINTS:
        raise TooShortError(too_few(n_valid, MIN_POINTS), file=name)
    return Series(
        values=data,
        frequency=frequency,
        region=region_obj.code if region_obj else None,
        sector=sectors.normalise(sector) or sector,
        unit=f"{vcol} ({unit_line})" if unit_line else vcol,
        source=name,
        meta={"gaps": int(data.isna().sum()), **meta},
    )


def _full_index(first, last, frequency: Frequency) -> pd.Index:
    """Every period from `first` to `last`: dates at the frequency's step, or integers."""
    if frequency is Frequency.UNDATED:
        return pd.RangeIndex(int(first), int(last) + 1)
    step = {Frequency.DAILY: pd.Timedelta(days=1), Frequency.WEEKLY: pd.Timedelta(days=7)}.get(
        frequency, frequency.pandas_alias)
    return pd.date_range(first, last, freq=step)


def _sum_of_members(frame: pd.DataFrame, members: list[str], *, name: str, date_column: str,
                    value_column: str) -> Series:
    """The sum of the series of each member (a region, a sector, or both): a period without every member is a
    gap, not a smaller total. Each member's own reading (its zeros beside estimates as gaps, its months taken
    from running totals) is done before the sum."""
    parts: dict[str, Series | None] = {}
    for key, rows in frame.groupby(members, sort=True):
        label = " · ".join(map(str, key if isinstance(key, tuple) else (key,)))
        try:
            parts[label] = _read_frame(rows.drop(columns=members), name=name, region=None, sector=None,
                                       date_column=date_column, value_column=value_column, where=None)
        except TooShortError:
            parts[label] = None   # fewer values than a series needs: it lacks the rest
    read = [p for p in parts.values() if p is not None]
    if not read:
        raise TooShortError(too_few(0, MIN_POINTS), file=name)
    table = pd.concat({label: p.values for label, p in parts.items() if p is not None}, axis=1)
    frequency = read[0].frequency
    table = table.reindex(index=_full_index(table.index.min(), table.index.max(), frequency), columns=list(parts))
    complete = table.notna().all(axis=1)
    if not complete.any():
        lacking = table.isna().sum().sort_values(ascending=False)
        shown = ", ".join(f"{m} {int(k)}" for m, k in lacking[lacking > 0].head(6).items())
        raise InputError(f"no date has a value for each of the {len(parts)} series summed; periods without one: "
                         f"{shown} (a 0 beside a series' own estimates is read as no estimate)", file=name)
    data, meta = drop_unestimated(table.sum(axis=1).where(complete), frequency)
    for key in ("filled_from_totals", "year_to_date_split", "spans_split"):
        if total := sum(p.meta.get(key, 0) for p in read):
            meta[key] = total
    for col, key in ((SECTOR_MEMBER, "sectors_summed_names"), (REGION_MEMBER, "regions_summed_names")):
        if col in members:
            meta[key] = sorted(frame[col].astype(str).unique())
    if (n_valid := int(data.notna().sum())) < MIN_POINTS:
        raise TooShortError(too_few(n_valid, MIN_POINTS), file=name)
    return replace(read[0], values=data, meta={"gaps": int(data.isna().sum()), **meta})


def drop_unestimated(data: pd.Series, frequency: Frequency) -> tuple[pd.Series, dict[str, int]]:
    """`data` without what was never estimated, and the counts the series' meta keeps: zeros beside positive
    values of a dated series become gaps (no region's emissions are exactly zero; Carbon Monitor writes 0 for
    years of several provinces' residential emissions it did not estimate), and rows before the first value or
    after the last (NBS's months not yet published) are outside the period (`empty_ends`)."""
    meta = {}
    zeros = (data == 0) & (frequency is not Frequency.UNDATED) & bool((data > 0).any())
    data = data.where(~zeros)
    if data.notna().any() and (pd.isna(data.iloc[0]) or pd.isna(data.iloc[-1])):
        kept = data.loc[data.first_valid_index():data.last_valid_index()]
        meta["empty_ends"] = len(data) - len(kept)
        data, zeros = kept, zeros.loc[kept.index]
    if zeros.any():
        meta["zeros_as_gaps"] = int(zeros.sum())
    return data, meta


def _guess_value_column(frame: pd.DataFrame, dcol: str | None, name: str) -> str | None:
    """The value column: a known name, else the one numeric column (or the one named as a total).

    Year-to-date running totals (累计值, cumulative_ytd) stand beside the month's own value in statistical
    tables; read as a series they are a sawtooth, so they are never guessed. Where several numeric columns
    remain, guessing one would analyse the wrong series without a word: the user is asked to choose.
    """
    skip = {c for c in frame.columns if c == dcol or CUMULATIVE.search(c)}
    known = find_column(frame, VALUE_NAMES, exclude=skip)
    if known is not None:
        return known
    numeric = [c for c in frame.columns
               if c not in skip and pd.to_numeric(frame[c], errors="coerce").notna().mean() > 0.5]
    totals = [c for c in numeric if _TOTAL.search(c)]
    if len(numeric) == 1:
        return numeric[0]
    if len(totals) == 1:
        return totals[0]
    if numeric:
        raise InputError(f"several numeric columns could be the value ({', '.join(numeric)}); "
                         "name the one to read 'value' or choose it with --value-column", file=name)
    return None


def _filled_from_totals(data: pd.Series, frame: pd.DataFrame, whole: pd.DataFrame, index: pd.Index, vcol: str,
                        frequency: Frequency, where: Mapping[str, str] | None,
                        read: Callable[[dict[str, str]], Series]) -> Filled:
    """The own values with the periods they lack taken from the table's running totals (`totals.fill_gaps`): a
    column beside them (NBS's thermal power), or rows of their own (NBS's long output table, read by `read`
    with the `where` that keeps them)."""
    if frequency not in (Frequency.MONTHLY, Frequency.QUARTERLY):
        return Filled(data)
    if GROUP_MEMBER not in frame.columns and (tcol := _totals_beside(frame, vcol)):
        # a column the user did not choose: a cell it cannot read is left out, not an error
        cells = pd.to_numeric(frame[tcol].astype("string").str.replace(",", "", regex=False), errors="coerce")
        totals = pd.Series(cells.to_numpy(dtype=float), index=index).groupby(level=0).first()
        return fill_gaps(data, totals, frequency)
    if (chosen := _totals_rows(whole, where)) is not None:
        try:
            totals = read(chosen)
        except InputError:
            return Filled(data)   # they do not read as a series: nothing is taken from them
        if "year_to_date_split" in totals.meta:
            return fill_from(data, totals.values)
    return Filled(data)


def _totals_rows(frame: pd.DataFrame, where: Mapping[str, str] | None) -> dict[str, str] | None:
    """The `where` that keeps the running totals of the rows `where` chose, if the table has them in a column
    `where` filters on (value_type = current_month beside cumulative_ytd), else None."""
    for col, wanted in (where or {}).items():
        if CUMULATIVE.search(str(wanted)) or col not in frame.columns:
            continue
        others = [v for v in frame[col].dropna().astype(str).str.strip().unique() if names_running_total(v)]
        if len(others) == 1:
            return {**where, col: others[0]}
    return None


def _totals_beside(frame: pd.DataFrame, vcol: str) -> str | None:
    """The one year-to-date total column beside the own values (NBS: thermal_gen_cumulative_ytd), if any."""
    found = [c for c in frame.columns if c != vcol and names_running_total(c)
             and pd.to_numeric(frame[c], errors="coerce").notna().any()]
    return found[0] if len(found) == 1 else None


_TOTAL = re.compile(r"total|合计|总计|总量", re.IGNORECASE)


def _rows_where(frame: pd.DataFrame, name: str, col: str, wanted: str) -> pd.DataFrame:
    if col not in frame.columns:
        raise InputError(f"no column {col!r} (columns are {', '.join(map(str, frame.columns))})", file=name)
    cells = frame[col].astype("string").str.strip()
    rows = frame[cells == str(wanted).strip()]
    if rows.empty:
        seen = ", ".join(map(repr, cells.dropna().unique()[:5]))
        raise InputError(f"no rows where {col} is {wanted!r} (it holds {seen}, …)", file=name, column=col)
    return rows


def _filter_long(frame: pd.DataFrame, name: str, region: str | None,
                 sector: str | None) -> tuple[pd.DataFrame, regions.Region | None, str | None]:
    """The rows of one region and sector, the region as the gazetteer knows it (None if it does not) and the
    sector. A file (or the rows a `where` kept) of one region or one sector names it where the user did not."""
    rcol, scol = region_column(frame), find_column(frame, SECTOR_NAMES)
    known = regions.find(region) if region else None
    if rcol and region:
        frame = _region_rows(frame, name, rcol, region, known)
    elif rcol and frame[rcol].nunique() > 1:
        raise InputError(f"the file holds several regions ({_some(frame[rcol])}): choose one with --region",
                         file=name, column=rcol)
    elif rcol:
        known = regions.find(str(frame[rcol].dropna().iloc[0]).strip()) if frame[rcol].notna().any() else None
    elif region and known is None:
        regions.lookup(region)      # raises: a region the gazetteer does not know
    if sector is not None and not scol and sectors.coarse(sector) is None:
        # a file of one series takes the sector on trust: -s Foo had titled a report "新疆维吾尔自治区Foo领域…"
        raise InputError(f"unknown sector {sector!r}: give one of {sectors.known_names()}, a branch such as 钢铁 or "
                         "火电, or leave --sector out", file=name)
    if scol and frame[scol].nunique() == 1:
        held = str(frame[scol].dropna().iloc[0]).strip()
        if sector is not None and sectors.key(sector) != sectors.key(held):
            # read as asked, a file of industry alone had been taken for power (-s 电力) without a word
            raise InputError(f"the file holds only sector {held}, not {sector}", file=name, column=scol)
        sector = sector or held
    if scol and frame[scol].nunique() > 1:
        held = _some(frame[scol])
        if sector is None:
            raise InputError(f"the file holds several sectors ({held}): choose one with --sector", file=name,
                             column=scol)
        rows = _sector_rows(frame, scol, sector)
        gcol = find_column(frame, GROUP_NAMES, exclude={scol})
        if not rows.any() and gcol:
            # a sector group (CEADs' sector_group: 'Industry (mining, ...)' over 39 sectors) is their sum
            rows = _sector_rows(frame, gcol, sector)
            frame = frame[rows].assign(**{GROUP_MEMBER: frame.loc[rows, scol]})
        elif not rows.any() and sectors.key(sector) == ALL_SECTORS:
            # a total the file does not hold (Carbon Monitor's daily file: five sectors, no total row) is the sum
            # of its sectors, each named in the report
            frame = frame.assign(**{SECTOR_MEMBER: frame[scol].astype(str).str.strip()})
        else:
            frame = frame[rows]
        if frame.empty:
            raise InputError(f"no rows for sector {sector!r}; the file holds {held}", file=name, column=scol)
    return frame, known, sector


def _some(column: pd.Series, most: int = 8) -> str:
    """The distinct values of a column as a short list (the first `most`, and how many more)."""
    values = [str(v).strip() for v in column.dropna().unique()]
    shown = ", ".join(values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")


def _region_rows(frame: pd.DataFrame, name: str, rcol: str, region: str,
                 known: regions.Region | None) -> pd.DataFrame:
    """The rows of `region`: by gazetteer code where it knows the region, else (a country in a global file)
    as the file writes it. A file of one region the gazetteer cannot read is taken as the one asked for."""
    written = frame[rcol].astype(str).str.strip()
    one = frame[rcol].nunique() <= 1
    if known is None:
        rows = written.str.lower() == region.strip().lower()
    else:
        codes = written.map({v: getattr(regions.find(v), "code", None) for v in written.unique()})
        if one and codes.isna().all():
            return frame
        rows = codes == known.code
    if not rows.any() and known is not None and not one:
        # a region the file has no rows of (the nation in a file of provinces) is the sum of the regions inside
        # it, of the highest level the file has (its provinces, not their prefectures as well)
        inside = [found for c in codes.dropna().unique()
                  if c != known.code and known.contains(found := regions.lookup(c))]
        if inside:
            highest = min(len(r.ancestors) for r in inside)
            top = codes.isin([r.code for r in inside if len(r.ancestors) == highest])
            return frame[top].assign(**{REGION_MEMBER: written[top]})
    if not rows.any():
        if known is None:
            regions.lookup(region)      # raises: unknown to the gazetteer and absent from the file
        if one:
            raise InputError(f"the file holds only region {written.iloc[0]}, not {known.name_zh}", file=name,
                             column=rcol)
        raise InputError(f"no rows for region {known.name_zh}; the file holds {_some(frame[rcol])}", file=name,
                         column=rcol)
    return frame[rows]


def _sector_rows(frame: pd.DataFrame, col: str, sector: str) -> pd.Series:
    return frame[col].map(sectors.key) == sectors.key(sector)


# How statistical tables mark a value they do not have (NBS yearbooks: … not available, — not applicable).
# a number with its unit in the cell (12.5万吨, 3.2 Mt)
_UNIT_AFTER = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*([^\d\s%.,\-/:].*)$")   # not a date's -01
MISSING_MARKS = frozenset({"-", "--", "—", "——", "–", "…", "……", "...", "/", "／"})


def _parse_values(column: pd.Series, name: str, col: str) -> np.ndarray:
    # NFKC: full-width figures (１２３．４, as Chinese word processors type them) as ASCII
    text = column.astype("string").str.normalize("NFKC").str.strip().str.replace(",", "", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna() & (text != "") & ~text.isin(MISSING_MARKS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        unit = _UNIT_AFTER.match(str(text.iloc[i]))
        hint = f": write the unit {unit[1]!r} in the column's heading, not in its cells" if unit else ""
        raise InputError(f"value {column.iloc[i]!r} is not a number{hint}", file=name,
                         row=int(column.index[i]) + LINE_OFFSET, column=col)
    # squares of the values (variances, fits) overflow past ~1e154: "inf" and 1e308 had given +inf % nodes and a
    # report.json that no JSON reader takes
    huge = values.abs() > MAX_VALUE
    if huge.any():
        i = int(np.flatnonzero(huge.to_numpy())[0])
        raise InputError(f"value {column.iloc[i]} is not a finite number under {MAX_VALUE:g}", file=name,
                         row=int(column.index[i]) + LINE_OFFSET, column=col)
    negative = values < 0
    if negative.any():
        i = int(np.flatnonzero(negative.to_numpy())[0])
        raise InputError(f"value {column.iloc[i]} is negative; emissions cannot be", file=name,
                         row=int(column.index[i]) + LINE_OFFSET, column=col)
    return values.to_numpy(dtype=float)


def _check_duplicates(data: pd.Series, frame: pd.DataFrame, name: str, col: str, value_col: str) -> None:
    dup = data.index.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(data.index.isin([data.index[i]]))[0])
        differ = [c for c in frame.columns if c not in (col, value_col) and frame[c].iloc[first] != frame[c].iloc[i]
                  and frame[c].nunique() < len(frame)]
        hint = (f"; rows of that date differ in {', '.join(map(repr, differ[:3]))}: the file holds several series,"
                f" keep the rows of one (--where {differ[0]}={str(frame[differ[0]].iloc[i]).strip()})"
                if differ else "")
        raise InputError(f"date {frame[col].iloc[i]} appears twice{hint}", file=name,
                         row=int(frame.index[i]) + LINE_OFFSET, column=col)
