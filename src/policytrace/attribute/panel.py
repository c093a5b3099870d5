"""Panel mode: several regions (or regions × sectors) at once, telling common national breaks from
regional ones so that a national cause is credited once and a regional node gets a regional explanation.

Common breaks are searched on the pooled cross-section, not only by counting each member's own nodes:
a member's detector, run alone on a few years of monthly values at a 5% false-detection rate, misses
many moves that the panel shares (COVID-19 in early 2020 hit nearly every province, but a province's
dip is often within its noise). Each member's deseasonalised series (the detector's log values less
its season and Spring Festival effect) is standardised by the member's noise and the members are
averaged per period; the noise of that mean shrinks by up to sqrt(members), and the same detector,
with its calibrated penalty, searches it. A change found there is a common break when

- at least `share` of the members move the same way at that date: a node of the member's own in that
  direction within `tolerance` periods, or a one-sided test (`member_alpha`) of the member's departure
  along the pooled fit's shape, in a local regression that takes the member's own other changes as
  nuisance (else a member's own step elsewhere in the window would pass half the time), with the
  long-run variance of what the member's fit leaves; and
- it is not carried by one member: the mean of the others, without the member that moves most, passes
  the same test (a large move of one member shows in the mean, and a few coincident moves then make
  the share of a small panel).

A period where `share` of the members have a node of their own in one direction is common too (the
count used before the pooled search; the only one for panels that cannot be pooled, e.g. undated).

The common break is explained once, from national records, on the panel's total; each member's node at
that date points to it and keeps only its own region's records. A regional node may still be explained
by a national record, at a lower region fit, since a national cause would have shown in most members.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import regions as gazetteer
from .. import sectors as sector_names
from ..detect import Detector
from ..detect.node import Node, NodeKind
from ..errors import InputError
from ..kb import KnowledgeBase
from ..series import Frequency, Series
from ..series.read import GROUP_MEMBER, series_from_table
from ..series.table import (GROUP_NAMES, SECTOR_NAMES, data_sheet, find_column, load_table, load_workbook,
                            region_column, region_sheets)
from .attributor import Attributor
from .model import Attribution
from .pooled import Residual, member_residual, pooled_residual, pooled_search


@dataclass(frozen=True)
class CommonBreak:
    """A break that most panel members share, explained once."""

    id: str
    period: str
    direction: str
    members: tuple[str, ...]
    share: float
    attribution: Attribution | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "period": self.period, "direction": self.direction, "members": list(self.members),
                "share": round(self.share, 3),
                "attribution": self.attribution.to_dict() if self.attribution else None}


@dataclass(frozen=True)
class PanelResult:
    keys: tuple[str, ...]
    common: tuple[CommonBreak, ...]
    attributions: dict[str, list[Attribution]] = field(default_factory=dict)

    def regional(self, key: str) -> list[Attribution]:
        """The member's nodes that are not part of a common break."""
        return [a for a in self.attributions[key] if a.common is None]

    def to_dict(self) -> dict:
        return {
            "series": list(self.keys),
            "common_breaks": [c.to_dict() for c in self.common],
            "members": {k: [a.to_dict() for a in v] for k, v in self.attributions.items()},
        }


