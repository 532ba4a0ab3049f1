"""Networks of towns (an URBACT-like network, a region's municipalities, a hub and its
surrounding towns): the members' profiles side by side, the risks most members share
(a network action plan: what to do together) and the member towns nearest to each other.
Pure; the web (webapp/networks.py) and the CLI (``readiness network``) call ``network_result``.

What a member shares is its choice: scores and levels always; findings (so its risks in
the shared plan) and answers only if it agreed (``Member.share_details``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from .answers import N_
from .scoring import AssessmentResult, Finding

if TYPE_CHECKING:
    from .content_model import Content

# How to take on a shared risk together, by dimension: the tool's suggestion of a form of
# cooperation (not a statement of the documents), shown with the rules' own recommendations.
TOGETHER: dict[str, str] = {
    "funding": N_("Prepare a joint funding bid, with one town leading and the others as partners."),
    "talent": N_("Run shared training: one programme, offered in turn in each member town."),
    "networks": N_("Agree a joint programme of exchange visits between the member towns."),
    "governance": N_("Set up a network working group with one representative of each town."),
    "infrastructure": N_("Share places: open each town's creative spaces to the others' residents."),
}
TOGETHER_DEFAULT = N_("Form a working group of the towns concerned to exchange practice on it, meeting in turn in each town.")


@dataclass(frozen=True)
class Member:
    key: str
    town: str
    country: str
    result: AssessmentResult | None  # None: no submitted assessment yet
    share_details: bool = False


@dataclass(frozen=True)
class SharedRisk:
    rule_id: str
    finding: Finding  # as found for the first member concerned (the same rule for all)
    members: list[Member]
    of: int  # members whose findings are shared (the denominator)


@dataclass(frozen=True)
class Pair:
    a: Member
    b: Member
    distance: float  # mean absolute difference of the dimension scores both have, 0-100
    dimensions: int  # how many dimensions were compared


@dataclass(frozen=True)
class NetworkResult:
    members: list[Member]
    shared_risks: list[SharedRisk]  # most members first
    pairs: list[Pair]  # nearest first

    @property
    def assessed(self) -> list[Member]:
        return [m for m in self.members if m.result is not None]

    def nearest_to(self, member: Member) -> Pair | None:
        return next((p for p in self.pairs if member in (p.a, p.b)), None)

    def to_json(self) -> dict[str, Any]:
        """The shape of ``readiness network --json``."""
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "members": [
                {
                    "town": m.town, "country": m.country, "shares_findings": m.share_details,
                    "overall": None if m.result is None else {"score": r(m.result.overall),
                                                             "level": m.result.level.label if m.result.level else None},
                    "dimensions": [] if m.result is None else [
                        {"id": d.id, "score": r(d.score), "level": d.level.label if d.level else None}
                        for d in m.result.dimensions
                    ],
                }
                for m in self.members
            ],
            "shared_risks": [
                {"id": s.rule_id, "title": s.finding.title, "dimension": s.finding.dimension,
                 "towns": [m.town for m in s.members], "of": s.of,
                 "together": TOGETHER.get(s.finding.dimension, TOGETHER_DEFAULT),
                 "recommendations": [rec.model_dump() for rec in s.finding.recommendations]}
                for s in self.shared_risks
            ],
            "nearest": [{"towns": [p.a.town, p.b.town], "distance": r(p.distance), "dimensions": p.dimensions}
                        for p in self.pairs],
        }


def _distance(a: AssessmentResult, b: AssessmentResult) -> tuple[float, int] | None:
    diffs = [abs(x.score - y.score) for x, y in zip(a.dimensions, b.dimensions)
             if x.score is not None and y.score is not None]
    return (sum(diffs) / len(diffs), len(diffs)) if diffs else None


def most(n: int) -> int:
    """How many members make "most": more than half, and at least two."""
    return max(2, n // 2 + 1)


def network_result(content: "Content", members: Sequence[Member]) -> NetworkResult:
    members = list(members)
    sharing = [m for m in members if m.result is not None and m.share_details]
    by_rule: dict[str, list[tuple[Member, Finding]]] = {}
    for m in sharing:
        assert m.result is not None
        for f in m.result.risks:
            by_rule.setdefault(f.id, []).append((m, f))
    order = {r.id: i for i, r in enumerate(content.rules)}
    shared = [
        SharedRisk(rule_id, found[0][1], [m for m, _ in found], len(sharing))
        for rule_id, found in by_rule.items() if len(found) >= most(len(sharing))
    ]
    severity = {"high": 0, "medium": 1, "low": 2}
    shared.sort(key=lambda s: (-len(s.members), severity.get(s.finding.severity, 3), order.get(s.rule_id, math.inf)))

    pairs = []
    for a, b in itertools.combinations([m for m in members if m.result is not None], 2):
        assert a.result is not None and b.result is not None
        d = _distance(a.result, b.result)
        if d is not None:
            pairs.append(Pair(a, b, d[0], d[1]))
    pairs.sort(key=lambda p: (p.distance, -p.dimensions, p.a.town, p.b.town))
    return NetworkResult(members, shared, pairs)
