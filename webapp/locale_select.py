"""Which language a request is served in (no views here, so any module may import it).

Order of precedence: the language of the assessment being worked on, then the
one chosen in this browser, then the browser's Accept-Language, then English.
Only languages whose content translation is declared complete are offered.
"""

from __future__ import annotations

from flask import current_app, g, request, session

from readiness.content import Content
from readiness.i18n import LANGUAGES

SESSION_KEY = "lang"


def base_content() -> Content:
    return current_app.extensions["readiness_content"]


def offered_languages(content: Content | None = None) -> dict[str, str]:
    content = content or base_content()
    return {code: name for code, name in LANGUAGES.items()
            if code == "en" or (code in content.translations and content.translations[code].complete)}


def current_language() -> str:
    offered = offered_languages()
    chosen = g.get("assessment_language") or session.get(SESSION_KEY)
    if chosen in offered:
        return chosen
    return request.accept_languages.best_match(list(offered)) or "en"


def localized_content() -> Content:
    """The content worded in the language of this request."""
    return base_content().for_language(current_language())
