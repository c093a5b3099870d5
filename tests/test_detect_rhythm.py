"""Steps that recur at a steady interval (pay days in a balance) are the series' rhythm, not events."""

from __future__ import annotations

import numpy as np
from conftest import undated

from policytrace.detect import Detector, NodeKind
from policytrace.detect.kinds import Change
from policytrace.detect.rhythm import recurring_period


def balance(seed: int, n: int = 600, shift_at: int | None = None) -> np.ndarray:
    """A balance paid every 28-32 days and spent down between pay days (TCPD's `bank` is such a series)."""
    rng = np.random.default_rng(seed)
    pay_days = set(np.cumsum(rng.integers(28, 33, n // 28)).tolist())
    level, x = 0.0, np.zeros(n)
    for i in range(n):
        level += (i in pay_days) - rng.uniform(0.5, 1.5) / 30
        x[i] = level
    x -= np.linspace(0, x[-1], n)   # spent as much as paid over the whole span
    x += rng.normal(0, 0.03, n)
    if shift_at is not None:
        x[shift_at:] += 2.0
    return 10 + x


def test_pay_days_are_a_rhythm_not_events():
    for seed in range(8):
        det = Detector().fit(undated(balance(seed)))
        assert det.rhythm_ is not None and 29 <= det.rhythm_[0] <= 31, det.rhythm_
        assert not [n for n in det.nodes_ if n.kind is NodeKind.EVENT], det.nodes_
        assert det.working_.resolution == "cycle"


def test_a_lasting_shift_of_a_rhythmic_series_is_still_found():
    for seed in range(8):
        nodes = Detector().fit(undated(balance(seed, shift_at=300))).nodes_
        events = [n for n in nodes if n.kind is NodeKind.EVENT]
        assert len(events) == 1 and abs(events[0].index - 300) <= 30, nodes
        assert events[0].direction == "up"


def test_steps_at_a_steady_interval_are_a_rhythm_and_at_random_dates_are_not():
    rng = np.random.default_rng(0)

    def steps(at):
        return [Change(at=int(t), kind="event", gain=10.0, penalty=1.0, before=0.0, after=1.0,
                       interval=(int(t), int(t))) for t in at]

    steady = random = 0
    for _ in range(50):
        regular = 15 + 30 * np.arange(12) + rng.integers(-2, 3, 12)
        found = recurring_period(steps(regular), 600)
        steady += found is not None and abs(found[0] - 30) < 1
        random += recurring_period(steps(np.sort(rng.choice(np.arange(10, 590), 12, replace=False))), 600) is not None
    assert steady >= 48 and random <= 1, (steady, random)
