"""CSV/XLSX importers: the shared China records file and the curated-records layout."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ... import regions, sectors
from ...errors import InputError
from ..record import Record, Source, stable_id

_LINE_OFFSET = 2  # header is line 1


def read_table_records(path: Path) -> tuple[list[Record], list[InputError]]:
    """Records of the file, and one error per row that could not become a record (e.g. no date)."""
    frame = _read(path)
    columns = set(frame.columns)
    if {"record_id", "source", "title", "url"} <= columns:
        rows, convert = frame, _merged_row
    elif {"date", "kind", "title_zh", "url", "source_type"} <= columns:
        rows, convert = frame, _curated_row
    else:
        raise InputError("unknown column layout: expected the shared China records file "
                         "(record_id, source, title, url, ...) or the curated layout (date, kind, title_zh, url, source_type, ...)",
                         file=str(path))
    records, skipped = [], []
    for i, row in rows.iterrows():
        try:
            records.append(convert(row, path))
        except InputError as exc:
            skipped.append(InputError(exc.reason, file=str(path), row=int(i) + _LINE_OFFSET, column=exc.column))
    return records, skipped


def _read(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".xlsx":
            frame = pd.read_excel(path, dtype=str)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read as a table: {str(exc).splitlines()[0]}", file=str(path)) from None
    if frame.empty:
        raise InputError("the file has no data rows", file=str(path))
    return frame.fillna("")


def _clean(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _region_codes(text: str | None, level: str | None) -> tuple[str, ...]:
    if level == "national" or not text:
        return (regions.NATION,)
    codes = []
    for part in re.split(r"[;；,/]", text):
        found = regions.find(part.strip())
        if found:
            codes.append(found.code)
    return tuple(dict.fromkeys(codes)) or (regions.NATION,)


_SECTOR_HINTS = {
    "power": ("power", "electric", "heat", "renewable", "电力", "发电"),
    "industry": ("industr", "manufactur", "cement", "steel", "工业"),
    "energy": ("coal", "mining", "oil", "gas", "energy", "煤"),
    "transport": ("transport", "vehicle", "mobility", "交通"),
    "residential": ("building", "residential", "appliance", "建筑"),
    "all": ("economy-wide", "general", "multi-sector"),
}


def _sector_keys(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    low = text.lower()
    keys = [key for key, hints in _SECTOR_HINTS.items() if any(h in low for h in hints)]
    for part in re.split(r"[;；]", text):
        key = sectors.normalise(part)
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def _date(row, *names: str) -> str:
    for name in names:
        value = _clean(row.get(name))
        if value:
            value = value[:10]
            if re.fullmatch(r"\d{4}(\.0)?", value):
                return value[:4]
            if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
                return value
            try:
                return pd.Timestamp(value).date().isoformat()
            except ValueError:
                raise InputError(f"cannot read {value!r} as a date", column=name) from None
    raise InputError("the record has no date", column=names[0])


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
    if kind == "project" and any(w in title for w in ("煤矿", "煤制", "火电", "燃煤", "电厂", "化工")):
        return "raise"
    return "unclear"


def _merged_row(row, path: Path) -> Record:
    source = _clean(row["source"]) or "unknown"
    title = _clean(row["title"]) or _clean(row.get("title_zh"))
    if not title:
        raise InputError("the record has no title", column="title")
    url = _clean(row["url"])
    date = _date(row, "date", "year")
    kind = _merged_kind(source, title, _clean(row.get("sector")))
    status = _clean(row.get("status")) or ""
    end = None
    if status.startswith("until "):
        end = status.removeprefix("until ").strip()[:10]
    return Record(
        id=stable_id(source, _clean(row.get("source_id")) or url or title, title),
        kind=kind,
        title=title,
        title_zh=_clean(row.get("title_zh")),
        date=date,
        date_kind="started" if kind == "event" else "issued",
        end_date=end,
        regions=_region_codes(_clean(row.get("region")), _clean(row.get("level"))),
        sectors=_sector_keys(_clean(row.get("sector"))),
        direction=_merged_direction(kind, title),
        issuer=_clean(row.get("issuer")),
        sources=(Source(url=url, publisher=source, source_type="database"),) if url else (),
        fields={k: v for k, v in {"instrument": _clean(row.get("instrument")), "status": status or None}.items() if v},
        provenance={"source_name": source, "file": path.name, "importer": "table:merged"},
    )


def _curated_row(row, path: Path) -> Record:
    title_zh, title_en = _clean(row.get("title_zh")), _clean(row.get("title_en"))
    if not (title_zh or title_en):
        raise InputError("the record has no title", column="title_zh")
    url = _clean(row["url"])
    if not url:
        raise InputError("the record has no source URL", column="url")
    kind = _clean(row["kind"]) or "policy"
    return Record(
        id=stable_id("curated", url, title_zh or title_en),
        kind=kind,
        title=title_en or title_zh,
        title_zh=title_zh,
        summary=_clean(row.get("summary_zh")),
        date=_date(row, "date"),
        date_kind=_clean(row.get("date_kind")) or "issued",
        end_date=_clean(row.get("end_date")),
        regions=_region_codes(_clean(row.get("region")), None),
        sectors=_sector_keys(_clean(row.get("sectors"))),
        direction=_clean(row.get("direction")) or "unclear",
        issuer=_clean(row.get("issuer")),
        doc_number=_clean(row.get("doc_number")),
        sources=(Source(url=url, publisher=_clean(row.get("issuer")), source_type=_clean(row.get("source_type")),
                        doc_number=_clean(row.get("doc_number"))),),
        provenance={"source_name": f"curated:{path.stem}", "file": path.name, "importer": "table:curated",
                    "found_with": _clean(row.get("found_with"))},
    )
