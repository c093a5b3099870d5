"""Annual series that grow in proportion to their level: node F1 (±1 year) and false detections.

    python bench/detect_annual.py [--series 300]

Each series: 20-40 years from 1990, growth 0-12% a year, log-normal noise of 1-4%; the no-change set has nothing
else, the other set one change 5 or more years from either end: a step of 5-12 noise units or a turn of the growth
rate by 3-10 points a year (CEADs-like provincial totals). Ours: the default Detector (logs for a positive dated
series). In the same run: the same Detector reading the series in levels (`scale="levels"`, what it did for annual
series before round 14) and ruptures PELT (l2, penalty 3·ln n, z-scored). Seeds 10,000+ (no change) and 20,000+.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _detect_common import pelt_baseline  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.series import Frequency, Series  # noqa: E402

NULL_SEED, CHANGE_SEED = 10_000, 20_000


def annual(seed: int, change: bool) -> tuple[Series, list[int]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 41))
    sigma = rng.uniform(0.01, 0.04)
    logs = np.log(100) + rng.uniform(0.0, 0.12) * np.arange(n) + rng.normal(0, sigma, n)
    truth = []
    if change:
        at = int(rng.integers(5, n - 5))
        if rng.random() < 0.5:
            logs[at:] += rng.uniform(5, 12) * sigma * rng.choice([-1, 1])
        else:   # the growth rate turns: the new path leaves the old one from `at` on
            logs[at:] += rng.uniform(0.03, 0.10) * rng.choice([-1, 1]) * (np.arange(n - at) + 1)
        truth = [at]
    years = pd.to_datetime([str(1990 + i) for i in range(n)])
    source = f"{'change' if change else 'null'}:{seed}"
    return Series(pd.Series(np.exp(logs), index=years), Frequency.ANNUAL, source=source), truth


def matched(predicted: list[int], truth: list[int], tolerance: int = 1) -> int:
    left, hits = list(truth), 0
    for p in sorted(predicted):
        near = [t for t in left if abs(t - p) <= tolerance]
        if near:
            left.remove(near[0])
            hits += 1
    return hits


def regime_starts(detector: Detector, series: Series) -> list[int]:
    """Positions of the nodes that start a regime (outliers are not changes of the path), or, for a series
    without change, of every node (any node there is a false detection)."""
    nodes = detector.fit(series).nodes_
    if series.source.startswith("null"):
        return [n.index for n in nodes]
    return [n.index for n in nodes if n.kind.value != "outlier"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=300)
    args = parser.parse_args()
    methods = {"policytrace (logs)": lambda s: regime_starts(Detector(), s),
               "levels (round 13)": lambda s: regime_starts(Detector(scale="levels"), s),
               "pelt_l2_3logn": lambda s: pelt_baseline(s.values.to_numpy(), jump=1)}
    print(f"{args.series} annual series without change (seeds {NULL_SEED}+) and {args.series} with one "
          f"(seeds {CHANGE_SEED}+)")
    print(f"{'method':20s} {'no-change with a node':>22s} {'F1±1':>6s} {'prec':>6s} {'recall':>6s}")
    for name, run in methods.items():
        false = sum(bool(run(annual(NULL_SEED + i, False)[0])) for i in range(args.series))
        tp = predicted = true = 0
        for i in range(args.series):
            series, truth = annual(CHANGE_SEED + i, True)
            found = run(series)
            tp, predicted, true = tp + matched(found, truth), predicted + len(found), true + len(truth)
        precision, recall = tp / max(predicted, 1), tp / max(true, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-12)
        print(f"{name:20s} {false / args.series:22.3f} {f1:6.3f} {precision:6.3f} {recall:6.3f}")


if __name__ == "__main__":
    main()
