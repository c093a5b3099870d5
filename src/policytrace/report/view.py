"""What a reader sees of a report, in one language: the typed fields of each item, labelled.

Every renderer (Markdown, HTML, DOCX, the web page through `report.json`) reads these views, so a
field is named and ordered in one place. Records come from other modules that grow; the view reads
their public fields and tolerates what it does not know.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .. import regions
from ..attribute.model import Attribution, Item
from ..kb.record import Record
from .change import change_text, periods_text
from .empty import empty_text

LANGS = ("zh", "en")
POLICY_KINDS = ("policy", "plan", "standard")

# Typed record fields may arrive under an English key or the report's Chinese label.
_ALIASES = {
    "key_points": ("key_points", "points", "政策要点", "要点"),
    "expected": ("expected_effect", "expected", "预期成效"),
    "place": ("place", "location", "实施地点"),
    "scale": ("scale", "size", "项目规模"),
    "effect": ("effect", "policy_effect", "政策效应"),
    "project": ("project", "project_name", "项目名称"),
}

LABELS = {
    "zh": {
        "policy": "政策文件", "project": "项目名称", "event": "重大事件", "market": "市场动态", "statistic": "统计数据",
        "other": "事项", "issued": "颁布时间", "issuer": "主管部门", "doc_number": "文号", "key_points": "政策要点",
        "expected": "预期成效", "policy_link": "政策链接", "when": "实施时间", "place": "实施地点", "scale": "项目规模",
        "effect": "政策效应", "official_source": "官方信息来源", "source": "来源", "relation": "时间关系",
        "score": "匹配评分", "after_node": "晚于节点，按滞后规则收录",
        "change": "变化", "interval": "可能起始区间", "period": "分析周期", "nodes": "收录重大政策节点",
        "festival_season": "落在春节季内，检测不逐周读取春节季，区间覆盖整个春节季",
        "after_gap": "紧接缺测时段，变化可能发生在缺测期间，区间覆盖缺测时段",
        "national_day": "落在国庆假期前后，检测不逐周读取国庆假期，区间覆盖整个假期",
        "season_unread": "序列不足两个完整季节周期，季节规律无法与变化区分，本节点可能只是季节波动",
        "season_two_cycles": "序列仅含两个季节周期，季节规律取两年均值，两年之间的水平变化难以检出、日期可能错置于另一年",
        "at_end": "变化只见于序列最后几期，最新数据常为初步值、可能被修订，请以后续数据核实",
        "check_data": "水平变化超过五倍，更可能源于数据缺测、单位或统计口径的变化，而非实际事件，请核对原始数据",
        "mirror_date": "另一周期的同一时期（{date}）同样偏离两周期的季节均值，仅凭相邻时期判定为本期",
        "parts": {"time": "时间", "region": "地区", "sector": "行业", "direction": "方向", "kind": "类型",
                  "relevance": "相关度", "authority": "来源"},
    },
    "en": {
        "policy": "Policy document", "project": "Project", "event": "Major event", "market": "Market development",
        "statistic": "Statistic", "other": "Item", "issued": "Issued", "issuer": "Issuing body",
        "doc_number": "Document number", "key_points": "Key points", "expected": "Expected effect",
        "policy_link": "Policy link", "when": "Dates", "place": "Location", "scale": "Scale", "effect": "Effect",
        "official_source": "Official source", "source": "source", "relation": "Date relation", "score": "Match score",
        "after_node": "after the node, kept by the kind's lag rule", "change": "Change",
        "interval": "change may have started", "period": "Period", "nodes": "Key nodes",
        "festival_season": "inside the Spring Festival season, which detection does not read week by week: the "
                           "interval spans the season",
        "after_gap": "just after missing data: the change may have come while no data were reported, and the "
                     "interval spans the gap",
        "national_day": "at the National Day holiday, which detection does not read week by week: the interval "
                        "spans the holiday",
        "season_unread": "the series spans under two full seasonal cycles, so the season cannot be told from "
                         "change: this node may be the season itself",
        "season_two_cycles": "the series spans only two seasonal cycles and its season is their mean: a change of "
                             "level between the two years is hard to see and may be dated in the other year",
        "at_end": "seen only in the series' last few periods, whose values are often provisional and may be "
                  "revised: check it against later data",
        "check_data": "the level moved more than fivefold, which is more often missing data or a change of unit or "
                      "method than an event: check the source data",
        "mirror_date": "the same period of the other cycle ({date}) is as far off the two cycles' mean season; "
                       "only the neighbouring periods place the change here",
        "parts": {"time": "time", "region": "region", "sector": "sector", "direction": "direction", "kind": "kind",
                  "relevance": "relevance", "authority": "source"},
    },
}

KIND_LABEL_EN = {"event": "event", "seasonal": "seasonal change", "trend": "trend turn", "outlier": "outlier"}


@dataclass(frozen=True)
class FieldView:
    label: str
    text: str
    url: str | None = None


@dataclass(frozen=True)
class ItemView:
    kind: str
    heading: FieldView            # 政策文件《…》 or 项目名称：…
    fields: tuple[FieldView, ...]  # typed fields in the reference report's order, the source link last
    relation: str
    after_node: str | None
    score: float
    parts: tuple[tuple[str, float], ...]
    sources: tuple[FieldView, ...]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class NodeView:
    date: str
    kind: str
    kind_label: str
    confidence: float
    direction: str
    change: str
    interval: str
    items: tuple[ItemView, ...]
    empty: str | None
    effect: str | None = None  # attribution's effect estimate with its interval, in words


_ATTRIBUTES = {"key_points": "key_points", "expected": "expected_effect", "place": "place", "scale": "scale"}


def _typed(record: Record, key: str) -> str | None:
    """A typed field from the record's own attribute (newer records) or its free `fields` (older ones)."""
    attribute = _ATTRIBUTES.get(key)
    value = getattr(record, attribute, None) if attribute else None
    if value:
        return "；".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    fields = record.fields or {}
    for alias in _ALIASES[key]:
        value = fields.get(alias)
        if value:
            return "；".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return None


