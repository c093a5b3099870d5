"""A bilingual glossary of the field's terms, so that a Chinese query finds English records and back.

Each concept lists the words Chinese documents and English databases use for it. A query is read
against the glossary (longest phrase first), and each concept it names becomes an OR-group of all its
words; words the glossary does not know stay as they are. The list is small and reviewed by hand:
it is vocabulary, not facts, and extending it is the cheap way to make search understand a new topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# concept -> (Chinese words, English words). Order does not matter; matching is longest-first.
CONCEPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "covid": (("新冠", "新冠肺炎", "新冠疫情", "新型冠状病毒", "新型冠状病毒肺炎", "疫情防控", "疫情"),
              ("covid-19", "covid", "coronavirus", "pandemic", "sars-cov-2", "epidemic")),
    "emergency_response": (("应急响应", "一级响应", "二级响应", "三级响应", "四级响应", "突发公共卫生事件", "应急"),
                           ("emergency response", "emergency declaration", "emergency_declaration", "emergency")),
    "lockdown": (("封城", "封控", "静默管理", "静默", "居家隔离", "封闭管理", "交通管制"),
                 ("lockdown", "home isolation", "home_isolation", "travel ban", "travel_ban", "quarantine")),
    "shutdown": (("停产", "停工", "停业", "停运", "关停", "减产"),
                 ("shutdown", "shut down", "halt production", "production halt", "suspension of production")),
    "resumption": (("复工复产", "复工", "复产", "恢复生产", "解封", "有序放开"),
                   ("resumption of work", "resumption of production", "resume work", "resume production",
                    "reopening", "reopen")),
    "dual_control": (("能耗双控", "双控", "能源消费总量和强度双控", "能耗强度", "能源消费总量"),
                     ("dual control", "dual-control", "energy consumption control", "energy intensity",
                      "energy consumption cap")),
    "carbon_peak": (("碳达峰", "达峰"), ("carbon peak", "peak carbon", "carbon peaking", "emissions peak")),
    "carbon_neutral": (("碳中和",), ("carbon neutrality", "carbon neutral", "net zero", "net-zero")),
    "dual_carbon": (("双碳", "碳达峰碳中和", "1+n"), ("dual carbon", "dual-carbon", "double carbon")),
    "green_power": (("绿电交易", "绿色电力交易", "绿电", "绿证", "绿色电力证书"),
                    ("green power trading", "green electricity", "green power", "green certificate")),
    "power_rationing": (("限电", "有序用电", "拉闸限电", "错峰用电", "限产限电", "电力供应紧张", "缺电"),
                        ("power rationing", "orderly power use", "orderly electricity consumption",
                         "orderly power consumption", "power cuts", "power shortage", "electricity shortage",
                         "load shedding", "power curbs")),
    "ets": (("碳排放权交易", "碳市场", "碳交易", "全国碳市场", "碳排放配额"),
            ("emissions trading", "emission trading", "ets", "carbon market", "carbon trading", "allowance")),
    "capacity_cut": (("去产能", "化解过剩产能", "过剩产能", "产能置换", "淘汰落后产能", "落后产能"),
                     ("overcapacity", "capacity cut", "de-capacity", "capacity replacement", "outdated capacity",
                      "excess capacity")),
    "coal_power": (("煤电", "火电", "燃煤电厂", "燃煤发电", "自备电厂", "燃煤自备电厂", "火力发电"),
                   ("coal power", "coal-fired", "thermal power", "captive power", "coal plant")),
    "renewables": (("新能源", "可再生能源", "风电", "光伏", "太阳能", "清洁能源"),
                   ("renewable", "renewables", "wind power", "solar", "photovoltaic", "clean energy")),
    "uhv": (("特高压", "外送通道", "疆电外送", "输电通道"),
            ("uhv", "ultra-high voltage", "transmission line", "power transmission")),
    "hydrogen": (("绿氢", "氢能", "制氢"), ("green hydrogen", "hydrogen")),
    "coal_chemical": (("煤化工", "煤制油", "煤制气", "煤制烯烃", "现代煤化工"),
                      ("coal chemical", "coal-to-liquids", "coal-to-gas", "coal-to-olefins", "coal to gas")),
    "aluminium": (("电解铝", "铝业", "氧化铝"), ("aluminium", "aluminum", "electrolytic aluminium")),
    "polysilicon": (("多晶硅", "工业硅", "硅基"), ("polysilicon", "silicon")),
    "steel": (("钢铁", "粗钢", "炼钢"), ("steel", "iron and steel")),
    "cement": (("水泥",), ("cement",)),
    "energy_efficiency": (("节能", "能效", "节约能源"), ("energy saving", "energy efficiency", "energy conservation")),
    "emission_reduction": (("减排", "节能减排", "降碳", "减污降碳"), ("emission reduction", "emissions reduction",
                                                                 "decarbonisation", "decarbonization")),
    "plan_14th": (("十四五",), ("14th five-year", "fourteenth five-year")),
    "plan_13th": (("十三五",), ("13th five-year", "thirteenth five-year")),
    "eia": (("环评", "环境影响报告书", "环境影响评价", "环境影响"), ("environmental impact", "eia")),
    "coal_mine": (("煤矿", "露天煤矿", "矿井"), ("coal mine", "open-pit", "colliery")),
    "coal": (("煤炭", "原煤"), ("coal",)),
    "power_price": (("电价", "上网电价", "煤电价格", "分时电价"), ("electricity price", "power price", "tariff")),
    "industrial_park": (("工业园区", "产业园", "开发区", "园区"), ("industrial park", "development zone")),
    "air_pollution": (("大气污染", "蓝天保卫战", "大气污染防治"), ("air pollution", "blue sky")),
    "flood": (("洪水", "暴雨", "洪涝"), ("flood", "floods", "rainstorm")),
    "heat_drought": (("高温", "干旱", "限电保供"), ("heatwave", "heat wave", "drought")),
    "industry": (("工业", "制造业"), ("industry", "industrial", "manufacturing")),
    "power_sector": (("电力", "发电", "用电"), ("electricity", "power generation", "power sector")),
    "accident": (("事故", "爆炸", "安全生产"), ("accident", "explosion", "work safety")),
    "project": (("项目", "工程", "投产", "开工"), ("project", "construction", "commissioning")),
}

_EN_STOP = {"the", "of", "and", "or", "in", "on", "for", "to", "a", "an", "by", "with", "at", "from", "its"}


@dataclass(frozen=True)
class TermGroup:
    """One thing the user asked for: the words they typed and the words that mean the same."""

    typed: str
    words: tuple[str, ...]
    concept: str | None = None


@cache
def _variants() -> list[tuple[str, str, re.Pattern]]:
    """(word, concept, pattern) triples, longest word first, lower-case. An English word must stand
    alone ("ets" is not inside "markets"); Chinese has no spaces to rely on."""
    pairs = [(w.lower(), concept) for concept, (zh, en) in CONCEPTS.items() for w in (*zh, *en)]
    return [(w, c, re.compile(re.escape(w) if _is_cjk(w) else rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])"))
            for w, c in sorted(pairs, key=lambda p: -len(p[0]))]


def _is_cjk(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text))


def parse_query(query: str) -> list[TermGroup]:
    """Split a query into term groups: glossary phrases first (longest match), then the leftover words."""
    rest = " " + re.sub(r"\s+", " ", query.strip().lower()) + " "
    groups: list[TermGroup] = []
    seen: set[str] = set()
    for word, concept, pattern in _variants():
        if word not in rest:  # cheap test first; the pattern then checks word boundaries
            continue
        match = pattern.search(rest)
        if not match:
            continue
        rest = rest[: match.start()] + " " + rest[match.end():]
        if concept in seen:
            continue
        seen.add(concept)
        zh, en = CONCEPTS[concept]
        groups.append(TermGroup(typed=word, words=tuple(dict.fromkeys((word, *zh, *en))), concept=concept))
    for word in rest.split():
        word = word.strip(",.;:，。；：、\"'()（）")
        if word and word not in _EN_STOP:
            groups.append(TermGroup(typed=word, words=_region_words(word)))
    return groups


def _region_words(word: str) -> tuple[str, ...]:
    """A province's name in the other language too: 新疆 ↔ Xinjiang."""
    from .. import regions

    found = regions.find(word)
    if found is None or found.level != "province":
        return (word,)
    names = [word, found.short_zh, found.name_zh, found.name_en or ""]
    return tuple(dict.fromkeys(n.lower() for n in names if n))


