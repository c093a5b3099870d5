"""Region gazetteer: nation ⊃ province ⊃ prefecture ⊃ county, keyed by the 6-digit GB/T 2260 code.

Names and codes come from the adcode table that the `cpca` package ships; English names of the
provinces follow the romanisation of Carbon Monitor and the NBS ("Inner Mongolia", "Xinjiang").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .errors import UnknownRegionError

NATION = "000000"

# Province code -> English name as Carbon Monitor, CEADs and the NBS files spell it.
_PROVINCE_EN = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi",
    "150000": "Inner Mongolia", "210000": "Liaoning", "220000": "Jilin", "230000": "Heilongjiang",
    "310000": "Shanghai", "320000": "Jiangsu", "330000": "Zhejiang", "340000": "Anhui",
    "350000": "Fujian", "360000": "Jiangxi", "370000": "Shandong", "410000": "Henan",
    "420000": "Hubei", "430000": "Hunan", "440000": "Guangdong", "450000": "Guangxi",
    "460000": "Hainan", "500000": "Chongqing", "510000": "Sichuan", "520000": "Guizhou",
    "530000": "Yunnan", "540000": "Tibet", "610000": "Shaanxi", "620000": "Gansu",
    "630000": "Qinghai", "640000": "Ningxia", "650000": "Xinjiang", "710000": "Taiwan",
    "810000": "Hong Kong", "820000": "Macau",
}
# pinyin and English forms the shared files write (MassCPR and Hsiang et al.: Neimenggu)
_EN_ALIASES = {"innermongolia": "150000", "neimenggu": "150000", "neimongol": "150000", "xizang": "540000",
               "macao": "820000", "hongkong": "810000"}
# English names carry the unit's kind and people, which the gazetteer's short forms leave out
_EN_SUFFIXES = re.compile(r"(zhuang|uygur|uyghur|uighur|hui)?(autonomousregion|specialadministrativeregion|sar|"
                          r"province|municipality|city)$")
# The Xinjiang Production and Construction Corps (新疆生产建设兵团) governs parts of Xinjiang; its divisions
# share their seat and administration with county-level cities (师市合一), which the gazetteer holds.
_ZH_ALIASES = {"新疆生产建设兵团": "650000", "兵团": "650000", "第一师": "659002", "第二师": "659006",
               "第三师": "659003", "第六师": "659004", "第八师": "659001"}
_NATION_NAMES = ("全国", "中国", "中华人民共和国", "国家", "china", "nation", "national", "prc",
                 "people's republic of china")
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class Region:
    code: str
    name_zh: str
    name_en: str | None = None

    @property
    def level(self) -> str:
        if self.code == NATION:
            return "nation"
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "prefecture"
        return "county"

    @property
    def parent(self) -> str | None:
        if self.level == "nation":
            return None
        if self.level == "province":
            return NATION
        if self.level == "prefecture":
            return self.code[:2] + "0000"
        return self.code[:4] + "00"

    @property
    def ancestors(self) -> tuple[str, ...]:
        """Codes above this region, nearest first (county → prefecture → province → nation)."""
        out, code = [], self.parent
        while code is not None:
            out.append(code)
            code = lookup(code).parent if code != NATION else None
        return tuple(out)

    def contains(self, other: "Region") -> bool:
        return self.code == other.code or self.code in other.ancestors

    @property
    def short_zh(self) -> str:
        return _short(self.name_zh)


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@cache
def _table() -> tuple[dict[str, Region], dict[str, str]]:
    by_code: dict[str, Region] = {NATION: Region(NATION, "全国", "China")}
    names: dict[str, list[str]] = {}
    path = resources.files("cpca") / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if code in by_code:
                continue
            region = Region(code, row["name"], _PROVINCE_EN.get(code))
            by_code[code] = region
    alias: dict[str, str] = {}
    # Provinces first so that a province's short name wins over a same-named lower unit.
    ordered = sorted(by_code.values(), key=lambda r: ({"nation": 0, "province": 1, "prefecture": 2, "county": 3}[r.level], r.code))
    for region in ordered:
        for key in {region.name_zh, _short(region.name_zh)}:
            names.setdefault(key, []).append(region.code)
        if region.name_en:
            alias.setdefault(_norm_en(region.name_en), region.code)
    for key, codes in names.items():
        alias.setdefault(key, codes[0])
    for key in _NATION_NAMES:
        alias[_norm_en(key)] = NATION
    alias.update(_EN_ALIASES)
    for name, code in _ZH_ALIASES.items():
        if name.startswith("第"):   # a division by its number alone could be anything's
            alias["新疆生产建设兵团" + name] = alias["兵团" + name] = code
        else:
            alias[name] = code
    return by_code, alias


def _norm_en(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def lookup(name_or_code: str) -> Region:
    """Find a region by Chinese name (full or short), English name or 6-digit code."""
    key = str(name_or_code).strip()
    by_code, alias = _table()
    if re.fullmatch(r"\d{6}(\d{6})?", key):
        code = key[:6]
        if code in by_code:
            return by_code[code]
    else:
        code = alias.get(key) or alias.get(_norm_en(key)) or alias.get(_EN_SUFFIXES.sub("", _norm_en(key)) or key)
        if code:
            return by_code[code]
    raise UnknownRegionError(f"unknown region {name_or_code!r}: the gazetteer holds China, its provinces, "
                             "prefectures and counties; give a Chinese or English name or a 6-digit code")


def find(name_or_code: str) -> Region | None:
    """Like `lookup` but returns None for an unknown region."""
    try:
        return lookup(name_or_code)
    except UnknownRegionError:
        return None


def provinces() -> list[Region]:
    return [r for r in _table()[0].values() if r.level == "province"]
