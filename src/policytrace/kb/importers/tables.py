"""CSV/XLSX importers: the shared China records (merged, curated and each upstream file), and any
table whose columns the user names with a `ColumnMapping`.

A layout is recognised by its header. Rows that are about another country are counted as left out,
not imported; a row that cannot become a record (no date, no title) is reported with its row number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from ... import regions, sectors
from ...errors import InputError
from ..record import KINDS, Record, Source, parse_partial, stable_id
from ..places import local_places
from . import Batch

_LINE_OFFSET = 2  # header is line 1


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a user's table holds which field. Only `title` (or `title_zh`) and `date`
    (or `year`) are needed; `region` may hold names or codes, `;`-separated."""

    title: str | None = None
    title_zh: str | None = None
    date: str | None = None
    year: str | None = None
    end_date: str | None = None
    url: str | None = None
    region: str | None = None
    sectors: str | None = None
    kind: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    summary: str | None = None
    direction: str | None = None
    id: str | None = None
    source_type: str | None = None
    country: str | None = None  # rows whose country is not China are left out

    @classmethod
    def parse(cls, text: str) -> "ColumnMapping":
        """'title=政策名称,date=发布日期' → a mapping."""
        names = {f.name for f in fields(cls)}
        values = {}
        for part in filter(None, (p.strip() for p in re.split(r"[,，]", text))):
            key, _, column = part.partition("=")
            if key.strip() not in names or not column.strip():
                raise InputError(f"cannot read column mapping {part!r}: use FIELD=COLUMN with FIELD one of "
                                 + ", ".join(sorted(names)))
            values[key.strip()] = column.strip()
        return cls(**values)

    @classmethod
    def guess(cls, columns: list[str]) -> "ColumnMapping | None":
        """A mapping from common Chinese and English headers, or None if title and date are not there."""
        found = {}
        for name, candidates in _HEADER_GUESSES.items():
            for column in columns:
                if column.strip().lower() in candidates and name not in found:
                    found[name] = column
        mapping = cls(**found)
        return mapping if (mapping.title or mapping.title_zh) and (mapping.date or mapping.year) else None


_HEADER_GUESSES = {
    "title": ("title", "标题", "名称", "政策名称", "文件名称", "事件", "policy", "name"),
    "title_zh": ("title_zh", "中文标题"),
    "date": ("date", "日期", "发布日期", "成文日期", "发文日期", "颁布时间", "发布时间", "时间", "date_start"),
    "year": ("year", "年份", "年"),
    "end_date": ("end_date", "结束日期", "截止日期", "date_end"),
    "url": ("url", "链接", "网址", "来源链接", "source_url", "link"),
    "region": ("region", "地区", "省份", "地域", "实施地点", "province"),
    "sectors": ("sectors", "sector", "行业", "领域"),
    "kind": ("kind", "类型", "type"),
    "issuer": ("issuer", "发文机关", "发布机构", "主管部门", "发文单位", "authority"),
    "doc_number": ("doc_number", "文号", "发文字号"),
    "summary": ("summary", "摘要", "内容", "政策要点", "description"),
    "direction": ("direction", "方向"),
    "id": ("id", "编号"),
    "country": ("country", "iso", "country iso", "iso3", "adm0_name", "国家"),
}


# -- reading the file -----------------------------------------------------------------------------

def read_table(path: Path, *, mapping: ColumnMapping | None = None) -> Batch:
    frame = _read(path)
    columns = list(frame.columns)
    if mapping is not None:
        missing = [c for c in (getattr(mapping, f.name) for f in fields(mapping)) if c and c not in columns]
        if missing:
            raise InputError(f"the mapping names columns the file does not have: {', '.join(missing)}",
                             file=str(path))
        name, convert = "table:mapped", _mapped(mapping)
    else:
        for name, required, convert in _LAYOUTS:
            if required <= set(columns):
                break
        else:
            guessed = ColumnMapping.guess(columns)
            if guessed is None:
                raise InputError("unknown column layout: not one of the shared record files, and no title and "
                                 "date columns found; name them with a column mapping "
                                 "(e.g. --map title=政策名称,date=发布日期,url=链接)", file=str(path))
            name, convert = "table:guessed", _mapped(guessed)
    records, skipped, left_out = [], [], 0
    context = {"file": path.name}
    for i, row in enumerate(frame.to_dict("records")):
        try:
            record = convert(row, context)
        except InputError as exc:
            skipped.append(InputError(exc.reason, file=str(path), row=i + _LINE_OFFSET, column=exc.column))
            continue
        except ValueError as exc:  # a value the Record refuses (unknown kind, malformed date)
            skipped.append(InputError(str(exc), file=str(path), row=i + _LINE_OFFSET))
            continue
        if record is None:
            left_out += 1
        else:
            records.append(record)
    return Batch(records, skipped, name, rows=len(frame), left_out=left_out)