__all__ = ["CONCEPTS", "TermGroup", "parse_query"]


# -- concept masks: which concepts a record mentions, as bits of one integer -------------------------

@cache
def concept_bits() -> dict[str, int]:
    return {concept: 1 << i for i, concept in enumerate(sorted(CONCEPTS))}


@cache
def _mask_index() -> dict[str, list[tuple[str, re.Pattern | None, int]]]:
    """Glossary words by their first index token, with their bits (and the bits of the words inside
    them: 碳达峰碳中和 also means 碳达峰 and 碳中和)."""
    from .tokens import tokens

    bits = concept_bits()
    words = {w.lower(): bits[c] for c, (zh, en) in CONCEPTS.items() for w in (*zh, *en)}
    for word in words:
        for other, bit in list(words.items()):
            if other != word and other in word:
                words[word] |= bit
    index: dict[str, list] = {}
    for word, bit in words.items():
        first = tokens(word)[:1]
        if first:
            pattern = word_regex(word) if word[:1].isascii() else None
            index.setdefault(first[0], []).append((word, pattern, bit))
    return index


def concept_mask(text: str) -> int:
    """Bits of the concepts whose words occur in the lower-case `text`.

    Only words whose first token occurs in the text are tested (a regex of all 370 words at every
    position was 30x slower and dominated import time).
    """
    from .tokens import tokens

    index = _mask_index()
    mask = 0
    for token in set(tokens(text)):
        for word, pattern, bit in index.get(token, ()):
            if mask & bit != bit and (pattern.search(text) if pattern else word in text):
                mask |= bit
    return mask


@cache
def word_regex(word: str) -> re.Pattern:
    return re.compile(word_pattern(word))


def word_pattern(word: str) -> str:
    """A regex for `word` in lower-case text: an English word must start a word ("ets" is not in
    "markets") but may be followed by an ending ("response" is in "responses")."""
    escaped = re.escape(word)
    return rf"(?<![a-z0-9]){escaped}" if word[:1].isascii() and word[:1].isalnum() else escaped


def glossary_version() -> str:
    import hashlib

    return hashlib.sha1(repr(sorted(CONCEPTS.items())).encode()).hexdigest()[:12]
