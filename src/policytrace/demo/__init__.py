"""Bundled demo: Carbon Monitor's Xinjiang industry series and a small KB of real, sourced records.

Both files are built by `tools/build_demo.py` from the shared public data; nothing is downloaded.
"""

from __future__ import annotations

import json
from importlib import resources

from ..kb import KnowledgeBase
from ..kb.record import Record
from ..series import Series, read_series

SERIES_FILE = "xinjiang_industry_daily_2019_2022.csv"
KB_FILE = "kb_records.jsonl"
REGION, SECTOR = "650000", "industry"


def demo_series() -> Series:
    with resources.as_file(resources.files(__package__) / SERIES_FILE) as path:
        return read_series(path, region=REGION, sector=SECTOR)


def demo_records() -> list[Record]:
    text = (resources.files(__package__) / KB_FILE).read_text(encoding="utf-8")
    return [Record.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]


def demo_kb() -> KnowledgeBase:
    kb = KnowledgeBase.open(":memory:")
    kb.add(demo_records(), source_file=KB_FILE, importer="demo")
    return kb
