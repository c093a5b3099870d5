"""Explain nodes from a knowledge base: retrieve lag-aware candidates, score them in parts, verify.

Verification rules: every item is a KB record with a source URL; a record stands under one node only
(the one it fits best); a record dated after its node passes only inside its kind's lag window and is
labelled; a contradicting direction never passes; an empty node says what was searched and why each
candidate was turned away.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from .. import sectors
from ..detect.node import Node
from ..kb import KnowledgeBase
from ..kb.record import Record
from ..series import Frequency, Series
from .effect import EffectEstimator
from .model import Attribution, Item
from .relation import describe
from .scope import RegionScope
from .scoring import Scored, Scorer
from .windows import LagWindows, Window


@dataclass
class Attributor:
    """Explain nodes from a knowledge base.

    Parameters
    ----------
    windows : LagWindows | dict | None
        Lag windows; a dict maps record kind → (days before, days after, decay days).
    scorer : Scorer | None
        How a record's parts are scored.
    max_items : int
        Most items listed under one node.
    min_score : float
        Items scoring below this are not offered.
    neighbours : tuple[str, ...]
        Regions (names or codes) whose records may also explain the series' nodes, at a lower fit.
    include_national : bool
        Whether national records may explain the nodes.
    include_sub_regions : bool
        Whether records of regions inside the series' region may explain its nodes (at a lower fit).
    national_fit : float
        Region fit of a national record (panel mode lowers it for regional nodes).
    exclude : frozenset[str]
        Record ids already credited elsewhere (panel mode: to a common national break).
    effects : EffectEstimator | None
        Effect size and counterfactual; None skips them.
    """

    windows: LagWindows | dict | None = None
    scorer: Scorer | None = None
    max_items: int = 3
    min_score: float = 0.3
    neighbours: tuple[str, ...] = ()
    include_national: bool = True
    include_sub_regions: bool = True
    national_fit: float = 0.8
    exclude: frozenset[str] = frozenset()
    effects: EffectEstimator | None = field(default_factory=EffectEstimator)

    def attribute(self, nodes: list[Node], series: Series, kb: KnowledgeBase) -> list[Attribution]:
        if not nodes:
            return []
        if not series.dated:
            from ..errors import InputError

            raise InputError("an undated series cannot be attributed to dated records: give the series dates")
        windows = _lag_windows(self.windows)
        scorer = self.scorer or Scorer()
        scope = RegionScope.of(series.region, neighbours=tuple(self.neighbours),
                               include_national=self.include_national,
                               include_sub_regions=self.include_sub_regions, national=self.national_fit)
        spans = [node_days(n, series) for n in nodes]
        widest = [windows.widest(n.kind, series.frequency) for n in nodes]
        start = min(lo - timedelta(days=w.before) for (lo, _), w in zip(spans, widest))
        end = max(hi + timedelta(days=w.after) for (_, hi), w in zip(spans, widest))
        # One query for the whole span, filtered here: the region hierarchy (sub-regions, neighbours)
        # is wider than the KB's own region filter.
        records = _unique([h.record for h in kb.search(start=start.isoformat(), end=end.isoformat(), limit=None)])
        dated = [(r, r.start, r.end) for r in records]  # parsed once: nodes × records comparisons follow

        sector = sectors.coarse(series.sector) or series.sector   # a branch (钢铁) is explained as its sector
        branch = sectors.branch_of(series.sector)
        statics = {r.id: scorer.static_parts(r, scope, sector, branch) for r in records}
        window_of = _cached(lambda kind, date_kind, node_kind: windows.window(kind, date_kind, node_kind,
                                                                                series.frequency))
        lag_kind = {r.id: windows.lag_kind(r) for r in records}
        passed: list[list[Item]] = []
        rejected: list[Counter] = []
        looked: list[int] = []
        for node, (lo, hi), wide in zip(nodes, spans, widest):
            point = series.timestamp(node.index).date()
            resolution = node_resolution(node, series)
            settled = resolution.last_day(pd.Timestamp(point)).date()   # the last day of the period it is dated in
            items, reasons, count = [], Counter(), 0
            first, last = lo - timedelta(days=wide.before), hi + timedelta(days=wide.after)
            for record, r_start, r_end in dated:
                if r_end < first or r_start > last:
                    continue
                count += 1
                window = window_of(lag_kind[record.id], record.date_kind, node.kind)
                scored = scorer.node_parts(record, r_start, r_end, node, (lo, hi), window, statics[record.id],
                                           settled)
                item, reason = self._item(record, (point, settled), resolution, (lo, hi), window, scored)
                if item is None:
                    reasons[reason] += 1
                else:
                    items.append(item)
            passed.append(items)
            rejected.append(reasons)
            looked.append(count)

        best = _best_node(passed, nodes)
        effects = self.effects.estimate(nodes, series) if self.effects else [{} for _ in nodes]
        out = []
        for k, node in enumerate(nodes):
            mine = [i for i in passed[k] if best[_identity(i.record)] == k]
            rejected[k]["better_fit_other_node"] += len(passed[k]) - len(mine)
            mine.sort(key=lambda i: (-i.score, abs(i.lag_days)))
            mine, duplicates = _drop_same_event(mine)
            rejected[k]["same_event_other_source"] += duplicates
            rejected[k]["beyond_max_items"] += max(0, len(mine) - self.max_items)
            lo, hi = spans[k]
            out.append(Attribution(
                node=node,
                items=tuple(mine[: self.max_items]),
                searched={
                    "regions": _codes(scope),
                    "region_levels": scope.to_dict(),
                    "node_dates": [lo.isoformat(), hi.isoformat()],
                    "window": [(lo - timedelta(days=widest[k].before)).isoformat(),
                               (hi + timedelta(days=widest[k].after)).isoformat()],
                    "windows_by_kind": windows.describe(node.kind, series.frequency),
                    "candidates": looked[k],
                    "passed": len(mine),
                    "rejected": {r: c for r, c in sorted(rejected[k].items()) if c},
                    "min_score": self.min_score,
                },
                effect=effects[k],
            ))
        return out

    def _item(self, record: Record, period: tuple[date, date], resolution: Frequency, span: tuple[date, date],
              window: Window, scored: Scored) -> tuple[Item | None, str | None]:
        """`period`: the node's date and the last day of the period it is dated in, at `resolution`."""
        if scored.reason == "outside_window":
            return None, scored.reason
        if record.id in self.exclude:
            return None, "credited_to_common_break"
        if not any(s.url for s in record.sources):
            return None, "no_source_url"
        if scored.reason:
            return None, scored.reason
        if scored.score < self.min_score:
            return None, "below_min_score"
        point = period[0]
        lag = (record.start - point).days
        after = record.start > point
        zh, en = describe(lag, record.date_kind, record.date_precision, shared_period(record, period, resolution))
        note_zh = note_en = None
        if after and record.start <= span[1]:
            note_zh = f"晚于节点日期，但在节点的日期区间内（{span[0]} 至 {span[1]}）"
            note_en = f"dated after the node's date but inside its date interval ({span[0]} to {span[1]})"
        elif after:
            note_zh = f"晚于节点：在{_kind_zh(record.kind)}类的滞后窗口（节点区间后 {window.after} 天）内"
            note_en = f"dated after the node: inside the {record.kind} lag window ({window.after} days after its interval)"
        return Item(record=record, score=scored.score, parts=scored.parts, lag_days=lag, relation_zh=zh,
                    relation_en=en, after_node=after, window=(window.before, window.after),
                    region_level=scored.region_level, authority_level=scored.authority_level,
                    note_zh=note_zh, note_en=note_en), None


