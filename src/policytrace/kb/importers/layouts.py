"""The shared China record files, one reader per layout, each recognised by its header.

Rows that are about another country are counted as left out (None), not imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ... import regions
from ...errors import InputError
from ..record import Record, Source, stable_id, starts_a_unit
from .cells import (CHINA_NAMES, clean, collection_date, date_from_url, issued_or_posted, optional_date, page_source,
                    plain, region_codes, regions_in_text, row_date, row_title, sector_keys, sources_of)
from .responses import level_rank, response_directions


def _merged_kind(source: str, title: str, sector: str | None) -> str:
    low = f"{source} {title}".lower()
    if "covid" in low or (sector or "").startswith("economy-wide (event)"):
        return "event"
    if "ets" in low and "icap" in low:
        return "market"
    if "环境影响" in title or "environmental impact" in low or starts_a_unit(title):
        return "project"
    return "policy"


def _merged_direction(kind: str, title: str) -> str:
    low = title.lower()
    if kind == "event" and any(w in low for w in ("emergency", "lockdown", "travel_ban", "isolation", "level i")):
        return "cut"
    if kind == "project" and starts_a_unit(title):
        return "cut"    # a nuclear unit that starts to run displaces fossil power
    if kind == "project" and any(w in title for w in ("煤矿", "煤制", "火电", "燃煤", "电厂", "化工", "coal")):
        return "raise"
    return "unclear"


def _unit_start(kind: str, title: str) -> dict:
    """A nuclear unit licensed to run acts from that day on the power it displaces: dated as started, of power."""
    return {"date_kind": "started", "sectors": ("power",)} if kind == "project" and starts_a_unit(title) else {}


def _merged_regions(row: dict) -> tuple[str, ...]:
    """The row's region; for a national row without one, the places its Chinese title names (a ministry's
    letter about one plant is national by its issuer only)."""
    region, level, title_zh = clean(row.get("region")), clean(row.get("level")), clean(row.get("title_zh"))
    if level == "national" and not region and title_zh:
        return regions_in_text(title_zh)
    return region_codes(region, level, column="region")


def _until(status: str) -> str | None:
    return status.removeprefix("until ").strip()[:10] if status.startswith("until ") else None


def _source_collected(context: dict, source: str) -> str | None:
    """The collection date of one source's rows of the merged table (`collection_date`; once per file)."""
    if "collected" not in context:
        frame = context["frame"]
        status = frame["status"].map(lambda v: _until(clean(v) or "")) if "status" in frame else None
        context["collected"] = {} if status is None else {
            clean(name) or "unknown": collection_date(group) for name, group in status.groupby(frame["source"])}
    return context["collected"].get(source)


