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
