"""Find the key nodes of a series: calendar-aware, typed, with calibrated confidence."""

from __future__ import annotations

from ..series import Series
from .detector import Detector
from .node import Node, NodeKind


def detect(series: Series, *, max_nodes: int | None = None) -> list[Node]:
    """The key nodes of `series` with default settings."""
    return Detector(max_nodes=max_nodes).fit(series).nodes_


__all__ = ["Detector", "Node", "NodeKind", "detect"]
