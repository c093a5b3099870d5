"""Attribution on every real series of the shared data: what the reports would list, and what they must not.

    python bench/attribution_sweep.py [--shared ../shared]

Series: Carbon Monitor's daily provinces (Power, Industry, Ground Transport, Residential; 124), its monthly
provincial totals to 2025 (31) and NBS's monthly thermal power (31), each detected and explained as
`policytrace report` would. KB: every shared China record file (built in memory here; the product ships
importers, not these files).

Checks every listed item must pass (each count should be 0): a record listed under two nodes of one series;
a record of a region outside the series' own, the ones above it and below it; a record that cannot act on
emissions (`Record.standing`: a draft for comment, routine business, nuclear-safety paperwork); a project's
approval, or a statement of aims (`Record.states_aims`: a pledge, an NDC, a five-year plan's outline), listed
within half a year of it; a lasting plan, standard or market listed under a shock that is over within a year (it
cannot explain the return).

Baseline, in the same run: the example report's way, the three records of the region (or the nation) dated
nearest to each node within a year, with no score; the same checks are counted on what it lists.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pandas as pd

from policytrace import regions
from policytrace.attribute.attributor import node_days
from policytrace.attribute.scoring import is_shock
from policytrace.kb import KnowledgeBase, Record
from policytrace.pipeline import run
from policytrace.series import Frequency, Series, drop_unestimated, read_series

CM_DAILY = "data/emissions/carbon_monitor_china_provincial_daily_2019_2022.csv.gz"
CM_MONTHLY = "data/emissions/carbon_monitor_china_provincial_monthly_total_2019_2025.csv"
NBS_THERMAL = "data/emissions/nbs_provincial_monthly_thermal_power_2019_2023.csv"
SECTORS = {"Power": "电力", "Industry": "工业", "Ground Transport": "交通", "Residential": "居民"}
KB_FILES = ("china_policy_events_merged.csv", "curated/national_and_regional_events.csv",
            "curated/xinjiang_policies.csv", "curated/xinjiang_projects_events.csv",
            "china_events/china_policy_shocks_v0_1_energy_env_subset.csv",
            "china_events/covid2020_china_city_policies_hsiang2020.csv",
            "china_events/covid2020_provincial_emergency_response_levels.csv",
            "gccmpd/cclw_laws_policies_2021-12.csv", "gccmpd/china_mee_documents_2018-2023.csv",
            "gccmpd/china_state_council_energy_mineral_docs.csv", "gccmpd/icap_ets.csv",
            "gccmpd/iea_policies_2023-04.csv", "gccmpd/newclimate_cpdb_2021-12.csv",
            "stechemesser2024_capmf/capmf_policy_events_preprocessed.csv")


def all_series(shared: Path) -> list[tuple[str, Series]]:
    out = []
    daily = pd.read_csv(shared / CM_DAILY, parse_dates=["date"])
    for (province, sector), rows in daily.groupby(["province", "sector"]):
        if sector in SECTORS:
            # as `policytrace report` reads them: Carbon Monitor's zeros (not estimated) are not data
            values, _ = drop_unestimated(rows.set_index("date").co2_mt_per_day.sort_index(), Frequency.DAILY)
            values = values.asfreq("D")
            out.append((f"CM daily {province} {sector}", Series(values, Frequency.DAILY,
                                                                 region=regions.lookup(province).code,
                                                                 sector=SECTORS[sector])))
    for province in pd.read_csv(shared / CM_MONTHLY).province.unique():
        out.append((f"CM monthly {province} total",
                    read_series(shared / CM_MONTHLY, region=province, sector="合计")))
    for province in pd.read_csv(shared / NBS_THERMAL).province.unique():
        out.append((f"NBS thermal {province}",
                    read_series(shared / NBS_THERMAL, where={"province": province}, region=province, sector="电力")))
    return out


def in_scope(record: Record, region: str) -> bool:
    """The record's regions meet the series' region, the ones above it or the ones below it."""
    own = regions.lookup(region)
    return any(code == own.code or code in own.ancestors or own.code in regions.lookup(code).ancestors
               for code in record.regions)


def check(listed: list[tuple[Record, object, int]], series: Series) -> Counter:
    """`listed`: (record, node, lag in days) of one series."""
    region = series.region
    bad = Counter()
    seen = Counter(record.id for record, _, _ in listed)
    bad["listed under two nodes"] = sum(n - 1 for n in seen.values())
    for record, node, lag in listed:
        bad["another region"] += not in_scope(record, region)
        bad["cannot act on emissions"] += record.standing is not None
        bad["approval within half a year"] += record.kind == "project" and record.date_kind == "issued" and lag > -183
        bad["aims within half a year"] += record.states_aims and lag > -183
        bad["lasting plan under a shock"] += (record.kind in ("plan", "standard", "market")
                                             and is_shock(node, node_days(node, series)[0]))
    return bad


def nearest(kb: KnowledgeBase, series: Series, nodes, region: str) -> list[tuple[Record, object, int]]:
    """The baseline: per node, the three records of the region hierarchy dated nearest to it within a year."""
    own = regions.lookup(region)
    codes = {own.code, *own.ancestors}
    out = []
    for node in nodes:
        lo, _ = node_days(node, series)
        hits = kb.search(start=(lo - timedelta(days=365)).isoformat(), end=(lo + timedelta(days=365)).isoformat(),
                         limit=None)
        mine = [h.record for h in hits if set(h.record.regions) & codes]
        mine.sort(key=lambda r: abs((r.start - lo).days))
        out += [(r, node, (r.start - lo).days) for r in mine[:3]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    if not (args.shared / CM_DAILY).exists():
        print(f"shared data not found under {args.shared}", file=sys.stderr)
        sys.exit(2)
    started = time.perf_counter()
    kb = KnowledgeBase.open(":memory:")
    for name in KB_FILES:
        kb.import_file(args.shared / "data/policies" / name)
    print(f"KB: {len(kb)} records from {len(KB_FILES)} files ({time.perf_counter() - started:.1f} s)")
    ours, base = Counter(), Counter()
    nodes = explained = items = baseline_items = 0
    top = []
    started = time.perf_counter()
    for _, series in all_series(args.shared):
        report = run(series, kb)
        listed = []
        for a in report.attributions:
            nodes += 1
            explained += bool(a.items)
            items += len(a.items)
            top += [a.items[0].score] if a.items else []
            listed += [(i.record, a.node, i.lag_days) for i in a.items]
        ours += check(listed, series)
        near = nearest(kb, series, [a.node for a in report.attributions], series.region)
        baseline_items += len(near)
        base += check(near, series)
    print(f"{nodes} nodes of 186 series ({time.perf_counter() - started:.0f} s); ours explains {explained}, "
          f"{items} items, mean top score {sum(top) / max(len(top), 1):.3f}; baseline lists {baseline_items}")
    print(f"{'check (items that fail it)':<34}{'ours':>8}{'nearest 3':>12}")
    for key in ("listed under two nodes", "another region", "cannot act on emissions", "approval within half a year",
                "aims within half a year", "lasting plan under a shock"):
        print(f"{key:<34}{ours[key]:>8}{base[key]:>12}")
    failing = sum(ours.values())
    print(f"share of listed items failing a check: ours {failing / max(items, 1):.3f}, "
          f"baseline {sum(base.values()) / max(baseline_items, 1):.3f}")


if __name__ == "__main__":
    main()
