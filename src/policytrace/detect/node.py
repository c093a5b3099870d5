"""A key node (关键节点): where and how a series changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum


class NodeKind(str, Enum):
    EVENT = "event"        # level shift or temporary shock
    SEASONAL = "seasonal"  # the seasonal pattern itself changes
    TREND = "trend"        # the slope turns
    OUTLIER = "outlier"    # one bad point

    @property
    def label_zh(self) -> str:
        return {"event": "事件类", "seasonal": "季节性调整", "trend": "趋势转折", "outlier": "异常值"}[self.value]

    @property
    def label_en(self) -> str:
        names = {"event": "event", "seasonal": "seasonal change", "trend": "trend turn", "outlier": "outlier"}
        return names[self.value]


@dataclass(frozen=True)
class Node:
    """One key node.

    `index` is the 0-based position of the first point of the new regime; `date` its label at
    the series' resolution; `interval` the first and last date the change may have started
    (the uncertainty of its date); `change_pct` the change in percent of `level_before`. What the
    levels are depends on the kind: an event's level before and after (a shock's, during it); an
    outlier's expected and observed value; a seasonal node's swing (std of the pattern) before and
    after; a trend turn's old trend carried `details["horizon"]` periods past the turn and the new
    fitted level there (`details` also holds both slopes and `level_at_turn`).
    """

    index: int
    date: str
    kind: NodeKind
    confidence: float
    direction: str  # "up" or "down"
    change_pct: float
    level_before: float
    level_after: float
    interval: tuple[str, str]
    interval_index: tuple[int, int]
    duration: int | None = None      # periods, for a shock that ends
    end_date: str | None = None      # last date of a shock
    details: dict = field(default_factory=dict, compare=False)

    @property
    def ends_in_step(self) -> bool:
        """A shock that a second step ends; one that fades back along a line (`details["recovery"]` is
        "gradual") has an end date where it is back, but no change point there."""
        return self.end_date is not None and self.details.get("recovery") != "gradual"

    @property
    def label_zh(self) -> str:
        return self.kind.label_zh

    def to_dict(self) -> dict:
        out = asdict(self)
        out["kind"] = self.kind.value
        out["label_zh"] = self.kind.label_zh
        out["interval"] = list(self.interval)
        out["interval_index"] = list(self.interval_index)
        return out
