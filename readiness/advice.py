"""Each piece of advice once: no two recommendations that can appear in one report
say the same thing (``readiness lint`` reports them).

Two recommendations "say the same thing" when their actions share most of their
content words (``SIMILAR``: the share of shared word stems, measured on the
content: repeated advice scored 0.31-0.50, distinct advice at most 0.29). They
"can appear in one report" unless one rule yields to the other: a dimension's
generic risk yields to a specific risk of its dimension at least as severe
(``scoring.evaluate_rules``), a rule may name the rules it yields to
(``yields_to``), and a recommendation the rules that make it redundant (``unless``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Rule

if TYPE_CHECKING:
    from .content_model import Content

SIMILAR = 0.30
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_STOP = frozenset(
    "a an the and or of to for in on at by with from as is are be it its their this that these those one two "
    "three each every least more most than who which what when where how into out up".split()
)


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:6] for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2)


def similarity(a: str, b: str) -> float:
    wa, wb = _stems(a), _stems(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def yields(rule: Rule, other: Rule) -> bool:
    """Whether ``rule`` is left out of any report in which ``other`` appears."""
    if other.id in rule.yields_to:
        return True
    return (
        rule.generic and rule.kind == "risk" and other.kind == "risk" and not other.generic
        and other.dimension == rule.dimension and SEVERITY_ORDER[other.severity] <= SEVERITY_ORDER[rule.severity]
    )


@dataclass(frozen=True)
class RepeatedAdvice:
    first: Rule
    second: Rule
    action: str
    other_action: str
    score: float


def repeated_advice(content: "Content") -> list[RepeatedAdvice]:
    recs = [(r, rec) for r in content.rules for rec in r.recommendations]
    found = []
    for (r1, a1), (r2, a2) in itertools.combinations(recs, 2):
        if r1.id != r2.id and (yields(r1, r2) or yields(r2, r1) or r1.id in a2.unless or r2.id in a1.unless):
            continue
        score = similarity(a1.action, a2.action)
        if score >= SIMILAR:
            found.append(RepeatedAdvice(r1, r2, a1.action, a2.action, score))
    return found
