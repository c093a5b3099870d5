"""A record's date against its node's date, in words ("发布于节点前 3 个月")."""

from __future__ import annotations

_VERB_ZH = {"issued": "发布", "effective": "生效", "started": "开始", "ended": "结束", "reported": "报道"}
_VERB_EN = {"issued": "issued", "effective": "took effect", "started": "started", "ended": "ended", "reported": "reported"}
_PERIOD_ZH = {"year": "年份", "quarter": "季度", "month": "月份", "week": "周"}


def _span(days: int) -> tuple[str, str]:
    days = abs(days)
    if days < 14:
        return f"{days} 天", f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        weeks = round(days / 7)
        return f"{weeks} 周", f"{weeks} weeks"
    if days < 730:
        months = round(days / 30.44)
        return f"{months} 个月", f"{months} months"
    years = round(days / 365.25)
    return f"{years} 年", f"{years} years"


def describe(lag_days: int, date_kind: str, precision: str, shared: str | None = None) -> tuple[str, str]:
    """Chinese and English phrases for a record dated `lag_days` from its node; `shared` ("year", "quarter",
    "month", "week"): the period that holds both, said instead of a count of days that neither date has (an
    annual node and a record of the same year had read "issued on the node's date")."""
    verb_zh, verb_en = _VERB_ZH.get(date_kind, "发布"), _VERB_EN.get(date_kind, "dated")
    if shared in _PERIOD_ZH:
        return f"{verb_zh}于节点所在{_PERIOD_ZH[shared]}", f"{verb_en} in the node's {shared}"
    fuzzy_zh = "约" if precision != "day" else ""
    fuzzy_en = "about " if precision != "day" else ""
    if lag_days == 0:
        return f"{verb_zh}于节点当日", f"{verb_en} on the node's date"
    zh, en = _span(lag_days)
    if lag_days < 0:
        return f"{verb_zh}于节点前{fuzzy_zh} {zh}", f"{verb_en} {fuzzy_en}{en} before the node"
    return f"节点后{fuzzy_zh} {zh}{verb_zh}", f"{verb_en} {fuzzy_en}{en} after the node"
