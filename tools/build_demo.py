"""Build the bundled demo from the shared public data (run from the repository root).

    python tools/build_demo.py [--shared ../shared]

Writes src/policytrace/demo/xinjiang_industry_daily_2019_2022.csv (Carbon Monitor China, Xinjiang,
Industry; credit: Liu et al. 2020, Nat. Commun. 11:5172) and src/policytrace/demo/kb_records.jsonl:
the Xinjiang and national 2019–2022 records of the shared China file and the curated files, each
with the source URL given there. Nothing is typed in by hand.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from policytrace.kb import KnowledgeBase

OUT = Path("src/policytrace/demo")
KB_FILES = (
    "data/policies/china_policy_events_merged.csv",
    "data/policies/curated/xinjiang_policies.csv",
    "data/policies/curated/xinjiang_projects_events.csv",
    "data/policies/curated/national_and_regional_events.csv",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    shared = Path(parser.parse_args().shared)
    daily = pd.read_csv(shared / "data/emissions/carbon_monitor_china_provincial_daily_2019_2022.csv.gz")
    xj = daily[(daily.province == "Xinjiang") & (daily.sector == "Industry")][["date", "co2_mt_per_day"]]
    xj.to_csv(OUT / "xinjiang_industry_daily_2019_2022.csv", index=False)

    kb = KnowledgeBase.open(":memory:")
    for name in KB_FILES:
        kb.import_file(shared / name)
    keep = []
    for record in kb:
        in_years = "2018" <= record.date[:4] <= "2022"
        # Xinjiang's own records, and national records that name a sector the demo series is about.
        if in_years and ("650000" in record.regions or (record.regions == ("000000",) and record.sources
                                                         and record.provenance.get("importer") == "table:curated")):
            keep.append(record)
    with open(OUT / "kb_records.jsonl", "w", encoding="utf-8") as fh:
        for record in sorted(keep, key=lambda r: (r.date, r.id)):
            fh.write(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    print(f"series: {len(xj)} days; kb: {len(keep)} records")


if __name__ == "__main__":
    main()
