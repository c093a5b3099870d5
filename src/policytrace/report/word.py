"""The Word report (python-docx): headings, the chart, a table of nodes, each item's fields, linked sources,
page numbers. Chinese, as analysts hand it in."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from .chart import chart_png
from .model import Report
from .render import safe_url

CJK_FACE = "Microsoft YaHei"  # Word falls back to any installed CJK face (SimSun, Noto, WenQuanYi) when absent


def _east_asian(run, face: str = CJK_FACE) -> None:
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), face)


def _clean(text: str | None) -> str:
    """XML 1.0 forbids most control characters; a KB string with one would make Word refuse the file."""
    return "".join(ch for ch in str(text or "") if ch in "\t\n" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff")


def add_hyperlink(paragraph, text: str, url: str) -> None:
    """python-docx has no hyperlink API; this is the documented oxml recipe (an external relationship + w:hyperlink)."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    rpr.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    rpr.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(underline)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.text = _clean(text)
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _page_number(paragraph) -> None:
    """A PAGE field, so Word and LibreOffice number the pages themselves."""
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _field(doc, label: str, text: str, url: str | None = None) -> None:
    p = doc.add_paragraph()
    head = p.add_run(f"{label}：")
    head.bold = True
    _east_asian(head)
    if url and safe_url(url):
        add_hyperlink(p, text or url, url)
    else:
        _east_asian(p.add_run(_clean(text)))
    p.paragraph_format.space_after = Pt(2)


def render_docx(report: Report) -> bytes:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr()
    _east_asian_style(normal)
    section = doc.sections[0]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    doc.core_properties.title = _clean(report.title_zh)
    doc.core_properties.subject = _clean(report.title_en)
    doc.add_heading(_clean(report.title_zh), level=0)
    views = report.view("zh")
    doc.add_paragraph(f"分析周期：{report.period_text('zh')}")
    doc.add_paragraph(f"收录重大政策节点：{len(views)}项")
    if note := report.detection_note("zh"):
        doc.add_paragraph(note)
    if report.data_notes:
        doc.add_paragraph("数据说明：" + "；".join(_clean(zh) for zh, _ in report.data_notes))

    doc.add_heading("碳排放序列与关键节点", level=1)
    doc.add_picture(io.BytesIO(chart_png(report, lang="zh")), width=Inches(6.3))
    caption = doc.add_paragraph("图：碳排放序列；圆点与虚线为关键节点（颜色表示类型），阴影为节点可能的起始区间。")
    caption.runs[0].font.size = Pt(8)
    caption.runs[0].font.color.rgb = RGBColor(0x66, 0x66, 0x66)

    table = doc.add_table(rows=1, cols=5)
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, ("关键节点", "类型", "置信度", "变化", "收录事项")):
        cell.text = text
    for n in views:
        cells = table.add_row().cells
        for cell, text in zip(cells, (n.date, n.kind_label, f"{n.confidence:.2f}", n.change,
                                      str(len(n.items)) if n.items else "—")):
            cell.text = text

    for n in views:
        doc.add_heading(f"关键节点：{n.date}（{n.kind_label}） - 置信度：{n.confidence:.2f}", level=2)
        doc.add_paragraph(f"变化：{n.change}（{n.interval}）")
        if n.effect:
            doc.add_paragraph(f"效应估计：{n.effect}")
        if n.empty:
            doc.add_paragraph(n.empty)
            continue
        for number, it in enumerate(n.items, 1):
            doc.add_heading(_clean(f"{number}. {it.heading.label}：{it.heading.text}"), level=3)
            for f in it.fields:
                _field(doc, f.label, f.text, f.url)
            _field(doc, "时间关系", it.relation + (f"（{it.after_node}）" if it.after_node else ""))
            parts = " · ".join(f"{label} {v:.2f}" for label, v in it.parts)
            _field(doc, "匹配评分", f"{it.score:.2f}（{parts}）")
            for source in it.sources[1:]:
                _field(doc, "其他来源", source.text, source.url)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _east_asian_style(style) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), CJK_FACE)
