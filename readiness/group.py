"""Group assessment: several stakeholders answer the same questionnaire separately.
Pure functions, no I/O; the web (webapp/group.py) and the CLI (``readiness group``)
both call ``group_result``.

- Every voice (the owner included, with a role) is scored on their own.
- Where views differ on a question, the spread is how far apart the scores of the
  answers are: the range (highest minus lowest, 0-100 points) and the population
  standard deviation. Disagreement on a fact is itself a finding: trust and a
  shared understanding are dimensions of readiness.
- The consolidated result is scored on one answer per question: the answer the
  group agreed (recorded by the owner, with a note) where there is one, else the
  median answer of the voices, never a mean of contradictory facts. With an even
  number of voices the median is the lower of the two middle answers (the
  cautious reading), so that it is always an answer somebody gave. Each question
  says which basis it used.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .answers import N_
from .conditions import AnswerValue, is_known
from .models import Dimension, Question, Source
from .numbers import one_decimal
from .scoring import AssessmentResult, question_score, score_assessment

if TYPE_CHECKING:
    from .content_model import Content

# The regional stakeholder group of the source documents (English labels, marked for
# translation: the web translates them where it shows them).
ROLES: dict[str, str] = {
    "government": N_("Local or regional government"),
    "business": N_("Business"),
    "education": N_("Education and research"),
    "civil_society": N_("Civil society"),
}

# Views this many points apart (or more) on one question, with nothing agreed, are a
# disagreement on a fact: the group finding. Half the scale: at least two answer
# levels apart on a four-level question.
DISAGREEMENT_POINTS = 50.0
# The results page and the reports show the widest spreads, at most this many.
WIDEST = 8

AGREED, MEDIAN, SINGLE = "agreed", "median", "single"

# The group finding: words and its source (a verbatim quote of the documents).
FINDING_TITLE = N_("The stakeholder group disagrees on facts")
FINDING_TEXT = N_(
    "Questions on which the members of the group gave answers at least %(points)s points apart, "
    "with no agreed answer recorded yet: %(num)s. A group that does not share the same picture of "
    "the town has not yet built the shared understanding a cluster needs: agree the facts together "
    "before acting on the scores."
)
FINDING_SOURCE = Source(
    document="002_c60309014ff32336.txt",
    quote="practitioners and policy makers need to develop a shared understanding of what a cluster is",
)


@dataclass(frozen=True)
class Voice:
    """One stakeholder's answers. ``name`` is shown only where the owner chose to show names."""

    key: str
    role: str
    answers: Mapping[str, AnswerValue]
    name: str = ""


@dataclass(frozen=True)
class Agreement:
    """The answer the group agreed on a question, recorded by the owner with a note."""

    value: AnswerValue
    note: str = ""


@dataclass(frozen=True)
class Contributor:
    key: str
    role: str
    result: AssessmentResult
    name: str = ""


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
    agreed: Agreement | None = None

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

    @property
    def is_disagreement(self) -> bool:
        """Views far apart and nothing agreed yet."""
        return self.agreed is None and (self.range or 0) >= DISAGREEMENT_POINTS


@dataclass(frozen=True)
class ConsolidatedDimension:
    dimension: Dimension
    score: float | None  # scored on the consolidated answers (agreed, else median)
    lowest: float | None  # of the contributors' own scores
    highest: float | None
    contributors: int


@dataclass(frozen=True)
class GroupFinding:
    questions: int  # how many questions the group disagrees on
    points: int
    source: Source = FINDING_SOURCE
    title: str = FINDING_TITLE


