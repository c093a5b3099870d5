"""Missing months: what gaps cost the detector, against the same series complete (same run).

    python bench/detect_gaps.py [--series 150]

Monthly series of 14 years (`synth.make_series`; seeds 7,100,000+ with no change, 7,200,000+ with 0-3
changes, never used for calibration), read three ways: complete (the baseline), with January and
February missing every year (NBS publishes them only as their sum), with 5% of months missing at
random (first and last kept), and with one run of 12-24 months missing (Carbon Monitor writes 0 for
years where it has no estimate; read as gaps). Printed per way: the share of no-change series with an
event or trend node, F1 on the series with changes, and for the nodes dated just after a gap their mean
confidence beside the share of them that are real (calibration where the gap widens the interval). A node finds a true change within ±1 month of its date or
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
WAYS = ("complete", "January-February missing", "5% missing at random", "a run of 12-24 months missing")


def holed(series: Series, way: str, seed: int) -> Series:
    values = series.values.copy()
    if way == WAYS[1]:
        values[values.index.month <= 2] = np.nan
    elif way == WAYS[2]:
        drop = np.random.default_rng(seed).random(len(values)) < 0.05
        drop[[0, -1]] = False
        values[drop] = np.nan
    elif way == WAYS[3]:
        rng = np.random.default_rng(seed)
        length = int(rng.integers(12, 25))
        start = int(rng.integers(12, len(values) - length - 12))
        values.iloc[start:start + length] = np.nan
    return Series(values, series.frequency, source=f"gaps:{seed}")


def matched(nodes, truths) -> list[bool]:
    """Per node, whether it finds a true change, each change found by at most one node (nearest first)."""
    free = [t.index for t in truths]
    found = []
    for node in nodes:
        low, high = node.interval_index
        near = [t for t in free if abs(t - node.index) <= 1 or low - 1 <= t <= high + 1]
        if near:
            free.remove(min(near, key=lambda t: abs(t - node.index)))
        found.append(bool(near))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=150, help="no-change series, and as many with changes")
    args = parser.parse_args()
    print(f"{'monthly series, 14 years':30s} {'no-change with a node':>22s} {'F1':>6s} {'prec':>6s} "
          f"{'recall':>6s} {'F1 / complete':>14s} {'after a gap: nodes':>19s} {'conf.':>6s} {'real':>6s}")
    baseline = None
    for way in WAYS:
        busy = 0
        for i in range(args.series):
            nodes = Detector().fit(holed(make_series(NULL_SEED + i, n_changes=0).series, way, i)).nodes_
            busy += any(n.kind.value in ("event", "trend") for n in nodes)
        tp = predicted = true = 0
        gap_conf, gap_real = [], []
        for i in range(args.series):
            sample = make_series(SERIES_SEED + i)
            nodes = Detector().fit(holed(sample.series, way, i)).nodes_
            real = matched(nodes, sample.truth)
            tp, predicted, true = tp + sum(real), predicted + len(nodes), true + len(sample.truth)
            for node, ok in zip(nodes, real):
                if node.details.get("after_gap"):
                    gap_conf.append(node.confidence)
                    gap_real.append(ok)
        f1, precision, recall = f1_score(tp, predicted, true)
        baseline = baseline or f1
        after = (f"{len(gap_conf):19d} {np.mean(gap_conf):6.2f} {np.mean(gap_real):6.2f}" if gap_conf
                 else f"{0:19d} {'':>6s} {'':>6s}")
        print(f"{way:30s} {busy / args.series:22.3f} {f1:6.3f} {precision:6.3f} {recall:6.3f} "
              f"{f1 / baseline:13.3f}x {after}")


if __name__ == "__main__":
    main()
