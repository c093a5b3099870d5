"""Lag windows, region hierarchy, source authority and date relations."""

from __future__ import annotations

from datetime import date

import pytest

from policytrace.attribute import LagWindows, RegionScope
from policytrace.attribute.relation import describe
from policytrace.attribute.scoring import AUTHORITY, Scored, Scorer, authority_level, relevance
from policytrace.detect import Node, NodeKind
from policytrace.kb import KnowledgeBase, Record, Source
from policytrace.series import Frequency


def test_policy_may_act_long_after_issue_an_event_only_at_once():
    windows = LagWindows()
    event = windows.window("event", "started", NodeKind.EVENT, Frequency.DAILY)
    policy = windows.window("policy", "issued", NodeKind.EVENT, Frequency.DAILY)
    assert policy.before > 10 * event.before
    assert event.after > 0 and policy.after > 0


def test_project_approval_acts_only_once_the_plant_runs():
    windows = LagWindows()
    approved = windows.window("project", "issued", NodeKind.EVENT, Frequency.MONTHLY)
    started = windows.window("project", "started", NodeKind.EVENT, Frequency.MONTHLY)
    assert approved.after == 0 and approved.before > started.before
    # nor in the months after it: a coal mine approved 12 days before a rise had been listed as its cause
    node = Node(index=0, date="2022-01", kind=NodeKind.EVENT, confidence=0.9, direction="up", change_pct=20.0,
                level_before=1.0, level_after=1.2, interval=("2022-01", "2022-01"), interval_index=(0, 0))
    days = (date(2022, 1, 1), date(2022, 1, 31))
    scope = RegionScope.of("610000")
    for issued, listed in (("2021-12-20", False), ("2021-05-20", True)):
        mine = Record(id=issued, kind="project", title="隆德煤矿500万吨/年改扩建工程环境影响报告书的批复", date=issued,
                      regions=("610000",), direction="raise", sources=(Source(url="https://www.mee.gov.cn/x"),))
        scored = Scorer().score(mine, node, days, approved, scope, "all")
        assert (scored.reason is None) is listed, (issued, scored)


def test_a_date_known_only_to_the_year_is_any_day_of_it():
    # a NewClimate record dated "2020" (a coal-power planning circular) had fitted the COVID-19 fall of January
    # 2020 fully, by the year's first day, and outranked the provinces' own emergency declarations
    from datetime import date

    from policytrace.attribute.scoring import expected_time_fit

    window = LagWindows().window("policy", "issued", NodeKind.EVENT, Frequency.MONTHLY)
    january = (date(2020, 1, 1), date(2020, 1, 31))
    year = expected_time_fit(date(2020, 1, 1), date(2020, 12, 31), *january, window)
    month = expected_time_fit(date(2020, 1, 1), date(2020, 1, 31), *january, window)
    assert month == 1.0 and 0 < year < 0.6
    # against a node of the whole year, the year fits fully; a year long before the window, not at all
    assert expected_time_fit(date(2020, 1, 1), date(2020, 12, 31), date(2020, 1, 1), date(2020, 12, 31), window) == 1.0
    assert expected_time_fit(date(2010, 1, 1), date(2010, 12, 31), *january, window) == 0.0
    # and so the scorer reads it: the same circular dated to the year, and to a day of January
    from policytrace.attribute.scoring import Scored, Scorer
    from policytrace.detect import Node
    from policytrace.kb import Record, Source

    node = Node(index=0, date="2020-01", kind=NodeKind.EVENT, confidence=0.9, direction="down", change_pct=-20.0,
                level_before=1.0, level_after=0.8, interval=("2020-01", "2020-01"), interval_index=(0, 0))
    static = Scored(parts={"region": 1.0, "sector": 1.0, "relevance": 1.0, "authority": 1.0})

    def time(dated: str) -> float:
        record = Record(id=dated, kind="policy", title="A circular", date=dated, regions=("000000",),
                        sources=(Source(url="https://example.org"),), direction="cut")
        return Scorer().node_parts(record, record.start, record.end, node, january, window, static).parts["time"]

    assert time("2020-01-15") == 1.0 and time("2020") == pytest.approx(year)
    # a plan dated to its month and in force for years still acts from that month on, not from its end
    plan = Record(id="plan", kind="plan", title="A five-year plan", date="2016-03", end_date="2020-12",
                  regions=("000000",), sources=(Source(url="https://example.org"),), direction="cut")
    scored = Scorer().node_parts(plan, plan.start, plan.end, node, january, window, static)
    assert scored.reason == "outside_window" and not Scorer().in_window(plan, january, window), scored