def _place(place: str, lang: str) -> str:
    """A place as the record gives it; in English, a region the gazetteer names in English (广东省 → Guangdong)."""
    region = regions.find(place) if lang == "en" else None
    return region.name_en if region is not None and region.name_en else place


def _title(record: Record, lang: str) -> str:
    if lang == "en":
        return record.title or record.display_title
    return record.display_title


def _sources(record: Record, lang: str) -> tuple[FieldView, ...]:
    word = LABELS[lang]["source"]
    best = getattr(record, "best_source", None)  # the KB ranks sources (official first) where it can
    ordered = ([best] if best else []) + [s for s in record.sources if s is not best]
    return tuple(FieldView(label=s.publisher or word, text=s.publisher or s.url, url=s.url)
                 for s in ordered if s.url)


def item_view(item: Item, lang: str, date_text) -> ItemView:
    """The typed fields of one item: policies as 颁布时间/主管部门/政策要点/预期成效/政策链接,
    projects and events as 项目名称/实施时间/实施地点/项目规模/政策效应/官方信息来源."""
    words = LABELS[lang]
    r = item.record
    rows: list[FieldView] = []
    sources = _sources(r, lang)
    link = sources[0] if sources else None
    if r.kind in POLICY_KINDS:
        title = _title(r, lang)
        heading = FieldView(words["policy"], f"《{title}》" if lang == "zh" else title)
        issued = date_text(getattr(r, "issued", None) or r.date)
        if posted := (r.fields or {}).get("posted"):
            # the linked page went up later than the document was issued (gov.cn's older documents)
            issued += f"（网页发布于{date_text(posted)}）" if lang == "zh" else f" (page posted {date_text(posted)})"
        rows.append(FieldView(words["issued"], issued))
        if r.issuer:
            rows.append(FieldView(words["issuer"], r.issuer))
        if r.doc_number:
            rows.append(FieldView(words["doc_number"], r.doc_number))
        points = _typed(r, "key_points") or r.summary
        if points:
            rows.append(FieldView(words["key_points"], points))
        if expected := _typed(r, "expected"):
            rows.append(FieldView(words["expected"], expected))
        if link:
            rows.append(FieldView(words["policy_link"], link.text, link.url))
    else:
        label = words.get(r.kind, words["other"])
        heading = FieldView(label, _typed(r, "project") or _title(r, lang))
        when = date_text(getattr(r, "effective", None) or r.date) + (("至" if lang == "zh" else " to ") + date_text(r.end_date) if r.end_date else "")
        rows.append(FieldView(words["when"], when))
        if place := _typed(r, "place"):
            rows.append(FieldView(words["place"], _place(place, lang)))
        if scale := _typed(r, "scale"):
            rows.append(FieldView(words["scale"], scale))
        effect = _typed(r, "effect") or r.summary
        if effect:
            rows.append(FieldView(words["effect"], effect))
        if link:
            rows.append(FieldView(words["official_source"], link.text, link.url))
    parts = tuple((words["parts"].get(k, k), float(v)) for k, v in (item.parts or {}).items())
    return ItemView(
        kind=r.kind, heading=heading, fields=tuple(rows),
        relation=item.relation_zh if lang == "zh" else item.relation_en,
        after_node=(getattr(item, f"note_{lang}", None) or words["after_node"]) if item.after_node else None,
        score=float(item.score), parts=parts, sources=sources,
    )


