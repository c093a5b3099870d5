"""Attribution on real data: the verification rules and the direction check.

KB: the shared COVID-19 provincial response levels and the curated Xinjiang and national records.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from policytrace.attribute import Attributor
from policytrace.detect import Detector, Node, NodeKind
from policytrace.kb import KnowledgeBase
from policytrace.series import Series, read_series

CM_DAILY = "data/emissions/carbon_monitor_china_provincial_daily_2019_2022.csv.gz"
KB_FILES = ("data/policies/china_events/covid2020_provincial_emergency_response_levels.csv",
            "data/policies/curated/national_and_regional_events.csv",
            "data/policies/curated/xinjiang_policies.csv",
            "data/policies/curated/xinjiang_projects_events.csv")


@pytest.fixture(scope="module")
def kb(shared):
    store = KnowledgeBase.open(":memory:")
    for name in KB_FILES:
        store.import_file(shared / name)
    yield store
    store.close()


@pytest.fixture(scope="module")
def xinjiang(xinjiang_industry_csv) -> Series:
    return read_series(xinjiang_industry_csv, region="新疆", sector="工业")


def month_node(series: Series, month: str, direction: str, *, months: int = 1) -> Node:
    """A node at the first day of `month`, dated to ± `months` months (as a monthly-resolution detector would)."""
    index = series.values.index
    at = int(index.searchsorted(pd.Timestamp(month)))
    lo = int(index.searchsorted(pd.Timestamp(month) - pd.DateOffset(months=months)))
    hi = int(index.searchsorted(pd.Timestamp(month) + pd.DateOffset(months=months))) - 1
    return Node(index=at, date=series.label(at), kind=NodeKind.EVENT, confidence=0.9, direction=direction,
                change_pct=-10.0 if direction == "down" else 10.0, level_before=1.0, level_after=1.0,
                interval=(series.label(lo), series.label(hi)), interval_index=(lo, hi),
                details={"working_resolution": "monthly"})


def check_verified(attributions) -> None:
    """The rules every attribution must keep, whatever the nodes."""
    seen_ids, seen_urls = Counter(), Counter()
    for a in attributions:
        for item in a.items:
            seen_ids[item.record.id] += 1
            seen_urls[item.record.url] += 1
            assert item.record.url.startswith(("http://", "https://")), item.record.id
            assert item.relation_zh and item.relation_en
            # before or after the node, or in its own month (or in the record's month or year that holds it)
            if "所在" not in item.relation_zh and item.lag_days < 0:
                assert "前" in item.relation_zh
            elif "所在" not in item.relation_zh and item.lag_days > 0:
                assert "后" in item.relation_zh
            elif "所在" in item.relation_zh:   # a month, a quarter or a year holds both dates
                assert abs(item.lag_days) <= 366
            if item.after_node:
                assert item.note_zh and item.lag_days > 0
            assert set(item.parts) == {"time", "region", "sector", "direction", "kind", "relevance", "authority"}
            assert item.score == pytest.approx(pd.Series(list(item.parts.values())).prod(), rel=1e-9)
            # the direction check: a cut never explains a rise, a raise never a fall
            assert not (item.record.direction == "cut" and a.node.direction == "up")
            assert not (item.record.direction == "raise" and a.node.direction == "down")
        searched = a.searched
        assert {"window", "windows_by_kind", "regions", "candidates", "rejected"} <= set(searched)
        if a.empty:
            assert sum(searched["rejected"].values()) == searched["candidates"]
    assert max(seen_ids.values(), default=1) == 1, "a record stands under two nodes"
    assert max(seen_urls.values(), default=1) == 1, "a source stands under two nodes"


def test_detected_nodes_keep_every_rule(xinjiang, kb):
    nodes = Detector().fit(xinjiang).nodes_
    covid = month_node(xinjiang, "2020-02-01", "down")
    nodes = sorted([n for n in nodes if abs(n.index - covid.index) > 45] + [covid], key=lambda n: n.index)
    attributions = Attributor().attribute(nodes, xinjiang, kb)
    check_verified(attributions)
    assert sum(a.empty for a in attributions) <= max(1, len(attributions) // 10)


def test_covid_node_explained_by_xinjiang_emergency_response(xinjiang, kb):
    (a,) = Attributor().attribute([month_node(xinjiang, "2020-02-01", "down")], xinjiang, kb)
    xinjiang_covid = [i for i in a.items if "650000" in i.record.regions and "COVID" in i.record.title]
    assert xinjiang_covid, [i.record.title for i in a.items]
    assert all(i.region_level == "own" for i in xinjiang_covid)
    assert a.effect == {} or "change" in a.effect


def test_a_cut_never_explains_a_rise(xinjiang, kb):
    down, = Attributor().attribute([month_node(xinjiang, "2020-02-01", "down")], xinjiang, kb)
    up, = Attributor().attribute([month_node(xinjiang, "2020-02-01", "up")], xinjiang, kb)
    cut_ids = {i.record.id for i in down.items if i.record.direction == "cut"}
    assert cut_ids, "the fall should be explained by a cut"
    assert not cut_ids & {i.record.id for i in up.items}
    assert up.searched["rejected"].get("contradicts_direction", 0) >= len(cut_ids)


def test_a_shutdown_never_explains_a_jump(shared, kb, tmp_path):
    daily = pd.read_csv(shared / CM_DAILY)
    rows = daily[(daily.province == "Sichuan") & (daily.sector == "Industry")]
    path = tmp_path / "sichuan.csv"
    rows[["date", "co2_mt_per_day"]].rename(columns={"co2_mt_per_day": "value"}).to_csv(path, index=False)
    sichuan = read_series(path, region="四川", sector="工业")
    shut = [r for r in kb if "Sichuan factories shut" in r.title]
    assert len(shut) == 1 and shut[0].direction == "cut"
    fall, = Attributor(max_items=20).attribute([month_node(sichuan, "2022-08-01", "down")], sichuan, kb)
    jump, = Attributor(max_items=20).attribute([month_node(sichuan, "2022-08-01", "up")], sichuan, kb)
    assert shut[0].id in {i.record.id for i in fall.items}
    assert shut[0].id not in {i.record.id for i in jump.items}


def test_a_record_goes_to_the_node_it_fits_best(xinjiang, kb):
    near, far = month_node(xinjiang, "2020-02-01", "down"), month_node(xinjiang, "2020-03-01", "down")
    attributions = Attributor(max_items=50).attribute([near, far], xinjiang, kb)
    check_verified(attributions)
    level_one = [r for r in kb if r.regions == ("650000",) and r.date == "2020-01-25" and "COVID" in r.title]
    assert level_one
    assert level_one[0].id in {i.record.id for i in attributions[0].items}
    assert attributions[1].searched["rejected"].get("better_fit_other_node", 0) >= 1


def test_late_records_only_inside_the_lag_window(xinjiang, kb):
    # a node dated to January 2020 only: the March level changes come too late for an event
    (a,) = Attributor(max_items=50).attribute([month_node(xinjiang, "2020-01-01", "down", months=0)], xinjiang, kb)
    for item in a.items:
        if item.after_node:
            assert item.lag_days <= 31 + item.window[1]
    assert "2020-03-22" not in {i.record.date for i in a.items}
    assert a.searched["rejected"]["outside_window"] > 0


def test_empty_node_says_what_was_searched(xinjiang):
    empty_kb = KnowledgeBase.open(":memory:")
    (a,) = Attributor().attribute([month_node(xinjiang, "2020-02-01", "down")], xinjiang, empty_kb)
    assert a.empty
    assert a.searched["candidates"] == 0
    assert a.searched["regions"][:2] == ["650000", "000000"]
    assert a.searched["windows_by_kind"]["event"][0] < a.searched["windows_by_kind"]["policy"][0]
    assert "searched" in a.to_dict()
