"""What a node without items says: that the knowledge base holds nothing for it, or what it holds and why
none of it was listed.

"经核查，本时段未收录相关政策性文件或重大事件" is true only where no record of the node's region and time was
found; where records were found and turned away (too weak a fit, the wrong direction, a better fit elsewhere),
the reader is told how many and why, from attribution's `searched` counts.
"""

from __future__ import annotations

NOTHING = {
    "zh": "经核查，本时段未收录相关政策性文件或重大事件。",
    "en": "Checked: the knowledge base holds no policy document or major event for this period.",
}

# Reasons that say a record is not of this node's region and time: such records do not count as held.
NOT_HELD = ("outside_window", "other_region")

# (Chinese, English for several, English for one)
REASONS = {
    "below_min_score": ("{n} 条与本次变化的匹配评分低于 {min_score}", "{n} scored under {min_score} for this change",
                        "{n} scored under {min_score} for this change"),
    "contradicts_direction": ("{n} 条预期影响方向与本次变化相反", "{n} would act against this change's direction",
                              "{n} would act against this change's direction"),
    "better_fit_other_node": ("{n} 条更贴合另一节点，列于该节点", "{n} fit another node better and are listed there",
                              "{n} fits another node better and is listed there"),
    "same_event_other_source": ("{n} 条为已列事件的另一来源", "{n} are other sources of an event listed",
                                "{n} is another source of an event listed"),
    "no_source_url": ("{n} 条缺少来源网址", "{n} have no source URL", "{n} has no source URL"),
    "draft": ("{n} 条为征求意见稿，尚未生效", "{n} are drafts put out for comment, not in force",
              "{n} is a draft put out for comment, not in force"),
    "administrative": ("{n} 条为事务性文件（登记变更、答复、培训、会议等）",
                       "{n} are routine business (a changed registration, a reply, a training course, a meeting)",
                       "{n} is routine business (a changed registration, a reply, a training course, a meeting)"),
    "nuclear_safety": ("{n} 条为核设施安全监管文件，不涉及碳排放",
                       "{n} are nuclear-safety regulation of a facility, with no bearing on CO2",
                       "{n} is nuclear-safety regulation of a facility, with no bearing on CO2"),
    "credited_to_common_break": ("{n} 条已归入多地共同断点", "{n} are credited to a break common to several regions",
                                 "{n} is credited to a break common to several regions"),
}


def held(searched: dict) -> int:
    """Records of the node's region and time that attribution looked at (listed or not)."""
    rejected = searched.get("rejected") or {}
    return int(searched.get("candidates") or 0) - sum(int(rejected.get(r, 0)) for r in NOT_HELD)


def empty_text(searched: dict | None, lang: str) -> str:
    """The line shown for a node with no items."""
    count = held(searched or {})
    if count <= 0:
        return NOTHING[lang]
    rejected = {r: n for r, n in (searched.get("rejected") or {}).items() if r not in NOT_HELD and n}
    min_score = searched.get("min_score", "")
    zh = lang == "zh"
    parts = [REASONS[r][0 if zh else 1 if n != 1 else 2].format(n=n, min_score=min_score) if r in REASONS
             else f"{n} × {r}" for r, n in sorted(rejected.items(), key=lambda kv: -kv[1])]
    if zh:
        return f"经核查，知识库收录本地区（含上级行政区）本时段记录 {count} 条，均未列为成因：{'；'.join(parts)}。"
    records = "1 record" if count == 1 else f"{count} records"
    return (f"Checked: the knowledge base holds {records} for this region (or a region above it) and "
            f"period, none listed as a cause: {'; '.join(parts)}.")
