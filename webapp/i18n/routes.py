"""The language picker (every page) and Flask-Babel's set-up.

UI strings go through Flask-Babel (catalogs in translations/<lang>/LC_MESSAGES,
compiled by `make`); the content's wording comes from Content.for_language.
The choice is remembered in the browser and, on an assessment's page, for the
assessment (and so for its report).
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, redirect, request
from flask_babel import Babel
from werkzeug.exceptions import NotFound

from readiness import numbers
from readiness.paths import TRANSLATIONS_DIR

from webapp.wizard import store
from webapp.i18n.countries import country_label
from webapp.extensions import db
from webapp.i18n.locale import choose_for_browser, current_language, offered_languages
from webapp.wizard.routes import owned

bp = Blueprint("language", __name__)
# /a/<id>/<page>: the pages that speak the assessment's language (routes.owned(its_own_page=True))
ASSESSMENT_OWN_PAGES = {"step", "review", "results", "link"}
babel = Babel()


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_language,
                   default_translation_directories=str(TRANSLATIONS_DIR))
    app.register_blueprint(bp)

    # Whole points, rounded half up; a change is the difference of the two numbers shown.
    app.jinja_env.filters["points"] = numbers.points
    app.jinja_env.filters["signed"] = numbers.signed
    app.jinja_env.globals["point_change"] = numbers.point_change
    # Countries are stored in English and shown in the page's language.
    app.jinja_env.filters["country_name"] = lambda name: country_label(name, current_language())

    @app.context_processor
    def _languages() -> dict:
        return {"languages": offered_languages(), "current_language": current_language()}


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    # Browsers drop tabs and newlines from a Location ("/\t/evil.example" is "//evil.example"),
    # and a newline cannot be put in a header at all (it was a 500): no control characters.
    if any(ch < " " or ch == "\x7f" for ch in target):
        return "/"
    return target


@bp.get("/language")
def choose_here() -> object:
    """The picker of a cacheable page (which carries no CSRF token): the choice is kept in
    this browser only, never written to an assessment."""
    lang = request.args.get("language", "")
    if lang not in offered_languages():
        abort(400)
    choose_for_browser(lang)
    return redirect(safe_next(request.args.get("next")))


@bp.post("/language")
def choose() -> object:
    lang = request.form.get("language", "")
    if lang not in offered_languages():
        abort(400)
    choose_for_browser(lang)
    target = safe_next(request.form.get("next"))
    parts = target.split("?")[0].split("/")
    # On an assessment's own page, the choice is remembered for the assessment (and its report).
    if len(parts) > 2 and parts[1] == "a" and (len(parts) == 3 or parts[3] in ASSESSMENT_OWN_PAGES):
        try:
            store.set_language(db.sessions, owned(parts[2]).id, lang)
        except NotFound:
            pass  # not this browser's assessment: the choice stays with the browser only
    return redirect(target)
