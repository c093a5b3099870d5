"""Speed and memory: all 124 daily China series (31 provinces × Power, Industry, Ground Transport,
Residential; 2019–2022) through the detector, confidence included, against ruptures PELT
(l2, jump 1, penalty 3·ln n) run in the same process.

    python bench/detect_speed.py [--baseline-sample N] [--long N]

PELT takes seconds per 1,461-day series; `--baseline-sample N` times it on N series spread over
the panel and extrapolates to 124 (printed as such). Memory: peak traced Python allocation of each,
measured in a separate pass (tracing slows pure-Python code tenfold, so it is kept out of the timing).
`--long N` adds one undated series of N points with two turns of the slope and a level shift (the
typing of turns grows with the longest segment), against the same PELT.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from policytrace.detect import Detector  # noqa: E402
from policytrace.series import Frequency, Series  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYTRACE_SHARED", ROOT.parent / "shared"))
FILE = SHARED / "data" / "emissions" / "carbon_monitor_china_provincial_daily_2019_2022.csv.gz"
SECTORS = ("Power", "Industry", "Ground Transport", "Residential")


def panel(path: Path) -> list[tuple[str, Series]]:
    frame = pd.read_csv(path, parse_dates=["date"])
    frame = frame[frame.sector.isin(SECTORS)]
    out = []
    for (province, sector), part in frame.groupby(["province", "sector"]):
        values = part.set_index("date").co2_mt_per_day.sort_index().asfreq("D")
        out.append((f"{province}/{sector}", Series(values, Frequency.DAILY, sector=sector)))
    return out


def pelt(series: Series) -> list[int]:
    import ruptures as rpt

    y = series.array
    y = (y - y.mean()) / (y.std() or 1.0)
    return rpt.Pelt(model="l2", jump=1).fit(y.reshape(-1, 1)).predict(pen=3 * np.log(len(y)))[:-1]


def timed(run, items) -> tuple[float, list]:
    started = time.perf_counter()
    results = [run(s) for _, s in items]
    return time.perf_counter() - started, results


def peak_memory(run, items) -> float:
    """Peak traced allocation (MiB) of one run per item, measured apart: tracing slows Python code."""
    tracemalloc.start()
    for _, s in items:
        run(s)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def in_festival_season(day: pd.Timestamp) -> bool:
    """Inside 15 Jan - 15 Apr of a year without a shock in that season (2019, 2021): the issue's test."""
    return day.year in (2019, 2021) and pd.Timestamp(day.year, 1, 15) <= day <= pd.Timestamp(day.year, 4, 15)


def festival_season_line(items, ours: list, base: list, base_items) -> str:
    """Event nodes (ours) and change points (PELT) in the festival season of a normal year, by sector."""
    def count(names, hits) -> dict[str, int]:
        out = {sector: 0 for sector in SECTORS}
        for name, n in zip(names, hits):
            out[name.split("/")[1]] += n
        return out

    days = items[0][1].values.index   # every series of the panel has the same days
    ours_n = count([name for name, _ in items],
                   [sum(nd.kind.value == "event" and in_festival_season(pd.Timestamp(nd.date)) for nd in found)
                    for found in ours])
    base_n = count([name for name, _ in base_items],
                   [sum(in_festival_season(days[i]) for i in cps) for cps in base])
    return (f"festival-season events (15 Jan-15 Apr 2019/2021): policytrace {sum(ours_n.values())} "
            f"({', '.join(f'{k} {v}' for k, v in ours_n.items())}); PELT {sum(base_n.values())} change points "
            f"on {len(base_items)} series ({', '.join(f'{k} {v}' for k, v in base_n.items())})")


def long_series(n: int) -> Series:
    t = np.arange(n, dtype=float)
    values = 0.002 * t + 0.004 * np.maximum(t - n / 3, 0) - 0.006 * np.maximum(t - 2 * n / 3, 0)
    values += 3.0 * (t >= n / 2) + np.random.default_rng(0).normal(0, 1, n)
    return Series(pd.Series(values), Frequency.UNDATED, source=f"long-{n}")


def compare_long(n: int) -> None:
    item = [(f"long-{n}", long_series(n))]
    ours_s, found = timed(lambda s: Detector().fit(s).nodes_, item)
    base_s, base_found = timed(pelt, item)
    ours_mb = peak_memory(lambda s: Detector().fit(s).nodes_, item)
    base_mb = peak_memory(pelt, item)
    print(f"one undated series of {n} points: policytrace {ours_s:.2f} s, peak {ours_mb:.1f} MiB, "
          f"{len(found[0])} nodes; PELT {base_s:.2f} s, peak {base_mb:.1f} MiB, {len(base_found[0])} cps; "
          f"ratio {ours_s / base_s:.4f}× time, {ours_mb / base_mb:.2f}× memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=FILE)
    parser.add_argument("--baseline-sample", type=int, default=None,
                        help="time PELT on this many series only and extrapolate (default: all)")
    parser.add_argument("--long", type=int, default=None, metavar="N",
                        help="also time one undated series of N points against PELT")
    args = parser.parse_args()
    items = panel(args.file)
    print(f"series: {len(items)} × {len(items[0][1])} days")
    Detector().fit(items[0][1])  # warm imports (statsmodels), as a running service would be
    ours_s, found = timed(lambda s: Detector().fit(s).nodes_, items)
    sample = items if not args.baseline_sample else items[:: max(len(items) // args.baseline_sample, 1)][
        : args.baseline_sample]
    base_s, base_found = timed(pelt, sample)
    ours_mb = peak_memory(lambda s: Detector().fit(s).nodes_, items[:10])
    base_mb = peak_memory(pelt, sample[:1])
    per = base_s / len(sample)
    base_total = per * len(items)
    how = "measured on all" if len(sample) == len(items) else f"measured on {len(sample)}, extrapolated to {len(items)}"
    print(f"policytrace Detector  {ours_s:8.2f} s total  {1000 * ours_s / len(items):7.1f} ms/series  "
          f"peak {ours_mb:6.1f} MiB  nodes/series {np.mean([len(f) for f in found]):.1f}")
    print(f"ruptures PELT l2 j=1  {base_total:8.2f} s total  {1000 * per:7.1f} ms/series  "
          f"peak {base_mb:6.1f} MiB  cps/series {np.mean([len(f) for f in base_found]):.1f}  ({how})")
    print("(peak = traced Python allocation of one series' analysis; times measured without tracing)")
    print(festival_season_line(items, found, base_found, sample))
    ratio = ours_s / base_total
    print(f"ratio: {ratio:.4f}× the baseline's time (goal <= 0.05: {'met' if ratio <= 0.05 else 'NOT met'})")
    if args.long:
        compare_long(args.long)


if __name__ == "__main__":
    main()
