"""Checking and normalising answers: one place, used by the web forms and the CLI.

An answer is stored as JSON: a string (single, scale, yesno, text), a list of
strings (multi) or a number. ``normalise_answer`` turns raw input into that
form or raises ``AnswerError`` with a sentence an officer can act on.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Callable, Mapping

from .conditions import AnswerValue, Facts, evaluate
from .models import DONT_KNOW, Question, QuestionType

# Hard caps on what we store, whatever the bank says: a town name or an answer
# is never a novel, and long text makes reports slow and unreadable.
MAX_TEXT = 10_000
TOWN_NAME_MAX = 120
COUNTRY_MAX = 80
ROLE_MAX = 120


def N_(message: str) -> str:
    """Marks a message for translation (extracted by pybabel); the caller translates it."""
    return message


class AnswerError(ValueError):
    """A wrong answer: ``template % params`` in English; the web translates ``template``."""

    def __init__(self, question_id: str, template: str, **params: object):
        self.question_id = question_id
        self.template = template
        self.params = params
        super().__init__(f"{question_id}: {self.message}")

    @property
    def message(self) -> str:
        return self.template % self.params


def clean_text(value: str) -> str:
    """Drop control characters (keeping newlines and tabs) and trim."""
    kept = (
        ch
        for ch in value
        if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs", "Co"}
    )
    return "".join(kept).replace("\r\n", "\n").strip()


def normalise_answer(q: Question, raw: Any) -> AnswerValue:
    """Return the value to store, ``None`` for "no answer", or raise AnswerError."""
    if raw is None or raw == "" or raw == []:
        return None
    t = q.type
    if t == QuestionType.multi:
        values = raw if isinstance(raw, list) else [raw]
        values = [str(v) for v in values]
        unknown = [v for v in values if q.option(v) is None]
        if unknown:
            raise AnswerError(q.id, N_("%(values)s is not one of the choices."), values=", ".join(unknown))
        exclusive = [v for v in values if q.option(v).exclusive]  # type: ignore[union-attr]
        if exclusive and len(values) > 1:
            label = q.option(exclusive[0]).label  # type: ignore[union-attr]
            raise AnswerError(q.id, N_("“%(label)s” cannot be combined with other choices."), label=label)
        chosen = len(set(values))
        if q.max_choices is not None and chosen > q.max_choices:
            raise AnswerError(q.id, N_("Choose at most %(max)s options (you chose %(count)s)."),
                              max=q.max_choices, count=chosen)
        # Keep the bank's order, without duplicates, so equal answers compare equal.
        return [o.value for o in q.options if o.value in values]
    if t in (QuestionType.single, QuestionType.scale, QuestionType.yesno):
        if isinstance(raw, bool) and t == QuestionType.yesno:
            raw = "yes" if raw else "no"
        if isinstance(raw, list) or q.option(str(raw)) is None:
            raise AnswerError(q.id, N_("Choose one of the options."))
        return str(raw)
    if t == QuestionType.number:
        if isinstance(raw, bool):
            raise AnswerError(q.id, N_("Enter a number."))
        try:
            number = float(str(raw).strip().replace(",", "."))
        except ValueError as exc:
            raise AnswerError(q.id, N_("Enter a number.")) from exc
        if not math.isfinite(number):
            raise AnswerError(q.id, N_("Enter a number."))
        if q.min is not None and number < q.min:
            raise AnswerError(q.id, N_("Enter a number of at least %(min)s."), min=_fmt(q.min))
        if q.max is not None and number > q.max:
            raise AnswerError(q.id, N_("Enter a number of at most %(max)s."), max=_fmt(q.max))
        return int(number) if number.is_integer() else number
    text = clean_text(str(raw))
    limit = min(q.max_length, MAX_TEXT)
    if len(text) > limit:
        raise AnswerError(q.id, N_("Use at most %(limit)s characters (you wrote %(length)s)."), limit=limit, length=len(text))
    return text or None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def is_visible(q: Question, answers: Mapping[str, AnswerValue]) -> bool:
    return q.show_if is None or evaluate(q.show_if, Facts(answers=answers))


def visible_answers(
    questions: Mapping[str, Question], answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Answers to questions that apply; an answer to a hidden question does not count."""
    return {qid: v for qid, v in answers.items() if qid in questions and is_visible(questions[qid], answers)}


def check_answers(
    questions: Mapping[str, Question], answers: Mapping[str, Any]
) -> dict[str, AnswerValue]:
    """Normalise a whole answer set (CLI, imports); unknown ids are errors."""
    out: dict[str, AnswerValue] = {}
    for qid, raw in answers.items():
        q = questions.get(str(qid))
        if q is None:
            raise AnswerError(str(qid), N_("No such question in the question bank."))
        value = normalise_answer(q, raw)
        if value is not None:
            out[q.id] = value
    return out


def is_dont_know(value: AnswerValue) -> bool:
    return value == DONT_KNOW or value == [DONT_KNOW]


# The words for an answer that is not a value (translated where shown).
NOT_ANSWERED = N_("Not answered")
DONT_KNOW_WORDS = N_("Don't know")


def _english(message: str) -> str:
    return message


def answer_text(q: Question, value: AnswerValue, gettext: Callable[[str], str] = _english) -> str:
    """An answer in words, as the officer saw it: option labels, never raw values
    (the report, the review and workspace pages, the CSV export)."""
    if value is None or value == "" or value == []:
        return gettext(NOT_ANSWERED)
    if is_dont_know(value):
        return gettext(DONT_KNOW_WORDS)
    if q.type == QuestionType.multi and isinstance(value, list):
        return "; ".join(option_label(q, v) for v in value)
    if q.type == QuestionType.number:
        number = float(value)  # type: ignore[arg-type]
        shown = str(int(number)) if number.is_integer() else f"{number:g}"
        return f"{shown} {q.unit}".strip()
    if q.type == QuestionType.text:
        return clean_text(str(value))[:MAX_TEXT].strip()
    return option_label(q, str(value))


def option_label(q: Question, value: str) -> str:
    """The label of one option of ``q`` (the value itself if it is not an option)."""
    opt = q.option(value)
    return opt.label if opt else value
