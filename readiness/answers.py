"""Checking and normalising answers: one place, used by the web forms and the CLI.

An answer is stored as JSON: a string (single, scale, yesno, text), a list of
strings (multi) or a number. ``normalise_answer`` turns raw input into that
form or raises ``AnswerError`` with a sentence an officer can act on.
"""

from __future__ import annotations

import math
import re
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


# Bidi embeddings, overrides and isolates: typed text never needs them, and one left open
# reverses what follows it on a page or in the PDF.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that fonts draw as nothing (Hangul and halfwidth fillers, the braille
# blank, Khmer inherent vowels, the combining grapheme joiner).
BLANK_LOOKING = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")


def clean_text(value: str) -> str:
    """NFC; drop control characters (keeping newlines and tabs) and bidi controls; trim."""
    kept = (
        ch
        for ch in unicodedata.normalize("NFC", value)
        if ch in "\n\t" or (unicodedata.category(ch) not in {"Cc", "Cs", "Co"} and ch not in BIDI_CONTROLS)
    )
    return "".join(kept).replace("\r\n", "\n").strip()


def _invisible(ch: str) -> bool:
    code = ord(ch)
    return (unicodedata.category(ch) in {"Cf", "Cc", "Cs", "Co", "Cn"} or ch in BLANK_LOOKING
            or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)  # variation selectors


def clean_name(value: str) -> str:
    """A name (town, role) as stored: NFC, so that a composed and a decomposed “Óbidos” are the
    same town; no control, format (zero-width, joiners, bidi, soft hyphen, tags), variation
    selector or blank-looking character; no combining mark without a letter under it; any
    whitespace as one space; trimmed. May be empty: see ``has_visible``."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", value):
        if ch.isspace():
            out.append(" ")
        elif _invisible(ch):
            continue
        elif unicodedata.category(ch).startswith("M"):
            if out and unicodedata.category(out[-1])[0] in "LM":
                out.append(ch)
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", re.sub(" {2,}", " ", "".join(out)).strip())


def has_visible(name: str) -> bool:
    """True if the name has a letter or a digit (what is left after ``clean_name``)."""
    return any(unicodedata.category(ch)[0] in "LN" and not _invisible(ch) for ch in name)


def marks(language: str) -> tuple[str, str]:
    """The decimal mark and the thousands separator of a language ("." and "," in English)."""
    from babel.numbers import get_decimal_symbol

    try:
        decimal = get_decimal_symbol(language or "en")
    except Exception:  # an unknown locale: English
        decimal = "."
    return (",", ".") if decimal == "," else (".", ",")


def parse_number(question_id: str, text: str, language: str = "en") -> float:
    """A number as the officer typed it, in the marks of their language: "1,000" is a
    thousand in English and "1.500" fifteen hundred in Italian; spaces may group digits, and
    the other language's decimal mark is read as one where it cannot be thousands ("3,5").
    A form that reads two ways ("1.500" in English: 1.5 or 1500?) is refused, as is a
    separator in the wrong place; never guessed."""
    decimal, group = marks(language)
    body = re.sub(r"\s", "", text.strip().replace("\u2212", "-"))
    sign = ""
    if body[:1] in "+-" and body:
        sign, body = body[0].replace("+", ""), body[1:]
    if not body or len(body) > 40:
        raise AnswerError(question_id, N_("Enter a number."))
    d, g = re.escape(decimal), re.escape(group)
    ambiguous = AnswerError(question_id, N_("“%(text)s” can be read two ways. Write it without a thousands "
                                            "separator (for example %(example)s), with “%(decimal)s” for decimals."),
                            text=text.strip()[:20], example="1500", decimal=decimal)
    if re.fullmatch(r"\d+", body):
        plain = body
    elif re.fullmatch(rf"\d{{1,3}}({g}\d{{3}})+({d}\d+)?", body):
        plain = body.replace(group, "").replace(decimal, ".")
    elif re.fullmatch(rf"\d*{d}\d+", body):
        whole, fraction = body.split(decimal)
        if len(fraction) == 3 and whole.strip("0"):
            raise ambiguous  # "1.500" in English, "1,000" in Italian
        plain = body.replace(decimal, ".")
    elif re.fullmatch(rf"\d+{g}\d{{1,2}}|\d+{g}\d{{4,}}", body):
        plain = body.replace(group, ".")  # "3,0" in English: a decimal comma, it cannot be thousands
    elif group in body or decimal in body:
        raise ambiguous
    else:
        raise AnswerError(question_id, N_("Enter a number."))
    try:
        return float(sign + plain)
    except ValueError as exc:
        raise AnswerError(question_id, N_("Enter a number.")) from exc


def format_number(value: float | int, language: str = "en") -> str:
    """A stored number as the officer would type it (no thousands separator)."""
    decimal, _ = marks(language)
    return str(value).replace(".", decimal) if isinstance(value, float) else str(value)


def normalise_answer(q: Question, raw: Any, language: str = "en") -> AnswerValue:
    """Return the value to store, ``None`` for "no answer", or raise AnswerError.
    ``language``: whose decimal and thousands marks a typed number uses."""
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
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise AnswerError(q.id, N_("Enter a number."))
        number = float(raw) if not isinstance(raw, str) else parse_number(q.id, raw, language)
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
