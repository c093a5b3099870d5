"""The whole path in one call: series → detect → attribute → report; and the same for a panel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .attribute import Attributor, PanelAttributor, PanelResult
from .attribute.panel import read_panel
from .detect import Detector
from .kb import KnowledgeBase
from .report import Report, build_report
from .report.model import Detection
from .series import Series


def run(series: Series, kb: KnowledgeBase, *, max_nodes: int | None = None, min_confidence: float = 0.4,
        as_of: str | None = None, detector: Detector | None = None, attributor: Attributor | None = None) -> Report:
    """Detect the key nodes of `series`, explain them from `kb` and return the report (`max_nodes` and
    `min_confidence` are for the default detector; a `detector` given brings its own)."""
    if as_of:
        series = _until(series, as_of)
    detector = (detector or Detector(max_nodes=max_nodes, min_confidence=min_confidence)).fit(series)
    attributions = (attributor or Attributor()).attribute(detector.nodes_, series, kb)
    return build_report(series, attributions, as_of=as_of, kb_records=len(kb),
                        detection=Detection(detector.min_confidence, detector.unreported_, detector.trimmed_,
                                            season_unread=detector.rule_ == "unread",
                                            within_rounding=detector.within_rounding_,
                                            rounding_step=detector.rounding_step_,
                                            weakest_unreported=detector.weakest_unreported_))


def run_panel(panel: str | Path | Mapping[str, Series] | Sequence[Series], kb: KnowledgeBase, *,
              regions: Sequence[str] | None = None, sectors: Sequence[str] | None = None,
              value_column: str | None = None, share: float = 0.5, detector: Detector | None = None,
              attributor: Attributor | None = None) -> PanelResult:
    """Detect and explain a panel (a long file or several series): common breaks credited once."""
    if isinstance(panel, (str, Path)):
        panel = read_panel(panel, regions=regions, sectors=sectors, value_column=value_column)
    return PanelAttributor(detector=detector, attributor=attributor, share=share).fit(panel, kb).result_


def _until(series: Series, as_of: str) -> Series:
    """The series cut at `as_of`: a report as it could have been written that day."""
    from dataclasses import replace

    import pandas as pd

    if not series.dated:
        return series
    kept = series.values[series.values.index <= pd.Timestamp(as_of)]
    if kept.notna().sum() == 0:
        from .errors import InputError

        raise InputError(f"as of {as_of} the series has no value yet: its first is {series.period[0]}",
                         file=series.source)
    return replace(series, values=kept)
