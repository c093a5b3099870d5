"""Storage of records behind a small interface; SQLite (one file, WAL, FTS5) is the default.

Attribution talks to `KnowledgeBase`, which talks to a `Store`: another backend (PostgreSQL) only has
to implement `Store` to stand in, without touching attribution.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import KnowledgeBaseError
from .record import Record
from .glossary import concept_mask, glossary_version
from .tokens import index_text

SCHEMA_VERSION = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    direction TEXT NOT NULL,
    source_name TEXT,
    content_hash TEXT NOT NULL,
    search_title TEXT NOT NULL,  -- lower-case title text, for ranking a filtered set without the FTS index
    search_body TEXT NOT NULL,
    concepts INTEGER NOT NULL,  -- bits of the glossary concepts the record mentions (glossary.concept_mask)
    body TEXT NOT NULL  -- the record as JSON; last, because reading a column after it walks its overflow pages
);
CREATE INDEX IF NOT EXISTS records_start ON records(start, end);
CREATE INDEX IF NOT EXISTS records_kind ON records(kind, start);
CREATE TABLE IF NOT EXISTS record_regions (code TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (code, rid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record_sectors (sector TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (sector, rid)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2');
-- One box per (record, region): days [lo, hi] x region code. A region-and-date filter is one R*Tree
-- lookup; a B-tree on (start, end) cannot bound both ends of an interval overlap and scanned most rows.
CREATE VIRTUAL TABLE IF NOT EXISTS record_span USING rtree_i32(k, lo, hi, code_lo, code_hi, +concepts);
CREATE TABLE IF NOT EXISTS provenance (
    id TEXT NOT NULL, action TEXT NOT NULL, source_file TEXT, importer TEXT, at TEXT NOT NULL,
    previous_hash TEXT, changed TEXT
);
CREATE INDEX IF NOT EXISTS provenance_id ON provenance(id);
CREATE TABLE IF NOT EXISTS imports (
    at TEXT NOT NULL, source_file TEXT, importer TEXT, rows INTEGER, inserted INTEGER, updated INTEGER,
    unchanged INTEGER, skipped INTEGER, duplicates INTEGER, left_out INTEGER
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
_TITLE_WEIGHT, _BODY_WEIGHT = 4.0, 1.0
# A document's opening states its aim; indexing whole texts tripled import time for little recall.
_TEXT_INDEXED = 3000
_MAX_REGIONS = 64  # boxes per record in record_span; a record naming more regions is found by its first 64


@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int
    unchanged: int
    skipped: tuple[str, ...] = ()  # one message per row that could not become a record
    duplicates: int = 0  # rows that repeat a record already in the same file
    left_out: int = 0  # rows deliberately not imported (e.g. another country's), counted, not listed
    rows: int | None = None  # data rows the file had, where it is a table

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(frozen=True)
class Filters:
    """What a query keeps, before any ranking. `None` means no filter."""

    regions: Sequence[str] | None = None  # exact region codes
    region_prefixes: Sequence[str] = ()  # code prefixes whose units are kept too (children of a region)
    start: str | None = None
    end: str | None = None
    kinds: Sequence[str] | None = None
    sectors: Sequence[str] | None = None


@runtime_checkable
class Store(Protocol):
    """What `KnowledgeBase` needs from a backend."""

    def upsert(self, records: Iterable[Record], *, source_file: str | None, importer: str,
               rows: int | None = None, skipped: Sequence[str] = (), left_out: int = 0) -> ImportResult: ...
    def get(self, record_id: str) -> Record | None: ...
    def query(self, *, match: str | None, filters: Filters, limit: int | None) -> list[tuple[Record, float]]: ...
    def candidates(self, filters: Filters, cap: int, words: Sequence[str] = (),
                   concepts: int | None = None) -> list[tuple[int, str, str]] | None: ...
    def fetch(self, rowids: Sequence[int]) -> list[Record]: ...
    def provenance(self, record_id: str) -> list[dict]: ...
    def stats(self) -> dict: ...
    def close(self) -> None: ...
    def __iter__(self) -> Iterator[Record]: ...
    def __len__(self) -> int: ...


@dataclass
class _Prepared:
    record: Record
    body: str
    digest: str
    data: dict = field(repr=False)


class SQLiteStore:
    """Records in one SQLite file: WAL so readers never wait for an import, FTS5 for words."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, check_same_thread=False)
            self._refuse_other_databases()
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a crash loses at most the last commit
            self._migrate()
            self.conn.executescript(_SCHEMA)
            self.conn.execute("PRAGMA user_version=%d" % SCHEMA_VERSION)
            self._refresh_concepts()
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseError(f"{self.path}: not a policytrace knowledge base ({exc})") from None

    def _refuse_other_databases(self) -> None:
        """Another program's SQLite file (a typo in --kb) is left as it is: it had been given the KB's tables and
        starter records, even by `kb stats`, and a report against it said the KB held nothing."""
        tables = [name for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        if tables and "records" not in tables:
            self.conn.close()
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise KnowledgeBaseError(f"{self.path}: not a policytrace knowledge base (it holds the tables {shown})")

    @property
    def is_new(self) -> bool:
        return len(self) == 0 and self.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0

    def _migrate(self) -> None:
        """Rebuild a KB written by an older schema from the record bodies it kept."""
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        has_records = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'records'").fetchone() is not None
        if not has_records or version >= SCHEMA_VERSION:
            return
        bodies = [json.loads(b) for (b,) in self.conn.execute("SELECT body FROM records")]
        with self.conn:
            for table in ("records", "record_regions", "record_sectors", "records_fts", "record_span", "provenance",
                          "meta"):
                self.conn.execute(f"DROP TABLE IF EXISTS {table}")
        self.conn.executescript(_SCHEMA)
        self.upsert((Record.from_dict(b) for b in bodies), source_file=self.path, importer="migrate")

    def _refresh_concepts(self) -> None:
        """Recompute the records' concept bits when the glossary changed since they were written."""
        version = glossary_version()
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'glossary'").fetchone()
        if row and row[0] == version:
            return
        with self.conn:
            masks = {rid: concept_mask(title + "\n" + body) for rid, title, body
                     in self.conn.execute("SELECT rowid, search_title, search_body FROM records")}
            self.conn.executemany("UPDATE records SET concepts = ? WHERE rowid = ?", [(m, r) for r, m in masks.items()])
            boxes = [k for (k,) in self.conn.execute("SELECT k FROM record_span")]
            self.conn.executemany("UPDATE record_span SET concepts = ? WHERE k = ?",
                                  [(masks.get(k // _MAX_REGIONS, 0), k) for k in boxes])
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('glossary', ?)", (version,))

    def close(self) -> None:
        self.conn.close()

    # -- writing ---------------------------------------------------------------------------------

    def upsert(self, records: Iterable[Record], *, source_file: str | None, importer: str,
               rows: int | None = None, skipped: Sequence[str] = (), left_out: int = 0) -> ImportResult:
        """Write all records in one transaction: all or nothing; unchanged records are left alone.

        A record whose content changed is replaced, and its provenance row names the fields that changed.
        """
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        duplicates = 0
        prepared: dict[str, _Prepared] = {}
        for record in records:
            item = _prepare(record)
            if record.id in prepared:
                duplicates += 1
                continue
            prepared[record.id] = item
        try:
            with self.conn:  # commits on success, rolls back on any exception
                existing = self._existing(list(prepared))
                for item in prepared.values():
                    record = item.record
                    old = existing.get(record.id)
                    if old and old[1] == item.digest:
                        counts["unchanged"] += 1
                        continue
                    changed = None
                    if old:
                        counts["updated"] += 1
                        before = json.loads(self.conn.execute("SELECT body FROM records WHERE rowid = ?",
                                                              (old[0],)).fetchone()[0])
                        changed = json.dumps(sorted(k for k in item.data if k != "provenance"
                                                    and before.get(k) != item.data[k]), ensure_ascii=False)
                        self._delete(old[0], len(before.get("regions") or ()))
                    else:
                        counts["inserted"] += 1
                    self._insert(item)
                    self.conn.execute("INSERT INTO provenance VALUES (?,?,?,?,?,?,?)",
                                      (record.id, "updated" if old else "inserted", source_file, importer, now,
                                       old[1] if old else None, changed))
                self.conn.execute("INSERT INTO imports VALUES (?,?,?,?,?,?,?,?,?,?)",
                                  (now, source_file, importer, rows, counts["inserted"], counts["updated"],
                                   counts["unchanged"], len(skipped), duplicates, left_out))
        except sqlite3.Error as exc:  # rolled back above: the KB is as it was
            raise KnowledgeBaseError(f"{self.path}: cannot write ({exc}); nothing was imported") from None
        return ImportResult(**counts, skipped=tuple(skipped), duplicates=duplicates, left_out=left_out, rows=rows)

    def _existing(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
            chunk = ids[i:i + 900]
            sql = f"SELECT id, rowid, content_hash FROM records WHERE id IN ({','.join('?' * len(chunk))})"
            out.update({rid: (rowid, digest) for rid, rowid, digest in self.conn.execute(sql, chunk)})
        return out

    def _insert(self, item: _Prepared) -> None:
        record = item.record
        title, body = (t.lower() for t in search_texts(record))  # only for records written: re-imports stay cheap
        concepts = concept_mask(title + "\n" + body)
        start, end = record.start, record.end
        cur = self.conn.execute(
            "INSERT INTO records (id, kind, date, start, end, direction, source_name, content_hash, "
            "search_title, search_body, concepts, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (record.id, record.kind, record.date, start.isoformat(), end.isoformat(), record.direction,
             record.provenance.get("source_name"), item.digest, title, body, concepts, item.body))
        rid = cur.lastrowid
        self.conn.executemany("INSERT OR IGNORE INTO record_regions VALUES (?,?)", [(c, rid) for c in record.regions])
        self.conn.executemany("INSERT OR IGNORE INTO record_sectors VALUES (?,?)", [(s, rid) for s in record.sectors])
        self.conn.executemany("INSERT INTO record_span VALUES (?,?,?,?,?,?)",
                              [(rid * _MAX_REGIONS + j, start.toordinal(), end.toordinal(), int(c), int(c),
                                concepts)
                               for j, c in enumerate(record.regions[:_MAX_REGIONS])])
        self.conn.execute("INSERT INTO records_fts (rowid, title, body) VALUES (?,?,?)",
                          (rid, index_text(title), index_text(body)))

    def _delete(self, rid: int, regions: int) -> None:
        self.conn.executemany("DELETE FROM record_span WHERE k = ?",
                              [(rid * _MAX_REGIONS + j,) for j in range(min(regions, _MAX_REGIONS))])
        self.conn.execute("DELETE FROM records WHERE rowid = ?", (rid,))
        self.conn.execute("DELETE FROM record_regions WHERE rid = ?", (rid,))
        self.conn.execute("DELETE FROM record_sectors WHERE rid = ?", (rid,))
        self.conn.execute("DELETE FROM records_fts WHERE rowid = ?", (rid,))

    # -- reading ---------------------------------------------------------------------------------

    def get(self, record_id: str) -> Record | None:
        row = self.conn.execute("SELECT body FROM records WHERE id = ?", (record_id,)).fetchone()
        return Record.from_dict(json.loads(row[0])) if row else None

    def __iter__(self) -> Iterator[Record]:
        for (body,) in self.conn.execute("SELECT body FROM records ORDER BY start, id"):
            yield Record.from_dict(json.loads(body))

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def query(self, *, match: str | None, filters: Filters, limit: int | None) -> list[tuple[Record, float]]:
        """Records that pass every filter (and `match`, an FTS5 expression), best lexical score first."""
        where, args = _where(filters)
        if match:
            sql = (f"SELECT r.body, -bm25(records_fts, {_TITLE_WEIGHT}, {_BODY_WEIGHT}) AS s "
                   "FROM records_fts JOIN records r ON r.rowid = records_fts.rowid "
                   "WHERE records_fts MATCH ?" + "".join(f" AND {w}" for w in where) + " ORDER BY s DESC, r.start")
            args = [match, *args]
        else:
            boxed = self._boxed(filters)
            if boxed is not None:  # region and days from the R*Tree; kind and sector on the few left
                where, args = _where(Filters(kinds=filters.kinds, sectors=filters.sectors))
                where.insert(0, "r.rowid IN (SELECT value FROM json_each(?))")
                args = [json.dumps(sorted({rid for rid, _ in boxed})), *args]
            sql = "SELECT r.body, 0.0 FROM records r" + (" WHERE " + " AND ".join(where) if where else "")
            sql += " ORDER BY r.start, r.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        try:
            rows = self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:  # a malformed FTS expression
            raise KnowledgeBaseError(f"cannot search for {match!r}: {exc}") from None
        return [(Record.from_dict(json.loads(body)), float(score)) for body, score in rows]

    def candidates(self, filters: Filters, cap: int, words: Sequence[str] = (),
                   concepts: int | None = None) -> list[tuple[int, str, str]] | None:
        """(rowid, title text, body text) of the records passing a region or date filter that may match:
        that mention one of `concepts` (bits, when every query word is a glossary concept) or contain one
        of `words`. None when there is no such filter or more than `cap` records pass it (the full-text
        index ranks those better)."""
        # With concepts, SQLite keeps only the boxes whose bits match (the aux column rides along with
        # the R*Tree lookup), so Python never sees the rest of the region's records.
        boxed = self._boxed(filters, cap, concepts or None)
        if boxed is None or len(boxed) > cap:
            return None
        where, more = _where(Filters(kinds=filters.kinds, sectors=filters.sectors))
        if concepts:  # the boxes already say which concepts a record mentions: read only those records
            rowids = sorted({rid for rid, _ in boxed})
        else:
            rowids = sorted({rid for rid, _ in boxed})
            if words:  # substring tests in C; Python then ranks only the records that contain a word
                where.append("(" + " OR ".join("instr(r.search_title, ?) OR instr(r.search_body, ?)"
                                               for _ in words) + ")")
                more += [w for word in words for w in (word, word)]
        if not rowids:
            return []
        sql = ("SELECT r.rowid, r.search_title, r.search_body FROM records r "
               "WHERE r.rowid IN (SELECT value FROM json_each(?))" + "".join(f" AND {w}" for w in where))
        return self.conn.execute(sql, [json.dumps(rowids), *more]).fetchall()

    def _boxed(self, filters: Filters, cap: int | None = None,
               concepts: int | None = None) -> list[tuple[int, int]] | None:
        """(rowid, concept bits) of the records in the filter's region(s) and days (and mentioning one of
        `concepts`), from the R*Tree, at most cap + 1 rows; None when the filter names neither a region
        nor a date."""
        if not (filters.start or filters.end) and filters.regions is None and not filters.region_prefixes:
            return None
        ranges = [(int(c), int(c)) for c in (filters.regions or ())]
        ranges += [(int(p.ljust(6, "0")), int(p.ljust(6, "9"))) for p in filters.region_prefixes]
        if filters.regions is None and not filters.region_prefixes:
            ranges = [(0, 999_999)]
        days = [parse_day(filters.end, high=True), parse_day(filters.start, high=False)]
        boxes, args = [], []
        for lo, hi in ranges:
            boxes.append(f"SELECT k / {_MAX_REGIONS}, concepts FROM record_span "
                         "WHERE lo <= ? AND hi >= ? AND code_lo <= ? AND code_hi >= ?"
                         + (" AND concepts & ? != 0" if concepts else ""))
            args += [*days, hi, lo] + ([concepts] if concepts else [])
        limit = f" LIMIT {int(cap) + 1}" if cap is not None else ""
        return self.conn.execute(f"{' UNION '.join(boxes)}{limit}", args).fetchall()

    def fetch(self, rowids: Sequence[int]) -> list[Record]:
        """Records by rowid, in the order given."""
        if not rowids:
            return []
        sql = f"SELECT rowid, body FROM records WHERE rowid IN ({','.join('?' * len(rowids))})"
        bodies = dict(self.conn.execute(sql, list(rowids)).fetchall())
        return [Record.from_dict(json.loads(bodies[r])) for r in rowids if r in bodies]

    def provenance(self, record_id: str) -> list[dict]:
        keys = ("action", "source_file", "importer", "at", "previous_hash", "changed")
        rows = self.conn.execute(f"SELECT {', '.join(keys)} FROM provenance WHERE id = ? ORDER BY rowid", (record_id,))
        out = [dict(zip(keys, r)) for r in rows]
        for item in out:
            item["changed"] = json.loads(item["changed"]) if item["changed"] else []
        return out

    def stats(self) -> dict:
        def group(sql: str) -> dict:
            return {str(k): v for k, v in self.conn.execute(sql)}
        keys = ("source_file", "importer", "rows", "inserted", "updated", "unchanged", "skipped", "duplicates",
                "left_out", "at")
        imports = [dict(zip(keys, r)) for r in self.conn.execute(f"SELECT {', '.join(keys)} FROM imports ORDER BY rowid")]
        return {
            "records": len(self),
            "by_source": group("SELECT coalesce(source_name, '?'), count(*) FROM records GROUP BY 1 ORDER BY 2 DESC, 1"),
            "by_kind": group("SELECT kind, count(*) FROM records GROUP BY 1 ORDER BY 2 DESC, 1"),
            "by_region": group("SELECT code, count(*) FROM record_regions GROUP BY 1 ORDER BY 2 DESC, 1"),
            "by_year": group("SELECT substr(date, 1, 4), count(*) FROM records GROUP BY 1 ORDER BY 1"),
            "imports": imports,
        }


def _where(f: Filters) -> tuple[list[str], list]:
    where: list[str] = []
    args: list = []
    if f.regions is not None or f.region_prefixes:
        parts = []
        codes = list(f.regions or ())
        if codes:
            parts.append(f"code IN ({','.join('?' * len(codes))})")
            args += codes
        for prefix in f.region_prefixes:  # codes share their parent's leading digits
            parts.append("(code >= ? AND code < ?)")
            args += [prefix, prefix + "\uffff"]
        where.append(f"r.rowid IN (SELECT rid FROM record_regions WHERE {' OR '.join(parts) or '0'})")
    if f.sectors is not None:
        keys = list(f.sectors)
        where.append(f"r.rowid IN (SELECT rid FROM record_sectors WHERE sector IN ({','.join('?' * len(keys))}))")
        args += keys
    if f.kinds is not None:
        kinds = list(f.kinds)
        where.append(f"r.kind IN ({','.join('?' * len(kinds))})")
        args += kinds
    if f.start:  # overlap of [record.start, record.end] with [start, end], each at its own precision
        where.append("r.end >= ?")
        args.append(f.start)
    if f.end:
        where.append("r.start <= ?")
        args.append(f.end)
    return where, args


def search_texts(record: Record) -> tuple[str, str]:
    """The text a record is found by: its titles, and the rest (summary, typed fields, start of its text)."""
    title = record.titles
    body = " ".join(filter(None, (record.summary, record.key_points, record.expected_effect, record.scale,
                                  record.place, record.issuer, record.doc_number,
                                  (record.text or "")[:_TEXT_INDEXED])))
    return title, body


def parse_day(text: str | None, *, high: bool) -> int:
    """Day number (date.toordinal) of an ISO date; an open bound when `text` is None."""
    if not text:
        return 10**8 if high else -(10**8)
    return date.fromisoformat(text[:10]).toordinal()


def _prepare(record: Record) -> _Prepared:
    data = record.to_dict()
    body = json.dumps(data, ensure_ascii=False, sort_keys=True)
    content = {k: v for k, v in data.items() if k != "provenance"}
    digest = hashlib.sha1(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return _Prepared(record, body, digest, data)
