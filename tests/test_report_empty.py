"""A node without items says "未收录" only where the KB holds nothing for it; else what it held and why none
was listed (the mission's rule; the example report leaves nodes empty without saying)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from policytrace.attribute import Attributor
from policytrace.detect import Node, NodeKind
from policytrace.kb import KnowledgeBase, Record, Source
from policytrace.report import EMPTY_EN, EMPTY_ZH, build_report
from policytrace.series import read_series


def monthly_series(path, first_year: int, values):
    """`values` written as a monthly CSV from January `first_year` and read back as 新疆 工业."""
    path.write_text("date,value\n" + "".join(f"{first_year + m // 12}-{m % 12 + 1:02d},{v:.3f}\n"
                                             for m, v in enumerate(values)), encoding="utf-8")
    return read_series(path, region="新疆", sector="工业")


@pytest.fixture()
def series(tmp_path):
    path = tmp_path / "xj.csv"
    path.write_text("date,value\n" + "".join(f"{2018 + m // 12}-{m % 12 + 1:02d},{100 - (m >= 30) * 20}\n"
                                             for m in range(60)), encoding="utf-8")
    return replace(read_series(path, sector="工业"), region="650000")


def fall_at_30(series) -> Node:
    return Node(index=30, date=series.label(30), kind=NodeKind.EVENT, confidence=0.9, direction="down",
                change_pct=-20.0, level_before=100.0, level_after=80.0, interval=(series.label(29), series.label(31)),
                interval_index=(29, 31))


def record(rid: str, title: str, date: str, direction: str = "unclear", regions=("650000",)) -> Record:
    return Record(id=rid, kind="policy", title=title, date=date, regions=regions, direction=direction,
                  sources=(Source(url=f"https://example.org/{rid}"),))


def views(series, kb):
    report = build_report(series, Attributor().attribute([fall_at_30(series)], series, kb))
    return report.view("zh")[0], report.view("en")[0], report.to_dict()["nodes"][0]


def test_nothing_held_says_nothing_was_found(series):
    kb = KnowledgeBase.open()
    kb.add([record("far", "新疆维吾尔自治区钢铁行业减排方案", "2010-01-01"),     # another time
            record("gd", "广东省钢铁行业减排方案", "2020-07-01", regions=("440000",))])   # another region
    zh, en, data = views(series, kb)
    assert (zh.empty, en.empty) == (EMPTY_ZH, EMPTY_EN)
    assert data["display"]["zh"]["empty"] == EMPTY_ZH


def test_records_turned_away_are_counted_with_their_reasons(series):
    kb = KnowledgeBase.open()
    kb.add([record("raise", "新疆维吾尔自治区关于扩大钢铁产能的通知", "2020-06-20", direction="raise"),
            record("sports", "新疆维吾尔自治区运动会开幕", "2020-06-25")])
    zh, en, data = views(series, kb)
    searched = data["searched"]
    assert searched["passed"] == 0 and searched["rejected"].get("contradicts_direction") == 1
    assert zh.empty != EMPTY_ZH and "记录 2 条" in zh.empty and "1 条预期影响方向与本次变化相反" in zh.empty
    assert "holds 2 records" in en.empty and "1 would act against this change's direction" in en.empty
    assert data["display"]["en"]["empty"] == en.empty


def test_the_english_counts_agree_with_one_and_several():
    # "1 have no source URL", "holds 1 records"
    from policytrace.report.empty import empty_text

    one = empty_text({"candidates": 1, "rejected": {"no_source_url": 1}, "min_score": 0.3}, "en")
    assert "holds 1 record for" in one and "1 has no source URL" in one
    two = empty_text({"candidates": 3, "rejected": {"draft": 2, "administrative": 1}, "min_score": 0.3}, "en")
    assert "holds 3 records" in two and "2 are drafts" in two and "1 is routine business" in two


def test_a_series_without_nodes_says_none_was_found(tmp_path):
    import numpy as np

    from policytrace.pipeline import run

    flat = 100 * (1 + np.random.default_rng(3).normal(0, 0.01, 72))
    report = run(monthly_series(tmp_path / "flat.csv", 2015, flat), KnowledgeBase.open())
    assert not report.attributions
    zh, en = report.render("zh"), report.render("en")
    assert "经检测，分析周期内未见置信度不低于 0.40 的关键节点。" in zh
    assert "No key node with a confidence of at least 0.40 was found" in en
    assert "未见置信度不低于 0.40" in report.render("html")
    assert report.to_dict()["detection"] == {"min_confidence": 0.4, "unreported": 0, "beyond_max_nodes": 0,
                                             "season_unread": False, "within_rounding": 0,
                                             "rounding_step": 0.0, "weakest_unreported": None, "note": {
        "zh": "经检测，分析周期内未见置信度不低于 0.40 的关键节点。",
        "en": "No key node with a confidence of at least 0.40 was found in this period."}}


def test_a_series_under_two_seasonal_cycles_says_only_large_changes_are_found(tmp_path):
    import numpy as np

    from policytrace.pipeline import run

    # 18 months: the season cannot be estimated, so the detector only claims changes larger than a swing
    swing = 0.1 * np.cos(2 * np.pi * np.arange(18) / 12) + np.random.default_rng(4).normal(0, 0.01, 18)
    report = run(monthly_series(tmp_path / "short.csv", 2020, 100 * np.exp(swing)), KnowledgeBase.open())
    assert report.detection.season_unread and report.to_dict()["detection"]["season_unread"] is True
    assert "序列不足两个完整季节周期" in report.render("zh")
    assert "under two full seasonal cycles" in report.render("en")
    # 72 months read their season: no such sentence
    flat = 100 * (1 + np.random.default_rng(3).normal(0, 0.01, 72))
    long = run(monthly_series(tmp_path / "long.csv", 2015, flat), KnowledgeBase.open())
    assert not long.detection.season_unread and "序列不足两个完整季节周期" not in long.render("zh")


def test_changes_under_the_floor_are_counted(series):
    from policytrace.detect import Detector
    from policytrace.pipeline import run

    everything = Detector(min_confidence=0.0).fit(series).nodes_
    strict = Detector(min_confidence=1.01)   # no node can pass: all are counted as left out
    report = run(series, KnowledgeBase.open(), detector=strict)
    assert len(everything) >= 1 and report.detection[:4] == (1.01, len(everything), 0, False)
    assert f"另有 {len(everything)} 处变化置信度低于 1.01，未列出。" in report.render("zh")


def test_nodes_beyond_the_node_limit_are_counted(tmp_path):
    import numpy as np

    from policytrace.detect import Detector
    from policytrace.pipeline import run

    values = 100 * np.exp(np.random.default_rng(5).normal(0, 0.01, 120))
    values[40:] *= 1.3
    values[80:] *= 1.3
    series = monthly_series(tmp_path / "steps.csv", 2010, values)
    assert len(Detector().fit(series).nodes_) == 2
    report = run(series, KnowledgeBase.open(), max_nodes=1)
    assert len(report.attributions) == 1 and report.detection[2] == 1
    assert "另有 1 处置信度较低的变化超出节点数上限，未列出。" in report.render("zh")


def test_changes_no_larger_than_the_rounding_are_counted(tmp_path):
    import numpy as np

    from policytrace.pipeline import run

    # given to 0.1 at 0.3: 0.34 -> 0.36 reads 0.3 -> 0.4
    level = np.where(np.arange(60) < 30, 0.34, 0.36) + np.random.default_rng(11).normal(0, 0.002, 60)
    report = run(monthly_series(tmp_path / "coarse.csv", 2015, level.round(1)), KnowledgeBase.open())
    assert not report.attributions and report.detection.within_rounding == 1
    assert report.to_dict()["detection"]["rounding_step"] == 0.1
    assert "数值仅精确到 0.1，另有 1 处不超过一个舍入单位的变化无法与舍入区分，未列出。" in report.render("zh")
    assert "rounded to 0.1: 1 more change of no more than one rounding step" in report.render("en")


def test_drafts_and_paperwork_in_the_window_are_never_causes_and_the_reader_is_told(series):
    kb = KnowledgeBase.open(":memory:")
    kb.add([record("d", "关于征求《工业能耗限额标准（征求意见稿）》意见的函", "2020-06-20", "cut"),
            record("n", "关于批准《某核电厂运行阶段质量保证大纲》的通知", "2020-06-25", "cut")])
    [attribution] = Attributor().attribute([fall_at_30(series)], series, kb)
    assert not attribution.items
    assert attribution.searched["rejected"] == {"draft": 1, "nuclear_safety": 1}
    report = build_report(series, [attribution])
    assert "1 条为征求意见稿，尚未生效" in report.render("zh") and "1 条为核设施安全监管文件" in report.render("zh")
    # the standard once in force is scored as any record is
    in_force = KnowledgeBase.open(":memory:")
    in_force.add([record("f", "工业能耗限额标准", "2020-06-20", "cut")])
    [attribution] = Attributor().attribute([fall_at_30(series)], series, in_force)
    assert attribution.searched["rejected"] == {"below_min_score": 1}


def test_one_document_from_two_sources_is_listed_once(series):
    # NewClimate dates the 12th Five-Year Plan to its year, CCLW to its day: two items for one plan
    def official(rid, title, date):
        return Record(id=rid, kind="policy", title=title, date=date, regions=("650000",), direction="cut",
                      sources=(Source(url=f"https://www.gov.cn/{rid}"),))

    kb = KnowledgeBase.open(":memory:")
    kb.add([official("year", "Xinjiang industrial energy conservation plan (2020)", "2020"),
            official("day", "Xinjiang industrial energy conservation plan (2020-2025)", "2020-06-12"),
            official("other", "Xinjiang coal consumption cap for industry", "2020-06-15")])
    [attribution] = Attributor().attribute([fall_at_30(series)], series, kb)
    listed = [i.record.id for i in attribution.items]
    assert sorted(listed) in (["day", "other"], ["other", "year"]), listed
    assert attribution.searched["rejected"]["same_event_other_source"] == 1