@pytest.mark.parametrize("end_date,plan_listed", [("2022-06", False), (None, True), ("2023-09", True)])
def test_a_shock_that_returns_is_explained_by_what_comes_and_goes(end_date, plan_listed):
    # the 2030 peaking plan had explained spring 2022's fall of ground transport, over by June, in 28 provinces:
    # a lasting plan cannot explain a return; a lockdown or a power curb can
    node = Node(index=0, date="2022-03", kind=NodeKind.EVENT, confidence=0.9, direction="down", change_pct=-10.0,
                level_before=1.0, level_after=0.9, interval=("2022-03", "2022-03"), interval_index=(0, 0),
                end_date=end_date, duration=3 if end_date else None)
    days = (date(2022, 3, 1), date(2022, 3, 31))
    static = Scored(parts={"region": 1.0, "sector": 1.0, "relevance": 1.0, "authority": 1.0})
    window = LagWindows().window("plan", "issued", NodeKind.EVENT, Frequency.MONTHLY)

    def fit(kind: str, title: str) -> float:
        record = Record(id=title, kind=kind, title=title, date="2022-02-20", regions=("000000",),
                        sources=(Source(url="https://example.org"),), direction="cut")
        return Scorer().node_parts(record, record.start, record.end, node, days, window, static).parts["kind"]

    plan = fit("plan", "Action Plan for Carbon Dioxide Peaking Before 2030")
    assert (plan >= 0.5) is plan_listed
    assert fit("event", "Shanghai lockdown") == 1.0
    # a measure whose title says it comes and goes fits as it would a lasting change
    assert fit("policy", "关于做好有序用电工作的通知") == 0.9
    assert fit("policy", "National video conference on curbing energy-intensive projects") == (0.5 if end_date == "2022-06" else 0.9)


def test_windows_depend_on_node_kind_and_frequency():
    windows = LagWindows()
    outlier = windows.window("policy", "issued", NodeKind.OUTLIER, Frequency.DAILY)
    trend = windows.window("policy", "issued", NodeKind.TREND, Frequency.DAILY)
    assert outlier.before < trend.before
    annual = LagWindows(min_periods=(2, 2)).window("event", "started", NodeKind.EVENT, Frequency.ANNUAL)
    assert annual.before >= 2 * 365 and annual.after >= 2 * 365
    assert windows.widest(NodeKind.EVENT, Frequency.DAILY).before == max(
        w[0] for w in windows.describe(NodeKind.EVENT, Frequency.DAILY).values())


@pytest.mark.parametrize(("lag", "kind", "expected"), [(-91, "issued", "发布于节点前 3 个月"),
                                                        (14, "effective", "节点后 2 周生效")])
def test_date_relation_in_words(lag, kind, expected):
    assert describe(lag, kind, "day")[0] == expected


@pytest.fixture(scope="module")
def records(shared):
    kb = KnowledgeBase.open(":memory:")
    for name in ("curated/national_and_regional_events.csv", "curated/xinjiang_policies.csv",
                 "curated/xinjiang_projects_events.csv", "gccmpd/china_mee_documents_2018-2023.csv"):
        kb.import_file(shared / "data/policies" / name)
    out = list(kb)
    kb.close()
    return out


def test_authority_central_over_ministry_over_province_over_media(records):
    def host(r):
        return r.url.split("/")[2] if "//" in r.url else ""

    portal = [r for r in records if host(r) == "www.gov.cn"]
    ministry = [r for r in records if host(r).endswith("mee.gov.cn")]
    local = [r for r in records if host(r).endswith(".gov.cn") and not host(r).endswith("www.gov.cn")
             and host(r).count(".") >= 3 and not r.issuer]
    assert portal and ministry and local
    assert {authority_level(r) for r in portal} == {"central"}
    assert "ministry" in {authority_level(r) for r in ministry}
    assert AUTHORITY["central"] > AUTHORITY["ministry"] > AUTHORITY["provincial"] > AUTHORITY["state_media"] \
        > AUTHORITY["republisher"]
    media = [r for r in records if all(s.source_type == "republisher" for s in r.sources) and not r.issuer
             and ".gov.cn" not in r.url]
    assert media and {authority_level(r) for r in media} == {"republisher"}


