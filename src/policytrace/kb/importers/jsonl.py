"""JSON and JSON Lines: records as `Record.to_dict()` writes them (what `kb export` and the starter use)."""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import InputError
from ..record import Record, stable_id
from . import Batch
from .cells import region_codes


def read_json(path: Path) -> Batch:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text (JSON must be UTF-8)", file=str(path)) from None
    items: list[tuple[int, object]] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=str(path), row=exc.lineno) from None
        data = data.get("records", data) if isinstance(data, dict) else data
        if not isinstance(data, list):
            raise InputError("expected a list of records (or {\"records\": [...]})", file=str(path))
        items = [(i + 1, item) for i, item in enumerate(data)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append((number, json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON: {exc.msg}", file=str(path), row=number) from None
    if not items:
        raise InputError("the file holds no records", file=str(path))
    records, skipped = [], []
    for number, item in items:
        try:
            records.append(_record(item, path))
        except InputError as exc:
            skipped.append(InputError(exc.reason, file=str(path), row=number, column=exc.column))
    return Batch(records, skipped, "json", rows=len(items))


def _record(item: object, path: Path) -> Record:
    if not isinstance(item, dict):
        raise InputError("a record must be an object")
    for key in ("title", "date"):
        if not item.get(key) and not (key == "title" and item.get("title_zh")):
            raise InputError(f"the record has no {key}", column=key)
    data = dict(item)
    data.setdefault("title", data.get("title_zh"))
    data.setdefault("kind", "policy")
    # names or codes, as a user writes them (新疆, Xinjiang, 650000); a name the gazetteer cannot read is the
    # record's error (it had reached the store's index and ended the import in a traceback)
    given = data.get("regions") or ["000000"]
    given = [given] if isinstance(given, str) else given
    if not isinstance(given, list):
        raise InputError("regions must be a list of names or codes", column="regions")
    data["regions"] = [code for name in given for code in region_codes(str(name), column="regions")]
    data.setdefault("sources", [{"url": data.pop("url")}] if data.get("url") else [])
    data.setdefault("id", stable_id(path.name, str(data.get("sources")), data["title"], str(data["date"])))
    provenance = dict(data.get("provenance") or {})
    provenance.setdefault("source_name", path.stem)
    provenance.setdefault("file", path.name)
    data["provenance"] = provenance
    try:
        return Record.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise InputError(f"not a record: {exc}") from None
