"""Anonymised peers: how a town compares with other towns of the same population band
(and country, where enough), from the assessments whose towns consented to join the
anonymous peer pool. Pure; the web keeps the pool (webapp/peers_store.py).

A group of peers is shown only with at least ``MIN_TOWNS`` towns, and each dimension only
where at least that many of them have a score: the median and the quartiles of five or
more towns, never a single town's figure. The town itself is never counted among its peers.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from .answers import N_

MIN_TOWNS = 5


@dataclass(frozen=True)
class PeerEntry:
    """What the pool keeps of one town: no name, no answers."""

    town_key: str  # to leave the town itself out of its peers (a workspace or assessment id)
    population_band: str
    country: str
    scores: Mapping[str, float | None]  # dimension id -> score


@dataclass(frozen=True)
class Spread:
    towns: int
    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class PeerGroup:
    label: str  # which peers: "same population band" or "same band and country"
    towns: int
    dimensions: dict[str, Spread | None]  # None: fewer than MIN_TOWNS scored this dimension

    @property
    def enough(self) -> bool:
        return self.towns >= MIN_TOWNS


BAND = N_("Towns of the same population band")
BAND_COUNTRY = N_("Towns of the same population band in the same country")


def spread(values: Sequence[float]) -> Spread | None:
    """Median and quartiles of at least MIN_TOWNS values, else None."""
    if len(values) < MIN_TOWNS:
        return None
    q1, median, q3 = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return Spread(len(values), q1, median, q3)


def _group(label: str, entries: Sequence[PeerEntry], dimension_ids: Sequence[str]) -> PeerGroup:
    dims: dict[str, Spread | None] = {}
    for dim in dimension_ids:
        values = [e.scores[dim] for e in entries if e.scores.get(dim) is not None]
        dims[dim] = spread(values) if len(entries) >= MIN_TOWNS else None  # type: ignore[arg-type]
    return PeerGroup(label, len(entries), dims)


def peer_groups(pool: Sequence[PeerEntry], town_key: str, band: str, country: str,
                dimension_ids: Sequence[str]) -> list[PeerGroup]:
    """The town's peer groups: same band; and same band and country when that has enough towns."""
    peers = [e for e in pool if e.town_key != town_key and e.population_band == band]
    same_country = [e for e in peers if e.country.casefold() == country.casefold()]
    if peers and len(same_country) == len(peers):  # every peer is in the same country: one table, said so
        return [_group(BAND_COUNTRY, peers, dimension_ids)]
    groups = [_group(BAND, peers, dimension_ids)]
    if len(same_country) >= MIN_TOWNS:
        groups.append(_group(BAND_COUNTRY, same_country, dimension_ids))
    return groups


def peer_section(groups: Sequence[PeerGroup], own: Mapping[str, float | None], titles: Mapping[str, str],
                 gettext: Callable[[str], str], in_pool: bool) -> dict[str, Any]:
    """The view model of "Compared with peer towns" (results page and full report)."""
    def p(x: float | None) -> str:
        return "–" if x is None else str(int(round(x)))

    shown = []
    for g in groups:
        rows = []
        for dim_id, title in titles.items():
            s = g.dimensions.get(dim_id)
            rows.append({"title": title, "own": p(own.get(dim_id)),
                         "median": p(s.median) if s else "", "q1": p(s.q1) if s else "", "q3": p(s.q3) if s else "",
                         "towns": s.towns if s else 0})
        shown.append({"label": gettext(g.label), "enough": g.enough, "towns": g.towns, "rows": rows})
    return {"groups": shown, "min_towns": MIN_TOWNS, "in_pool": in_pool}
