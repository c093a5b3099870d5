"""Score one KB record against one node in readable parts; the total is their product.

Parts, each in [0, 1]: time (where the record's date falls against the node's date interval, by the
record kind's lag), region (hierarchy), sector, direction (a cut never explains a rise), kind (an event
for an outlier, a policy for a trend turn), text relevance (does the text speak of emissions, energy,
output or the series' sector at all) and source authority (central government > ministry >
provincial government > media). A product, so that one bad part sinks the item whatever the others.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from .. import sectors
from ..detect.node import Node, NodeKind
from ..kb.record import Record
from .scope import RegionScope
from .windows import Window

SHOCK = "shock"   # an event node that ends within SHOCK_DAYS, fitted apart from a lasting one
SHOCK_DAYS = 366

# How well a record kind can explain a node kind; statistics are evidence of a change, not its cause.
KIND_FIT: dict[str, dict[str, float]] = {
    NodeKind.EVENT.value: {"event": 1.0, "policy": 0.9, "project": 0.9, "market": 0.85, "plan": 0.8,
                           "standard": 0.8, "statistic": 0.6},
    NodeKind.OUTLIER.value: {"event": 1.0, "statistic": 0.5, "project": 0.4, "policy": 0.3, "market": 0.3,
                             "plan": 0.2, "standard": 0.2},
    NodeKind.TREND.value: {"policy": 1.0, "plan": 1.0, "standard": 1.0, "market": 0.9, "project": 0.8,
                           "event": 0.5, "statistic": 0.6},
    NodeKind.SEASONAL.value: {"policy": 1.0, "market": 0.9, "standard": 0.8, "plan": 0.7, "project": 0.6,
                              "event": 0.6, "statistic": 0.6},
    # A shock that is over within a year wants a cause that is over too: an event, or a measure that comes and
    # goes (`TEMPORARY_TERMS`, fitted as for an event node). A plan, a market or a plant acts lastingly, so it
    # cannot explain the return: the 2030 peaking plan had explained spring 2022's fall of ground transport, over
    # by June, in 28 provinces.
    SHOCK: {"event": 1.0, "statistic": 0.6, "policy": 0.5, "project": 0.4, "market": 0.3, "plan": 0.25,
            "standard": 0.25},
}
# Words of a title that names a measure that comes and goes: a curb on output, a halt, an emergency response.
# ("curb" alone is not one: "curbing the blind development of energy-intensive projects" is lasting.)
TEMPORARY_TERMS = ("限电", "有序用电", "拉闸", "限产", "压减", "停产", "减产", "错峰", "停工", "停运", "停业", "暂停",
                   "临时", "应急", "封控", "管控", "静默", "疫情", "power cut", "suspen", "halt", "temporar",
                   "emergency", "lockdown", "shutdown", "rationing", "covid")

# Words that show a record speaks of what moves emissions. Matching a fixed list rather than a model:
# no download at run time, and an analyst can read why a record scored low.
GENERAL_TERMS = (
    "碳", "排放", "能耗", "能源", "节能", "减排", "煤", "电力", "用电", "限电", "停产", "限产", "减产", "错峰",
    "疫情", "新冠", "应急响应", "一级响应", "公共卫生事件", "封控", "静默", "复工", "复产", "产能", "投产", "产量", "开工", "燃料", "天然气",
    "石油", "carbon", "emission", "energy", "coal", "power", "electricity", "covid", "lockdown",
    "emergency", "output", "capacity", "production", "fuel", "natural gas", "oil", "climate", "efficien", "ets",
)
SECTOR_TERMS: dict[str, tuple[str, ...]] = {
    "industry": ("工业", "制造", "钢", "铝", "水泥", "化工", "多晶硅", "硅", "冶炼", "建材", "焦", "industr",
                 "steel", "alumin", "cement", "chemical", "smelter", "factory", "manufactur"),
    "power": ("电力", "发电", "火电", "煤电", "电网", "电厂", "风电", "光伏", "新能源", "特高压", "机组", "power",
              "electricity", "grid", "wind", "solar", "renewable", "generation"),
    "energy": ("煤矿", "煤炭", "油气", "能源", "矿", "mine", "mining", "coal", "gas", "oil"),
    "transport": ("交通", "汽车", "车辆", "公路", "新能源汽车", "物流", "燃油", "transport", "vehicle", "road",
                  "traffic", "car"),
    "residential": ("供暖", "取暖", "建筑", "居民", "供热", "heating", "building", "household", "residential"),
    "aviation": ("航空", "民航", "航班", "机场", "aviation", "flight", "airport"),
}
RELATED_SECTORS = {"industry": {"energy", "power"}, "power": {"energy", "industry"}, "energy": {"power", "industry"}}

# Central ministries' web domains; other *.gov.cn hosts are provincial or local governments.
MINISTRY_DOMAINS = ("mee.gov.cn", "ndrc.gov.cn", "miit.gov.cn", "nea.gov.cn", "mof.gov.cn", "mofcom.gov.cn",
                    "most.gov.cn", "mohurd.gov.cn", "mot.gov.cn", "samr.gov.cn", "nhc.gov.cn", "stats.gov.cn",
                    "pbc.gov.cn", "mem.gov.cn", "caac.gov.cn", "mwr.gov.cn", "mnr.gov.cn", "sasac.gov.cn")
AUTHORITY: dict[str, float] = {"central": 1.0, "ministry": 0.9, "provincial": 0.8, "official": 0.8,
                               "state_media": 0.7, "database": 0.65, "industry_media": 0.6, "republisher": 0.5,
                               "unknown": 0.45}


@dataclass(frozen=True)
class Scored:
    """A record's parts against one node, or the reason it was turned away."""

    parts: dict[str, float] = field(default_factory=dict)
    reason: str | None = None
    region_level: str | None = None
    authority_level: str | None = None

    @property
    def score(self) -> float:
        return math.prod(self.parts.values()) if self.parts else 0.0


