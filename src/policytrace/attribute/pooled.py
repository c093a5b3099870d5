"""The pooled cross-section of a panel: each member's deseasonalised series standardised by its noise,
their mean searched by the members' detector, and the test of whether one member follows a pooled break.
Used by `panel.PanelAttributor`; see its module for the method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import regions as gazetteer
from ..detect import Detector
from ..detect.decompose import noise_model
from ..errors import TooShortError
from ..series import Frequency, Series

FREQUENCY = {"M": Frequency.MONTHLY, "Q": Frequency.QUARTERLY, "Y": Frequency.ANNUAL}
# at most this many periods on either side of a pooled break enter a member's test (local comparison)
WINDOW = {"M": 12, "Q": 8, "Y": 5}


@dataclass(frozen=True)
class Residual:
    """A member's deseasonalised series at the panel's resolution: `values` in the detector's units (logs
    for a positive seasonal series), `z` standardised by the member's noise, `lrv` the long-run variance
    factor of that noise; `changes` the member's own changes (first period, first period after a shock
    or None), every one that passed its penalty."""

    values: pd.Series
    z: pd.Series
    log: bool
    lrv: float
    window: int
    changes: tuple[tuple[pd.Period, pd.Period | None], ...]

    def moves(self, first: pd.Period, at: pd.Period, last: pd.Period, stop: pd.Period, path: pd.Series, *,
              tolerance: int, alpha: float) -> bool:
        """Does this member follow the pooled series' change at `at` (one-sided test at level `alpha`)?

        A local regression on [first, last] (at most `window` periods on either side of `at`): the pooled
        fit's departure from its own line before `at` (over [at, stop]) as the regressor of interest, and
        the member's own changes elsewhere in the window as nuisance (a line per own segment, an
        indicator per own shock). Without them a member's own step elsewhere in the window would pass
        for the common move half the time."""
        return self.follows(self.loading(self.z, first, at, last, stop, path, tolerance), alpha)

    def follows(self, found: tuple[float, float, float] | None, alpha: float) -> bool:
        """The one-sided test of `moves` on a `loading` of `z` already computed."""
        from scipy.stats import norm

        if found is None:
            return False
        beta, variance, _ = found
        se = float(np.sqrt(self.lrv * variance))
        return bool(se > 0 and beta / se > norm.isf(alpha))

    def change_pct(self, first: pd.Period, at: pd.Period, last: pd.Period, stop: pd.Period, path: pd.Series, *,
                   tolerance: int, trend: bool) -> float | None:
        """The member's deseasonalised change at `at` in percent: its loading on the pooled departure times
        that departure (at the break for a step or shock, at its end for a turn)."""
        found = self.loading(self.values, first, at, last, stop, path, tolerance, trend)
        if found is None:
            return None
        beta, _, size = found
        change = beta * size
        if self.log:
            return float(100 * (np.exp(change) - 1))
        level = self.values[self.values.index < at].dropna()
        base = float(level.iloc[-self.window:].mean()) if len(level) else 0.0
        return float(100 * change / abs(base)) if base else None

    def loading(self, series: pd.Series, first: pd.Period, at: pd.Period, last: pd.Period, stop: pd.Period,
                path: pd.Series, tolerance: int, trend: bool = False) -> tuple[float, float, float] | None:
        """(coefficient on the pooled departure, its variance for unit noise, the departure's size)."""
        lo, hi = max(first, at - self.window), min(last, at + self.window - 1)
        x = series[(series.index >= lo) & (series.index <= hi)].dropna()
        if (x.index < at).sum() < 1 or (x.index >= at).sum() < 1:
            return None
        # the pooled departure: its path less the line (or level) it followed before the break
        before = path[(path.index >= lo) & (path.index < at)]
        t_before = np.array([(p - at).n for p in before.index], dtype=float)
        slope = float(np.polyfit(t_before, before.to_numpy(float), 1)[0]) if len(before) >= 3 else 0.0
        offset = float(np.mean(before.to_numpy(float) - slope * t_before))
        t = np.array([(p - at).n for p in x.index], dtype=float)
        support = (x.index >= at) & (x.index <= stop)
        g = np.where(support, path.reindex(x.index).to_numpy(float) - (offset + slope * t), 0.0)
        if not support.any() or not np.any(g) or not np.isfinite(g).all():
            return None
        # a step or shock is measured at the break; a turn where its window ends
        size = float(g[support][-1] if trend else g[support][0])
        # the member's own changes in the window, except those at the break
        columns, bounds = [], [x.index[0]]
        for start, end in self.changes:
            if abs((start - at).n) <= tolerance or not lo < start <= hi:
                continue
            if end is None:
                bounds.append(start)
            else:
                columns.append(((x.index >= start) & (x.index < end)).astype(float))
        bounds = sorted(set(bounds))
        for a, b in zip(bounds, [*bounds[1:], None]):
            inside = (x.index >= a) & ((x.index < b) if b is not None else True)
            if not inside.any():
                continue
            columns.append(inside.astype(float))
            if inside.sum() >= 3:
                centred = np.where(inside, t - t[inside].mean(), 0.0)
                columns.append(centred)
        design = np.column_stack([*columns, g])
        gram = design.T @ design
        if np.linalg.matrix_rank(gram) < gram.shape[0]:
            return None
        inverse = np.linalg.inv(gram)
        coef = inverse @ design.T @ x.to_numpy(float)
        return float(coef[-1]), float(inverse[-1, -1]), size


def member_residual(detector: Detector, freq: str) -> Residual | None:
    """The fitted member's deseasonalised series (values less season and festival), per panel period."""
    work = getattr(detector, "working_", None)
    if work is None or work.begins is None or not hasattr(detector, "seasonal_") or freq not in FREQUENCY:
        return None
    y = np.asarray(work.values, dtype=float)
    valid = np.isfinite(y)
    if not valid.any() or np.ptp(y[valid]) == 0:
        # a constant member: the detector stops before it decomposes (nothing to pool from it)
        return None
    if detector.log_:
        y = np.where(valid, np.log(np.where(valid, y, 1.0)), np.nan)
    periods = work.begins.to_period(freq)
    values = pd.Series(y - detector.seasonal_ - detector.festival_, index=periods)
    rest = (values - detector.path_).groupby(level=0).mean().dropna().to_numpy(float)
    values = values.groupby(level=0).mean()
    n = len(periods)
    changes = tuple((periods[ch.at], periods[ch.end] if ch.end is not None and ch.end < n else None)
                    for ch in detector.changes_ if ch.kind != "seasonal")
    if len(values) == len(work.begins):
        # the member was analysed at the panel's resolution: its own noise scale holds
        sigma = float(detector.noise_)
    else:
        # finer working periods averaged to the panel's: the scale of the averaged series
        sigma = noise_model(values.dropna().to_numpy(float), autocorrelated=False)[0]
    if not sigma > 0 or len(rest) < 3:
        return None
    # The member tests sum a year or two of periods, so they need the noise's long-run variance: measured
    # on what the member's own fit leaves (a short series' detector assumes white noise; its penalty is
    # calibrated for that, a sum over many periods is not), never below the detector's scale.
    lrv = _long_run_factor(rest / sigma)
    z = (values - float(values.median())) / sigma
    return Residual(values, z, bool(detector.log_), lrv, WINDOW[freq], changes)


def pooled_search(detector: Detector, frame: pd.DataFrame, freq: str) -> tuple[pd.Series, Detector] | None:
    """The pooled series (the members' mean per period, centred) and the detector fitted on it."""
    mean = frame.mean(axis=1)
    if mean.isna().all() or frame.shape[1] == 0:
        return None
    # centred on its median, so that some values are not positive and the search stays on this scale
    mean = mean - float(mean.median())
    series = Series(pd.Series(mean.to_numpy(float), index=mean.index.to_timestamp()), FREQUENCY[freq],
                    region=gazetteer.NATION, source="panel: mean of the members' standardised deseasonalised series")
    pooled = pooled_detector(detector)
    try:
        pooled.fit(series)
    except TooShortError:
        return None
    return mean, pooled


def pooled_residual(frame: pd.DataFrame, pooled: Detector, at: int, window: int) -> Residual | None:
    """The mean of some members as a `Residual`, the pooled search's other changes as its own."""
    mean = frame.mean(axis=1)
    x = mean.to_numpy(float)
    valid = np.isfinite(x)
    if valid.sum() < 3:
        return None
    sigma = noise_model(x[valid], autocorrelated=False)[0]
    if not sigma > 0:
        return None
    lrv = _long_run_factor((x[valid] - pooled.path_[valid]) / sigma)
    periods = mean.index
    n = len(periods)
    changes = tuple((periods[ch.at], periods[ch.end] if ch.end is not None and ch.end < n else None)
                    for ch in pooled.changes_ if ch.kind != "seasonal" and ch.at != at)
    return Residual(mean, mean / sigma, False, lrv, window, changes)


def pooled_detector(detector: Detector) -> Detector:
    """The members' detector settings for the pooled series, which is already deseasonalised and free of
    the festival (no calendar). Every change that passes the penalty (the false-detection-rate bar) is a
    candidate: the confidence floor, calibrated on single series, would drop a three-month dip that the
    penalty search places as a fall and a recovering slope, and the members' own tests confirm each one."""
    return Detector(penalty=detector.penalty, calendar=None, min_size=detector.min_size,
                    max_nodes=detector.max_nodes, iterations=detector.iterations, relevance=detector.relevance,
                    calibration=detector.calibration, min_confidence=0.0, refine_turns=detector.refine_turns)


def _long_run_factor(rest: np.ndarray) -> float:
    """Long-run variance of what a fit leaves (in units of the detector's noise), never below that noise."""
    scale, rho = noise_model(rest)
    return max(1.0, scale**2) * (1 + rho) / (1 - rho)
