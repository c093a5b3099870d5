"""Region gazetteer: nation ⊃ province ⊃ prefecture ⊃ county, keyed by the 6-digit GB/T 2260 code.

Names and codes come from the adcode table that the `cpca` package ships; English names of the
provinces follow the romanisation of Carbon Monitor and the NBS ("Inner Mongolia", "Xinjiang"), those of
prefectures and counties are their names' pinyin (`pypinyin`: Wuhan, Changji) or a common exonym (Urumqi).
"""

from __future__ import annotations

import csv
import itertools
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
# Short names in common use that no rule of the table gives: Xinjiang's autonomous prefectures by their first
# character and 州 (巴州, not the district 巴州区), Inner Mongolia without its last character
_ZH_SHORT = {"巴州": "652800", "博州": "652700", "克州": "653000", "内蒙": "150000"}
# Prefectures of the autonomous regions by the English names in common use, which are not their pinyin
_EXONYMS = {"urumqi": "乌鲁木齐市", "kashgar": "喀什地区", "hohhot": "呼和浩特市", "lhasa": "拉萨市", "harbin": "哈尔滨市",
            "karamay": "克拉玛依市", "turpan": "吐鲁番市", "hotan": "和田地区", "aksu": "阿克苏地区", "altay": "阿勒泰地区",
            "ili": "伊犁哈萨克自治州", "shigatse": "日喀则市", "ordos": "鄂尔多斯市", "hulunbuir": "呼伦贝尔市",
            "xilingol": "锡林郭勒盟", "alxa": "阿拉善盟", "bayannur": "巴彦淖尔市", "ulanqab": "乌兰察布市",
            "bortala": "博尔塔拉蒙古自治州", "bayingolin": "巴音郭楞蒙古自治州", "kizilsu": "克孜勒苏柯尔克孜自治州",
            "korla": "库尔勒市"}
# What a unit's name says of its kind and people, left out of the pinyin key (昌吉回族自治州: changji) and
# of an English name ("Changji Hui Autonomous Prefecture")
_ZH_UNIT = re.compile(r"(自治州|自治县|自治旗|地区|林区|新区|盟|市|县|区|旗)$")
_ZH_PEOPLE = re.compile(r"((维吾尔|哈萨克|柯尔克孜|塔吉克|蒙古|达斡尔|鄂温克|鄂伦春|土家|布依|朝鲜|傈僳|哈尼|景颇|纳西|仫佬|毛南|"
                        r"仡佬|锡伯|撒拉|保安|东乡|裕固|普米|独龙|拉祜|布朗)族?|[\u4e00-\u9fff]族)+$")
_EN_UNIT = re.compile(r"(prefecture|county|city|league|district|banner|area)$")
_EN_COUNTY = re.compile(r"(county|district|banner)$")
_EN_PEOPLE = re.compile(r"(and)?(hui|kazak|kazakh|mongol|mongolian|kirgiz|kyrgyz|tibetan|yi|miao|dong|bai|dai|jingpo|"
                        r"lisu|zhuang|buyei|tujia|hani|korean|qiang|uygur|uyghur|li|she|naxi|tu|salar|manchu|yao)$")
# Rows of the adcode table that group units rather than govern them
_GROUPINGS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_NATION_NAMES = ("全国", "中国", "中华人民共和国", "国家", "china", "nation", "national", "prc",
                 "people's republic of china")