def test_region_hierarchy(records):
    scope = RegionScope.of("新疆")
    levels = {}
    for r in records:
        fit = scope.fit(r)
        levels.setdefault(fit[0] if fit else None, r)
    assert {"own", "national", None} <= set(levels)
    assert scope.fit(levels["own"])[1] > scope.fit(levels["national"])[1]
    prefecture_only = [r for r in records if r.regions and all(c.startswith("65") and c != "650000" for c in r.regions)]
    for r in prefecture_only:
        assert scope.fit(r) == ("sub_region", scope.sub_region) and scope.sub_region < scope.own
    gansu = RegionScope.of("新疆", neighbours=("甘肃",))
    gansu_records = [r for r in records if "620000" in r.regions and "000000" not in r.regions]
    for r in gansu_records:
        assert scope.fit(r) is None and gansu.fit(r)[0] == "neighbour"
    assert RegionScope.of("新疆", include_national=False).fit(levels["national"]) is None


def test_relevance_reads_the_text(records):
    scores = {r.display_title: relevance(r, "industry") for r in records}
    assert max(scores.values()) == 1.0 and min(scores.values()) < 0.5


def test_for_a_total_series_an_epidemic_speaks_of_its_sector_as_a_plant_does():
    # every emission word names a series of all sectors: the COVID-19 response had scored 0.75 there,
    # under a 50 MW solar plant's grid connection (1.0), for Xinjiang's total emissions in January 2020
    from policytrace.kb import Record, Source

    def record(title):
        return Record(id=title, kind="event", title=title, date="2020-01-25", regions=("650000",),
                      sources=(Source(url="https://example.org/r"),))

    covid = record("Xinjiang COVID-19 public health emergency response Level I")
    plant = record("中国能建哈密50兆瓦塔式光热发电项目首次并网")
    assert relevance(covid, "all") == 1.0 >= relevance(plant, "all")
    assert relevance(covid, "industry") == 0.75   # it names no industry
    assert relevance(record("Provincial sports games open"), "all") == 0.35


@pytest.mark.parametrize("frequency, dates, last", [
    (Frequency.ANNUAL, ["2011", "2013"], "2013-12-31"),
    (Frequency.MONTHLY, ["2022-09", "2022-11"], "2022-11-30"),
    (Frequency.MONTHLY, ["2023-02", "2023-02"], "2023-02-28"),
    (Frequency.QUARTERLY, ["2020Q1", "2020Q2"], "2020-06-30"),
])
def test_a_nodes_days_end_on_the_last_day_of_its_last_period(frequency, dates, last):
    # a fixed count of days overshot into the next period (annual 2013 ended 2014-01-01), so a record
    # dated on the next period's first day was said to lie inside the node's interval
    import pandas as pd

    from policytrace.attribute.attributor import node_days
    from policytrace.detect.node import Node
    from policytrace.series import Series

    freq = {Frequency.ANNUAL: "YS", Frequency.MONTHLY: "MS", Frequency.QUARTERLY: "QS"}[frequency]
    index = pd.date_range("2010-01-01", "2024-12-31", freq=freq)
    series = Series(pd.Series(range(len(index)), index=index, dtype=float), frequency)
    position = [index.get_loc(pd.Period(d).start_time) for d in dates]
    node = Node(index=position[0], date=dates[0], kind=NodeKind.EVENT, confidence=0.9, direction="up",
                change_pct=10.0, level_before=1.0, level_after=1.1, interval=tuple(dates),
                interval_index=tuple(position))
    first, end = node_days(node, series)
    assert str(first) == str(pd.Period(dates[0]).start_time.date()) and str(end) == last


