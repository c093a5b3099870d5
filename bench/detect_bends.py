"""Kinks against smooth compounding curves: how sharp an exponential bend may be (`kinds.MAX_RATE`).

    python bench/detect_bends.py [--series 400] [--caps 0.25 2 3 4 5 6 8 16]

A turn of the slope is kept only if its broken line beats every smooth bend by the jump test's bar
(`kinds.bend_statistic`); in levels the smooth bends are a parabola and a + b·e^(c·t), |c| ≤ the cap
on t in [-1, 1] (an e-folding length of at least 1/cap of the half-span). A higher cap clears more
compounding curves of false turns and passes for more real kinks near a span's end. Per cap, in the
same run:

- kink recall: undated series of 60-240 points with one continuous kink (half start flat), found as a
  trend node within ±4 (seeds 900,000+);
- curves with a false turn: the same lengths with an exponential rise or decay, e-folding 8-50% of
  the series, either way up (seeds 950,000+);
- TCPD F1 / Cover (if ../shared is present), which no cap was chosen on.

Cap 0.25 is in effect the parabola alone (the detector before round 9).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from detect_tcpd import SHARED, load, mean_scores  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.series import Frequency, Series  # noqa: E402

kinds = importlib.import_module("policytrace.detect.kinds")
KINK_SEED, CURVE_SEED = 900_000, 950_000


def nodes_of(values: np.ndarray):
    return Detector().fit(Series(pd.Series(values), Frequency.UNDATED, source="bench")).nodes_


def kink(seed: int) -> tuple[np.ndarray, int]:
    rng = np.random.default_rng(KINK_SEED + seed)
    n = int(rng.integers(60, 240))
    t = np.arange(n, dtype=float)
    at = int(rng.integers(12, n - 12))
    slope = rng.uniform(-0.2, 0.2) * rng.integers(0, 2)
    turn = rng.choice([-1, 1]) * rng.uniform(0.1, 0.6)
    return 100 + slope * t + turn * np.maximum(t - at, 0) + rng.normal(0, 1, n), at


def curve(seed: int) -> np.ndarray:
    rng = np.random.default_rng(CURVE_SEED + seed)
    n = int(rng.integers(60, 240))
    t = np.arange(n, dtype=float)
    tau, rise = rng.uniform(0.08, 0.5) * n, rng.uniform(20, 300)
    shape = rise * np.expm1(t / tau) / np.expm1((n - 1) / tau)
    if rng.random() < 0.5:
        shape = shape[::-1]
    if rng.random() < 0.5:
        shape = -shape
    return 100 + shape + rng.normal(0, 1, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=400, help="kinks and curves, each")
    parser.add_argument("--caps", type=float, nargs="+", default=[0.25, 2, 3, 4, 5, 6, 8, 16])
    args = parser.parse_args()
    tcpd = list(load(SHARED / "data" / "tcpd")) if (SHARED / "data" / "tcpd").is_dir() else []
    shipped = kinds.MAX_RATE
    print(f"{'cap':>6s} {'kink recall':>11s} {'false turns':>11s} {'J':>6s} {'TCPD F1':>8s} {'Cover':>6s}")
    try:
        for cap in args.caps:
            kinds.MAX_RATE = cap
            found = sum(any(nd.kind.value == "trend" and abs(nd.index - at) <= 4 for nd in nodes_of(values))
                        for values, at in map(kink, range(args.series)))
            false = sum(any(nd.kind.value == "trend" for nd in nodes_of(curve(i))) for i in range(args.series))
            recall, false_rate = found / args.series, false / args.series
            line = f"{cap:6.2f} {recall:11.3f} {false_rate:11.3f} {recall - false_rate:6.3f}"
            if tcpd:
                line += " {:8.3f} {:6.3f}".format(*mean_scores(tcpd, Detector()))
            print(line + ("   <- shipped (kinds.MAX_RATE)" if cap == shipped else ""), flush=True)
    finally:
        kinds.MAX_RATE = shipped
    if not tcpd:
        print(f"TCPD not scored: no {SHARED / 'data' / 'tcpd'}")


if __name__ == "__main__":
    main()
