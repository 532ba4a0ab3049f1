"""Security, walking every route the app has (so new blueprints are covered as they are added).

Prints its figures with a ``[figures]`` prefix (run pytest with -s to see them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from flows import snapshot
from conftest import Wizard, csrf_token
from webapp import create_app
from webapp.config import UnsafeConfig

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get(client: Any, url: str, **kwargs: Any) -> Any:
    """GET, with the body read and the response closed (static files hold an open file)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def fill(rule: Any, values: dict[str, str]) -> str:
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(r"<(?:[^:<>]+:)?%s>" % arg, values.get(arg, "x"), url)
    return url


@pytest.fixture
def town(app: Flask, content) -> dict[str, Any]:
    """A submitted assessment (own), another town's, and a revoked browser."""
    own = Wizard(app.test_client(), content)
    own.start(town="Mizil")
    own.answer_all()
    assert own.submit().status_code == 302
    other = Wizard(app.test_client(), content)
    other.start(town="Barnsley", country="United Kingdom")
    revoked = app.test_client()
    old_link = own.resume_link.replace("http://localhost", "")
    assert revoked.get(old_link).status_code == 302
    page = own.client.get(own.url("link")).get_data(as_text=True)
    assert own.client.post(own.url("link"), data={"csrf_token": csrf_token(page)}).status_code == 303
    values = {"public_id": own.public_id, "step_id": "profile", "case_id": content.cases[0].id,
              "token": "x" * 43, "filename": "app.css"}
    return {"own": own, "other": other, "revoked": revoked, "old_link": old_link, "values": values}


def test_only_post_changes_state_and_every_post_needs_csrf(app, town, capsys):
    rules = [r for r in app.url_map.iter_rules()]
    for rule in rules:
        assert rule.methods - SAFE_METHODS <= {"POST"}, f"{rule.rule} accepts {rule.methods}"
    before = snapshot(app)
    checked = 0
    for rule in rules:
        url = fill(rule, town["values"])
        if "GET" in rule.methods:
            get(town["own"].client, url)
            get(town["other"].client, url)
            assert snapshot(app) == before, f"GET {url} changed the database"
            checked += 1
        if "POST" in rule.methods:
            response = town["own"].client.post(url, data={"action": "save", "town": "Changed", "country": "Italy",
                                                          "population_band": "under_10k"})
            assert response.status_code == 400, (url, response.status_code)
            assert "expired" in response.get_data(as_text=True)
            assert snapshot(app) == before, f"POST {url} without a CSRF token changed the database"
            checked += 1
    with capsys.disabled():
        print(f"\n[figures] routes walked: {len(rules)}, method checks: {checked}, state changed by GET or "
              f"token-less POST: 0")


def test_ownership_matrix_on_every_assessment_route(app, town, capsys):
    own, values = town["own"], town["values"]
    fresh = app.test_client()
    fresh.get(town["old_link"])  # the revoked link itself grants nothing
    states = {"own": own.client, "other town": town["other"].client, "no token": app.test_client(),
              "revoked token": town["revoked"], "revoked link opened": fresh}
    # Assessment routes (/a/<public_id>/...); the workspace blueprint's ids are workspaces' own.
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/a/<public_id>")]
    assert len(rules) >= 8
    wrong = []
    cells = 0
    for rule in rules:
        url = fill(rule, values)
        for state, client in states.items():
            if "GET" in rule.methods:
                response = get(client, url)
            else:  # a valid CSRF token of the client's own session: only ownership can refuse it
                token = csrf_token(client.get("/start").get_data(as_text=True))
                response = client.post(url, data={"csrf_token": token})
            cells += 1
            code = response.status_code
            if state == "own":
                location = response.headers.get("Location", "")
                ok = code == 200 or (code == 302 and f"/a/{own.public_id}" in location) or "POST" in rule.methods
            else:
                ok = code == 404
            if not ok:
                wrong.append((state, rule.rule, code))
    with capsys.disabled():
        print(f"\n[figures] ownership: {len(rules)} routes x {len(states)} credential states = {cells}, "
              f"wrong answers: {len(wrong)}")
    assert wrong == []


def test_security_headers_on_every_page(app, town):
    own = town["own"]
    urls = [fill(r, town["values"]) for r in app.url_map.iter_rules() if "GET" in r.methods]
    urls += ["/no-such-page", own.url("step/no-such-step")]
    for url in urls:
        for base in ("http://localhost", "https://localhost"):
            response = get(own.client, url, base_url=base)
            h = response.headers
            csp = h.get("Content-Security-Policy", "")
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, url
            assert h.get("X-Content-Type-Options") == "nosniff", url
            assert h.get("Referrer-Policy") == "no-referrer", url
            assert ("Strict-Transport-Security" in h) == (base.startswith("https")), url
            if "/a/" in url or "/r/" in url:
                assert h.get("Cache-Control") == "no-store", url
            if response.mimetype == "text/html":
                assert not re.search(r"<script(?![^>]*\bsrc=)", response.get_data(as_text=True)), f"inline script on {url}"


