"""Warm-up before gunicorn forks its workers (webapp/warmup.py): every page template compiles."""

from __future__ import annotations

from webapp.warmup import warm_up


def test_warm_up_compiles_every_template_before_any_request(app):
    env = app.jinja_env
    names = [n for n in env.list_templates() if n.endswith(".html")]
    assert len(env.cache or {}) < len(names)  # nothing rendered yet: templates compile on first use
    assert warm_up(app) == len(names) > 10
    # all compiled and cached now: a worker forked after this never compiles them itself
    cached = {key[1] for key in (env.cache or {})}
    assert set(names) <= cached


def test_warm_up_renders_the_step_pages_without_storing_anything(app):
    from sqlalchemy import func, select

    from webapp.extensions import db
    from webapp.models import Answer, Assessment

    warm_up(app)
    # the step pages' per-app parts exist before the first officer arrives ...
    assert app.extensions["readiness_step_forms"] and app.extensions["readiness_choice_inputs"]
    # ... and nothing was written to get them
    with db.bound(app).sessions() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
        assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_warm_up_renders_for_the_host_production_trusts(database_url):
    # In production only BASE_URL's host is trusted: the master's warm-up asks as that host.
    from webapp import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-0123456789abcdef",
                      "BASE_URL": "https://readiness.example", "TRUSTED_HOSTS": ["readiness.example"]})
    try:
        warm_up(app)
        assert app.extensions["readiness_choice_inputs"]
    finally:
        app.extensions["readiness_db"].engine.dispose()