_LEVELS = {"nation": 0, "province": 1, "prefecture": 2, "county": 3}
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
def _table() -> tuple[dict[str, Region], dict[str, str], dict[str, tuple[str, ...]]]:
    """(code → region, name → code, name → the codes of several units of one level that it names alike)."""
    by_code: dict[str, Region] = {NATION: Region(NATION, "全国", "China")}
    path = resources.files("cpca") / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            if code in by_code:
                continue
            region = Region(code, row["name"], _PROVINCE_EN.get(code))
            by_code[code] = region
    alias: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    # Provinces first so that a province's short name wins over a same-named lower unit, and prefectures
    # before counties.
    ordered = sorted(by_code.values(), key=lambda r: (_LEVELS[r.level], r.code))
    for region in ordered:
        if region.name_zh in _GROUPINGS:
            continue
        keys = {region.name_zh, _short(region.name_zh)}
        if region.level == "prefecture" and (base := _base_name(region.name_zh)):
            # 昌吉, 阿克苏, 伊犁 and 延边 name the prefecture, before the county-level city of the same name;
            # an autonomous prefecture is written short as 伊犁州, 昌吉州
            keys.add(base)
            if region.name_zh.endswith("自治州"):
                keys.add(base + "州")
        for key in keys:
            names.setdefault(key, []).append(region.code)
        if region.name_en:
            alias.setdefault(_norm_en(region.name_en), region.code)
    names.update((key, [code]) for key, code in _ZH_SHORT.items())
    # a county or district without its kind (独山子区: 独山子, 吉木萨尔县: 吉木萨尔), where no unit is named so
    bases: dict[str, list[str]] = {}
    for region in ordered:
        if region.level == "county" and (base := _base_name(region.name_zh)) and base not in names:
            bases.setdefault(base, []).append(region.code)
    names.update(bases)
    several: dict[str, tuple[str, ...]] = {}
    for key, codes in names.items():
        top = [c for c in codes if by_code[c].level == by_code[codes[0]].level]
        if len(top) == 1:
            alias.setdefault(key, top[0])
        else:   # 鼓楼区 is in Nanjing, Xuzhou, Fuzhou and Kaifeng: the first by code had been taken
            several[key] = tuple(top)
    for key in _NATION_NAMES:
        alias[_norm_en(key)] = NATION
    alias.update(_EN_ALIASES)
    for name, code in _ZH_ALIASES.items():
        if name.startswith("第"):   # a division by its number alone could be anything's
            alias["新疆生产建设兵团" + name] = alias["兵团" + name] = code
        else:
            alias[name] = code
    return by_code, alias, several


def _norm_en(text: str) -> str:
    return re.sub(r"[\s_\-'’.]+", "", text.strip().lower())


@cache
def _pinyin_table() -> dict[str, tuple[dict[str, str], dict[str, tuple[str, ...]]]]:
    """Prefectures and counties by the pinyin of their names (Wuhan, Xi'an, Changji), the prefectures also by the
    exonyms above: for each level, (key → code, key → the codes of several units that key names alike). A name's
    usual reading (pypinyin's, of the full name: 朝阳区 chaoyang, 朝阳市 zhaoyang) comes before its other readings.
    Built only when a name is not otherwise known, since the romanisation takes a moment."""
    by_code, alias, _ = _table()
    keys: dict[tuple[str, int], dict[str, list[str]]] = {}
    for region in by_code.values():
        if region.level in ("prefecture", "county") and (base := _base_name(region.name_zh)):
            usual, *others = _readings(region.name_zh, len(base))
            for rank, readings in enumerate(([usual], others)):
                for key in readings:
                    keys.setdefault((region.level, rank), {}).setdefault(key, []).append(region.code)
    out = {}
    for level in ("prefecture", "county"):
        found = {name: alias[zh] for name, zh in _EXONYMS.items() if zh in alias} if level == "prefecture" else {}
        several: dict[str, tuple[str, ...]] = {}
        for rank in (0, 1):
            for key, codes in keys.get((level, rank), {}).items():
                if key in found or key in several:
                    continue
                codes = sorted(set(codes))
                if len(codes) == 1:
                    found[key] = codes[0]
                else:
                    several[key] = tuple(codes)
        out[level] = (found, several)
    return out


def _base_name(name: str) -> str:
    """A unit's name without its kind and people (昌吉回族自治州: 昌吉); empty for a bare kind (重庆's 县)."""
    base = _ZH_UNIT.sub("", name)
    people = _ZH_PEOPLE.search(base[2:])
    return base[:2 + people.start()] if people else base if len(base) >= 2 else ""


def _readings(name: str, length: int, most: int = 32) -> list[str]:
    """The pinyin, without tones, of the first `length` characters of `name`, read in the whole name: its usual
    reading first, then the others of its characters (at most `most`)."""
    from pypinyin import Style, lazy_pinyin, pinyin

    usual = "".join(lazy_pinyin(name)[:length])
    out = [usual]
    choices = pinyin(name, style=Style.NORMAL, heteronym=True)[:length]
    for combo in itertools.islice(itertools.product(*choices), most):
        if (key := "".join(combo)) not in out:
            out.append(key)
    return out


