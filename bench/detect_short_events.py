"""One-month events on real data spread from monthly totals: the nominal limit against the controlled one.

    python bench/detect_short_events.py [--file FILE]

Runs `Detector(short_events=...)` in both modes on the 124 Carbon Monitor China daily series
(31 provinces × Power, Industry, Ground Transport, Residential, 2019-2022) and counts the one-month
events of the outlier test by month. January-April 2020 (COVID-19) holds real shocks in most provinces;
the no-change rate of each mode is in `bench/detect_synthetic.py`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detect_speed import FILE, panel  # noqa: E402

from policytrace.detect import Detector  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=FILE)
    args = parser.parse_args()
    items = panel(args.file)
    by_month = {mode: Counter() for mode in ("nominal", "controlled")}
    for _, series in items:
        for mode, counts in by_month.items():
            for node in Detector(short_events=mode).fit(series).nodes_:
                if node.details.get("test") == "outlier":
                    counts[node.date[:7]] += 1
    months = sorted({str(day)[:7] for _, series in items for day in series.values.index})
    others = sum(not ("2020-01" <= month <= "2020-04") for month in months)
    print(f"{len(items)} Carbon Monitor China daily series; one-month events of the outlier test")
    for mode, counts in by_month.items():
        covid = sum(c for month, c in counts.items() if "2020-01" <= month <= "2020-04")
        total = sum(counts.values())
        print(f"  short_events={mode!r:13s} {total:3d} events: {covid} in 2020-01..04, {total - covid} in the other "
              f"{others} months; by month {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
