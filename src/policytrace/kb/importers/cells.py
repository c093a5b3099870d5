"""Cells of a records table read as record fields: text, regions, sectors, dates, the source page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit

import pandas as pd

from ... import regions, sectors
from ...errors import InputError, UnknownRegionError
from ..places import local_places
from ..record import Source, parse_partial

CHINA_NAMES = {"people's republic of china", "china", "chn", "cn", "中国"}


# What pandas writes for a missing cell, as a file's builder may have saved it: a cell of its own, or the tail
# of text made from several cells (the merged China file: "Zhuhai (Guangdong) home_isolation: nan",
# "Adoption subsidy (add-on, stringency nan)"; 116 rows)
_MISSING = {"nan", "none", "null"}
_NAN_TAIL = re.compile(r"\s*[:,]\s*(?:[a-z]+ )?nan(?=\)$|$)", re.IGNORECASE)


def clean(value) -> str | None:
    """A cell's text, or None where it holds nothing (empty, or pandas' "nan" written out)."""
    text = str(value).strip() if value is not None else ""
    if text.lower() in _MISSING:
        return None
    return _NAN_TAIL.sub("", text) or None


_MARKUP = re.compile(r"<[a-zA-Z/][^>]*>|&(nbsp|amp|lt|gt|quot|#\d+);")


def plain(value) -> str | None:
    """A cell's text without HTML markup: CCLW's descriptions are HTML (<div>…<br>&nbsp;), which reports had
    shown as written."""
    text = clean(value)
    if text is None or not _MARKUP.search(text):
        return text
    from selectolax.lexbor import LexborHTMLParser

    root = LexborHTMLParser(text).body
    return clean(re.sub(r"\s+", " ", root.text(separator=" ") if root else text))


@cache
def region_codes(text: str | None, level: str | None = None, *, column: str | None = None) -> tuple[str, ...]:
    """Codes of a ';'-separated list of region names or codes; the nation where there is none.

    With `column` (a cell meant to name a region) a name the gazetteer does not know is an error for the row:
    read as the nation, Inner Mongolia's emergency responses (written Neimenggu) had been offered to every
    province. Without it (a name guessed from a title) such a name is passed over."""
    if level == "national" or not text:
        return (regions.NATION,)
    codes = []
    for part in filter(None, (p.strip() for p in re.split(r"[;；,，/、]", text))):
        try:
            codes.append(regions.lookup(part).code)
        except UnknownRegionError as exc:
            if column is not None:   # the gazetteer's words: unknown, or which units share the name
                raise InputError(str(exc), column=column) from None
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
    first: dict[str, int] = {}   # each province at its first mention: codes in the title's order
    for name, code in _province_names():
        if (at := low.find(name)) >= 0:
            first[code] = min(at, first.get(code, at))
    return tuple(sorted(first, key=first.get)) or local_places(low) or (regions.NATION,)


_SECTOR_HINTS = {
    "power": ("power", "electric", "heat", "renewable", "电力", "发电", "电网"),
    "industry": ("industr", "manufactur", "cement", "steel", "工业", "钢铁", "水泥", "电解铝", "化工"),
    "energy": ("coal", "mining", "oil", "gas", "energy", "煤", "油气", "能源"),
    "transport": ("transport", "vehicle", "mobility", "交通"),
    "residential": ("building", "residential", "appliance", "建筑"),
    "all": ("economy-wide", "general", "multi-sector"),
}


@cache
def sector_keys(text: str | None) -> tuple[str, ...]:
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


def date_from_url(url: str | None) -> str | None:
    """gov.cn and MEE put the publication day in the path (t20221115_…, /2016-11/08/)."""
    for pattern in _URL_DATE:
        found = pattern.search(url or "")
        if found:
            return "-".join(found.groups())
    return None


def issued_or_posted(row: dict, posted: str | None, year_column: str) -> tuple[str, str | None]:
    """The document's date and, where it is later, the day its page was posted. A day in a gov.cn or MEE
    address is when the page went up: a State Council notice of 1985 went up in 2012, MEE documents of
    one year early in the next. Where the source dates the document to an earlier year, that year is
    all that is known of its date."""
    year = optional_date(row, year_column)
    if posted and year and posted[:4] > year[:4]:
        return year[:4], posted
    if posted or year:
        return posted or year, None
    raise InputError("the record has no date", column=year_column)


_ADDRESS_SPLIT = re.compile(r"[\s;；]+")


def web_addresses(cell: str | None) -> tuple[str, ...]:
    """The web addresses of a source cell: each where it lists several (NewClimate's cells hold up to four, one
    per line, and Hsiang et al.'s are split by commas or semicolons: reports had shown them as one unlinked
    block, and Word had dropped the item's source), words after one left out; else the cell as it is."""
    if not cell:
        return ()
    parts = [p.rstrip(",，") for p in _ADDRESS_SPLIT.split(cell) if p]
    links = [p for p in parts if p.lower().startswith(("http://", "https://"))]
    return tuple(dict.fromkeys(links)) if len(parts) > 1 and links else (cell,)


def sources_of(cell: str | None, **fields) -> tuple[Source, ...]:
    """A `Source` for each web address of `cell` (`web_addresses`), each with `fields` (publisher, type)."""
    return tuple(Source(url=link, **fields) for link in web_addresses(cell))


def page_source(url: str, issuer: str | None, source_type: str | None, doc_number: str | None) -> Source:
    """The issuer publishes only an official page; any other page is named by its site, so a
    republished copy is never shown under the issuer's name."""
    publisher = issuer if source_type == "official" and issuer else (urlsplit(url).hostname or None)
    return Source(url=url, publisher=publisher, source_type=source_type, doc_number=doc_number)


def row_title(row: dict, *names: str) -> str:
    """The first filled of a row's title columns `names`; a row without one is an error on the first."""
    for name in names:
        if value := clean(row.get(name)):
            return value
    raise InputError("the record has no title", column=names[0])


def row_date(row: dict, *names: str) -> str:
    """The first of the `names` columns with a date, at its precision; an error where none has one."""
    for name in names:
        if (value := optional_date(row, name)) is not None:
            return value
    raise InputError("the record has no date", column=names[0])


def optional_date(row: dict, name: str) -> str | None:
    """The date in column `name` at its precision, or None where the cell is empty."""
    value = clean(row.get(name))
    return normalise_date(value, column=name) if value else None


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


def collection_date(ends: Iterable[str | None], least: int = 3) -> str | None:
    """The day a table's data were collected, where its end dates show one: the latest of them, shared by at
    least `least` rows. An end on that day is no end (MassCPR ends every response level still in force on
    2020-07-31; read as an end, a level in force since March had explained August's rise of thermal power)."""
    dated = [e for e in ends if e]
    if not dated:
        return None
    last = max(dated)
    return last if dated.count(last) >= least else None
