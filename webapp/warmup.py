"""Work a server process does once, before it forks its workers (gunicorn ``preload_app``).

A fresh worker otherwise pays on its first requests for what every worker needs: compiling
the templates (Jinja compiles each on first use, tens of milliseconds apiece), loading the
translation catalogs of every offered language and Babel's locale data (the start page's
country names: ~30 ms per language on first use), SQLAlchemy's compiling of the step's query
and the wizard's per-app parts of every step page (form classes, options, glossary marks).
A worker forked from a master that had not done this spent 40-55 ms of CPU on its first
step page (0.8-1 s on a busy machine) against 7 ms for the next. Done once in the master, it
is shared by every worker it forks, and by the workers that replace recycled ones.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import force_locale, get_translations
from sqlalchemy.exc import SQLAlchemyError

from webapp.i18n.countries import country_choices
from webapp.i18n.locale import offered_languages, speak


def warm_up(app: Flask) -> int:
    """Compile every page template, load every offered catalog and locale; returns the templates compiled."""
    env = app.jinja_env
    names = [n for n in env.list_templates() if n.endswith(".html")]
    for name in names:
        env.get_template(name)  # compiled and kept in the environment's cache
    base_url = app.config.get("BASE_URL") or None  # production trusts only BASE_URL's host
    with app.test_request_context("/", base_url=base_url):
        for code in offered_languages():
            with force_locale(code):
                get_translations()  # loaded and kept in Flask-Babel's per-app cache
            country_choices(code)  # CLDR's territory names, kept by Babel and the function's cache
    # Rendering is an optimisation: a page that cannot be rendered here is logged and left
    # for the workers.
    try:
        for code in offered_languages_of(app):
            with app.test_request_context("/", base_url=base_url):
                speak(code)
                _render_steps()
    except Exception:  # noqa: BLE001 - never a reason not to start
        app.logger.exception("warm-up: the step pages could not be rendered before forking")
    _compile_queries(app)
    return len(names)


def offered_languages_of(app: Flask) -> list[str]:
    with app.app_context():
        return list(offered_languages())


def _render_steps() -> None:
    """Every step page of a new assessment, rendered and thrown away (nothing is stored)."""
    from webapp.models import Assessment
    from webapp.wizard import routes
    from webapp.wizard.forms import form_data, step_form_class
    from webapp.wizard.steps import all_steps, shown_questions

    content = routes.content()
    blank = Assessment(public_id="0" * 16, town="Warm-up", country="Romania", contact_role="",
                       language=g.assessment_language, status="draft", current_step="profile",
                       content_version=content.version)
    for step in all_steps(content):
        shown = shown_questions(step, {})
        form = step_form_class(shown)(data=form_data(shown, {}))
        routes._render_step(blank, step, form, shown, routes.encode_revisions(shown, {}), {})


def _compile_queries(app: Flask) -> None:
    """The step page's query, run once for an id no assessment has: SQLAlchemy compiles it and
    keeps it in the engine's cache. A database not reachable yet is no reason not to start."""
    from webapp.extensions import db
    from webapp.wizard import store

    try:
        store.with_answers(db.bound(app).sessions, "0" * 16)
    except SQLAlchemyError:
        app.logger.warning("warm-up: the database did not answer; the workers will compile the query")
