"""Seasonal pattern, Spring Festival effect and isolated outliers of a working series.

The seasonal pattern is first taken from a robust STL (statsmodels), then re-estimated as phase
means around the fitted segments, so that level shifts do not leak into the season and a change of
the pattern itself (a `seasonal` node) can be estimated on each side of it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from ..series.calendar import Working


def phases(work: Working) -> np.ndarray | None:
    """Position of each working period within the year (0..period-1), or None."""
    if work.period is None:
        return None
    if work.begins is None:
        return np.arange(len(work)) % work.period
    b = work.begins
    match work.resolution:
        case "monthly":
            return (b.month - 1).to_numpy()
        case "quarterly":
            return ((b.month - 1) // 3).to_numpy()
        case "weekly":
            return np.minimum((b.day_of_year.to_numpy() - 1) // 7, work.period - 1)
        case "daily":
            return b.day_of_week.to_numpy()
    return np.arange(len(work)) % work.period


# Periods of this many phases or more (weeks of a year) are read from few cycles as `HARMONICS` harmonics
MANY_PHASES = 26
# 2, 3, 4 and 6 harmonics gave two-year weekly F1 0.343 / 0.356 / 0.353 / 0.317; the generator's season has
# two, real ones more (a festival or a heating season's edges): four
HARMONICS = 4


def seasonal_strength(values: np.ndarray, period: int) -> tuple[np.ndarray, float, np.ndarray]:
    """Robust STL seasonal component, its strength (Wang, Smith & Hyndman 2006), and the STL trend."""
    from statsmodels.tsa.seasonal import STL

    # seasonal_deg=0: each month's seasonal value is a local (robust) mean over years; the default
    # local line through 3-4 years of a short series follows the noise, and the residual vanishes.
    # 5 robustness passes instead of 15: the weights settle by then, at a third of the time.
    # With few years a narrow seasonal window still bends each month's value towards its own
    # noise in the first and last year; below 8 cycles the pattern is held (nearly) fixed.
    cycles = len(values) // period
    window = 7 if cycles >= 8 else 10 * cycles + 1
    fit = STL(pd.Series(values), period=period, robust=True, seasonal=window,
              seasonal_deg=0).fit(outer_iter=5)
    seasonal, resid = np.array(fit.seasonal), np.array(fit.resid)
    position = np.arange(len(values)) % period
    if cycles >= 3:
        # One value far off moves its phase's first mean so far that every value of the phase gets weight 0;
        # STL's loess, left without weight, then takes each value as its own smooth and the shock becomes
        # "season" (a week-long 40 % drop in three years read week by week). Such a phase is held at the
        # median of its values around the trend, which the one far off cannot move.
        detrended = values - np.asarray(fit.trend)
        for q in np.unique(position[np.asarray(fit.weights) == 0]):
            at = position == q
            if not np.asarray(fit.weights)[at].any():
                held = float(np.median(detrended[at]))
                resid[at] += seasonal[at] - held
                seasonal[at] = held
    if cycles < 3:
        # Under three cycles a phase may have two values only. Where a shock leaves both equally far off (the
        # season is their mean), the robust weights drop both, and STL's loess then takes each value as its
        # own smooth: the shock vanishes into the season (Cui et al.'s Hubei industry, March 2020's −76 %).
        # Held at each phase's mean, as the pattern is meant to be: on 200 two-year series with 1-2 changes,
        # precision 0.616 -> 0.652 and ECE 0.212 -> 0.168 (bench/detect_lengths.py, round 19).
        held = np.array([seasonal[position == q].mean() for q in range(period)])[position]
        seasonal, resid = held, resid + seasonal - held
    denominator = np.var(seasonal + resid)
    strength = 1 - np.var(resid) / denominator if denominator > 0 else 0.0
    if cycles < 3 and period >= MANY_PHASES:
        # A year read week by week from two cycles: 52 phase means, each from two values, took half of a
        # step late in the second year, and the residual they left read as autocorrelated (long-run
        # factor 2-3). A yearly season of daily data is smooth (heating, cooling; the holidays are not
        # read): a few harmonics around the STL trend. Two-year genuinely daily series with 1-2 changes
        # (150, seeds 28,000,000+): F1 (±4 weeks) 0.120 -> 0.368 with `Season.noise_inflation` and the
        # autocorrelation left out as well (bench/README.md, round 20). Whether there is a season at all is
        # still judged on the phase means: the harmonics' own strength took a 12 % step for one.
        seasonal = harmonic_season(values - np.asarray(fit.trend), period)
    return seasonal, float(strength), np.asarray(fit.trend)


def harmonic_season(values: np.ndarray, period: int, harmonics: int = HARMONICS) -> np.ndarray:
    """The least-squares fit of `harmonics` harmonics of `period` to `values` (centred: no level)."""
    t = np.arange(len(values)) * (2 * np.pi / period)
    design = np.column_stack([f(j * t) for j in range(1, harmonics + 1) for f in (np.cos, np.sin)])
    return design @ np.linalg.lstsq(design, values - values.mean(), rcond=None)[0]


def phase_profile(residual: np.ndarray, phase: np.ndarray, period: int, regimes: list[int]) -> np.ndarray:
    """Centred phase medians of `residual`, estimated separately in each seasonal regime."""
    out = np.zeros_like(residual)
    bounds = [0, *regimes, len(residual)]
    for a, b in zip(bounds[:-1], bounds[1:]):
        r, p = residual[a:b], phase[a:b]
        # medians: with few years one shocked year (2020's February) must not set the season
        means = np.zeros(period)
        present = np.zeros(period, dtype=bool)
        for q in np.unique(p):
            means[q] = np.median(r[p == q])
            present[q] = True
        means[present] -= means[present].mean()
        out[a:b] = means[p]
    return out


def festival_effect(residual: np.ndarray, regressors: np.ndarray | None) -> np.ndarray:
    """Robust (Huber) fit of the residual on the festival regressors; its fitted part."""
    if regressors is None:
        return np.zeros_like(residual)
    usable = regressors[:, regressors.std(axis=0) > 1e-9]
    if usable.shape[1] == 0:
        return np.zeros_like(residual)
    import statsmodels.api as sm

    X = sm.add_constant(usable, has_constant="add")
    try:
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            # a perfect fit (noise-free input) is fine here; statsmodels warns about its zero scale
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit = sm.RLM(residual, X, M=sm.robust.norms.HuberT()).fit()
    except (ValueError, np.linalg.LinAlgError):  # degenerate design: no festival effect
        return np.zeros_like(residual)
    return usable @ np.asarray(fit.params)[1:]


def robust_sigma(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return 0.0
    from scipy.stats import median_abs_deviation

    return float(median_abs_deviation(x, scale="normal"))


def efficient_sigma(x: np.ndarray) -> float:
    """Rousseeuw–Croux Qn scale (statsmodels): as robust as the MAD, about twice as efficient.

    On 48 months the MAD's own error made the noise scale, and with it the penalty, swing by a
    factor of two between series with the same noise.
    """
    x = x[np.isfinite(x)]
    if x.size < 4:
        return robust_sigma(x)
    from statsmodels.robust.scale import qn_scale

    return float(qn_scale(x))


def diff_sigma(x: np.ndarray) -> float:
    """Noise scale from first differences: unmoved by level shifts and slow trends."""
    return robust_sigma(np.diff(x)) / np.sqrt(2)


def noise_model(x: np.ndarray, autocorrelated: bool = True) -> tuple[float, float]:
    """Noise scale σ (from first differences, unmoved by level shifts) and lag-1 autocorrelation ρ.

    Meant for a residual with the changes taken out: there the plain lag-1 autocorrelation is the
    efficient estimate (a ratio of robust lag-2 / lag-1 spreads, tried first, swung from 0 to 0.9
    on 48 points of white noise). σ is the marginal scale of AR(1) noise: Var(Δx) = 2σ²(1 − ρ).
    """
    d1 = efficient_sigma(np.diff(x))
    if len(x) < 6 or d1 == 0 or not autocorrelated:
        return d1 / np.sqrt(2), 0.0
    centred = x - np.mean(x)
    denominator = float(np.dot(centred, centred))
    rho = float(np.dot(centred[1:], centred[:-1]) / denominator) if denominator > 0 else 0.0
    rho = float(np.clip(rho, 0.0, 0.9))
    return d1 / np.sqrt(2 * (1 - rho)), rho


def find_outliers(signal: np.ndarray, alpha: float, smooth: np.ndarray | None = None, inflation: float = 1.0,
                  controlled: bool = False, period: int | None = None, gaps: np.ndarray | None = None,
                  pairs: bool = False) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Isolated points far from `smooth` (default a running median), family-wise level `alpha` (Bonferroni).

    `controlled`: the limit allows for the error of the scale itself (see `_outlier_limit`). `gaps`:
    filled periods, which neither set the scale nor count as tries. `pairs`: two neighbours off together
    (`_pairs`) count as well, each an outlier.
    Returns the outlier positions, the smooth values there, the residual scale (× inflation) and the limit.
    """
    n = len(signal)
    if smooth is None:
        smooth = pd.Series(signal).rolling(5, center=True, min_periods=1).median().to_numpy()
    resid = signal - smooth
    scale, quantile = _outlier_limit(signal, resid, alpha, controlled, period, gaps)
    if n < 8 or scale == 0:
        return np.array([], dtype=int), np.array([]), scale, np.inf
    # `inflation` (calibrated) makes up for the noise the seasonal fit absorbs from the residual
    limit = inflation * quantile * scale
    big = np.abs(resid) > limit
    half = np.abs(resid) > limit / 2
    isolated = big & ~np.r_[False, half[:-1]] & ~np.r_[half[1:], False]
    where = np.flatnonzero(isolated)
    if pairs:
        where = np.union1d(where, _pairs(resid, limit, isolated, gaps))
    return where, smooth[where], scale * inflation, limit


