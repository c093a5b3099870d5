"""The five report files from one run: zh/en Markdown, versioned JSON, offline HTML, DOCX (reopened)."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, cli, monthly_step_csv

from policytrace.report import FORMATS


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "report"
    run = cli("demo", "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out


class Loads(HTMLParser):
    """Every URL the document would fetch by itself (scripts, styles, images, frames...), and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches, self.links, self.csp = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.fetches.append(a["src"])
        if tag == "link" and a.get("href"):
            self.fetches.append(a["href"])
        if tag == "object" and a.get("data"):
            self.fetches.append(a["data"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = a.get("content")


def test_demo_writes_all_five(demo_dir):
    import os

    assert sorted(p.name for p in demo_dir.iterdir()) == sorted(FORMATS.values())
    mask = os.umask(0)
    os.umask(mask)
    assert {p.stat().st_mode & 0o777 for p in demo_dir.iterdir()} == {0o666 & ~mask}  # ordinary files, not 0600


def test_zh_and_en_markdown_match_the_json(demo_dir):
    data = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
    zh = (demo_dir / "report.zh.md").read_text(encoding="utf-8")
    en = (demo_dir / "report.en.md").read_text(encoding="utf-8")
    # the version the schema page documents last
    documented = re.findall(r"^\| (\d+\.\d+) \|", (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8"),
                            re.MULTILINE)
    assert data["schema_version"] == documented[-1]
    assert data["data_notes"] == {"zh": [], "en": []}   # the demo series is complete
    assert zh.startswith(data["title_zh"]) and en.startswith(f"# {data['title_en']}")
    assert zh.count("### 关键节点：") == en.count("### Key node:") == len(data["nodes"])
    items = [i for n in data["nodes"] for i in n["items"]]
    for item in items:
        for lang, text in (("zh", zh), ("en", en)):
            shown = item["display"][lang]
            assert shown["heading"]["text"] in text
            link = next(f for f in shown["fields"] if f["url"])
            assert f"]({link['url']})" in text
    for n in data["nodes"]:
        if not n["items"]:   # "未收录" or what the KB held and why none was listed (report/empty.py)
            assert n["display"]["zh"]["empty"].startswith("经核查") and n["display"]["zh"]["empty"] in zh
            assert n["display"]["en"]["empty"].startswith("Checked") and n["display"]["en"]["empty"] in en


def test_zh_typed_fields_by_kind(demo_dir):
    data = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
    for item in (i for n in data["nodes"] for i in n["items"]):
        labels = [f["label"] for f in item["display"]["zh"]["fields"]]
        if item["record"]["kind"] in ("policy", "plan", "standard"):
            assert labels[0] == "颁布时间" and labels[-1] == "政策链接"
        else:
            assert labels[0] == "实施时间" and labels[-1] == "官方信息来源"


def test_html_is_self_contained(demo_dir):
    text = (demo_dir / "report.html").read_text(encoding="utf-8")
    parsed = Loads()
    parsed.feed(text)
    assert parsed.fetches == [], parsed.fetches
    assert "default-src 'none'" in parsed.csp
    data = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
    urls = {i["record"]["sources"][0]["url"] for n in data["nodes"] for i in n["items"]}
    assert urls <= set(parsed.links)
    assert "uPlot" in text and len(text) < 2_000_000


def test_docx_reopens_with_its_parts(demo_dir):
    from docx import Document

    data = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
    doc = Document(str(demo_dir / "report.docx"))
    assert doc.paragraphs[0].text == data["title_zh"]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert sum(h.startswith("关键节点：") for h in headings) == len(data["nodes"])
    assert len(doc.inline_shapes) == 1  # the chart
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["关键节点", "类型", "置信度"]
    assert [r.cells[0].text for r in table.rows[1:]] == [
        p.text.split("：")[1].split("（")[0] for p in doc.paragraphs if p.text.startswith("关键节点：")]
    links = {r.target_ref for r in doc.part.rels.values() if r.is_external}
    urls = {i["record"]["sources"][0]["url"] for n in data["nodes"] for i in n["items"]}
    assert urls <= links
    with zipfile.ZipFile(demo_dir / "report.docx") as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    assert any("PAGE" in f for f in footers)


def test_format_option_picks_files(tmp_path):
    path = monthly_step_csv(tmp_path / "s.csv")
    run = cli("report", "--series", str(path), "-r", "新疆", "-s", "工业", "--format", "en,json", "--out", str(tmp_path / "o"))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["report.en.md", "report.json"]


def test_unknown_format_is_one_line_and_writes_nothing(tmp_path):
    run = cli("demo", "--format", "zh,pdf", "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "pdf" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_help_has_examples_in_both_languages():
    run = cli("report", "--help")
    assert run.returncode == 0 and "示例" in run.stdout and "--format" in run.stdout
    top = cli("--help")
    assert "policytrace serve" in top.stdout and "--install-completion" in top.stdout


def test_docx_opens_in_libreoffice(demo_dir, tmp_path):
    """LibreOffice (headless) converts the DOCX to PDF: the file is valid Word for a second implementation."""
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if not soffice:
        if os.environ.get("CI"):
            pytest.fail("soffice not found (.ci/run installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed")
    run = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                          "pdf", "--outdir", str(tmp_path), str(demo_dir / "report.docx")],
                         capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000, run.stderr
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        data = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
        assert "分析周期" in text and text.count("关键节点：") >= len(data["nodes"])


def test_an_items_place_is_named_in_english_where_the_gazetteer_can():
    from policytrace.attribute.model import Item
    from policytrace.kb import Record, Source
    from policytrace.report.view import item_view

    def place_shown(place: str, lang: str) -> str:
        record = Record(id="p", kind="project", title="A coal-to-gas plant", date="2021-03", regions=("650000",),
                        sources=(Source(url="https://example.org/p"),), place=place)
        item = Item(record=record, score=0.5, parts={}, lag_days=0, relation_zh="同期", relation_en="same period")
        fields = item_view(item, lang, str).fields
        return next(f.text for f in fields if f.label in ("实施地点", "Location"))

    assert place_shown("新疆维吾尔自治区", "en") == "Xinjiang"
    assert place_shown("新疆维吾尔自治区", "zh") == "新疆维吾尔自治区"
    # a place the gazetteer has no English name for, or does not know, stays as the record gives it
    assert place_shown("新疆维吾尔自治区和田地区墨玉县", "en") == "新疆维吾尔自治区和田地区墨玉县"


def test_a_document_posted_online_later_says_so_beside_its_issue_date():
    from policytrace.attribute.model import Item
    from policytrace.kb import Record, Source
    from policytrace.report.view import item_view

    record = Record(id="d", kind="policy", title="国务院办公厅转发煤炭部意见的通知", date="1985", regions=("140000",),
                    sources=(Source(url="http://www.gov.cn/zhengce/content/2012-06/05/content_2702.htm"),),
                    fields={"posted": "2012-06-05"})
    item = Item(record=record, score=0.5, parts={}, lag_days=0, relation_zh="同期", relation_en="same period")
    issued = {lang: next(f.text for f in item_view(item, lang, str).fields if f.label in ("颁布时间", "Issued"))
              for lang in ("zh", "en")}
    assert issued == {"zh": "1985（网页发布于2012-06-05）", "en": "1985 (page posted 2012-06-05)"}


def test_a_weekly_report_runs_to_the_last_day_of_its_last_week(tmp_path):
    # weeks are labelled by their first day: the period had ended on the Monday of the last week
    from policytrace.report import build_report
    from policytrace.report.dates import DATE_TEXT
    from policytrace.series import read_series

    path = tmp_path / "weekly.csv"
    mondays = [f"{day:%Y-%m-%d}" for day in pd.date_range("2019-01-07", "2022-12-19", freq="7D")]
    path.write_text("date,value\n" + "".join(f"{d},{100 + i % 3}\n" for i, d in enumerate(mondays)), encoding="utf-8")
    report = build_report(read_series(path, region="山西", sector="工业"), [])
    assert report.period_text("zh") == "2019年1月7日至2022年12月25日"
    assert report.period_text("en").endswith(DATE_TEXT["en"]("2022-12-25"))
