"""Renderers: Jinja2 templates for the text formats, `json` for data."""

from __future__ import annotations

import json
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..errors import PolicytraceError
from .model import EMPTY_EN, EMPTY_ZH, Report

FORMATS = {"zh": "report.zh.md", "json": "report.json"}


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("policytrace", "report/templates"), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_zh"] = date_zh
    return env


def date_zh(text: str | None) -> str:
    """'2021-09-16' → '2021年9月16日'; '2021-09' → '2021年9月'; '2021' → '2021年'; '2020Q1' → '2020年第1季度'."""
    if not text:
        return ""
    text = str(text)
    if "Q" in text:
        year, q = text.split("Q")
        return f"{year}年第{q}季度"
    parts = text[:10].split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return f"第{text}期"
    units = ("年", "月", "日")
    return "".join(f"{int(p)}{u}" for p, u in zip(parts, units))


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "zh":
        return _env().get_template("report.zh.md.j2").render(report=report, empty_zh=EMPTY_ZH, empty_en=EMPTY_EN)
    raise PolicytraceError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
