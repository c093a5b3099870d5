"""A knowledge-base record: one policy, plan, project, market development, event or statistic."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date

KINDS = ("policy", "plan", "standard", "market", "project", "event", "statistic")
DIRECTIONS = ("raise", "cut", "unclear")
SOURCE_RANK = {"official": 0, "state_media": 1, "industry_media": 2, "database": 2, "republisher": 3}


@dataclass(frozen=True)
class Source:
    url: str
    publisher: str | None = None
    source_type: str | None = None  # official, state_media, industry_media, database, republisher
    doc_number: str | None = None
    retrieved: str | None = None


@dataclass(frozen=True)
class Record:
    """One dated item of the KB.

    `date` is ISO text as precise as the source allows ('2021', '2021-09', '2021-09-16');
    `regions` are 6-digit codes (000000 = nation); `sectors` keys of `policytrace.sectors`.
    """

    id: str
    kind: str
    title: str
    date: str
    regions: tuple[str, ...]
    sources: tuple[Source, ...]
    title_zh: str | None = None
    summary: str | None = None
    end_date: str | None = None
    date_kind: str = "issued"  # issued, effective, started, ended, reported
    sectors: tuple[str, ...] = ()
    direction: str = "unclear"
    issuer: str | None = None
    doc_number: str | None = None
    fields: dict = field(default_factory=dict)  # typed report fields: 政策要点, 项目规模 ...
    provenance: dict = field(default_factory=dict, compare=False)

    @property
    def date_precision(self) -> str:
        return {4: "year", 7: "month"}.get(len(self.date), "day")

    @property
    def start(self) -> date:
        """First day the record's date may mean."""
        return parse_partial(self.date)[0]

    @property
    def end(self) -> date:
        """Last day the record covers: its end date, or the end of its date's precision."""
        return parse_partial(self.end_date or self.date)[1]

    @property
    def display_title(self) -> str:
        return self.title_zh or self.title

    @property
    def url(self) -> str:
        return self.sources[0].url if self.sources else ""

    def to_dict(self) -> dict:
        out = asdict(self)
        out["regions"] = list(self.regions)
        out["sectors"] = list(self.sectors)
        out["date_precision"] = self.date_precision
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Record":
        data = dict(data)
        data.pop("date_precision", None)
        data["regions"] = tuple(data.get("regions") or ())
        data["sectors"] = tuple(data.get("sectors") or ())
        data["sources"] = tuple(Source(**s) for s in data.get("sources") or ())
        return cls(**data)


def parse_partial(text: str) -> tuple[date, date]:
    """'2021' → (2021-01-01, 2021-12-31); '2021-09' → the month; '2021-09-16' → that day."""
    parts = [int(p) for p in str(text).strip()[:10].split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
    day = date(*parts[:3])
    return day, day


def stable_id(*parts: str | None) -> str:
    """An id that survives re-imports: a hash of the source and its own id (or the content)."""
    key = "\x1f".join((p or "").strip() for p in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