def node_view(attribution: Attribution, lang: str, date_text) -> NodeView:
    node = attribution.node
    words = LABELS[lang]
    kind = getattr(node.kind, "value", str(node.kind))
    kind_label = node.label_zh if lang == "zh" else KIND_LABEL_EN.get(kind, kind)
    change = change_text(node, lang, date_text)
    sep = "至" if lang == "zh" else " to "
    first, last = date_text(node.interval[0]), date_text(node.interval[1])
    interval = f"{words['interval']} {first}{sep}{last}" if first != last else f"{words['interval']} {first}"
    joint = "；" if lang == "zh" else "; "
    for why in ("festival_season", "national_day", "after_gap", "season_unread", "season_two_cycles", "at_end",
                "check_data"):
        if node.details.get(why):
            interval += joint + words[why]
    if mirror := node.details.get("mirror_date"):
        interval += joint + words["mirror_date"].format(date=date_text(mirror))
    items = tuple(item_view(i, lang, date_text) for i in attribution.items)
    return NodeView(date=date_text(node.date), kind=kind, kind_label=kind_label, confidence=float(node.confidence),
                    direction=node.direction, change=change, interval=interval, items=items,
                    empty=None if items else empty_text(getattr(attribution, "searched", None), lang),
                    effect=effect_text(getattr(attribution, "effect", None), lang))


def effect_text(effect: dict | None, lang: str) -> str | None:
    """'水平变化 +14.1%（95% 区间 +3.1% 至 +25.0%）' from attribution's effect estimate, if it made one."""
    if not effect or effect.get("change_pct") is None:
        return None
    pct = float(effect["change_pct"])
    lo, hi = (effect.get("change_pct_interval") or [None, None])[:2]
    if effect.get("kind") == "trend":   # against the old trend carried on, not a change of the mean level
        later = periods_text(int(effect.get("horizon") or 0), effect.get("resolution"), lang)
        label = f"{later}后较原趋势外推" if lang == "zh" else f"against the old trend carried {later} on"
    else:
        label = "水平变化" if lang == "zh" else "level change"
    if lang == "zh":
        text = f"{label} {pct:+.1f}%" + (f"（95% 区间 {lo:+.1f}% 至 {hi:+.1f}%）" if lo is not None else "")
    else:
        text = f"{label} {pct:+.1f}%" + (f" (95% interval {lo:+.1f}% to {hi:+.1f}%)" if lo is not None else "")
    shock = effect.get("shock") or {}
    if shock.get("lost_pct") is not None:
        lost = float(shock["lost_pct"])
        # attribution's sign: counterfactual minus actual, so positive means emissions were lost
        text += (f"；冲击期间损失（反事实减实际）{lost:+.1f}%" if lang == "zh"
                 else f"; shock loss (counterfactual minus actual) {lost:+.1f}%")
    return text