@dataclass(frozen=True)
class Scorer:
    """The parts of a record's fit to a node.

    Parameters
    ----------
    unclear_direction : float
        Direction fit of a record whose expected effect is unknown.
    kind_fit : dict
        Node kind → record kind → fit.
    """

    unclear_direction: float = 0.6
    kind_fit: dict = field(default_factory=lambda: KIND_FIT)

    def score(self, record: Record, node: Node, node_days: tuple[date, date], window: Window,
              scope: RegionScope, sector: str | None, branch: str | None = None) -> Scored:
        """All parts of `record` against `node`, or the reason it is turned away."""
        static = self.static_parts(record, scope, sector, branch)
        if static.reason:
            return Scored(reason=static.reason) if self.in_window(record, node_days, window) \
                else Scored(reason="outside_window")
        return self.node_parts(record, record.start, record.end, node, node_days, window, static)

    def static_parts(self, record: Record, scope: RegionScope, sector: str | None,
                     branch: str | None = None) -> Scored:
        """The parts that do not depend on the node: region, sector (`branch`: the series' own branch, see
        `sector_fit`), relevance, authority."""
        region = scope.fit(record)
        if region is None:
            return Scored(reason="other_region")
        if record.standing is not None:
            return Scored(reason=record.standing)   # a draft for comment, a changed address: no act on emissions
        level = authority_level(record)
        return Scored(parts={"region": region[1], "sector": sector_fit(record, sector, branch),
                             "relevance": relevance(record, sector), "authority": AUTHORITY[level]},
                      region_level=region[0], authority_level=level)

    def in_window(self, record: Record, node_days: tuple[date, date], window: Window) -> bool:
        start = record.start
        return _within(start, acts_until(record, start, record.end), node_days, window)

    def node_parts(self, record: Record, start: date, end: date, node: Node, node_days: tuple[date, date],
                   window: Window, static: Scored, settled: date | None = None) -> Scored:
        """Time, direction and kind against this node, joined to the static parts. `settled`: the last day of the
        period the node is dated in; a record dated after it, though inside the node's date interval, fits less
        the later it is (a cause comes before its effect, and the node's date is its likeliest)."""
        lo, hi = node_days
        last = acts_until(record, start, end)
        if not _within(start, last, node_days, window):
            return Scored(reason="outside_window")
        if static.reason:
            return static
        direction = self.direction_fit(record.direction, node.direction)
        if direction == 0.0:
            return Scored(reason="contradicts_direction")
        if record.kind != "event" and last > start:
            time = expected_time_fit(start, last, lo, hi, window)
        elif start <= hi and last >= lo:
            time = 1.0
        else:
            gap = (lo - last).days if last < lo else (start - hi).days
            time = math.exp(-gap / max(window.decay, 1))
        if settled is not None and start > settled:
            # decayed from the node's own period, not from its interval's end: a trend turn of 2020-09, dated to
            # within a year, had fitted a plan of 2021-11 fully
            time = min(time, math.exp(-(start - settled).days / max(window.decay, 1)))
        parts = {"time": time, "region": static.parts["region"], "sector": static.parts["sector"],
                 "direction": direction, "kind": self.kind_part(record, node, node_days),
                 "relevance": static.parts["relevance"], "authority": static.parts["authority"]}
        return Scored(parts=parts, region_level=static.region_level, authority_level=static.authority_level)

    def kind_part(self, record: Record, node: Node, node_days: tuple[date, date]) -> float:
        """How well the record's kind can explain the node's (a shock's, when the node is one)."""
        kind = node.kind.value if isinstance(node.kind, NodeKind) else str(node.kind)
        if kind == NodeKind.EVENT.value and is_shock(node, node_days[0]) and not comes_and_goes(record):
            kind = SHOCK
        return self.kind_fit.get(kind, {}).get(record.kind, 0.7)

    def direction_fit(self, record_direction: str, node_direction: str) -> float:
        """1 when the record's expected effect agrees with the node, 0 when it contradicts it."""
        if record_direction not in ("raise", "cut") or node_direction not in ("up", "down"):
            return self.unclear_direction
        return 1.0 if (record_direction == "raise") == (node_direction == "up") else 0.0


