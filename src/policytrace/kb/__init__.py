"""The knowledge base that attribution asks: `KnowledgeBase.open(path).search("能耗双控", region="新疆")`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .. import regions as gazetteer
from .. import sectors as sector_names
from ..errors import InputError
from .glossary import concept_bits, parse_query
from .importers import Batch, ColumnMapping, read_records
from .record import KINDS, Record, Source, kind_named, parse_partial
from .search import REGION_SHARE, Hit, match_expression, matching_words, nearer_first, rank, rank_texts
from .store import Filters, ImportResult, SQLiteStore, Store

# The index returns this many candidates per requested hit for the concept re-ranking to choose from.
_CANDIDATES_PER_HIT, _MIN_CANDIDATES = 5, 100
_FILTERED_CAP = 4000  # measured: ranking 4k rows' text costs about what the index walk does


class KnowledgeBase:
    """Records of policies and events with their sources, kept by a `Store` (SQLite by default)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path = ":memory:") -> "KnowledgeBase":
        return cls(SQLiteStore(path))

    @classmethod
    def create(cls, path: str | Path = ":memory:", *, seed: bool = True) -> "KnowledgeBase":
        """Open `path`; if it holds nothing yet and `seed` is true, start it with the starter records."""
        kb = cls.open(path)
        if seed and getattr(kb.store, "is_new", len(kb) == 0):
            from .starter import starter_records

            kb.add(starter_records(), source_file="policytrace:starter", importer="starter")
        return kb

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.store)

    def get(self, record_id: str) -> Record | None:
        return self.store.get(record_id)

    def provenance(self, record_id: str) -> list[dict]:
        """Every import that inserted or changed the record, oldest first, with the fields it changed."""
        return self.store.provenance(record_id)

    def add(self, records: Iterable[Record], *, source_file: str | None = None, importer: str = "api") -> ImportResult:
        """Insert or update records in one transaction (all or nothing)."""
        return self.store.upsert(records, source_file=source_file, importer=importer)

    def import_file(self, path: str | Path, *, mapping: ColumnMapping | dict | None = None) -> ImportResult:
        """Import one file atomically; re-importing the same file changes nothing.

        Tables (CSV/XLSX), JSON/JSONL and documents (HTML, PDF, DOCX, Markdown) are read by their
        importers; `mapping` names the columns of a table whose layout is not known
        (e.g. `{"title": "政策名称", "date": "发布日期", "url": "链接"}`).
        """
        return self.write(read_records(path, mapping=mapping), source_file=str(path))

    def write(self, batch: Batch, *, source_file: str) -> ImportResult:
        """Write what an importer read (`read_records`), in one transaction, with its per-row report."""
        return self.store.upsert(batch.records, source_file=source_file, importer=batch.importer, rows=batch.rows,
                                 skipped=tuple(str(e) for e in batch.skipped), left_out=batch.left_out)

    def search(
        self,
        query: str = "",
        *,
        region: str | None = None,
        include_parents: bool = True,
        include_children: bool = False,
        start: str | None = None,
        end: str | None = None,
        kinds: Iterable[str] | None = None,
        sectors: Iterable[str] | None = None,
        limit: int | None = 20,
    ) -> list[Hit]:
        """Records matching `query` and the filters, best first, each saying why it matched.

        `region` keeps that region's records, with the regions above it (`include_parents`: the nation's
        rules apply to Xinjiang) and below it (`include_children`: Urumqi is in Xinjiang) on request.
        Dates overlap at the record's own precision: a record dated "2021" overlaps any range in 2021.
        """
        if limit is not None and limit < 1:
            raise InputError(f"cannot list {limit} records: give 1 or more")
        filters = Filters(start=_bound(start, 0) if start else None, end=_bound(end, 1) if end else None,
                          kinds=[_kind(k) for k in kinds] if kinds is not None else None,
                          # a sector by any of its names (工业, Industry, 钢铁 for industry), as records store its key
                          sectors=[_sector(s) for s in sectors] if sectors is not None else None)
        if filters.start and filters.end and filters.start > filters.end:
            raise InputError(f"the first date {start} is after the last {end}")
        if region:
            found = gazetteer.lookup(region)
            codes = [found.code, *(found.ancestors if include_parents else ())]
            prefixes = [_child_prefix(found)] if include_children and found.code != gazetteer.NATION else []
            if include_children and found.code == gazetteer.NATION:
                codes = None  # every region is below the nation
            filters = Filters(**{**filters.__dict__, "regions": codes, "region_prefixes": prefixes})
        groups = parse_query(query)
        match = match_expression(groups)
        if match is None:
            return rank(self.store.query(match=None, filters=filters, limit=limit), [])
        own = _own_records(found) if region and found.code != gazetteer.NATION else None
        # A region or date filter usually leaves a few thousand records at most: rank those from their
        # text directly, which is faster than walking every index match (a common word matches ~10%).
        bits = concept_bits()
        concepts = 0 if any(g.concept is None for g in groups) else sum({bits[g.concept] for g in groups})
        rows = self.store.candidates(filters, cap=_FILTERED_CAP, words=matching_words(groups), concepts=concepts)
        if rows is not None:
            ranked = rank_texts(rows, groups)
            if limit and len(ranked) > limit:
                # only what the region's share can lift into the first `limit` need be read
                floor = ranked[limit - 1][1] - (REGION_SHARE if own else 0.0)
                ranked = [item for item in ranked if item[1] >= floor]
            records = self.store.fetch([rowid for rowid, _, _ in ranked])
            hits = [Hit(record, score, why) for record, (_, score, why) in zip(records, ranked)]
        else:
            wanted = max(_MIN_CANDIDATES, (limit or _MIN_CANDIDATES) * _CANDIDATES_PER_HIT)
            hits = rank(self.store.query(match=match, filters=filters, limit=wanted), groups)
        return nearer_first(hits, own, limit) if own else (hits[:limit] if limit else hits)

    def stats(self) -> dict:
        return self.store.stats()


def _kind(word: str) -> str:
    """A record kind by its name or a Chinese table's word (政策 is policy), or a one-line error: an unknown kind had
    found nothing without a word."""
    kind = kind_named(word)
    if kind not in KINDS:
        raise InputError(f"unknown kind {word!r}: one of {', '.join(KINDS)}")
    return kind


def _sector(name: str) -> str:
    """A sector's key by any of its names (工业, Industry, 钢铁 for industry), or a one-line error."""
    if (key := sector_names.coarse(name)) is None:
        raise InputError(f"unknown sector {name!r}: one of {sector_names.known_names()}, or a branch such as 钢铁")
    return key


def _bound(text: str, side: int) -> str:
    """First (side 0) or last (side 1) day a partial date may mean, or a one-line error."""
    try:
        return parse_partial(text)[side].isoformat()
    except (ValueError, TypeError):
        raise InputError(f"cannot read {text!r} as a date: give YYYY, YYYY-MM or YYYY-MM-DD") from None


def _own_records(region: gazetteer.Region) -> Callable[[Record], bool]:
    """Whether a record is of `region` or a unit below it (not only of the regions above)."""
    prefix = _child_prefix(region)
    return lambda record: any(code == region.code or code.startswith(prefix) for code in record.regions)


def _child_prefix(region: gazetteer.Region) -> str:
    return {"province": region.code[:2], "prefecture": region.code[:4]}.get(region.level, region.code)


__all__ = ["Batch", "ColumnMapping", "Hit", "ImportResult", "KnowledgeBase", "Record", "Source", "Store"]