def _merged_row(row: dict, context: dict) -> Record:
    source = clean(row["source"]) or "unknown"
    title = row_title(row, "title", "title_zh")
    url = clean(row["url"])
    # the table's `date` of a gov.cn or MEE row is the day in its address (its README)
    date, posted = issued_or_posted(row, optional_date(row, "date"), "year")
    # both titles: the Chinese one names a coal mine or a reactor where the English is a machine's
    titles = " ".join(filter(None, (title, clean(row.get("title_zh")))))
    kind = _merged_kind(source, titles, clean(row.get("sector")))
    status = clean(row.get("status")) or ""
    end = _until(status)
    end = None if end == _source_collected(context, source) else end   # still in force when collected
    typed = {"date_kind": "started" if kind == "event" else "issued",
             "sectors": sector_keys(clean(row.get("sector"))), **_unit_start(kind, titles)}
    return Record(
        id=stable_id(source, clean(row.get("source_id")) or url or title, title),
        kind=kind, title=title, title_zh=clean(row.get("title_zh")), date=date, end_date=end,
        regions=_merged_regions(row), **typed,
        direction=(kind == "event" and _response_steps(context, clean(row.get("region")) or "", date, title)
                   or _merged_direction(kind, titles)),
        issuer=clean(row.get("issuer")),
        sources=sources_of(url, publisher=source, source_type="database"),
        fields={k: v for k, v in {"instrument": clean(row.get("instrument")), "status": status or None,
                                  "posted": posted}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:merged"},
    )


def _curated_row(row: dict, context: dict) -> Record:
    title_zh, title_en = clean(row.get("title_zh")), clean(row.get("title_en"))
    if not (title_zh or title_en):
        raise InputError("the record has no title", column="title_zh")
    url = clean(row["url"])
    if not url:
        raise InputError("the record has no source URL", column="url")
    kind = clean(row["kind"]) or "policy"
    issuer, doc_number = clean(row.get("issuer")), clean(row.get("doc_number"))
    date, date_kind = row_date(row, "date"), clean(row.get("date_kind")) or "issued"
    region = clean(row.get("region"))
    return Record(
        id=stable_id("curated", url, title_zh or title_en),
        kind=kind, title=title_en or title_zh, title_zh=title_zh, summary=plain(row.get("summary_zh")),
        date=date, date_kind=date_kind,
        end_date=optional_date(row, "end_date"),
        regions=region_codes(region, None, column="region"), sectors=sector_keys(clean(row.get("sectors"))),
        direction=clean(row.get("direction")) or "unclear", issuer=issuer, doc_number=doc_number,
        issued=date if date_kind == "issued" else None, effective=date if date_kind == "effective" else None,
        place=region if region and region != "全国" else None,
        sources=(page_source(url, issuer, clean(row.get("source_type")), doc_number),),
        provenance={"source_name": f"curated:{Path(context['file']).stem}", "file": context["file"],
                    "importer": "table:curated", "found_with": clean(row.get("found_with"))},
    )


_GOV_SOURCES = {"MEE_PRC": ("MEE document library (via GCCMPD)", "生态环境部 (Ministry of Ecology and Environment)"),
                "GOV_CHN": ("gov.cn State Council policy library (via GCCMPD)", "国务院 (State Council)")}


def _gov_docs_row(row: dict, context: dict) -> Record:
    """MEE and State Council documents as GCCMPD collected them (Chinese title, machine translation, full text)."""
    source, issuer = _GOV_SOURCES.get(clean(row.get("Source")) or "", (clean(row.get("Source")) or "gov", None))
    title_zh, title_en = clean(row.get("title_zh")), clean(row.get("title_en_machine"))
    title = title_en or title_zh
    if not title:
        raise InputError("the record has no title", column="title_zh")
    url = clean(row.get("URL"))
    date, posted = issued_or_posted(row, date_from_url(url), "Year")
    kind = _merged_kind(source, title_zh or title, None)
    return Record(
        id=stable_id(source, url or title, title), kind=kind, title=title, title_zh=title_zh, date=date,
        **_unit_start(kind, title_zh or title),
        regions=regions_in_text(title_zh or title), direction=_merged_direction(kind, title_zh or title),
        issuer=issuer, text=clean(row.get("content_zh")), fields={"posted": posted} if posted else {},
        sources=sources_of(url, publisher=issuer, source_type="official"),
        provenance={"source_name": source, "file": context["file"], "importer": "table:gov_docs"},
    )


def _iea_row(row: dict, context: dict) -> Record | None:
    if (clean(row.get("Country")) or "").lower() not in CHINA_NAMES:
        return None
    title = row_title(row, "Policy")
    source = "IEA Policies DB (via GCCMPD, 2023-04)"
    url = clean(row.get("policy_url"))
    prov = re.match(r"\(([^)]+)\)", title)
    return Record(
        id=stable_id(source, clean(row.get("_id")) or url or title, title), kind="policy", title=title,
        date=row_date(row, "Year"), regions=region_codes(prov.group(1) if prov else None, None),
        sectors=sector_keys(clean(row.get("Sectors"))), summary=plain(row.get("Policy_Content")),
        sources=sources_of(url, publisher="IEA", source_type="database"),
        fields={k: v for k, v in {"instrument": clean(row.get("Type")), "status": clean(row.get("Status"))}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:iea"},
    )


def _cpdb_row(row: dict, context: dict) -> Record | None:
    if (clean(row.get("Country ISO")) or "").lower() != "chn":
        return None
    title = row_title(row, "Policy name", "Policy Title")
    source = "NewClimate Climate Policy Database (via GCCMPD, 2021-12)"
    url = clean(row.get("Source or references"))
    url = url if url and url.startswith("http") else None
    return Record(
        id=stable_id(source, clean(row.get("Policy ID")) or url or title, title), kind="policy", title=title,
        date=row_date(row, "Date of decision", "Start date of implementation"),
        regions=region_codes(clean(row.get("Subnational region or state")), None,
                             column="Subnational region or state"),
        sectors=sector_keys(clean(row.get("Sector name"))), summary=plain(row.get("Policy description")),
        sources=sources_of(url, publisher="NewClimate Institute", source_type="database"),
        fields={k: v for k, v in {"instrument": clean(row.get("Type of policy instrument")),
                                  "status": clean(row.get("Implementation state"))}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:cpdb"},
    )


def _cclw_row(row: dict, context: dict) -> Record | None:
    if (clean(row.get("Geography ISO")) or "").lower() != "chn":
        return None
    title = row_title(row, "Title")
    first_event = (clean(row.get("Events")) or "").split(";")[0].split("|")[0]
    if not first_event:
        raise InputError("the record has no date", column="Events")
    try:
        date = pd.Timestamp(pd.to_datetime(first_event, format="%d/%m/%Y")).date().isoformat()
    except ValueError:
        raise InputError(f"cannot read {first_event!r} as a date", column="Events") from None
    docs = (clean(row.get("Documents")) or "").split("|")
    url = docs[1] if len(docs) > 1 and docs[1].startswith("http") else None
    source = "Climate Change Laws of the World (via GCCMPD, 2021-12)"
    return Record(
        id=stable_id(source, url or title, title), kind="policy", title=title, date=date,
        regions=(regions.NATION,), sectors=sector_keys(clean(row.get("Sectors"))),
        summary=plain(row.get("Description")),
        sources=sources_of(url, publisher="LSE Grantham Institute", source_type="database"),
        provenance={"source_name": source, "file": context["file"], "importer": "table:cclw"},
    )


def _icap_row(row: dict, context: dict) -> Record | None:
    if (clean(row.get("Country")) or "").lower() not in CHINA_NAMES:
        return None
    title = row_title(row, "Policy")
    url = clean(row.get("URL"))
    source = "ICAP ETS factsheets (via GCCMPD)"
    pilot = re.match(r"China - (.+?) pilot", title)
    return Record(
        id=stable_id(source, url or title, title), kind="market", title=title, date=row_date(row, "Year"),
        regions=region_codes(pilot.group(1) if pilot else None, None),
        sectors=sector_keys(clean(row.get("Sectoral coverage"))), summary=plain(row.get("Policy_Content")),
        sources=sources_of(url, publisher="ICAP", source_type="database"),
        provenance={"source_name": source, "file": context["file"], "importer": "table:icap"},
    )


def _column_collected(context: dict, column: str) -> str | None:
    """The collection date a table's end-date column shows (`collection_date`; once per file)."""
    key = f"collected:{column}"
    if key not in context:
        frame = context["frame"]
        context[key] = collection_date(_date_or_none(v, column) for v in frame[column]) if column in frame else None
    return context[key]


def _date_or_none(value, column: str) -> str | None:
    try:
        return optional_date({column: value}, column)
    except InputError:
        return None   # that row's own error is reported with it


def _response_steps(context: dict, region: str, date: str, title: str) -> str | None:
    """'cut' or 'unclear' for a response level declared in `region` on `date` (`responses`), from the whole
    table's sequence of levels (computed once per file), or None where the row is no such level."""
    if level_rank(title) is None:
        return None
    if "responses" not in context:
        frame = context["frame"]
        if "response_level" in frame:    # MassCPR's own file
            rows = zip(frame["province"], frame["response_level"], frame["date_start"])
        else:                            # the merged file: the level is in the title
            rows = zip(frame.get("region", []), frame.get("title", []), frame.get("date", []))
        context["responses"] = response_directions(
            (clean(where), start, rank) for where, level, when in rows
            if clean(where) and (rank := level_rank(clean(level))) and (start := _date_or_none(when, "date")))
    return context["responses"].get((region, date))


def _masscpr_row(row: dict, context: dict) -> Record:
    province, level = clean(row.get("province")), clean(row.get("response_level"))
    if not province or not level:
        raise InputError("the row has no province or level", column="province")
    title = f"{province} COVID-19 public health emergency response {level}"
    source = "MassCPR COVID-19 provincial emergency response levels (MIT SUL, 2020)"
    url = clean(row.get("source_url"))
    date = row_date(row, "date_start", "date_announce")
    end = optional_date(row, "date_end")
    return Record(
        id=stable_id(source, clean(row.get("policy_id")) or url or title, title), kind="event", title=title,
        date=date, date_kind="started",
        end_date=None if end == _column_collected(context, "date_end") else end,   # still in force when collected
        regions=region_codes(province, None, column="province"), sectors=("all",),
        direction=_response_steps(context, province, date, level) or "unclear",
        sources=sources_of(url, publisher=clean(row.get("source_type")), source_type="database"),
        fields={"instrument": "emergency response level"},
        provenance={"source_name": source, "file": context["file"], "importer": "table:masscpr"},
    )


def _hsiang_row(row: dict, context: dict) -> Record:
    adm1, adm2, policy = clean(row.get("adm1_name")), clean(row.get("adm2_name")), clean(row.get("policy"))
    if not policy:
        raise InputError("the row has no policy", column="policy")
    title = f"{adm2 or 'All'} ({adm1}) {policy}"
    if description := clean(row.get("policy_description")):
        title += f": {description}"
    url = clean(row.get("source"))
    source = "Hsiang et al. 2020 China COVID-19 policy sources"
    place = regions.find(adm2) if adm2 and adm2 != "All" else None
    province = regions.find(adm1) if adm1 else None
    if place and province and not province.contains(place):
        place = None   # a city of the same sound in another province
    return Record(
        id=stable_id(source, url or title, title), kind="event", title=title,
        date=row_date(row, "date_start"), date_kind="started",
        end_date=optional_date(row, "date_end"),
        regions=(place.code,) if place else region_codes(adm1, None, column="adm1_name"), sectors=("all",),
        direction="cut",
        sources=sources_of(url, source_type="database"), fields={"instrument": policy},
        provenance={"source_name": source, "file": context["file"], "importer": "table:hsiang"},
    )


def _shock_row(row: dict, context: dict) -> Record:
    title = row_title(row, "policy_name_zh")
    timing = clean(row.get("shock_time_zh")) or ""
    exact = re.match(r"(\d{4}-\d{2}-\d{2})", timing)
    date = exact.group(1) if exact else row_date(row, "year")
    url = clean(row.get("official_source_url"))
    source = "China Policy Shocks library v0.1 (lianxhcn)"
    return Record(
        id=stable_id(source, clean(row.get("policy_id")) or url or title, title), kind="policy", title=title,
        title_zh=title, date=date, regions=(regions.NATION,), summary=timing or None,
        sources=sources_of(url, source_type="official" if url and ".gov.cn" in url else "database"),
        fields={k: v for k, v in {"domain": clean(row.get("domain_zh")),
                                  "treated": clean(row.get("treatment_group_zh"))}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:shocks"},
    )


_CAPMF_URL = "https://oe.cd/dx/capmf"


def _capmf_row(row: dict, context: dict) -> Record | None:
    if (clean(row.get("ISO")) or "").upper() != "CHN":
        return None
    name = clean(row.get("Policy_name_fig_2_3")) or clean(row.get("Policy"))
    if not name:
        raise InputError("the row has no policy", column="Policy")
    change = "introduction" if clean(row.get("introduction")) == "1" else "tightening"
    value = clean(row.get("Value"))
    try:
        title = f"{name} ({change}, stringency {float(value):.1f})"
    except (TypeError, ValueError):  # 'NA': the stringency is not known, the event still is
        title = f"{name} ({change})"
    source = "OECD CAPMF adoption/tightening events (Stechemesser et al. 2024 replication)"
    year = row_date(row, "year", "Year")
    module = clean(row.get("Module"))
    return Record(
        id=stable_id(source, f"CHN_{module}_{clean(row.get('Policy'))}_{year}", title), kind="policy", title=title,
        date=year, regions=(regions.NATION,), sectors=sector_keys(module),
        direction="cut", sources=(Source(url=_CAPMF_URL, publisher="OECD", source_type="database"),),
        fields={k: v for k, v in {"instrument": clean(row.get("Policytype_detail")), "module": module}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:capmf"},
    )


def _addon_row(row: dict, context: dict) -> Record | None:
    if (clean(row.get("ISO")) or "").upper() != "CHN":
        return None
    name, module = clean(row.get("Policy")), clean(row.get("Module"))
    if not name:
        raise InputError("the row has no policy", column="Policy")
    source = "Stechemesser et al. 2024 add-on policies (IEA PAMS, NewClimate CPDB)"
    year = row_date(row, "Year")
    return Record(
        id=stable_id(source, f"CHN_{module}_{name}_{year}", name), kind="policy", title=f"{name} ({module})",
        date=year, regions=(regions.NATION,), sectors=sector_keys(module), sources=(),
        provenance={"source_name": source, "file": context["file"], "importer": "table:capmf_addon"},
    )


# Checked in order; the first whose columns are all present reads the file.
LAYOUTS: list[tuple[str, set[str], Callable]] = [
    ("table:merged", {"record_id", "source", "title", "url"}, _merged_row),
    ("table:curated", {"date", "kind", "title_zh", "url", "source_type"}, _curated_row),
    ("table:gov_docs", {"title_zh", "title_en_machine", "Year", "URL"}, _gov_docs_row),
    ("table:iea", {"Policy", "Country", "Year", "policy_url"}, _iea_row),
    ("table:cpdb", {"Policy ID", "Country ISO", "Policy name", "Date of decision"}, _cpdb_row),
    ("table:cclw", {"Title", "Geography ISO", "Events", "Documents"}, _cclw_row),
    ("table:icap", {"Policy", "Year", "Country", "URL"}, _icap_row),
    ("table:masscpr", {"policy_id", "province", "response_level", "date_start"}, _masscpr_row),
    ("table:hsiang", {"adm0_name", "adm1_name", "policy", "date_start", "source"}, _hsiang_row),
    ("table:shocks", {"policy_id", "policy_name_zh", "year", "official_source_url"}, _shock_row),
    ("table:capmf", {"Module", "Policy", "ISO", "year", "Value", "Policy_name_fig_2_3"}, _capmf_row),
    ("table:capmf_addon", {"ISO", "Policy", "Module", "Year"}, _addon_row),
]
