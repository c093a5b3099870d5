"""A first honest attributor: KB records by lag-aware date window and region, scored in readable parts.

Each record is offered to at most one node (the one it fits best); a record whose expected effect
contradicts the node's direction is never offered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from .. import regions as gazetteer
from ..detect.node import Node
from ..kb import KnowledgeBase
from ..kb.record import SOURCE_RANK, Record
from ..series import Frequency, Series
from .model import Attribution, Item
from .relation import describe

# (days before the node's interval, days after it, decay in days) by record kind: an event acts at
# once, a policy weeks to years after it is issued, a project when it starts operating.
DEFAULT_WINDOWS: dict[str, tuple[int, int, int]] = {
    "event": (31, 15, 20),
    "policy": (540, 31, 180),
    "plan": (540, 31, 240),
    "standard": (540, 31, 240),
    "market": (365, 31, 120),
    "project": (365, 31, 120),
    "statistic": (365, 0, 180),
}
_AUTHORITY = {0: 1.0, 1: 0.9, 2: 0.8, 3: 0.6}


@dataclass
class Attributor:
    """Explain nodes from a knowledge base.

    Parameters
    ----------
    windows : dict
        Per record kind: days before the node, days after it, decay scale.
    max_items : int
        Most items listed under one node.
    min_score : float
        Items scoring below this are not offered.
    """

    windows: dict | None = None
    max_items: int = 3
    min_score: float = 0.05

    def attribute(self, nodes: list[Node], series: Series, kb: KnowledgeBase) -> list[Attribution]:
        windows = self.windows or DEFAULT_WINDOWS
        region = gazetteer.lookup(series.region) if series.region else gazetteer.lookup(gazetteer.NATION)
        codes = [region.code, *region.ancestors]
        scored: dict[int, list[Item]] = {}
        looked: dict[int, int] = {}
        best_for: dict[str, tuple[float, int]] = {}
        for k, node in enumerate(nodes):
            lo, hi = _node_dates(node, series)
            widest_before = max(w[0] for w in windows.values())
            widest_after = max(w[1] for w in windows.values())
            hits = kb.search(region=region.code, start=(lo - timedelta(days=widest_before)).isoformat(),
                             end=(hi + timedelta(days=widest_after)).isoformat(), limit=None)
            looked[k] = len(hits)
            items = []
            for hit in hits:
                item = self._score(hit.record, node, lo, hi, region, series, windows)
                if item is None:
                    continue
                items.append(item)
                if item.score > best_for.get(hit.record.id, (-1, -1))[0]:
                    best_for[hit.record.id] = (item.score, k)
            scored[k] = items
        out = []
        for k, node in enumerate(nodes):
            mine = [i for i in scored[k] if best_for[i.record.id][1] == k]
            mine.sort(key=lambda i: -i.score)
            lo, hi = _node_dates(node, series)
            out.append(Attribution(
                node=node,
                items=tuple(mine[: self.max_items]),
                searched={
                    "regions": codes,
                    "window": [(lo - timedelta(days=max(w[0] for w in windows.values()))).isoformat(),
                               (hi + timedelta(days=max(w[1] for w in windows.values()))).isoformat()],
                    "windows_by_kind": {kind: list(w[:2]) for kind, w in windows.items()},
                    "candidates": looked[k],
                    "passed": len(scored[k]),
                },
            ))
        return out

    def _score(self, record: Record, node: Node, lo: date, hi: date, region, series: Series, windows) -> Item | None:
        before, after, decay = windows.get(record.kind, windows["policy"])
        start, end = record.start, record.end
        if end < lo - timedelta(days=before) or start > hi + timedelta(days=after):
            return None
        node_day = _node_dates(node, series, point=True)[0]
        lag = (start - node_day).days
        overlap = start <= hi and end >= lo
        time_fit = 1.0 if overlap else math.exp(-min(abs((start - hi).days), abs((end - lo).days)) / decay)
        direction = _direction_fit(record.direction, node.direction)
        if direction == 0:
            return None
        parts = {
            "time": time_fit,
            "region": _region_fit(record, region),
            "sector": _sector_fit(record, series.sector),
            "direction": direction,
            "authority": _AUTHORITY[min((SOURCE_RANK.get(s.source_type or "", 3) for s in record.sources), default=3)],
        }
        score = math.prod(parts.values())
        if score < self.min_score:
            return None
        zh, en = describe(lag, record.date_kind, record.date_precision)
        return Item(record=record, score=score, parts=parts, lag_days=lag, relation_zh=zh, relation_en=en,
                    after_node=start > node_day)


def _node_dates(node: Node, series: Series, point: bool = False) -> tuple[date, date]:
    """The node's date interval as calendar days (the whole period for monthly or annual data)."""
    if not series.dated:
        raise ValueError("an undated series cannot be attributed to dated records")
    lo = series.timestamp(node.interval_index[0]).date()
    hi_ts = series.timestamp(node.interval_index[1])
    if point:
        day = series.timestamp(node.index).date()
        return day, day
    step = {Frequency.MONTHLY: 31, Frequency.QUARTERLY: 92, Frequency.ANNUAL: 366, Frequency.WEEKLY: 7}.get(series.frequency, 1)
    return lo, (hi_ts + timedelta(days=step - 1)).date()


def _direction_fit(record_direction: str, node_direction: str) -> float:
    if record_direction == "unclear":
        return 0.6
    agrees = (record_direction == "raise") == (node_direction == "up")
    return 1.0 if agrees else 0.0


def _region_fit(record: Record, region) -> float:
    if region.code in record.regions:
        return 1.0
    if any(gazetteer.find(c) and region.contains(gazetteer.lookup(c)) for c in record.regions):
        return 0.6  # a sub-region's record explains its province only in part
    return 0.7  # national


def _sector_fit(record: Record, sector: str | None) -> float:
    if not record.sectors or sector is None:
        return 0.7
    if sector in record.sectors or "all" in record.sectors:
        return 1.0
    related = {"industry": {"energy", "power"}, "power": {"energy", "industry"}, "energy": {"power", "industry"}}
    return 0.7 if related.get(sector, set()) & set(record.sectors) else 0.4