@dataclass(frozen=True)
class GroupResult:
    contributors: list[Contributor]
    dimensions: list[ConsolidatedDimension]
    overall: float | None
    spreads: list[QuestionSpread]  # widest first; questions with fewer than two scored views left out
    consolidated: AssessmentResult | None = None
    basis: dict[str, str] = field(default_factory=dict)  # question id -> agreed | median | single

    @property
    def widest(self) -> list[QuestionSpread]:
        """The questions with the widest spread (views apart at all), for the reports."""
        return [s for s in self.spreads if (s.range or 0) > 0][:WIDEST]

    @property
    def disagreements(self) -> list[QuestionSpread]:
        return [s for s in self.spreads if s.is_disagreement]

    @property
    def finding(self) -> GroupFinding | None:
        n = len(self.disagreements)
        return GroupFinding(n, int(DISAGREEMENT_POINTS)) if n else None

    def count(self, basis: str) -> int:
        return sum(1 for b in self.basis.values() if b == basis)

    def to_json(self) -> dict[str, Any]:
        """The shape of ``readiness group --json``."""
        consolidated = self.consolidated.to_json() if self.consolidated else {}
        return {
            "contributors": [
                {"role": c.role, "answered": sum(d.answered for d in c.result.dimensions),
                 "overall": None if c.result.overall is None else round(c.result.overall, 1)}
                for c in self.contributors
            ],
            "consolidated": {
                "overall": consolidated.get("overall"),
                "dimensions": [
                    {**d, "lowest": one_decimal(cd.lowest), "highest": one_decimal(cd.highest), "contributors": cd.contributors}
                    for d, cd in zip(consolidated.get("dimensions", []), self.dimensions)
                ],
                "findings": consolidated.get("findings", []),
                "basis": {AGREED: self.count(AGREED), MEDIAN: self.count(MEDIAN), SINGLE: self.count(SINGLE)},
                "questions": [{"question": qid, "basis": b} for qid, b in self.basis.items()],
            },
            "disagreements": [
                {
                    "question": s.question.id,
                    "spread": one_decimal(s.range),
                    "answers": [{"role": v.contributor.role, "value": v.value} for v in s.views],
                    "agreed": None if s.agreed is None else {"value": s.agreed.value, "note": s.agreed.note},
                }
                for s in self.spreads if (s.range or 0) > 0
            ],
            "finding": None if self.finding is None else {
                "title": self.finding.title, "questions": self.finding.questions, "points": self.finding.points,
                "sources": [self.finding.source.model_dump()],
            },
        }


def _median_view(views: Sequence[View]) -> View:
    """The median answer: the lower middle one by score (an answer somebody gave)."""
    ordered = sorted(views, key=lambda v: v.score if v.score is not None else -1.0)
    return ordered[(len(ordered) - 1) // 2]


def group_result(
    content: "Content",
    voices: Sequence[Voice | tuple[str, str, Mapping[str, AnswerValue]]],
    shared_answers: Mapping[str, AnswerValue] | None = None,
    agreed: Mapping[str, Agreement] | None = None,
    town: str = "",
    country: str = "",
) -> GroupResult:
    """``voices``: each stakeholder's answers (the owner first, if the owner answered).
    ``shared_answers`` (the town profile given by the owner) are added under each
    voice's own answers, for ``show_if``. ``agreed``: agreed answers by question id."""
    base = dict(shared_answers or {})
    agreed = dict(agreed or {})
    voices = [v if isinstance(v, Voice) else Voice(*v) for v in voices]
    people = [Contributor(v.key, v.role, score_assessment(content, {**base, **v.answers}), v.name) for v in voices]

    consolidated_answers: dict[str, AnswerValue] = dict(base)
    basis: dict[str, str] = {}
    spreads = []
    for dim in content.dimensions:
        for q in dim.questions:
            views = [
                View(p, v.answers[q.id], question_score(q, v.answers[q.id], {**base, **v.answers}))
                for p, v in zip(people, voices)
                if is_known(v.answers.get(q.id))
            ]
            if q.id in agreed:
                consolidated_answers[q.id] = agreed[q.id].value
                basis[q.id] = AGREED
            elif q.scored and len([v for v in views if v.score is not None]) >= 2:
                consolidated_answers[q.id] = _median_view([v for v in views if v.score is not None]).value
                basis[q.id] = MEDIAN
            elif views:
                consolidated_answers[q.id] = views[0].value
                if q.scored:
                    basis[q.id] = SINGLE
            if q.scored:
                spread = QuestionSpread(q, dim, views, agreed.get(q.id))
                if spread.range is not None:
                    spreads.append(spread)
    spreads.sort(key=lambda s: (-(s.range or 0), -(s.stdev or 0)))

    consolidated = score_assessment(content, consolidated_answers, town, country)
    dims = []
    for dim in content.dimensions:
        own = [s for p in people if (s := p.result.dimension(dim.id).score) is not None]
        dims.append(ConsolidatedDimension(dim, consolidated.dimension(dim.id).score, min(own, default=None),
                                          max(own, default=None), len(own)))
    return GroupResult(people, dims, consolidated.overall, spreads, consolidated, basis)
