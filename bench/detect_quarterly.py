"""Quarterly series: the share of no-change series with a node, and F1 on series with changes.

    python bench/detect_quarterly.py [--series 200]

Quarterly series are `synth.make_series` summed by quarter (`synth.make_quarterly`), as statistical offices
publish them: no penalty or confidence map was fitted on one, so this measures how the monthly calibration
carries over. No-change series of 4-20 years, and series with 1-2 changes of 6-20 years: node F1 (±1 quarter,
every shock's end counted as in `detect_synthetic.py`), the ECE of the nodes' confidence, and the true starts
found by kind (a one-month outlier is a third of its quarter, and a change of the monthly season is mostly
averaged away in quarters: both are counted, not left out). Seeds 32,000,000+,
used by neither calibration nor the other benchmarks. Baseline in the same run: ruptures PELT (l2, 3·ln n,
z-scored).
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
from _detect_common import match_nodes, node_points, pelt_baseline  # noqa: E402
from detect_synthetic import f1_score, point_f1, truth_label, truth_points  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.detect.calibrate import expected_calibration_error  # noqa: E402
from policytrace.detect.synth import make_quarterly  # noqa: E402

SEED = 32_000_000
NULL_YEARS = (4, 6, 8, 12, 20)
CHANGE_YEARS = (6, 10, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200, help="series per length (each kind)")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"no-change quarterly series with a node, {args.series} per length (seeds {SEED}+)")
    print(f"{'years':6s} {'policytrace':>11s} {'95% interval':>12s} {'PELT':>6s}")
    for years in NULL_YEARS:
        ours = pelt = 0
        for i in range(args.series):
            series = make_quarterly(SEED + 1000 * years + i, years=years, n_changes=0).series
            ours += bool(Detector().fit(series).nodes_)
            pelt += bool(pelt_baseline(series.array))
        low, high = proportion_confint(ours, args.series, alpha=0.05, method="wilson")
        flag = "   over 5%" if low > 0.05 else ""
        print(f"{years:<6d} {ours / args.series:11.3f} {low:5.3f}-{high:5.3f} {pelt / args.series:6.2f}{flag}")
    print(f"\nquarterly series with 1-2 changes, {args.series} per length (seeds {SEED + 100_000}+): F1 ±1 quarter")
    print(f"{'years':6s} {'policytrace':>11s} {'precision':>9s} {'recall':>6s} {'ECE':>6s} {'PELT':>6s}  "
          "starts found by kind")
    for years in CHANGE_YEARS:
        ours, pelt = np.zeros(3), np.zeros(3)
        confidence, real = [], []
        found, total = Counter(), Counter()
        for i in range(args.series):
            sample = make_quarterly(SEED + 100_000 + 1000 * years + i, years=years, n_changes=1 + i % 2)
            det = Detector().fit(sample.series)
            ours += point_f1(node_points(det.nodes_), truth_points(sample))
            pelt += point_f1(pelt_baseline(sample.series.array), truth_points(sample))
            matches = match_nodes(det, sample)
            for node, truth, _ in matches:
                confidence.append(node.confidence)
                real.append(truth is not None)
            hit = {id(truth) for _, truth, at_start in matches if truth is not None and at_start}
            for truth in sample.truth:
                total[truth_label(truth)] += 1
                found[truth_label(truth)] += id(truth) in hit
        f1, precision, recall = f1_score(*ours)
        ece = expected_calibration_error(np.array(confidence), np.array(real, float))
        kinds = ", ".join(f"{kind} {found[kind]}/{total[kind]}" for kind in sorted(total))
        print(f"{years:<6d} {f1:11.3f} {precision:9.3f} {recall:6.3f} {ece:6.3f} {f1_score(*pelt)[0]:6.3f}  {kinds}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
