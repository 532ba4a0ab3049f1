"""Which language a request is served in (no views here, so any module may import it).

Order of precedence: on the assessment's own pages (wizard, review, results: what its report
says) the assessment's language; elsewhere the language the visitor chose explicitly in this
browser, then the language of the assessment the page is about (a comparison, the group
page), then the browser's Accept-Language, then English. Only languages whose content
translation is declared complete are offered.
"""

from __future__ import annotations

from flask import current_app, g, request, session

from readiness.content_model import Content
from readiness.i18n import LANGUAGES

SESSION_KEY = "lang"


def base_content() -> Content:
    return current_app.extensions["readiness_content"]


def offered_languages(content: Content | None = None) -> dict[str, str]:
    """The languages offered (a copy: callers may change it)."""
    return dict(_offered(content or base_content()))


def _offered(content: Content) -> dict[str, str]:
    # Asked several times per request (every page's picker and language): worked out once per
    # app for its own content, which never changes while the app runs.
    if content is base_content():
        kept = current_app.extensions.get("readiness_offered_languages")
        if kept is None:
            kept = current_app.extensions["readiness_offered_languages"] = _complete(content)
        return kept
    return _complete(content)


def _complete(content: Content) -> dict[str, str]:
    return {code: name for code, name in LANGUAGES.items()
            if code == "en" or (code in content.translations and content.translations[code].complete)}


# The request's language and its content, worked out once per request (a step asks ~25 times:
# the page, its help texts, gettext, the form): kept on ``g`` and forgotten by every change
# of what decides it, which goes through the three functions below (or ends in one of them).
_LANGUAGE = "_readiness_language"
_CONTENT = "_readiness_content"


def current_language() -> str:
    found = g.get(_LANGUAGE)
    if found is None:
        found = _language_now()
        setattr(g, _LANGUAGE, found)
    return found


def _language_now() -> str:
    offered = _offered(base_content())
    for chosen in (g.get("assessment_language"), session.get(SESSION_KEY), g.get("default_language")):
        if chosen in offered:
            return chosen
    return request.accept_languages.best_match(list(offered)) or "en"


def _forget_language() -> None:
    g.pop(_LANGUAGE, None)
    g.pop(_CONTENT, None)


def speak(language: str) -> None:
    """This request is a page of an assessment in ``language``: it speaks that language."""
    g.assessment_language = language
    _forget_language()


def default_to(language: str) -> None:
    """This request is about an assessment in ``language``: its language unless the visitor chose one."""
    g.default_language = language
    _forget_language()


def choose_for_browser(language: str) -> None:
    """The visitor chose ``language``: this browser's language from now on (the session)."""
    session[SESSION_KEY] = language
    _forget_language()


def language_posted_with_form() -> str | None:
    """The language chosen with a form post: the picker's buttons of a page with answers not
    yet saved belong to that page's form (templates/base.html), so the view saves or carries
    them over and shows the same page in the new language. It is this browser's choice from
    now on; the caller also records it for the assessment being worked on."""
    lang = request.form.get("language") if request.method == "POST" else None
    if lang not in _offered(base_content()):
        return None
    g.form_language = current_language()  # what was typed is read in the page's language
    g.pop("assessment_language", None)
    choose_for_browser(lang)
    return lang


def form_language() -> str:
    """The language a posted form was shown in, for reading what was typed into it ("1.234"
    is a thousand and more in Italian, one and a bit in English): the request's language, or
    the page's before a language chosen with the form."""
    return g.get("form_language") or current_language()


def localized_content() -> Content:
    """The content worded in the language of this request."""
    found = g.get(_CONTENT)
    if found is None:
        found = base_content().for_language(current_language())
        setattr(g, _CONTENT, found)
    return found
