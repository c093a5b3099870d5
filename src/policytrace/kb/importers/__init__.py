"""Importers turn a user's file into `Record`s; `import_file` picks one by the file's shape."""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError
from ..record import Record
from .tables import read_table_records


def read_records(path: str | Path) -> tuple[list[Record], list[InputError], str]:
    """Records of `path`, the rows it skipped (each with its reason) and the importer's name.

    Raises `InputError` for a file it cannot take at all.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=str(path))
    suffix = "".join(path.suffixes).lower()
    if suffix.endswith((".csv", ".csv.gz", ".xlsx", ".tsv")):
        records, skipped = read_table_records(path)
        return records, skipped, "table"
    raise InputError(f"cannot import {suffix or 'this'} files yet (CSV or XLSX)", file=str(path))


__all__ = ["read_records"]