def test_a_series_named_by_its_branch_is_explained_as_its_sector(tmp_path):
    # 钢铁 had been an unknown sector: a steel policy tagged industry scored as unrelated (sector 0.4)
    from dataclasses import replace

    from policytrace.attribute import Attributor
    from policytrace.detect.node import Node
    from policytrace.kb import Record, Source
    from policytrace.series import read_series

    path = tmp_path / "steel.csv"
    path.write_text("date,value\n" + "".join(f"{2018 + m // 12}-{m % 12 + 1:02d},{100 + (m >= 30) * 20}\n"
                                             for m in range(60)), encoding="utf-8")
    kb = KnowledgeBase.open()
    kb.add([Record(id="steel", kind="policy", title="钢铁行业产能置换实施办法", date="2020-05-10", regions=("650000",),
                   sectors=("industry",), direction="raise", sources=(Source(url="https://example.org/steel"),))])
    parts = {}
    for name in ("钢铁", "工业"):
        series = read_series(path, sector=name)
        node = Node(index=30, date=series.label(30), kind=NodeKind.EVENT, confidence=0.9, direction="up",
                    change_pct=20.0, level_before=100.0, level_after=120.0, interval=(series.label(29), series.label(31)),
                    interval_index=(29, 31))
        series = replace(series, region="650000")
        (attribution,) = Attributor().attribute([node], series, kb)
        parts[name] = attribution.items[0].parts
    assert parts["钢铁"] == parts["工业"] and parts["钢铁"]["sector"] == 1.0
    assert read_series(path, sector="钢铁").sector == "钢铁"   # the series keeps its own name


@pytest.mark.parametrize("branch, first", [("钢铁", "steel"), ("有色金属", "aluminium"), ("工业", None)])
def test_a_branch_series_prefers_records_of_its_branch(tmp_path, branch, first):
    # a 钢铁 series (CEADs' Hebei ferrous smelting) had an aluminium standard as its first item
    from dataclasses import replace

    from policytrace.attribute import Attributor
    from policytrace.detect.node import Node
    from policytrace.kb import Record, Source
    from policytrace.series import read_series

    path = tmp_path / "branch.csv"
    path.write_text("date,value\n" + "".join(f"{2018 + m // 12}-{m % 12 + 1:02d},{100 + (m >= 30) * 20}\n"
                                             for m in range(60)), encoding="utf-8")
    kb = KnowledgeBase.open()
    kb.add([Record(id=rid, kind="policy", title=title, date="2020-05-10", regions=("650000",), sectors=("industry",),
                   direction="raise", sources=(Source(url=f"https://example.org/{rid}"),))
            for rid, title in (("steel", "钢铁行业产能置换实施办法"), ("aluminium", "Aluminium industry permitting standards"),
                               ("vehicles", "New Energy Vehicle Industry Development Plan"),
                               ("pv", "Code of practice of the PV manufacturing industry"))])
    series = replace(read_series(path, sector=branch), region="650000")
    node = Node(index=30, date=series.label(30), kind=NodeKind.EVENT, confidence=0.9, direction="up", change_pct=20.0,
                level_before=100.0, level_after=120.0, interval=(series.label(29), series.label(31)),
                interval_index=(29, 31))
    (attribution,) = Attributor(max_items=4).attribute([node], series, kb)
    fit = {item.record.id: item.parts["sector"] for item in attribution.items}
    if first is None:   # a sector, not a branch: both fit alike
        assert fit == {"steel": 1.0, "aluminium": 1.0, "vehicles": 1.0, "pv": 1.0}
    else:
        # the other branch's record fits as a related sector only (listed below, or under the score floor)
        assert attribution.items[0].record.id == first and fit.pop(first) == 1.0 and set(fit.values()) <= {0.7}


@pytest.mark.parametrize("at, listed", [(20, False), (27, True)])
def test_a_pledge_acts_only_through_the_measures_after_it(at, listed):
    # China's 2035 NDC, announced on 24 September 2025, had explained a fall of that September in nine
    # provinces' totals; from half a year on, a turn may follow from it
    import pandas as pd

    from policytrace.attribute import Attributor
    from policytrace.series import Series

    index = pd.date_range("2024-01-01", periods=36, freq="MS")
    series = Series(pd.Series(100.0, index=index), Frequency.MONTHLY, region="310000", sector="合计")
    kb = KnowledgeBase.open()
    kb.add([Record(id="ndc", kind="policy", title="China's new Nationally Determined Contribution (2035 targets)",
                   summary="Net greenhouse gas emissions 7-10% below their peak by 2035.", date="2025-09-24",
                   regions=("000000",), sectors=("all",), direction="cut", sources=(Source(url="https://www.gov.cn/ndc"),)),
            Record(id="curb", kind="policy", title="关于做好2025年有序用电工作的通知", date="2025-09-20",
                   regions=("000000",), sectors=("all",), direction="cut", sources=(Source(url="https://www.gov.cn/c"),))])
    node = Node(index=at, date=series.label(at), kind=NodeKind.EVENT, confidence=0.9, direction="down",
                change_pct=-20.0, level_before=100.0, level_after=80.0, interval=(series.label(at), series.label(at)),
                interval_index=(at, at))
    assert node.date == ("2025-09" if at == 20 else "2026-04")
    (attribution,) = Attributor(effects=None).attribute([node], series, kb)
    ids = {item.record.id for item in attribution.items}
    assert ("ndc" in ids) is listed
    if not listed:   # a measure of the same days acts at once
        assert "curb" in ids


