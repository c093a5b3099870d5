"""Which regions' records may explain a node, and how well: the region hierarchy.

The region's own records come first, then the nation's (national policies apply everywhere), then
neighbours, only when the caller names them. A sub-region's record (a prefecture's for a province's
node) explains the larger region only in part, so it scores lower.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import regions as gazetteer
from ..kb.record import Record
from ..regions import NATION, Region


@dataclass(frozen=True)
class RegionScope:
    """The regions searched for one series and the region fit of each level.

    Parameters
    ----------
    region : Region
        The series' region (the nation for a national series).
    neighbours : tuple[Region, ...]
        Regions whose own records may also explain the node; empty unless asked for.
    include_national : bool
        Whether national records may explain the node (panel mode credits them to common breaks).
    own, parent, national, sub_region, neighbour : float
        Region fit of a record of the region itself, of a region above it (a province's record for a
        prefecture's node), of the nation, of a region inside it, of a named neighbour.
    """

    region: Region
    neighbours: tuple[Region, ...] = ()
    include_national: bool = True
    include_sub_regions: bool = True
    own: float = 1.0
    parent: float = 0.9
    national: float = 0.8
    sub_region: float = 0.6
    neighbour: float = 0.5
    national_project: float = 0.4

    @classmethod
    def of(cls, region: str | None, *, neighbours: tuple[str, ...] = (), **fits) -> "RegionScope":
        found = gazetteer.lookup(region) if region else gazetteer.lookup(NATION)
        return cls(found, tuple(gazetteer.lookup(n) for n in neighbours), **fits)

    def fit(self, record: Record) -> tuple[str, float] | None:
        """(level, fit) of the best-placed region of `record`, or None if it lies outside the scope."""
        best: tuple[str, float] | None = None
        for code in record.regions:
            level = self._level(code)
            if not level:
                continue
            fit = self.national_project if level == "national" and record.kind == "project" \
                else getattr(self, level)
            if best is None or fit > best[1]:
                best = (level, fit)
        return best

    def _level(self, code: str) -> str | None:
        if code == self.region.code:
            return "own"
        if code == NATION:
            return "national" if self.include_national else None
        if code in self.region.ancestors:
            return "parent"
        other = gazetteer.find(code)
        if other is None:
            return None
        if self.region.contains(other):
            return "sub_region" if self.include_sub_regions else None
        if any(n.contains(other) for n in self.neighbours):
            return "neighbour"
        return None

    def to_dict(self) -> dict:
        """What the `searched` note says about regions."""
        out = {"own": self.region.code, "parents": [c for c in self.region.ancestors if c != NATION],
               "sub_regions": f"{self.region.code} and below" if self.region.code != NATION else "all",
               "national": self.include_national and self.region.code != NATION,
               "neighbours": [n.code for n in self.neighbours]}
        return out
