"""No-change series by length: the share that shows a node, for the lengths users have.

    python bench/detect_null_lengths.py [--series 100]

The penalties hold about 5% of no-change series with a node over the calibration's mix (monthly series
of 4-20 years, undated ones of 30-700 points, daily ones of 3-6 years); this prints the share length by
length, where the mix can hide a length that fires far more often. Seeds 11,000,000+ (neither
calibration nor the other benchmarks). Baseline in the same run: ruptures PELT (l2, 3·ln n, z-scored).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _detect_common import pelt_baseline  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.detect.synth import make_null, make_series  # noqa: E402

SEED = 11_000_000
MONTHLY_YEARS = (2, 3, 4, 5, 6, 8, 10, 14, 20)
DAILY_YEARS = (2, 3, 4)
UNDATED_POINTS = (30, 50, 100, 300)


def cases():
    """(label, make(i)) for every length."""
    for years in MONTHLY_YEARS:
        yield f"monthly, {years} years", lambda i, y=years: make_series(SEED + 1000 * y + i, years=y,
                                                                           n_changes=0).series
    for years in DAILY_YEARS:
        yield f"daily from months, {years} years", lambda i, y=years: make_series(
            SEED + 100_000 + 1000 * y + i, years=y, n_changes=0, daily=True).series
    for n in UNDATED_POINTS:
        yield f"undated, {n} points", lambda i, n=n: make_null(SEED + 200_000 + 1000 * n + i, n=n, seasonal=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100, help="no-change series per length")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"no-change series with a node, {args.series} per length (seeds {SEED}+)")
    print(f"{'series':30s} {'policytrace':>11s} {'PELT':>6s}")
    for label, make in cases():
        ours = pelt = 0
        for i in range(args.series):
            series = make(i)
            ours += bool(Detector().fit(series).nodes_)
            pelt += bool(pelt_baseline(series.array))
        flag = "" if ours <= 0.05 * args.series else "   over 5%"
        print(f"{label:30s} {ours / args.series:11.2f} {pelt / args.series:6.2f}{flag}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
