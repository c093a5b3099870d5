"""Effect size with an interval, and the loss of a shock against its counterfactual path (synthetic series)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from policytrace.attribute import EffectEstimator
from policytrace.detect import Node, NodeKind
from policytrace.series import Frequency, Series


def monthly(values) -> Series:
    index = pd.date_range("2015-01-01", periods=len(values), freq="MS")
    return Series(values=pd.Series(values, index=index, dtype=float), frequency=Frequency.MONTHLY, region="650000",
                  sector="industry", unit="Mt")


def node(series: Series, at: int, direction: str, **extra) -> Node:
    return Node(index=at, date=series.label(at), kind=NodeKind.EVENT, confidence=0.9, direction=direction,
                change_pct=0.0, level_before=0.0, level_after=0.0, interval=(series.label(at - 1), series.label(at + 1)),
                interval_index=(at - 1, at + 1), **extra)


def test_level_change_interval_covers_the_true_step():
    rng = np.random.default_rng(1)
    values = 100 * (1 + rng.normal(0, 0.02, 48))
    values[24:] *= 1.25
    series = monthly(values)
    (effect,) = EffectEstimator().estimate([node(series, 24, "up")], series)
    lo, hi = effect["change_pct_interval"]
    assert lo < 25 < hi and lo > 0


def test_shock_loss_against_counterfactual():
    rng = np.random.default_rng(2)
    season = 1 + 0.1 * np.sin(np.arange(60) * 2 * np.pi / 12)
    values = 100 * season * (1 + rng.normal(0, 0.01, 60))
    truth = values.copy()
    values[40:43] *= 0.7  # three months at 70 %
    series = monthly(values)
    effects = EffectEstimator().estimate([node(series, 40, "down"), node(series, 43, "up")], series)
    shock = effects[0]["shock"]
    lost_true = float(np.sum(truth[40:43] - values[40:43]))
    lo, hi = shock["lost_interval"]
    assert lo < lost_true < hi
    assert abs(shock["lost"] - lost_true) < 0.15 * lost_true
    assert "shock" not in effects[1]


def test_explicit_shock_end_date():
    values = np.full(36, 50.0)
    values[20:22] = 30.0
    series = monthly(values)
    (effect,) = EffectEstimator().estimate([node(series, 20, "down", end_date=series.label(21))], series)
    assert effect["shock"]["lost"] == 40.0


def test_a_shocks_level_change_is_measured_over_the_shock_not_past_its_end():
    rng = np.random.default_rng(3)
    values = 100 * (1 + rng.normal(0, 0.01, 48))
    values[30:32] *= 0.7  # two months at 70 %, then back
    series = monthly(values)
    (effect,) = EffectEstimator().estimate([node(series, 30, "down", end_date=series.label(31))], series)
    assert effect["periods"][1] == 2
    assert -35 < effect["change_pct"] < -25
