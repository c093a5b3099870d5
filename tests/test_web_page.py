"""The web page in real headless Chromium (Debian's `chromium`, driven by Playwright; no browser download):
pick or upload a series, see the nodes, read a node's explanation, switch language, download the DOCX."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from conftest import monthly_step_csv, year_to_date_csv
from test_api_server import TOKEN, start_server, stop_server

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
HOSTILE_TITLE = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
                 "\u202eevil-rtl\u202c 工业碳排放与能耗双控 " + "很长的标题" * 400)


def chromium_path() -> str:
    found = os.environ.get("POLICYTRACE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("chromium not found (.ci/run installs Debian's chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)
        yield chrome
        chrome.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory.mktemp("web"))
    yield srv
    stop_server(srv)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def only_local(urls: list[str], allowed: str) -> list[str]:
    return [u for u in urls if urlparse(u).netloc != allowed and not u.startswith(("data:", "blob:"))]


def hover_node(page, i: int) -> None:
    pos = page.evaluate(f"window.ptChart.nodePosition({i})")
    box = page.locator("#chart .u-over").bounding_box()
    page.mouse.move(box["x"] + pos["left"], box["y"] + max(pos["top"], 5))


def test_demo_series_nodes_explanation_language_and_docx(page, server):
    from docx import Document

    expected = httpx.post(f"{server.base}/api/reports", data={"demo": "xinjiang-industry"}, timeout=60).json()
    page.goto(server.base)
    page.click("#demo")
    page.wait_for_selector(".node-chip")
    assert page.locator(".node-chip").count() == len(expected["nodes"]) > 0

    i = next(k for k, n in enumerate(expected["nodes"]) if n["items"])
    hover_node(page, i)
    page.wait_for_selector("#tip:not([hidden])")
    assert expected["nodes"][i]["node"]["date"] in page.inner_text("#tip")
    page.mouse.down()
    page.mouse.up()  # a click on the marker opens its explanation
    page.wait_for_selector("#explain-node")
    assert page.inner_text("#explain-node h3").startswith(f"关键节点：{expected['nodes'][i]['node']['date']}")
    links = page.locator("#explain-node a[href^='http']")
    assert links.count() >= 1 and links.first.get_attribute("rel") == "noopener noreferrer"

    page.click("#lang")
    assert page.inner_text("#explain-node h3").startswith("Key node:")
    assert page.inner_text("h1") == "Policies and events behind carbon-emission changes"
    assert page.inner_text("#report-title") == expected["title_en"]

    with page.expect_download() as download:
        page.click("#dl-docx")
    path = download.value.path()
    doc = Document(path)
    assert doc.paragraphs[0].text == expected["title_zh"]
    assert len(doc.tables[0].rows) == len(expected["nodes"]) + 1
    assert not only_local(page.requests, urlparse(server.base).netloc), "the page loaded an outside URL"
    assert not page.errors


def upload(page, server, path: Path, region: str, sector: str, where: str = "") -> None:
    """Upload `path` on the page as a user does and wait for its nodes."""
    page.goto(server.base)
    page.fill("#where", where)
    page.set_input_files("#file", str(path))
    page.fill("#region", region)
    page.fill("#sector", sector)
    page.click("#run")
    page.wait_for_selector(".node-chip")


def test_upload_a_series_and_see_its_step(page, server, tmp_path):
    path = monthly_step_csv(tmp_path / "step.csv")
    lines = path.read_text().splitlines()
    lines[11:16] = [line.split(",")[0] + ",0" for line in lines[11:16]]   # five months without an estimate
    path.write_text("\n".join(lines) + "\n")
    upload(page, server, path, "新疆", "工业")
    dates = page.locator(".node-chip b").all_inner_texts()
    assert set(dates) & {"2015-09", "2015-10", "2015-11", "2015-12", "2016-01"}, dates  # the step is at index 70
    assert "新疆" in page.inner_text("#report-title")
    assert "5 个为 0 的数值按缺测处理" in page.inner_text("#report-meta")


def test_a_table_of_several_series_is_read_by_the_rows_asked_for(page, server, tmp_path):
    path = year_to_date_csv(tmp_path / "nbs.csv")
    upload(page, server, path, "广东", "电力", where="value_type=cumulative_ytd")
    assert set(page.locator(".node-chip b").all_inner_texts()) & {"2015-09", "2015-10", "2015-11", "2015-12"}
    assert "由年内累计值换算" in page.inner_text("#report-meta")
    assert not page.errors


def test_a_series_without_nodes_says_so_in_the_page(page, server, tmp_path):
    import numpy as np

    path = tmp_path / "flat.csv"
    noise = np.random.default_rng(3).normal(0, 0.01, 72)
    path.write_text("date,value\n" + "".join(f"{2015 + m // 12}-{m % 12 + 1:02d},{100 * (1 + e):.3f}\n"
                                             for m, e in enumerate(noise)))
    page.goto(server.base)
    page.set_input_files("#file", str(path))
    page.fill("#region", "新疆")
    page.fill("#sector", "工业")
    page.click("#run")
    page.wait_for_selector("#result:not([hidden])")
    assert "未见置信度不低于 0.40 的关键节点" in page.inner_text("#report-meta")
    assert not page.errors


def test_the_lowest_confidence_is_the_users_to_set(page, server, tmp_path):
    weak = monthly_step_csv(tmp_path / "weak.csv", jump=0.05, seed=2)   # one node, read at 0.65
    upload(page, server, weak, "新疆", "工业")
    assert page.locator(".node-chip").count() == 1
    page.fill("#min_confidence", "0.9")
    page.set_input_files("#file", str(weak))
    page.click("#run")
    page.wait_for_function("document.querySelectorAll('.node-chip').length === 0")
    assert "未见置信度不低于 0.90 的关键节点" in page.inner_text("#report-meta")
    assert not page.errors


def test_a_node_whose_records_were_turned_away_says_so(page, server, tmp_path):
    # a rise in 2019-03: the demo KB holds Xinjiang and national records then, none of which explains a rise;
    # the page had said "未收录" (nothing in the KB) for every node without items
    path = monthly_step_csv(tmp_path / "rise.csv", n=130, at=110)
    with path.open("rb") as f:
        expected = httpx.post(f"{server.base}/api/reports", files={"file": ("rise.csv", f, "text/csv")},
                              data={"region": "新疆", "sector": "工业"}, timeout=60).json()
    i, node = next((k, n) for k, n in enumerate(expected["nodes"]) if not n["items"])
    assert "均未列为成因" in node["display"]["zh"]["empty"]
    upload(page, server, path, "新疆", "工业")
    page.locator(".node-chip").nth(i).click()
    page.wait_for_selector("#explain-node")
    assert node["display"]["zh"]["empty"] in page.inner_text("#explain-node")
    assert not page.errors


def test_a_trend_turns_chip_shows_its_growth_not_a_fall(page, server, tmp_path):
    # +1% a month for five years, then flat: the turn's percentage (against the old trend carried on)
    # is negative, and the chip had shown it as if the level fell
    import numpy as np

    path = tmp_path / "turn.csv"
    months = [f"{2010 + m // 12}-{m % 12 + 1:02d}" for m in range(120)]
    noise = np.random.default_rng(0).normal(0, 0.004, 120)
    values = 100 * np.exp(0.01 * np.minimum(np.arange(120), 60) + noise)
    path.write_text("date,value\n" + "".join(f"{m},{v:.4f}\n" for m, v in zip(months, values)))
    upload(page, server, path, "新疆", "工业")
    chips = page.locator(".node-chip small").all_inner_texts()
    turns = [c for c in chips if "趋势转折" in c]
    assert turns and all("增速由每月 +1.0% 转为每月 +0.0%" in c and "-" not in c.split("·")[-1] for c in turns), chips
    assert not page.errors


def test_bad_upload_shows_one_line_error(page, server, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,value\n2020-01,1\n2020-02,abc\n", encoding="utf-8")
    page.goto(server.base)
    page.set_input_files("#file", str(path))
    page.click("#run")
    page.wait_for_selector("#status.error")
    status = page.inner_text("#status")
    assert status.startswith("bad.csv") and "abc" in status


def _hostile_records(path: Path, node: dict) -> Path:
    """One record with hostile text, dated just before a node, in the node's region and direction."""
    from datetime import date, timedelta

    day = date.fromisoformat((node["date"][:10] + "-01-01")[:10]) - timedelta(days=5)  # '2015-11' → 2015-10-27
    columns = ["date", "date_kind", "end_date", "kind", "title_zh", "title_en", "issuer", "doc_number", "region",
               "sectors", "direction", "summary_zh", "url", "source_type", "found_with"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        writer.writerow({"date": day.isoformat(), "date_kind": "issued", "end_date": "", "kind": "event",
                         "title_zh": HOSTILE_TITLE, "title_en": "hostile test record",
                         "issuer": "</dd><script>window.__pwned=3</script><b>国家发展改革委</b>",
                         "doc_number": "", "region": "新疆维吾尔自治区", "sectors": "industry",
                         "direction": "cut" if node["direction"] == "down" else "raise",
                         # markup in a summary is read as its text on import (CCLW's HTML descriptions)
                         "summary_zh": "</dd><script>window.__pwned=4</script>\u200f工业企业碳排放、能源消费与煤炭产能",
                         "url": "https://example.com/hostile",
                         "source_type": "official", "found_with": ""})
    return path


def test_hostile_kb_text_stays_text_in_the_page(page, server, tmp_path):
    # A clean step series (the contract's detection case) and a KB holding only one hostile record.
    series = monthly_step_csv(tmp_path / "step.csv")
    form = {"region": "新疆", "sector": "工业"}

    def report(**extra):
        with series.open("rb") as fh:
            return httpx.post(f"{server.base}/api/reports", data={**form, **extra},
                              files={"file": ("step.csv", fh)}, timeout=60).json()

    step = min(report()["nodes"], key=lambda n: abs(n["node"]["index"] - 70))["node"]
    records = _hostile_records(tmp_path / "hostile.csv", step)
    r = httpx.post(f"{server.base}/api/kbs/hostile/import", params={"empty": "true"},
                   files={"file": ("hostile.csv", records.read_bytes())},
                   headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert r.status_code == 200 and r.json()["inserted"] == 1, r.text
    hit = [k for k, n in enumerate(report(kb="hostile")["nodes"])
           if any("__pwned=1" in f"{i['record'].get('title_zh')} {i['record'].get('title')}" for i in n["items"])]
    assert hit, "the hostile record explains no node"

    page.goto(server.base)
    page.wait_for_selector("#kb option[value='hostile']", state="attached")
    page.select_option("#kb", "hostile")
    page.set_input_files("#file", str(series))
    page.fill("#region", form["region"])
    page.fill("#sector", form["sector"])
    page.click("#run")
    page.wait_for_selector(".node-chip")
    page.locator(".node-chip").nth(hit[0]).click()
    page.wait_for_selector("#explain-node")
    hover_node(page, hit[0])
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#explain script, #explain img, #tip script, #tip img").count() == 0
    heading = page.inner_text("#explain-node .heading bdi")
    assert heading.startswith("<script>window.__pwned=1</script>")
    assert "</dd><script>" in page.inner_text("#explain-node dl")
    # the very long title wraps inside the page instead of widening it
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    assert not only_local(page.requests, urlparse(server.base).netloc)
