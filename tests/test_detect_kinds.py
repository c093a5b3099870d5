"""Each node kind, found on short synthetic series with a known change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import undated

from policytrace.detect import Detector, NodeKind, detect
from policytrace.detect.kinds import window_mode
from policytrace.detect.synth import make_series
from policytrace.series import Frequency, Series


def monthly(values, start="2008-01-01") -> Series:
    index = pd.date_range(start, periods=len(values), freq="MS")
    return Series(pd.Series(np.asarray(values, float), index=index), Frequency.MONTHLY)


def noise(n, seed=0, scale=1.0):
    return np.random.default_rng(seed).normal(0, scale, n)


def only(nodes, kind):
    return [n for n in nodes if n.kind is kind]


def test_level_shift_is_an_event_with_size_and_interval():
    values = 100 + noise(120, 1, 2.0)
    values[60:] += 20
    nodes = detect(undated(values))
    events = only(nodes, NodeKind.EVENT)
    assert len(events) == 1, nodes
    node = events[0]
    assert abs(node.index - 60) <= 1 and node.direction == "up"
    assert 15 < node.change_pct < 25
    assert node.level_before < node.level_after
    lo, hi = node.interval_index
    assert lo <= node.index <= hi and hi - lo <= 6
    assert node.duration is None and 0.5 < node.confidence <= 1


def test_temporary_shock_is_one_event_with_duration_and_end():
    values = 100 + noise(120, 2, 2.0)
    values[50:56] -= 30
    nodes = only(detect(undated(values)), NodeKind.EVENT)
    assert len(nodes) == 1, nodes
    node = nodes[0]
    assert abs(node.index - 50) <= 1 and node.direction == "down"
    assert node.duration is not None and abs(node.duration - 6) <= 2
    assert node.end_date is not None


@pytest.mark.parametrize("seed", range(6))
def test_two_period_shock_on_a_slope_is_one_shock_not_a_turn(seed):
    # both edges of a plateau too short to carry a slope are jumps; a hinge used to read the return
    # as a steep ramp and type it a trend turn (half of such series before the rule)
    t = np.arange(150, dtype=float)
    values = 100 + 0.05 * t + noise(150, seed, 1.0)
    values[60:62] -= 8
    nodes = detect(undated(values))
    shocks = [n for n in only(nodes, NodeKind.EVENT) if abs(n.index - 60) <= 1]
    assert len(shocks) == 1 and shocks[0].duration is not None and abs(shocks[0].duration - 2) <= 1, nodes
    assert not [n for n in only(nodes, NodeKind.TREND) if 58 <= n.index <= 70], nodes


@pytest.mark.parametrize("seed", [0, 3, 6])
def test_a_fall_that_recovers_along_a_line_is_one_shock_ending_where_it_is_back(seed):
    # -30 at 60, back to 100 over 20 points: one jump and a sloped regime to the search. Read as a lasting
    # shift, the fall's node had no end; it now ends where the fitted line regains the old level
    values = 100 + noise(150, seed, 1.0)
    values[60:80] -= np.linspace(30, 0, 20, endpoint=False)
    nodes = Detector().fit(undated(values)).nodes_
    events = only(nodes, NodeKind.EVENT)
    assert len(events) == 1 and abs(events[0].index - 60) <= 1, nodes
    shock = events[0]
    assert shock.details.get("recovery") == "gradual" and not shock.ends_in_step
    assert 74 <= int(shock.end_date) <= 81 and shock.duration == int(shock.end_date) - shock.index + 1
    # a step back is still a shock that ends in a step
    values = 100 + noise(150, seed, 1.0)
    values[60:70] -= 30
    step = only(Detector().fit(undated(values)).nodes_, NodeKind.EVENT)
    assert len(step) == 1 and step[0].ends_in_step and "recovery" not in step[0].details


def test_turn_of_the_slope_is_a_trend_node():
    t = np.arange(150, dtype=float)
    values = 100 + 0.2 * t + noise(150, 3, 1.0)
    values[90:] += 1.5 * (t[90:] - 89)  # the line bends upward, without a jump
    nodes = detect(undated(values))
    trends = only(nodes, NodeKind.TREND)
    assert trends and abs(trends[0].index - 90) <= 4, nodes
    assert trends[0].direction == "up"
    assert not only(nodes, NodeKind.EVENT)


SMOOTH_CURVES = {
    "parabola": lambda t: 0.6 * t - 0.0025 * t * t,
    "saturating": lambda t: 60 * (1 - np.exp(-t / 80)),
    # growth compounding at a steady rate (e-folding 15 of 120 points): with the parabola alone as the
    # smooth bend all 20 got a trend node (bench/README.md, round 9)
    "compounding": lambda t: 100 * np.expm1(t / 15) / np.expm1(119 / 15),
}


@pytest.mark.parametrize("curve", list(SMOOTH_CURVES))
def test_growth_that_changes_pace_smoothly_has_no_turn(curve):
    # no date where the slope breaks; a broken line still "turns" wherever it is cut, and before the
    # smooth-bend test every one of these 20 series got 1-3 trend nodes (bench/README.md, round 7)
    t = np.arange(120, dtype=float)
    shape = SMOOTH_CURVES[curve](t)
    turned = sum(bool(only(detect(undated(100 + shape + noise(120, 10 + seed, 1.0))), NodeKind.TREND))
                 for seed in range(20))
    assert turned <= 2, turned


def test_a_late_take_off_from_a_flat_level_is_still_a_turn():
    # flat, then rising 15 points before the end: an exponential with a short enough e-folding length
    # would pass for it (with rates up to 60, 16 of these 20 were found); `kinds.MAX_RATE` keeps it a turn
    t = np.arange(120, dtype=float)
    found = 0
    for seed in range(20):
        values = 100 + 0.6 * np.maximum(t - 105, 0) + noise(120, seed, 1.0)
        found += any(abs(n.index - 105) <= 4 for n in only(detect(undated(values)), NodeKind.TREND))
    assert found >= 18, found


def test_a_turn_near_the_end_keeps_the_slope_of_its_short_arm():
    # rising 1 a point, then falling 3 a point over the last three: the search's free segments give an
    # arm under four points no slope, and the fall had been described as a rise that levelled off
    t = np.arange(60.0)
    turns = []
    for seed in range(10):
        values = 100 + t + noise(60, seed, 1.0) - 4.0 * np.maximum(t - 56, 0)
        turns += [n for n in only(detect(undated(values)), NodeKind.TREND) if n.index >= 55]
    assert len(turns) >= 5, turns
    for node in turns:
        assert abs(node.details["slope_before"] - 1) < 0.1 and node.details["slope_after"] < -1.5, node
        assert node.direction == "down" and node.details["at_end"] <= 3


def test_one_bad_point_is_an_outlier():
    values = 50 + noise(100, 4, 1.0)
    values[37] += 15
    nodes = detect(undated(values))
    assert [n.index for n in only(nodes, NodeKind.OUTLIER)] == [37], nodes
    assert only(nodes, NodeKind.OUTLIER)[0].direction == "up"
    assert not only(nodes, NodeKind.EVENT)


def test_change_of_the_seasonal_pattern_is_a_seasonal_node():
    n = 168
    season = 10 * np.cos(2 * np.pi * np.arange(n) / 12)
    values = 200 + season + noise(n, 5, 1.0)
    values[84:] += 1.5 * season[84:]      # the swing grows 2.5-fold
    nodes = detect(monthly(values))
    seasonal = only(nodes, NodeKind.SEASONAL)
    assert seasonal and abs(seasonal[0].index - 84) <= 6, nodes
    assert seasonal[0].direction == "up" and seasonal[0].change_pct > 50
    assert not only(nodes, NodeKind.EVENT)


def test_a_split_on_a_flat_ridge_of_gain_is_dated_at_the_heavier_window():
    # the peak is one position off a ridge of three nearly equal gains: the ridge's centre holds more
    gain = np.array([0.0, 0.0, 9.6, 9.7, 10.0, 2.0, 0.0, 0.0])
    assert window_mode(gain) == 3
    # a sharp peak keeps its date: its neighbours' windows hold about as much, never clearly more
    sharp = np.array([0.0, 1.0, 30.0, 19.0, 1.0, 0.0])
    assert window_mode(sharp) == 2
    # a heavier region farther than one position away does not move the date (only ±1 counts)
    far = np.array([9.0, 9.0, 9.0, 0.0, 0.0, 10.0, 0.0])
    assert window_mode(far) == 5


def test_two_changes_of_the_seasonal_swing_are_two_seasonal_nodes():
    n = 192
    season = 10 * np.cos(2 * np.pi * np.arange(n) / 12)
    values = 200 + season + noise(n, 8, 1.0)
    values[60:120] += 1.5 * season[60:120]   # the swing grows 2.5-fold for five years, then falls back
    seasonal = only(detect(monthly(values)), NodeKind.SEASONAL)
    assert [round(n.index / 12) for n in seasonal] == [5, 10], seasonal
    assert [n.direction for n in seasonal] == ["up", "down"]


def test_four_years_are_enough_to_test_the_swing_at_their_middle():
    # exactly two cycles on each side: the one split both seasonal tests can price (before round 18 a
    # series of exactly four years was never tested, however clearly its swing changed)
    n = 48
    season = 10 * np.cos(2 * np.pi * np.arange(n) / 12)
    values = 200 + season + noise(n, 11, 1.0)
    values[24:] -= 0.6 * season[24:]          # the swing fades to 40 %
    seasonal = only(detect(monthly(values)), NodeKind.SEASONAL)
    assert len(seasonal) == 1 and seasonal[0].index == 24, seasonal
    assert seasonal[0].direction == "down"


def test_pattern_test_finds_a_moved_season_that_the_swing_test_does_not():
    n = 168
    t = np.arange(n)
    season = np.where(t < 84, 10 * np.cos(2 * np.pi * t / 12), 10 * np.cos(2 * np.pi * (t - 3) / 12))
    series = monthly(200 + season + noise(n, 9, 1.0))   # the peak moves by a quarter, the swing stays
    moved = only(Detector(seasonal_test="pattern").fit(series).nodes_, NodeKind.SEASONAL)
    assert moved and abs(moved[0].index - 84) <= 6, moved
    assert not only(Detector().fit(series).nodes_, NodeKind.SEASONAL)
    with pytest.raises(ValueError, match="seasonal_test"):
        Detector(seasonal_test="shape")


def test_seasonal_series_without_change_has_no_event_on_month_or_festival():
    n = 120
    season = 15 * np.cos(2 * np.pi * (np.arange(n) - 6) / 12)
    nodes = detect(monthly(300 + season + noise(n, 6, 2.0)))
    assert not [n for n in nodes if n.kind in (NodeKind.EVENT, NodeKind.TREND)], nodes


def test_constant_series_has_no_node():
    assert detect(undated(np.full(40, 7.0))) == []
    assert detect(monthly(np.full(40, 7.0))) == []
    # its fitted attributes are there too (a caller reads path_ after fit whatever the series)
    det = Detector().fit(monthly(np.full(40, 7.0)))
    assert np.array_equal(det.path_, np.full(40, 7.0)) and not det.seasonal_.any() and det.noise_ == 0


def test_a_move_of_one_rounding_step_is_no_node_and_a_larger_one_is():
    # a small province's output given to 0.1 at 0.3 (Tibet's thermal power): a move of 0.34 -> 0.36 shows as a
    # step of a third, 0.3 -> 0.4
    level = np.where(np.arange(60) < 30, 0.34, 0.36) + noise(60, 11, 0.002)
    det = Detector().fit(monthly(level.round(1)))
    assert det.rounding_step_ == pytest.approx(0.1) and det.within_rounding_ == 1
    assert det.nodes_ == [], det.nodes_
    # two steps is more than rounding can make of a steady level
    fall = np.where(np.arange(60) < 30, 0.35, 0.15) + noise(60, 12, 0.01)
    det = Detector().fit(monthly(fall.round(1)))
    assert [n.direction for n in det.nodes_ if n.kind is NodeKind.EVENT] == ["down"], det.nodes_
    # the same series unrounded: no step to speak of, nothing left out
    assert Detector().fit(monthly(fall)).rounding_step_ == 0.0


def test_negative_values_are_analysed_and_sized_against_the_magnitude():
    values = -50 + noise(80, 7, 1.0)
    values[40:] -= 10          # net removals deepen: the level goes down
    node = only(detect(undated(values)), NodeKind.EVENT)[0]
    assert abs(node.index - 40) <= 1 and node.direction == "down"
    assert node.change_pct < -10


def test_max_nodes_keeps_the_most_confident():
    values = 100 + noise(200, 8, 1.0)
    values[50:] += 10
    values[120:] += 3
    nodes = Detector(max_nodes=1).fit(undated(values)).nodes_
    assert len(nodes) == 1 and abs(nodes[0].index - 50) <= 1


def test_penalty_parameter_controls_how_many_nodes():
    values = 100 + noise(150, 9, 1.0)
    values[75:] += 2.5
    few = Detector(penalty=50).fit(undated(values)).nodes_
    many = Detector(penalty=0.5).fit(undated(values)).nodes_
    assert len(few) <= len(many)
    assert "penalty=50" in repr(Detector(penalty=50))


@pytest.mark.parametrize("seed", range(6))
def test_confidence_is_a_probability(seed):
    values = 10 + noise(90, seed)
    values[45:] += 4
    for node in detect(undated(values)):
        assert 0 <= node.confidence <= 1
        assert node.to_dict()["label_zh"] in {"事件类", "季节性调整", "趋势转折", "异常值"}


def test_a_kink_is_told_from_a_level_shift_and_from_a_smooth_bend():
    """A continuous kink is about χ²₁ against a free jump (a turn, not an event); the same kink with a 4-sigma
    jump is far above it (an event); and a kink beats a parabola, which the same change of slope spread over
    the whole span does not (`bend_statistic`: a smooth bend is not a turn). A compounding growth beats the
    parabola too, but not the exponential that `compounding` adds, which the kink still beats."""
    from policytrace.detect.costs import PiecewiseCost
    from policytrace.detect.kinds import JUMP_LR, bend_statistic, jump_statistic

    t = np.arange(120, dtype=float)
    turns = events = kinks = bends = 0
    compounded = {False: 0, True: 0}   # exponential bends read as smooth, without and with that family
    for seed in range(20):
        noise = np.random.default_rng(seed).normal(0, 1, 120)
        kink = 0.05 * t + 0.3 * np.maximum(t - 59, 0) + noise
        jump = kink + 4.0 * (t >= 60)
        for signal, is_jump in ((kink, False), (jump, True)):
            cost = PiecewiseCost(slope_penalty=np.log(120)).fit(signal)
            stat = jump_statistic(cost, signal, 0, 60, 120, 2)
            if is_jump:
                events += stat > JUMP_LR
            else:
                turns += stat <= JUMP_LR
        bend = 0.3 * t - 0.0025 * t * t + noise
        compound = 40 * np.expm1(t / 20) / np.expm1(119 / 20) + noise
        for compounding in (False, True):
            kinks += bend_statistic(kink, 0, 60, 120, 2, compounding=compounding) > JUMP_LR
            bends += bend_statistic(bend, 0, 60, 120, 2, compounding=compounding) <= JUMP_LR
            compounded[compounding] += bend_statistic(compound, 0, 60, 120, 2, compounding=compounding) <= JUMP_LR
    assert turns >= 18 and events >= 18 and kinks >= 36 and bends >= 36, (turns, events, kinks, bends)
    assert compounded[True] >= 18 and compounded[False] <= 2, compounded


def test_seasonal_series_with_one_shock_get_both_of_its_ends():
    # A split of the season that is more likely false than real is dropped and the series analysed
    # again: kept, its regime's own pattern soaked up the shock (6 of these 20 failed before, 1 after).
    found = 0
    for seed in range(100, 120):
        sample = make_series(seed, n_changes=1, kinds=("shock",))
        truth = sample.truth[0]
        shocks = [n for n in only(detect(sample.series), NodeKind.EVENT)
                  if abs(n.index - truth.index) <= 1 and n.duration is not None
                  and abs(n.index + n.duration - truth.end) <= 1]
        found += len(shocks) == 1
    assert found >= 17


def test_seasonal_belief_none_keeps_every_split_that_passes_its_bar():
    sample = make_series(104, n_changes=1, kinds=("shock",))
    kept_all = Detector(seasonal_belief=None, min_confidence=0).fit(sample.series)
    believed = Detector(min_confidence=0).fit(sample.series)
    assert len(only(believed.nodes_, NodeKind.SEASONAL)) < len(only(kept_all.nodes_, NodeKind.SEASONAL))


@pytest.mark.parametrize("low, flagged", [(0.05, True), (0.6, False)])
def test_a_level_moving_more_than_fivefold_asks_for_the_data_to_be_checked(low, flagged):
    # CEADs' Ningxia total: 17.4 Mt, then 0.8-1.1 for three years (years it lacks), then 55: read as a -94.6%
    # shock without a word; a fall of 40% is an event like any other
    values = np.exp(np.log(100) + noise(23, 4, 0.03))
    values[8:11] *= low
    index = pd.date_range("1997-01-01", periods=23, freq="YS")
    nodes = Detector().fit(Series(pd.Series(values, index=index), Frequency.ANNUAL)).nodes_
    shock = [n for n in nodes if n.kind is NodeKind.EVENT and n.date == "2005"]
    assert shock and shock[0].end_date == "2007", nodes
    assert bool(shock[0].details.get("check_data")) is flagged
    # and the reports say so beside the change
    from policytrace.attribute.model import Attribution
    from policytrace.report import build_report, render

    series = Series(pd.Series(values, index=index), Frequency.ANNUAL, region="640000", sector="合计")
    report = build_report(series, [Attribution(node=shock[0], items=())])
    assert ("请核对原始数据" in render(report, "zh")) is flagged
    assert ("check the source data" in render(report, "en")) is flagged
