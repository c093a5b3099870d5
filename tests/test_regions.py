"""The gazetteer: regions by Chinese, English or pinyin name and by code."""

from __future__ import annotations

import pytest
from conftest import cli, monthly_step_csv

from policytrace import regions
from policytrace.errors import UnknownRegionError


@pytest.mark.parametrize("name, code", [
    ("Wuhan", "420100"), ("Shenzhen City", "440300"), ("Xi'an", "610100"), ("Lu'an", "341500"),
    ("Changji Hui Autonomous Prefecture", "652300"), ("changji", "652300"),   # the prefecture, not its seat
    ("Chaoyang", "211300"),          # 朝阳 is read zhaoyang as a word; as a place, chaoyang
    ("Urumqi", "650100"), ("Wulumuqi", "650100"), ("Kashgar", "653100"), ("Kashi Prefecture", "653100"),
    ("Shache", "653125"), ("Xishuangbanna", "532800"), ("Haidian District", "110108"),
    ("Dali Bai Autonomous Prefecture", "532900"),      # "li" is a people too: not cut from "Dali"
    ("Enshi Tujia and Miao Autonomous Prefecture", "422800"),
    ("Guangdong", "440000"), ("Hubei Province", "420000"), ("乌鲁木齐", "650100"), ("650100", "650100"),
])
def test_prefectures_and_counties_by_their_english_or_pinyin_names(name, code):
    # they had been unknown: only the provinces had English names
    assert regions.lookup(name).code == code


@pytest.mark.parametrize("name, code", [
    ("昌吉", "652300"), ("阿克苏", "652900"), ("大理", "532900"),   # had been the county-level city, the seat
    ("伊犁", "654000"), ("延边", "222400"), ("黔南", "522700"), ("湘西", "433100"),   # had been unknown
    ("昌吉市", "652301"), ("和田县", "653221"), ("吉林", "220000"),   # a unit named in full, a province first
])
def test_a_prefecture_by_its_chinese_name_without_its_kind_and_people(name, code):
    assert regions.lookup(name).code == code


def test_a_name_two_prefectures_share_asks_for_the_chinese_one():
    with pytest.raises(UnknownRegionError, match="江苏省苏州市.*安徽省宿州市") as err:
        regions.lookup("Suzhou")
    assert "320500" in str(err.value) and "341300" in str(err.value)
    # a district is looked for among counties and districts first, not taken for the prefecture 朝阳市
    assert regions.lookup("Chaoyang").code == "211300"
    with pytest.raises(UnknownRegionError, match="北京市朝阳区 \\(110105\\)"):
        regions.lookup("Chaoyang District")
    assert regions.lookup("苏州").code == "320500"
    with pytest.raises(UnknownRegionError, match="unknown region 'Atlantis'"):
        regions.lookup("Atlantis")


@pytest.mark.parametrize("name, code", [
    ("独山子", "650202"), ("吉木萨尔", "652327"), ("浦东", "310115"),   # a county or district without its kind
    ("巴州", "652800"), ("博州", "652700"), ("内蒙", "150000"), ("巴州区", "511902"),   # short names in use
    ("福州市鼓楼区", "350102"), ("福建省福州市鼓楼区", "350102"), ("北京朝阳区", "110105"),   # after the units above
    ("新疆昌吉州吉木萨尔县", "652327"), ("新疆维吾尔自治区乌鲁木齐市天山区", "650102"), ("湖北武汉", "420100"),
])
def test_a_county_by_its_base_name_or_after_the_units_above_it(name, code):
    assert regions.lookup(name).code == code


def test_a_name_several_counties_share_names_them_instead_of_taking_the_first():
    # 鼓楼区 had been Nanjing's, the first by code, for a user in Fuzhou too
    with pytest.raises(UnknownRegionError, match="江苏省南京市鼓楼区 \\(320106\\).*福建省福州市鼓楼区 \\(350102\\)"):
        regions.lookup("鼓楼区")
    with pytest.raises(UnknownRegionError, match="天津市滨海新区.*江苏省盐城市滨海县"):
        regions.lookup("滨海")
    assert regions.find("朝阳区") is None and regions.lookup("朝阳").code == "211300"   # the prefecture outranks


def test_a_title_names_a_county_only_in_full():
    from policytrace.kb.places import local_places

    # 新建 (new) and 南海 (the South China Sea) are also bases of 新建区 and 南海区
    assert local_places("关于新建铁路项目环境影响报告书的批复") == ()
    assert local_places("南海油田开发项目") == ()
    assert local_places("关于吉木萨尔县煤化工项目的批复") == ("652327",)


def test_the_cli_names_the_candidates_in_one_line(tmp_path):
    path = monthly_step_csv(tmp_path / "city.csv")
    run = cli("report", "--series", str(path), "-r", "Taizhou", "-s", "工业", "--out", str(tmp_path / "out"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "泰州市" in run.stderr and "台州市" in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, code", [("新疆維吾爾自治區", "650000"), ("內蒙古", "150000"), ("廣東", "440000"),
                                        ("烏魯木齊", "650100"), ("瀋陽", "210100")])
def test_a_name_in_traditional_characters(name, code):
    # as Hong Kong and Taiwan write them: they had been unknown regions
    assert regions.lookup(name).code == code


def test_a_file_of_traditional_region_names_names_its_region(tmp_path):
    path = tmp_path / "long.csv"
    rows = [f"2019-{m:02d},新疆維吾爾自治區,{100 + m}" for m in range(1, 13)]
    path.write_text("date,province,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    run = cli("report", "--series", str(path), "-s", "工业", "--format", "zh", "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r" / "report.zh.md").read_text(encoding="utf-8").startswith("新疆维吾尔自治区工业领域")
