"""A knowledge-base record: one policy, plan, project, market development, event or statistic."""

from __future__ import annotations

import calendar
import hashlib
import re
import dataclasses
from dataclasses import dataclass, field
from datetime import date

KINDS = ("policy", "plan", "standard", "market", "project", "event", "statistic")
# a kind as Chinese tables write it
KIND_WORDS = {"政策": "policy", "法规": "policy", "法律": "policy", "文件": "policy", "规划": "plan", "计划": "plan",
              "方案": "plan", "标准": "standard", "市场": "market", "交易": "market", "项目": "project",
              "工程": "project", "事件": "event", "统计": "statistic", "数据": "statistic"}
DIRECTIONS = ("raise", "cut", "unclear")
TYPED_FIELDS = {"issued": "颁布时间", "effective": "实施时间", "authority": "主管部门", "key_points": "政策要点",
                "expected_effect": "预期成效", "scale": "项目规模", "place": "实施地点"}
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
REGION_CODE = re.compile(r"\d{6}")
# 征求意见稿, 关于征求《…》意见的函, 草案: not in force. 草案 may stand in a law's title only until it is passed.
_DRAFT = re.compile(r"征求意见稿|征求.{0,80}意见|草案|\bdrafts?\b.{0,30}\b(comments?|opinions?|consultation)|"
                    r"solicit(ing)?\b.{0,40}\b(comments?|opinions?)|consultation draft|exposure draft", re.IGNORECASE)
# Routine business, no act on anyone's emissions: a plant's or firm's registered details changed (its legal
# representative, address or name), a reply to a deputy's proposal, a training course, a meeting, a call for
# entries, an award, a publicity campaign (146 of MEE's 1,260 documents)
_ADMINISTRATIVE = re.compile(r"(法定代表人|注册地址|名称)(信息)?变更|信息变更的函|更名|(建议|提案)的?答复|答复的函|培训班|"
                             r"(召开|举办)[^，。]{0,40}(会|班)|征集|征文|表彰|评选|竞赛|宣传(活动|工作|推选)")
# Nuclear-safety regulation of one facility (a QA programme, a hold point released, an inspection report, a
# construction permit): 261 of MEE's 1,260 documents. A reactor emits no CO2; only a new unit that starts to
# run displaces fossil power (not one back from refuelling, 换料).
_NUCLEAR = re.compile(r"核电|核设施|核动力|核岛|反应堆|研究堆|实验堆|快堆|气冷堆|乏燃料|放射性|nuclear|reactor",
                      re.IGNORECASE)
UNIT_STARTS = re.compile(r"颁发[^，。]{0,30}运行许可证》?的通知|首次装料|首次临界|商业运行|商运|并网|"
                         r"commercial operation|grid connection|first criticality", re.IGNORECASE)
_NUCLEAR_POLICY = re.compile(r"规划|发展|税|plan|develop|tax|build", re.IGNORECASE)

# A statement of long-range aims: a pledge, a speech, a nationally determined contribution, the outline of a
# five-year plan for the whole economy. It moves emissions only through the measures that follow it.
_AIMS = re.compile(r"nationally determined contribution|国家自主贡献|\bNDCs?\b|"
                   r"\b(announces?|pledges?)\b.{0,60}\b(aims?|targets?|goals?|peak\w*|neutral\w*)\b|"
                   r"宣布.{0,30}(目标|达峰|碳中和)|\bspeech\b|讲话|"
                   r"^(the )?\d{1,2}(st|nd|rd|th) five-year plan( \(\d{4}|$| for (the )?(national )?econom|"
                   r" for the development of (the )?national economy)|国民经济和社会发展第?.{1,3}个?五年规划|远景目标",
                   re.IGNORECASE)


def kind_named(word: str) -> str:
    """A record kind as a table or a user writes it: its name in any case, or a Chinese word (政策 is policy); a word
    it does not know comes back lower-cased, for the caller to refuse."""
    text = word.strip()
    return KIND_WORDS.get(text, text.lower())


