"""Cluster Readiness web app: ``create_app(test_config)`` (the Flask app factory)."""

from __future__ import annotations

from typing import Any

import json
import sys

import click
import jinja2
from alembic.util import CommandError
from sqlalchemy.exc import InternalError, OperationalError, SQLAlchemyError
from flask import Flask, abort, render_template, request, session
from flask_babel import gettext
from markupsafe import Markup, escape
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from readiness.content import load_content
from readiness.paths import TEMPLATES_DIR

from webapp import limits
from webapp.cases import routes as cases
from webapp.config import Settings, check_config
from webapp.db import check_schema, health, upgrade_database
from webapp.export import routes as export_views
from webapp.extensions import csrf, db
from webapp.glossary import routes as glossary_views
from webapp.group import routes as group
from webapp.i18n import routes as language
from webapp.i18n import templates as template_i18n
from webapp.network import routes as networks
from webapp.report import queue as render_queue
from webapp.sessions import CheckedOnceSessionInterface
from webapp.wizard import routes
from webapp.workspace import routes as workspaces

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    # Resume links are capabilities: never leak them to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"
# Endpoints whose pages hold nothing private and may be cached, also by a shared cache:
# they never set a cookie (no session, no CSRF token) and vary only on the language. Every
# other page (answers, links, results, anything a new blueprint adds) gets no-store.
CACHEABLE_ENDPOINTS = {"static", "assess.index", "assess.favicon", "cases.index", "cases.case", "glossary.index"}
CACHEABLE = "public, max-age=300"
# Form posts are form bodies: anything else (JSON, XML, ...) is refused before any form sees it.
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    settings = Settings()
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), instance_path=str(settings.INSTANCE_DIR))
    app.session_interface = CheckedOnceSessionInterface()  # Flask's signed cookie, each cookie checked once
    app.config.from_mapping(settings.flask_config())
    if test_config:
        app.config.from_mapping(test_config)
    if app.config.get("STRICT_TEMPLATES"):
        # The tests turn this on: a name a template uses but no view passes fails loudly
        # instead of rendering blank (the report's templates are always strict).
        app.jinja_env.undefined = jinja2.StrictUndefined
    # In production (READINESS_ENV=production) an unsafe setup stops the start with what to fix.
    check_config(app.config)
    if app.config.get("TRUSTED_PROXIES"):
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    # Content is loaded and checked once; a broken content file stops the start, with file:line.
    app.extensions["readiness_content"] = load_content(app.config.get("READINESS_CONTENT_DIR"))
    db.init_app(app)
    if app.config.get("CHECK_SCHEMA", True) and not _running_upgrade_db():
        check_schema(db.bound(app).engine, _shown_url(app.config["DATABASE_URL"]))  # a fresh DATABASE_URL: say what to run
    app.before_request(_form_bodies_only)  # before the CSRF check: nothing but a form is ever parsed
    csrf.init_app(app)
    language.init_app(app)  # Flask-Babel, the language picker, content in the officer's language
    template_i18n.init_app(app)  # templates find the catalog once per request

    app.register_blueprint(routes.bp)
    app.register_blueprint(cases.bp)  # case-study library, side-by-side comparison
    app.register_blueprint(workspaces.bp)  # town workspace: progress over time
    app.register_blueprint(group.bp)  # group assessment: contributors, spread of views
    app.register_blueprint(networks.bp)  # networks of towns side by side
    app.register_blueprint(export_views.bp)  # CSV and JSON downloads of a workspace or an assessment
    glossary_views.init_app(app)  # the glossary page, and footnotes on the terms it explains
    limits.init_app(app)  # after the blueprints: it wraps their views
    render_queue.init_app(app)  # reports are rendered by the queue's workers, never here
    _register_errors(app)
    _register_commands(app)

    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint not in CACHEABLE_ENDPOINTS or session.modified or response.status_code >= 400:
            response.headers["Cache-Control"] = "no-store"
        else:
            response.headers.setdefault("Cache-Control", CACHEABLE)  # a view may say longer (the favicon)
            response.vary.update(("Accept-Language", "Cookie"))  # the page's language comes from them
        return response

    # User text in a page is isolated from the text around it (a right-to-left name cannot reorder it).
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>%s</bdi>") % value

    @app.context_processor
    def _cacheable() -> dict:
        # A cacheable page carries no CSRF token (it would put a session cookie on a shared page).
        return {"cacheable_page": request.endpoint in CACHEABLE_ENDPOINTS}

    return app


