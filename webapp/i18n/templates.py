"""Translations in templates, looked up once per request instead of once per string.

Flask-Babel's template callables find the catalog on every ``_()`` (its domain, the locale
and ``str(locale)`` as the cache key: ~15 times on a wizard step). Here the catalog found
first is kept on ``g`` with the locale it was found for; ``force_locale`` (the bilingual
report) and ``refresh`` give a new locale object, so the catalog is looked up again then.
The strings, plural rules and escaping are Flask-Babel's and Jinja's own, unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_app_context
from flask_babel import get_locale, get_translations

_CACHE = "_readiness_translations"


def translations() -> Any:
    if not has_app_context():
        return get_translations()  # Flask-Babel's own answer outside an app (no catalog)
    locale = get_locale()
    cached = g.get(_CACHE)
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        setattr(g, _CACHE, cached)
    return cached[1]


def init_app(app: Flask) -> None:
    """After Flask-Babel's ``init_app``: the same callables, with the catalog kept per request."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
