"""Importing tables into the KB: every shared China file, row accounting, encodings, atomicity, idempotence."""

from __future__ import annotations

import json
import re
import sqlite3

import pandas as pd
import pytest

from conftest import CHINA_RECORDS, cli
from policytrace.errors import InputError, KnowledgeBaseError
from policytrace.kb import KnowledgeBase, Record, Source
from policytrace.kb.importers import read_records

CHINA_FILES = [
    CHINA_RECORDS,
    "data/policies/curated/xinjiang_policies.csv",
    "data/policies/curated/xinjiang_projects_events.csv",
    "data/policies/curated/national_and_regional_events.csv",
    "data/policies/china_events/covid2020_provincial_emergency_response_levels.csv",
    "data/policies/china_events/covid2020_china_city_policies_hsiang2020.csv",
    "data/policies/china_events/china_policy_shocks_v0_1_energy_env_subset.csv",
    "data/policies/gccmpd/china_mee_documents_2018-2023.csv",
    "data/policies/gccmpd/china_state_council_energy_mineral_docs.csv",
    "data/policies/gccmpd/iea_policies_2023-04.csv",
    "data/policies/gccmpd/newclimate_cpdb_2021-12.csv",
    "data/policies/gccmpd/cclw_laws_policies_2021-12.csv",
    "data/policies/gccmpd/icap_ets.csv",
    "data/policies/stechemesser2024_capmf/capmf_policy_events_preprocessed.csv",
    "data/policies/stechemesser2024_capmf/add_on_policies.csv",
]


@pytest.fixture(scope="module")
def shared_kb(shared, tmp_path_factory):
    """Every shared China file imported once into one KB; the results by file."""
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("kb") / "all.sqlite")
    results = {name: kb.import_file(shared / name) for name in CHINA_FILES}
    yield kb, results
    kb.close()


@pytest.mark.parametrize("name", CHINA_FILES)
def test_every_shared_china_file_imports_and_every_row_is_accounted_for(shared, shared_kb, name):
    _, results = shared_kb
    result = results[name]
    rows = len(pd.read_csv(shared / name, dtype=str, keep_default_na=False))
    assert result.rows == rows
    assert result.total + len(result.skipped) + result.duplicates + result.left_out == rows
    assert result.total > 0
    for message in result.skipped:  # each skipped row says where and why
        assert "row " in message and name.split("/")[-1] in message


def test_merged_file_skips_exactly_the_undated_rows_and_merges_exact_repeats(shared, shared_kb):
    frame = pd.read_csv(shared / CHINA_RECORDS, dtype=str, keep_default_na=False)
    undated = frame[(frame["date"] == "") & (frame["year"] == "")]
    repeats = frame.drop(columns="record_id").duplicated().sum()
    result = shared_kb[1][CHINA_RECORDS]
    assert len(result.skipped) == len(undated) > 0
    assert {int(m.split("row ")[1].split(",")[0]) for m in result.skipped} == {i + 2 for i in undated.index}
    assert result.duplicates == repeats > 0


def test_a_document_posted_online_years_after_it_was_issued_keeps_its_own_year(shared, shared_kb):
    # gov.cn went up with the State Council's documents of the 1980s in 2012-2018: the day in the address is
    # when the page was posted, and a 1985 notice cited as "issued 2012-06-05" had explained a 2012 node
    kb, _ = shared_kb
    for name, year_column in (("data/policies/gccmpd/china_state_council_energy_mineral_docs.csv", "Year"),
                              (CHINA_RECORDS, "year")):
        frame = pd.read_csv(shared / name, dtype=str, keep_default_na=False)
        url_column = "URL" if "URL" in frame else "url"
        years = {row[url_column]: row[year_column][:4] for _, row in frame.iterrows()
                 if re.search(r"gov\.cn/.*/(t\d{8}_|\d{4}-\d{2}/\d{2}/)", row[url_column]) and row[year_column]}
        records = [r for r in kb if r.sources and r.sources[0].url in years]
        assert len(records) > 50
        assert all(r.date[:4] <= years[r.sources[0].url] for r in records)
        later = [r for r in records if r.fields.get("posted")]
        assert later and all(r.fields["posted"][:4] > r.date for r in later)


