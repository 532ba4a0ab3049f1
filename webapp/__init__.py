"""Cluster Readiness web app: ``create_app(test_config)`` (the Flask app factory)."""

from __future__ import annotations

from typing import Any

import click
import jinja2
from flask import Flask, render_template, request
from flask_babel import gettext
from markupsafe import escape
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from readiness.content import load_content
from readiness.paths import TEMPLATES_DIR
from readiness.report import RenderTimeout

from webapp import limits
from webapp.cases import routes as cases
from readiness import report
from webapp.config import Settings, check_config
from webapp.db import upgrade_database
from webapp.export import routes as export_views
from webapp.extensions import csrf, db
from webapp.glossary import routes as glossary_views
from webapp.group import routes as group
from webapp.i18n import routes as language
from webapp.i18n import templates as template_i18n
from webapp.network import routes as networks
from webapp.report.slots import RenderBusy
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
# Endpoints whose pages hold nothing private and may be cached; every other page
# (answers, links, results, anything a new blueprint adds) gets no-store.
CACHEABLE_ENDPOINTS = {"static", "assess.index", "assess.favicon", "cases.index", "cases.case", "glossary.index"}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    settings = Settings()
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), instance_path=str(settings.INSTANCE_DIR))
    app.config.from_mapping(settings.flask_config())
    if test_config:
        app.config.from_mapping(test_config)
    report.configure(app.config["READINESS_RENDER"])
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
    _register_errors(app)
    _register_commands(app)

    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
        return response

    return app


def _register_errors(app: Flask) -> None:
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
                  if request.endpoint in limits.TOKEN_LOOKUPS else
                  gettext("Many of these were made from your address in a short time, so this one was not. Nothing "
                          "you saved is lost: wait a while, then try again.")),
            405: (gettext("Not allowed"), gettext("This address cannot be used this way.")),
        }
        title, message = messages.get(exc.code or 500, (exc.name, exc.description or ""))
        if request.url_rule is None and exc.code == 400:
            # e.g. a Host outside TRUSTED_HOSTS: no URLs can be built, so no page layout either
            return f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>", 400
        return render_template("error.html", code=exc.code, title=title, message=message), exc.code

    @app.errorhandler(RenderBusy)
    @app.errorhandler(RenderTimeout)
    def _busy(exc: Exception):  # type: ignore[no-untyped-def]
        # Reports render a few at a time so that the wizard stays fast for everyone.
        response = app.make_response((render_template(
            "error.html", code=503, title=gettext("The report is being prepared for others"),
            message=gettext("Many reports are being prepared right now. Your answers are saved: "
                            "try the download again in a minute.")), 503))
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return render_template("error.html", code=500, title=gettext("Something went wrong"),
                               message=gettext("The error has been logged. Your saved answers are safe.")), 500


def _register_commands(app: Flask) -> None:
    @app.cli.command("upgrade-db")
    def upgrade_db() -> None:
        """Create or migrate the database to the latest schema (Alembic)."""
        upgrade_database(app.config["DATABASE_URL"])
        click.echo(f"database ready: {app.config['DATABASE_URL'].split('@')[-1]}")