def _pairs(resid: np.ndarray, limit: float, isolated: np.ndarray, gaps: np.ndarray | None) -> np.ndarray:
    """Both periods of each isolated pair of neighbours whose sum is off by the limit (at the noise of a sum
    of two): a week-long event read week by week falls in two weeks six times in seven, each holding part of it,
    neither far enough off alone nor isolated."""
    half = np.abs(resid) > limit / 2
    off = pair_sums(resid) > limit
    off &= ~np.r_[False, half[:-2]] & ~np.r_[half[2:], False]          # quiet on either side of the pair
    off &= ~isolated[:-1] & ~isolated[1:]
    if gaps is not None:
        off &= ~gaps[:-1] & ~gaps[1:]
    starts = np.flatnonzero(off)
    starts = starts[~np.isin(starts - 1, starts)]   # three off in a row are no pair
    return np.union1d(starts, starts + 1).astype(int)


def pair_sums(resid: np.ndarray) -> np.ndarray:
    """For each period and the next, |their sum| at the noise of a sum of two where their signs agree, else 0
    (what `_pairs` tests and `outlier_statistic` reports)."""
    agree = np.sign(resid[:-1]) == np.sign(resid[1:])
    return np.where(agree, np.abs(resid[:-1] + resid[1:]) / np.sqrt(2), 0.0)


