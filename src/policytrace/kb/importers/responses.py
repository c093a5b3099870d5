"""Emergency-response levels (COVID-19, I the strictest to IV): which step of a region's sequence tightens and
which eases. A downgrade is both: it lifts emissions from the level before and still holds them under normal,
so its direction is unclear; a declaration or a tightening cuts."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

_LEVEL = re.compile(r"\bLevel (IV|III|II|I)\b", re.IGNORECASE)
_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}


def level_rank(text: str | None) -> int | None:
    """1 for 'Level I' … 4 for 'Level IV' in `text`, else None."""
    found = _LEVEL.search(text or "")
    return _RANK[found.group(1).upper()] if found else None


def response_directions(steps: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str], str]:
    """(region, start date, level rank) of each declared level → (region, start) → 'cut' where the level is
    declared or tightened (the region's first, or a stricter one than before: Hubei's Level II of 21 January
    2020, its Level I of the 24th), 'unclear' where it is eased (its Level II of 2 May)."""
    by_region: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for region, start, rank in steps:
        by_region[region].append((start, rank))
    out = {}
    for region, sequence in by_region.items():
        previous = None
        for start, rank in sorted(sequence):
            out[(region, start)] = "unclear" if previous is not None and rank > previous else "cut"
            previous = rank
    return out