def test_errors_are_generic_pages_without_tracebacks(app, wizard, monkeypatch):
    wizard.start()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /etc/passwd SELECT * FROM answer")

    monkeypatch.setattr("webapp.wizard.store.with_answers", broken)
    response = wizard.client.get(wizard.url("step/profile"))
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    for leak in ("Traceback", "secret detail", "RuntimeError", "SELECT", ".py"):
        assert leak not in html


def test_too_large_a_post_is_refused_and_nothing_is_stored(app, wizard):
    wizard.start()
    before = snapshot(app)
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    page = wizard.client.get(wizard.url("step/profile")).get_data(as_text=True)
    response = wizard.client.post(wizard.url("step/profile"), data={"csrf_token": csrf_token(page),
                                                                     "profile_notes": big, "action": "save"})
    assert response.status_code == 413 and "Nothing was saved" in response.get_data(as_text=True)
    start = wizard.client.get("/start").get_data(as_text=True)
    response = wizard.client.post("/start", data={"csrf_token": csrf_token(start), "town": big, "country": "Italy",
                                                   "population_band": "under_10k"})
    assert response.status_code == 413
    assert snapshot(app) == before


@pytest.mark.parametrize("path", ["//evil.example/", "/start?next=https://evil.example/", "/a/x/../../evil.example",
                                  "/r/%2F%2Fevil.example", "/a/%2F%2Fevil.example", "/start/", "/cases/?next=//evil.example"])
def test_no_open_redirects(client, path):
    response = client.get(path)
    location = response.headers.get("Location")
    assert response.status_code < 500
    if 300 <= response.status_code < 400:  # e.g. /r/%2F%2F... is normalised with a 308
        assert location is not None
        assert urlsplit(location).netloc in ("", "localhost"), location
    else:
        assert location is None, (response.status_code, location)


def _production(tmp_path: Path, sqlite_template: Path, **config: Any) -> Flask:
    import shutil

    db = tmp_path / "prod.sqlite3"
    shutil.copyfile(sqlite_template, db)
    settings = {"READINESS_ENV": "production", "DATABASE_URL": f"sqlite:///{db}", "TESTING": False,
                "SECRET_KEY": "k" * 48, "BASE_URL": "https://readiness.example.eu", "SESSION_COOKIE_SECURE": True,
                "TRUSTED_PROXIES": 1, "INSTANCE_DIR": tmp_path}
    settings.update(config)
    return create_app(settings)


@pytest.mark.parametrize(("override", "message"), [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"DEBUG": True}, "DEBUG"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
    ({"BASE_URL": ""}, "BASE_URL"),
    ({"BASE_URL": "http://readiness.example.eu"}, "https"),
    ({"TRUSTED_PROXIES": 0}, "TRUSTED_PROXIES"),
    ({"QUEUE_EAGER": True}, "QUEUE_EAGER"),
])
def test_production_refuses_to_start_unsafe(tmp_path, sqlite_template, override, message):
    with pytest.raises(UnsafeConfig, match=message):
        _production(tmp_path, sqlite_template, **override)


def test_production_trusts_only_its_host_and_builds_links_from_base_url(tmp_path, sqlite_template, content):
    app = _production(tmp_path, sqlite_template)
    client = app.test_client()
    assert client.get("/", base_url="https://evil.example").status_code == 400
    page = client.get("/start", base_url="https://readiness.example.eu")
    assert page.status_code == 200 and page.headers["Strict-Transport-Security"]
    response = client.post("/start", base_url="https://readiness.example.eu", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "town": "Mizil", "country": "Romania",
        "population_band": "10k_50k"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    shown = client.get(response.headers["Location"], base_url="https://readiness.example.eu")
    assert 'value="https://readiness.example.eu/r/' in shown.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/a/%00/link", "/a/%00/review", "/ws/%00", "/ws/%00/export.json", "/a/%00/report.pdf"])
def test_junk_ids_are_not_found_before_any_database_lookup(client, path):
    """An id this browser was never granted (here a NUL byte, which PostgreSQL refuses in
    a query) is a plain 404: access is checked in the session before the database."""
    assert client.get(path).status_code == 404
