"""Documents (HTML pages, PDF, DOCX, Markdown) → one record each, read the way a reader reads a
Chinese government document: the issuing authority at the top or in the signature, the document
number (新政发〔2021〕18号), the title (关于…的通知), the date of issue (成文日期 / 发布日期 or the date
under the signature), and the region from the issuer.

Text comes from the field's libraries (selectolax, pypdf, python-docx, markdown-it-py); only the
metadata is read from the text with patterns, since no library knows Chinese official-document layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ... import regions
from ...errors import InputError
from ..record import Record, Source, stable_id
from . import Batch
from .cells import normalise_date, sector_keys

_MAX_TEXT = 50_000  # characters kept for search; a plan's annexes add little but size

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［（(]\s*(?:19|20)\d{2}\s*[〕\]］）)]\s*\d{1,4}\s*号")
_DATE = r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?"
_LABELLED_DATE = re.compile(r"(成文日期|发布日期|印发日期|发文日期|日期|发布时间)\s*[:：]?\s*" + _DATE)
_LONE_DATE = re.compile(r"^\s*" + _DATE + r"\s*$")
_LABELLED_ISSUER = re.compile(r"(发文机关|发布机构|发文单位|来源|发布单位)\s*[:：]\s*(\S{2,40})")
_ORG = re.compile(r"(人民政府办公厅|人民政府|办公厅|办公室|委员会|委|国务院|厅|局|部|署|公司)$")
_TITLE_END = re.compile(r"(通知|意见|方案|规划|计划|办法|决定|公告|通告|规定|细则|指南|批复|函|纲要|条例|措施|实施方案)$")
_KINDS = (("标准", "standard"), ("规划", "plan"), ("计划", "plan"), ("纲要", "plan"), ("实施方案", "plan"),
          ("行动方案", "plan"))


@dataclass
class DocumentMeta:
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    date_label: str | None = None


def read_document(path: Path) -> Batch:
    suffix = path.suffix.lower()
    reader = {".pdf": _pdf, ".docx": _docx, ".md": _markdown, ".markdown": _markdown}.get(suffix, _html)
    title_hint, lines, hints = reader(path)
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError("the document has no text (a scanned PDF needs OCR first)", file=str(path))
    meta = extract_metadata(lines, title_hint=title_hint, hints=hints)
    if not meta.title:
        raise InputError("no title found in the document", file=str(path))
    if not meta.date:
        raise InputError("no date of issue found (成文日期, 发布日期 or a date under the signature)", file=str(path))
    text = "\n".join(lines)[:_MAX_TEXT]
    kind = next((k for word, k in _KINDS if word in meta.title), "policy")
    region = issuer_region(meta.issuer)
    url = hints.get("url")
    record = Record(
        id=stable_id("document", meta.doc_number or meta.title, meta.date),
        kind=kind, title=meta.title, title_zh=meta.title if re.search(r"[\u4e00-\u9fff]", meta.title) else None,
        date=meta.date, date_kind="issued", issued=meta.date, regions=(region,),
        sectors=sector_keys(meta.title), issuer=meta.issuer, doc_number=meta.doc_number, text=text,
        place=None if region == regions.NATION else regions.lookup(region).name_zh,
        sources=(Source(url=url or path.resolve().as_uri(), publisher=meta.issuer,
                        source_type="official" if url and ".gov.cn" in url else None, doc_number=meta.doc_number),),
        provenance={"source_name": f"document:{suffix.lstrip('.')}", "file": path.name,
                    "importer": f"document:{suffix.lstrip('.')}", "date_from": meta.date_label},
    )
    return Batch([record], [], f"document:{suffix.lstrip('.')}", rows=1)


def extract_metadata(lines: list[str], *, title_hint: str | None = None, hints: dict | None = None) -> DocumentMeta:
    """Title, issuer, document number and date of issue from a document's lines."""
    hints = hints or {}
    meta = DocumentMeta()
    head = lines[:40]
    for line in head:
        found = DOC_NUMBER.search(line)
        if found:
            meta.doc_number = re.sub(r"\s+", "", found.group())
            break
    meta.title = _title(head, title_hint)
    # Date: a labelled date wins; then the date under the signature (the last lone date line); then a hint.
    for line in lines[:60] + lines[-30:]:
        found = _LABELLED_DATE.search(line)
        if found:
            meta.date, meta.date_label = _iso(found.groups()[1:]), found.group(1)
            break
    signature_at = None
    if not meta.date:
        for i in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
            found = _LONE_DATE.match(lines[i])
            if found:
                meta.date, meta.date_label, signature_at = _iso(found.groups()), "落款日期", i
                break
    if not meta.date and hints.get("date"):
        try:
            meta.date, meta.date_label = normalise_date(hints["date"]), "page metadata"
        except InputError:
            pass
    # Issuer: labelled; else an organisation line at the head (红头) or right above the signature date.
    for line in head:
        found = _LABELLED_ISSUER.search(line)
        if found and _ORG.search(found.group(2)):
            meta.issuer = found.group(2)
            break
    if not meta.issuer:
        candidates = head[:5] + ([lines[signature_at - 1]] if signature_at else [])
        for line in candidates:
            name = re.sub(r"(文件|\s)", "", line)
            if 2 < len(name) <= 40 and _ORG.search(name) and not _TITLE_END.search(name) and "关于" not in name:
                meta.issuer = name
                break
    if not meta.issuer and hints.get("issuer"):
        meta.issuer = hints["issuer"]
    return meta


