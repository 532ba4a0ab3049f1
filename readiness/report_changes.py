"""The report's "Changes since the previous assessment" chapter, for a re-assessment.

Built from ``history.compare_results``: scores then and now, the answers that
changed (the why), risks resolved and new, strengths gained and lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .history import compare_results
from .numbers import point_change, points_text, signed

if TYPE_CHECKING:
    from .content_model import Content
    from .scoring import AssessmentResult

Gettext = Callable[[str], str]
SUMMARY_NAMED = 3  # resolved risks named in the summary's progress box
AnswerText = Callable[..., str]


@dataclass(frozen=True)
class PreviousAssessment:
    """The town's assessment before this one (same workspace), as scored now."""

    date: dt.date
    result: "AssessmentResult"
    # The previous answers scored with this assessment's content, when the two were scored
    # on different questions and rules: the difference between the two is the content's.
    rescored: "AssessmentResult | None" = None


def _delta(before: float | None, after: float | None) -> str:
    change = point_change(before, after)
    return "–" if change is None else signed(change)


def changes_view(
    content: "Content", previous: PreviousAssessment, result: "AssessmentResult",
    gettext: Gettext, answer_text: AnswerText, date_words: str,
) -> dict[str, Any]:
    comparison = compare_results(content, previous.result, result)
    moved = sorted(
        (d for d in comparison.dimensions if d.delta is not None and round(d.after or 0) != round(d.before or 0)),
        key=lambda d: -abs(round(d.after or 0) - round(d.before or 0)),  # stable: bank order on ties
    )
    return {
        "date": date_words,
        # a previous assessment frozen with other questions and rules: some differences are the content's
        "content_changed": previous.rescored is not None,
        "from_content": _from_content(previous, content) if previous.rescored is not None else None,
        "content_before": previous.result.version,
        "content_after": result.version,
        "level_before": previous.result.level.label if previous.result.level else None,
        "level_after": result.level.label if result.level else None,
        # the summary's "what changed": the few dimensions that moved most
        "biggest_moves": [
            {"title": d.dimension.title if d.dimension else "", "before": points_text(d.before), "after": points_text(d.after),
             "delta": _delta(d.before, d.after)}
            for d in moved[:3]
        ],
        "overall": {"before": points_text(comparison.overall.before), "after": points_text(comparison.overall.after),
                    "delta": _delta(comparison.overall.before, comparison.overall.after)},
        "dimensions": [
            {"title": d.dimension.title if d.dimension else "", "before": points_text(d.before), "after": points_text(d.after),
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
        # the summary's progress box names the first few resolved, then says how many more
        "resolved_named": [f.title for f in comparison.risks_resolved[:SUMMARY_NAMED]],
        "resolved_more": max(0, len(comparison.risks_resolved) - SUMMARY_NAMED),
        "strengths_gained": [f.title for f in comparison.strengths_gained],
        "strengths_lost": [f.title for f in comparison.strengths_lost],
    }


def _from_content(previous: PreviousAssessment, content: "Content") -> dict[str, Any]:
    """What the content's change alone did to the previous answers: the score moves and
    the findings that come or go when the same answers are scored with today's rules."""
    assert previous.rescored is not None
    then, again = previous.result, previous.rescored
    comparison = compare_results(content, then, again)
    then_ids, again_ids = {f.id for f in then.findings}, {f.id for f in again.findings}
    return {
        "overall": _delta(then.overall, again.overall),
        "dimensions": [
            {"title": d.dimension.title if d.dimension else "", "delta": _delta(d.before, d.after)}
            for d in comparison.dimensions if _delta(d.before, d.after) not in ("±0", "–")
        ],
        "findings_added": [f.title for f in again.findings if f.id not in then_ids],
        "findings_dropped": [f.title for f in then.findings if f.id not in again_ids],
    }
