"""WTForms forms generated from the question bank.

Each question type maps to a field builder (``FIELD_BUILDERS``). Fields carry
no type coercion of their own: what the officer typed is kept as typed and
checked by ``readiness.answers.normalise_answer``, the same check the CLI uses,
so a bad value is re-shown with its message and never stored.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from types import SimpleNamespace

from flask import current_app, has_app_context, request, session
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import Field, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from readiness.answers import (COUNTRY_MAX, ROLE_MAX, TOWN_NAME_MAX, AnswerError, clean_name, format_number, has_visible,
                               normalise_answer)
from readiness.conditions import AnswerValue
from readiness.models import Question, QuestionType

from webapp.i18n.countries import COUNTRIES, country_choices
from webapp.i18n.locale import current_language, form_language


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:  # choices are checked by normalise_answer
        pass


class LooseRadioField(RadioField):
    def pre_validate(self, form: Any) -> None:  # choices are checked by normalise_answer
        pass


def _choices(q: Question) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label) for o in q.options]


def _radio(q: Question) -> Field:
    return LooseRadioField(q.text, choices=_choices(q), validate_choice=False, description=q.help)


def _multi(q: Question) -> Field:
    return MultiCheckboxField(q.text, choices=_choices(q), validate_choice=False, description=q.help)


# The wizard's inputs are written out in templates/_macros.html (question), attributes included.
def _number(q: Question) -> Field:
    return StringField(q.text, description=q.help)


def _text(q: Question) -> Field:
    return TextAreaField(q.text, description=q.help)


FIELD_BUILDERS: dict[QuestionType, Callable[[Question], Field]] = {
    QuestionType.single: _radio,
    QuestionType.scale: _radio,
    QuestionType.yesno: _radio,
    QuestionType.multi: _multi,
    QuestionType.number: _number,
    QuestionType.text: _text,
}


# Form classes kept per app (questions shown together on a page are a few hundred combinations
# at most; beyond this many, classes are made and not kept).
_FORM_CLASSES_KEPT = 2048


def step_form_class(questions: Iterable[Question]) -> type[FlaskForm]:
    """The form of these questions (in the language their wording is in), made once per app:
    a WTForms class holds only unbound fields, each request binds its own form instance."""
    shown = tuple(questions)
    kept: dict[tuple[int, ...], tuple[tuple[Question, ...], type[FlaskForm]]] = \
        current_app.extensions.setdefault("readiness_step_forms", {}) if has_app_context() else {}
    key = tuple(id(q) for q in shown)
    found = kept.get(key)
    if found is None or any(a is not b for a, b in zip(found[0], shown)):
        found = (shown, type("StepForm", (FlaskForm,), {q.id: FIELD_BUILDERS[q.type](q) for q in shown}))
        if len(kept) < _FORM_CLASSES_KEPT:
            kept[key] = found  # the questions are kept with it, so their ids stay theirs
    return found[1]


class AnswerField:
    """A question's field as templates/_macros.html and ``read_and_check`` use it: its data as
    the WTForms field of FIELD_BUILDERS would hold it, its messages, whether it contradicts
    the answer above. A wizard step needs nothing else of a field: binding WTForms' classes
    and their widgets was a tenth of a step's request."""

    __slots__ = ("data", "errors", "flags")

    def __init__(self, data: Any):
        self.data = data
        self.errors: list[str] = []
        self.flags = SimpleNamespace(contradicted=False)

    def _value(self) -> str:
        return str(self.data) if self.data is not None else ""


class _CsrfToken:
    def _value(self) -> str:
        return csrf_token()


CSRF_TOKENS_EXTENSION = "readiness_csrf_tokens"
_CSRF_TOKENS_KEPT = 8192


def csrf_token() -> str:
    """Flask-WTF's token for this session, as FlaskForm's token field gives it (generate_csrf:
    the same secret and session key). With no time limit (config.py: WTF_CSRF_TIME_LIMIT None)
    a token never expires, so one signed for this session's secret is as good as a new one and
    is kept per app instead of being signed again for every page (a twentieth of a step GET)."""
    config = current_app.config
    secret = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None or not isinstance(secret, str):
        return generate_csrf()
    kept: dict[str, str] = current_app.extensions.setdefault(CSRF_TOKENS_EXTENSION, {})
    token = kept.get(secret)
    if token is None:
        token = generate_csrf()
        if len(kept) < _CSRF_TOKENS_KEPT:
            kept[secret] = token
    return token


class StepForm:
    """A wizard step's form: the saved answers (a GET) or the posted ones (a POST).

    The CSRF token of a post is checked before any view by CSRFProtect (webapp/__init__.py),
    for every form of the app; the step's fields carry no validators of their own (answers
    are checked by ``read_and_check``), so a step needs no WTForms form."""

    csrf_token = _CsrfToken()

    def __init__(self, fields: dict[str, AnswerField]):
        self.fields = fields

    def __getitem__(self, question_id: str) -> AnswerField:
        return self.fields[question_id]

    @classmethod
    def saved(cls, questions: Iterable[Question], answers: Mapping[str, AnswerValue]) -> "StepForm":
        data = form_data(questions, answers)
        return cls({q.id: AnswerField(_bound(q, data.get(q.id))) for q in questions})

    @classmethod
    def posted(cls, questions: Iterable[Question], formdata: Any) -> "StepForm":
        return cls({q.id: AnswerField(_posted(q, formdata.getlist(q.id))) for q in questions})


