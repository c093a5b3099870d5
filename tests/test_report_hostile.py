"""Hostile KB text (<script>, very long titles, RTL marks, javascript: links, control characters) in every
format; the HTML report opened offline in headless Chromium loads nothing and runs none of it."""

from __future__ import annotations

import io
import re

import pytest
from conftest import monthly_step_csv

from policytrace.attribute.model import Attribution, Item
from policytrace.detect.node import Node, NodeKind
from policytrace.kb.record import Record, Source
from policytrace.report import build_report, render, write_report
from policytrace.series import read_series

SCRIPT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
LONG = "超长标题" * 1500
RTL = "\u202eevil\u202c\u200f"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = monthly_step_csv(tmp_path_factory.mktemp("s") / "step.csv")
    series = read_series(path, region="新疆", sector="工业")
    node = Node(index=70, date=series.label(70), kind=NodeKind.EVENT, confidence=0.8, direction="up", change_pct=25.0,
                level_before=100.0, level_after=125.0, interval=(series.label(68), series.label(72)),
                interval_index=(68, 72))
    records = [
        Record(id="a", kind="policy", title=SCRIPT + RTL, title_zh=SCRIPT + RTL, date="2015-10-01", regions=("650000",),
               sources=(Source(url="javascript:window.__pwned=4", publisher="<b>pub</b>"),),
               summary="line one\n# not a heading\n[x](javascript:alert(1)) \x07bell", issuer="</dd><script>x()</script>"),
        Record(id="b", kind="project", title=LONG, date="2015-09", regions=("650000",),
               sources=(Source(url="https://example.com/long?q=<x>", publisher="pub]( evil"),),),
    ]
    items = tuple(Item(record=r, score=0.5, parts={"time": 1.0, "region": 1.0}, lag_days=-30,
                       relation_zh="发布于节点前 1 个月", relation_en="issued 1 month before the node") for r in records)
    return build_report(series, [Attribution(node=node, items=items)])


def test_html_escapes_everything(hostile):
    html = render(hostile, "html")
    assert SCRIPT not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert not re.search(r"href=[\"']?\s*javascript:", html, flags=re.IGNORECASE)
    assert "</dd><script>x()" not in html


def test_markdown_keeps_one_line_per_field(hostile):
    for fmt in ("zh", "en"):
        text = render(hostile, fmt)
        assert "\n# not a heading" not in text
        assert not re.search(r"(?<!\\)\]\(javascript:", text) and "<script>" not in text


def test_docx_with_control_characters_opens(hostile):
    from docx import Document

    doc = Document(io.BytesIO(render(hostile, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert SCRIPT in text and "\x07" not in text
    assert all(not r.target_ref.startswith("javascript") for r in doc.part.rels.values() if r.is_external)


def test_html_offline_in_chromium(hostile, tmp_path):
    from test_web_page import CHROMIUM_FLAGS, chromium_path

    sync_api = pytest.importorskip("playwright.sync_api")
    write_report(hostile, tmp_path, formats=("html",))
    url = (tmp_path / "report.html").as_uri()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests, errors = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector("#chart canvas")
            assert [u for u in requests if u != url] == [], "the report fetched something"
            assert page.evaluate("window.__pwned") is None and not errors
            heading = page.locator("#node-zh-0 .item .heading bdi").first.inner_text()
            assert heading.startswith("《" + SCRIPT)
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
            pos = page.evaluate("window.ptChart.nodePosition(0)")
            box = page.locator("#chart .u-over").bounding_box()
            page.mouse.move(box["x"] + pos["left"], box["y"] + 20)
            page.wait_for_selector("#tip:not([hidden])")
            assert "<script>" in page.inner_text("#tip") and page.locator("#tip script").count() == 0
            page.click("#lang-toggle")
            assert page.locator("#node-en-0").is_visible() and not page.locator("#node-zh-0").is_visible()
            assert page.locator("a[href^='javascript']").count() == 0
        finally:
            browser.close()