def test_a_table_row_dated_by_its_address_and_an_earlier_year_takes_the_year(tmp_path):
    path = tmp_path / "docs.csv"
    pd.DataFrame({
        "title_zh": ["国务院办公厅转发某部关于煤炭行业管理的通知", "关于印发某方案的通知"],
        "title_en_machine": ["A notice on coal", "A plan"], "Year": ["1985", "2021"],
        "URL": ["http://www.gov.cn/zhengce/content/2012-06/05/content_2702.htm",
                "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk03/202103/t20210305_823456.html"],
        "Scope": ["National", "National"], "Source": ["GOV_CHN", "MEE_PRC"], "content_zh": ["正文", "正文"],
    }).to_csv(path, index=False)
    records = {r.title_zh: r for r in read_records(path).records}
    old = records["国务院办公厅转发某部关于煤炭行业管理的通知"]
    assert (old.date, old.fields["posted"]) == ("1985", "2012-06-05")
    assert old.typed_fields()["颁布时间"] == "1985"
    recent = records["关于印发某方案的通知"]
    assert (recent.date, recent.fields.get("posted")) == ("2021-03-05", None)


def test_stats_reconcile_each_import_with_its_rows(shared_kb):
    kb, results = shared_kb
    stats = kb.stats()
    assert stats["records"] == len(kb)
    assert sum(stats["by_kind"].values()) == len(kb)
    logged = {i["source_file"].split("shared/")[-1]: i for i in stats["imports"]}
    for name, result in results.items():
        item = logged[name]
        assert item["rows"] == item["inserted"] + item["updated"] + item["unchanged"] + item["skipped"] \
            + item["duplicates"] + item["left_out"] == result.rows


def test_other_countries_rows_are_left_out_not_imported(shared_kb):
    kb, results = shared_kb
    assert results["data/policies/gccmpd/iea_policies_2023-04.csv"].left_out > 0
    iea = [r for r in kb if r.provenance.get("importer") == "table:iea"]
    assert iea and all(r.regions for r in iea)
    assert "650000" in {c for r in kb.search("新疆", limit=50) for c in r.record.regions}


def test_reimport_changes_nothing(shared, tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb.sqlite")
    path = shared / "data/policies/curated/xinjiang_policies.csv"
    first = kb.import_file(path)
    before = [r.to_dict() for r in kb]
    history = {r.id: kb.provenance(r.id) for r in kb}
    again = kb.import_file(path)
    assert again.inserted == again.updated == 0 and again.unchanged == first.total
    assert [r.to_dict() for r in kb] == before
    assert {r.id: kb.provenance(r.id) for r in kb} == history


def test_a_changed_row_is_updated_and_provenance_names_the_change(shared, tmp_path):
    source = shared / "data/policies/curated/xinjiang_policies.csv"
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    kb = KnowledgeBase.open(tmp_path / "kb.sqlite")
    kb.import_file(source)
    frame.loc[3, "summary_zh"] = frame.loc[3, "summary_zh"] + "（修订）"
    edited = tmp_path / "xinjiang_policies.csv"
    frame.to_csv(edited, index=False)
    result = kb.import_file(edited)
    assert (result.inserted, result.updated) == (0, 1)
    changed = [r for r in kb if (r.summary or "").endswith("（修订）")]
    assert len(changed) == 1
    history = kb.provenance(changed[0].id)
    assert [h["action"] for h in history] == ["inserted", "updated"]
    assert history[-1]["changed"] == ["summary"] and history[-1]["source_file"] == str(edited)


def test_a_file_none_of_whose_rows_can_be_read_is_an_error_and_makes_no_kb(tmp_path):
    # it had said "0 new … 1 row skipped", exited 0 and made a new KB of the starter records
    path = tmp_path / "mine.csv"
    pd.DataFrame({"标题": ["甲", "乙"], "日期": ["2021-01-01", "2021-02-01"], "地区": ["Atlantis", "Atlantis"]}
                 ).to_csv(path, index=False)
    with pytest.raises(InputError, match="no row could be read \\(2 turned away\\); the first, row 2, column '地区'"):
        read_records(path)
    run = cli("kb", "import", str(path), "--kb", str(tmp_path / "kb.sqlite"))
    assert run.returncode == 2 and "unknown region 'Atlantis'" in run.stderr, run.stderr
    assert not (tmp_path / "kb.sqlite").exists()


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path):
    # it had been given the KB's tables and starter records, even by `kb stats`
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    before = path.read_bytes()
    with pytest.raises(KnowledgeBaseError, match="not a policytrace knowledge base.*customers"):
        KnowledgeBase.create(path)
    run = cli("kb", "stats", "--kb", str(path))
    assert run.returncode == 2 and "customers" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert path.read_bytes() == before
    (tmp_path / "empty.sqlite").touch()   # an empty file is a new KB
    assert len(KnowledgeBase.create(tmp_path / "empty.sqlite")) > 0


