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
- the page around the questions (``step_page``: templates/step.html and base.html, their
  translations, language menu, progress and list of steps) is the same for a step, language
  and script root but for five values (the town, its country, the CSRF token, the answers'
  revisions, the address of the steps): rendered once with a placeholder for each and for
  the questions, kept as its parts, and each page without a message joins the parts with
  those values, escaped as the template escapes them. A page with a message (errors, a
  conflict, a storage fault) is rendered in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Mapping, Sequence
from urllib.parse import quote

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from readiness.models import Question, QuestionType

from webapp.i18n.locale import current_language

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


@dataclass(frozen=True)
class _Page:
    """What the questions of one page share, looked up once for the page, not per question."""

    locale: str
    glossed: Any  # the glossary filter (webapp/glossary/routes.py)
    blocks: dict  # QUESTIONS_EXTENSION of the app
    choices: dict  # EXTENSION of the app


def _page() -> _Page:
    extensions = current_app.extensions
    return _Page(str(get_locale() or ""), current_app.jinja_env.filters["glossed"],
                 extensions.setdefault(QUESTIONS_EXTENSION, {}), extensions.setdefault(EXTENSION, {}))


def choice_inputs(q: Question, chosen: Any, page: _Page | None = None) -> Markup:
    """The options of ``q`` ticked where ``chosen`` says, as ``choices(q, chosen)`` renders them."""
    if chosen is _PLACEHOLDER:
        return Markup(_SLOT)
    page = page or _page()
    multi = q.type == QuestionType.multi
    # the same tests the macro makes: a value in the list (multi), equal to the answer (others)
    ticked = tuple((o.value in chosen) if multi else (o.value == chosen) for o in q.options)
    kept: dict[tuple[int, str, tuple[bool, ...]], tuple[Question, Markup]] = page.choices
    key = (id(q), page.locale, ticked)
    found = kept.get(key)
    if found is None or found[0] is not q:
        found = (q, Markup(macros().choices(q, chosen)))
        if len(kept) < KEPT:
            kept[key] = found  # the question is kept with it, so its id stays its own
    return found[1]


# What the macro reads of a field that has no message, with the placeholder for its answer.
_PLACEHOLDER_FIELD = SimpleNamespace(errors=[], flags=SimpleNamespace(contradicted=False), data=_PLACEHOLDER,
                                     _value=lambda: Markup(_SLOT))


def question_block(field: Any, q: Question, conditional: str | None, show_if: str | None,
                   page: _Page | None = None) -> Markup:
    """``question(field, q, conditional, show_if)`` of templates/_macros.html, its markup around
    the answer kept per app (see the module's docstring)."""
    if isinstance(q, _SlotQuestion):  # the page's parts being made (step_page)
        return Markup(_slot(q.id))
    page = page or _page()
    # The help text's glossary marks depend on what the page marked before: worked out here,
    # in page order, once per question (webapp/glossary/routes.py).
    help_text = page.glossed(q.help) if q.help else None
    if field.errors or field.flags.contradicted:
        return Markup(macros().question(field, q, conditional, show_if, help_text))
    kept: dict[tuple, tuple[Question, Markup, Markup] | None] = page.blocks
    key = (id(q), page.locale, conditional, show_if, help_text)
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
        answer = choice_inputs(q, chosen, page)
    else:
        answer = escape(field._value())
    return found[1] + answer + found[2]


# --------------------------------------------------------------------------- the page around the questions

STEP_PAGES_EXTENSION = "readiness_step_pages"
_MARK = "\ue001"  # around a placeholder's name (private use: never in the content)
_SLOTS = re.compile(_MARK + r"([a-z_0-9]+)" + _MARK)
_VALUES = ("town", "country", "csrf", "revisions", "steps_url")


def _slot(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


@dataclass(frozen=True)
class _SlotQuestion:
    """Stands for a question while the page's parts are made: question_block puts a placeholder."""

    id: str


@dataclass(frozen=True)
class _Parts:
    step: Any  # kept, so that its id() stays its own
    head: tuple[str, ...]  # text, value name, text, ..., text: up to the first question
    between: str  # between two questions
    tail: tuple[str, ...]  # after the last question


class _Stand(SimpleNamespace):
    """A placeholder object for the template (an assessment, a form, its CSRF token)."""


def _make_parts(step: Any, steps: Sequence[Any]) -> _Parts | None:
    two = [_SlotQuestion("question_1"), _SlotQuestion("question_2")]
    html = render_template(
        "step.html", macros=macros(), assessment=_Stand(town=_slot("town"), country=_slot("country")), step=step,
        form=_Stand(csrf_token=_Stand(_value=lambda: _slot("csrf")), **{q.id: None for q in two}), questions=two,
        conditional={}, show_if={}, errors=[], steps=steps, step_urls={s.id: _slot("steps_url") + _quote(s.id) for s in steps},
        revisions=_slot("revisions"), storage_fault=False)
    pieces = _SLOTS.split(html)  # text, name, text, name, ..., text
    names = pieces[1::2]
    if names.count("question_1") != 1 or names.count("question_2") != 1 or \
            not set(names) <= {*_VALUES, "question_1", "question_2"} or _MARK in "".join(pieces[::2]):
        return None  # not made of these parts (a placeholder lost or repeated): rendered in full
    first, second = pieces.index("question_1"), pieces.index("question_2")
    if second != first + 2:
        return None
    return _Parts(step, tuple(pieces[:first]), pieces[first + 1], tuple(pieces[second + 1:]))


def _quote(step_id: str) -> str:
    return quote(step_id, safe="")


def _parts(step: Any, steps: Sequence[Any]) -> _Parts | None:
    kept: dict[tuple, _Parts | None] = current_app.extensions.setdefault(STEP_PAGES_EXTENSION, {})
    key = (id(step), str(get_locale() or ""), current_language(), request.script_root)
    found = kept.get(key, False)
    if found is False or (found is not None and found.step is not step):
        found = _make_parts(step, steps)
        if len(kept) < KEPT:
            kept[key] = found
    return found  # type: ignore[return-value]


def step_page(step: Any, steps: Sequence[Any], questions: Sequence[Question], form: Any, conditional: Mapping[str, str],
              show_if: Mapping[str, str | None], assessment: Any, revisions: str, steps_url: str) -> str | None:
    """templates/step.html for a page without a message, from its kept parts (see the module's
    docstring); None when the page cannot be made of them (the caller renders it in full)."""
    parts = _parts(step, steps) if questions else None
    if parts is None:
        return None
    # in page order: a help text marks the glossary terms that no question above it marked
    page = _page()
    blocks = [question_block(form[q.id], q, conditional.get(q.id), show_if.get(q.id), page) for q in questions]
    country = current_app.jinja_env.filters["country_name"](assessment.country)
    values = {"town": escape(assessment.town), "country": escape(country), "csrf": escape(form.csrf_token._value()),
              "revisions": escape(revisions), "steps_url": escape(steps_url)}

    def filled(pieces: tuple[str, ...]) -> list[str]:
        return [values[p] if i % 2 else p for i, p in enumerate(pieces)]

    return "".join([*filled(parts.head), parts.between.join(blocks), *filled(parts.tail)])
