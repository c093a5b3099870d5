"""Dates as a reader writes them, from the ISO-like labels a series or record carries."""

from __future__ import annotations


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


def date_en(text: str | None) -> str:
    """ISO dates stay ISO (unambiguous for international readers); '2020Q1' → '2020 Q1'; an index → 'period 7'."""
    if not text:
        return ""
    text = str(text)
    if "Q" in text:
        year, q = text.split("Q")
        return f"{year} Q{q}"
    head = text[:10]
    if not head[:4].isdigit() or len(head.split("-")[0]) != 4:
        return f"period {text}"
    return head


DATE_TEXT = {"zh": date_zh, "en": date_en}
