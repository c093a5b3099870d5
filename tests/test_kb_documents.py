"""Documents a user downloads from government sites: PDF, DOCX, HTML (also GBK), Markdown."""

from __future__ import annotations

import pytest

from policytrace.errors import InputError
from policytrace.kb import KnowledgeBase
from policytrace.kb.importers import read_records

ISSUER = "新疆维吾尔自治区人民政府"
NUMBER = "新政发〔2021〕18号"
TITLE = "关于印发新疆维吾尔自治区工业领域碳达峰实施方案的通知"
BODY = ["各地、州、市人民政府，自治区人民政府各部门：", "现将《新疆维吾尔自治区工业领域碳达峰实施方案》印发给你们，请认真贯彻执行。",
        "到2025年，规模以上单位工业增加值能耗持续下降。"]
LINES = [f"{ISSUER}文件", NUMBER, TITLE, *BODY, ISSUER, "2021年9月16日"]


def _check(record, *, issuer=ISSUER, number=NUMBER, date="2021-09-16"):
    assert record.title == TITLE and record.title_zh == TITLE
    assert record.issuer == issuer and record.doc_number == number
    assert record.date == date and record.issued == date and record.date_kind == "issued"
    assert record.regions == ("650000",) and record.kind == "plan"
    assert "碳达峰" in record.text and record.sources[0].doc_number == number


def test_pdf_of_a_chinese_policy_document(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a standard CJK font: no font file needed
    path = tmp_path / "plan.pdf"
    page = canvas.Canvas(str(path))
    page.setFont("STSong-Light", 11)
    for i, line in enumerate(LINES):
        page.drawString(40, 800 - 20 * i, line)
    page.save()
    (record,) = read_records(path).records
    _check(record)
    assert record.provenance["date_from"] == "落款日期"


def test_docx_of_a_chinese_policy_document_with_labelled_date(tmp_path):
    import docx

    path = tmp_path / "notice.docx"
    document = docx.Document()
    for line in ["发文机关：新疆维吾尔自治区发展和改革委员会", f"发文字号：{NUMBER}", "成文日期：2021年09月16日",
                 TITLE, *BODY, "新疆维吾尔自治区发展和改革委员会", "2021年9月30日"]:
        document.add_paragraph(line)
    document.save(path)
    (record,) = read_records(path).records
    # The labelled 成文日期 wins over the date under the signature; the issuer is the labelled one.
    _check(record, issuer="新疆维吾尔自治区发展和改革委员会")
    assert record.provenance["date_from"] == "成文日期"


def test_html_page_in_gbk_with_page_metadata(tmp_path):
    path = tmp_path / "page.html"
    body = "".join(f"<p>{line}</p>" for line in [NUMBER, TITLE, *BODY, "发布日期：2021-09-16"])
    html = (f'<html><head><meta charset="gbk"><meta name="ArticleTitle" content="{TITLE}">'
            f'<meta name="ContentSource" content="{ISSUER}"><title>{TITLE}_政府网</title>'
            f"<script>var x = '不是正文';</script></head><body><nav>首页</nav>{body}</body></html>")
    path.write_bytes(html.encode("gbk"))
    (record,) = read_records(path).records
    _check(record)
    assert "不是正文" not in record.text


def test_markdown_document(tmp_path):
    path = tmp_path / "notice.md"
    path.write_text("\n\n".join([f"# {TITLE}", NUMBER, *BODY, ISSUER, "2021年9月16日"]), encoding="utf-8")
    (record,) = read_records(path).records
    _check(record)


def test_national_issuer_means_the_nation_and_reimport_changes_nothing(tmp_path):
    path = tmp_path / "n.md"
    path.write_text("\n\n".join(["国家发展改革委文件", "发改环资〔2021〕1310号", "关于印发《完善能源消费强度和总量双控制度方案》的通知",
                                 "正文。", "国家发展改革委", "2021年9月11日"]), encoding="utf-8")
    kb = KnowledgeBase.open()
    assert kb.import_file(path).inserted == 1
    assert kb.import_file(path).unchanged == 1 and len(kb) == 1
    (record,) = list(kb)
    assert record.regions == ("000000",) and record.issuer == "国家发展改革委" and record.date == "2021-09-11"
    assert kb.search("双控")[0].record.id == record.id


def test_broken_and_empty_documents_give_a_clear_error_and_import_nothing(tmp_path):
    kb = KnowledgeBase.open()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer garbage")
    no_date = tmp_path / "nodate.md"
    no_date.write_text(f"# {TITLE}\n\n正文没有日期。\n", encoding="utf-8")
    empty_docx = tmp_path / "empty.docx"
    empty_docx.write_bytes(b"PK\x03\x04 not really a zip")
    for path, words in ((broken, "PDF"), (no_date, "no date"), (empty_docx, "DOCX")):
        with pytest.raises(InputError, match=words) as info:
            kb.import_file(path)
        assert str(path) in str(info.value)
    assert len(kb) == 0


@pytest.mark.parametrize("issuer, code", [
    ("国家发展改革委", "000000"), ("新疆维吾尔自治区发展和改革委员会", "650000"), ("乌鲁木齐市人民政府", "650100"),
    ("哈密市伊州区人民政府", "650502"), ("中共新疆维吾尔自治区委员会", "650000"), ("广东省广州市人民政府", "440100")])
def test_region_from_the_issuer_down_the_hierarchy(issuer, code):
    from policytrace import regions
    from policytrace.kb.importers.documents import issuer_region

    assert issuer_region(issuer) == code == regions.lookup(code).code
