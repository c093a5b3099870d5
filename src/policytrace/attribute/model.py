"""What attribution returns: for each node, the KB items that plausibly explain it, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..detect.node import Node
from ..kb.record import Record


@dataclass(frozen=True)
class Item:
    """One KB record offered as an explanation of a node, with its score and its parts."""

    record: Record
    score: float
    parts: dict[str, float]
    lag_days: int            # record date minus node date; negative = before the node
    relation_zh: str         # e.g. "发布于节点前 3 个月"
    relation_en: str
    after_node: bool = False  # dated after the node: allowed only where the kind's lag allows
    window: tuple[int, int] | None = None  # days [before, after] the record's kind was allowed
    region_level: str | None = None      # own, parent, national, sub_region, neighbour
    authority_level: str | None = None   # central, ministry, provincial, official, state_media, ...
    note_zh: str | None = None           # the label of an item dated after its node
    note_en: str | None = None

    def to_dict(self) -> dict:
        return {
            "record": self.record.to_dict(),
            "score": round(self.score, 3),
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
            "lag_days": self.lag_days,
            "relation_zh": self.relation_zh,
            "relation_en": self.relation_en,
            "after_node": self.after_node,
            "window": list(self.window) if self.window else None,
            "region_level": self.region_level,
            "authority_level": self.authority_level,
            "note_zh": self.note_zh,
            "note_en": self.note_en,
        }


@dataclass(frozen=True)
class Attribution:
    node: Node
    items: tuple[Item, ...]
    searched: dict = field(default_factory=dict)  # windows, regions, candidates looked at, rejections
    effect: dict = field(default_factory=dict)    # level change with interval; shock loss vs counterfactual
    common: dict | None = None                    # panel mode: the common break this node belongs to

    @property
    def empty(self) -> bool:
        return not self.items

    def to_dict(self) -> dict:
        out = {"node": self.node.to_dict(), "items": [i.to_dict() for i in self.items], "searched": self.searched,
               "effect": self.effect}
        if self.common is not None:
            out["common"] = self.common
        return out
