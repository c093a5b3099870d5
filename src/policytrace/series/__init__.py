"""Read and validate a series: `series → detect → attribute → report` starts here."""

from .model import Frequency, Series
from .read import drop_unestimated, read_series, where_pairs

__all__ = ["Frequency", "Series", "drop_unestimated", "read_series", "where_pairs"]
