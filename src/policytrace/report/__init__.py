"""Compile the report: one model, many renderers."""

from .model import EMPTY_EN, EMPTY_ZH, Report, build_report
from .render import FORMATS, render
from .write import write_report

__all__ = ["EMPTY_EN", "EMPTY_ZH", "FORMATS", "Report", "build_report", "render", "write_report"]