def starts_a_unit(title: str) -> bool:
    """A nuclear unit licensed to run or reaching first criticality for the first time (not after refuelling or
    a repair, 换料, 恢复)."""
    return bool(_NUCLEAR.search(title) and UNIT_STARTS.search(title) and "换料" not in title and "恢复" not in title)


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
    fields: dict = field(default_factory=dict)  # further fields a source gives (instrument, status, place ...)
    provenance: dict = field(default_factory=dict, compare=False)
    # The seed report's typed fields (see TYPED_FIELDS); `issuer` is its 主管部门.
    issued: str | None = None  # 颁布时间, ISO as precise as known
    effective: str | None = None  # 实施时间
    key_points: str | None = None  # 政策要点
    expected_effect: str | None = None  # 预期成效
    scale: str | None = None  # 项目规模
    place: str | None = None  # 实施地点
    text: str | None = None  # full text of an imported document, for search

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}: one of {', '.join(KINDS)}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}: one of {', '.join(DIRECTIONS)}")
        if not PARTIAL_DATE.fullmatch(str(self.date)):
            raise ValueError(f"date {self.date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if self.end_date is not None and not PARTIAL_DATE.fullmatch(str(self.end_date)):
            raise ValueError(f"end date {self.end_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        if bad := [r for r in self.regions if not REGION_CODE.fullmatch(str(r))]:
            raise ValueError(f"region {bad[0]!r} is not a 6-digit code (000000 for the nation; importers read names)")

    def typed_fields(self) -> dict[str, str]:
        """The report's typed fields that this record has, keyed by their Chinese labels (颁布时间 …)."""
        values = {"issued": self.issued or (self.date if self.date_kind == "issued" else None),
                  "effective": self.effective or (self.date if self.date_kind == "effective" else None),
                  "authority": self.issuer, "key_points": self.key_points or self.summary,
                  "expected_effect": self.expected_effect, "scale": self.scale,
                  "place": self.place or self.fields.get("place")}
        return {TYPED_FIELDS[k]: v for k, v in values.items() if v}

    @property
    def date_precision(self) -> str:
        return {4: "year", 7: "month"}.get(len(self.date), "day")

    @property
    def start(self) -> date:
        """First day the record's date may mean."""
        return parse_partial(self.date)[0]

    @property
    def latest(self) -> date:
        """Last day the record's date may mean ('2021' may be any day of 2021)."""
        return parse_partial(self.date)[1]

    @property
    def end(self) -> date:
        """Last day the record covers: its end date, or the end of its date's precision."""
        return parse_partial(self.end_date or self.date)[1]

    @property
    def display_title(self) -> str:
        return self.title_zh or self.title

    @property
    def titles(self) -> str:
        """The title and the Chinese title, as one text to search."""
        return " ".join(filter(None, (self.title, self.title_zh)))

    @property
    def standing(self) -> str | None:
        """"draft" for a text put out for comment (征求意见稿), "administrative" for routine business (a changed
        legal representative, a reply to a deputy, a training course, a meeting), "nuclear_safety" for the
        safety regulation of a nuclear facility; None for an act that may move emissions. Read from the titles."""
        title = self.display_title      # the Chinese one where there is one; MEE's English is a machine's
        if _DRAFT.search(title):
            return "draft"
        if _ADMINISTRATIVE.search(title):
            return "administrative"
        if _NUCLEAR.search(title) and not starts_a_unit(title) and not _NUCLEAR_POLICY.search(title):
            return "nuclear_safety"
        return None

    @property
    def states_aims(self) -> bool:
        """A pledge, a speech, an NDC or a five-year plan's outline: aims that act only through later measures
        (so it explains no change in the months after it; see `attribute.windows`). Read from the titles."""
        return self.kind in ("policy", "plan") and bool(_AIMS.search(self.titles))

    @property
    def url(self) -> str:
        """The best source's URL: official before state media before republishers."""
        best = self.best_source
        return best.url if best else ""

    @property
    def best_source(self) -> Source | None:
        if not self.sources:
            return None
        return min(self.sources, key=lambda s: SOURCE_RANK.get(s.source_type or "", 4))

    def to_dict(self) -> dict:
        # Written out rather than dataclasses.asdict, whose deep copy was half of the import time.
        out = {name: getattr(self, name) for name in _FIELD_ORDER}
        out["regions"] = list(self.regions)
        out["sectors"] = list(self.sectors)
        out["sources"] = [dict(vars(s)) for s in self.sources]
        out["fields"] = dict(self.fields)
        out["provenance"] = dict(self.provenance)
        out["date_precision"] = self.date_precision
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Record":
        """The inverse of `to_dict`; keys this version does not know go into `fields`."""
        data = dict(data)
        data.pop("date_precision", None)
        unknown = set(data) - _FIELD_NAMES
        if unknown:
            data["fields"] = {**(data.get("fields") or {}), **{k: data.pop(k) for k in sorted(unknown)}}
        data["regions"] = tuple(data.get("regions") or ())
        data["sectors"] = tuple(data.get("sectors") or ())
        data["sources"] = tuple(Source(**s) for s in data.get("sources") or ())
        return cls(**data)


_FIELD_ORDER = tuple(f.name for f in dataclasses.fields(Record))
_FIELD_NAMES = set(_FIELD_ORDER)


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
