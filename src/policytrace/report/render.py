"""Renderers: Jinja2 templates for the text formats, `json` for data, python-docx for Word."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined

from .. import __version__
from ..errors import PolicytraceError
from .dates import date_en, date_zh
from .model import SCHEMA_VERSION, Report

FORMATS = {"zh": "report.zh.md", "en": "report.en.md", "json": "report.json", "html": "report.html",
           "docx": "report.docx"}
MEDIA_TYPES = {"zh": "text/markdown; charset=utf-8", "en": "text/markdown; charset=utf-8",
               "json": "application/json", "html": "text/html; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
KIND_COLOURS = {"event": "#d62728", "seasonal": "#2ca02c", "trend": "#1f77b4", "outlier": "#9467bd"}

__all__ = ["FORMATS", "MEDIA_TYPES", "date_en", "date_zh", "parse_formats", "render"]


def _md(text: str | None) -> str:
    """KB text on one Markdown line: newlines folded (a record cannot start a heading or a list), and
    brackets escaped (it cannot make a link or raw HTML)."""
    text = re.sub(r"\s*\n\s*", " ", str(text or "")).strip()
    return re.sub(r"([\[\]<>])", r"\\\1", text)


def _md_link(text: str | None) -> str:
    return _md(text)


def _md_url(url: str | None) -> str:
    return str(url or "").strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def safe_url(url: str | None) -> bool:
    """Only web links become links; `javascript:` and friends from a KB stay text."""
    return bool(re.match(r"^https?://[^\s<>\"']+$", str(url or "").strip(), flags=re.IGNORECASE))


def _filters(env: Environment) -> Environment:
    env.filters.update(date_zh=date_zh, date_en=date_en, md=_md, md_link=_md_link, md_url=_md_url, safe_url=safe_url)
    return env


@cache
def _text_env() -> Environment:
    return _filters(Environment(loader=PackageLoader("policytrace", "report/templates"), undefined=StrictUndefined,
                                keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True))


@cache
def _html_env() -> Environment:
    # autoescape: every KB string is HTML-escaped unless a template says otherwise (only our own assets do)
    return _filters(Environment(loader=PackageLoader("policytrace", "report/templates"), undefined=StrictUndefined,
                                autoescape=True, trim_blocks=True, lstrip_blocks=True))


@cache
def static_text(name: str) -> str:
    """A bundled asset (the vendored uPlot, our chart script) as text."""
    return (resources.files("policytrace.report") / "static" / name).read_text(encoding="utf-8")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """'zh,en,html' → ('zh', 'en', 'html'); empty or 'all' → every format."""
    if not text or text.strip().lower() == "all":
        return tuple(FORMATS)
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise PolicytraceError(f"unknown report format {', '.join(unknown) or text!r}; choose from {','.join(FORMATS)}")
    return chosen


def chart_data(report: Report) -> dict:
    """The slice of report.json that the chart needs (same shape, so the page and the file share the script)."""
    nodes = [{"node": {k: a.node.to_dict()[k] for k in ("index", "date", "kind", "interval_index", "confidence")}}
             for a in report.attributions]
    return {"series": {"dates": list(report.series_dates), "values": list(report.series_values)}, "nodes": nodes}


def _html(report: Report) -> str:
    from .view import KIND_LABEL_EN

    zh_labels = {"event": "事件类", "seasonal": "季节性调整", "trend": "趋势转折", "outlier": "异常值"}
    return _html_env().get_template("report.html.j2").render(
        report=report, views={"zh": report.view("zh"), "en": report.view("en")}, chart_data=chart_data(report),
        kinds=list(KIND_COLOURS.items()), colours=KIND_COLOURS, kind_labels={"zh": zh_labels, "en": KIND_LABEL_EN},
        uplot_js=static_text("uPlot.iife.min.js"), uplot_css=static_text("uPlot.min.css"),
        chart_js=static_text("policytrace-chart.js"), version=__version__, schema_version=SCHEMA_VERSION)


def render(report: Report, fmt: str) -> str | bytes:
    """The report in `fmt` (a key of FORMATS): text for zh/en/json/html, bytes for docx."""
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt in ("zh", "en"):
        return _text_env().get_template(f"report.{fmt}.md.j2").render(report=report, nodes=report.view(fmt))
    if fmt == "html":
        return _html(report)
    if fmt == "docx":
        from .word import render_docx  # python-docx and matplotlib load only when Word is asked for

        return render_docx(report)
    raise PolicytraceError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
