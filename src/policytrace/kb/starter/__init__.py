"""The starter KB shipped with the package: a curated, sourced selection built by `tools/build_starter.py`."""

from __future__ import annotations

import json
from importlib import resources

from ..record import Record

FILE = "records.jsonl"


def starter_records() -> list[Record]:
    """The starter records (national and Xinjiang policies and events, 2015–2025), each with its source."""
    path = resources.files(__package__) / FILE
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    return [Record.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]
