"""The calendar-aware detector: typed key nodes with calibrated confidence.

Steps: the series at the resolution its values really carry (`series.calendar`); a robust seasonal
pattern and the moving Spring Festival removed (week by week, its whole season held out of the search);
isolated outliers set aside; one penalised search (PELT over cumulative-sum costs) for level shifts and
trend turns, with the penalty chosen by false-detection-rate control; the season re-estimated around
the segments and tested for a change; each change typed (`kinds`) and given a confidence (`calibrate`).
"""

from __future__ import annotations

import numpy as np

from ..errors import TooShortError, too_few
from ..series import Series
from ..series.calendar import Working, cycles, working_resolution
from .calibrate import SPLIT_MAP, Calibration, default_calibration, map_name
from .costs import PiecewiseCost
from .decompose import (festival_effect, find_outliers, harmonic_season, noise_model, one_of_mirrors,
                        outlier_statistic, phase_profile)
from .festival import outside, widen_over_runs
from .fit import LevelFit, Season, attach_evidence, level_changes, outlier_changes, seasonal_changes
from .kinds import Change, typed_change_points
from .node import Node, NodeKind
from .plausible import beyond_fold
from .rhythm import recurring_period
from .rounding import rounding_step, within_step
from .search import after_gaps, pelt, redate_within, runs
from .season import Splits, against_pattern, find_splits, read_season, seasonal_splits

MIN_POINTS = 8
# A change seen only in the series' last this many working periods rests on values that may be revised.
LATEST = 3
# Below this many working periods a lag-1 autocorrelation estimate is mostly noise (its standard
# error ~ 1/sqrt(n)); the shipped penalty, chosen on AR(1) noise up to 0.4, covers such series.
MIN_FOR_AUTOCORRELATION = 100


def calibration_rule(season: Season, n: int, aggregated: bool) -> str:
    """Which calibrated penalty and outlier limit a series takes: "unread" (dated, under two cycles of its
    period: the season cannot be read, and its swing looks like change), "aggregated" (data spread from
    coarser totals), "short_seasonal" (native, a season, under `MIN_FOR_AUTOCORRELATION` periods), "seasonal"
    (native, a season, longer: the native penalty, its own outlier widening) or "native"."""
    if season.period and season.phase is not None and n < 2 * season.period:
        return "unread"
    if aggregated:
        return "aggregated"
    if season.present:
        return "short_seasonal" if n < MIN_FOR_AUTOCORRELATION else "seasonal"
    return "native"


