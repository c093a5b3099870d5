"""A node's change in words, by kind: what `change_pct` measures differs by kind, and a bare "down 36%"
misleads where it is not a fall of the level (a trend turn's size is read against the old trend carried
forward; a seasonal node's, against the old swing; a shock's level comes back)."""

from __future__ import annotations

import math
from collections.abc import Callable

from ..detect.node import Node

# Working resolution → (Chinese unit, English unit); slopes are per working period.
_UNITS = {"daily": ("天", "day"), "weekly": ("周", "week"), "monthly": ("个月", "month"),
          "quarterly": ("个季度", "quarter"), "annual": ("年", "year")}
_PER_ZH = {"daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度", "annual": "每年"}


def periods_text(count: int, resolution: str | None, lang: str) -> str:
    """'12 个月', '12 months', '3 periods': a count of working periods in words."""
    unit_zh, unit_en = _UNITS.get(resolution, ("期", "period"))
    return f"{count} {unit_zh}" if lang == "zh" else f"{count} {unit_en}{'s' if count != 1 else ''}"


def change_text(node: Node, lang: str, date_text: Callable[[str], str]) -> str:
    """'上升 22.6%', or for other kinds what their percentage is of ('增速由每月 +2.2% 转为 …')."""
    kind = getattr(node.kind, "value", str(node.kind))
    pct = abs(float(node.change_pct))
    up = node.direction == "up"
    zh = lang == "zh"
    if kind == "trend" and (turn := _turn(node, zh)) is not None:
        return turn
    if kind == "seasonal":
        return (f"季节波动幅度{'扩大' if up else '收窄'} {pct:.1f}%" if zh
                else f"seasonal swing {'wider' if up else 'narrower'} by {pct:.1f}%")
    if kind == "outlier":
        return (f"单期{'高' if up else '低'}于预期 {pct:.1f}%" if zh
                else f"one period {pct:.1f}% {'above' if up else 'below'} its expected level")
    text = f"{'上升' if up else '下降'} {pct:.1f}%" if zh else f"{'up' if up else 'down'} {pct:.1f}%"
    if node.end_date:  # a shock: the level comes back after it, in one step or along a line
        end = date_text(node.end_date)
        if node.ends_in_step:
            text += f"，为冲击，止于{end}" if zh else f", a shock that ended {end}"
        else:
            text += (f"，为冲击，此后逐步{'回落' if up else '回升'}，至{end}回到原有水平" if zh
                     else f", a shock that faded gradually, back on its earlier path by {end}")
    return text


_SHORT_UNITS = {"daily": ("日", "day"), "weekly": ("周", "wk"), "monthly": ("月", "mo"), "quarterly": ("季", "qtr"),
                "annual": ("年", "yr")}


def short_change(node: Node, lang: str) -> str:
    """For a table cell: a trend turn's growth before and after ('+2.2%→+0.0%/月'), else the signed percentage."""
    kind = getattr(node.kind, "value", str(node.kind))
    if kind == "trend" and (rates := turn_rates(node)) is not None:
        unit = _SHORT_UNITS.get(node.details.get("working_resolution"), ("期", "period"))[lang != "zh"]
        return f"{rates[0]:+.1f}%→{rates[1]:+.1f}%/{unit}"
    return f"{float(node.change_pct):+.1f}%"


def turn_rates(node: Node) -> tuple[float, float] | None:
    """A trend turn's growth per working period before and after, in percent (of the level at the turn
    where the analysis is not in logs); None where the node does not carry them."""
    d = node.details
    before, after, level = d.get("slope_before"), d.get("slope_after"), d.get("level_at_turn")
    if before is None or after is None:
        return None
    if d.get("scale") == "log":   # slopes in log units: growth rates
        rates = [100 * math.expm1(s) for s in (before, after)]
    elif level and level > 0:
        rates = [100 * s / level for s in (before, after)]
    else:
        return None
    return round(rates[0], 1) + 0.0, round(rates[1], 1) + 0.0   # + 0.0: no "-0.0%"


def _turn(node: Node, zh: bool) -> str | None:
    """Growth per working period before and after the turn, and where the old trend would have led."""
    rates = turn_rates(node)
    if rates is None:
        return None
    resolution, horizon = node.details.get("working_resolution"), node.details.get("horizon")
    pct, up = abs(float(node.change_pct)), node.direction == "up"
    later = periods_text(int(horizon or 0), resolution, "zh" if zh else "en")
    if zh:
        per = _PER_ZH.get(resolution, "每期")
        text = f"增速由{per} {rates[0]:+.1f}% 转为{per} {rates[1]:+.1f}%"
        return text + (f"；{later}后较原趋势外推{'高' if up else '低'} {pct:.1f}%" if horizon else "")
    text = f"growth from {rates[0]:+.1f}% to {rates[1]:+.1f}% a {_UNITS.get(resolution, ('期', 'period'))[1]}"
    return text + (f"; {pct:.1f}% {'above' if up else 'below'} the old trend carried {later} past the turn"
                   if horizon else "")