class PanelAttributor:
    """Detect and explain the nodes of a panel of series.

    Parameters
    ----------
    detector : Detector | None
        Finds each member's nodes (`fit(series).nodes_`); the default detector when None.
    attributor : Attributor | None
        Explains the nodes; its settings are shared by the common and the regional attributions.
    share : float
        Least share of members that move the same way at a break for it to be common.
    tolerance : int
        Periods (at the panel's working resolution: months for daily or monthly data) by which the
        members' node dates may differ and still be one break.
    regional_national_fit : float
        Region fit of a national record for a regional node.
    min_members : int
        A panel smaller than this has no common breaks.
    member_alpha : float
        One-sided level of the test that a member moves the same way as a pooled break.

    After `fit`: `result_` (a `PanelResult`) and `pooled_`, the detector fitted on the pooled
    standardised series (None where the members could not be pooled).
    """

    def __init__(self, detector: Detector | None = None, attributor: Attributor | None = None, share: float = 0.5,
                 tolerance: int = 1, regional_national_fit: float = 0.5, min_members: int = 3,
                 member_alpha: float = 0.05) -> None:
        self.detector = detector
        self.attributor = attributor
        self.share = share
        self.tolerance = tolerance
        self.regional_national_fit = regional_national_fit
        self.min_members = min_members
        self.member_alpha = member_alpha

    def fit(self, panel: Mapping[str, Series] | Sequence[Series], kb: KnowledgeBase) -> "PanelAttributor":
        members = dict(panel) if isinstance(panel, Mapping) else {series_key(s): s for s in panel}
        if not members:
            raise InputError("the panel has no series")
        detector = self.detector or Detector()
        base = self.attributor or Attributor()
        nodes: dict[str, list[Node]] = {}
        residuals: dict[str, Residual] = {}
        freq = _panel_frequency(members.values())
        for key, s in members.items():
            nodes[key] = list(detector.fit(s).nodes_)
            residual = member_residual(detector, freq)
            if residual is not None:
                residuals[key] = residual
        total = _total(members, freq)
        self.pooled_ = None
        pooled: list[tuple[str, str, list[str], list[tuple[str, int]], Node]] = []
        if len(members) >= self.min_members and len(residuals) >= self.min_members:
            pooled = self._pooled_breaks(detector, members, nodes, residuals, freq)
        taken = {(k, i) for *_, picked, _ in pooled for k, i in picked}
        counted = [(period, direction, [k for k, _ in picked], picked, None)
                   for period, direction, picked in self._common_groups(members, nodes, freq, taken)
                   if not any(d == direction and abs((pd.Period(period, freq) - pd.Period(p, freq)).n) <= self.tolerance
                              for p, d, *_ in pooled)]
        groups = sorted(pooled + counted, key=lambda g: g[0])

        common_nodes = [(_pooled_node(total, at, len(names) / len(members), len(names), freq)
                         if at is not None else
                         _common_node(total, [(members[k], nodes[k][i]) for k, i in picked], direction,
                                      len(names) / len(members), freq)) if total is not None else None
                        for _, direction, names, picked, at in groups]
        explained: dict[int, Attribution] = {}
        if total is not None and common_nodes:
            # all common breaks in one call: a record is credited to one of them, and a fall followed by a
            # recovery is a shock whose lost emissions are counted on the panel total
            order = sorted(range(len(common_nodes)), key=lambda g: common_nodes[g].index)
            national = replace(base, include_national=True, include_sub_regions=False, exclude=frozenset())
            for g, attribution in zip(order, national.attribute([common_nodes[g] for g in order], total, kb)):
                explained[g] = attribution
        common: list[CommonBreak] = []
        credited: set[str] = set()
        membership: dict[tuple[str, int], dict] = {}
        for g, (period, direction, names, picked, _) in enumerate(groups):
            cid = f"common-{period}-{direction}"
            if any(c.id == cid for c in common):  # two breaks of one period and direction (counted nodes)
                cid = f"{cid}-{sum(c.id.startswith(cid) for c in common) + 1}"
            attribution = explained.get(g)
            if attribution is not None:
                credited |= {item.record.id for item in attribution.items}
            found = CommonBreak(cid, period, direction, tuple(names), len(names) / len(members), attribution)
            common.append(found)
            for k, i in picked:
                membership[(k, i)] = {"id": cid, "period": period, "share": round(found.share, 3)}
        common.sort(key=lambda c: c.period)

        results: dict[str, list[Attribution]] = {}
        regional = replace(base, national_fit=self.regional_national_fit, exclude=frozenset(credited))
        shared = _Prefetched(kb)
        for key, series in members.items():
            attributions = regional.attribute(nodes[key], series, shared) if nodes[key] else []
            results[key] = [replace(a, common=membership.get((key, i))) for i, a in enumerate(attributions)]
        self.result_ = PanelResult(tuple(members), tuple(common), results)
        return self

    def _pooled_breaks(self, detector: Detector, members: dict[str, Series], nodes: dict[str, list[Node]],
                       residuals: dict[str, Residual], freq: str
                       ) -> list[tuple[str, str, list[str], list[tuple[str, int]], Node]]:
        """Breaks of the pooled series that `share` of the members follow: (period, direction, members,
        the members' own nodes at that break, the pooled node)."""
        frame = pd.DataFrame({k: r.z for k, r in residuals.items()}).sort_index()
        if len(frame) < 8:
            return []
        frame = frame.reindex(pd.period_range(frame.index[0], frame.index[-1], freq=freq))
        searched = pooled_search(detector, frame, freq)
        if searched is None:
            return []
        mean, pooled = searched
        self.pooled_ = pooled
        # the pooled series is native at the panel's resolution: node positions are periods
        cuts = sorted({n.index for n in pooled.nodes_ if n.kind is not NodeKind.SEASONAL})
        points = [(key, i, pd.Period(members[key].timestamp(node.index), freq=freq), node.direction)
                  for key, ns in nodes.items() for i, node in enumerate(ns) if node.kind is not NodeKind.SEASONAL]
        path = pd.Series(pooled.path_, index=mean.index)
        need = max(2, int(np.ceil(self.share * len(members))))
        used: set[tuple[str, int]] = set()
        found = []
        for node in pooled.nodes_:
            if node.kind is NodeKind.SEASONAL:
                continue
            at = node.index
            prev = max([0, *(c for c in cuts if c < at)])
            nxt = min([len(mean), *(c for c in cuts if c > at)])
            period = mean.index[at]
            # members are tested between the neighbouring pooled changes; a shock's departure lasts its span
            stop = min(at + node.duration, nxt) if node.duration else nxt
            near = self._members_near(points, period, node.direction, used)
            own = {k for k, _ in near}
            first, last, until = mean.index[prev], mean.index[nxt - 1], mean.index[stop - 1]
            # each member's loading on the pooled departure, once: its test here, the strongest mover below
            fits = {k: r.loading(r.z, first, period, last, until, path, self.tolerance) for k, r in residuals.items()}
            moved = [k for k in members if k in own or k in fits and residuals[k].follows(fits[k], self.member_alpha)]
            if len(moved) < need:
                continue
            # Not carried by one member: a large move of one member shows in the mean, and coincident moves
            # of a few others then make the share in a small panel. Without the member that moves most, the
            # mean of the others must still follow the break (the same test as a member's, at the found date,
            # with the other pooled changes as nuisance).
            loadings = {k: fitted[0] for k, fitted in fits.items() if fitted is not None}
            if loadings and len(residuals) > 1:
                strongest = max(loadings, key=loadings.get)
                others = pooled_residual(frame.drop(columns=[strongest]), pooled, at, residuals[strongest].window)
                if others is None or not others.moves(first, period, last, until, path, tolerance=self.tolerance,
                                                      alpha=self.member_alpha):
                    continue
            used |= set(near)
            # the pooled node's own size is in noise units: its change is the members' median change
            changes = [c for k in moved if k in residuals and (c := residuals[k].change_pct(
                first, period, last, until, path, tolerance=self.tolerance,
                trend=node.kind is NodeKind.TREND)) is not None]
            change = statistics.median(changes) if changes else node.change_pct
            found.append((str(period), node.direction, moved, near, replace(node, change_pct=round(change, 1))))
        return found

    def _common_groups(self, members: dict[str, Series], nodes: dict[str, list[Node]], freq: str,
                       taken: set[tuple[str, int]] = frozenset()) -> list[tuple[str, str, list[tuple[str, int]]]]:
        """Greedy: the period shared by most members first; each member's node joins one group at most."""
        if len(members) < self.min_members:
            return []
        points = [(key, i, pd.Period(members[key].timestamp(node.index), freq=freq), node.direction)
                  for key, ns in nodes.items() for i, node in enumerate(ns)]
        need = max(2, int(np.ceil(self.share * len(members))))
        used: set[tuple[str, int]] = set(taken)
        groups = []
        while True:
            best = None
            for _, _, period, direction in points:
                picked = self._members_near(points, period, direction, used)
                if best is None or len(picked) > len(best[2]):
                    best = (period, direction, picked)
            if best is None or len(best[2]) < need:
                return groups
            used |= set(best[2])
            groups.append((str(best[0]), best[1], best[2]))

    def _members_near(self, points, period, direction, used) -> list[tuple[str, int]]:
        chosen: dict[str, tuple[int, int]] = {}
        for key, i, p, d in points:
            if d != direction or (key, i) in used:
                continue
            gap = abs((p - period).n)
            if gap <= self.tolerance and (key not in chosen or gap < chosen[key][1]):
                chosen[key] = (i, gap)
        return [(key, i) for key, (i, _) in chosen.items()]


