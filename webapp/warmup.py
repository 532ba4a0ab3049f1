"""Work a server process does once, before it forks its workers (gunicorn ``preload_app``).

A fresh worker otherwise pays on its first requests for what every worker needs: compiling
the templates (Jinja compiles each on first use, tens of milliseconds apiece), loading the
translation catalogs of every offered language and Babel's locale data (the start page's
country names: ~30 ms per language on first use). Done once in the master, it is shared
by every worker it forks, and by the workers that replace recycled ones.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale, get_translations

from webapp.i18n.countries import country_choices
from webapp.i18n.locale import offered_languages


def warm_up(app: Flask) -> int:
    """Compile every page template, load every offered catalog and locale; returns the templates compiled."""
    env = app.jinja_env
    names = [n for n in env.list_templates() if n.endswith(".html")]
    for name in names:
        env.get_template(name)  # compiled and kept in the environment's cache
    with app.test_request_context("/"):
        for code in offered_languages():
            with force_locale(code):
                get_translations()  # loaded and kept in Flask-Babel's per-app cache
            country_choices(code)  # CLDR's territory names, kept by Babel and the function's cache
    return len(names)
