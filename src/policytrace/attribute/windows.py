"""How long before and after a node a record may lie and still explain it (lag-aware windows).

A policy acts after it is issued (weeks to years), later still after an approval than after it takes
effect; an event acts at once; a project when it starts operating. The window also depends on the
node's kind (an outlier wants an event on the spot, a trend turn allows long policy lags) and on the
series' frequency (a node on annual data is only known to the year, so the window is at least a period).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..detect.node import NodeKind
from ..kb.record import Record
from ..series import Frequency


@dataclass(frozen=True)
class Window:
    """Days a record may precede the node's date interval, follow it, the decay of the time fit, and the days
    it must at least precede the interval's first day (`least`: an approval is not yet a running plant)."""

    before: int
    after: int
    decay: int
    least: int = 0

    def to_list(self) -> list[int]:
        return [self.before, self.after]


# Per record kind and date kind: an approval ("issued" project) acts only once the plant runs, so it
# may lie years before and never after; an effective date acts sooner than an issue date.
DEFAULT_LAGS: dict[str, Window] = {
    "event": Window(31, 15, 20),
    "policy": Window(540, 31, 180),
    "policy/effective": Window(365, 31, 150),
    "plan": Window(540, 31, 240),
    "standard": Window(540, 31, 240),
    "standard/effective": Window(365, 31, 180),
    "market": Window(365, 31, 120),
    "project": Window(365, 31, 120),
    # Building takes at least half a year (China's coal mines and power plants years, a solar farm months): a
    # coal mine's approval 12 days before had explained Shaanxi's total rising in January 2022.
    "project/issued": Window(1095, 0, 365, least=183),
    "project/reported": Window(365, 15, 120),
    "statistic": Window(365, 0, 180),
    # A statement of aims (`Record.states_aims`: a pledge, an NDC, a five-year plan's outline) acts through the
    # measures that follow it: China's 2035 NDC, announced on 24 September 2025, had explained a fall of that
    # September in nine provinces' totals.
    "aims": Window(1095, 0, 365, least=183),
}

# Multipliers (before, after) by node kind: an outlier is one bad point, so only what happens on the
# spot can explain it; a trend turn builds up over years.
DEFAULT_NODE_SCALE: dict[str, tuple[float, float]] = {
    NodeKind.EVENT.value: (1.0, 1.0),
    NodeKind.OUTLIER.value: (0.25, 0.5),
    NodeKind.TREND.value: (1.5, 1.0),
    NodeKind.SEASONAL.value: (1.0, 1.0),
}

PERIOD_DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7, Frequency.MONTHLY: 31, Frequency.QUARTERLY: 92,
               Frequency.ANNUAL: 366, Frequency.UNDATED: 1}


@dataclass(frozen=True)
class LagWindows:
    """Lag windows by record kind, node kind and frequency.

    Parameters
    ----------
    lags : dict
        ``"kind"`` or ``"kind/date_kind"`` → `Window` in days; the more specific key wins.
    node_scale : dict
        Node kind → (before, after) multipliers.
    min_periods : tuple[int, int]
        The window reaches at least this many series periods before and after the node, since a
        node on coarse data is only dated to its period (annual data: ±2 years as Stechemesser et al.).
    """

    lags: dict[str, Window] = field(default_factory=lambda: dict(DEFAULT_LAGS))
    node_scale: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(DEFAULT_NODE_SCALE))
    min_periods: tuple[int, int] = (1, 1)

    def lag_kind(self, record: Record) -> str:
        """The key `record`'s window is looked up by: its kind, or "aims" for a statement of aims."""
        return "aims" if "aims" in self.lags and record.states_aims else record.kind

    def window(self, record_kind: str, date_kind: str, node_kind: NodeKind | str, frequency: Frequency) -> Window:
        base = self.lags.get(f"{record_kind}/{date_kind}") or self.lags.get(record_kind) or self.lags["policy"]
        scale_before, scale_after = self.node_scale.get(_kind(node_kind), (1.0, 1.0))
        period = PERIOD_DAYS.get(frequency, 1)
        before = max(round(base.before * scale_before), self.min_periods[0] * period)
        after = round(base.after * scale_after)
        if base.after > 0:  # kinds that may never follow their node keep a zero window after
            after = max(after, self.min_periods[1] * period)
        return Window(before, after, max(base.decay, period), base.least)

    def widest(self, node_kind: NodeKind | str, frequency: Frequency) -> Window:
        """The union of all windows: what one KB query must cover for this node."""
        windows = [self.window(*_split(key), node_kind, frequency) for key in self.lags]
        return Window(max(w.before for w in windows), max(w.after for w in windows), 0)

    def describe(self, node_kind: NodeKind | str, frequency: Frequency) -> dict[str, list[int]]:
        """Days [before, after] per record kind, for the `searched` note of a node."""
        return {key: self.window(*_split(key), node_kind, frequency).to_list() for key in self.lags}


def _kind(node_kind: NodeKind | str) -> str:
    return node_kind.value if isinstance(node_kind, NodeKind) else str(node_kind)


def _split(key: str) -> tuple[str, str]:
    kind, _, date_kind = key.partition("/")
    return kind, date_kind or "issued"