def node_days(node: Node, series: Series) -> tuple[date, date]:
    """The node's date interval as calendar days (the whole last period for monthly or annual data)."""
    lo = series.timestamp(node.interval_index[0]).date()
    hi = series.timestamp(node.interval_index[1]).date()
    point = series.timestamp(node.index).date()
    lo, hi = min(lo, point), max(hi, point)
    return lo, series.frequency.last_day(pd.Timestamp(hi)).date()


def node_resolution(node: Node, series: Series) -> Frequency:
    """The resolution the node was found at: the series' own, or the one its data were read at (a daily series
    read as monthly: monthly)."""
    resolution = node.details.get("working_resolution")
    return Frequency(resolution) if resolution in {f.value for f in Frequency} else series.frequency


_UNIT = {Frequency.WEEKLY: "week", Frequency.MONTHLY: "month", Frequency.QUARTERLY: "quarter",
         Frequency.ANNUAL: "year"}


def shared_period(record: Record, period: tuple[date, date], resolution: Frequency) -> str | None:
    """The period that holds both the record's date and the node's (`period`: the node's first and last day at
    `resolution`): the node's, where the record falls in it; the record's month or year, where its date is known
    only to that and holds the node's date; else None."""
    first, last = period
    if last > first and first <= record.start <= last:
        return _UNIT.get(resolution)
    if record.date_precision in ("month", "year") and record.start <= first <= record.latest:
        return record.date_precision
    return None