def _title(head: list[str], hint: str | None) -> str | None:
    """The official title: a 关于…的通知 line (joined when it wraps), else the page or file title."""
    for i, line in enumerate(head):
        if line.startswith("关于") or ("关于" in line and _TITLE_END.search(line)):
            title = line
            j = i + 1
            while not _TITLE_END.search(title) and j < len(head) and j <= i + 2:
                title += head[j]  # a long title wraps onto the next line
                j += 1
            return re.sub(r"\s+", "", title) if re.search(r"[\u4e00-\u9fff]", title) else title
    if hint and hint.strip():
        return re.split(r"\s*[_|｜-]\s*(?=[^_|｜-]*(政府|网|门户)[^_|｜-]*$)", hint.strip())[0].strip()
    for line in head:
        if _TITLE_END.search(line) and not DOC_NUMBER.search(line):
            return line
    return None


def _iso(parts) -> str:
    y, m, d = (int(p) for p in parts)
    return f"{y:04d}-{m:02d}-{d:02d}"


def issuer_region(issuer: str | None) -> str:
    """The region an authority governs: the longest leading region name (新疆维吾尔自治区发展和改革委员会 → 650000)."""
    if not issuer:
        return regions.NATION
    name = re.sub(r"^(中共|中国共产党)", "", issuer.strip())  # a Party committee governs its region too
    code = regions.NATION
    while name:
        found = _leading_region(name)
        if found is None or (code != regions.NATION and not found.code.startswith(code.rstrip("0"))):
            break
        code, name = found.code, name[len(found.name_zh) if name.startswith(found.name_zh) else len(found.short_zh):]
    return code  # 哈密市伊州区人民政府 → 哈密市 → its 伊州区


def _leading_region(name: str) -> regions.Region | None:
    for end in range(min(len(name), 16), 1, -1):
        found = regions.find(name[:end])
        if found and found.code != regions.NATION:
            return found
    return None


# -- readers: (title hint, lines of text, hints such as url/date/issuer from metadata) -------------

def _decode(data: bytes, path: Path) -> str:
    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    encodings = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in [*encodings, "utf-8", "gb18030"]:
        try:
            return data.decode("gb18030" if encoding in ("gbk", "gb2312") else encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError("cannot read the text: neither UTF-8 nor GBK/GB18030", file=str(path))


def _html(path: Path) -> tuple[str | None, list[str], dict]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode(path.read_bytes(), path))
    meta = {(node.attributes.get("name") or node.attributes.get("property") or "").lower():
            node.attributes.get("content") or "" for node in tree.css("meta")}
    hints = {"date": meta.get("pubdate") or meta.get("article:published_time") or meta.get("firstpublishedtime"),
             "issuer": meta.get("contentsource") or None, "url": meta.get("url") or meta.get("og:url") or None}
    for node in tree.css("script, style, noscript, nav, header, footer"):
        node.decompose()
    title = meta.get("articletitle") or (tree.css_first("title").text() if tree.css_first("title") else None)
    root = tree.body or tree.root
    text = root.text(separator="\n") if root else ""
    return title, text.splitlines(), {k: v for k, v in hints.items() if v}


def _pdf(path: Path) -> tuple[str | None, list[str], dict]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"cannot read the PDF ({type(exc).__name__}: {exc}); is it complete?", file=str(path)) from None
    return title, "\n".join(pages).splitlines(), {}


def _docx(path: Path) -> tuple[str | None, list[str], dict]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read the DOCX ({exc}); is it a Word 2007+ file?", file=str(path)) from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:  # some offices put the header block in a table
        lines += [cell.text for row in table.rows for cell in row.cells]
    return document.core_properties.title or None, lines, {}


def _markdown(path: Path) -> tuple[str | None, list[str], dict]:
    from markdown_it import MarkdownIt

    text = _decode(path.read_bytes(), path)
    tokens = MarkdownIt().parse(text)
    title, lines = None, []
    for i, token in enumerate(tokens):
        if token.type == "inline":
            if title is None and i > 0 and tokens[i - 1].type == "heading_open":
                title = token.content
            lines += [c.content for c in token.children or () if c.type == "text" and c.content] or [token.content]
        elif token.type in ("fence", "code_block"):
            lines += token.content.splitlines()
    return title, lines, {}
