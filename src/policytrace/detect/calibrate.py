"""Penalties and confidence, fitted offline on synthetic series and shipped as `calibration.json`.

`bench/detect_calibrate.py` chooses the penalties by false-detection-rate control (series with no
change must yield a node in at most ~5% of cases, by simulation) and fits, per node kind, a
logistic map from a node's strength (log of the cost it saves over its penalty) to the chance that a
true change lies there. The detector only loads the file; nothing is refitted at run time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("calibration.json")

# The map that decides which seasonal splits stay in the fit (`Detector(seasonal_belief=...)`), fitted
# on every split of a first pass. The reported seasonal nodes use it too: refitted on the kept splits
# alone it lost its strength term and gave ~0.9 to every one, misdated ones included.
SPLIT_MAP = "seasonal_split"
# The map of a one-month event of daily values spread from monthly totals: the events' map with a weight of
# its own for `few_cycles`. The events' weight is fitted on steps that a season read from two or three cycles
# can hide; a month off as a whole is placed by its neighbours (`decompose.one_of_mirrors`). With the events'
# weight such nodes of 2-year daily series stated a mean 0.19 while 70 % were real (bench/README.md, round 20).
SHORT_EVENT_MAP = "short_event"

# The evidence a confidence is computed from, in the order of a map's weights (after the intercept).
# `log_others`, how many other changes the fit holds: a series cut into many pieces fits the model
# badly (a smooth curve, a drifting season, a volatile stretch), and each of its pieces is less
# credible. Fitted like the rest on synthetic series; on TCPD it lifted F1/Cover from 0.764/0.654
# to 0.776/0.677 (bench/README.md). `few_cycles` (`fit.Season.few_cycles`, 0 from four cycles on): a
# season read from two or three cycles is confounded with a step a cycle away. Maps trained without it
# gave the nodes of 2-year monthly series a mean 0.88 while 58 % were real (200 series with 1-2 changes,
# seeds 91,002,000+; bench/README.md, round 18).
# Its weight is fitted last, on short series, over the others' log-odds (`fit_weight_over`).
EVIDENCE = ("strength", "log_interval", "log_shortest_side", "log_jump_z", "shock", "log_n", "log_others",
            "few_cycles")


def evidence(strength: float, interval: tuple[int, int], shortest_side: int, jump_z: float, shock: bool,
             n: int, others: int = 0, few_cycles: float = 0.0) -> dict[str, float]:
    """A node's evidence, in working periods: what `Calibration.confidence_of` maps to a probability."""
    return {"strength": float(strength), "log_interval": float(np.log1p(interval[1] - interval[0])),
            "log_shortest_side": float(np.log1p(max(shortest_side, 0))), "log_jump_z": float(np.log1p(jump_z)),
            "shock": float(shock), "log_n": float(np.log(max(n, 1))), "log_others": float(np.log1p(others)),
            "few_cycles": float(few_cycles)}


def map_name(kind: str, test: str | None = None, resolution: str | None = None) -> str:
    """The confidence map of a node of `kind` found by `test` ("outlier": a period off as a whole) at the
    working `resolution`. A week off in daily data read week by week keeps the events' map: no training
    series has one."""
    return SHORT_EVENT_MAP if kind == "event" and test == "outlier" and resolution == "monthly" else kind


