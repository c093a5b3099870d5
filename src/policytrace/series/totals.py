"""Totals over several periods as each period's own value: year-to-date running totals (累计值), months published
together (2020年1-2月)."""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from ..errors import InputError
from .model import Frequency

CUMULATIVE = re.compile(r"cumul|ytd|year.to.date|累计|累積", re.IGNORECASE)
# statistical tables give year-to-date growth beside the totals (累计增长, %): a rate, not a running total
RATE = re.compile(r"增长|增速|同比|growth|rate|yoy|%|percent", re.IGNORECASE)


def names_running_total(name: str) -> bool:
    """Does a column heading or cell name year-to-date totals (thermal_gen_cumulative_ytd, 累计值), not their
    growth rate (累计增长)?"""
    return bool(CUMULATIVE.search(name)) and not RATE.search(name)


def running_totals(chosen: list[str], spans: pd.Series | None) -> bool:
    """Are the values year-to-date totals? Yes where the user chose them by name (`chosen`: the value column and
    the `where` values: 累计值, cumulative_ytd) or their labels say so (`spans`, each date's first month: 1-2月,
    1-3月, … 1-12月, each from January, some over more than two months)."""
    if any(CUMULATIVE.search(c) for c in chosen):
        return True
    if spans is None:
        return False
    months = spans.index.month
    return bool(((spans == 1) | (months == 1)).all() and (months - spans >= 2).any())


def own_values(totals: pd.Series, lines: pd.Series, frequency: Frequency, name: str, column: str,
               known: pd.Series | None = None) -> tuple[pd.Series, int]:
    """Each month's (or quarter's) own value from running totals that restart every January.

    A total is the sum since January: a period's own value is its difference from the total before it in
    the same year. A total that covers several periods (statistical offices publish January and February
    together; a month may be missing) is split evenly over them, its mean, as Carbon Monitor spreads a month
    over its days; where `known` gives some of those periods' own values, the rest share what is left (January
    is February's total less February). `totals` is sorted by date; `lines` gives each date's line in the file,
    for errors. Returns the values and how many totals were split."""
    if frequency not in (Frequency.MONTHLY, Frequency.QUARTERLY):
        raise InputError(f"year-to-date totals need monthly or quarterly dates, not {frequency.value}", file=name,
                         column=column)
    step = 1 if frequency is Frequency.MONTHLY else 3
    own: dict[pd.Timestamp, float] = {}
    split = 0
    for year, part in totals.dropna().groupby(totals.dropna().index.year):
        done, before = 0, 0.0   # periods of the year covered so far, and their total
        for day, total in part.items():
            at = (day.month - 1) // step + 1
            if total < before:
                raise InputError(f"the year-to-date total falls within {year} ({before:g} before, {total:g} here): "
                                 "not a running total", file=name, row=int(lines[day]), column=column)
            days = [pd.Timestamp(year, (k - 1) * step + 1, 1) for k in range(done + 1, at + 1)]
            given = {d: float(known[d]) for d in days if known is not None and d in known.index
                     and pd.notna(known[d])} if len(days) > 1 else {}
            rest = [d for d in days if d not in given]
            share = (total - before - sum(given.values())) / len(rest) if rest else 0.0
            if share < 0:     # the known values exceed the total (a revision): the total is split evenly
                given, share = {}, (total - before) / len(days)
            for period in days:
                own[period] = given.get(period, share)
            split += len(days) > 1
            done, before = at, float(total)
    return pd.Series(own, name=totals.name).sort_index(), split


def split_spans(values: pd.Series, firsts: pd.Series) -> tuple[pd.Series, int]:
    """Totals of several months (2020年1-2月, dated to their last month) split evenly over those months;
    `firsts` gives each date's first month. Returns the values and how many totals were split."""
    own: dict[pd.Timestamp, float] = {}
    split = 0
    for day, value in values.items():
        first = int(firsts.get(day, day.month))
        for month in range(first, day.month + 1):
            own[pd.Timestamp(day.year, month, 1)] = value / (day.month - first + 1)
        split += first < day.month
    return pd.Series(own, name=values.name).sort_index(), split


# Own values and running totals of one table agree but for rounding and revisions: in NBS's thermal-power table
# the months' absolute differences sum to 0.1-2.5% of their values in 30 provinces, 13% in Tibet (0.2 beside
# 0.7 - 0.5 ...). Beyond 5% the two cannot be read as one series, and nothing is taken from the totals.
AGREE = 0.05


class Filled(NamedTuple):
    """Own values completed from running totals: the values, how many were filled, and how far the totals were
    from the own values on the periods both have (their absolute differences over the own values' sum; None
    where too few periods overlap to say)."""

    values: pd.Series
    count: int = 0
    disagreement: float | None = None


def fill_gaps(own: pd.Series, totals: pd.Series, frequency: Frequency) -> Filled:
    """Missing own values (NBS leaves January and February empty) taken from the running totals beside them,
    where the two agree on the periods both have (dates sorted, absent periods added where the totals give
    them)."""
    try:
        derived, _ = own_values(totals.sort_index(), pd.Series(0, index=totals.index), frequency, "", "", known=own)
    except InputError:
        return Filled(own)      # not running totals after all (one falls within a year)
    return fill_from(own, derived)


def fill_from(own: pd.Series, derived: pd.Series) -> Filled:
    """`own`'s missing periods from `derived` (the same measure read from running totals), where the two agree
    on the periods both have; a table that begins with January and February only in their total begins there."""
    both = own.dropna().index.intersection(derived.dropna().index)
    if len(both) < 3:
        return Filled(own)
    disagreement = float((own[both] - derived[both]).abs().sum()) / max(float(own[both].abs().sum()), 1e-300)
    if disagreement > AGREE:
        return Filled(own, 0, disagreement)
    wanted = derived.dropna().index.difference(own.dropna().index)
    filled = own.reindex(own.index.union(wanted))
    filled[wanted] = derived[wanted]
    return Filled(filled, len(wanted), disagreement)