def one_of_mirrors(points: np.ndarray, expected: np.ndarray, values: np.ndarray, seasonal: np.ndarray,
                   period: int, unread: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, int]]:
    """Outliers at a phase the series holds only twice, each placed at whichever of its two values departs
    more from its neighbours in `values` (the series less its festival terms), with `seasonal` at that phase
    taken from the other value alone. Returns the outliers, their expected values, the season and, for each
    outlier so placed, the position of the other value. A value in `unread` periods (holidays, gaps) is
    never taken for an outlier nor for the season.

    A season that is the mean of two values puts a value far off and its mirror in the other cycle equally
    far off, in opposite directions: the test may find either or both, and the season carries half of it.
    Only the neighbours tell them apart, on the belief that a season is smooth: a steep seasonal ramp can
    mislead them.
    """
    n = len(values)
    seasonal = seasonal.copy()

    def around(u: int, x: np.ndarray) -> float:
        return float(x[[v for v in (u - 1, u + 1) if 0 <= v < n]].mean())

    def departure(u: int, x: np.ndarray) -> float:
        return float(x[u]) - around(u, x)

    placed: dict[int, float] = {}
    mirrors: dict[int, int] = {}
    found = dict(zip(points.tolist(), expected.tolist()))
    for t, e in found.items():
        mirror = t + period if t + period < n else t - period
        first, second = sorted((t, mirror))
        if mirror < 0 or first - period >= 0 or second + period < n or (unread is not None and unread[mirror]):
            placed[t] = e   # held three times or more (the robust season read it), or the other unread
            continue
        if first in placed or second in placed:
            continue
        far, near = (t, mirror) if abs(departure(t, values)) >= abs(departure(mirror, values)) else (mirror, t)
        placed[far] = found[far] if far in found else around(far, values - seasonal)
        mirrors[far] = near
        seasonal[[t, mirror]] += departure(near, values - seasonal)
    at = np.array(sorted(placed), dtype=int)
    return at, np.array([placed[t] for t in at]), seasonal, mirrors


