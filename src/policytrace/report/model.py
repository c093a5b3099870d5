"""The report model: one object that every renderer reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import NamedTuple

import pandas as pd

from .. import __version__, regions, sectors
from ..attribute.model import Attribution
from ..series import Frequency, Series
from .dates import DATE_TEXT
from .empty import NOTHING

SCHEMA_VERSION = "1.7"  # 1.7: detection.weakest_unreported; see docs/report-schema.md
EMPTY_ZH, EMPTY_EN = NOTHING["zh"], NOTHING["en"]   # a node where the KB holds nothing (see `empty`)


class Detection(NamedTuple):
    """What the detector left out of a report: changes under its confidence floor, beyond a node limit, and
    (`season_unread`: the series spans under two cycles of its season) any change no larger than a seasonal
    swing (and `within_rounding`: level changes of no more than the values' rounding step)."""

    min_confidence: float
    unreported: int
    beyond_max_nodes: int = 0
    season_unread: bool = False
    within_rounding: int = 0        # changes no larger than the step the values were rounded to
    rounding_step: float = 0.0
    weakest_unreported: float | None = None   # the lowest confidence under the floor


@dataclass(frozen=True)
class Report:
    region: str | None
    sector: str | None
    period: tuple[str, str]
    frequency: str
    attributions: tuple[Attribution, ...]
    series_dates: tuple[str, ...] = ()
    series_values: tuple[float | None, ...] = ()
    as_of: str | None = None
    kb_records: int | None = None
    data_notes: tuple[tuple[str, str], ...] = ()   # (zh, en): how the series was read
    detection: Detection | None = None   # None: not known (nodes given, not detected here)
    generated: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def region_zh(self) -> str:
        return regions.lookup(self.region).name_zh if self.region else "（未指定地区）"

    @property
    def region_en(self) -> str:
        if not self.region:
            return "(no region)"
        found = regions.lookup(self.region)
        return found.name_en or found.name_zh

    @property
    def sector_zh(self) -> str:
        return sectors.label_zh(self.sector) or "（未指定行业）"

    @property
    def sector_en(self) -> str:
        return sectors.label_en(self.sector) or "(no sector)"

    @property
    def title_zh(self) -> str:
        return f"{self.region_zh}{self.sector_zh}领域碳排放关键政策与重大事件汇编"

    @property
    def title_en(self) -> str:
        return f"{self.region_en} {self.sector_en}: key policies and major events behind carbon-emission changes"

    def period_text(self, lang: str) -> str:
        fmt = DATE_TEXT[lang]
        first, last = self.period
        if self.frequency == Frequency.WEEKLY.value:
            # a week is labelled by its first day: the period ends six days after the last label
            last = Frequency.WEEKLY.last_day(pd.Timestamp(last)).date().isoformat()
        return f"{fmt(first)}{'至' if lang == 'zh' else ' to '}{fmt(last)}"

    def detection_note(self, lang: str) -> str | None:
        """What detection left out: no node at all, changes under the confidence floor or beyond the node
        limit, and changes within a seasonal swing the series is too short to estimate."""
        if self.detection is None:
            return None
        floor, unreported, trimmed, season_unread, rounded, step, _ = self.detection
        zh = lang == "zh"
        parts = []
        if season_unread:
            parts.append("序列不足两个完整季节周期，季节规律无法估计，只有大于季节波动的变化才会被检出。" if zh
                         else "The series spans under two full seasonal cycles, so its season cannot be estimated and "
                              "only changes larger than a seasonal swing are found.")
        if not self.attributions:
            parts.append(f"经检测，分析周期内未见置信度不低于 {floor:.2f} 的关键节点。" if zh
                         else f"No key node with a confidence of at least {floor:.2f} was found in this period.")
        if unreported:
            parts.append(f"另有 {unreported} 处变化置信度低于 {floor:.2f}，未列出。" if zh
                         else f"{unreported} more change{'s' if unreported > 1 else ''} fell under confidence "
                              f"{floor:.2f} and {'are' if unreported > 1 else 'is'} not listed.")
        if trimmed:
            parts.append(f"另有 {trimmed} 处置信度较低的变化超出节点数上限，未列出。" if zh
                         else f"{trimmed} less confident change{'s' if trimmed > 1 else ''} beyond the node limit "
                              f"{'are' if trimmed > 1 else 'is'} not listed.")
        if rounded:
            parts.append(f"数值仅精确到 {step:g}，另有 {rounded} 处不超过一个舍入单位的变化无法与舍入区分，未列出。" if zh
                         else f"The values are rounded to {step:g}: {rounded} more change{'s' if rounded > 1 else ''}"
                              f" of no more than one rounding step cannot be told from the rounding and "
                              f"{'are' if rounded > 1 else 'is'} not listed.")
        return ("" if zh else " ").join(parts) or None

    def view(self, lang: str) -> tuple:
        """The nodes as a reader of `lang` ('zh' or 'en') sees them (see `view.py`)."""
        from .view import node_view

        return tuple(node_view(a, lang, DATE_TEXT[lang]) for a in self.attributions)

    def to_dict(self) -> dict:
        from .view import KIND_LABEL_EN

        views = {lang: self.view(lang) for lang in ("zh", "en")}
        nodes = []
        for i, a in enumerate(self.attributions):
            data = a.to_dict()
            kind = data["node"].get("kind")
            data["node"].setdefault("label_en", KIND_LABEL_EN.get(kind, kind))
            data["display"] = {lang: {"date": views[lang][i].date, "kind_label": views[lang][i].kind_label,
                                      "change": views[lang][i].change, "interval": views[lang][i].interval,
                                      "effect": views[lang][i].effect, "empty": views[lang][i].empty}
                               for lang in views}
            for j, item in enumerate(data.get("items", [])):
                item["display"] = {lang: views[lang][i].items[j].to_dict() for lang in views}
            nodes.append(data)
        return {
            "schema_version": SCHEMA_VERSION,
            "policytrace_version": __version__,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "region": self.region,
            "region_zh": self.region_zh,
            "region_en": self.region_en,
            "sector": self.sector,
            "sector_zh": self.sector_zh,
            "sector_en": self.sector_en,
            "period": list(self.period),
            "frequency": self.frequency,
            "as_of": self.as_of,
            "generated": self.generated,
            "kb_records": self.kb_records,
            "data_notes": {"zh": [zh for zh, _ in self.data_notes], "en": [en for _, en in self.data_notes]},
            "detection": (None if self.detection is None else
                          {**self.detection._asdict(),
                           "note": {lang: self.detection_note(lang) for lang in ("zh", "en")}}),
            "nodes": nodes,
            "series": {"dates": list(self.series_dates), "values": list(self.series_values)},
        }

    def render(self, fmt: str) -> str | bytes:
        """The report as one of `report.FORMATS`: 'zh', 'en', 'json', 'html' (text) or 'docx' (bytes)."""
        from .render import render

        return render(self, fmt)


def build_report(series: Series, attributions: list[Attribution], *, as_of: str | None = None,
                 kb_records: int | None = None, detection: Detection | None = None) -> Report:
    values = series.values
    return Report(
        region=series.region,
        sector=series.sector,
        period=series.period,
        frequency=series.frequency.value,
        attributions=tuple(attributions),
        series_dates=tuple(series.label(i) for i in range(len(values))),
        series_values=tuple(None if v != v else float(v) for v in values.to_numpy(dtype=float)),
        as_of=as_of,
        kb_records=kb_records,
        detection=detection,
        data_notes=data_notes(series),
    )


def data_notes(series: Series) -> tuple[tuple[str, str], ...]:
    """What the reader did to the series that a reader of the report should know, in Chinese and English."""
    meta = series.meta
    notes = []
    if names := meta.get("regions_summed_names"):
        more = len(names) > 8
        zh = "、".join(getattr(regions.find(n), "short_zh", n) for n in names[:8]) + ("等" if more else "")
        en = ", ".join(names[:8]) + (" …" if more else "")
        notes.append((f"本序列为文件中 {len(names)} 个下级地区之和（{zh}）",
                      f"the series is the sum of the file's {len(names)} regions within it ({en})"))
    if names := meta.get("sectors_summed_names"):
        listed = ", ".join(names)
        notes.append((f"本序列为文件中全部 {len(names)} 个行业之和（{listed}）",
                      f"the series is the sum of the file's {len(names)} sectors ({listed})"))
    elif meta.get("sectors_summed"):
        k = meta["sectors_summed"]
        notes.append((f"本序列为所选行业门类下 {k} 个行业之和", f"the series is the sum of the {k} sectors in the group"))
    if "year_to_date_split" in meta:
        k = meta["year_to_date_split"]
        split = (f"；{k} 个累计值跨多期（如1–2月合计），平均分配到各期", f"; {k} totals covering several periods "
                 "(January-February published together) were split evenly over them") if k else ("", "")
        notes.append(("各期数值由年内累计值换算（本期累计减上期累计）" + split[0],
                      "each period's value was taken from year-to-date totals (this total less the one before)"
                      + split[1]))
    if meta.get("spans_split"):
        k = meta["spans_split"]
        notes.append((f"{k} 个跨月合计值（如1–2月）平均分配到所含各月",
                      f"{k} totals over several months (such as January-February) were split evenly over them"))
    if meta.get("filled_from_totals"):
        k = meta["filled_from_totals"]
        notes.append((f"{k} 期缺测的本期值由同表累计值推算（跨多期的累计值如1–2月，扣除其中已有的本期值后平均分配）",
                      f"{k} missing values were taken from the year-to-date totals in the same table (a total over "
                      "several periods, such as January-February, less the values given for them, split evenly)"))
    if meta.get("zeros_as_gaps"):
        k = meta["zeros_as_gaps"]
        notes.append((f"{k} 个为 0 的数值按缺测处理（排放不会在正值之间恰为 0，多为未估算）",
                      f"{k} values of 0 were read as missing (emissions beside positive values are not exactly 0; "
                      "such zeros are data not estimated)"))
    if meta.get("empty_ends"):
        k = meta["empty_ends"]
        notes.append((f"文件首尾 {k} 期无数值，不计入分析周期",
                      f"{k} periods at the start or end of the file have no value and are outside the period"))
    gaps = meta.get("gaps", 0) - meta.get("zeros_as_gaps", 0)
    if gaps > 0:
        notes.append((f"{gaps} 期缺测", f"{gaps} periods missing"))
        if meta.get("totals_unused"):
            share = f"{100 * meta['totals_unused']:.0f}%"
            notes.append((f"同表累计值与本期值相差 {share}，未用于补缺",
                          f"the year-to-date totals in the same table differ from the periods' own values by "
                          f"{share} and were not used to fill the gaps"))
    return tuple(notes)


def check_as_of(text: str | None) -> str | None:
    """A report's cut-off date as the user typed it, checked before any work: '2021', '2021-06' or '2021-06-30'."""
    if text is None or not str(text).strip():
        return None
    import pandas as pd

    from ..errors import InputError

    text = str(text).strip()
    try:
        pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        # no column: the date is an option of the run, not a cell of the file
        raise InputError(f"as of {text!r}: not a date; write it as 2021, 2021-06 or 2021-06-30") from None
    return text
