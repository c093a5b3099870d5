"""Effect estimates on synthetic monthly series: bias and 95%-interval coverage of a node's level change.

    python bench/attribution_effect.py [--series 300]

Each series: 48 months, a step at month 24, log-normal noise (2%), optionally steady growth, AR(1) noise and a
seasonal swing (a sine, ± the given share).
Ours: `EffectEstimator` (segmented regression, t interval widened for AR(1) residuals). Baselines, in the same
run: the same segmented regression with corrected HAC errors (round 13), and the mean shift with plain HAC
errors over the same windows (before round 13).

Then trend turns: 48 months, the growth rate turning at month 24; the truth is the new path against the old
trend carried 12 months past the turn (a trend node's `change_pct`), ours against the same broken line with HAC.
Then shocks: the loss against the counterfactual path and its interval's coverage.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import statsmodels.api as sm

from policytrace.attribute import EffectEstimator
from policytrace.detect import Node, NodeKind
from policytrace.detect.kinds import hinge_design
from policytrace.series import Frequency, Series

CASES = [  # (growth a month, step, AR(1) coefficient of the noise, seasonal swing)
    (0.0, 0.25, 0.0, 0.0), (0.0, -0.10, 0.0, 0.0), (0.003, -0.10, 0.0, 0.0), (0.01, -0.10, 0.0, 0.0),
    (0.003, -0.10, 0.5, 0.0), (0.003, -0.10, 0.0, 0.1), (0.003, -0.10, 0.0, 0.03)]
Z95 = 1.959964


def series_of(seed: int, growth: float, step: float, rho: float, swing: float = 0.0) -> Series:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 0.02, 48)
    for i in range(1, 48):
        noise[i] += rho * noise[i - 1]
    months = np.arange(48)
    values = 100 * np.exp(growth * months + noise + swing * np.sin(2 * np.pi * months / 12))
    values[24:] *= 1 + step
    index = pd.date_range("2015-01-01", periods=48, freq="MS")
    return Series(values=pd.Series(values, index=index), frequency=Frequency.MONTHLY, unit="Mt")


def mean_shift(values: np.ndarray, at: int, periods: int = 12) -> tuple[float, float, float]:
    """The baseline: after-mean less before-mean in percent of the before-mean, plain HAC 95% interval."""
    before, after = values[at - periods:at], values[at:at + periods]
    y = np.r_[before, after]
    fit = sm.OLS(y, sm.add_constant(np.r_[np.zeros(len(before)), np.ones(len(after))])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 1})
    base = before.mean()
    change, se = fit.params[1], fit.bse[1]
    return 100 * change / base, 100 * (change - Z95 * se) / base, 100 * (change + Z95 * se) / base


def hac_interval(y: np.ndarray, design: np.ndarray, column: int) -> tuple[float, float]:
    """Coefficient `column` and its HAC standard error (one lag, corrected) scaled to a t interval: round 13's."""
    from scipy.stats import t as student

    fit = sm.OLS(y, design).fit(cov_type="HAC", cov_kwds={"maxlags": 1, "use_correction": True})
    return float(fit.params[column]), float(fit.bse[column]) * student.ppf(0.975, fit.df_resid) / Z95


def segmented_hac(values: np.ndarray, at: int, periods: int = 12) -> tuple[float, float, float]:
    """The baseline: the same segmented regression in logs, with round 13's HAC interval (on the series as
    given: with a season, this baseline has none taken out)."""
    y = np.log(values[at - periods:at + periods])
    t = np.arange(2 * periods, dtype=float) - periods
    step = (t >= 0).astype(float)
    change, se = hac_interval(y, np.column_stack([np.ones_like(t), step, t, t * step]), 1)
    return tuple(100 * float(np.expm1(v)) for v in (change, change - Z95 * se, change + Z95 * se))


TURNS = [  # (growth a month before, after, AR(1) coefficient of the noise)
    (0.005, -0.005, 0.0), (0.0, -0.01, 0.0), (0.01, 0.0, 0.0), (0.005, -0.005, 0.5)]
HORIZON = 12


def turn_series(seed: int, before: float, after: float, rho: float) -> Series:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 0.02, 48)
    for i in range(1, 48):
        noise[i] += rho * noise[i - 1]
    t = np.arange(48)
    logs = before * t + (after - before) * np.maximum(t - 23, 0) + noise   # month 24 the first of the new slope
    index = pd.date_range("2015-01-01", periods=48, freq="MS")
    return Series(values=pd.Series(100 * np.exp(logs), index=index), frequency=Frequency.MONTHLY, unit="Mt")


def turn_hac(values: np.ndarray, at: int, periods: int = 12) -> tuple[float, float, float]:
    """The baseline: the same broken line in logs, with round 13's HAC interval."""
    t = np.arange(at - periods, at + periods)
    change, se = hac_interval(np.log(values[t]), hinge_design(t, at), 2)
    return tuple(100 * float(np.expm1(v * (HORIZON + 1))) for v in (change, change - Z95 * se, change + Z95 * se))


def summary(rows: list[tuple[float, float, float]], truth: float) -> str:
    rows = np.array(rows)
    cover = np.mean((rows[:, 1] < truth) & (truth < rows[:, 2]))
    return f"{rows[:, 0].mean():>7.2f} {rows[:, 0].std():>5.2f} {cover:>6.3f}"