def test_failure_half_way_leaves_the_kb_as_it_was(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "kb.sqlite")
    good = [_record(f"r{i}", f"Good record {i}") for i in range(60)]
    kb.add(good[:10])
    before = [r.to_dict() for r in kb]
    # The 51st record cannot be written (SQLite refuses a dict as a region code, after JSON took it):
    # the 40 new ones before it were already inserted in the transaction and must be rolled back with it.
    broken = _record("bad", "Broken record")
    object.__setattr__(broken, "regions", ({"code": "650000"},))
    with pytest.raises(KnowledgeBaseError):
        kb.add([*good[10:50], broken, *good[50:]])
    assert [r.to_dict() for r in kb] == before
    assert kb.search("Good record", limit=100) and len(kb.search("Good record", limit=100)) == 10
    reopened = sqlite3.connect(tmp_path / "kb.sqlite")
    assert reopened.execute("SELECT count(*) FROM records").fetchone()[0] == 10


def test_gbk_csv_imports_with_its_chinese_text(tmp_path):
    path = tmp_path / "gbk.csv"
    frame = pd.DataFrame({"标题": ["关于做好有序用电工作的通知", "新疆电解铝企业限产"],
                          "发布日期": ["2021年9月26日", "2021-10"], "地区": ["全国", "新疆"],
                          "链接": ["https://example.org/a", "https://example.org/b"]})
    frame.to_csv(path, index=False, encoding="gbk")
    batch = read_records(path)
    titles = {r.title: r for r in batch.records}
    assert set(titles) == set(frame["标题"])
    assert titles["关于做好有序用电工作的通知"].date == "2021-09-26"
    assert titles["新疆电解铝企业限产"].regions == ("650000",) and titles["新疆电解铝企业限产"].date == "2021-10"


