"""Searching the KB: cross-lingual words, synonyms, region hierarchy, date precision, kind/sector, why."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from conftest import CHINA_RECORDS, cli
from policytrace.errors import InputError
from policytrace.kb import KnowledgeBase, Record, Source
from policytrace.kb.starter import starter_records


def _r(rid, title, date="2021-05-10", regions=("650000",), **kw) -> Record:
    return Record(id=rid, kind=kw.pop("kind", "policy"), title=title, date=date, regions=regions,
                  sources=(Source(url=f"https://example.org/{rid}"),), **kw)


@pytest.fixture()
def kb():
    kb = KnowledgeBase.open()
    kb.add([
        _r("shutdown", "Aluminium smelters shutdown after power cuts", kind="event"),
        _r("zh_stop", "电解铝企业停产检修", title_zh="电解铝企业停产检修", kind="event"),
        _r("resume", "Guideline for enterprises on resumption of work and production", date="2020-02-21",
           regions=("000000",)),
        _r("dual", "新疆能耗双控工作方案", title_zh="新疆能耗双控工作方案", sectors=("industry",), date="2021"),
        _r("urumqi", "乌鲁木齐市工业园区停工", regions=("650100",), kind="event", date="2022-08"),
        _r("nation", "National notice on orderly power use", regions=("000000",), sectors=("power",),
           date="2021-09-26"),
        _r("gansu", "Gansu power rationing", regions=("620000",), sectors=("power",), date="2021-09-27"),
        _r("lockdown", "Xinjiang lockdown", date="2022-08-10", end_date="2022-11-28", kind="event"),
        _r("other", "Cement capacity replacement rules", regions=("000000",), date="2017"),
    ])
    return kb


def ids(hits):
    return [h.record.id for h in hits]


def test_synonyms_and_the_other_language_are_found(kb):
    assert {"shutdown", "zh_stop", "urumqi"} <= set(ids(kb.search("停产")))  # 停产 ≈ 停工 ≈ shutdown
    assert ids(kb.search("复工复产"))[0] == "resume"
    assert ids(kb.search("dual control"))[0] == "dual"
    assert set(ids(kb.search("限电"))) >= {"nation", "gansu", "shutdown"}  # orderly power use, rationing, power cuts


def test_results_say_why_they_matched(kb):
    hit = kb.search("复工复产")[0]
    assert "复工复产≈resumption of work" in hit.why and "(title)" in hit.why
    assert kb.search("", region="新疆")[0].why == "filters only"


def test_region_hierarchy_parents_by_default_children_on_request(kb):
    assert "nation" in ids(kb.search("power", region="新疆"))  # the nation's rules apply to Xinjiang
    assert "nation" not in ids(kb.search("power", region="新疆", include_parents=False))
    assert "gansu" not in ids(kb.search("power", region="Xinjiang"))
    assert "urumqi" not in ids(kb.search("", region="650000"))
    assert "urumqi" in ids(kb.search("", region="新疆维吾尔自治区", include_children=True))
    assert "lockdown" in ids(kb.search("", region="乌鲁木齐"))  # the province above Urumqi


def test_dates_overlap_at_their_own_precision(kb):
    june = ids(kb.search("", start="2021-06-01", end="2021-06-30", limit=None))
    assert "dual" in june  # dated "2021": the whole year
    assert "shutdown" not in june  # dated 2021-05-10
    autumn = ids(kb.search("", start="2022-10-01", end="2022-10-31", limit=None))
    assert "lockdown" in autumn and "urumqi" not in autumn  # lasts until 2022-11-28; 2022-08 is over
    assert "urumqi" in ids(kb.search("", start="2022-08-31", end="2022-09-05", limit=None))
    assert ids(kb.search("", start="2017", end="2017", limit=None)) == ["other"]


def test_one_chinese_character_finds_the_words_it_starts(kb):
    # the index holds bigrams: a lone character had found nothing
    assert set(ids(kb.search("停", limit=None))) == {"zh_stop", "urumqi"}   # 停产, 停工
    assert ids(kb.search("铝", limit=None)) == ["zh_stop"]                   # 电解铝企业: a run's inside


def test_kind_and_sector_filters(kb):
    assert set(ids(kb.search("", kinds=["event"], limit=None))) == {"shutdown", "zh_stop", "urumqi", "lockdown"}
    assert set(ids(kb.search("", sectors=["power"], limit=None))) == {"nation", "gansu"}
    # by any of its names: 电力 and Power as power, 钢铁 (a branch) as industry; none had matched a record
    assert set(ids(kb.search("", sectors=["电力"], limit=None))) == {"nation", "gansu"}
    assert set(ids(kb.search("", sectors=["Power"], limit=None))) == {"nation", "gansu"}
    assert set(ids(kb.search("", sectors=["钢铁"], limit=None))) == {"dual"}
    # a kind as Chinese tables write it; an unknown kind or sector, a bad limit or dates the wrong way round had
    # found nothing (or everything, or all but the last five) without a word
    assert set(ids(kb.search("", kinds=["事件"], limit=None))) == set(ids(kb.search("", kinds=["event"], limit=None)))
    for bad, said in (({"kinds": ["spaceship"]}, "unknown kind 'spaceship'"),
                      ({"sectors": ["spaceship"]}, "unknown sector 'spaceship'"),
                      ({"limit": 0}, "cannot list 0 records"), ({"limit": -5}, "cannot list -5 records"),
                      ({"start": "2021", "end": "2020"}, "the first date 2021 is after the last 2020")):
        with pytest.raises(InputError, match=re.escape(said)):
            kb.search("", **bad)


def test_covering_more_of_the_query_ranks_higher(kb):
    kb.add([_r("both", "Xinjiang COVID-19 emergency response", date="2020-01-25", kind="event"),
            _r("one", "COVID-19 COVID-19 COVID-19 outbreak report", date="2020-01-25", kind="event")])
    assert ids(kb.search("新冠 应急响应"))[0] == "both"


@pytest.mark.parametrize("indexed", [False, True], ids=["filtered", "index"])
def test_the_word_as_typed_and_the_region_asked_rank_first(indexed):
    # a Changji solar record had ranked 12th for 光伏 in Changji: behind Xinjiang's records that said 风电 or
    # 新能源 (the glossary's neighbours of 光伏) more often
    kb = KnowledgeBase.open()
    kb.add([_r("wind", "新疆风电基地风电项目风电建设计划", title_zh="新疆风电基地风电项目风电建设计划", kind="plan"),
            _r("solar_xj", "新疆光伏项目建设", title_zh="新疆光伏项目建设", kind="project"),
            _r("solar_cj", "昌吉州光伏项目并网", title_zh="昌吉州光伏项目并网", regions=("652300",), kind="project")])
    # with no region nor date, the full-text index ranks; with them, the texts of the records they leave
    filters = {} if indexed else {"start": "2021", "end": "2021"}
    assert ids(kb.search("光伏", **filters))[2:] == ["wind"]   # the word typed before a related one
    assert ids(kb.search("光伏", region="昌吉", **filters)) == ["solar_cj", "solar_xj", "wind"]
    assert ids(kb.search("光伏", region="昌吉", limit=1, **filters)) == ["solar_cj"]
    assert ids(kb.search("光伏", region="新疆", include_children=True, **filters))[:2] == ["solar_xj", "solar_cj"]


@pytest.mark.parametrize("query", ["COVID-19 emergency response", "新冠 应急响应"])
def test_xinjiang_2020_record_in_first_five_from_the_cli(shared, tmp_path_factory, query):
    path = tmp_path_factory.getbasetemp() / "search_kb.sqlite"
    if not path.exists():
        assert cli("kb", "import", str(shared / CHINA_RECORDS), "--kb", str(path)).returncode == 0
    run = cli("kb", "search", query, "--kb", str(path), "--region", "新疆", "--from", "2020-01-01",
              "--to", "2020-04-30", "--json")
    assert run.returncode == 0, run.stderr
    hits = json.loads(run.stdout)[:5]
    assert any("Xinjiang" in h["title"] and h["date"] == "2020-01-25" for h in hits)
    assert all("650000" in h["regions"] or "000000" in h["regions"] for h in hits)
    assert all(h["why"].startswith("matched") for h in hits)


def test_starter_kb_is_sourced_checked_and_covers_xinjiang_and_the_nation():
    records = starter_records()
    assert len(records) >= 150
    assert len({r.id for r in records}) == len(records)
    urls = [s.url for r in records for s in r.sources]
    assert all(urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc for u in urls)
    assert all(2015 <= r.start.year <= 2025 for r in records)
    assert all(r.provenance.get("from") and r.provenance.get("how") for r in records)
    assert sum("650000" in r.regions for r in records) >= 50 and sum("000000" in r.regions for r in records) >= 30
    ranks = {"official": 0, "state_media": 1, "industry_media": 2, "database": 2, "republisher": 3}
    for r in records:  # the best source comes first when a record has several
        assert [ranks.get(s.source_type, 4) for s in r.sources] == sorted(ranks.get(s.source_type, 4) for s in r.sources)


def test_starter_search_without_a_kb_file():
    run = cli("kb", "search", "碳达峰", "--region", "新疆", "--json", "-n", "5")
    assert run.returncode == 0, run.stderr
    hits = json.loads(run.stdout)
    assert hits and all("碳达峰" in h["why"] or "carbon peak" in h["why"] for h in hits)
    run = cli("kb", "stats", "--json")
    assert json.loads(run.stdout)["records"] == len(starter_records())


def test_bad_dates_and_regions_are_one_line_errors(kb):
    from policytrace.errors import InputError

    with pytest.raises(InputError, match="2020-13-01"):
        kb.search("碳达峰", start="2020-13-01")
    with pytest.raises(InputError, match="Atlantis"):
        kb.search("碳达峰", region="Atlantis")


def test_kb_text_that_looks_like_rich_markup_is_printed_as_written(tmp_path):
    # "[/x]" in a title had ended `kb search` in a Rich MarkupError traceback
    table = tmp_path / "odd [b].csv"
    table.write_text("title,date,url,region\nPlan [draft] for [/x] coal,2021-05-01,https://example.org/a,新疆\n",
                     encoding="utf-8")
    kb = tmp_path / "odd.sqlite"
    assert cli("kb", "import", str(table), "--kb", str(kb), "--empty").returncode == 0
    for command in (("kb", "search", "coal", "--kb", str(kb)), ("kb", "stats", "--kb", str(kb))):
        run = cli(*command, env={"COLUMNS": "200"})
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    run = cli("kb", "search", "coal", "--kb", str(kb), env={"COLUMNS": "200"})
    assert "Plan [draft] for [/x] coal" in run.stdout and "新疆" in run.stdout, run.stdout
    assert "odd [b].csv" in cli("kb", "stats", "--kb", str(kb), env={"COLUMNS": "200"}).stdout