def node_at(series: Series, kind: NodeKind, direction: str, **details) -> Node:
    return Node(index=24, date=series.label(24), kind=kind, confidence=0.9, direction=direction, change_pct=0.0,
                level_before=0.0, level_after=0.0, interval=(series.label(23), series.label(25)),
                interval_index=(23, 25), details=details)


SHOCKS = [  # (months, shock start, shock months, AR(1) coefficient), a ±10% season, 3% noise, a 30% fall
    (60, 40, 3, 0.0), (60, 40, 6, 0.0), (48, 30, 3, 0.0), (48, 30, 6, 0.5), (48, 14, 2, 0.0),
    (72, 36, 18, 0.0)]   # longer than a year: a fall that fades over many months


def shock_series(seed: int, months: int, rho: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 0.03, months)
    for i in range(1, months):
        noise[i] += rho * noise[i - 1]
    t = np.arange(months)
    return 100 * np.exp(0.1 * np.sin(2 * np.pi * t / 12) + noise)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=300)
    args = parser.parse_args()
    head = f"| {'ours: mean':>7} {'sd':>5} {'cover':>6} | {'HAC: mean':>7} {'sd':>5} {'cover':>6} | "
    print(f"{args.series} series per case; steps: the truth is the step in percent of the level at the node")
    print(f"{'growth/month':>12} {'step':>6} {'AR(1)':>5} {'season':>6} {head}"
          f"{'mean shift: mean':>7} {'sd':>5} {'cover':>6}")
    for growth, step, rho, swing in CASES:
        ours, hac, shift = [], [], []
        for seed in range(args.series):
            series = series_of(seed, growth, step, rho, swing)
            node = node_at(series, NodeKind.EVENT, "up" if step > 0 else "down")
            (effect,) = EffectEstimator().estimate([node], series)
            ours.append((effect["change_pct"], *effect["change_pct_interval"]))
            hac.append(segmented_hac(series.values.to_numpy(), 24))
            shift.append(mean_shift(series.values.to_numpy(), 24))
        cells = " | ".join(summary(rows, 100 * step) for rows in (ours, hac, shift))
        print(f"{growth:>12.3f} {100 * step:>5.0f}% {rho:>5.1f} {swing:>6.2f} | {cells}")
    print(f"\ntrend turns; the truth is the new path against the old trend {HORIZON} months past the turn")
    print(f"{'growth before':>13} {'after':>6} {'AR(1)':>5} {head}{'truth':>6}")
    for before, after, rho in TURNS:
        truth = 100 * float(np.expm1((after - before) * (HORIZON + 1)))
        ours, hac = [], []
        for seed in range(args.series):
            series = turn_series(seed, before, after, rho)
            node = node_at(series, NodeKind.TREND, "down" if after < before else "up", horizon=HORIZON)
            (effect,) = EffectEstimator().estimate([node], series)
            ours.append((effect["change_pct"], *effect["change_pct_interval"]))
            hac.append(turn_hac(series.values.to_numpy(), 24))
        print(f"{100 * before:>12.1f}% {100 * after:>5.1f}% {rho:>5.1f} | {summary(ours, truth)} | "
              f"{summary(hac, truth)} | {truth:>6.2f}")
    print("\nshocks (emissions lost against the counterfactual path); the truth is the series without the shock "
          "less the series")
    print(f"{'months':>6} {'start':>5} {'length':>6} {'AR(1)':>5} | "
          f"{'lost/truth - 1: mean':>20} {'sd':>5} {'cover':>6}")
    for months, start, length, rho in SHOCKS:
        rows = []
        for seed in range(args.series):
            clean = shock_series(seed, months, rho)
            values = clean.copy()
            values[start:start + length] *= 0.7
            series = Series(values=pd.Series(values, index=pd.date_range("2015-01-01", periods=months, freq="MS")),
                            frequency=Frequency.MONTHLY, unit="Mt")
            # the end as the detector gives it (a shock longer than half a year has no opposite node near enough)
            down = Node(index=start, date=series.label(start), kind=NodeKind.EVENT, confidence=0.9, direction="down",
                        change_pct=-30.0, level_before=0.0, level_after=0.0,
                        interval=(series.label(start), series.label(start)), interval_index=(start, start),
                        duration=length, end_date=series.label(start + length - 1))
            up = Node(index=start + length, date=series.label(start + length), kind=NodeKind.EVENT, confidence=0.9,
                      direction="up", change_pct=40.0, level_before=0.0, level_after=0.0,
                      interval=(series.label(start + length),) * 2, interval_index=(start + length,) * 2)
            shock = EffectEstimator().estimate([down, up], series)[0]["shock"]
            truth = float(np.sum(clean[start:start + length] - values[start:start + length]))
            lo, hi = shock["lost_interval"] or (np.nan, np.nan)
            rows.append((shock["lost"] / truth - 1, lo < truth < hi))
        rows = np.array(rows)
        print(f"{months:>6} {start:>5} {length:>6} {rho:>5.1f} | {rows[:, 0].mean():>20.3f} {rows[:, 0].std():>5.3f} "
              f"{rows[:, 1].mean():>6.3f}")


if __name__ == "__main__":
    main()
