"""Parts of the question pages that are the same on every request, made once per app.

The options of a choice question (templates/_macros.html, macro ``choices``) depend only on
the question, in the language its wording is in, and on which options are ticked: their
markup is rendered by the template on first use and kept in ``app.extensions`` for that
question, language and set of ticks. The markup stays in the template; only its rendering
is not repeated on every page (it was a quarter of the questions' time).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from readiness.models import Question, QuestionType

EXTENSION = "readiness_choice_inputs"
# Each question has a few variants (one per answer; a multi question one per set of ticks):
# beyond this many, variants are rendered and not kept.
KEPT = 8192


def choice_inputs(q: Question, chosen: Any) -> Markup:
    """The options of ``q`` ticked where ``chosen`` says, as ``choices(q, chosen)`` renders them."""
    multi = q.type == QuestionType.multi
    # the same tests the macro makes: a value in the list (multi), equal to the answer (others)
    ticked = tuple((o.value in chosen) if multi else (o.value == chosen) for o in q.options)
    kept: dict[tuple[int, str, tuple[bool, ...]], tuple[Question, Markup]] = \
        current_app.extensions.setdefault(EXTENSION, {})
    key = (id(q), str(get_locale() or ""), ticked)
    found = kept.get(key)
    if found is None or found[0] is not q:
        macros = current_app.jinja_env.get_template("_macros.html").module
        found = (q, Markup(macros.choices(q, chosen)))  # type: ignore[attr-defined]
        if len(kept) < KEPT:
            kept[key] = found  # the question is kept with it, so its id stays its own
    return found[1]