def _form_bodies_only() -> None:
    """POSTs carry a form (415 otherwise) and no files (400): no form ever sees JSON values,
    nested data or an uploaded file in place of a string."""
    if request.method != "POST":
        return
    if request.mimetype not in FORM_TYPES:
        if request.mimetype or request.content_length or request.headers.get("Transfer-Encoding"):
            abort(415)
        return  # an empty post: an empty form
    if request.files:
        abort(400, description="files")


def _running_upgrade_db() -> bool:
    """The `flask ... upgrade-db` command itself loads the app to migrate the database."""
    return "upgrade-db" in sys.argv[1:]


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable DATABASE_URL)"


def _register_errors(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    @app.errorhandler(InternalError)
    def _storage(exc: SQLAlchemyError):  # type: ignore[no-untyped-def]
        # The database cannot read or write (disk full, read-only file or PostgreSQL database,
        # server down): a clear page.
        app.logger.error("database unavailable: %s", str(getattr(exc, "orig", exc)).splitlines()[0][:200])
        response = app.make_response((render_template(
            "error.html", code=503, title=gettext("Saving is not possible right now"),
            message=gettext("The server cannot use its database at the moment. Nothing was changed and nothing "
                            "saved before is lost. Try again in a few minutes.")), 503))
        response.headers["Retry-After"] = "120"
        return response

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=400, title=gettext("This page has expired"),
                               message=gettext("For your security the form could not be accepted. Your saved answers "
                                               "are safe: go back, reload the page and send it again.")), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # type: ignore[no-untyped-def]
        messages = {
            404: (gettext("Page not found"), gettext("This page does not exist, or your link does not give access to "
                                                     "it. If you have a resume link, open it again.")),
            413: (gettext("Too much data"), gettext("What you sent is larger than this form accepts. Nothing was saved.")),
            429: (gettext("Too many attempts"), gettext("Too many links that do not work were opened from here. Wait a "
                  "few minutes, then open your resume link again, exactly as you received it.")
                  if request.endpoint in limits.TOKEN_ROUTES else
                  gettext("Many of these were made from your address in a short time, so this one was not. Nothing "
                          "you saved is lost: wait a while, then try again.")),
            405: (gettext("Not allowed"), gettext("This address cannot be used this way.")),
            415: (gettext("Not a form"), gettext("This address accepts only what its form sends. Nothing was saved.")),
        }
        title, message = messages.get(exc.code or 500, (exc.name, exc.description or ""))
        if exc.code == 400 and exc.description == "files":
            title, message = gettext("Files are not accepted"), gettext("This form takes text only. Nothing was saved.")
        if request.url_rule is None and exc.code == 400:
            # e.g. a Host outside TRUSTED_HOSTS: no URLs can be built, so no page layout either
            return f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>", 400
        return render_template("error.html", code=exc.code, title=title, message=message), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return render_template("error.html", code=500, title=gettext("Something went wrong"),
                               message=gettext("The error has been logged. Your saved answers are safe.")), 500


def _register_commands(app: Flask) -> None:
    @app.cli.command("upgrade-db")
    def upgrade_db() -> None:
        """Create or migrate the database to the latest schema (Alembic)."""
        shown = _shown_url(app.config["DATABASE_URL"])
        try:
            upgrade_database(app.config["DATABASE_URL"])
        except (SQLAlchemyError, OSError, CommandError) as exc:
            first = str(getattr(exc, "orig", exc) or type(exc).__name__).strip().splitlines()
            raise click.ClickException(f"cannot migrate {shown}: {first[0][:200] if first else type(exc).__name__}") \
                from None
        click.echo(f"database ready: {shown}")

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        """For load balancers and monitoring: 200 only when the database answers and can write."""
        state = health(db.engine)
        response = app.response_class(json.dumps(state), mimetype="application/json",
                                      status=200 if state["database"] == "ok" else 503)
        response.headers["Cache-Control"] = "no-store"
        return response
