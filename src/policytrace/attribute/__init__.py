"""Explain each key node from the knowledge base."""

from __future__ import annotations

from ..detect.node import Node
from ..kb import KnowledgeBase
from ..series import Series
from .model import Attribution, Item
from .simple import DEFAULT_WINDOWS, Attributor


def attribute(nodes: list[Node], series: Series, kb: KnowledgeBase) -> list[Attribution]:
    """Attributions of `nodes` with default windows and scoring."""
    return Attributor().attribute(nodes, series, kb)


__all__ = ["Attribution", "Attributor", "DEFAULT_WINDOWS", "Item", "attribute"]