def _bound(q: Question, value: Any) -> Any:
    """A saved answer as the question's WTForms field binds it: choices coerced to text."""
    if value is None or q.type not in (QuestionType.single, QuestionType.scale, QuestionType.yesno, QuestionType.multi):
        return value
    try:
        return [str(v) for v in value] if q.type == QuestionType.multi else str(value)
    except TypeError:  # not a list: the field binds nothing
        return None


def _posted(q: Question, sent: list[str]) -> Any:
    """What the question's WTForms field holds after a post: every value of a multiple
    choice (none: an empty list), else the first value sent (none: nothing)."""
    if q.type == QuestionType.multi:
        return sent
    return sent[0] if sent else None


def form_data(questions: Iterable[Question], answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Saved answers as form data (numbers back to text)."""
    data: dict[str, Any] = {}
    for q in questions:
        v = answers.get(q.id)
        if v is not None:
            data[q.id] = format_number(v, current_language()) if q.type == QuestionType.number else v
    return data


# Posted with the page that showed a contradiction message: the officer has seen that the
# answer will not be kept, and sends the page again to go on without it.
CONFIRM_DROP = "confirm_drop"


def read_and_check(
    form: FlaskForm, questions: Iterable[Question], require: bool, is_applicable: Callable[[Question], bool]
) -> dict[str, AnswerValue] | None:
    """Normalise every field; put messages next to the fields (all of them at once); None if any is wrong.

    ``require``: missing required answers are errors (Next), not on Back or Save.
    Answers to questions that do not apply are dropped (saved as None); an answer given to a
    follow-up that the parent answer rules out gets a message first, never silence: sending
    the page again (``confirm_drop``) drops it.
    """
    values: dict[str, AnswerValue] = {}
    ok = True
    confirmed = set(request.form.getlist(CONFIRM_DROP)) if request else set()
    language = form_language()  # the same for every field of the page
    for q in questions:
        field = form[q.id]
        raw = field.data
        if not is_applicable(q):
            values[q.id] = None
            if _given(raw) and q.id not in confirmed:
                field.errors = [gettext("This question applies only to another answer above, so this answer "
                                        "will not be kept. Change the answer above, or send the page again "
                                        "to continue without this one.")]
                field.flags.contradicted = True
                ok = False
            continue
        try:
            value = normalise_answer(q, raw, language)
        except AnswerError as exc:
            field.errors = [gettext(exc.template, **exc.params)]
            ok = False
            continue
        if value is None and require and q.required:
            field.errors = [gettext("Answer this question to continue (or choose “Don't know” where offered).")
                            if q.dont_know else gettext("Answer this question to continue.")]
            ok = False
            continue
        values[q.id] = value
    return values if ok else None


def _given(raw: Any) -> bool:
    if isinstance(raw, str):
        return bool(raw.strip())
    return raw not in (None, [])


def _name_filter(value: Any) -> Any:
    return clean_name(value) if isinstance(value, str) else value


def _visible(form: Any, field: Field) -> None:
    if field.data and not has_visible(field.data):
        raise ValidationError(gettext("Use letters or digits: this name shows nothing."))


class StartForm(FlaskForm):
    town = StringField(
        _l("Name of the town or municipality"),
        # Checked after the filter: a name of spaces, control or invisible characters is none
        validators=[DataRequired(_l("Enter the name of the town.")), _visible,
                    Length(max=TOWN_NAME_MAX, message=_l("Use at most %(max)d characters."))],
        filters=[_name_filter],
        render_kw={"autocomplete": "address-level2", "maxlength": TOWN_NAME_MAX},
    )
    country = SelectField(
        _l("Country"),
        validators=[InputRequired(_l("Choose the country.")), Length(max=COUNTRY_MAX)],
        validate_choice=False,  # validate_country gives the message
    )
    contact_role = StringField(
        _l("Your role (optional)"),
        description=_l("For example “Culture officer” or “Head of economic development”. It appears on the report."),
        validators=[Length(max=ROLE_MAX, message=_l("Use at most %(max)d characters.")), _visible],
        filters=[_name_filter],
        render_kw={"maxlength": ROLE_MAX, "autocomplete": "organization-title"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Stored in English (the report and the case studies use English names); shown in the officer's language.
        self.country.choices = [SelectChoice("", gettext("Choose a country"))] + [
            SelectChoice(name, label) for name, label in country_choices(str(get_locale() or "en"))
        ]

    def validate_country(self, field: Field) -> None:
        if field.data and field.data not in COUNTRIES:
            raise ValidationError(gettext("Choose the country from the list."))


def start_form_class(population_question: Question) -> type[StartForm]:
    """The start form plus the bank's population question (stored as its answer)."""
    return type("StartFormWithProfile", (StartForm,), {population_question.id: _radio(population_question)})
