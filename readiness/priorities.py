"""One prioritisation of the findings, and the summary built from it.

Every place that lists findings in order (the report's chapters, its summary,
the results page, ``readiness score --json``) uses this one ranking; the
summary's main risks and strengths are the top of it and its first actions are
the recommendations of those findings, nothing else.

Risks are ranked by, in this order:
1. severity (high, medium, low);
2. dependencies: the more of the other risks lie in dimensions that build on
   this risk's dimension (``builds_on`` in questions/_bank.yaml: a budget line
   needs a strategy to belong to), the earlier it comes; and a risk never comes
   before a risk of the same severity in a dimension it builds on;
3. how many points the dimension lacks to reach its next level (more first);
4. the dimension's place in the question bank, then the rule id (so the order
   never depends on anything but the content and the answers).

Strengths are ranked by severity, then the dimension's score (higher first),
then the same tie-breaks. Pure functions, no I/O.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from .results import DimensionResult, Finding, Summary, SummaryAction

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SUMMARY_RISKS = 3
SUMMARY_STRENGTHS = 3
MAX_ACTIONS = 8


def points_below_next_level(dim: "DimensionResult | None") -> float:
    """How far the dimension is from its next level; 0 at the top or when not assessed."""
    if dim is None or dim.score is None or dim.plan is None:
        return 0.0
    return max(0.0, dim.plan.target.min - dim.score)


def _prerequisites(dims: Sequence["DimensionResult"]) -> dict[str, set[str]]:
    """Every dimension each dimension builds on, directly or through another."""
    direct = {d.id: set(d.dimension.builds_on) for d in dims}
    closed: dict[str, set[str]] = {}

    def close(dim: str) -> set[str]:
        if dim not in closed:
            closed[dim] = set()  # the bank refuses cycles; this only guards recursion
            for before in direct.get(dim, ()):
                closed[dim] |= {before} | close(before)
        return closed[dim]

    for dim in direct:
        close(dim)
    return closed


def _after_prerequisites(ordered: list["Finding"], prerequisites: dict[str, set[str]]) -> list["Finding"]:
    """A stable reordering in which no risk precedes a risk of the same severity in a
    dimension it builds on: take, each time, the first one whose prerequisites are placed."""
    pending, placed = list(ordered), []
    while pending:
        for i, f in enumerate(pending):
            waits_for = any(
                other.severity == f.severity and other.dimension in prerequisites.get(f.dimension, ())
                for other in pending[:i] + pending[i + 1:]
            )
            if not waits_for:
                placed.append(pending.pop(i))
                break
        else:  # unreachable with an acyclic graph; keep the order rather than loop
            placed += pending
            break
    return placed


def rank_findings(findings: Iterable["Finding"], dims: Sequence["DimensionResult"]) -> list["Finding"]:
    """Risks first, then strengths, each in priority order (see the module docstring)."""
    by_id = {d.id: d for d in dims}
    dim_order = {d.id: i for i, d in enumerate(dims)}
    findings = list(findings)

    def tie_break(f: "Finding") -> tuple[int, str]:
        return dim_order.get(f.dimension, len(dim_order)), f.id

    prerequisites = _prerequisites(dims)
    risk_list = [f for f in findings if f.kind == "risk"]

    def dependents(f: "Finding") -> int:
        """How many other risks lie in dimensions that build on this risk's dimension."""
        return sum(1 for other in risk_list if f.dimension in prerequisites.get(other.dimension, ()))

    risks = sorted(
        risk_list,
        key=lambda f: (
            SEVERITY_ORDER[f.severity],
            -dependents(f),
            -points_below_next_level(by_id.get(f.dimension)),
            *tie_break(f),
        ),
    )
    strengths = sorted(
        (f for f in findings if f.kind != "risk"),
        key=lambda f: (SEVERITY_ORDER[f.severity], -_score(by_id.get(f.dimension)), *tie_break(f)),
    )
    return _after_prerequisites(risks, prerequisites) + strengths


def _score(dim: "DimensionResult | None") -> float:
    return dim.score if dim is not None and dim.score is not None else -1.0


# --------------------------------------------------------------------------- the summary


def summarise(findings: Sequence[Finding]) -> Summary:
    """The top of the ranking (``findings`` as ``rank_findings`` orders them) and the actions
    of those findings: every recommendation of the main risks in their order, or,
    for a town without risks, those of its main strengths; at most ``MAX_ACTIONS``."""
    risks = tuple(f for f in findings if f.kind == "risk")[:SUMMARY_RISKS]
    strengths = tuple(f for f in findings if f.kind == "strength")[:SUMMARY_STRENGTHS]
    actions: list[SummaryAction] = []
    for f in risks or strengths:
        for r in f.recommendations:
            if len(actions) < MAX_ACTIONS and all(a.action != r.action for a in actions):
                actions.append(SummaryAction(f.id, r.action, r.lead, r.horizon, r.indicator))
    return Summary(risks=risks, strengths=strengths, actions=tuple(actions))
