"""Importers turn a user's file into `Record`s; `read_records` picks one by the file's type."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from ..record import Record


@dataclass
class Batch:
    """What one file gave: its records, the rows it could not take (with reasons), and counts."""

    records: list[Record]
    skipped: list[InputError] = field(default_factory=list)
    importer: str = "unknown"
    rows: int | None = None  # data rows of a table
    left_out: int = 0  # rows deliberately not taken (another country's)


TABLES = (".csv", ".csv.gz", ".tsv", ".xlsx")
JSON = (".json", ".jsonl", ".ndjson")
DOCUMENTS = (".html", ".htm", ".shtml", ".pdf", ".docx", ".md", ".markdown")


def read_records(path: str | Path, *, mapping=None) -> Batch:
    """Records of `path`. Raises `InputError` for a file it cannot take at all (nothing is imported then)."""
    from .documents import read_document
    from .jsonl import read_json
    from .tables import ColumnMapping, read_table

    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("is a folder; give the files in it", file=str(path))
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=str(path))
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    if isinstance(mapping, dict):
        mapping = ColumnMapping(**mapping)
    if suffix in TABLES:
        return _some_read(read_table(path, mapping=mapping), path)
    if suffix in JSON:
        return _some_read(read_json(path), path)
    if suffix in DOCUMENTS:
        return read_document(path)
    raise InputError(f"cannot import {suffix or 'files without an extension'}: give a table "
                     f"({', '.join(TABLES)}), JSON ({', '.join(JSON)}) or a document ({', '.join(DOCUMENTS)})",
                     file=str(path))


def _some_read(batch: Batch, path: Path) -> Batch:
    """`batch`, unless every row of it was turned away: then nothing is imported, and the first reason is the
    error (an import that took none of 40 rows had said "0 new" and exited 0, a new KB made all the same)."""
    if batch.skipped and not batch.records and not batch.left_out:
        first = batch.skipped[0]
        where = ", ".join(w for w in (f"row {first.row}" if first.row is not None else None,
                                      f"column {first.column!r}" if first.column else None) if w)
        raise InputError(f"no row could be read ({len(batch.skipped)} turned away); the first"
                         f"{', ' + where if where else ''}: {first.reason}", file=str(path))
    return batch


from .tables import ColumnMapping  # noqa: E402  (re-exported for KnowledgeBase.import_file)

__all__ = ["Batch", "ColumnMapping", "read_records"]