def test_a_column_mapping_reads_a_users_table(tmp_path):
    path = tmp_path / "mine.csv"
    pd.DataFrame({"政策": ["乌鲁木齐市停产整治"], "时间": ["2022-08-10"], "省份": ["乌鲁木齐"],
                  "网址": ["https://example.org/c"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="column mapping"):
        read_records(path)
    kb = KnowledgeBase.open()
    kb.import_file(path, mapping={"title": "政策", "date": "时间", "region": "省份", "url": "网址"})
    (record,) = list(kb)
    assert record.regions == ("650100",) and record.url == "https://example.org/c"


def test_a_mapping_need_name_only_the_odd_column_and_without_a_date_says_so(tmp_path):
    path = tmp_path / "mine.csv"
    pd.DataFrame({"文件": ["乌鲁木齐市停产整治"], "发布日期": ["2022-08-10"], "网址": ["https://example.org/c"]}
                 ).to_csv(path, index=False)
    (record,) = read_records(path, mapping={"title": "文件"}).records   # 发布日期 and 网址 are usual headers
    assert (record.date, record.url) == ("2022-08-10", "https://example.org/c")
    pd.DataFrame({"foo": ["x"], "bar": ["y"]}).to_csv(path, index=False)
    # had been an IndexError traceback
    with pytest.raises(InputError, match="no column holds a date"):
        read_records(path, mapping={"title": "foo"})


def test_a_users_table_with_the_usual_chinese_headers_and_no_region_column(tmp_path):
    # 所属地区, 政策类型 and 原文链接 were not known headers, 规划 was no kind, and without a region column every
    # record was national: a prefecture's plan offered to every province's nodes
    path = tmp_path / "mine.csv"
    pd.DataFrame({"政策名称": ["关于印发《喀什地区碳达峰实施方案》的通知", "伊犁州电解铝产能置换方案", "全国碳市场启动"],
                  "发布时间": ["2023年5月8日", "2022.06", "2021-07-16"],
                  "发文机关": ["喀什地区行政公署", "伊犁州发展改革委", "生态环境部"],
                  "政策类型": ["规划", "政策", "市场"],
                  "原文链接": ["https://example.org/a", "https://example.org/b", "https://example.org/c"]}
                 ).to_csv(path, index=False)
    records = {r.title[:4]: r for r in read_records(path).records}
    assert records["关于印发"].regions == ("653100",) and records["关于印发"].kind == "plan"
    assert records["伊犁州电"].regions == ("654000",) and records["伊犁州电"].sectors == ("industry",)
    assert records["全国碳市"].regions == ("000000",) and records["全国碳市"].kind == "market"
    assert all(r.url.startswith("https://example.org/") for r in records.values())
    # a region column, where there is one, is read as written
    frame = pd.read_csv(path).assign(所属地区=["喀什", "伊犁", "新疆"])
    frame.to_csv(path, index=False)
    assert [r.regions for r in read_records(path).records] == [("653100",), ("654000",), ("650000",)]


def test_a_users_table_says_its_direction_in_chinese_and_names_its_counties(tmp_path):
    # 减排 / 增排 had been "unknown direction" for the row; 朝阳区 had been Beijing's without a word, and a
    # county without its kind (吉木萨尔) or after its prefecture (福州市鼓楼区) had been unknown
    path = tmp_path / "mine.csv"
    pd.DataFrame({"政策名称": ["电解铝限产", "煤化工项目投产", "绿色出行方案", "节能改造", "说不清"],
                  "发布日期": ["2021-08-15", "2022-03-01", "2020-05-01", "2019-06-01", "2019-07-01"],
                  "地区": ["昌吉", "吉木萨尔", "福州市鼓楼区", "朝阳区", "新疆"],
                  "影响方向": ["减排", "增排", "不明", "减排", "很多"]}).to_csv(path, index=False)
    batch = read_records(path)
    got = {r.title: (r.regions, r.direction) for r in batch.records}
    assert got == {"电解铝限产": (("652300",), "cut"), "煤化工项目投产": (("652327",), "raise"),
                   "绿色出行方案": (("350102",), "unclear")}
    ambiguous, unknown = (str(s) for s in batch.skipped)
    assert "row 5" in ambiguous and "'地区'" in ambiguous and "北京市朝阳区 (110105)" in ambiguous, ambiguous
    assert "row 6" in unknown and "'影响方向'" in unknown and "很多" in unknown, unknown


def test_a_users_workbook_with_a_title_above_its_header_and_notes_under_it(tmp_path):
    # government spreadsheets open with a title line: "unknown column layout" had refused the file
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["新疆节能降碳政策汇总表"], [], ["序号", "政策名称", "发布时间", "发文机关", "原文链接"],
                [1, "关于印发《喀什地区碳达峰实施方案》的通知", "2023-05-08", "喀什地区行政公署", "https://example.org/a"],
                [2, "伊犁州电解铝产能置换方案", "", "伊犁州发展改革委", "https://example.org/b"],
                ["注：以上政策来源于各地政府网站"]):
        sheet.append(row)
    path = tmp_path / "mine.xlsx"
    book.save(path)
    batch = read_records(path)
    assert [r.title for r in batch.records] == ["关于印发《喀什地区碳达峰实施方案》的通知"]
    (skipped,) = batch.skipped   # the row without a date, named by its line in the sheet; the notes are no row
    assert "row 5" in str(skipped) and "no date" in str(skipped) and batch.rows == 2


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16", "gzip"])
def test_a_users_csv_with_a_title_line_of_one_cell(tmp_path, encoding):
    # the title line left the separator to be guessed from it: csv.Error "Could not determine delimiter",
    # a traceback; UTF-16 (Excel's "Unicode text") was not read at all
    text = ("新疆节能降碳政策汇总表\n\n政策名称,发布时间,发文机关,原文链接\n"
            "伊犁州电解铝产能置换方案,2022-06-01,伊犁州发展改革委,https://example.org/b\n"
            "无日期的一行,,某机关,https://example.org/c\n")
    path = tmp_path / ("mine.csv.gz" if encoding == "gzip" else "mine.csv")
    if encoding == "gzip":
        import gzip

        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding=encoding)
    batch = read_records(path)
    assert [r.regions for r in batch.records] == [("654000",)]
    assert "row 5" in str(batch.skipped[0])
    run = cli("kb", "import", str(path), "--kb", str(tmp_path / "kb.sqlite"), "--empty")
    assert run.returncode == 0 and "1 new" in run.stdout and "Traceback" not in run.stderr, run.stderr


