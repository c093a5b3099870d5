"""The search's pieces: costs that leave periods unread, and dating a change across them."""

from __future__ import annotations

import numpy as np

from policytrace.detect.costs import PiecewiseCost
from policytrace.detect.search import pelt, redate_within, runs


def test_runs_of_a_mask():
    mask = np.array([0, 1, 1, 0, 0, 1, 0, 1], dtype=bool)
    assert runs(mask) == [(1, 2), (5, 5), (7, 7)]
    assert runs(np.zeros(4, dtype=bool)) == []


def test_unread_points_cost_nothing_and_move_no_fit():
    rng = np.random.default_rng(0)
    y = rng.normal(0, 1, 60)
    spiked = y.copy()
    spiked[20:26] += 40.0                       # a festival's dip, say
    read = np.ones(60, dtype=bool)
    read[20:26] = False
    blind = PiecewiseCost().fit(spiked, read)
    plain = PiecewiseCost().fit(np.delete(y, range(20, 26)))
    assert np.isclose(blind.level_error(np.array([0]), 60)[0], plain.level_error(np.array([0]), 54)[0])
    assert blind.count(0, 60) == 54 and blind.count(20, 26) == 0
    # one search over the spike finds nothing; without `read` it is cut out as two changes
    assert pelt(blind, 3 * np.log(60)) == []
    assert pelt(PiecewiseCost().fit(spiked), 3 * np.log(60)) == [20, 26]


def test_a_change_across_an_unread_run_costs_the_same_anywhere_in_it_and_is_dated_on_the_data():
    rng = np.random.default_rng(1)
    y = rng.normal(0, 0.3, 80)
    y[33:] += 5.0                               # the level changes at 33, inside the run 28..39
    read = np.ones(80, dtype=bool)
    read[28:40] = False
    blind = PiecewiseCost().fit(y, read)
    split = [blind.error(np.array([0]), t)[0] + blind.error(np.array([t]), 80)[0] for t in range(28, 41)]
    assert np.ptp(split) < 1e-6
    (found,) = pelt(blind, 3 * np.log(80))
    assert 28 <= found <= 40
    assert redate_within(PiecewiseCost().fit(y), [found], ~read) == [33]
    # a change point away from any run is left where it is
    assert redate_within(PiecewiseCost().fit(y), [10, found], ~read)[0] == 10
