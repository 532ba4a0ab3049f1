"""Parts of the question pages that are the same on every request, made once per app.

The markup stays in the template (templates/_macros.html); only its rendering is not repeated
on every page:

- the options of a choice question (macro ``choices``) depend only on the question, in the
  language its wording is in, and on which options are ticked: rendered on first use and kept
  in ``app.extensions`` for that question, language and set of ticks;
- a question without a message (macro ``question``) is the same markup around its answer for
  a given question, language, condition, help text (with its glossary marks) and follow-up
  condition: it is rendered once with a placeholder where the answer goes, kept as the text
  before and after it, and each page puts the answer in between (the options above, or the
  typed value, escaped as the template escapes it). A question with a message is rendered
  in full, as before. Together they were two thirds of a step page's template time.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup, escape

from readiness.models import Question, QuestionType

EXTENSION = "readiness_choice_inputs"
QUESTIONS_EXTENSION = "readiness_question_blocks"
# Each question has a few variants (one per answer; a multi question one per set of ticks; a
# follow-up one per answer it depends on): beyond this many, variants are rendered and not kept.
KEPT = 8192
CHOICE_TYPES = (QuestionType.single, QuestionType.scale, QuestionType.yesno, QuestionType.multi)
# Where the answer goes in a kept question (private-use characters: never in the content).
_SLOT = "\ue000answer\ue000"


class _Unanswered:
    """The answer of the placeholder rendering: choice_inputs puts the placeholder for it."""


_PLACEHOLDER = _Unanswered()


def macros() -> Any:
    """templates/_macros.html as a module, made once per app: ``{% from ... import %}`` in a page
    compares the page's globals with the module's on every render (a thirtieth of a step page)."""
    return current_app.jinja_env.get_template("_macros.html").module


def choice_inputs(q: Question, chosen: Any) -> Markup:
    """The options of ``q`` ticked where ``chosen`` says, as ``choices(q, chosen)`` renders them."""
    if chosen is _PLACEHOLDER:
        return Markup(_SLOT)
    multi = q.type == QuestionType.multi
    # the same tests the macro makes: a value in the list (multi), equal to the answer (others)
    ticked = tuple((o.value in chosen) if multi else (o.value == chosen) for o in q.options)
    kept: dict[tuple[int, str, tuple[bool, ...]], tuple[Question, Markup]] = \
        current_app.extensions.setdefault(EXTENSION, {})
    key = (id(q), str(get_locale() or ""), ticked)
    found = kept.get(key)
    if found is None or found[0] is not q:
        found = (q, Markup(macros().choices(q, chosen)))
        if len(kept) < KEPT:
            kept[key] = found  # the question is kept with it, so its id stays its own
    return found[1]


# What the macro reads of a field that has no message, with the placeholder for its answer.
_PLACEHOLDER_FIELD = SimpleNamespace(errors=[], flags=SimpleNamespace(contradicted=False), data=_PLACEHOLDER,
                                     _value=lambda: Markup(_SLOT))


def question_block(field: Any, q: Question, conditional: str | None, show_if: str | None) -> Markup:
    """``question(field, q, conditional, show_if)`` of templates/_macros.html, its markup around
    the answer kept per app (see the module's docstring)."""
    # The help text's glossary marks depend on what the page marked before: worked out here,
    # in page order, once per question (webapp/glossary/routes.py).
    glossed = current_app.jinja_env.filters["glossed"]
    help_text = glossed(q.help) if q.help else None
    if field.errors or field.flags.contradicted:
        return Markup(macros().question(field, q, conditional, show_if, help_text))
    kept: dict[tuple, tuple[Question, Markup, Markup] | None] = current_app.extensions.setdefault(QUESTIONS_EXTENSION, {})
    key = (id(q), str(get_locale() or ""), conditional, show_if, help_text)
    found = kept.get(key)
    if found is None or found[0] is not q:
        parts = str(macros().question(_PLACEHOLDER_FIELD, q, conditional, show_if, help_text)).split(_SLOT)
        if len(parts) != 2:  # not one place for the answer: rendered in full every time
            return Markup(macros().question(field, q, conditional, show_if, help_text))
        found = (q, Markup(parts[0]), Markup(parts[1]))
        if len(kept) < KEPT:
            kept[key] = found  # the question is kept with it, so its id stays its own
    if q.type in CHOICE_TYPES:
        chosen = field.data if field.data is not None else ([] if q.type == QuestionType.multi else "")
        answer = choice_inputs(q, chosen)
    else:
        answer = escape(field._value())
    return found[1] + answer + found[2]
