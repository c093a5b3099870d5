"""Segment costs from cumulative sums: the cost of any segment in O(1), of all candidate starts at once.

ruptures' `CostL2`/`CostLinear` recompute each segment from its slice (O(length) per call, one Python
call per candidate); here one numpy expression prices every candidate start of a segment end. On a
1,461-point series this PELT runs in milliseconds where ruptures' PELT (l2, jump 1) takes seconds
(measured in `bench/detect_speed.py`).
"""

from __future__ import annotations

import numpy as np


class PiecewiseCost:
    """Squared error of the best model of a segment: a constant level, or a line.

    A line costs `slope_penalty` more than a level (it has one more parameter), so a segment is
    given a slope only where the data pay for it; this lets one search find level shifts (events)
    and turns of the trend together. The signal must be scaled to unit noise.
    """

    model = "piecewise"

    def __init__(self, slope_penalty: float = 0.0, min_line: int = 4) -> None:
        self.slope_penalty = slope_penalty
        self.min_line = min_line

    def fit(self, signal: np.ndarray, read: np.ndarray | None = None) -> "PiecewiseCost":
        """`read`: which points the costs read (all by default); the others lie inside segments but cost
        nothing and move no fit, so a change across them is placed anywhere among them at one cost."""
        y = np.asarray(signal, dtype=float)
        n = len(y)
        w = np.ones(n) if read is None else np.asarray(read, dtype=float)
        y = np.where(w > 0, y, 0.0)
        t = np.arange(n, dtype=float) - n / 2  # centred: keeps the sums well conditioned
        zero = np.zeros(1)
        self._w = np.concatenate([zero, np.cumsum(w)])
        self._y = np.concatenate([zero, np.cumsum(w * y)])
        self._yy = np.concatenate([zero, np.cumsum(w * y * y)])
        self._t = np.concatenate([zero, np.cumsum(w * t)])
        self._tt = np.concatenate([zero, np.cumsum(w * t * t)])
        self._ty = np.concatenate([zero, np.cumsum(w * t * y)])
        self.n = n
        return self

    def count(self, start: int, end: int) -> int:
        """How many points of segment [start, end) the costs read."""
        return round(float(self._w[end] - self._w[start]))

    def reads(self, start: int, end: int) -> np.ndarray:
        """Which points of segment [start, end) the costs read."""
        return np.diff(self._w[start:end + 1]) > 0

    def _sums(self, start, end):
        start = np.asarray(start)
        # at least a tiny count: a segment the costs do not read costs nothing (and is fitted at 0)
        m = np.maximum(self._w[end] - self._w[start], 1e-12)
        sy = self._y[end] - self._y[start]
        syy = self._yy[end] - self._yy[start]
        st = self._t[end] - self._t[start]
        stt = self._tt[end] - self._tt[start]
        sty = self._ty[end] - self._ty[start]
        return m, sy, syy, st, stt, sty

    def _errors(self, start, end) -> tuple[np.ndarray, np.ndarray]:
        """Squared error of the best level and of the best line (inf below `min_line` points), from one
        set of sums."""
        m, sy, syy, st, stt, sty = self._sums(start, end)
        level = np.maximum(syy - sy * sy / m, 0.0)
        sxx = stt - st * st / m
        sxy = sty - st * sy / m
        with np.errstate(invalid="ignore", divide="ignore"):
            line = level - np.where(sxx > 0, sxy * sxy / np.where(sxx > 0, sxx, 1), 0.0)
        return level, np.where(m >= self.min_line - 1e-9, np.maximum(line, 0.0), np.inf)

    def level_error(self, start, end) -> np.ndarray:
        return self._errors(start, end)[0]

    def line_error(self, start, end) -> np.ndarray:
        return self._errors(start, end)[1]

    def error(self, start, end) -> np.ndarray:
        """Cost of segments [start, end) for an array of starts and one end (or one start, many ends)."""
        level, line = self._errors(start, end)
        return np.minimum(level, line + self.slope_penalty)

    def is_line(self, start: int, end: int) -> bool:
        return bool(self.line_error(start, end) + self.slope_penalty < self.level_error(start, end))

    def fitted(self, start: int, end: int) -> np.ndarray:
        """The fitted values of segment [start, end) under its chosen model."""
        m, sy, syy, st, stt, sty = (float(v) for v in self._sums(start, end))
        mean = sy / m
        t = np.arange(start, end, dtype=float) - self.n / 2
        if self.is_line(start, end):
            slope = (sty - st * sy / m) / (stt - st * st / m)
            return mean + slope * (t - st / m)
        return np.full(end - start, mean)

    def slope(self, start: int, end: int) -> float:
        if not self.is_line(start, end):
            return 0.0
        m, sy, syy, st, stt, sty = (float(v) for v in self._sums(start, end))
        return (sty - st * sy / m) / (stt - st * st / m)
