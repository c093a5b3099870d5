"""The `Series` a user analyses: values on a regular calendar (or undated), with region and sector."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd


class Frequency(str, Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    UNDATED = "undated"

    @property
    def pandas_alias(self) -> str | None:
        return {"daily": "D", "weekly": "W", "monthly": "MS", "quarterly": "QS", "annual": "YS"}.get(self.value)

    @property
    def periods_per_year(self) -> int | None:
        return {"daily": 365, "weekly": 52, "monthly": 12, "quarterly": 4, "annual": 1}.get(self.value)

    def last_day(self, first: pd.Timestamp) -> pd.Timestamp:
        """The last day of the period that starts on `first` (a week: six days on; a month, quarter or
        year: its calendar end, which a fixed count of days overshoots, 2013 + 365 days being 2014-01-01)."""
        first = pd.Timestamp(first).normalize()
        period = {"monthly": "M", "quarterly": "Q", "annual": "Y"}.get(self.value)
        if period:
            return first.to_period(period).end_time.normalize()
        return first + pd.Timedelta(days=6 if self is Frequency.WEEKLY else 0)


@dataclass(frozen=True)
class Series:
    """A univariate series.

    `values` is indexed by a regular `DatetimeIndex` (missing dates are NaN) or, for an undated
    series, by consecutive integers (the user's own numbering; missing ones are NaN). `region` is a
    6-digit region code, `sector` a key of `policytrace.sectors.SECTORS` or the user's own label.
    """

    values: pd.Series
    frequency: Frequency
    region: str | None = None
    sector: str | None = None
    unit: str | None = None
    source: str | None = None
    meta: dict = field(default_factory=dict, compare=False)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def dated(self) -> bool:
        return self.frequency is not Frequency.UNDATED

    @property
    def array(self) -> np.ndarray:
        return self.values.to_numpy(dtype=float)

    def label(self, i: int) -> str:
        """The date of position `i` as text at the series' resolution ('2020-03' for monthly)."""
        if not self.dated:
            return str(int(self.values.index[i]))   # the position as the user numbered it
        ts = self.values.index[i]
        match self.frequency:
            case Frequency.ANNUAL:
                return f"{ts.year}"
            case Frequency.MONTHLY:
                return f"{ts.year}-{ts.month:02d}"
            case Frequency.QUARTERLY:
                return f"{ts.year}Q{(ts.month - 1) // 3 + 1}"
            case _:
                return ts.strftime("%Y-%m-%d")

    def timestamp(self, i: int) -> pd.Timestamp | None:
        return self.values.index[i] if self.dated else None

    @property
    def period(self) -> tuple[str, str]:
        return self.label(0), self.label(len(self) - 1)
