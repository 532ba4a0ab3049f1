"""The wizard's steps: the town profile, then one step per dimension."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

from flask import current_app, has_app_context
from flask_babel import get_locale, gettext

from readiness.answers import is_visible
from readiness.conditions import AnswerValue, leaves
from readiness.content_model import Content
from readiness.models import Question

PROFILE_STEP = "profile"


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    summary: str
    questions: list[Question]
    number: int  # 1-based
    total: int

    @property
    def percent(self) -> int:
        return round(100 * (self.number - 1) / self.total)


@dataclass(frozen=True)
class Steps:
    """The steps in one language, and where each is (built once, see ``steps``)."""

    content: Content  # kept alive, so that the cache key's id() stays this content's
    all: tuple[Step, ...]
    index: dict[str, int]


def _build(content: Content) -> Steps:
    groups = [(PROFILE_STEP, gettext("Town profile"),
               gettext("A few facts about the town, used to compare it with the case studies."),
               list(content.bank.profile))]
    groups += [(d.id, d.title, d.summary, list(d.questions)) for d in content.dimensions]
    built = tuple(Step(sid, title, summary, qs, i + 1, len(groups)) for i, (sid, title, summary, qs) in enumerate(groups))
    return Steps(content, built, {s.id: i for i, s in enumerate(built)})


def steps(content: Content) -> Steps:
    """The steps of ``content`` in the request's interface language, built once per app,
    content and language (content never changes while the app runs)."""
    if not has_app_context():  # scripts and tests: English, nothing to cache in
        return _build(content)
    cache: dict[tuple[int, str], Steps] = current_app.extensions.setdefault("readiness_steps", {})
    key = (id(content), str(get_locale() or "en"))
    found = cache.get(key)
    if found is None or found.content is not content:
        found = cache[key] = _build(content)
    return found


def all_steps(content: Content) -> tuple[Step, ...]:
    return steps(content).all


def step_by_id(content: Content, step_id: str) -> Step | None:
    found = steps(content)
    i = found.index.get(step_id)
    return found.all[i] if i is not None else None


def neighbours(content: Content, step_id: str) -> tuple[Step | None, Step | None]:
    found = steps(content)
    i, all_ = found.index[step_id], found.all
    return (all_[i - 1] if i > 0 else None, all_[i + 1] if i + 1 < len(all_) else None)


def depends_on_same_step(q: Question, step: Step) -> bool:
    """A show_if on a question of the same page cannot be evaluated before the page is
    posted, so such questions are shown with their condition in words."""
    if q.show_if is None:
        return False
    ids = {s.id for s in step.questions}
    return any(leaf.answer in ids for leaf in leaves(q.show_if))


def shown_questions(step: Step, answers: Mapping[str, AnswerValue]) -> list[Question]:
    """The questions to display: those that apply, plus same-page conditional ones."""
    return [q for q in step.questions if depends_on_same_step(q, step) or is_visible(q, answers)]


def condition_in_words(q: Question, content: Content) -> str:
    """“Only if you answered … to …” for simple conditions; a general phrase otherwise."""
    leafs = leaves(q.show_if) if q.show_if is not None else []
    if len(leafs) == 1 and leafs[0].answer and leafs[0].op in ("eq", "in", "includes", "includes_any"):
        target = content.questions[leafs[0].answer]
        values = leafs[0].value if isinstance(leafs[0].value, list) else [leafs[0].value]
        labels = [f"“{o.label}”" for o in target.options if o.value in values]
        return gettext("Answer only if you chose %(choices)s for “%(question)s”",
                       choices=gettext(" or ").join(labels), question=target.text)
    return gettext("Answer only if it applies, given your answers above")


def follow_up_condition(q: Question, step: Step, saved: Mapping[str, AnswerValue]) -> str | None:
    """A same-page follow-up's condition as JSON for app.js, with the saved answers it reads
    from other steps (the page cannot see those); None for a question shown unconditionally."""
    if q.show_if is None or not depends_on_same_step(q, step):
        return None
    on_page = {s.id for s in step.questions}
    known = {leaf.answer: saved.get(leaf.answer) for leaf in leaves(q.show_if)
             if leaf.answer and leaf.answer not in on_page}
    return json.dumps({"if": q.show_if.model_dump(by_alias=True, exclude_none=True), "known": known},
                      ensure_ascii=False, separators=(",", ":"))


def minutes_to_answer(content: Content) -> int:
    """The time estimate the home page and the README give: about 15 s per question on top of
    25 minutes of looking things up, to the nearest 5 minutes (tests/test_wizard_forms.py keeps
    the README in step)."""
    return 5 * round((25 + len(content.questions) / 4) / 5)
