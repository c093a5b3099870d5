"""A user's table: which column holds which record field, named by the user or guessed from its header."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from ...errors import InputError
from ..record import KINDS, Record, stable_id
from .cells import (CHINA_NAMES, clean, normalise_date, page_source, plain, region_codes, row_date,
                    sector_keys)


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
        kind = (get("kind") or "policy").lower()
        if kind not in KINDS:
            raise InputError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}", column=mapping.kind)
        url = get("url")
        end = get("end_date")
        return Record(
            id=get("id") or stable_id(context["file"], url, title or title_zh, date),
            kind=kind, title=title or title_zh, title_zh=title_zh or (title if title and re.search(r"[\u4e00-\u9fff]", title) else None),
            date=date, end_date=normalise_date(end, column=mapping.end_date) if end else None,
            regions=region_codes(get("region"), None, column=mapping.region),
            sectors=sector_keys(get("sectors")),
            direction=(get("direction") or "unclear").lower(), issuer=get("issuer"), doc_number=get("doc_number"),
            summary=plain(get("summary")),
            sources=(page_source(url, get("issuer"), get("source_type"), get("doc_number")),) if url else (),
            provenance={"source_name": Path(context["file"]).stem, "file": context["file"], "importer": "table:mapped"},
        )
    return convert