def test_a_region_cell_the_gazetteer_cannot_read_is_reported_not_read_as_the_nation(tmp_path):
    # MassCPR writes Inner Mongolia as Neimenggu: its 14 emergency-response rows had been national, offered to
    # every province's nodes; a typo in a user's table was as silent
    path = tmp_path / "mine.csv"
    pd.DataFrame({"政策": ["A", "B", "C", "D", "E"], "时间": ["2020-01-25"] * 5,
                  "省份": ["Neimenggu", "Guangxi Zhuang Autonomous Region", "新疆维吾尔自治区/新疆生产建设兵团",
                         "新疆生产建设兵团第八师", "新彊"]}).to_csv(path, index=False)
    batch = read_records(path, mapping={"title": "政策", "date": "时间", "region": "省份"})
    assert {r.title: r.regions for r in batch.records} == {"A": ("150000",), "B": ("450000",), "C": ("650000",),
                                                          "D": ("659001",)}
    (message,) = [str(e) for e in batch.skipped]
    assert "row 6" in message and "'省份'" in message and "unknown region '新彊'" in message


def test_city_rows_stand_under_their_prefecture_and_pandas_nan_is_no_text(tmp_path):
    # Hsiang et al.'s city rows had been filed under their provinces (no English prefecture names), and the
    # merged China file's titles ended in pandas' "nan" ("Zhuhai (Guangdong) home_isolation: nan")
    path = tmp_path / "hsiang.csv"
    path.write_text(
        "adm0_name,adm1_name,adm2_name,policy,policy_description,date_start,date_end,optional,source,access_date,notes\n"
        "CHN,Hubei,Enshi Tujia and Miao Autonomous Prefecture,travel_ban_local,,01/24/2020,,N,https://e.org/1,,\n"
        "CHN,Guangdong,Zhuhai,home_isolation,nan,02/03/2020,,N,https://e.org/2,,\n"
        "CHN,Jiangsu,Chaoyang,home_isolation,closed management,02/03/2020,,N,https://e.org/3,,\n"
        "CHN,Jiangsu,Suzhou,home_isolation,closed management,02/03/2020,,N,https://e.org/4,,\n", encoding="utf-8")
    batch = read_records(path)
    regions = {r.sources[0].url[-1]: r.regions for r in batch.records}
    # Chaoyang is a prefecture of Liaoning, not of Jiangsu: the row keeps its province; Suzhou is two cities
    assert regions == {"1": ("422800",), "2": ("440400",), "3": ("320000",), "4": ("320000",)}
    assert not [r.title for r in batch.records if "nan" in r.title.lower()]
    from policytrace.kb.importers.cells import clean

    assert clean("Adoption subsidy (add-on, stringency nan)") == "Adoption subsidy (add-on)"
    assert clean(float("nan")) is None and clean("NaN") is None and clean("Hainan") == "Hainan"


