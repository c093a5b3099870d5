"""One-month events on real data spread from monthly totals: the nominal limit against the controlled one.

    python bench/detect_short_events.py [--cm FILE]

Runs `Detector(short_events=...)` in both modes on the 124 Carbon Monitor China daily series
(31 provinces × Power, Industry, Ground Transport, Residential, 2019-2022) and counts the one-month
events of the outlier test by month. January-April 2020 (COVID-19) holds real shocks in most provinces;
the no-change rate of each mode is in `bench/detect_synthetic.py`.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

import pandas as pd

from policytrace.detect import Detector
from policytrace.series import Frequency, Series

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYTRACE_SHARED", ROOT.parent / "shared"))
CM_DAILY = SHARED / "data" / "emissions" / "carbon_monitor_china_provincial_daily_2019_2022.csv.gz"
SECTORS = ("Power", "Industry", "Ground Transport", "Residential")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cm", type=Path, default=CM_DAILY)
    args = parser.parse_args()
    frame = pd.read_csv(args.cm, parse_dates=["date"])
    frame = frame[frame.sector.isin(SECTORS)]
    by_month = {mode: Counter() for mode in ("nominal", "controlled")}
    groups = list(frame.groupby(["province", "sector"]))
    for _, part in groups:
        series = Series(part.set_index("date").co2_mt_per_day.sort_index().asfreq("D"), Frequency.DAILY)
        for mode, counts in by_month.items():
            for node in Detector(short_events=mode).fit(series).nodes_:
                if node.details.get("test") == "outlier":
                    counts[node.date[:7]] += 1
    print(f"{len(groups)} Carbon Monitor China daily series; one-month events of the outlier test")
    for mode, counts in by_month.items():
        covid = sum(c for month, c in counts.items() if "2020-01" <= month <= "2020-04")
        total = sum(counts.values())
        print(f"  short_events={mode!r:13s} {total:3d} events: {covid} in 2020-01..04, {total - covid} in the other "
              f"44 months; by month {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
