"""SQLite storage of records: one file, WAL, FTS5 (trigram) over titles and summaries.

The store is small on purpose: attribution talks to `KnowledgeBase`, which talks to a store, so
another backend can stand in without touching attribution.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import KnowledgeBaseError
from .record import Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    date TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    direction TEXT NOT NULL,
    source_name TEXT,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_time ON records(start, end);
CREATE TABLE IF NOT EXISTS record_regions (id TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (code, id));
CREATE TABLE IF NOT EXISTS record_sectors (id TEXT NOT NULL, sector TEXT NOT NULL, PRIMARY KEY (sector, id));
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(id UNINDEXED, title, title_zh, summary, tokenize='trigram');
CREATE TABLE IF NOT EXISTS provenance (
    id TEXT NOT NULL, action TEXT NOT NULL, source_file TEXT, importer TEXT, at TEXT NOT NULL, previous_hash TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int
    unchanged: int
    skipped: tuple[str, ...] = ()  # one message per row that could not become a record

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


class SQLiteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseError(f"{self.path}: not a policytrace knowledge base ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    def upsert(self, records: Iterable[Record], *, source_file: str | None, importer: str) -> ImportResult:
        """Write all records in one transaction: all or nothing; unchanged records are left alone."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        with self.conn:  # commits on success, rolls back on any exception
            for record in records:
                body = json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True)
                digest = _content_hash(record)
                row = self.conn.execute("SELECT content_hash FROM records WHERE id = ?", (record.id,)).fetchone()
                if row and row[0] == digest:
                    counts["unchanged"] += 1
                    continue
                action = "updated" if row else "inserted"
                counts[action] += 1
                self._delete(record.id)
                self.conn.execute(
                    "INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?)",
                    (record.id, record.kind, record.date, record.start.isoformat(), record.end.isoformat(),
                     record.direction, record.provenance.get("source_name"), body, digest),
                )
                self.conn.executemany("INSERT OR IGNORE INTO record_regions VALUES (?,?)",
                                      [(record.id, c) for c in record.regions])
                self.conn.executemany("INSERT OR IGNORE INTO record_sectors VALUES (?,?)",
                                      [(record.id, s) for s in record.sectors])
                self.conn.execute("INSERT INTO records_fts VALUES (?,?,?,?)",
                                  (record.id, record.title, record.title_zh or "", record.summary or ""))
                self.conn.execute("INSERT INTO provenance VALUES (?,?,?,?,?,?)",
                                  (record.id, action, source_file, importer, now, row[0] if row else None))
        return ImportResult(**counts)

    def _delete(self, record_id: str) -> None:
        for table in ("records", "record_regions", "record_sectors", "records_fts"):
            self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))

    def get(self, record_id: str) -> Record | None:
        row = self.conn.execute("SELECT body FROM records WHERE id = ?", (record_id,)).fetchone()
        return Record.from_dict(json.loads(row[0])) if row else None

    def __iter__(self) -> Iterator[Record]:
        for (body,) in self.conn.execute("SELECT body FROM records ORDER BY start, id"):
            yield Record.from_dict(json.loads(body))

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def query(
        self,
        *,
        terms: list[str] | None = None,
        regions: Iterable[str] | None = None,
        start: str | None = None,
        end: str | None = None,
        kinds: Iterable[str] | None = None,
        sectors: Iterable[str] | None = None,
        limit: int | None = None,
    ) -> list[tuple[Record, float]]:
        """Records matching every filter, with a lexical score (higher is better; 0 without terms)."""
        where, args = [], []
        if regions is not None:
            codes = list(regions)
            where.append(f"r.id IN (SELECT id FROM record_regions WHERE code IN ({','.join('?' * len(codes))}))")
            args += codes
        if sectors is not None:
            keys = list(sectors)
            where.append(f"r.id IN (SELECT id FROM record_sectors WHERE sector IN ({','.join('?' * len(keys))}))")
            args += keys
        if kinds is not None:
            ks = list(kinds)
            where.append(f"r.kind IN ({','.join('?' * len(ks))})")
            args += ks
        if start:
            where.append("r.end >= ?")
            args.append(start)
        if end:
            where.append("r.start <= ?")
            args.append(end)
        score_sql, join = "0.0", ""
        if terms:
            long_terms = [t for t in terms if len(t) >= 3]
            short_terms = [t for t in terms if len(t) < 3]
            if long_terms:
                match = " OR ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
                join = "JOIN (SELECT id, -bm25(records_fts) AS s FROM records_fts WHERE records_fts MATCH ?) f ON f.id = r.id"
                args.insert(0, match)
                score_sql = "f.s"
            for t in short_terms:  # trigram needs 3 characters; shorter words fall back to LIKE
                where.append("r.id IN (SELECT id FROM records_fts WHERE title LIKE ? OR title_zh LIKE ? OR summary LIKE ?)")
                args += [f"%{t}%"] * 3
        sql = f"SELECT r.body, {score_sql} FROM records r {join}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {score_sql} DESC, r.start"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [(Record.from_dict(json.loads(body)), float(score)) for body, score in self.conn.execute(sql, args)]

    def provenance(self, record_id: str) -> list[dict]:
        rows = self.conn.execute(
            "SELECT action, source_file, importer, at, previous_hash FROM provenance WHERE id = ? ORDER BY rowid",
            (record_id,))
        return [dict(zip(("action", "source_file", "importer", "at", "previous_hash"), r)) for r in rows]

    def stats(self) -> dict:
        def group(sql: str) -> dict:
            return {str(k): v for k, v in self.conn.execute(sql)}
        return {
            "records": len(self),
            "by_source": group("SELECT coalesce(source_name, '?'), count(*) FROM records GROUP BY 1 ORDER BY 2 DESC"),
            "by_kind": group("SELECT kind, count(*) FROM records GROUP BY 1 ORDER BY 2 DESC"),
            "by_region": group("SELECT code, count(*) FROM record_regions GROUP BY 1 ORDER BY 2 DESC"),
            "by_year": group("SELECT substr(date, 1, 4), count(*) FROM records GROUP BY 1 ORDER BY 1"),
        }


def _content_hash(record: Record) -> str:
    import hashlib

    data = record.to_dict()
    data.pop("provenance", None)
    return hashlib.sha1(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