def test_the_date_a_table_was_collected_is_no_end(tmp_path):
    # MassCPR ends every level still in force on 2020-07-31, the day its data were collected: read as an end,
    # Anhui's Level III (in force from 15 March) had explained the rise of August's thermal power
    path = tmp_path / "levels.csv"
    rows = [("P1", "Anhui", "Level I", "2020-01-24", "2020-02-24"), ("P2", "Anhui", "Level III", "2020-03-15", "2020-07-31"),
            ("P3", "Hunan", "Level III", "2020-03-31", "2020-07-31"), ("P4", "Shandong", "Level III", "2020-05-06", "2020-07-31")]
    pd.DataFrame(rows, columns=["policy_id", "province", "response_level", "date_start", "date_end"]).assign(
        source_url="https://e.org").to_csv(path, index=False)
    ends = {r.title.split()[0] + r.title.split()[-1]: r.end_date for r in read_records(path).records}
    assert ends == {"AnhuiI": "2020-02-24", "AnhuiIII": None, "HunanIII": None, "ShandongIII": None}
    # two rows sharing the latest end are not enough to call it a collection date
    pd.DataFrame(rows[:3], columns=["policy_id", "province", "response_level", "date_start", "date_end"]).assign(
        source_url="https://e.org").to_csv(path, index=False)
    assert [r.end_date for r in read_records(path).records] == ["2020-02-24", "2020-07-31", "2020-07-31"]


def test_a_response_level_eased_is_no_cut(tmp_path):
    # every emergency-response row had read as a cut in the merged file (its title says "emergency"), so a
    # downgrade could explain a fall; Hubei: Level II on 21 January, I on the 24th, II on 2 May, III on 13 June
    steps = [("P1", "Hubei", "Level II", "2020-01-21"), ("P2", "Hubei", "Level I", "2020-01-24"),
             ("P3", "Hubei", "Level II", "2020-05-02"), ("P4", "Hubei", "Level III", "2020-06-13"),
             ("P5", "Xizang", "Level I", "2020-01-30")]
    own = tmp_path / "levels.csv"
    pd.DataFrame(steps, columns=["policy_id", "province", "response_level", "date_start"]).assign(
        source_url="https://e.org").to_csv(own, index=False)
    merged = tmp_path / "merged.csv"
    pd.DataFrame([{"record_id": i, "source": "MassCPR", "source_id": i, "title": f"{p} COVID-19 public health "
                   f"emergency response {level}", "date": day, "level": "provincial", "region": p,
                   "sector": "economy-wide (event)", "url": f"https://e.org/{i}"} for i, p, level, day in steps]
                 ).to_csv(merged, index=False)
    for path in (own, merged):
        directions = [(r.date, r.direction) for r in read_records(path).records]
        assert directions == [("2020-01-21", "cut"), ("2020-01-24", "cut"), ("2020-05-02", "unclear"),
                              ("2020-06-13", "unclear"), ("2020-01-30", "cut")], path.name


def test_bad_files_give_one_clear_error(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    header_only = tmp_path / "header.csv"
    header_only.write_text("title,date,url\n")
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello")
    for path, words in ((empty, "empty"), (header_only, "no data rows"), (unknown, "cannot import"),
                        (tmp_path / "missing.csv", "not found")):
        with pytest.raises(InputError, match=words) as info:
            read_records(path)
        assert str(path) in str(info.value)


def test_rows_without_a_date_are_reported_and_the_rest_imported(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"title": ["A", "B", "C"], "date": ["2020-01-01", "", "2021"]}).to_csv(path, index=False)
    batch = read_records(path)
    assert [r.title for r in batch.records] == ["A", "C"]
    (message,) = [str(e) for e in batch.skipped]
    assert "row 3" in message and "'date'" in message and "no date" in message


def test_impossible_dates_are_reported_per_row_not_a_crash(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"title": ["A", "B", "C"], "date": ["2020-13-45", "2020-02-30", "2020-02-29"]}).to_csv(path, index=False)
    batch = read_records(path)
    assert [r.title for r in batch.records] == ["C"]
    messages = [str(e) for e in batch.skipped]
    assert len(messages) == 2 and "row 2" in messages[0] and "2020-13-45" in messages[0]
    assert "row 3" in messages[1] and "'date'" in messages[1]


