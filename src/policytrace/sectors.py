"""Sector names in English and Chinese, and the coarse sector a record or series belongs to."""

from __future__ import annotations

import re

# canonical key -> (English label, Chinese label, aliases)
SECTORS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "industry": ("Industry", "工业", ("industrial", "manufacturing", "制造业", "工业领域", "industry")),
    "power": ("Power", "电力", ("electricity", "electricity and heat", "power and heat", "电力行业", "发电", "电力热力",
                              "production and supply of electric power, steam and hot water",
                              "电力、热力生产和供应业", "电力、热力的生产和供应业")),
    "energy": ("Energy", "能源", ("coal", "oil", "gas", "mining", "能源行业", "煤炭")),
    "transport": ("Ground Transport", "交通", ("ground transport", "ground_transport", "road", "transport", "地面交通", "交通运输")),
    "residential": ("Residential", "居民生活", ("buildings", "residential", "households", "居民", "建筑")),
    "aviation": ("Aviation", "航空", ("domestic aviation", "民航")),
    "all": ("All sectors", "全部门", ("total", "all", "economy-wide", "全社会", "合计", "总计", "全行业", "全部", "总量", "排放总量", "总排放", "全部行业")),
}

def _plain(name) -> str:
    """A name as names are compared: lower case, spaces trimmed and single."""
    return re.sub(r"\s+", " ", str(name).strip().lower())


_ALIAS = {_plain(name): key for key, (en, zh, aliases) in SECTORS.items() for name in (key, en, zh, *aliases)}


def normalise(name: str | None) -> str | None:
    """Map an English or Chinese sector name to its key ('industry', 'power', ...); None if unknown.

    '&' reads as 'and', and a trailing gloss in brackets is dropped: CEADs' 'Power & heat' and
    'Industry (mining, manufacturing, gas & water supply)' are power and industry.
    """
    if name is None:
        return None
    text = _plain(name)
    if text in _ALIAS:
        return _ALIAS[text]
    return _ALIAS.get(_plain(re.sub(r"\s*[(（][^()（）]*[)）]$", "", text.replace("&", " and "))))


# Branches a user may name a series by, each with the names tables give it (the national classification
# GB/T 4754 in Chinese, CEADs' English), and the sector whose records and words explain it. The series keeps
# its own name (a report on 钢铁 says 钢铁); attribution reads it as its sector; a table's rows are matched by
# any of the branch's names (钢铁 finds CEADs' "Smelting and Pressing of Ferrous Metals").
BRANCHES: dict[str, tuple[str, tuple[str, ...]]] = {
    "steel": ("industry", ("钢铁", "钢铁行业", "黑色金属", "黑色金属冶炼和压延加工业", "steel", "iron and steel",
                           "smelting and pressing of ferrous metals")),
    "nonferrous": ("industry", ("有色", "有色金属", "有色金属冶炼和压延加工业", "non-ferrous metals",
                                "smelting and pressing of nonferrous metals")),
    "aluminium": ("industry", ("电解铝", "aluminium", "aluminum")),
    "building_materials": ("industry", ("建材", "非金属矿物制品业", "building materials", "nonmetal mineral products")),
    "cement": ("industry", ("水泥", "cement")),
    "chemicals": ("industry", ("化工", "化学原料和化学制品制造业", "chemicals",
                               "raw chemical materials and chemical products")),
    "petrochemicals": ("industry", ("石化", "石油化工", "石油加工、炼焦和核燃料加工业", "petrochemicals",
                                    "petroleum processing and coking")),
    "coking": ("industry", ("焦化",)),
    "metallurgy": ("industry", ("冶金",)),
    "paper": ("industry", ("造纸", "造纸和纸制品业", "paper", "papermaking and paper products")),
    "glass": ("industry", ("玻璃", "glass")),
    "polysilicon": ("industry", ("多晶硅",)),
    "thermal_power": ("power", ("火电", "煤电", "热电", "thermal power", "coal power")),
    "power_generation": ("power", ("发电行业",)),
    "coal_mining": ("energy", ("煤炭开采", "煤炭开采和洗选业", "coal mining", "coal mining and dressing")),
    "oil_gas": ("energy", ("石油天然气", "油气开采", "石油和天然气开采业", "oil and gas",
                           "petroleum and natural gas extraction")),
    "mining": ("energy", ("采矿",)),
}
_BRANCH = {_plain(name): branch for branch, (_, names) in BRANCHES.items() for name in names}


