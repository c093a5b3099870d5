"""Read and validate a series: `series → detect → attribute → report` starts here."""

from .model import Frequency, Series
from .read import read_series, where_pairs

__all__ = ["Frequency", "Series", "read_series", "where_pairs"]
