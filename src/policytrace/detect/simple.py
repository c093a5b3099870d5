"""A first, plain detector: PELT on the deseasonalised series at the resolution the data really have.

Honest but simple; the confidence is a monotone map of the step's t-statistic, not yet calibrated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import ruptures as rpt

from ..series import Frequency, Series
from .node import Node, NodeKind


class Detector:
    """Find level shifts and outliers.

    Parameters
    ----------
    penalty_scale : float
        Multiplies the BIC-like penalty ``2 σ² ln n``; larger finds fewer nodes.
    min_size : int
        Shortest regime, in working periods.
    max_nodes : int | None
        Keep at most this many nodes (the most confident).
    """

    def __init__(self, penalty_scale: float = 2.0, min_size: int = 2, max_nodes: int | None = None) -> None:
        self.penalty_scale = penalty_scale
        self.min_size = min_size
        self.max_nodes = max_nodes

    def __repr__(self) -> str:
        return f"Detector(penalty_scale={self.penalty_scale}, min_size={self.min_size}, max_nodes={self.max_nodes})"

    def fit(self, series: Series) -> "Detector":
        work, positions = _working_resolution(series)
        signal = _deseasonalise(work, series)
        sigma = _noise_sigma(signal)
        n = len(signal)
        if sigma == 0:
            self.nodes_ = []
            return self
        penalty = self.penalty_scale * 2 * sigma**2 * np.log(n)
        algo = rpt.KernelCPD(kernel="linear", min_size=self.min_size).fit(signal.reshape(-1, 1))
        bkps = [b for b in algo.predict(pen=penalty) if b < n]
        bounds = [0, *bkps, n]
        nodes = []
        for k, b in enumerate(bkps):
            before, after = signal[bounds[k]:b], signal[b:bounds[k + 2]]
            nodes.append(self._node(series, positions, work, before, after, b, sigma, n))
        nodes.sort(key=lambda nd: -nd.confidence)
        if self.max_nodes is not None:
            nodes = nodes[: self.max_nodes]
        self.nodes_ = sorted(nodes, key=lambda nd: nd.index)
        return self

    def predict(self, series: Series) -> list[Node]:
        return self.fit(series).nodes_

    @staticmethod
    def _node(series, positions, work, before, after, b, sigma, n) -> Node:
        lb, la = float(np.mean(before)), float(np.mean(after))
        t = abs(la - lb) / (sigma * np.sqrt(1 / len(before) + 1 / len(after)))
        kind = NodeKind.OUTLIER if len(after) == 1 and b + 1 < n else NodeKind.EVENT
        confidence = float(1 - np.exp(-((t / 6) ** 2)))
        index = int(positions[b])
        lo, hi = int(positions[max(b - 1, 0)]), int(positions[min(b + 1, n - 1)])
        return Node(
            index=index,
            date=series.label(index),
            kind=kind,
            confidence=round(confidence, 2),
            direction="up" if la > lb else "down",
            change_pct=round(100 * (la - lb) / abs(lb), 1) if lb else float("nan"),
            level_before=lb,
            level_after=la,
            interval=(series.label(lo), series.label(hi)),
            interval_index=(lo, hi),
        )


def _working_resolution(series: Series) -> tuple[np.ndarray, np.ndarray]:
    """Values at the resolution the data carry, and each value's first position in the series.

    Daily China data are monthly totals spread over days, so daily input is read as monthly means.
    """
    values = series.values.interpolate(limit_direction="both")
    if series.frequency is Frequency.DAILY and len(values) >= 90:
        monthly = values.groupby(values.index.to_period("M"))
        first = values.index.get_indexer([p.start_time for p in monthly.groups])
        return monthly.mean().to_numpy(dtype=float), first
    return values.to_numpy(dtype=float), np.arange(len(values))


def _deseasonalise(work: np.ndarray, series: Series) -> np.ndarray:
    per_year = 12 if series.frequency in (Frequency.DAILY, Frequency.MONTHLY) else None
    if series.frequency is Frequency.QUARTERLY:
        per_year = 4
    if per_year is None or len(work) < 3 * per_year:
        return work
    from statsmodels.tsa.seasonal import STL

    fit = STL(pd.Series(work), period=per_year, robust=True).fit()
    seasonal, resid = np.asarray(fit.seasonal), np.asarray(fit.resid)
    # Seasonal strength (Wang, Smith & Hyndman 2006): remove the season only where there is one,
    # since STL on pure noise invents a pattern that then looks like steps.
    strength = 1 - np.var(resid) / np.var(seasonal + resid)
    return work - seasonal if strength >= 0.4 else work


def _noise_sigma(signal: np.ndarray) -> float:
    diffs = np.diff(signal)
    return float(1.4826 * np.median(np.abs(diffs - np.median(diffs))) / np.sqrt(2))