class Detector:
    """Find the key nodes of a series.

    Parameters
    ----------
    penalty : float | None
        Penalty per change point as a multiple of ln n (unit-noise scale). None: the value chosen
        by false-detection-rate control and shipped in `calibration.json`.
    calendar : str | None
        "china" removes the moving Spring Festival from dated series and, where they are read week by
        week, does not read its season (15 days before the holiday to 35 after) for changes of level;
        None does neither.
    min_size : int
        Shortest regime, in working periods.
    max_nodes : int | None
        Keep at most this many nodes (the most confident).
    min_confidence : float
        Report only nodes at least this likely to be real. 0.4: with calibrated probabilities the
        threshold that maximises F1 is half the F1 it reaches (Lipton, Elkan & Narayanaswamy 2014,
        arXiv:1402.1892), here about 0.8; it drops mostly misplaced seasonal changes and trend
        turns. 0 reports every change that passes the penalty.
    iterations : int
        Rounds of re-estimating the season around the found segments.
    seasonal_test : str
        "amplitude" (default): the seasonal swing growing or fading, as many times as the data show
        (one degree of freedom per split). "pattern": one change of any phase mean, the shape
        included (period − 1 degrees of freedom). On the synthetic holdout the amplitude test gave
        F1 0.854 against 0.843 (670c84f): the pattern test also fires where a level shift leaks into the
        detrended season; choose it where the timing of the season, not its size, may move.
    short_events : str
        How a one-period event of aggregated data (a whole month off in daily values spread from
        monthly totals) is tested. "controlled" (default): against a scale that the fitted season
        cannot shrink (the same phase a year apart) with a Student t limit on that scale's degrees of
        freedom, at the family-wise level `Calibration.short_event_alpha` (5%, the goal for a series
        with no change). "nominal": the normal Bonferroni limit at 1% on the residual's MAD, which a
        season fitted over a few years makes too small: about 20% of 4-7-year no-change series then
        show an event (see bench/README.md, "short events").
    seasonal_belief : float | None
        A change of the seasonal pattern stays in the fit only if it is at least this likely real
        (0.5: more likely real than not), by the calibrated map of first-pass splits; the others are
        dropped and the series analysed again. A spurious split gives its regime its own pattern,
        which soaks up shocks (`synth.make_series(seed, n_changes=1, kinds=("shock",))`, seeds
        100-159: both ends found in 46 before, 56 after). None keeps every split that passes its bar.
    scale : str
        "auto" (default): a positive dated series is analysed in logs (changes are relative, the noise
        proportional to the level), an undated one or one with a zero or negative value in levels. "log":
        logs for any positive series; "levels": never logs.
    relevance : float
        Floor of the noise scale as a share of the median absolute level (0.005: changes well
        under 1% of the level are not key nodes, however precisely measured).

    Attributes (after `fit`)
    ------------------------
    nodes_ : list[Node]
        The key nodes reported, by date.
    changes_ : list[Change]
        Every change that passed its penalty, with its evidence, before the confidence floor.
    unreported_, trimmed_ : int
        How many of those fell under `min_confidence`, and how many more `max_nodes` left out (a report
        says so).
    weakest_unreported_ : float | None
        The lowest confidence under `min_confidence`: a floor at or under it lists them all.
    rounding_step_ : float
        The step to which the values were rounded (0.1), or 0.0 where it is under 1% of their size.
    within_rounding_ : int
        Changes of the level no larger than that step, not reported: the rounding alone can make them.
    working_ : Working
        The resolution analysed (months for daily values spread from monthly totals; cycles for a
        series with a rhythm).
    rhythm_ : tuple[float, float] | None
        (period, phase) of steps that recur at a steady interval (`rhythm`), if the series has them.
    noise_, penalty_, autocorrelation_, long_run_factor_ : float
        The noise scale, the penalty per change point, and the noise model's lag-1 autocorrelation and
        long-run variance factor.
    rule_ : str
        Which calibrated penalty and outlier limit the series took (`calibration_rule`).
    path_, seasonal_, festival_ : np.ndarray
        The fitted level, seasonal pattern and Spring Festival effect at the working resolution (in
        logs where `log_` is true).
    """

    def __init__(self, penalty: float | None = None, calendar: str | None = "china", min_size: int = 2,
                 max_nodes: int | None = None, iterations: int = 2, relevance: float = 0.005,
                 calibration: Calibration | None = None, min_confidence: float = 0.4,
                 refine_turns: bool = True, seasonal_test: str = "amplitude", short_events: str = "controlled",
                 seasonal_belief: float | None = 0.5, scale: str = "auto") -> None:
        if scale not in ("auto", "log", "levels"):
            raise ValueError(f"scale must be 'auto', 'log' or 'levels', not {scale!r}")
        if seasonal_test not in ("amplitude", "pattern"):
            raise ValueError(f"seasonal_test must be 'amplitude' or 'pattern', not {seasonal_test!r}")
        if short_events not in ("nominal", "controlled"):
            raise ValueError(f"short_events must be 'nominal' or 'controlled', not {short_events!r}")
        self.penalty = penalty
        self.calendar = calendar
        self.min_size = min_size
        self.max_nodes = max_nodes
        self.iterations = iterations
        self.relevance = relevance
        self.calibration = calibration
        self.min_confidence = min_confidence
        self.refine_turns = refine_turns
        self.seasonal_test = seasonal_test
        self.short_events = short_events
        self.seasonal_belief = seasonal_belief
        self.scale = scale

    def __repr__(self) -> str:
        return (f"Detector(penalty={self.penalty}, calendar={self.calendar!r}, min_size={self.min_size}, "
                f"max_nodes={self.max_nodes}, iterations={self.iterations}, relevance={self.relevance}, "
                f"min_confidence={self.min_confidence}, seasonal_test={self.seasonal_test!r}, "
                f"short_events={self.short_events!r}, seasonal_belief={self.seasonal_belief}, scale={self.scale!r})")

    # -- public -------------------------------------------------------------------------------
    def fit(self, series: Series) -> "Detector":
        cal = self.calibration or default_calibration()
        work = working_resolution(series)   # once: the refit below reads the same periods
        self._fit(series, work, cal)
        self.rhythm_: tuple[float, float] | None = None
        by_cycle = self._by_cycle(series, work)
        if by_cycle is not None:
            work = by_cycle
            self._fit(series, work, cal)
        if self.seasonal_belief is None or SPLIT_MAP not in cal.confidence:
            return self
        splits = [ch for ch in self.changes_ if ch.kind == "seasonal"]
        kept = [ch for ch in splits if cal.confidence_of(SPLIT_MAP, ch.extra["evidence"]) >= self.seasonal_belief]
        if len(kept) < len(splits):
            # a change of the season that is more likely false than real must not shape the fit: its
            # regime's own pattern soaks up shocks and turns of the level (a shock's end placed a year off)
            self._fit(series, work, cal, [(ch.at, ch.gain, ch.penalty) for ch in kept])
        return self

    def _by_cycle(self, series: Series, work: Working) -> Working | None:
        """`series` one value per cycle when the steps of the fit just made recur at a steady interval (their
        rhythm, not events: its level lives in the cycles); sets `rhythm_`. None without a calendar-free
        rhythm or with too few cycles."""
        if work.period is not None or self.aggregated_:
            return None
        rhythm = recurring_period(self.changes_, len(work))
        if rhythm is None:
            return None
        by_cycle = cycles(series, *rhythm)
        if np.isfinite(by_cycle.values).sum() < MIN_POINTS:
            return None
        self.rhythm_ = rhythm
        return by_cycle

    def _fit(self, series: Series, work: Working, cal: Calibration,
             fixed_seasonal: Splits | None = None) -> None:
        """One analysis of `series` at its working resolution; `fixed_seasonal`: the seasonal splits to
        keep, none searched."""
        y = np.asarray(work.values, dtype=float)
        valid = np.isfinite(y)
        if valid.sum() < MIN_POINTS:
            where = f" at {work.resolution} resolution" if work.resolution != series.frequency.value else ""
            raise TooShortError(too_few(int(valid.sum()), MIN_POINTS, where), file=series.source)
        n = len(y)
        positions = np.arange(n)
        y = np.interp(positions, positions[valid], y[valid])
        self.working_ = work
        self.aggregated_ = work.resolution != series.frequency.value
        self.changes_: list[Change] = []
        self.seasonal_statistic_ = 0.0
        self.amplitude_statistic_ = 0.0
        self.outlier_statistic_ = 0.0
        if np.ptp(y) == 0:
            # nothing to decompose: the level is the series, and the fitted attributes say so
            self.nodes_ = []
            self.unreported_ = self.trimmed_ = self.within_rounding_ = 0
            self.weakest_unreported_ = None
            self.rounding_step_ = 0.0
            self.log_ = False
            self.path_, self.seasonal_, self.festival_ = y, np.zeros(n), np.zeros(n)
            self.noise_, self.penalty_, self.autocorrelation_, self.long_run_factor_ = 0.0, 0.0, 0.0, 1.0
            self.rule_ = "native"
            return
        # Emissions grow and vary in proportion to their level (February's trough is a share of the year's
        # level; an annual series that grew tenfold moves by tens of Mt a year where it once moved by a few),
        # so a positive dated series is analysed in logs: one pattern and one noise scale then fit years of
        # any level, and steps are relative changes. Annual series had been read in levels: on 300 synthetic
        # annual series growing 0-12% a year with 1-4% noise, 7.3% of those without change showed a node and
        # F1 (±1 year) was 0.532; in logs 0.7% and 0.909 (bench/detect_annual.py).
        positive = bool(np.all(y > 0))
        self.log_ = positive and (self.scale == "log" or (self.scale == "auto" and work.begins is not None))
        if self.log_:
            y = np.log(y)
        gaps = None if valid.all() else ~valid
        season = self._season(y, work, cal, fixed_seasonal, gaps)
        if gaps is not None and season.present and (long := _long_runs(gaps, season.period)).any():
            # A line across a long gap has no season: the STL fitted through it bends the pattern of the
            # years beside it. Such a gap is filled with the STL trend and season, and the season fitted
            # again (bench/detect_gaps.py: with 12-24 months missing, F1 0.77 -> 0.83; refilling the
            # short gaps too cost 0.01 in F1 with January-February or 5% missing).
            y = np.where(long, season.stl_trend + season.stl, y)
            season = self._season(y, work, cal, fixed_seasonal, gaps)
        # A regime lasts at least `min_size` working periods; one period far off is an outlier (for
        # aggregated data, a month or week off as a whole, reported with its duration).
        aggregated = self.aggregated_
        self.rule_ = calibration_rule(season, n, aggregated)
        fit = self._search(y, season, cal, self.rule_, fixed_seasonal is not None, gaps)
        level = level_changes(fit, season.period, self.min_size, self.refine_turns)
        changes = [*level, *seasonal_changes(season, n), *outlier_changes(fit, season, y, aggregated, level)]
        changes.sort(key=lambda ch: ch.at)
        attach_evidence(changes, n, gaps, season.few_cycles)
        for mask, detail in ((season.festival_season, "festival_season"), (season.national_day, "national_day"),
                             (gaps, "after_gap")):
            if mask is not None:
                widen_over_runs(changes, mask, detail)
        if self.rule_ == "unread":
            # under two cycles the season cannot be told from change: a node may be the season itself
            for ch in changes:
                ch.extra["season_unread"] = True
        elif season.two_cycles:
            # the season is the mean of two years: a step between them reads as its mirror in the other year
            # (a +40% step in the second year's March: found within a month in 1 of 20 synthetic series, 12 when the
            # season was not read, while 86 of 100 such series without change then showed a node)
            for ch in changes:
                ch.extra["season_two_cycles"] = True
        for ch in changes:
            seen = n - ch.at if gaps is None else int((~gaps[ch.at:]).sum())   # periods with data
            if ch.kind != "seasonal" and seen <= LATEST:
                # near-real-time inventories revise their latest values (in Carbon Monitor's provincial
                # totals 12 provinces drop 13-87% at 2025-09, three months from the end): a change seen
                # only there is flagged
                ch.extra["at_end"] = seen
        self.changes_ = changes
        self.outlier_statistic_ = fit.outlier_statistic
        self.noise_ = float(fit.sigma)
        self.penalty_ = float(fit.penalty)
        self.long_run_factor_ = float(fit.lrv)
        self.autocorrelation_ = float(fit.rho)
        self.seasonal_ = season.pattern
        self.festival_ = fit.festival
        self.path_ = fit.path
        nodes = [self._node(series, work, ch, cal) for ch in changes]
        # Tibet's thermal power is given to 0.1 at 0.2-0.4: its every move of one step had read as an event
        # at 0.88-1.00 (8 in 2019-2022); a smaller change that crossed a rounding boundary looks the same
        step = self.rounding_step_ = rounding_step(series.values.to_numpy(dtype=float))
        # (a turn's levels are its old trend carried forward and the new path: no measure of what the data moved)
        shown = [nd.kind not in (NodeKind.EVENT, NodeKind.OUTLIER)
                 or not within_step(nd.level_before, nd.level_after, step) for nd in nodes]
        self.within_rounding_ = shown.count(False)
        nodes = [nd for nd, keep in zip(nodes, shown) if keep]
        for nd in nodes:
            if nd.kind in (NodeKind.EVENT, NodeKind.OUTLIER) and beyond_fold(nd.level_before, nd.level_after):
                # CEADs' Ningxia total: 17.4 Mt, then 0.8-1.1 for three years, then 55: by the look of it
                # missing years, not an event
                nd.details["check_data"] = True
        under = [nd.confidence for nd in nodes if nd.confidence < self.min_confidence]
        self.unreported_, self.weakest_unreported_ = len(under), min(under, default=None)
        nodes = [nd for nd in nodes if nd.confidence >= self.min_confidence]
        self.trimmed_ = 0
        if self.max_nodes is not None:
            self.trimmed_ = max(0, len(nodes) - self.max_nodes)
            nodes = sorted(nodes, key=lambda nd: -nd.confidence)[: self.max_nodes]
        self.nodes_ = sorted(nodes, key=lambda nd: nd.index)

    def _season(self, y: np.ndarray, work: Working, cal: Calibration, fixed_seasonal: Splits | None,
                gaps: np.ndarray | None = None) -> Season:
        """The seasonal side (`season.read_season`) and the first test for a change of the pattern (sets
        `amplitude_statistic_` and `seasonal_statistic_`); `gaps` are periods the tests do not read."""
        season, y = read_season(y, work, self.calendar, gaps)
        if season.present and season.scale > 0:
            self.amplitude_statistic_, self.seasonal_statistic_ = find_splits(
                season, y, cal, self.seasonal_test, fixed_seasonal, gaps)
        return season

    def _search(self, y: np.ndarray, season: Season, cal: Calibration, rule: str,
                splits_fixed: bool, gaps: np.ndarray | None = None) -> LevelFit:
        """The penalised level/trend search, alternated `iterations` times with the season, the festival,
        the outliers and the noise model re-estimated around the found segments (updates `season`); `rule`
        (`calibration_rule`) picks its penalty and outlier test.

        `gaps`: the missing periods (filled by a line in `y`). Neither the search nor the noise scale reads
        them: a line across a gap turns a step into a ramp, typed as two turns, and its smooth
        differences shrink the noise scale."""
        n = len(y)
        phase, period = season.phase, season.period
        alpha, inflation, limits = self._outlier_test(rule, season, cal)
        min_size = self.min_size
        seasonal = season.pattern
        festival = np.zeros(n)
        # a first guess at the outliers; refined against the fitted segments below
        outliers, expected, out_scale, limit = find_outliers(y - seasonal, alpha, inflation=inflation,
                                                             gaps=gaps, **limits)
        # the holiday seasons, where they are read week by week, and the gaps are not read by the search
        holidays = season.holidays
        masked = holidays if gaps is None else gaps if holidays is None else holidays | gaps
        read = None if masked is None else ~masked
        seen = slice(None) if gaps is None else ~gaps
        outliers, expected = outside(outliers, expected, masked)
        mirrors: dict[int, int] = {}
        if season.two_cycles:
            outliers, expected, seasonal, mirrors = one_of_mirrors(outliers, expected, y, seasonal, period, masked)
            season.pattern = seasonal
        outlier_stat = 0.0
        clean = y.copy()
        clean[outliers] = expected + seasonal[outliers]

        log_n = np.log(n)
        base = self._base_penalty(rule, n, cal)
        # White noise to start; autocorrelation is then measured on the residual of the fitted
        # segments, where missed changes cannot pose as correlated noise (the data's own lag
        # structure mistakes every shift for autocorrelation).
        sigma, rho = noise_model((clean - seasonal)[seen], autocorrelated=False)
        sigma *= season.noise_inflation
        rho = 0.0
        lrv = 1.0  # long-run variance factor: the penalty grows with autocorrelation
        # Practical relevance: noise is never taken below `relevance` of the typical level, so a
        # smooth curve measured very precisely (a population count) is not cut into hundreds of
        # "significant" pieces; emission series' own noise is far above this floor.
        floor = self.relevance * (1.0 if self.log_ else float(np.median(np.abs(y))))
        for round_ in range(self.iterations + 1):
            deseason = clean - seasonal - festival
            sigma = max(sigma, floor, 1e-9 * max(np.abs(deseason).max(), 1.0), 1e-6 * np.std(deseason))
            centre = float(np.median(deseason))
            z = (deseason - centre) / sigma
            cost = PiecewiseCost(slope_penalty=cal.slope_penalty * log_n * lrv).fit(z, read)
            penalty = base * lrv
            cps = pelt(cost, penalty, min_size)
            if holidays is not None:
                as_read = PiecewiseCost(slope_penalty=cost.slope_penalty).fit(z, None if gaps is None else ~gaps)
                cps = redate_within(as_read, cps, holidays, min_size)
            if gaps is not None:
                cps = after_gaps(cps, gaps, min_size)
            path = _level_path(cost, cps, sigma, centre)
            if round_ == self.iterations:
                break
            if season.present and season.splits and not splits_fixed:
                # A shock the smooth STL trend could not follow leaks into the detrended season and can
                # pass for a change of it: each split is tested again around the fitted segments.
                residual, profile = against_pattern(clean - path - festival, phase, period, season.scale)
                season.splits = seasonal_splits(residual, profile, season, cal, n, self.seasonal_test)
            if season.present and season.splits:
                # the robust STL season stands unless the pattern changes; then each regime has its own
                seasonal = phase_profile(clean - path - festival, phase, period, season.cps)
            elif season.harmonic:
                # few parameters: read around the fitted level, a step is not taken for season
                seasonal = harmonic_season(clean - path - festival, period)
            elif season.present:
                seasonal = season.stl
            season.pattern = seasonal
            if season.regressors is not None:
                festival = festival_effect(clean - path - seasonal, season.regressors)
            signal = y - seasonal - festival
            outliers, expected, out_scale, limit = find_outliers(signal, alpha, path, inflation=inflation,
                                                                 gaps=gaps, **limits)
            outliers, expected = outside(outliers, expected, masked)
            if season.two_cycles:
                outliers, expected, seasonal, mirrors = one_of_mirrors(outliers, expected, y - festival,
                                                                       seasonal, period, masked)
                season.pattern = seasonal
            outlier_stat = outlier_statistic(signal, path, alpha, **limits, unread=masked, gaps=gaps)
            clean = y.copy()
            clean[outliers] = expected + seasonal[outliers] + festival[outliers]
            resid = clean - path - seasonal - festival
            if masked is not None:
                resid[masked] = 0.0   # the path does not follow the unread weeks: what it leaves there is no noise
            # (not around a harmonic season: its residual had measured a long-run factor of 2-3 on nearly white
            # weekly noise)
            if round_ == 0 and n >= MIN_FOR_AUTOCORRELATION and not season.harmonic:
                # measured once, on the residual of the first (white-noise) fit, then kept: re-measuring
                # after each refit makes penalty and fit chase each other
                rho = noise_model(resid)[1]
            # the scale comes from the data's differences, never from the fit's residual: a residual
            # scale shrinks as the fit grows, which lowers the bar for the next change (a runaway)
            sigma_new = noise_model((clean - seasonal - festival)[seen], autocorrelated=False)[0] / np.sqrt(1 - rho)
            if sigma_new > 0:
                sigma, lrv = sigma_new * season.noise_inflation, (1 + rho) / (1 - rho)

        if masked is not None:
            # the typing tests fit curves to the signal itself: the unread weeks lie on the fitted path there
            z = z.copy()
            z[masked] = (path[masked] - centre) / sigma
        # in levels a steady growth rate compounds into an exponential bend; in logs it is a line
        points = typed_change_points(cost, z, cps, min_size, lrv, compounding=not self.log_)
        if len(points) < len(cps):
            path = _level_path(cost, [p.at for p in points], sigma, centre)
        fit = LevelFit(cost, z, points, path, sigma, centre, lrv, rho, penalty, festival, outliers, expected,
                       out_scale, limit, outlier_stat, mirrors=mirrors)
        if holidays is not None:
            fit.as_read, fit.unread = as_read, holidays   # the last round's cost as read
        return fit

    def _outlier_test(self, rule: str, season: Season, cal: Calibration) -> tuple[float, float, dict]:
        """The outlier test a series takes by its calibration `rule`: its family-wise level, the widening of
        its limit, and `find_outliers`' options (a controlled limit, the period)."""
        # A whole month off in data spread from monthly totals is a short shock (an event lasting that
        # month) more often than a bad value: it gets the controlled limit at the no-change budget, not
        # the widening calibrated on no-change series for bad points of native series. A week of daily
        # data has a widening of its own (calibrated on genuinely daily no-change series).
        aggregated = self.aggregated_
        controlled = aggregated and self.short_events == "controlled"
        if aggregated:
            inflation = cal.weekly_outlier_inflation if self.working_.resolution == "weekly" else 1.0
        elif rule == "short_seasonal" and cal.outlier_inflation_short_seasonal is not None:
            # A native season read from few cycles shrinks the residual's own scale (each phase's mean takes a
            # 1/C share of its noise): differences a cycle apart keep all of it. Bad points, so the bad-point level.
            controlled, inflation = True, cal.outlier_inflation_short_seasonal
        elif rule == "seasonal" and cal.outlier_inflation_seasonal is not None:
            inflation = cal.outlier_inflation_seasonal
        elif rule == "unread" and cal.outlier_inflation_unread is not None:
            inflation = cal.outlier_inflation_unread   # an unread seasonal swing's extremes pass for bad points
        else:
            inflation = cal.outlier_inflation
        if not controlled:
            inflation *= season.noise_inflation   # the controlled scale compares phases a year apart instead
        alpha = cal.short_event_alpha if controlled and aggregated else cal.outlier_alpha
        # read week by week, a week-long event mostly falls in two weeks (`decompose._pairs`)
        pairs = aggregated and self.working_.resolution == "weekly"
        return alpha, inflation, {"controlled": controlled, "period": season.period if season.present else None,
                                  "pairs": pairs}

    def _base_penalty(self, rule: str, n: int, cal: Calibration) -> float:
        """The penalty per change point at unit noise, before the long-run variance factor: the user's β·ln n,
        else the one calibrated for the series' `rule`."""
        if self.penalty is not None:
            return float(self.penalty) * np.log(n)
        # Series whose season cannot be read (by working resolution), aggregated series (few, smoothed
        # periods) and short seasonal ones get their own penalties, calibrated the same way (false-detection-
        # rate control on their own no-change series); the rest the native one, fitted length by length.
        short = cal.change_penalty_short_seasonal   # None: short seasonal series take the native penalty
        unread = cal.change_penalty_unread.get(self.working_.resolution) if rule == "unread" else None
        if unread is not None:
            return unread * np.log(n)
        if self.aggregated_:
            return cal.change_penalty_aggregated * np.log(n)
        if rule == "short_seasonal" and short is not None:
            return short * np.log(n)
        return cal.native_penalty(n)

    def predict(self, series: Series) -> list[Node]:
        return self.fit(series).nodes_

    fit_predict = predict

    # -- helpers ------------------------------------------------------------------------------
    def _node(self, series: Series, work: Working, ch: Change, cal: Calibration) -> Node:
        index = int(work.starts[ch.at])
        # from the first day of the earliest period to the last day of the latest one the change may start in
        first = ch.interval[0]
        lo, hi = int(work.starts[first]), int(work.stops[ch.interval[1]]) - 1
        if self.aggregated_ and not work.disaggregated and first > 0 and ch.kind != "seasonal":
            # Days read week by week: a change in the second half of a week moves that week's mean less
            # than the next one's, so the step shows a week late. The interval takes in that half week: on
            # 100 genuinely daily series (synth.make_native_daily_changes) it held the true day for 70% of
            # the events found, and now for all 77.
            lo = int(work.starts[first - 1] + (work.starts[first] - work.starts[first - 1]) // 2)
        before, after = ch.before, ch.after
        if self.log_ and ch.kind != "seasonal":
            before, after = float(np.exp(before)), float(np.exp(after))
        reference = before if before != 0 else float(np.nanmean(np.abs(work.values))) or 1.0
        change_pct = 100 * (after - before) / abs(reference)
        duration = end_date = None
        end = ch.end if ch.end is not None else ch.extra.get("recovered_at")
        if end is not None:
            last = int(work.stops[end - 1]) - 1
            duration = last - index + 1
            end_date = series.label(last)
        details = {"working_resolution": work.resolution, "working_index": ch.at,
                   "strength": round(ch.strength, 3), **ch.extra,
                   "evidence": {k: round(v, 3) for k, v in ch.extra["evidence"].items()}}
        if details.pop("recovered_at", None) is not None:
            details["recovery"] = "gradual"   # the end is where the fitted line is back, not a step
        if self.log_:
            details["scale"] = "log"   # slopes and seasonal amplitudes are relative (log units)
            for key in ("recovery_level", "level_at_turn"):
                if key in details:
                    details[key] = float(np.exp(details[key]))
        if (mirror := details.pop("mirror", None)) is not None:
            details["mirror_date"] = series.label(int(work.starts[mirror]))
        if work.disaggregated:
            details["note"] = "daily values spread from monthly totals: analysed as monthly means"
        kind = NodeKind(ch.kind)
        return Node(
            index=index,
            date=series.label(index),
            kind=kind,
            confidence=round(cal.confidence_of(map_name(ch.kind, ch.extra.get("test"), work.resolution),
                                               ch.extra["evidence"]), 2),
            direction="up" if after > before else "down",
            change_pct=round(float(change_pct), 1),
            level_before=float(before),
            level_after=float(after),
            interval=(series.label(lo), series.label(hi)),
            interval_index=(lo, hi),
            duration=duration,
            end_date=end_date,
            details=details,
        )


def _long_runs(gaps: np.ndarray, period: int) -> np.ndarray:
    """The gaps in runs longer than a quarter of the period, where a line misses the seasonal swing."""
    out = np.zeros_like(gaps)
    for lo, hi in runs(gaps):
        if hi - lo + 1 > period / 4:
            out[lo:hi + 1] = True
    return out


def _level_path(cost: PiecewiseCost, cps: list[int], sigma: float, centre: float) -> np.ndarray:
    """The fitted level of the segments between `cps`, in data units."""
    bounds = [0, *cps, cost.n]
    return np.concatenate([cost.fitted(a, b) for a, b in zip(bounds[:-1], bounds[1:])]) * sigma + centre
