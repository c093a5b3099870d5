"""Detection length by length: the share of no-change series with a node, and F1 on series with changes.

    python bench/detect_lengths.py [--series 200]

The penalties hold about 5% of no-change series with a node over the calibration's mix (monthly series
of 4-20 years, undated ones of 30-700 points, daily ones of 3-6 years, and monthly ones of 3-8 years for
short seasonal series' own penalty); this prints the share length by length, where a mix can hide a
length that fires far more often. For monthly series, and daily ones spread from months, it prints the node
F1 (±1 month) on series with 1-2 changes of the synthetic holdout's kinds, with the ECE of their nodes'
confidence (a node is real when a true change lies within ±1 month, as in `detect_synthetic.py`). Seeds
11,000,000+ and 13,000,000+ (daily ones 13,100,000+), used by neither calibration nor the other benchmarks.
Baseline in the same run: ruptures PELT (l2, 3·ln n, z-scored). A length is flagged "over 5%" where the
whole 95% (Wilson) interval of its share lies above 5%.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _detect_common import match_nodes, node_points, pelt_baseline, working_index  # noqa: E402
from detect_synthetic import f1_score, point_f1, truth_label, truth_points  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.detect.calibrate import expected_calibration_error  # noqa: E402
from policytrace.detect.synth import make_null, make_series  # noqa: E402

NULL_SEED, CHANGE_SEED = 11_000_000, 13_000_000
MONTHLY_YEARS = (2, 3, 4, 5, 6, 8, 10, 14, 20)
DAILY_YEARS = (2, 3, 4)
UNDATED_POINTS = (30, 50, 100, 300)


def null_cases():
    """(label, make(i)) for every length of no-change series."""
    for years in MONTHLY_YEARS:
        yield f"monthly, {years} years", lambda i, y=years: make_series(NULL_SEED + 1000 * y + i, years=y,
                                                                           n_changes=0).series
    for years in DAILY_YEARS:
        yield f"daily from months, {years} years", lambda i, y=years: make_series(
            NULL_SEED + 100_000 + 1000 * y + i, years=y, n_changes=0, daily=True).series
    for n in UNDATED_POINTS:
        yield f"undated, {n} points", lambda i, n=n: make_null(NULL_SEED + 200_000 + 1000 * n + i, n=n,
                                                               seasonal=False)


# the columns of `null_row`, printed above its rows
NULL_HEADER = f"{'series':30s} {'policytrace':>11s} {'95% interval':>12s} {'PELT':>6s}"


def null_row(label: str, make, count: int) -> str:
    """The share of `count` no-change series `make(i)` with a node, its 95 % (Wilson) interval and PELT's share,
    flagged where the whole interval lies over 5 %."""
    ours = pelt = 0
    for i in range(count):
        series = make(i)
        ours += bool(Detector().fit(series).nodes_)
        pelt += bool(pelt_baseline(series.array))
    # 200 series tell 5 % from 7 % only by chance: a length is over the goal when its interval is
    low, high = proportion_confint(ours, count, alpha=0.05, method="wilson")
    flag = "   over 5%" if low > 0.05 else ""
    return f"{label:30s} {ours / count:11.3f} {low:5.3f}-{high:5.3f} {pelt / count:6.2f}{flag}"


def score_changes(samples, daily: bool = False) -> tuple[np.ndarray, np.ndarray, float, Counter, Counter]:
    """(true positives, predictions, truths) of ours and of PELT on `samples` (daily: spread from months, every
    point counted in months), the ECE of our nodes, and the true starts found and held by kind."""
    ours, pelt = np.zeros(3), np.zeros(3)
    confidence, real = [], []
    found, total = Counter(), Counter()
    for sample in samples:
        det = Detector().fit(sample.series)
        starts = list(det.working_.starts)
        month = (lambda points: [working_index(starts, p) for p in points]) if daily else list
        ours += point_f1(month(node_points(det.nodes_)), month(truth_points(sample)))
        pelt += point_f1(month(pelt_baseline(sample.series.array)), month(truth_points(sample)))
        matches = match_nodes(det, sample)
        for node, truth, _ in matches:
            confidence.append(node.confidence)
            real.append(truth is not None)
        hit = {id(truth) for _, truth, at_start in matches if truth is not None and at_start}
        for truth in sample.truth:
            total[truth_label(truth)] += 1
            found[truth_label(truth)] += id(truth) in hit
    return ours, pelt, expected_calibration_error(np.array(confidence), np.array(real, float)), found, total


def change_counts(years: int, count: int, daily: bool = False) -> tuple[np.ndarray, np.ndarray, float]:
    """`score_changes` on `count` monthly series with 1-2 changes (daily: spread from months)."""
    seed = CHANGE_SEED + (100_000 if daily else 0) + 1000 * years
    samples = (make_series(seed + i, years=years, n_changes=1 + i % 2, daily=daily) for i in range(count))
    return score_changes(samples, daily)[:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200, help="series per length (each kind)")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"no-change series with a node, {args.series} per length (seeds {NULL_SEED}+)")
    print(NULL_HEADER)
    for label, make in null_cases():
        print(null_row(label, make, args.series))
    print(f"\nmonthly series with 1-2 changes, {args.series} per length (seeds {CHANGE_SEED}+): F1 ±1 month")
    print(f"{'years':6s} {'policytrace':>11s} {'precision':>9s} {'recall':>6s} {'ECE':>6s} {'PELT':>6s}")
    cases = [(years, False) for years in MONTHLY_YEARS] + [(years, True) for years in DAILY_YEARS]
    for years, daily in cases:
        if daily and years == DAILY_YEARS[0]:
            print(f"daily series spread from months, with 1-2 changes (seeds {CHANGE_SEED + 100_000}+): F1 ±1 month")
        ours, pelt, ece = change_counts(years, args.series, daily)
        f1, precision, recall = f1_score(*ours)
        print(f"{years:<6d} {f1:11.3f} {precision:9.3f} {recall:6.3f} {ece:6.3f} {f1_score(*pelt)[0]:6.3f}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
