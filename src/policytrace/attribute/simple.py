"""Kept for imports of the first version: the attributor now lives in `attributor.py`."""

from .attributor import Attributor

__all__ = ["Attributor"]
