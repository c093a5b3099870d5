"""The knowledge base that attribution asks: `KnowledgeBase.open(path).search("能耗双控", region="新疆")`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import regions as gazetteer
from .importers import read_records
from .record import Record, Source
from .store import ImportResult, SQLiteStore


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float
    why: str


class KnowledgeBase:
    """Records of policies and events with their sources, stored in one SQLite file."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path = ":memory:") -> "KnowledgeBase":
        return cls(SQLiteStore(path))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self):
        return iter(self.store)

    def add(self, records: Iterable[Record], *, source_file: str | None = None, importer: str = "api") -> ImportResult:
        return self.store.upsert(records, source_file=source_file, importer=importer)

    def import_file(self, path: str | Path) -> ImportResult:
        """Import one file atomically; re-importing the same file changes nothing."""
        records, skipped, importer = read_records(path)
        result = self.add(records, source_file=str(path), importer=importer)
        return replace(result, skipped=tuple(str(e) for e in skipped))

    def search(
        self,
        query: str = "",
        *,
        region: str | None = None,
        include_parents: bool = True,
        start: str | None = None,
        end: str | None = None,
        kinds: Iterable[str] | None = None,
        sectors: Iterable[str] | None = None,
        limit: int | None = 20,
    ) -> list[Hit]:
        """Records matching `query` (words separated by spaces) and the filters, best first."""
        codes = None
        if region:
            found = gazetteer.lookup(region)
            codes = [found.code, *(found.ancestors if include_parents else ())]
        terms = [t for t in re.split(r"\s+", query.strip()) if t]
        rows = self.store.query(terms=terms or None, regions=codes, start=start, end=end,
                                kinds=kinds, sectors=sectors, limit=limit)
        return [Hit(record, score, _why(record, terms)) for record, score in rows]

    def stats(self) -> dict:
        return self.store.stats()


def _why(record: Record, terms: list[str]) -> str:
    text = " ".join(filter(None, (record.title, record.title_zh, record.summary))).lower()
    matched = [t for t in terms if t.lower() in text]
    return "matched: " + ", ".join(matched) if matched else "filters only"


__all__ = ["Hit", "ImportResult", "KnowledgeBase", "Record", "Source"]