def is_shock(node: Node, first_day: date) -> bool:
    """A change that returns within `SHOCK_DAYS` of its first day (`end_date` is written at the series'
    resolution: a day, a month, a quarter or a year, here read as its first day)."""
    last = _first_day(node.end_date) if node.end_date is not None else None
    return last is not None and (last - first_day).days <= SHOCK_DAYS


@lru_cache(maxsize=4096)
def _first_day(label: str) -> date | None:
    # cached: asked once per record and node
    try:
        return pd.Period(label).start_time.date()
    except ValueError:
        return None


def comes_and_goes(record: Record) -> bool:
    """An event, or a measure whose title says it is temporary (a curb, an emergency response). Titles only: the
    long summary of a 2030 plan mentions emergencies too."""
    return record.kind == "event" or _temporary(record.titles.lower())


@lru_cache(maxsize=65536)
def _temporary(text: str) -> bool:
    return any(term in text for term in TEMPORARY_TERMS)


def acts_until(record: Record, start: date, end: date) -> date:
    """The last day from which `record` may act on a node (`start`, `end`: its first and last day, parsed once by
    the caller). An event acts while it lasts (a lockdown from start to end); a policy, plan or project acts from
    its date on, so a plan in force for five years does not fit every node inside them; a date known only to the
    month or the year may be any day of it."""
    if record.kind == "event":
        return end
    return start if record.date_precision == "day" else record.latest


def expected_time_fit(first: date, last: date, lo: date, hi: date, window: Window) -> float:
    """The time fit of a record dated only to a month or a year, [first, last], every day of it as likely: the
    share of its days inside the node's interval [lo, hi], plus those within the window, each decayed by its
    distance. A record of "2020" had fitted a node of January 2020 fully, by its first day."""
    days = np.arange((last - first).days + 1)
    start, stop = (lo - first).days, (hi - first).days
    gap = np.where(days < start, start - days, np.where(days > stop, days - stop, 0))
    allowed = (days >= start - window.before) & (days <= stop + window.after)
    return float(np.where(allowed, np.exp(-gap / max(window.decay, 1)), 0.0).mean())


