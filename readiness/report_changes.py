"""The report's "Changes since the previous assessment" chapter, for a re-assessment.

Built from ``history.compare_results``: scores then and now, the answers that
changed (the why), risks resolved and new, strengths gained and lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .history import compare_results
from .numbers import point_change, points, signed

if TYPE_CHECKING:
    from .content_model import Content
    from .scoring import AssessmentResult

Gettext = Callable[[str], str]
AnswerText = Callable[..., str]


@dataclass(frozen=True)
class PreviousAssessment:
    """The town's assessment before this one (same workspace), as scored now."""

    date: dt.date
    result: "AssessmentResult"


def _points(x: float | None) -> str:
    return "–" if x is None else str(points(x))


def _delta(before: float | None, after: float | None) -> str:
    change = point_change(before, after)
    return "–" if change is None else signed(change)


def changes_view(
    content: "Content", previous: PreviousAssessment, result: "AssessmentResult",
    gettext: Gettext, answer_text: AnswerText, date_words: str,
) -> dict[str, Any]:
    comparison = compare_results(content, previous.result, result)
    return {
        "date": date_words,
        "overall": {"before": _points(comparison.overall.before), "after": _points(comparison.overall.after),
                    "delta": _delta(comparison.overall.before, comparison.overall.after)},
        "dimensions": [
            {"title": d.dimension.title if d.dimension else "", "before": _points(d.before), "after": _points(d.after),
             "delta": _delta(d.before, d.after)}
            for d in comparison.dimensions
        ],
        "changed_answers": [
            {"question": c.question.text, "before": answer_text(c.question, c.before, gettext),
             "after": answer_text(c.question, c.after, gettext)}
            for c in comparison.changed_answers
        ],
        "risks_resolved": [f.title for f in comparison.risks_resolved],
        "risks_new": [f.title for f in comparison.risks_new],
        "strengths_gained": [f.title for f in comparison.strengths_gained],
        "strengths_lost": [f.title for f in comparison.strengths_lost],
    }