def coarse(name: str | None) -> str | None:
    """The sector key a series' sector is explained as: its own key, or the sector of a branch (钢铁 → industry)."""
    if name is None:
        return None
    branch = branch_of(name)
    return normalise(name) or (BRANCHES[branch][0] if branch else None)


def branch_of(name: str | None) -> str | None:
    """The branch a series' sector names (钢铁 → "steel"), or None for a sector or an unknown name."""
    return None if name is None or normalise(name) else _BRANCH.get(_plain(name))


# Words by which a record's text names a branch. Narrower than BRANCHES: a table's "paper" is a branch, a
# title's "white paper" is not.
BRANCH_WORDS: dict[str, tuple[str, ...]] = {
    "steel": ("钢铁", "黑色金属", "炼钢", "钢厂", "粗钢", "steel"),
    "nonferrous": ("有色金属", "nonferrous", "non-ferrous"),
    "aluminium": ("电解铝", "氧化铝", "aluminium", "aluminum"),
    "building_materials": ("建材", "building materials"),
    "cement": ("水泥", "cement"),
    "chemicals": ("化工", "chemical"),
    "petrochemicals": ("石化", "炼油", "炼化", "petrochemical", "refiner"),
    "coking": ("焦化", "焦炭", "coking"),
    "paper": ("造纸", "papermaking", "pulp and paper"),
    "glass": ("玻璃", "glass"),
    # the making of solar cells, not solar power (which a thermal-power record may well speak of)
    "polysilicon": ("多晶硅", "polysilicon", "光伏制造", "太阳能电池", "pv manufactur", "photovoltaic manufactur",
                    "solar cell"),
    "thermal_power": ("火电", "煤电", "燃煤发电", "coal power", "coal-fired"),
    "coal_mining": ("煤矿", "煤炭开采", "煤炭工业", "coal mine", "coal mining", "coal industry"),
    "oil_gas": ("油气", "石油天然气", "oil and gas"),
    # not a series' branch, but a record on vehicles is not one on steel (a new-energy-vehicle plan had fitted
    # Hebei's crude steel as fully as a steel-output cut)
    "vehicles": ("汽车", "vehicle", "automobile", "automotive"),
}
# Branches that hold or feed one another: a record on one speaks to the others (an aluminium smelter is
# non-ferrous metallurgy; coke feeds the blast furnace).
_KIN = (("nonferrous", "aluminium"), ("building_materials", "cement"), ("building_materials", "glass"),
        ("steel", "coking"), ("steel", "metallurgy"), ("nonferrous", "metallurgy"),
        ("chemicals", "petrochemicals"), ("petrochemicals", "coking"), ("thermal_power", "power_generation"),
        ("thermal_power", "coal_mining"))


def kin(branch: str) -> set[str]:
    """`branch` and the branches that hold or feed it."""
    return {branch} | {b for pair in _KIN if branch in pair for b in pair}


def branches_named(text: str) -> set[str]:
    """The branches a text names (Chinese words anywhere, English ones at a word start)."""
    text = text.lower()
    return {branch for branch, words in BRANCH_WORDS.items()
            if any((re.search(r"\b" + re.escape(w), text) if w.isascii() else w in text) for w in words)}


def key(name) -> str:
    """What a table's sector cell is matched by: its canonical key, a branch's ("branch:steel" for 钢铁 and for
    "Smelting and Pressing of Ferrous Metals"), else the name itself in lower case."""
    if (found := normalise(name)) is not None:
        return found
    branch = branch_of(name)
    return f"branch:{branch}" if branch else _plain(name)


def known_names() -> str:
    """The sectors in both languages, for an error: '工业 (Industry), 电力 (Power), …'."""
    return ", ".join(f"{zh} ({en})" for en, zh, _ in SECTORS.values())


def label_zh(key: str | None) -> str:
    return SECTORS[key][1] if key in SECTORS else (key or "")


def label_en(key: str | None) -> str:
    return SECTORS[key][0] if key in SECTORS else (key or "")
