"""Progress over time: a town's assessments compared. Pure functions, no I/O, no web framework.

``compare_results(before, after)`` says what changed between two assessments:
the score of each dimension and overall, which answers changed (the why), and
which risks were resolved and which are new. ``history(...)`` lays a town's
assessments side by side, oldest first, each compared with the one before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .conditions import AnswerValue
from .models import Dimension, Question

if TYPE_CHECKING:
    from .content_model import Content
    from .scoring import AssessmentResult, Finding


@dataclass(frozen=True)
class ScoreDelta:
    dimension: Dimension | None  # None: the overall score
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class AnswerChange:
    question: Question
    dimension: str  # the dimension id, or "profile"
    before: AnswerValue
    after: AnswerValue


@dataclass(frozen=True)
class Comparison:
    overall: ScoreDelta
    dimensions: list[ScoreDelta]
    changed_answers: list[AnswerChange]
    risks_resolved: list["Finding"]
    risks_new: list["Finding"]
    strengths_gained: list["Finding"]
    strengths_lost: list["Finding"]

    def dimension(self, dim_id: str) -> ScoreDelta:
        return next(d for d in self.dimensions if d.dimension is not None and d.dimension.id == dim_id)


def _same(a: AnswerValue, b: AnswerValue) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def changed_answers(content: "Content", before: dict[str, AnswerValue], after: dict[str, AnswerValue]) -> list[AnswerChange]:
    """Answers that differ, in the bank's order (profile first); an answer given or
    withdrawn counts as a change."""
    out = []
    for q in [*content.bank.profile, *(q for d in content.dimensions for q in d.questions)]:
        b, a = before.get(q.id), after.get(q.id)
        if b is None and a is None:
            continue
        if not _same(b, a):
            out.append(AnswerChange(q, q.dimension or "profile", b, a))
    return out


def compare_results(content: "Content", before: "AssessmentResult", after: "AssessmentResult") -> Comparison:
    dims = [
        ScoreDelta(d.dimension, before.dimension(d.id).score, d.score)
        for d in after.dimensions
    ]
    risks_b, risks_a = {f.id: f for f in before.risks}, {f.id: f for f in after.risks}
    str_b, str_a = {f.id: f for f in before.strengths}, {f.id: f for f in after.strengths}
    return Comparison(
        overall=ScoreDelta(None, before.overall, after.overall),
        dimensions=dims,
        changed_answers=changed_answers(content, before.answers, after.answers),
        risks_resolved=[f for i, f in risks_b.items() if i not in risks_a],
        risks_new=[f for i, f in risks_a.items() if i not in risks_b],
        strengths_gained=[f for i, f in str_a.items() if i not in str_b],
        strengths_lost=[f for i, f in str_b.items() if i not in str_a],
    )


@dataclass(frozen=True)
class Entry:
    """One assessment in a town's history."""

    key: str
    date: dt.datetime | None
    result: "AssessmentResult"
    compared: Comparison | None  # with the entry before; None for the first


@dataclass(frozen=True)
class History:
    entries: list[Entry]  # oldest first
    dimensions: list[Dimension]

    @property
    def latest(self) -> Entry | None:
        return self.entries[-1] if self.entries else None

    def overall_by_key(self) -> dict[str, float | None]:
        return {e.key: e.result.overall for e in self.entries}

    def series(self, dim_id: str | None) -> list[float | None]:
        """The scores of one dimension (None: overall) over time, oldest first."""
        if dim_id is None:
            return [e.result.overall for e in self.entries]
        return [e.result.dimension(dim_id).score for e in self.entries]


def history(content: "Content", assessments: Sequence[tuple[str, dt.datetime | None, "AssessmentResult"]]) -> History:
    """``assessments``: (key, date, result), in any order; sorted by date (undated last)."""
    ordered = sorted(assessments, key=lambda a: (a[1] is None, a[1] or dt.datetime.min))
    entries: list[Entry] = []
    for key, date, result in ordered:
        previous = entries[-1].result if entries else None
        entries.append(Entry(key, date, result, compare_results(content, previous, result) if previous else None))
    return History(entries, list(content.dimensions))