class _Prefetched:
    """The KB's records of the widest window asked so far, kept in memory: every member of a panel asks
    about the same years, and one query instead of one per member saves most of the panel's time."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.span: tuple[str, str] | None = None
        self.hits: list = []

    def search(self, query: str = "", *, start: str, end: str, limit: int | None = None, **filters):
        if query or filters or limit is not None:
            return self.kb.search(query, start=start, end=end, limit=limit, **filters)
        if self.span is None or start < self.span[0] or end > self.span[1]:
            lo, hi = (min(start, self.span[0]), max(end, self.span[1])) if self.span else (start, end)
            self.hits, self.span = self.kb.search(start=lo, end=hi, limit=None), (lo, hi)
        return [h for h in self.hits if h.record.end.isoformat() >= start and h.record.start.isoformat() <= end]


def series_key(series: Series) -> str:
    """'650000/industry': region code and sector of a member."""
    return f"{series.region or gazetteer.NATION}/{series.sector or 'all'}"


def read_panel(path: str | Path, *, regions: Sequence[str] | None = None, sectors: Sequence[str] | None = None,
               value_column: str | None = None) -> dict[str, Series]:
    """A long table (date, region, sector, value; Carbon Monitor's layout) as one Series per region × sector, or a
    workbook of a sheet per region (新疆, 广东 …) as one Series per region of the sector asked for.

    Each member is checked as `read_series` checks a file, so a bad cell is reported with its file, row and column.
    """
    path = Path(path)
    book = load_workbook(path)   # read once: its first data sheet, or its sheets by region
    frame = data_sheet(book) if book is not None else load_table(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    rcol, scol = region_column(frame), find_column(frame, SECTOR_NAMES)
    if rcol is None and book is not None and (sheets := region_sheets(book)):
        return _sheet_panel(path, sheets, regions, sectors, value_column)
    if rcol is None:
        raise InputError("a panel needs a region column (province/region/地区) or a sheet per region",
                         file=str(path))
    wanted_regions = {gazetteer.lookup(r).code for r in regions} if regions else None
    wanted_sectors = {sector_names.key(s) for s in sectors} if sectors else None
    region_codes = {v: getattr(gazetteer.find(str(v)), "code", None) for v in frame[rcol].dropna().unique()}
    unknown = [v for v, c in region_codes.items() if c is None]
    if unknown:
        row = int(frame.index[frame[rcol] == unknown[0]][0]) + 2
        raise InputError(f"unknown region {unknown[0]!r}", file=str(path), row=row, column=rcol)
    frame = frame.assign(_code=frame[rcol].map(region_codes))
    frame = frame.assign(_sector=frame[scol].map(sector_names.key) if scol else "all")
    gcol = find_column(frame, GROUP_NAMES, exclude={scol}) if scol else None
    if wanted_sectors is not None and gcol and not frame._sector.isin(wanted_sectors).any():
        # sector groups asked for (CEADs' 'Industry (...)'): each is the sum of its sectors, as in `read_series`
        frame = frame.assign(_sector=frame[gcol].map(sector_names.key), **{GROUP_MEMBER: frame[scol]})
    if wanted_regions is not None:
        if not (kept := frame._code.isin(wanted_regions)).any():
            raise InputError(f"no rows for the regions {', '.join(regions)}", file=str(path), column=rcol)
        frame = frame[kept]
    if wanted_sectors is not None:
        if not (kept := frame._sector.isin(wanted_sectors)).any():
            # named by the column that was read: the sector column, not the regions' (it had blamed 'province')
            column = gcol if gcol and GROUP_MEMBER in frame.columns else scol
            held = ", ".join(map(str, frame[column].dropna().unique()[:8])) if column else "no sector column"
            raise InputError(f"no rows for the sectors {', '.join(sectors)}; the file holds {held}", file=str(path),
                             column=column)
        frame = frame[kept]
    out: dict[str, Series] = {}
    for (code, sector), rows in frame.groupby(["_code", "_sector"], sort=True):
        # the slice keeps the file's row index, so an error names the user's line
        member = rows.drop(columns=[c for c in (rcol, scol, gcol, "_code", "_sector") if c])
        try:
            series = series_from_table(member, name=str(path), value_column=value_column)
        except InputError as exc:
            raise InputError(f"{gazetteer.lookup(code).name_zh} / {sector}: {exc.reason}", file=str(path),
                             row=exc.row, column=exc.column) from None
        series = replace(series, region=code, sector=sector, source=str(path))
        out[series_key(series)] = series
    return out


def _sheet_panel(path: Path, sheets: dict[str, pd.DataFrame], regions: Sequence[str] | None,
                 sectors: Sequence[str] | None, value_column: str | None) -> dict[str, Series]:
    """A workbook of a sheet per region as one Series per region, of the one sector asked for (else all)."""
    if sectors and len(sectors) > 1:
        raise InputError("a workbook of a sheet per region holds one sector: ask for one", file=str(path))
    sector = sector_names.key(sectors[0]) if sectors else "all"
    wanted = {gazetteer.lookup(r).code for r in regions} if regions else set(sheets)
    out: dict[str, Series] = {}
    for code in sorted(set(sheets) & wanted):
        sheet = f"{path} (sheet {sheets[code].attrs['sheet']})"   # an error names the sheet and its row
        series = series_from_table(sheets[code], name=sheet, value_column=value_column)
        series = replace(series, region=code, sector=sector, source=str(path))
        out[series_key(series)] = series
    if not out:
        raise InputError("no sheet for the regions asked for", file=str(path))
    return out


# The panel's working resolution (a pandas period alias) as a node's `working_resolution`.
RESOLUTION = {"M": Frequency.MONTHLY.value, "Q": Frequency.QUARTERLY.value, "Y": Frequency.ANNUAL.value}


def _panel_frequency(members) -> str:
    freqs = {s.frequency for s in members}
    if freqs <= {Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY}:
        return "M"
    if Frequency.ANNUAL in freqs:
        return "Y"
    return "Q"


def _total(members: dict[str, Series], freq: str) -> Series | None:
    """The panel's total (national for provinces of one sector), where members share a calendar."""
    series = list(members.values())
    if len({s.frequency for s in series}) != 1 or not series[0].dated:
        return None
    values = pd.concat([s.values for s in series], axis=1).sum(axis=1, min_count=1)
    sectors = {s.sector for s in series}
    return Series(values=values.astype(float), frequency=series[0].frequency, region=gazetteer.NATION,
                  sector=sectors.pop() if len(sectors) == 1 else "all", unit=series[0].unit, source="panel total")


def _pooled_node(total: Series, pooled: Node, share: float, members: int, freq: str) -> Node:
    """The pooled break as a node on the panel total: its date, interval and, for a shock, its end."""
    index = total.values.index

    def position(label: str, last: bool = False) -> int:
        stamp = pd.Timestamp(label)
        if last:
            return max(0, min(int(index.searchsorted(stamp, side="right")) - 1, len(index) - 1))
        return min(int(index.searchsorted(stamp)), len(index) - 1)

    at = position(pooled.date)
    lo = min(position(pooled.interval[0]), at)
    hi = max(position(_period_last(pooled.interval[1], total)), at)
    duration = end_date = None
    if pooled.duration:
        last = position(_period_last(pooled.end_date, total), last=True)
        duration, end_date = last - at + 1, total.label(last)
    window = max(1, len(index) // 24)
    before = float(total.values.iloc[max(0, at - window):at].mean()) if at else float(total.values.iloc[0])
    after = float(total.values.iloc[at:at + window].mean())
    kind = NodeKind.TREND if pooled.kind is NodeKind.TREND else NodeKind.EVENT
    return Node(index=at, date=total.label(at), kind=kind, confidence=round(share, 2), direction=pooled.direction,
                change_pct=pooled.change_pct, level_before=before, level_after=after,
                interval=(total.label(lo), total.label(hi)), interval_index=(lo, hi), duration=duration,
                end_date=end_date, details={"members": members, "pooled_confidence": pooled.confidence,
                                            "pooled_kind": pooled.kind.value, **_at_end([pooled]),
                                            "working_resolution": RESOLUTION[freq]})


def _period_last(label: str, total: Series) -> str:
    """The last day of the pooled period labelled `label` (the pooled series is monthly, quarterly or annual)."""
    period = pd.Period(label, freq=_panel_frequency([total]))
    return period.end_time.normalize().isoformat()


def _common_node(total: Series, members: list[tuple[Series, Node]], direction: str, share: float,
                 freq: str) -> Node:
    """A node on the panel total at the members' median date, its interval spanning theirs."""
    index = total.values.index
    stamps = sorted(s.timestamp(n.index) for s, n in members)
    lows = [s.timestamp(n.interval_index[0]) for s, n in members]
    highs = [s.timestamp(n.interval_index[1]) for s, n in members]
    at = int(index.searchsorted(stamps[len(stamps) // 2]))
    lo = int(index.searchsorted(statistics.median_low(lows)))
    hi = min(int(index.searchsorted(statistics.median_high(highs))), len(index) - 1)
    window = max(1, len(index) // 24)
    before = float(total.values.iloc[max(0, at - window):at].mean()) if at else float(total.values.iloc[0])
    after = float(total.values.iloc[at:at + window].mean())
    return Node(index=at, date=total.label(at), kind=NodeKind.EVENT, confidence=round(share, 2),
                direction=direction, change_pct=round(statistics.median(n.change_pct for _, n in members), 1),
                level_before=before, level_after=after, interval=(total.label(min(lo, at)), total.label(max(hi, at))),
                interval_index=(min(lo, at), max(hi, at)),
                details={"members": len(members), **_at_end([n for _, n in members]),
                         "working_resolution": RESOLUTION[freq]})


def _at_end(nodes: list[Node]) -> dict:
    """`at_end` (the change is seen only in the last periods) where most of `nodes` say so."""
    ends = [n.details["at_end"] for n in nodes if "at_end" in n.details]
    return {"at_end": min(ends)} if 2 * len(ends) > len(nodes) else {}