def _read(path: Path) -> pd.DataFrame:
    suffix = "".join(path.suffixes).lower()
    try:
        if suffix.endswith((".xlsx", ".xls")):
            frame = pd.read_excel(path, dtype=str).fillna("")
        else:
            sep = "\t" if suffix.endswith(".tsv") else None
            try:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=sep,
                                    engine="python")
            except UnicodeDecodeError:
                # Chinese government spreadsheets are often saved as GBK; GB18030 is its superset.
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030", sep=sep,
                                    engine="python")
    except UnicodeDecodeError:
        raise InputError("cannot read the text: neither UTF-8 nor GBK/GB18030", file=str(path)) from None
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", file=str(path)) from None
    except (ValueError, pd.errors.ParserError, OSError) as exc:
        raise InputError(f"cannot read as a table: {str(exc).splitlines()[0]}", file=str(path)) from None
    if frame.empty:
        raise InputError("the file has no data rows", file=str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


# -- helpers shared by the layouts --------------------------------------------------------------

def _clean(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


@cache
def _region_codes(text: str | None, level: str | None = None) -> tuple[str, ...]:
    """Codes of a ';'-separated list of region names or codes (cached: the same names repeat a lot)."""
    if level == "national" or not text:
        return (regions.NATION,)
    codes = []
    for part in re.split(r"[;；,，/、]", text):
        found = regions.find(part.strip()) if part.strip() else None
        if found:
            codes.append(found.code)
    return tuple(dict.fromkeys(codes)) or (regions.NATION,)


@cache
def _province_names() -> list[tuple[str, str]]:
    """(name, code) of every province in Chinese short form and in English, longest first."""
    names = []
    for p in regions.provinces():
        names += [(p.short_zh, p.code), (p.name_zh, p.code)]
        if p.name_en:
            names.append((p.name_en.lower(), p.code))
    return sorted(set(names), key=lambda n: -len(n[0]))


def regions_in_text(text: str | None) -> tuple[str, ...]:
    """Province codes a title names (新疆 / Xinjiang ...), else the prefectures and counties it names
    (`places.local_places`); the nation when it names none.

    The addressee boilerplate 新疆生产建设兵团 ("... and the XPCC") is not a mention of Xinjiang.
    """
    if not text:
        return (regions.NATION,)
    low = text.replace("新疆生产建设兵团", "").lower()
    codes = [code for name, code in _province_names() if name in low]
    return tuple(dict.fromkeys(codes)) or local_places(low) or (regions.NATION,)


_SECTOR_HINTS = {
    "power": ("power", "electric", "heat", "renewable", "电力", "发电", "电网"),
    "industry": ("industr", "manufactur", "cement", "steel", "工业", "钢铁", "水泥", "电解铝", "化工"),
    "energy": ("coal", "mining", "oil", "gas", "energy", "煤", "油气", "能源"),
    "transport": ("transport", "vehicle", "mobility", "交通"),
    "residential": ("building", "residential", "appliance", "建筑"),
    "all": ("economy-wide", "general", "multi-sector"),
}


@cache
def _sector_keys(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    low = text.lower()
    keys = [key for key, hints in _SECTOR_HINTS.items() if any(h in low for h in hints)]
    for part in re.split(r"[;；,]", text):
        key = sectors.normalise(part)
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


_URL_DATE = (re.compile(r"/t(\d{4})(\d{2})(\d{2})_"), re.compile(r"/(\d{4})-(\d{2})/(\d{2})/"))


def _date_from_url(url: str | None) -> str | None:
    """gov.cn and MEE put the publication day in the path (t20221115_…, /2016-11/08/)."""
    for pattern in _URL_DATE:
        found = pattern.search(url or "")
        if found:
            return "-".join(found.groups())
    return None


def _page_source(url: str, issuer: str | None, source_type: str | None, doc_number: str | None) -> Source:
    """The issuer publishes only an official page; any other page is named by its site, so a
    republished copy is never shown under the issuer's name."""
    publisher = issuer if source_type == "official" and issuer else (urlsplit(url).hostname or None)
    return Source(url=url, publisher=publisher, source_type=source_type, doc_number=doc_number)


def _date(row: dict, *names: str) -> str:
    for name in names:
        value = _clean(row.get(name))
        if value:
            return normalise_date(value, column=name)
    raise InputError("the record has no date", column=names[0])


def normalise_date(value: str, *, column: str | None = None) -> str:
    """'2021', '2021.0', '2021-09', '2021-09-16', '2021年9月16日', '09/16/2021' → ISO at their precision."""
    text = value.strip()
    iso = _iso_date(text)
    try:
        parse_partial(iso)  # a well-formed but impossible date such as 2020-13-45 fails here
    except ValueError:
        raise InputError(f"cannot read {value!r} as a date", column=column) from None
    return iso


def _iso_date(text: str) -> str:
    if re.fullmatch(r"\d{4}(\.0)?", text):
        return text[:4]
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text[:10]):
        return text[:10]
    zh = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", text)
    if zh:
        y, m, d = zh.groups()
        return f"{y}-{int(m):02d}" + (f"-{int(d):02d}" if d else "")
    try:
        return pd.Timestamp(text).date().isoformat()
    except (ValueError, OverflowError):
        return text


# -- the layouts ----------------------------------------------------------------------------------

def _merged_kind(source: str, title: str, sector: str | None) -> str:
    low = f"{source} {title}".lower()
    if "covid" in low or (sector or "").startswith("economy-wide (event)"):
        return "event"
    if "ets" in low and "icap" in low:
        return "market"
    if "环境影响" in title or "environmental impact" in low:
        return "project"
    return "policy"


def _merged_direction(kind: str, title: str) -> str:
    low = title.lower()
    if kind == "event" and any(w in low for w in ("emergency", "lockdown", "travel_ban", "isolation", "level i")):
        return "cut"
    if kind == "project" and any(w in title for w in ("煤矿", "煤制", "火电", "燃煤", "电厂", "化工", "coal")):
        return "raise"
    return "unclear"


def _merged_regions(row: dict) -> tuple[str, ...]:
    """The row's region; for a national row without one, the places its Chinese title names (a ministry's
    letter about one plant is national by its issuer only)."""
    region, level, title_zh = _clean(row.get("region")), _clean(row.get("level")), _clean(row.get("title_zh"))
    if level == "national" and not region and title_zh:
        return regions_in_text(title_zh)
    return _region_codes(region, level)


def _merged_row(row: dict, context: dict) -> Record:
    source = _clean(row["source"]) or "unknown"
    title = _clean(row["title"]) or _clean(row.get("title_zh"))
    if not title:
        raise InputError("the record has no title", column="title")
    url = _clean(row["url"])
    date = _date(row, "date", "year")
    kind = _merged_kind(source, title, _clean(row.get("sector")))
    status = _clean(row.get("status")) or ""
    end = status.removeprefix("until ").strip()[:10] if status.startswith("until ") else None
    return Record(
        id=stable_id(source, _clean(row.get("source_id")) or url or title, title),
        kind=kind, title=title, title_zh=_clean(row.get("title_zh")), date=date,
        date_kind="started" if kind == "event" else "issued", end_date=end,
        regions=_merged_regions(row),
        sectors=_sector_keys(_clean(row.get("sector"))), direction=_merged_direction(kind, title),
        issuer=_clean(row.get("issuer")),
        sources=(Source(url=url, publisher=source, source_type="database"),) if url else (),
        fields={k: v for k, v in {"instrument": _clean(row.get("instrument")), "status": status or None}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:merged"},
    )


def _curated_row(row: dict, context: dict) -> Record:
    title_zh, title_en = _clean(row.get("title_zh")), _clean(row.get("title_en"))
    if not (title_zh or title_en):
        raise InputError("the record has no title", column="title_zh")
    url = _clean(row["url"])
    if not url:
        raise InputError("the record has no source URL", column="url")
    kind = _clean(row["kind"]) or "policy"
    issuer, doc_number = _clean(row.get("issuer")), _clean(row.get("doc_number"))
    date, date_kind = _date(row, "date"), _clean(row.get("date_kind")) or "issued"
    region = _clean(row.get("region"))
    return Record(
        id=stable_id("curated", url, title_zh or title_en),
        kind=kind, title=title_en or title_zh, title_zh=title_zh, summary=_clean(row.get("summary_zh")),
        date=date, date_kind=date_kind,
        end_date=normalise_date(row["end_date"], column="end_date") if _clean(row.get("end_date")) else None,
        regions=_region_codes(region, None), sectors=_sector_keys(_clean(row.get("sectors"))),
        direction=_clean(row.get("direction")) or "unclear", issuer=issuer, doc_number=doc_number,
        issued=date if date_kind == "issued" else None, effective=date if date_kind == "effective" else None,
        place=region if region and region != "全国" else None,
        sources=(_page_source(url, issuer, _clean(row.get("source_type")), doc_number),),
        provenance={"source_name": f"curated:{Path(context['file']).stem}", "file": context["file"],
                    "importer": "table:curated", "found_with": _clean(row.get("found_with"))},
    )


_GOV_SOURCES = {"MEE_PRC": ("MEE document library (via GCCMPD)", "生态环境部 (Ministry of Ecology and Environment)"),
                "GOV_CHN": ("gov.cn State Council policy library (via GCCMPD)", "国务院 (State Council)")}


def _gov_docs_row(row: dict, context: dict) -> Record:
    """MEE and State Council documents as GCCMPD collected them (Chinese title, machine translation, full text)."""
    source, issuer = _GOV_SOURCES.get(_clean(row.get("Source")) or "", (_clean(row.get("Source")) or "gov", None))
    title_zh, title_en = _clean(row.get("title_zh")), _clean(row.get("title_en_machine"))
    title = title_en or title_zh
    if not title:
        raise InputError("the record has no title", column="title_zh")
    url = _clean(row.get("URL"))
    date = _date_from_url(url) or _date(row, "Year")
    kind = _merged_kind(source, title_zh or title, None)
    return Record(
        id=stable_id(source, url or title, title), kind=kind, title=title, title_zh=title_zh, date=date,
        regions=regions_in_text(title_zh or title), direction=_merged_direction(kind, title_zh or title),
        issuer=issuer, text=_clean(row.get("content_zh")),
        sources=(Source(url=url, publisher=issuer, source_type="official"),) if url else (),
        provenance={"source_name": source, "file": context["file"], "importer": "table:gov_docs"},
    )


_CHINA = {"people's republic of china", "china", "chn", "cn", "中国"}


def _iea_row(row: dict, context: dict) -> Record | None:
    if (_clean(row.get("Country")) or "").lower() not in _CHINA:
        return None
    title = _clean(row.get("Policy"))
    if not title:
        raise InputError("the record has no title", column="Policy")
    source = "IEA Policies DB (via GCCMPD, 2023-04)"
    url = _clean(row.get("policy_url"))
    prov = re.match(r"\(([^)]+)\)", title)
    return Record(
        id=stable_id(source, _clean(row.get("_id")) or url or title, title), kind="policy", title=title,
        date=_date(row, "Year"), regions=_region_codes(prov.group(1) if prov else None, None),
        sectors=_sector_keys(_clean(row.get("Sectors"))), summary=_clean(row.get("Policy_Content")),
        sources=(Source(url=url, publisher="IEA", source_type="database"),) if url else (),
        fields={k: v for k, v in {"instrument": _clean(row.get("Type")), "status": _clean(row.get("Status"))}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:iea"},
    )


def _cpdb_row(row: dict, context: dict) -> Record | None:
    if (_clean(row.get("Country ISO")) or "").lower() != "chn":
        return None
    title = _clean(row.get("Policy name")) or _clean(row.get("Policy Title"))
    if not title:
        raise InputError("the record has no title", column="Policy name")
    source = "NewClimate Climate Policy Database (via GCCMPD, 2021-12)"
    url = _clean(row.get("Source or references"))
    url = url if url and url.startswith("http") else None
    return Record(
        id=stable_id(source, _clean(row.get("Policy ID")) or url or title, title), kind="policy", title=title,
        date=_date(row, "Date of decision", "Start date of implementation"),
        regions=_region_codes(_clean(row.get("Subnational region or state")), None),
        sectors=_sector_keys(_clean(row.get("Sector name"))), summary=_clean(row.get("Policy description")),
        sources=(Source(url=url, publisher="NewClimate Institute", source_type="database"),) if url else (),
        fields={k: v for k, v in {"instrument": _clean(row.get("Type of policy instrument")),
                                  "status": _clean(row.get("Implementation state"))}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:cpdb"},
    )


def _cclw_row(row: dict, context: dict) -> Record | None:
    if (_clean(row.get("Geography ISO")) or "").lower() != "chn":
        return None
    title = _clean(row.get("Title"))
    if not title:
        raise InputError("the record has no title", column="Title")
    first_event = (_clean(row.get("Events")) or "").split(";")[0].split("|")[0]
    if not first_event:
        raise InputError("the record has no date", column="Events")
    try:
        date = pd.Timestamp(pd.to_datetime(first_event, format="%d/%m/%Y")).date().isoformat()
    except ValueError:
        raise InputError(f"cannot read {first_event!r} as a date", column="Events") from None
    docs = (_clean(row.get("Documents")) or "").split("|")
    url = docs[1] if len(docs) > 1 and docs[1].startswith("http") else None
    source = "Climate Change Laws of the World (via GCCMPD, 2021-12)"
    return Record(
        id=stable_id(source, url or title, title), kind="policy", title=title, date=date,
        regions=(regions.NATION,), sectors=_sector_keys(_clean(row.get("Sectors"))),
        summary=_clean(row.get("Description")),
        sources=(Source(url=url, publisher="LSE Grantham Institute", source_type="database"),) if url else (),
        provenance={"source_name": source, "file": context["file"], "importer": "table:cclw"},
    )


def _icap_row(row: dict, context: dict) -> Record | None:
    if (_clean(row.get("Country")) or "").lower() not in _CHINA:
        return None
    title = _clean(row.get("Policy"))
    if not title:
        raise InputError("the record has no title", column="Policy")
    url = _clean(row.get("URL"))
    source = "ICAP ETS factsheets (via GCCMPD)"
    pilot = re.match(r"China - (.+?) pilot", title)
    return Record(
        id=stable_id(source, url or title, title), kind="market", title=title, date=_date(row, "Year"),
        regions=_region_codes(pilot.group(1) if pilot else None, None),
        sectors=_sector_keys(_clean(row.get("Sectoral coverage"))), summary=_clean(row.get("Policy_Content")),
        sources=(Source(url=url, publisher="ICAP", source_type="database"),) if url else (),
        provenance={"source_name": source, "file": context["file"], "importer": "table:icap"},
    )


def _masscpr_row(row: dict, context: dict) -> Record:
    province, level = _clean(row.get("province")), _clean(row.get("response_level"))
    if not province or not level:
        raise InputError("the row has no province or level", column="province")
    title = f"{province} COVID-19 public health emergency response {level}"
    source = "MassCPR COVID-19 provincial emergency response levels (MIT SUL, 2020)"
    url = _clean(row.get("source_url"))
    end = _clean(row.get("date_end"))
    return Record(
        id=stable_id(source, _clean(row.get("policy_id")) or url or title, title), kind="event", title=title,
        date=_date(row, "date_start", "date_announce"), date_kind="started",
        end_date=normalise_date(end, column="date_end") if end else None,
        regions=_region_codes(province, None), sectors=("all",), direction="cut" if level.endswith(" I") else "unclear",
        sources=(Source(url=url, publisher=_clean(row.get("source_type")), source_type="database"),) if url else (),
        fields={"instrument": "emergency response level"},
        provenance={"source_name": source, "file": context["file"], "importer": "table:masscpr"},
    )


def _hsiang_row(row: dict, context: dict) -> Record:
    adm1, adm2, policy = _clean(row.get("adm1_name")), _clean(row.get("adm2_name")), _clean(row.get("policy"))
    if not policy:
        raise InputError("the row has no policy", column="policy")
    title = f"{adm2 or 'All'} ({adm1}) {policy}: {_clean(row.get('policy_description')) or ''}".strip()
    url = _clean(row.get("source"))
    source = "Hsiang et al. 2020 China COVID-19 policy sources"
    place = regions.find(adm2) if adm2 and adm2 != "All" else None
    end = _clean(row.get("date_end"))
    return Record(
        id=stable_id(source, url or title, title), kind="event", title=title,
        date=_date(row, "date_start"), date_kind="started",
        end_date=normalise_date(end, column="date_end") if end else None,
        regions=(place.code,) if place else _region_codes(adm1, None), sectors=("all",), direction="cut",
        sources=(Source(url=url, source_type="database"),) if url else (), fields={"instrument": policy},
        provenance={"source_name": source, "file": context["file"], "importer": "table:hsiang"},
    )


def _shock_row(row: dict, context: dict) -> Record:
    title = _clean(row.get("policy_name_zh"))
    if not title:
        raise InputError("the record has no title", column="policy_name_zh")
    timing = _clean(row.get("shock_time_zh")) or ""
    exact = re.match(r"(\d{4}-\d{2}-\d{2})", timing)
    date = exact.group(1) if exact else _date(row, "year")
    url = _clean(row.get("official_source_url"))
    source = "China Policy Shocks library v0.1 (lianxhcn)"
    return Record(
        id=stable_id(source, _clean(row.get("policy_id")) or url or title, title), kind="policy", title=title,
        title_zh=title, date=date, regions=(regions.NATION,), summary=timing or None,
        sources=(Source(url=url, source_type="official" if url and ".gov.cn" in url else "database"),) if url else (),
        fields={k: v for k, v in {"domain": _clean(row.get("domain_zh")),
                                  "treated": _clean(row.get("treatment_group_zh"))}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:shocks"},
    )


_CAPMF_URL = "https://oe.cd/dx/capmf"


def _capmf_row(row: dict, context: dict) -> Record | None:
    if (_clean(row.get("ISO")) or "").upper() != "CHN":
        return None
    name = _clean(row.get("Policy_name_fig_2_3")) or _clean(row.get("Policy"))
    if not name:
        raise InputError("the row has no policy", column="Policy")
    change = "introduction" if _clean(row.get("introduction")) == "1" else "tightening"
    value = _clean(row.get("Value"))
    try:
        title = f"{name} ({change}, stringency {float(value):.1f})"
    except (TypeError, ValueError):  # 'NA': the stringency is not known, the event still is
        title = f"{name} ({change})"
    source = "OECD CAPMF adoption/tightening events (Stechemesser et al. 2024 replication)"
    year = _date(row, "year", "Year")
    module = _clean(row.get("Module"))
    return Record(
        id=stable_id(source, f"CHN_{module}_{_clean(row.get('Policy'))}_{year}", title), kind="policy", title=title,
        date=year, regions=(regions.NATION,), sectors=_sector_keys(module),
        direction="cut", sources=(Source(url=_CAPMF_URL, publisher="OECD", source_type="database"),),
        fields={k: v for k, v in {"instrument": _clean(row.get("Policytype_detail")), "module": module}.items() if v},
        provenance={"source_name": source, "file": context["file"], "importer": "table:capmf"},
    )


def _addon_row(row: dict, context: dict) -> Record | None:
    if (_clean(row.get("ISO")) or "").upper() != "CHN":
        return None
    name, module = _clean(row.get("Policy")), _clean(row.get("Module"))
    if not name:
        raise InputError("the row has no policy", column="Policy")
    source = "Stechemesser et al. 2024 add-on policies (IEA PAMS, NewClimate CPDB)"
    year = _date(row, "Year")
    return Record(
        id=stable_id(source, f"CHN_{module}_{name}_{year}", name), kind="policy", title=f"{name} ({module})",
        date=year, regions=(regions.NATION,), sectors=_sector_keys(module), sources=(),
        provenance={"source_name": source, "file": context["file"], "importer": "table:capmf_addon"},
    )


def _mapped(mapping: ColumnMapping) -> Callable[[dict, dict], Record]:
    def convert(row: dict, context: dict) -> Record | None:
        if mapping.country and (_clean(row.get(mapping.country)) or "chn").lower() not in _CHINA:
            return None
        get = lambda name: _clean(row.get(getattr(mapping, name))) if getattr(mapping, name) else None  # noqa: E731
        title_zh, title = get("title_zh"), get("title")
        if not (title or title_zh):
            raise InputError("the record has no title", column=mapping.title or mapping.title_zh)
        names = [c for c in (mapping.date, mapping.year) if c]
        date = _date(row, *names)
        kind = (get("kind") or "policy").lower()
        if kind not in KINDS:
            raise InputError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}", column=mapping.kind)
        url = get("url")
        end = get("end_date")
        return Record(
            id=get("id") or stable_id(context["file"], url, title or title_zh, date),
            kind=kind, title=title or title_zh, title_zh=title_zh or (title if title and re.search(r"[\u4e00-\u9fff]", title) else None),
            date=date, end_date=normalise_date(end, column=mapping.end_date) if end else None,
            regions=_region_codes(get("region"), None), sectors=_sector_keys(get("sectors")),
            direction=(get("direction") or "unclear").lower(), issuer=get("issuer"), doc_number=get("doc_number"),
            summary=get("summary"),
            sources=(_page_source(url, get("issuer"), get("source_type"), get("doc_number")),) if url else (),
            provenance={"source_name": Path(context["file"]).stem, "file": context["file"], "importer": "table:mapped"},
        )
    return convert


# Checked in order; the first whose columns are all present reads the file.
_LAYOUTS: list[tuple[str, set[str], Callable]] = [
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