def sector_fit(record: Record, sector: str | None, branch: str | None = None) -> float:
    """How well the record's sectors fit the series'; for a series of one branch (钢铁), a record that names
    only other branches (an aluminium standard) fits no better than a related sector."""
    if not record.sectors or sector is None:
        fit = 0.7
    elif sector in record.sectors or "all" in record.sectors:
        fit = 1.0       # an economy-wide record (an epidemic's emergency response) fits a total as fully
    elif sector == "all":
        fit = 0.7       # one sector's record is a part of the total
    else:
        fit = 0.7 if RELATED_SECTORS.get(sector, set()) & set(record.sectors) else 0.4
    if branch is not None:
        named = sectors.branches_named(_text(record))
        if named and not named & sectors.kin(branch):
            fit = min(fit, 0.7)
    return fit


def relevance(record: Record, sector: str | None) -> float:
    """0.35 for a text with no emission-related word, up to 0.75 with general ones (energy, emissions, an
    epidemic), 1 when it also names the series' sector (a smelter for industry, a grid for power)."""
    return _relevance(_text(record).lower(), sector)


def _text(record: Record) -> str:
    """What the scorer reads of a record: its titles and summary."""
    return " ".join(filter(None, (record.title, record.title_zh, record.summary)))


@lru_cache(maxsize=65536)
def _relevance(text: str, sector: str | None) -> float:
    general, specific = _terms(sector)
    words = set(re.findall(r"[a-z]+", text))
    hits_general, hits_specific = _hits(general, text, words), _hits(specific, text, words)
    score = 0.35 + 0.4 * min(1.0, (hits_general + hits_specific) / 2) + (0.25 if hits_specific else 0.0)
    return round(score, 3)


def _hits(terms: tuple[str, ...], text: str, words: set[str]) -> int:
    # Chinese terms match anywhere; English ones at a word start ("ets" is not "targets").
    return sum(1 for t in terms if (any(w.startswith(t) for w in words) if t.isascii() else t in text))


@lru_cache(maxsize=64)
def _terms(sector: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if sector in SECTOR_TERMS:
        specific = SECTOR_TERMS[sector]
        return tuple(t for t in GENERAL_TERMS if t not in specific), tuple(dict.fromkeys(specific))
    # A series of all sectors: any word of emissions, energy or any sector names it. (With only the sectors'
    # words as its own, a 50 MW solar plant's grid connection outranked the COVID-19 response for
    # Xinjiang's total emissions in January 2020.)
    return (), tuple(dict.fromkeys([*GENERAL_TERMS, *(t for terms in SECTOR_TERMS.values() for t in terms)]))


def authority_level(record: Record) -> str:
    """The most authoritative of the record's sources: by URL domain, issuer, then source type."""
    best = "unknown"
    for source in record.sources:
        for level in (_level_from_url(source.url), _level_from_issuer(source.publisher or record.issuer),
                      source.source_type or "unknown"):
            if AUTHORITY.get(level, 0) > AUTHORITY[best]:
                best = level
    return best


def authority(record: Record) -> float:
    return AUTHORITY[authority_level(record)]


def _level_from_url(url: str | None) -> str:
    host = (urlparse(url or "").hostname or "").lower()
    if host == "gov.cn" or host.endswith("www.gov.cn") or host.endswith("scio.gov.cn"):
        return "central"  # the State Council's portal (also big5./english.) and its Information Office
    if any(host == d or host.endswith("." + d) for d in MINISTRY_DOMAINS):
        return "ministry"
    if host.endswith(".gov.cn"):
        return "provincial"
    return "unknown"


def _level_from_issuer(issuer: str | None) -> str:
    if not issuer:
        return "unknown"
    if re.search(r"国务院|中共中央|State Council|Central Committee", issuer):
        return "central"
    if re.search(r"省|自治区|市|州|兵团", issuer):
        return "provincial"
    if re.search(r"^国家|部$|委员会$|总局$|Ministry|Commission|Administration", issuer):
        return "ministry"
    return "unknown"


def _within(start: date, last: date, node_days: tuple[date, date], window: Window) -> bool:
    """Whether a record acting from `start` to `last` may explain a node of `node_days` under `window`: it acts
    after the window opens, begins before it closes, and (`least`) long enough before the node."""
    lo, hi = node_days
    return not (last < _shift(lo, -window.before) or start > _shift(hi, window.after)
                or (window.least and start > _shift(lo, -window.least)))


def _shift(day: date, days: int) -> date:
    return day + timedelta(days=days)