def _lag_windows(windows: LagWindows | dict | None) -> LagWindows:
    if windows is None:
        return LagWindows()
    if isinstance(windows, LagWindows):
        return windows
    return LagWindows(lags={kind: Window(*w) for kind, w in windows.items()})


def _unique(records: list[Record]) -> list[Record]:
    seen, out = set(), []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            out.append(record)
    return out


def _best_node(passed: list[list[Item]], nodes: list[Node]) -> dict[str, int]:
    """For each record (a source URL counts once), the node it fits best: highest score, then nearest."""
    best: dict[str, tuple[float, int, int]] = {}
    for k, items in enumerate(passed):
        for item in items:
            key, rank = _identity(item.record), (item.score, -abs(item.lag_days), -k)
            if key not in best or rank > best[key]:
                best[key] = rank
    return {key: -rank[2] for key, rank in best.items()}


def _identity(record: Record) -> str:
    return record.url or record.id


def _drop_same_event(items: list[Item]) -> tuple[list[Item], int]:
    """One item per event or document: the same news told by two sources, or a notice and the scheme it
    issues (same kind, dated within a month, one title inside the other or much the same) is one piece of
    evidence; the better-scored source stays."""
    out: list[Item] = []
    for item in items:
        if any(_same_event(o.record, item.record) for o in out):
            continue
        out.append(item)
    return out, len(items) - len(out)


def _same_event(a: Record, b: Record) -> bool:
    from difflib import SequenceMatcher

    # dated within a month of each other; a date known only to its year or month may be any day of it
    # (NewClimate's "12th Five-Year Plan … (2011)" is CCLW's of 2011-03-12)
    if a.kind != b.kind or (a.start - b.latest).days > 31 or (b.start - a.latest).days > 31:
        return False
    ta, tb = _bare(a.display_title), _bare(b.display_title)
    if min(len(ta), len(tb)) >= 8 and (ta in tb or tb in ta):
        return True
    return a.regions == b.regions and SequenceMatcher(None, ta, tb).ratio() >= 0.75


def _bare(title: str) -> str:
    """A title without punctuation, spaces and case: 《方案》 and 方案 compare equal."""
    return "".join(ch for ch in title.lower() if ch.isalnum())


def _codes(scope: RegionScope) -> list[str]:
    codes = [scope.region.code, *scope.region.ancestors]
    if not scope.include_national:
        codes = [c for c in codes if c != "000000"]
    return codes + [n.code for n in scope.neighbours]


def _kind_zh(kind: str) -> str:
    return {"event": "事件", "policy": "政策", "plan": "规划", "standard": "标准", "market": "市场",
            "project": "项目", "statistic": "统计"}.get(kind, kind)


def _cached(function):
    memo: dict = {}

    def call(*args):
        if args not in memo:
            memo[args] = function(*args)
        return memo[args]
    return call
