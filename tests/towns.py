"""Three very different towns, built from whatever questions the content has
(never hard-coded ids, since the content keeps growing): weak everywhere, a
realistic mix, and strong everywhere. Shared by the summary and edition tests."""

from __future__ import annotations

from typing import Any, Callable

from conftest import best_answers
from readiness.answers import check_answers
from readiness.content_model import Content
from readiness.models import DONT_KNOW, Question, QuestionType


def _scored_options(q: Question) -> list[Any]:
    return sorted((o for o in q.options if o.score is not None and not o.exclusive), key=lambda o: o.score or 0)


def _extreme(q: Question, best: bool) -> Any:
    if q.type == QuestionType.text:
        return "Notes from the working group."
    if q.type == QuestionType.number:
        bands = sorted(q.score_bands, key=lambda b: b.score)
        if not bands:
            return int(q.min or 1)
        value = (bands[-1] if best else bands[0]).min
        value = max(value, q.min) if q.min is not None else value
        return int(min(value, q.max) if q.max is not None else value)
    options = _scored_options(q) or [o for o in q.options if o.value != DONT_KNOW]
    pick = options[-1] if best else options[0]
    return [pick.value] if q.type == QuestionType.multi else pick.value


def weak_answers(content: Content) -> dict[str, Any]:
    """The lowest-scoring answer everywhere (a town weak on every dimension)."""
    raw = {q.id: _extreme(q, best=False) for q in content.questions.values()}
    return check_answers(content.questions, {k: v for k, v in raw.items() if v is not None})


def strong_answers(content: Content) -> dict[str, Any]:
    """The highest-scoring answer everywhere (the one builder in conftest)."""
    return best_answers(content)


def mixed_answers(content: Content, text: str = "Notes from the working group.") -> dict[str, Any]:
    """A deterministic mix over whatever questions exist: low, middle and high
    answers, some "don't know", a few left unanswered, text where asked."""
    raw: dict[str, Any] = {}
    for i, q in enumerate(content.questions.values()):
        if not q.required and i % 11 == 7:
            continue  # unanswered
        if q.type == QuestionType.text:
            raw[q.id] = text
        elif q.dont_know and i % 4 == 1:
            raw[q.id] = [DONT_KNOW] if q.type == QuestionType.multi else DONT_KNOW
        elif q.type == QuestionType.number:
            bands = sorted(q.score_bands, key=lambda b: b.min)
            value = bands[(i * 3) % len(bands)].min if bands else (q.min or 1)
            if q.max is not None:
                value = min(value, q.max)
            raw[q.id] = int(value)
        elif q.type == QuestionType.multi:
            options = [o.value for o in q.options if not o.exclusive]
            raw[q.id] = sorted({options[i % len(options)], options[(i + 2) % len(options)]})
        else:
            options = [o.value for o in q.options if o.value != DONT_KNOW]
            raw[q.id] = options[(i * 7) % len(options)]
    return check_answers(content.questions, raw)


TOWNS: dict[str, Callable[[Content], dict[str, Any]]] = {
    "weak": weak_answers,
    "mixed": mixed_answers,
    "strong": strong_answers,
}
