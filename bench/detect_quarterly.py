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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detect_lengths import NULL_HEADER, null_row, score_changes  # noqa: E402
from detect_synthetic import f1_score  # noqa: E402

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
    print(NULL_HEADER)
    for years in NULL_YEARS:
        print(null_row(f"quarterly, {years} years", lambda i, y=years: make_quarterly(
            SEED + 1000 * y + i, years=y, n_changes=0).series, args.series))
    print(f"\nquarterly series with 1-2 changes, {args.series} per length (seeds {SEED + 100_000}+): F1 ±1 quarter")
    print(f"{'years':6s} {'policytrace':>11s} {'precision':>9s} {'recall':>6s} {'ECE':>6s} {'PELT':>6s}  "
          "starts found by kind")
    for years in CHANGE_YEARS:
        samples = (make_quarterly(SEED + 100_000 + 1000 * years + i, years=years, n_changes=1 + i % 2)
                   for i in range(args.series))
        ours, pelt, ece, found, total = score_changes(samples)
        f1, precision, recall = f1_score(*ours)
        kinds = ", ".join(f"{kind} {found[kind]}/{total[kind]}" for kind in sorted(total))
        print(f"{years:<6d} {f1:11.3f} {precision:9.3f} {recall:6.3f} {ece:6.3f} {f1_score(*pelt)[0]:6.3f}  {kinds}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