def _english_bases(norm: str) -> list[str]:
    """A normalised English name, then without its kind ("Dali Bai Autonomous Prefecture": dalibaiautonomous,
    dalibai) and its peoples one by one from the end (dali): "li" is a people too, so they are not cut at once."""
    out = [norm]
    base = _EN_UNIT.sub("", norm)
    if base and base != norm:
        out.append(base)
        if base.endswith("autonomous"):
            base = base[: -len("autonomous")]
            while base and base not in out:
                out.append(base)
                people = _EN_PEOPLE.search(base)
                if not people or people.start() == 0:
                    break
                base = base[: people.start()]
    return out


def _romanised(key: str) -> str | None:
    """The code of a prefecture or county named in pinyin or English, a prefecture first unless the name says
    county, district or banner; an error naming the candidates where several units share the name (Suzhou:
    苏州 and 宿州)."""
    norm = _norm_en(key)
    if not norm.isascii() or not norm.isalpha():
        return None
    table = _pinyin_table()
    levels = ("county", "prefecture") if _EN_COUNTY.search(norm) else ("prefecture", "county")
    for level in levels:
        found, several = table[level]
        for candidate in _english_bases(norm):
            if candidate in found:
                return found[candidate]
            if candidate in several:
                names = "、".join(f"{_place(c)} ({c})" for c in several[candidate][:6])
                raise UnknownRegionError(f"region {key!r} may be any of {names}: give its Chinese name or its code")
    return None


def _place(code: str) -> str:
    """A unit's name with the units above it, bar the nation and the tables' groupings (北京市朝阳区)."""
    by_code = _table()[0]
    names = [by_code[c].name_zh for c in (*reversed(lookup(code).ancestors[:-1]), code)]
    return "".join(n for n in names if n not in _GROUPINGS)


def lookup(name_or_code: str) -> Region:
    """Find a region by Chinese name (full or short, or after the units above it: 福州市鼓楼区), English or
    pinyin name or 6-digit code."""
    key = str(name_or_code).strip()
    by_code, alias, several = _table()
    if re.fullmatch(r"\d{6}(\d{6})?", key):
        code = key[:6]
        if code in by_code:
            return by_code[code]
    else:
        code = (alias.get(key) or alias.get(_norm_en(key)) or alias.get(_EN_SUFFIXES.sub("", _norm_en(key)) or key)
                or _below(key) or _romanised(key))
        if code:
            return by_code[code]
        if (simplified := _simplified(key)) != key:
            return lookup(simplified)   # 新疆維吾爾自治區, 內蒙古, as Hong Kong and Taiwan write them
        if key in several:
            names = "、".join(f"{_place(c)} ({c})" for c in several[key][:6])
            raise UnknownRegionError(f"region {key!r} may be any of {names}: give the units above it "
                                     f"({_place(several[key][0])}) or its code")
    raise UnknownRegionError(f"unknown region {name_or_code!r}: the gazetteer holds China, its provinces, "
                             "prefectures and counties; give a Chinese or English name or a 6-digit code")


def _simplified(key: str) -> str:
    """`key` in simplified characters (OpenCC's traditional-to-simplified table); ASCII as it is."""
    return key if key.isascii() else _traditional_to_simplified().convert(key)


@cache
def _traditional_to_simplified():
    from opencc import OpenCC   # read from the package's files once, and only for a name not otherwise known

    return OpenCC("t2s")


def _below(key: str) -> str | None:
    """The code of a unit named after one or more units above it (福州市鼓楼区, 新疆昌吉州吉木萨尔县), where the
    name leaves one unit."""
    if key.isascii():
        return None
    _, alias, several = _table()
    for cut in range(2, len(key) - 1):
        parent = alias.get(key[:cut])
        if parent is None:
            continue
        rest = key[cut:]
        codes = [c for c in (alias.get(rest), *several.get(rest, ())) if c] or [_below(rest)]
        inside = {c for c in codes if c and c != parent and lookup(parent).contains(lookup(c))}
        if len(inside) == 1:
            return inside.pop()
    return None


def find(name_or_code: str) -> Region | None:
    """Like `lookup` but returns None for an unknown region."""
    try:
        return lookup(name_or_code)
    except UnknownRegionError:
        return None


def provinces() -> list[Region]:
    return [r for r in _table()[0].values() if r.level == "province"]
