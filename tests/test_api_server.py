"""The REST API as a client uses it: `policytrace serve` runs on 127.0.0.1 and httpx talks to it."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import monthly_step_csv, year_to_date_csv

TOKEN = "test-token-not-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: str, process: subprocess.Popen, kb_dir: Path) -> None:
        self.base, self.process, self.kb_dir = base, process, kb_dir

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60, **kw)


def start_server(folder: Path, **env: str) -> Server:
    """Start `policytrace serve` as an operator would, and wait until it answers."""
    kb_dir = folder / "kbs"
    kb_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environ = {**os.environ, "POLICYTRACE_TOKEN": TOKEN, "POLICYTRACE_KB_DIR": str(kb_dir), **env}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "policytrace", "serve", "--port", str(port)],
                               env=environ, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {(folder / 'server.log').read_text()}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return Server(base, process, kb_dir)
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("server did not start in 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Small limits so that the limit tests stay small.
    srv = start_server(tmp_path_factory.mktemp("api"), POLICYTRACE_MAX_UPLOAD_MB="0.25", POLICYTRACE_MAX_ROWS="3000")
    yield srv
    stop_server(srv)


def records_csv(path: Path, count: int = 4) -> Path:
    """Records in the curated-table layout, copied from the bundled demo KB (real, sourced records)."""
    from policytrace import regions
    from policytrace.demo import demo_records

    columns = ["date", "date_kind", "end_date", "kind", "title_zh", "title_en", "issuer", "doc_number", "region",
               "sectors", "direction", "summary_zh", "url", "source_type", "found_with"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns)
    writer.writeheader()
    for r in demo_records()[:count]:
        writer.writerow({"date": r.date, "date_kind": r.date_kind, "end_date": r.end_date or "", "kind": r.kind,
                         "title_zh": r.title_zh or "", "title_en": r.title, "issuer": r.issuer or "",
                         "doc_number": r.doc_number or "", "region": regions.lookup(r.regions[0]).name_zh,
                         "sectors": ";".join(r.sectors), "direction": r.direction, "summary_zh": r.summary or "",
                         "url": r.url, "source_type": r.sources[0].source_type or "", "found_with": ""})
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_health_and_openapi_docs(server):
    with server.client() as c:
        assert c.get("/api/health").json()["writes_enabled"] is True
        assert c.get("/docs").status_code == 200
        paths = c.get("/openapi.json").json()["paths"]
        assert {"/api/reports", "/api/kbs/{name}/search", "/api/kbs/{name}/import"} <= set(paths)


def test_demo_report_in_every_format(server):
    from docx import Document

    with server.client() as c:
        r = c.post("/api/reports", data={"demo": "xinjiang-industry"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["schema_version"] and body["nodes"] and len(body["series"]["dates"]) == len(body["series"]["values"])
        item = next(i for n in body["nodes"] for i in n["items"])
        assert {"zh", "en"} <= set(item["display"])
        for fmt, media in (("zh", "text/markdown"), ("en", "text/markdown"), ("html", "text/html"),
                           ("docx", "application/vnd.openxmlformats"), ("json", "application/json")):
            got = c.get(body["downloads"][fmt])
            assert got.status_code == 200 and got.headers["content-type"].startswith(media), (fmt, got.text[:200])
        zh = c.get(body["downloads"]["zh"]).text
        assert zh.count("### 关键节点：") == len(body["nodes"])
        doc = Document(io.BytesIO(c.get(body["downloads"]["docx"]).content))
        assert body["title_zh"] in doc.paragraphs[0].text
        direct = c.post("/api/reports", data={"demo": "xinjiang-industry", "format": "en"})
        assert direct.headers["content-disposition"].startswith("attachment") and "Key node:" in direct.text


def test_upload_csv_finds_the_step(server, tmp_path):
    path = monthly_step_csv(tmp_path / "step.csv")
    with server.client() as c, path.open("rb") as fh:
        r = c.post("/api/reports", files={"file": ("step.csv", fh, "text/csv")}, data={"region": "新疆", "sector": "工业"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["region"] == "650000"
    assert any(abs(n["node"]["index"] - 70) <= 2 for n in body["nodes"]), body["nodes"]
    weak = monthly_step_csv(tmp_path / "weak.csv", jump=0.05, seed=2)   # read at 0.65
    with server.client() as c, weak.open("rb") as fh:
        none = c.post("/api/reports", files={"file": ("weak.csv", fh, "text/csv")},
                      data={"region": "新疆", "sector": "工业", "min_confidence": "0.9"})
        assert none.status_code == 200, none.text
        assert none.json()["nodes"] == [] and none.json()["detection"]["unreported"] == 1, none.text
        wrong = c.post("/api/reports", data={"demo": "xinjiang-industry", "min_confidence": "1.5"})
        assert wrong.status_code == 422 and "min_confidence" in wrong.text, wrong.text


def test_upload_of_a_table_of_several_series_keeps_the_rows_asked_for(server, tmp_path):
    path = year_to_date_csv(tmp_path / "nbs.csv")
    with server.client() as c:
        def post(**form):
            return c.post("/api/reports", files={"file": ("nbs.csv", path.read_bytes())},
                          data={"region": "广东", "sector": "电力", **form})

        r = post()
        assert r.status_code == 422 and "appears twice" in r.json()["detail"], r.text
        r = post(where="value_type")
        assert r.status_code == 422 and "COLUMN=VALUE" in r.json()["detail"], r.text
        r = post(where=" value_type = cumulative_ytd ; ")
        assert r.status_code == 200, r.text
        body = r.json()
        assert any(abs(n["node"]["index"] - 70) <= 2 for n in body["nodes"]), body["nodes"]
        assert any("year-to-date" in note for note in body["data_notes"]["en"]), body["data_notes"]
        r = post(where="value_type=current_month", value_column="value")
        assert r.status_code == 200, r.text
        notes = r.json()["data_notes"]["en"]   # the month's own values, the Januaries they lack from the totals
        assert not any("each period's value" in note for note in notes), notes
        assert any(note.startswith("12 missing values were taken from the year-to-date totals") for note in notes)


def test_upload_xlsx(server, tmp_path):
    import pandas as pd

    csv_path = monthly_step_csv(tmp_path / "step.csv")
    xlsx = tmp_path / "step.xlsx"
    pd.read_csv(csv_path).to_excel(xlsx, index=False)
    with server.client() as c, xlsx.open("rb") as fh:
        r = c.post("/api/reports", files={"file": ("step.xlsx", fh)}, data={"format": "zh"})
    assert r.status_code == 200, r.text
    assert "分析周期" in r.text


def test_upload_a_yearbook_table_as_tsv(server, tmp_path):
    # a region per row and a year per column, tab-separated: refused as a suffix before
    years = range(2000, 2020)
    rows = [f"{p}\t" + "\t".join(str(100 + 20 * (y >= 2010) + k + (y % 3)) for y in years)
            for k, p in enumerate(["新疆", "甘肃"])]
    path = tmp_path / "yearbook.tsv"
    path.write_text("地区\t" + "\t".join(map(str, years)) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with server.client() as c, path.open("rb") as fh:
        r = c.post("/api/reports", files={"file": ("yearbook.tsv", fh)}, data={"region": "甘肃", "sector": "工业"})
    assert r.status_code == 200, r.text
    assert r.json()["region"] == "620000" and [n["node"]["date"] for n in r.json()["nodes"]][:1] == ["2010"]


def test_bad_cell_names_the_upload_row_and_column(server, tmp_path):
    path = monthly_step_csv(tmp_path / "bad.csv")
    lines = path.read_text().splitlines()
    lines[5] = lines[5].split(",")[0] + ",abc"
    with server.client() as c:
        r = c.post("/api/reports", files={"file": ("bad.csv", "\n".join(lines).encode())})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail.startswith("bad.csv") and "row 6" in detail and "'value'" in detail and "abc" in detail
    assert "/tmp" not in detail


def test_upload_limits_are_clear_4xx(server, tmp_path):
    with server.client() as c:
        big = b"date,value\n" + b"2020-01-01,1.0\n" * 30_000  # ~450 KB > 0.25 MiB
        r = c.post("/api/reports", files={"file": ("big.csv", big)})
        assert r.status_code == 413 and "limit" in r.json()["detail"]
        rows = "date,value\n" + "".join(f"{1000 + i},{i % 7}\n" for i in range(3500))  # small but too many rows
        r = c.post("/api/reports", files={"file": ("rows.csv", rows.encode())})
        assert r.status_code == 413 and "3500 rows" in r.json()["detail"]
        r = c.post("/api/reports", files={"file": ("notes.pdf", b"%PDF-1.4")})
        assert r.status_code == 415
        r = c.post("/api/reports", data={"demo": "atlantis"})
        assert r.status_code == 422 and "demo" in r.json()["detail"]
        r = c.post("/api/reports", data={"kb": "demo"})
        assert r.status_code == 422 and "file" in r.json()["detail"]
        r = c.post("/api/reports", data={"demo": "xinjiang-industry", "format": "pdf"})
        assert r.status_code == 422


def test_unknown_region_and_report_id(server, tmp_path):
    path = monthly_step_csv(tmp_path / "s.csv")
    with server.client() as c:
        r = c.post("/api/reports", files={"file": ("s.csv", path.read_bytes())}, data={"region": "Atlantis"})
        assert r.status_code == 422 and "Atlantis" in r.json()["detail"]
        r = c.post("/api/reports", data={"demo": "xinjiang-industry", "as_of": "notadate"})
        assert r.status_code == 422 and "as of 'notadate': not a date" in r.json()["detail"]
        r = c.post("/api/reports", data={"demo": "xinjiang-industry", "as_of": "2019-01-05"})  # too few points left
        assert r.status_code == 422 and "/" not in r.json()["detail"].split(":")[0]  # no server path
        r = c.post("/api/reports", files={"file": ("s.csv", path.read_bytes())},
                   data={"region": "新疆", "sector": "工业", "as_of": "2001-01-01"})   # before its first value
        assert r.status_code == 422 and "no value yet: its first is 2010-01" in r.json()["detail"], r.text
        assert r.json()["detail"].startswith("s.csv"), r.text
        assert c.get("/api/reports/" + "0" * 32).status_code == 404
        assert c.get("/api/reports/not-an-id").status_code == 404


def test_kb_search_reads_without_token(server):
    with server.client() as c:
        hits = c.get("/api/kbs/demo/search", params={"q": "COVID", "region": "新疆", "limit": 3}).json()
        assert 0 < len(hits) <= 3 and all("record" in h and h["record"]["sources"] for h in hits)
        assert c.get("/api/kbs/nope/search", params={"q": "x"}).status_code == 404


def test_kb_import_needs_the_token_and_is_idempotent(server, tmp_path):
    path = records_csv(tmp_path / "records.csv")
    with server.client() as c:
        assert c.post("/api/kbs/mine/import", files={"file": ("records.csv", path.read_bytes())}).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert c.post("/api/kbs/mine/import", files={"file": ("r.csv", path.read_bytes())}, headers=wrong).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        bare = {"empty": "true"}  # without the starter records, so the counts are this file's
        first = c.post("/api/kbs/mine/import", params=bare, files={"file": ("records.csv", path.read_bytes())},
                       headers=auth)
        assert first.status_code == 200, first.text
        assert first.json()["inserted"] == first.json()["records"] > 0
        again = c.post("/api/kbs/mine/import", params=bare, files={"file": ("records.csv", path.read_bytes())},
                       headers=auth).json()
        assert again["inserted"] == 0 and again["records"] == first.json()["records"]
        assert "mine" in [k["name"] for k in c.get("/api/kbs").json()]
        seeded = c.post("/api/kbs/seeded/import", files={"file": ("records.csv", path.read_bytes())}, headers=auth)
        assert seeded.status_code == 200 and seeded.json()["records"] > first.json()["records"]  # starter + file
        assert c.post("/api/kbs/demo/import", files={"file": ("r.csv", path.read_bytes())}, headers=auth).status_code == 400
        r = c.post("/api/reports", data={"demo": "xinjiang-industry", "kb": "mine"})
        assert r.status_code == 200 and r.json()["kb_records"] == first.json()["records"]


def test_read_only_server_refuses_writes(tmp_path):
    srv = start_server(tmp_path, POLICYTRACE_TOKEN="")
    try:
        with srv.client() as c:
            r = c.post("/api/kbs/mine/import", files={"file": ("r.csv", b"a,b\n")},
                       headers={"Authorization": "Bearer anything"})
            assert r.status_code == 403 and "read-only" in r.json()["detail"]
    finally:
        stop_server(srv)


def test_import_of_unreadable_files_is_422(server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with server.client() as c:
        for name, body in (("broken.xlsx", b"PK\x03\x04 not a workbook"), ("noise.csv", bytes(range(256)) * 2),
                           ("dates.csv", b"title,date,url\nA record,2020-13-45,https://example.com/a\n")):
            r = c.post("/api/kbs/junk/import", params={"empty": "true"}, files={"file": (name, body)}, headers=auth)
            assert r.status_code in (200, 422), (name, r.status_code, r.text)  # never a 500
            assert "/tmp" not in r.text  # messages name the upload, not the server's temporary folder
            if r.status_code == 422:
                assert r.json()["detail"].startswith(name)
        # none of them could be imported: no KB is left behind (one had been made and seeded all the same)
        assert "junk" not in [k["name"] for k in c.get("/api/kbs").json()]
