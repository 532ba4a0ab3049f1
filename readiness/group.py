"""Group assessment: several stakeholders answer the same questionnaire separately.
Pure functions, no I/O.

- Each contributor is scored on their own (``score_assessment``).
- The consolidated score of a dimension is the mean of the contributors' scores
  on it (those who answered it); the overall score is the mean of those.
- The spread of views on a question is how far apart the contributors' scores
  of their answers are: the range (highest minus lowest, 0-100 points) and the
  population standard deviation. Disagreement is itself a finding.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from .answers import N_
from .conditions import AnswerValue
from .models import Dimension, Question
from .scoring import AssessmentResult, question_score, score_assessment

if TYPE_CHECKING:
    from .content import Content

# The regional stakeholder group of the source documents (English labels, marked for
# translation: the web translates them where it shows them).
ROLES: dict[str, str] = {
    "government": N_("Local or regional government"),
    "business": N_("Business"),
    "education": N_("Education and research"),
    "civil_society": N_("Civil society"),
}


@dataclass(frozen=True)
class Contributor:
    key: str
    role: str
    result: AssessmentResult


@dataclass(frozen=True)
class View:
    contributor: Contributor
    value: AnswerValue
    score: float | None


@dataclass(frozen=True)
class QuestionSpread:
    question: Question
    dimension: Dimension
    views: list[View]  # every contributor who answered, in contributor order

    @property
    def scores(self) -> list[float]:
        return [v.score for v in self.views if v.score is not None]

    @property
    def range(self) -> float | None:
        s = self.scores
        return max(s) - min(s) if len(s) >= 2 else None

    @property
    def stdev(self) -> float | None:
        s = self.scores
        return statistics.pstdev(s) if len(s) >= 2 else None


@dataclass(frozen=True)
class ConsolidatedDimension:
    dimension: Dimension
    score: float | None
    lowest: float | None
    highest: float | None
    contributors: int


@dataclass(frozen=True)
class GroupResult:
    contributors: list[Contributor]
    dimensions: list[ConsolidatedDimension]
    overall: float | None
    spreads: list[QuestionSpread]  # most disagreement first; questions with fewer than two scored views left out


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def group_result(
    content: "Content",
    contributions: Sequence[tuple[str, str, Mapping[str, AnswerValue]]],
    shared_answers: Mapping[str, AnswerValue] | None = None,
) -> GroupResult:
    """``contributions``: (key, role, answers). ``shared_answers`` (the town profile given
    by the owner) are added under each contributor's own answers, for ``show_if``."""
    base = dict(shared_answers or {})
    people = [Contributor(key, role, score_assessment(content, {**base, **answers})) for key, role, answers in contributions]
    dims = []
    for dim in content.dimensions:
        scores = [s for p in people if (s := p.result.dimension(dim.id).score) is not None]
        dims.append(ConsolidatedDimension(dim, _mean(scores), min(scores, default=None), max(scores, default=None), len(scores)))
    overall = _mean([d.score for d in dims if d.score is not None])
    spreads = []
    for dim in content.dimensions:
        for q in dim.questions:
            if not q.scored:
                continue
            views = [
                View(p, p.result.answers[q.id], question_score(q, p.result.answers[q.id]))
                for p in people
                if p.result.answers.get(q.id) is not None
            ]
            spread = QuestionSpread(q, dim, views)
            if spread.range is not None:
                spreads.append(spread)
    spreads.sort(key=lambda s: (-(s.range or 0), -(s.stdev or 0)))
    return GroupResult(people, dims, overall, spreads)
