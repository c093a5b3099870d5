"""Build the starter KB shipped with policytrace (run from the repository root).

    python tools/build_starter.py [--shared ../shared]

Reads, with the project's own importers:
- the curated records of ../shared/data/policies/curated/ (each read from a stored public page);
- tools/starter_pages.csv: records we read in stored copies of public pages (the search tool's `pages`
  corpus), in the curated layout, with the query that found each page in `found_with`;
- from the shared China file, the Xinjiang rows (MEE project approvals, COVID-19 responses) and the
  national policy-shock list.

Checks each record (a web URL, a date in 2015–2025, a title, known regions and source type), drops the
ones that fail with the reason, merges records that share a URL or a document number (their sources
ranked official → state media → industry media → republisher), and writes
src/policytrace/kb/starter/records.jsonl. Nothing is typed in here: every fact comes from those files.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from policytrace import regions
from policytrace.kb.importers import read_records
from policytrace.kb.record import SOURCE_RANK, Record

OUT = Path("src/policytrace/kb/starter/records.jsonl")
CURATED = ("curated/xinjiang_policies.csv", "curated/xinjiang_projects_events.csv",
           "curated/national_and_regional_events.csv")
PAGES = Path("tools/starter_pages.csv")
MERGED = "china_policy_events_merged.csv"
YEARS = (2015, 2025)
XINJIANG = "650000"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    policies = Path(parser.parse_args().shared) / "data/policies"

    candidates: list[tuple[Record, str, str]] = []  # record, file, how it was found
    for name in CURATED:
        for record in read_records(policies / name).records:
            candidates.append((record, f"shared/data/policies/{name}", "curated: read in a stored public page"))
    for record in read_records(PAGES).records:
        candidates.append((record, str(PAGES), "read in a stored public page (search tool, pages corpus)"))
    for record in read_records(policies / MERGED).records:
        source = record.provenance.get("source_name", "")
        if XINJIANG in record.regions or source.startswith("China Policy Shocks"):
            candidates.append((_with_summary(record), f"shared/data/policies/{MERGED}",
                               f"shared record of {source}"))

    kept, dropped = [], Counter()
    for record, file, how in candidates:
        problem = check(record)
        if problem:
            dropped[problem] += 1
            continue
        provenance = {"source_name": "starter", "built_by": "tools/build_starter.py", "from": file, "how": how,
                      "found_with": record.provenance.get("found_with"),
                      "checked": "web URL, date 2015–2025, title, regions, source type"}
        kept.append(replace(record, provenance={k: v for k, v in provenance.items() if v}, text=None))

    merged = merge_duplicates(kept)
    merged.sort(key=lambda r: (r.date, r.id))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        for record in merged:
            fh.write(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")

    print(f"candidates {len(candidates)}, dropped {sum(dropped.values())} {dict(dropped)}, "
          f"merged {len(kept) - len(merged)} duplicates, wrote {len(merged)} records to {OUT}")
    print("by best source type:", dict(Counter(r.best_source.source_type for r in merged).most_common()))
    print("Xinjiang:", sum(XINJIANG in r.regions or any(c.startswith("65") for c in r.regions) for r in merged),
          "national:", sum(regions.NATION in r.regions for r in merged))
    print("by kind:", dict(Counter(r.kind for r in merged).most_common()))


def check(record: Record) -> str | None:
    """Why the record cannot ship, or None."""
    if not record.sources:
        return "no source"
    for source in record.sources:
        parts = urlsplit(source.url)
        if parts.scheme not in ("http", "https") or "." not in parts.netloc:
            return "not a web URL"
        if (source.source_type or "database") not in SOURCE_RANK:
            return "unknown source type"
    if not YEARS[0] <= record.start.year <= YEARS[1]:
        return "outside 2015–2025"
    if not (record.title or record.title_zh):
        return "no title"
    if any(regions.find(code) is None for code in record.regions):
        return "unknown region"
    return None


def merge_duplicates(records: list[Record]) -> list[Record]:
    """One record per URL (and per document number): the best-sourced copy, with every source and region."""
    out: list[Record] = []
    index: dict[str, int] = {}
    for record in records:
        keys = [_url_key(s.url) for s in record.sources] + ([record.doc_number] if record.doc_number else [])
        at = next((index[k] for k in keys if k in index), None)
        if at is None:
            index.update({k: len(out) for k in keys})
            out.append(record)
            continue
        first = out[at]
        best, other = sorted((first, record), key=_rank)
        sources = sorted({_url_key(s.url): s for s in (*other.sources, *best.sources)}.values(),
                         key=lambda s: SOURCE_RANK.get(s.source_type or "", 4))
        also = [*best.provenance.get("also_from", []), other.provenance.get("from")]
        out[at] = replace(best, sources=tuple(sources),
                          regions=tuple(dict.fromkeys((*best.regions, *other.regions))),
                          sectors=tuple(dict.fromkeys((*best.sectors, *other.sectors))),
                          summary=best.summary or other.summary,
                          provenance={**best.provenance, "also_from": [a for a in also if a]})
        index.update({k: at for k in keys})
    return out


def _rank(record: Record) -> tuple:
    best = record.best_source
    return (SOURCE_RANK.get(best.source_type or "", 4) if best else 9, record.summary is None)


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/") + ("?" + parts.query if parts.query else ""))


def _with_summary(record: Record) -> Record:
    """A one-line summary, in our words, of a shared row that has only a title."""
    if record.summary:
        return record
    title = record.title_zh or record.title
    if record.kind == "project":
        text = f"生态环境部对该项目环境影响报告书作出批复（{record.date}）：{title}。"
    elif record.kind == "event" and "Xinjiang" in record.title:
        until = f"，持续至{record.end_date}" if record.end_date else ""
        text = f"新疆新冠疫情防控措施，自{record.date}起{until}：{record.title}。"
    else:
        text = f"{title}（{record.date}）。" + (f"{record.fields.get('status')}。" if record.fields.get("status") else "")
    return replace(record, summary=text)


if __name__ == "__main__":
    main()