@dataclass
class Calibration:
    """Penalty multipliers (of ln n, unit-noise scale) and per-kind logistic confidence maps."""

    change_penalty: float = 4.0      # × ln n, per change point of the level/trend search (with the intercept)
    # The native default is `change_penalty_intercept` + `change_penalty` × ln n, ln n held inside
    # `change_penalty_lengths`: the no-change penalty's 96 % quantile at each length (a quantile regression on
    # ln n), where one quantile of β over all lengths let the shortest series fire most (bench/README.md, round 16)
    change_penalty_intercept: float = 0.0
    change_penalty_lengths: tuple[int, int] | None = None   # the shortest and longest calibrated series
    change_penalty_aggregated: float = 4.0   # the same for series aggregated to months (one-month regimes)
    # the same for native series with a season and under 100 periods (`detector.MIN_FOR_AUTOCORRELATION`;
    # None: as `change_penalty`): there the noise's autocorrelation is not measured and a season from few
    # cycles shrinks the noise scale. With one β for all, 11-17 % of such series of 4-8 years without
    # change showed a node, 4-9 % with their own (bench/detect_lengths.py)
    change_penalty_short_seasonal: float | None = None
    # the same for dated series under two cycles of their period, by working resolution ("monthly", "weekly";
    # none: the penalty they would take otherwise). Their season cannot be read, so its swing looks like
    # change: 21-89 % of such no-change series had shown a node, at a mean confidence of ~0.8 (round 17)
    change_penalty_unread: dict[str, float] = field(default_factory=dict)
    slope_penalty: float = 1.0       # × ln n, extra for a segment with a slope
    seasonal_penalty: float = 3.0    # × period·ln n... see `seasonal_threshold`
    amplitude_penalty: float = 3.0   # × ln n, for a change of the seasonal swing (one degree of freedom)
    outlier_alpha: float = 0.01      # family-wise level of the outlier test
    short_event_alpha: float = 0.05  # the same for one-period shocks of aggregated series (controlled test)
    # × its Bonferroni limit, so that the detector holds the level on no-change series (native series without
    # a season; each widening the 99 % quantile of the smallest at which a null shows no outlier)
    outlier_inflation: float = 1.0
    # × the outlier limit of native seasonal series under 100 periods, which take its scale from differences a
    # cycle apart (None: the residual's own scale, as longer series). A season from two or three cycles
    # shrinks that scale: 17-18 % of such no-change series of 2-3 years showed an outlier. Fitted as the
    # others; the Student t limit nearly holds there by itself (1.061 in round 17).
    outlier_inflation_short_seasonal: float | None = None
    # the same for native seasonal series of 100 periods and more (None: `outlier_inflation`). The robust STL
    # season follows the small residuals and not the large ones, so the residual's scale shrinks and its
    # extremes do not: no-change seasonal series need a widening of ~1.5, those without a season ~1.05
    outlier_inflation_seasonal: float | None = None
    # the same for native dated series under two cycles (None: `outlier_inflation`)
    outlier_inflation_unread: float | None = None
    # × the short-event limit for daily data read week by week: a season fitted over a few years of weeks
    # absorbs more of the year-apart differences the limit takes its scale from than months do
    weekly_outlier_inflation: float = 1.0
    # kind -> [intercept, weight per EVIDENCE name]; a two-number map is [intercept, strength weight]
    confidence: dict[str, list[float]] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @staticmethod
    def seasonal_unit(period: int, n: int) -> float:
        """What `seasonal_penalty` multiplies: half the pattern test's degrees of freedom times ln n."""
        return period * np.log(n) / 2

    @staticmethod
    def amplitude_unit(n: int) -> float:
        """What `amplitude_penalty` multiplies: ln n (one degree of freedom)."""
        return float(np.log(n))

    def seasonal_threshold(self, period: int, n: int) -> float:
        return self.seasonal_penalty * self.seasonal_unit(period, n)

    def amplitude_threshold(self, n: int) -> float:
        return self.amplitude_penalty * self.amplitude_unit(n)

    def native_penalty(self, n: int) -> float:
        """The native default penalty per change point at unit noise for a series of `n` periods."""
        log_n = np.log(n)
        if self.change_penalty_lengths is not None:
            log_n = float(np.clip(log_n, *np.log(self.change_penalty_lengths)))
        return self.change_penalty_intercept + self.change_penalty * log_n

    def confidence_of(self, name: str, evidence: dict[str, float]) -> float:
        """The chance that a node is real, by the map `name` (`map_name`; a file without it: the map of
        its kind, else "all")."""
        fallback = "event" if name == SHORT_EVENT_MAP else "all"
        weights = self.confidence.get(name) or self.confidence.get(fallback) or self.confidence.get("all", [0.0, 1.5])
        x = np.array([1.0, *(evidence[key] for key in EVIDENCE[: len(weights) - 1])])
        return float(1 / (1 + np.exp(-float(x @ np.asarray(weights)))))

    def save(self, path: Path = PATH) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = PATH) -> "Calibration":
        if not path.exists():
            return cls()
        fields = json.loads(path.read_text(encoding="utf-8"))
        if fields.get("change_penalty_lengths") is not None:
            fields["change_penalty_lengths"] = tuple(fields["change_penalty_lengths"])
        return cls(**fields)


_CACHE: dict[Path, Calibration] = {}


def default_calibration() -> Calibration:
    if PATH not in _CACHE:
        _CACHE[PATH] = Calibration.load(PATH)
    return _CACHE[PATH]


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 0.1, iterations: int = 100) -> list[float]:
    """Logistic regression by Newton's method: p = 1 / (1 + exp(-(w0 + w·x))); x one column per feature,
    the first the strength.

    A light ridge keeps the weights finite where a kind's nodes are almost all right (outliers).
    """
    x = np.asarray(x, float)
    X = np.column_stack([np.ones(len(x)), x.reshape(len(x), -1)])
    w = _newton(X, y, ridge, iterations)
    if w[1] < 0:
        # confidence must not fall as the cost saved grows: refit without that term (only that one:
        # the others, such as the width of the date interval, may rightly lower it)
        rest = _newton(np.delete(X, 1, axis=1), y, ridge, iterations)
        return [float(rest[0]), 0.0, *(float(v) for v in rest[1:])]
    return [float(v) for v in w]


def fit_weight_over(x: np.ndarray, y: np.ndarray, offset: np.ndarray, ridge: float = 0.1) -> float:
    """The logistic weight of one more feature `x` over a fitted map whose log-odds are `offset`: the map's
    other weights stay as they are."""
    return float(_newton(np.asarray(x, float).reshape(-1, 1), y, ridge, 100, offset)[0])


def _newton(X: np.ndarray, y: np.ndarray, ridge: float, iterations: int, offset: np.ndarray | float = 0.0
            ) -> np.ndarray:
    """The ridge-penalised logistic weights of design X (intercept column included), over `offset`."""
    w = np.zeros(X.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(offset + X @ w)))
        grad = X.T @ (p - y) + ridge * w
        hess = X.T @ (X * (p * (1 - p))[:, None]) + ridge * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: the bin-weighted mean gap between stated confidence and observed accuracy."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    if confidence.size == 0:
        return float("nan")
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        sel = which == b
        if sel.any():
            total += sel.sum() * abs(confidence[sel].mean() - correct[sel].mean())
    return float(total / confidence.size)
