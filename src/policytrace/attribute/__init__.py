"""Explain each key node from the knowledge base, and verify the explanation."""

from __future__ import annotations

from ..detect.node import Node
from ..kb import KnowledgeBase
from ..series import Series
from .attributor import Attributor
from .effect import EffectEstimator
from .model import Attribution, Item
from .panel import CommonBreak, PanelAttributor, PanelResult
from .scope import RegionScope
from .scoring import Scorer
from .windows import DEFAULT_LAGS, LagWindows, Window

DEFAULT_WINDOWS = DEFAULT_LAGS  # the first version's name


def attribute(nodes: list[Node], series: Series, kb: KnowledgeBase) -> list[Attribution]:
    """Attributions of `nodes` with default windows and scoring."""
    return Attributor().attribute(nodes, series, kb)


__all__ = ["Attribution", "Attributor", "CommonBreak", "DEFAULT_LAGS", "DEFAULT_WINDOWS", "EffectEstimator", "Item",
           "LagWindows", "PanelAttributor", "PanelResult", "RegionScope", "Scorer", "Window", "attribute"]
