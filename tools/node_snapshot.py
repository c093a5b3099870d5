"""Every node of a fixed set of series, to tell exactly what a change of the detector moved.

    python tools/node_snapshot.py OUT.json [--shared ../shared] [--compare BEFORE.json]

The set: the 30 TCPD series of `bench/detect_tcpd.py`, 180 synthetic series (60 monthly, 30 daily spread
from monthly totals read both ways, 60 undated, 20 monthly with the pattern test; holdout seeds) and 40
Carbon Monitor province × sector series; every node at a confidence floor of 0. `--compare` prints the
series whose nodes (position, kind, confidence) differ from an earlier dump, and how many trend sizes moved.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from detect_tcpd import load  # noqa: E402

from policytrace.detect import Detector  # noqa: E402
from policytrace.detect.synth import make_series, make_undated  # noqa: E402
from policytrace.series import Frequency, Series, drop_unestimated  # noqa: E402


def series_set(shared: Path):
    for name, values, _ in load(shared / "data" / "tcpd"):
        yield name, Series(pd.Series(values), Frequency.UNDATED, source=name), {}
    for i in range(60):
        yield f"m{i}", make_series(50_000 + i).series, {}
    for i in range(30):
        daily = make_series(4_000_000 + i, years=4 + i % 4, daily=True).series
        yield f"d{i}", daily, {}
        yield f"dc{i}", daily, {"short_events": "controlled"}
    for i in range(60):
        yield f"u{i}", make_undated(5_000_000 + i).series, {}
    for i in range(20):
        yield f"p{i}", make_series(60_000 + i).series, {"seasonal_test": "pattern"}
    daily = pd.read_csv(shared / "data/emissions/carbon_monitor_china_provincial_daily_2019_2022.csv.gz")
    for (province, sector), rows in list(daily.groupby(["province", "sector"]))[:40]:
        if sector != "Aviation":
            values, _ = drop_unestimated(pd.Series(rows.co2_mt_per_day.values, index=pd.DatetimeIndex(rows.date)),
                                         Frequency.DAILY)   # as read_series reads Carbon Monitor's zeros
            yield f"{province}-{sector}", Series(values, Frequency.DAILY, source=province), {}


def key(node: dict) -> tuple:
    return node["index"], node["kind"], node["confidence"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--shared", default="../shared")
    parser.add_argument("--compare")
    args = parser.parse_args()
    dump = {name: [n.to_dict() for n in Detector(min_confidence=0, **kw).fit(s).nodes_]
            for name, s, kw in series_set(Path(args.shared))}
    Path(args.out).write_text(json.dumps(dump, default=str, ensure_ascii=False), encoding="utf-8")
    print(f"{len(dump)} series, {sum(map(len, dump.values()))} nodes → {args.out}")
    if args.compare:
        before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        moved = [name for name in dump if [key(n) for n in dump[name]] != [key(n) for n in before.get(name, [])]]
        sized = sum(a["change_pct"] != b["change_pct"] for name in dump if name not in moved
                    for a, b in zip(dump[name], before[name]) if a["kind"] == "trend")
        print(f"series whose nodes moved: {len(moved)} {moved[:20]}; trend sizes changed elsewhere: {sized}")


if __name__ == "__main__":
    main()