def test_json_records_name_their_regions_as_users_write_them(tmp_path):
    # a region written as a name ("新疆") had reached the store's index and ended the import in a traceback
    path = tmp_path / "mine.jsonl"
    rows = [{"title": "A", "date": "2021-09-15", "regions": ["新疆", "乌鲁木齐"]},
            {"title": "B", "date": "2021-09-15", "regions": "650000"},
            {"title": "C", "date": "2021-09-15", "regions": ["新彊"]}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    run = cli("kb", "import", str(path), "--kb", str(tmp_path / "kb.sqlite"), "--empty")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "row 3, column 'regions': unknown region '新彊'" in run.stdout.replace("\n", ""), run.stdout
    kb = KnowledgeBase.open(tmp_path / "kb.sqlite")
    assert {r.title: r.regions for r in kb} == {"A": ("650000", "650100"), "B": ("650000",)}


def test_json_lines_round_trip(tmp_path):
    records = [_record("a", "First"), _record("b", "第二")]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in records), encoding="utf-8")
    kb = KnowledgeBase.open()
    assert kb.import_file(path).inserted == 2
    assert {r.id: r for r in kb} == {r.id: r for r in records}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "x", "date": "2020"}\n{not json\n')
    with pytest.raises(InputError, match="row 2"):
        read_records(bad)


def test_cli_import_seeds_a_new_kb_unless_empty_and_leaves_no_file_on_error(shared, tmp_path):
    seeded, empty = tmp_path / "seeded.sqlite", tmp_path / "empty.sqlite"
    curated = str(shared / "data/policies/curated/xinjiang_policies.csv")
    assert cli("kb", "import", curated, "--kb", str(seeded)).returncode == 0
    assert cli("kb", "import", curated, "--kb", str(empty), "--empty").returncode == 0
    sizes = {p: json.loads(cli("kb", "stats", "--kb", str(p), "--json").stdout)["records"] for p in (seeded, empty)}
    rows = len(pd.read_csv(curated))
    assert sizes[empty] == rows and sizes[seeded] > sizes[empty] + 100
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    run = cli("kb", "import", curated, str(bad), "--kb", str(tmp_path / "new.sqlite"))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "bad.csv" in run.stderr
    assert not (tmp_path / "new.sqlite").exists()


def _record(rid: str, title: str) -> Record:
    return Record(id=rid, kind="policy", title=title, date="2021-05", regions=("650000",),
                  sources=(Source(url=f"https://example.org/{rid}"),))


def test_a_republished_page_is_named_by_its_site_not_by_the_issuer(tmp_path):
    path = tmp_path / "curated.csv"
    pd.DataFrame({
        "date": ["2021-09-16", "2021-09-17"], "date_kind": ["issued", "issued"], "end_date": ["", ""],
        "kind": ["policy", "policy"], "title_zh": ["甲通知", "乙通知"], "title_en": ["", ""],
        "issuer": ["国家发展改革委", "国家发展改革委"], "doc_number": ["", ""], "region": ["全国", "全国"],
        "sectors": ["industry", "industry"], "direction": ["cut", "cut"], "summary_zh": ["", ""],
        "url": ["https://www.ndrc.gov.cn/a.html", "http://copy.example.com/b.html"],
        "source_type": ["official", "republisher"], "found_with": ["", ""],
    }).to_csv(path, index=False)
    official, copy = sorted(read_records(path).records, key=lambda r: r.date)
    assert official.sources[0].publisher == "国家发展改革委"
    assert copy.sources[0].publisher == "copy.example.com"
    assert copy.issuer == "国家发展改革委"


def test_a_national_letter_about_one_place_is_filed_under_that_place(tmp_path):
    # The merged file files every ministry document as national; a letter about one nuclear plant or one
    # city's inspection had been offered to every province's nodes (a Shandong plant for Yunnan's power)
    path = tmp_path / "merged.csv"
    columns = ["record_id", "source", "source_id", "title", "title_zh", "year", "date", "level", "region",
               "sector", "instrument", "issuer", "status", "url"]
    titles = ["关于印发《海阳核电厂经验反馈专项检查报告》的函", "关于对强化监督定点帮扶发现问题进行督办的函(晋中)",
              "关于发布《应对气候变化南南合作物资援助项目管理暂行办法》的公告", "国务院关于印发2030年前碳达峰行动方案的通知"]
    rows = [{**dict.fromkeys(columns, ""), "record_id": f"CHN{i}", "source": "MEE document library (via GCCMPD)",
             "source_id": str(i), "title_zh": title, "date": "2022-09-29", "level": "national",
             "url": f"https://www.mee.gov.cn/{i}.html"} for i, title in enumerate(titles)]
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    found = {r.title_zh: r.regions for r in read_records(path).records}
    assert found == {titles[0]: ("370687",), titles[1]: ("140700",), titles[2]: ("000000",),
                     titles[3]: ("000000",)}, found


def test_mee_paperwork_that_moves_no_co2_is_marked_and_a_reactor_that_starts_is_a_project(tmp_path):
    # MEE's library is a quarter nuclear-safety paperwork, with drafts put out for comment and notices of a
    # changed legal representative among it; only a unit licensed to run changes what the grid burns
    path = tmp_path / "merged.csv"
    columns = ["record_id", "source", "source_id", "title", "title_zh", "year", "date", "level", "region",
               "sector", "instrument", "issuer", "status", "url"]
    titles = {"关于公开征求《全国碳排放权交易管理办法（试行）》（征求意见稿）意见的通知": "draft",
              "关于确认福建福清核电厂1-6号机组运行许可证法定代表人信息变更的函": "administrative",
              "对十三届全国人大二次会议第7403号建议的答复": "administrative",
              "关于举办2018年全国生态环境新闻发言人培训班的通知": "administrative",
              "关于批准《阳江核电厂运行阶段质量保证大纲》（12版）的通知": "nuclear_safety",
              "关于释放三门核电厂1号机组第一次换料大修后反应堆首次临界控制点的通知": "nuclear_safety",
              "关于颁发福建福清核电厂5号机组运行许可证的通知": None,
              "国务院关于印发2030年前碳达峰行动方案的通知": None}
    rows = [{**dict.fromkeys(columns, ""), "record_id": f"CHN{i}", "source": "MEE document library (via GCCMPD)",
             "source_id": str(i), "title": f"Machine translation {i}", "title_zh": title, "date": "2020-09-07",
             "level": "national", "url": f"https://www.mee.gov.cn/{i}.html"} for i, title in enumerate(titles)]
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    records = {r.title_zh: r for r in read_records(path).records}
    assert {t: r.standing for t, r in records.items()} == titles
    unit = records["关于颁发福建福清核电厂5号机组运行许可证的通知"]
    assert (unit.kind, unit.date_kind, unit.direction, unit.sectors) == ("project", "started", "cut", ("power",))
    plan = records["国务院关于印发2030年前碳达峰行动方案的通知"]
    assert (plan.kind, plan.date_kind, plan.direction) == ("policy", "issued", "unclear")


def test_html_in_a_description_cell_is_read_as_its_text(tmp_path):
    # CCLW's descriptions are HTML: reports had printed "<div>The 14th Five Year Plan …&nbsp;"
    path = tmp_path / "mine.csv"
    pd.DataFrame({"title": ["14th Five-Year Plan", "A & B rule"], "date": ["2021-03-01", "2021-04-01"],
                  "summary": ["<div>The plan&nbsp;lays down<br><br>targets.</div>", "Cuts of 1 < 2 and 3 > 2"],
                  "url": ["https://example.org/a", "https://example.org/b"]}).to_csv(path, index=False)
    records = read_records(path, mapping={"title": "title", "date": "date", "summary": "summary", "url": "url"}).records
    assert [r.summary for r in records] == ["The plan lays down targets.", "Cuts of 1 < 2 and 3 > 2"]


def test_a_source_cell_of_several_addresses_is_several_sources(shared, shared_kb):
    # NewClimate's cells list up to four addresses, one per line: reports had shown them as one unlinked block,
    # and the Word report had dropped the item's source
    kb, _ = shared_kb
    records = list(kb)
    assert not [s.url for r in records for s in r.sources if s.url and re.search(r"\s", s.url)]
    frame = pd.read_csv(shared / CHINA_RECORDS, dtype=str, keep_default_na=False)
    listed = frame[frame["url"].str.count("http") >= 2]
    assert len(listed) > 0
    by_title = {r.title: r for r in records}
    for _, row in listed.iterrows():
        record = by_title.get(row["title"])
        if record is not None:
            links = [s.url for s in record.sources]
            assert len(links) >= 2 and all(link.startswith("http") and link in row["url"] for link in links), links