def outlier_statistic(signal: np.ndarray, smooth: np.ndarray, alpha: float, controlled: bool = False,
                      period: int | None = None, unread: np.ndarray | None = None,
                      gaps: np.ndarray | None = None, pairs: bool = False) -> float:
    """The largest |residual| in units of the uninflated outlier limit (for calibration), over the
    periods not `unread` (where no outlier is reported)."""
    n = len(signal)
    resid = signal - smooth
    scale, quantile = _outlier_limit(signal, resid, alpha, controlled, period, gaps)
    if n < 8 or scale == 0:
        return 0.0
    ratio = np.abs(resid) / (quantile * scale)
    if pairs:
        # read at the pair's first period; a pair whose second period is unread is no pair
        total = pair_sums(resid) / (quantile * scale)
        if unread is not None:
            total = np.where(unread[1:], 0.0, total)
        ratio = np.maximum(ratio, np.r_[total, 0.0])
    if unread is not None:
        ratio = ratio[~unread]
    return float(ratio.max()) if ratio.size else 0.0


# Gaussian efficiency of the Qn scale: its error is that of a standard deviation from 82% of the values.
QN_EFFICIENCY = 0.82


def _outlier_limit(signal: np.ndarray, resid: np.ndarray, alpha: float, controlled: bool,
                   period: int | None, gaps: np.ndarray | None = None) -> tuple[float, float]:
    """The outlier test's noise scale and its Bonferroni quantile in units of that scale.

    Nominal: MAD of the residual, normal quantile. Controlled: the scale from the same phase a
    year apart (a season fitted over few years absorbs noise from the residual itself) and a
    Student t quantile on the scale's own degrees of freedom: a scale from a few dozen values is
    off by 10-20%, and the largest of n ratios to it has a heavier tail than the normal allows.
    """
    from scipy.stats import norm, t as student_t

    read = np.ones(len(signal), dtype=bool) if gaps is None else ~gaps
    n = int(read.sum())
    # floor: on smooth (autocorrelated) series the running median follows the noise too closely
    floor = diff_sigma(signal[read])
    if not controlled:
        return max(robust_sigma(resid[read]), floor), float(norm.isf(alpha / (2 * n)))
    if period and len(resid) >= 2 * period:   # two cycles give a lag pair for every phase
        both = read[period:] & read[:-period]
        lagged = (resid[period:] - resid[:-period])[both]
        spread, count = efficient_sigma(lagged) / np.sqrt(2), len(lagged)
    else:
        spread, count = efficient_sigma(resid[read]), n
    return max(spread, floor), float(student_t.isf(alpha / (2 * n), max(QN_EFFICIENCY * count, 3.0)))
