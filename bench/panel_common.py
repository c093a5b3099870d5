"""Panel mode on the real Carbon Monitor China panel: does the COVID-19 dip come out as one common break?

Prints, per province (one sector, Industry by default): the univariate Detector's nodes in
2020-01..2020-04 and whether the province is a member of a common DOWN break in that window; the common
breaks that counting the univariate nodes finds (the method before the pooled search); what
`PanelAttributor` returns (common breaks, share, change, credited record, the pooled series' nodes);
and, as false-break checks, panels of independent synthetic series with no change and with regional
changes only (`make_series(seed, years=4, daily=False)`), where no common break should appear.

Run: .venv/bin/python bench/panel_common.py [--sector Industry] [--panels 20]   (about 2 minutes)
Needs ../shared (POLICYTRACE_SHARED). The KB is built in a temporary folder from the shared records.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from policytrace.attribute import PanelAttributor
from policytrace.attribute.panel import read_panel
from policytrace.detect import Detector
from policytrace.detect.synth import make_series
from policytrace.kb import KnowledgeBase
from policytrace.regions import lookup

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYTRACE_SHARED", ROOT.parent / "shared"))
CM_DAILY = SHARED / "data/emissions/carbon_monitor_china_provincial_daily_2019_2022.csv.gz"
RECORDS = ("china_events/covid2020_provincial_emergency_response_levels.csv",
           "curated/national_and_regional_events.csv", "curated/xinjiang_projects_events.csv")
WINDOW = ("2020-01", "2020-04")


def build_kb(folder: Path) -> Path:
    path = folder / "kb.sqlite"
    with KnowledgeBase.open(path) as kb:
        for name in RECORDS:
            kb.import_file(SHARED / "data/policies" / name)
    return path


def real_panel(panel, kb_path: Path, sector: str) -> None:
    nodes = {key: Detector().fit(series).nodes_ for key, series in panel.items()}
    start = time.perf_counter()
    with KnowledgeBase.open(kb_path) as kb:
        fitted = PanelAttributor().fit(panel, kb)
    took = time.perf_counter() - start
    result = fitted.result_
    covid = [c for c in result.common if WINDOW[0] <= c.period <= WINDOW[1] and c.direction == "down"]
    members = {m for c in covid for m in c.members}
    print(f"{sector}: univariate Detector nodes starting in {WINDOW[0]}..{WINDOW[1]}, and membership of a common "
          "DOWN break there (pooled search)")
    print(f"{'province':<16} {'univariate nodes in window':<62} {'all':>3}  common")
    hit = 0
    for key, found in nodes.items():
        inside = [n for n in found if WINDOW[0] <= n.date[:7] <= WINDOW[1]]
        hit += any(n.direction == "down" for n in inside)
        text = "; ".join(f"{n.date[:7]} {n.kind.value} {n.direction} {n.change_pct:+.0f}% c={n.confidence:.2f}"
                         + (f" ({n.duration}d)" if n.duration else "") for n in inside) or "-"
        linked = any(a.common for a in result.attributions[key] if WINDOW[0] <= a.node.date[:7] <= WINDOW[1])
        mark = ("yes (own node)" if linked else "yes (test)") if key in members else "-"
        print(f"{lookup(key.split('/')[0]).name_en:<16} {text:<62} {len(found):>3}  {mark}")
    print(f"provinces with a univariate DOWN node in the window: {hit}/{len(panel)} ({hit / len(panel):.0%})")
    counted = PanelAttributor()._common_groups(panel, nodes, "M")
    print(f"BEFORE (counting univariate nodes, share >= 0.5, +-1 month): {len(counted)} common breaks "
          + " ".join(f"{p} {d} {len(m) / len(panel):.2f}" for p, d, m in counted))
    print(f"AFTER (pooled search): {len(result.common)} common breaks ({took:.1f} s with attribution)")
    for c in result.common:
        credited = c.attribution.items[0].record if c.attribution and c.attribution.items else None
        node = c.attribution.node if c.attribution else None
        size = (f"{node.change_pct:+.1f}% {node.kind.value}" + (f" to {node.end_date}" if node.end_date else "")
                if node else "")
        print(f"  {c.period} {c.direction:<4} share {c.share:.2f} ({len(c.members)} members) {size}; credited to "
              + (f"{credited.start} {credited.display_title[:50]}" if credited else "-"))
    print("  pooled-series nodes (before the members' tests): " + ("; ".join(
        f"{n.date[:7]} {n.kind.value} {n.direction} c={n.confidence:.2f}" for n in fitted.pooled_.nodes_) or "-"))
    print()


def synthetic_rate(kb, label: str, n_changes: int | None, members: int, panels: int, first_seed: int) -> None:
    hits = pooled = counted = 0
    for p in range(panels):
        seeds = range(first_seed + members * p, first_seed + members * (p + 1))
        panel = {f"s{s}": make_series(s, years=4, n_changes=n_changes, daily=False, start="2018-01-01").series
                 for s in seeds}
        fitted = PanelAttributor().fit(panel, kb)
        hits += bool(fitted.result_.common)
        pooled += bool(fitted.pooled_ is not None and fitted.pooled_.nodes_)
        nodes = {k: [a.node for a in v] for k, v in fitted.result_.attributions.items()}
        counted += bool(PanelAttributor()._common_groups(panel, nodes, "M"))
    print(f"{label}, {panels} panels of {members}: {pooled} with a node on the pooled series; with a common "
          f"break: {counted} before (counting nodes), {hits} after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sector", default="Industry")
    parser.add_argument("--panels", type=int, default=10, help="synthetic panels per false-break check")
    args = parser.parse_args()
    panel = read_panel(CM_DAILY, sectors=[args.sector])
    with tempfile.TemporaryDirectory() as tmp:
        kb_path = build_kb(Path(tmp))
        real_panel(panel, kb_path, args.sector)
        print("False common breaks on synthetic panels of independent series (seeds from 5000):")
        with KnowledgeBase.open(kb_path) as kb:
            for members in (31, 12, 6, 4):
                synthetic_rate(kb, "no change", 0, members, args.panels, 5000)
            for members in (31, 12, 6, 4):
                synthetic_rate(kb, "regional changes only (0-3 each)", None, members, args.panels, 5000)


if __name__ == "__main__":
    main()
