"""A user's table: which column holds which record field, named by the user or guessed from its header."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ... import regions
from ...errors import InputError
from ..record import DIRECTIONS, KINDS, Record, kind_named, stable_id
from .cells import (CHINA_NAMES, clean, normalise_date, page_source, plain, region_codes, regions_in_text, row_date,
                    sector_keys, web_addresses)


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
        mapping = cls(**_guessed(columns))
        return mapping if mapping.complete else None

    @property
    def complete(self) -> bool:
        """Whether a title and a date (or a year) are mapped: what every record needs."""
        return bool((self.title or self.title_zh) and (self.date or self.year))

    def completed(self, columns: list[str]) -> "ColumnMapping":
        """This mapping, with the fields it leaves open taken from the headers (`guess`) where a column no
        field here names has a common one: a user maps the column of an odd name, not the 日期 beside it."""
        taken = {getattr(self, f.name) for f in fields(self)} - {None}
        found = _guessed([c for c in columns if c not in taken])
        return replace(self, **{name: column for name, column in found.items() if getattr(self, name) is None})


def _guessed(columns: list[str]) -> dict[str, str]:
    """Field → the first column whose header is a common name of it."""
    found: dict[str, str] = {}
    for name, candidates in _HEADER_GUESSES.items():
        for column in columns:
            if column.strip().lower() in candidates and name not in found:
                found[name] = column
    return found


_HEADER_GUESSES = {
    "title": ("title", "标题", "名称", "政策名称", "文件名称", "文件标题", "政策标题", "事件", "事件名称", "项目名称",
              "policy", "name"),
    "title_zh": ("title_zh", "中文标题"),
    "date": ("date", "日期", "发布日期", "成文日期", "发文日期", "印发日期", "颁布时间", "颁布日期", "发布时间", "时间",
             "date_start"),
    "year": ("year", "年份", "年"),
    "end_date": ("end_date", "结束日期", "截止日期", "废止日期", "date_end"),
    "url": ("url", "链接", "网址", "来源链接", "原文链接", "原文地址", "网页链接", "source_url", "link"),
    "region": ("region", "地区", "省份", "地域", "实施地点", "所属地区", "适用地区", "适用范围", "行政区划", "区域",
               "province"),
    "sectors": ("sectors", "sector", "行业", "领域", "所属行业", "适用行业"),
    "kind": ("kind", "类型", "政策类型", "文件类型", "类别", "分类", "type"),
    "issuer": ("issuer", "发文机关", "发布机构", "发布单位", "发文单位", "发文部门", "制定机关", "主管部门", "authority"),
    "doc_number": ("doc_number", "文号", "发文字号"),
    "summary": ("summary", "摘要", "内容", "主要内容", "内容摘要", "政策要点", "description"),
    "direction": ("direction", "方向", "影响方向", "作用方向", "预期方向", "排放影响"),
    "id": ("id", "编号"),
    "country": ("country", "iso", "country iso", "iso3", "adm0_name", "国家"),
}
# a direction as tables write it: what the record does to emissions
_DIRECTION_WORDS = {**dict.fromkeys(("减排", "减少", "降低", "下降", "削减", "压减", "抑制", "减", "降", "-", "−", "负",
                                     "decrease", "reduce", "reduction", "down", "negative"), "cut"),
                    **dict.fromkeys(("增排", "增加", "上升", "提高", "增长", "扩大", "增", "升", "+", "正",
                                     "increase", "up", "positive"), "raise"),
                    **dict.fromkeys(("不明", "不确定", "未知", "不详", "中性", "双向", "unknown", "neutral", "mixed"),
                                    "unclear")}


def mapped_reader(mapping: ColumnMapping) -> Callable[[dict, dict], Record]:
    def convert(row: dict, context: dict) -> Record | None:
        if mapping.country and (clean(row.get(mapping.country)) or "chn").lower() not in CHINA_NAMES:
            return None
        get = lambda name: clean(row.get(getattr(mapping, name))) if getattr(mapping, name) else None  # noqa: E731
        title_zh, title = get("title_zh"), get("title")
        if not (title or title_zh):
            raise InputError("the record has no title", column=mapping.title or mapping.title_zh)
        names = [c for c in (mapping.date, mapping.year) if c]
        date = row_date(row, *names)
        kind = kind_named(get("kind") or "policy")
        if kind not in KINDS:
            raise InputError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}", column=mapping.kind)
        direction = (get("direction") or "unclear").lower()
        direction = _DIRECTION_WORDS.get(direction, direction)
        if direction not in DIRECTIONS:
            raise InputError(f"unknown direction {direction!r}: one of {', '.join(DIRECTIONS)} (or 减排, 增排, 不明)",
                             column=mapping.direction)
        url = get("url")
        end = get("end_date")
        return Record(
            id=get("id") or stable_id(context["file"], url, title or title_zh, date),
            kind=kind, title=title or title_zh, title_zh=title_zh or (title if title and re.search(r"[\u4e00-\u9fff]", title) else None),
            date=date, end_date=normalise_date(end, column=mapping.end_date) if end else None,
            # without a region column, the places the title or the issuer names (喀什地区行政公署): as the
            # nation, a prefecture's plan had been offered to every province's nodes
            regions=(region_codes(get("region"), None, column=mapping.region) if mapping.region
                     else _named_regions(title_zh or title, get("issuer"))),
            sectors=sector_keys(get("sectors") if mapping.sectors else " ".join(filter(None, (title, title_zh)))),
            direction=direction, issuer=get("issuer"), doc_number=get("doc_number"),
            summary=plain(get("summary")),
            sources=tuple(page_source(link, get("issuer"), get("source_type"), get("doc_number"))
                          for link in web_addresses(url)),
            provenance={"source_name": Path(context["file"]).stem, "file": context["file"], "importer": "table:mapped"},
        )
    return convert


def _named_regions(title: str | None, issuer: str | None) -> tuple[str, ...]:
    """The regions a title names, else those its issuer names, else the nation."""
    for text in (title, issuer):
        if (codes := regions_in_text(text)) != (regions.NATION,):
            return codes
    return (regions.NATION,)
