"""The seasonal side of one analysis: the pattern a series is read against (robust STL), the Spring
Festival terms and holiday seasons, and the tests for a change of the pattern itself."""

from __future__ import annotations

import numpy as np

from ..series.calendar import Working, national_day_holiday, spring_festival_regressors, spring_festival_season
from .calibrate import Calibration
from .decompose import festival_effect, noise_model, phase_profile, phases, seasonal_strength
from .festival import bridged
from .fit import Season
from .kinds import amplitude_change, amplitude_changes, seasonal_change

# Below this seasonal strength STL on noise invents a pattern that then looks like steps.
MIN_SEASONAL_STRENGTH = 0.3

Splits = list[tuple[int, float, float]]   # changes of the pattern: (position, gain, bar)


def read_season(y: np.ndarray, work: Working, calendar: str | None, gaps: np.ndarray | None = None
                ) -> tuple[Season, np.ndarray]:
    """The seasonal pattern of `y` at `work`'s resolution (none where it is weak or under two cycles), the
    festival terms and, read week by week, the holiday seasons; and `y` as the pattern was read (bridged over
    those seasons). `gaps`: filled periods, which do not set the noise scale."""
    n = len(y)
    phase, period = phases(work), work.period
    festival_season = national_day = None
    if calendar == "china" and work.begins is not None and work.resolution in ("weekly", "daily"):
        # week by week the festival's season and the National Day holiday, whose depth changes from year
        # to year, are read neither for the pattern nor for changes (`festival`)
        festival_season = spring_festival_season(work.begins, work.ends)
        national_day = national_day_holiday(work.begins, work.ends)
        holidays = festival_season | national_day
        if (~holidays).sum() >= 2:
            y = bridged(y, holidays)
        else:
            festival_season = national_day = None
    pattern = np.zeros(n)
    stl = stl_trend = None
    present = bool(period and phase is not None and n >= 2 * period)
    if present:
        stl, strength, stl_trend = seasonal_strength(y, period)
        present = strength >= MIN_SEASONAL_STRENGTH
        if present:
            pattern = stl
    regressors = None
    if calendar == "china" and work.begins is not None and work.resolution in ("monthly", "weekly", "daily"):
        # week by week the travel season before the holiday shows too (and is not read by the search)
        regressors = spring_festival_regressors(work.begins, work.ends, travel=festival_season is not None)
        if regressors is not None and present:
            # the season already holds the festival's average month; keep only its movement
            for p in np.unique(phase):
                regressors[phase == p] -= regressors[phase == p].mean(axis=0)
    # read where there are data: a filled gap has no noise
    scale = noise_model((y - pattern) if gaps is None else (y - pattern)[~gaps], autocorrelated=False)[0]
    season = Season(phase, period, present, stl if stl is not None else pattern, stl_trend, regressors, scale,
                    [], pattern, festival_season, national_day)
    return season, y


def find_splits(season: Season, y: np.ndarray, cal: Calibration, test: str, fixed: Splits | None = None,
                gaps: np.ndarray | None = None) -> tuple[float, float]:
    """Does the pattern itself change? Sets `season.splits` (`fixed` where given, none searched) and, with
    splits, each regime's own pattern. Returns both tests' first statistics (`seasonal_statistics`).

    Tested around the smooth STL trend: against fitted segments, a mis-placed split and a spurious step can
    explain each other. `gaps` are periods the tests do not read."""
    phase, period, n = season.phase, season.period, len(y)
    detrended = y - season.stl_trend
    pattern = phase_profile(detrended, phase, period, [])
    # the festival moves between January and February over the years; taken out first, so
    # that its drift is not read as a change of the pattern
    detrended = detrended - festival_effect(detrended - pattern, season.regressors)
    residual, profile = against_pattern(detrended, phase, period, season.scale)
    if gaps is not None:
        # a period without data neither adds to nor takes from a change of the swing
        residual, profile = np.where(gaps, 0.0, residual), np.where(gaps, 0.0, profile)
    statistics = seasonal_statistics(residual, profile, phase, period, n)
    season.splits = fixed if fixed is not None else seasonal_splits(residual, profile, season, cal, n, test)
    if season.splits:
        season.pattern = phase_profile(detrended, phase, period, season.cps)
    return statistics


def seasonal_splits(residual: np.ndarray, profile: np.ndarray, season: Season, cal: Calibration, n: int,
                    test: str) -> Splits:
    """Changes of the seasonal pattern (see `against_pattern`) by `test`. "amplitude": the swing grows or
    fades (one number per regime), split as often as it passes its bar; "pattern": once, any change of the
    phase means (shape included)."""
    if test == "amplitude":
        bar = cal.amplitude_threshold(n)
        return [(t, g, bar) for t, g in amplitude_changes(residual, profile, season.period, bar)]
    found = seasonal_change(residual, season.phase, season.period)
    bar = cal.seasonal_threshold(season.period, n)
    return [(found[0], found[1], bar)] if found is not None and found[1] > bar else []


def against_pattern(deseasonal: np.ndarray, phase: np.ndarray, period: int, scale: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """`deseasonal` (the series less its level path) less one fixed seasonal pattern, and that pattern,
    both at unit noise: what the seasonal tests read."""
    fixed = phase_profile(deseasonal, phase, period, [])
    return (deseasonal - fixed) / scale, fixed / scale


def seasonal_statistics(residual: np.ndarray, profile: np.ndarray, phase: np.ndarray, period: int,
                        n: int) -> tuple[float, float]:
    """Both seasonal tests' first statistics (amplitude, pattern) in units of their calibrated multipliers
    (for calibration)."""
    amplitude = amplitude_change(residual, profile, period)
    pattern = seasonal_change(residual, phase, period)
    return (amplitude[1] / Calibration.amplitude_unit(n) if amplitude is not None else 0.0,
            pattern[1] / Calibration.seasonal_unit(period, n) if pattern is not None else 0.0)
