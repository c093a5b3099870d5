"""Missing months: what gaps cost the detector, against the same series complete (same run).

    python bench/detect_gaps.py [--series 150]

Monthly series of 14 years (`synth.make_series`; seeds 7,100,000+ with no change, 7,200,000+ with 0-3
changes, never used for calibration), read three ways: complete (the baseline), with January and
February missing every year (NBS publishes them only as their sum), and with 5% of months missing at
random (first and last kept). Printed per way: the share of no-change series with an event or trend
node, and F1 on the series with changes. A node finds a true change within ±1 month of its date or
inside its date interval (±1): where the change fell in a gap, the data cannot date it closer than the
gap, and the interval says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detect_synthetic import f1_score  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.detect.synth import make_series  # noqa: E402
from policytrace.series import Series  # noqa: E402

NULL_SEED, SERIES_SEED = 7_100_000, 7_200_000
WAYS = ("complete", "January-February missing", "5% missing at random")


def holed(series: Series, way: str, seed: int) -> Series:
    values = series.values.copy()
    if way == WAYS[1]:
        values[values.index.month <= 2] = np.nan
    elif way == WAYS[2]:
        drop = np.random.default_rng(seed).random(len(values)) < 0.05
        drop[[0, -1]] = False
        values[drop] = np.nan
    return Series(values, series.frequency, source=f"gaps:{seed}")


def matched(nodes, truths) -> int:
    """True changes found, each by at most one node (nearest first)."""
    free = [t.index for t in truths]
    found = 0
    for node in nodes:
        low, high = node.interval_index
        near = [t for t in free if abs(t - node.index) <= 1 or low - 1 <= t <= high + 1]
        if near:
            free.remove(min(near, key=lambda t: abs(t - node.index)))
            found += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=150, help="no-change series, and as many with changes")
    args = parser.parse_args()
    print(f"{'monthly series, 14 years':28s} {'no-change with a node':>22s} {'F1':>6s} {'prec':>6s} "
          f"{'recall':>6s} {'F1 / complete':>14s}")
    baseline = None
    for way in WAYS:
        busy = 0
        for i in range(args.series):
            nodes = Detector().fit(holed(make_series(NULL_SEED + i, n_changes=0).series, way, i)).nodes_
            busy += any(n.kind.value in ("event", "trend") for n in nodes)
        tp = predicted = true = 0
        for i in range(args.series):
            sample = make_series(SERIES_SEED + i)
            nodes = Detector().fit(holed(sample.series, way, i)).nodes_
            tp, predicted, true = tp + matched(nodes, sample.truth), predicted + len(nodes), true + len(sample.truth)
        f1, precision, recall = f1_score(tp, predicted, true)
        baseline = baseline or f1
        print(f"{way:28s} {busy / args.series:22.3f} {f1:6.3f} {precision:6.3f} {recall:6.3f} {f1 / baseline:13.3f}x")


if __name__ == "__main__":
    main()
