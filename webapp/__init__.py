"""Cluster Readiness web app: ``create_app(test_config)`` (the Flask app factory)."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from readiness.content import REPO_ROOT, load_content

from . import cases, report_service, routes
from .config import Config
from .db import upgrade_database
from .extensions import csrf, db

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    # Resume links are capabilities: never leak them to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(REPO_ROOT / "templates"), instance_path=str(REPO_ROOT / "instance"))
    app.config.from_mapping(Config.as_dict())
    if test_config:
        app.config.from_mapping(test_config)

    # Content is loaded and checked once; a broken content file stops the start, with file:line.
    app.extensions["readiness_content"] = load_content(app.config.get("READINESS_CONTENT_DIR"))
    db.init_app(app)
    csrf.init_app(app)

    app.register_blueprint(routes.bp)
    app.register_blueprint(cases.bp)  # case-study library, side-by-side comparison
    _register_errors(app)
    _register_commands(app)

    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=400, title="This page has expired",
                               message="For your security the form could not be accepted. Your saved answers are safe: "
                               "go back, reload the page and send it again."), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):  # type: ignore[no-untyped-def]
        messages = {
            404: ("Page not found", "This page does not exist, or your link does not give access to it. "
                  "If you have a resume link, open it again."),
            413: ("Too much data", "What you sent is larger than this form accepts. Nothing was saved."),
            405: ("Not allowed", "This address cannot be used this way."),
        }
        title, message = messages.get(exc.code or 500, (exc.name, exc.description or ""))
        return render_template("error.html", code=exc.code, title=title, message=message), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return render_template("error.html", code=500, title="Something went wrong",
                               message="The error has been logged. Your saved answers are safe."), 500


def _register_commands(app: Flask) -> None:
    @app.cli.command("upgrade-db")
    def upgrade_db() -> None:
        """Create or migrate the database to the latest schema (Alembic)."""
        upgrade_database(app.config["DATABASE_URL"])
        click.echo(f"database ready: {app.config['DATABASE_URL'].split('@')[-1]}")