def test_a_record_after_the_node_fits_less_the_later_it_is_even_inside_a_wide_interval():
    # Jilin's thermal power turned in 2020-09, dated to within a year (2020-03 to 2021-12); a plan of 2021-11 had
    # fitted it fully, 14 months after the turn it was to explain
    node = Node(index=20, date="2020-09", kind=NodeKind.TREND, confidence=0.8, direction="down", change_pct=-13.0,
                level_before=1.0, level_after=0.87, interval=("2020-03", "2021-12"), interval_index=(14, 35))
    days, settled = (date(2020, 3, 1), date(2021, 12, 31)), date(2020, 9, 30)
    window = LagWindows().window("plan", "issued", NodeKind.TREND, Frequency.MONTHLY)
    static = Scored(parts={"region": 1.0, "sector": 1.0, "relevance": 1.0, "authority": 1.0})

    def time(dated: str, settled: date | None = settled) -> float:
        record = Record(id=dated, kind="plan", title="A plan", date=dated, regions=("000000",), direction="cut",
                        sources=(Source(url="https://example.org"),))
        return Scorer().node_parts(record, record.start, record.end, node, days, window, static, settled).parts["time"]

    assert time("2020-04-10") == time("2020-09-20") == 1.0       # before the turn or in its month
    assert time("2021-11-03") < 0.2 < 0.5 < time("2020-11-10") < 1.0
    assert time("2021-11-03", settled=None) == 1.0              # read against the interval alone, as before


@pytest.mark.parametrize(("dates", "record_date", "expected_zh", "expected_en"), [
    # an annual node and a record known only to its year: "on the node's date" had claimed a day neither has
    ([f"{y}" for y in range(1995, 2015)], "2005", "发布于节点所在年份", "issued in the node's year"),
    # a record of the node's own month, dated to the day
    ([f"{2018 + m // 12}-{m % 12 + 1:02d}" for m in range(60)], "2020-07-20", "发布于节点所在月份",
     "issued in the node's month"),
    # a record known only to the node's month
    ([f"{2018 + m // 12}-{m % 12 + 1:02d}" for m in range(60)], "2020-07", "发布于节点所在月份", "issued in the node's month"),
    # a day-precision record before the node's month: counted in days or months as before
    ([f"{2018 + m // 12}-{m % 12 + 1:02d}" for m in range(60)], "2020-04-01", "发布于节点前 3 个月",
     "issued 3 months before the node"),
])
def test_a_record_in_the_nodes_period_is_said_to_be_in_it(tmp_path, dates, record_date, expected_zh, expected_en):
    from policytrace.attribute import Attributor
    from policytrace.detect import Node
    from policytrace.series import read_series

    at = len(dates) // 2
    path = tmp_path / "series.csv"
    path.write_text("date,value\n" + "".join(f"{d},{100 - 20 * (i >= at)}\n" for i, d in enumerate(dates)),
                    encoding="utf-8")
    series = read_series(path, region="新疆", sector="工业")
    node = Node(index=at, date=series.label(at), kind=NodeKind.EVENT, confidence=0.9, direction="down",
                change_pct=-20.0, level_before=100.0, level_after=80.0, interval=(series.label(at), series.label(at)),
                interval_index=(at, at))
    kb = KnowledgeBase.open(":memory:")
    kb.add([Record(id="r", kind="policy", title="新疆维吾尔自治区工业节能减排方案", date=record_date,
                   regions=("650000",), direction="cut", sources=(Source(url="https://www.xinjiang.gov.cn/r.html"),))])
    items = Attributor().attribute([node], series, kb)[0].items
    assert [(i.relation_zh, i.relation_en) for i in items] == [(expected_zh, expected_en)]
