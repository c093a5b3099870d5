"""Compile the report: one model, many renderers."""

from .model import EMPTY_EN, EMPTY_ZH, Report, build_report, check_as_of
from .render import FORMATS, MEDIA_TYPES, parse_formats, render
from .write import write_report

__all__ = ["EMPTY_EN", "EMPTY_ZH", "FORMATS", "MEDIA_TYPES", "Report", "build_report", "check_as_of", "parse_formats", "render", "write_report"]
