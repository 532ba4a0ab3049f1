"""Rate limits and caps (webapp/limits.py): one client cannot flood the service, a valid link is never refused.

Prints its figures with a ``[figures]`` prefix (pytest -s)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask

from conftest import Wizard, csrf_token
from flows import owner_with_invitation
from webapp import create_app


def _post_form(client: Any, page_url: str, action: str, **extra: str) -> Any:
    page = client.get(page_url).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_token(page), **extra})


def _start(client: Any) -> Any:
    return _post_form(client, "/start", "/start", town="Mizil", country="Romania", population_band="10k_50k")


def test_bad_links_on_every_capability_route_share_one_limit_and_a_valid_link_is_never_refused(app, wizard, capsys):
    wizard.start()
    resume = wizard.resume_link.replace("http://localhost", "")
    invite = owner_with_invitation(Wizard(app.test_client(), wizard.content))
    app.config["LIMIT_BAD_LINKS"] = "9 per 10 minutes"
    attacker = app.test_client()
    guesses = [f"/{kind}/{'x' * 40}{i:03d}" for i in range(5) for kind in ("r", "w", "i")]  # 15, spread over the three
    codes = [attacker.get(url).status_code for url in guesses]
    assert codes[:9] == [404] * 9 and set(codes[9:]) == {429}
    refused = attacker.get("/w/" + "y" * 43)
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert refused.headers.get("Retry-After")
    # the guessing client's own valid links still work, on every route, as often as it likes
    for _ in range(3):
        assert attacker.get(resume).status_code == 302
        assert attacker.get(invite).status_code == 302
    assert attacker.get(f"/r/{'x' * 40}999").status_code == 429  # and valid links did not reset the count
    # another client is not affected
    assert app.test_client().get(f"/r/{'z' * 43}", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 404
    with capsys.disabled():
        print(f"\n[figures] bad links: {len(guesses)} guesses over /r/ /w/ /i/, {codes.count(404)} answered, "
              f"{codes.count(429)} refused; valid links from the same client: 6 of 6 accepted")


def test_a_creation_flood_is_refused_and_other_clients_are_not(app, capsys):
    app.config["LIMIT_NEW_ASSESSMENTS"] = "5 per 10 minutes; 200 per day"
    flooder = app.test_client()
    codes = [_start(flooder).status_code for _ in range(8)]
    assert codes[:5] == [303] * 5 and set(codes[5:]) == {429}
    page = _start(flooder).get_data(as_text=True)
    assert "Nothing you saved is lost" in page
    other = app.test_client()
    page = other.get("/start", environ_base={"REMOTE_ADDR": "192.0.2.8"}).get_data(as_text=True)
    created = other.post("/start", environ_base={"REMOTE_ADDR": "192.0.2.8"}, data={
        "csrf_token": csrf_token(page), "town": "Enguera", "country": "Spain", "population_band": "under_10k"})
    assert created.status_code == 303
    # viewing the form is not creating: GET /start is never limited
    assert all(flooder.get("/start").status_code == 200 for _ in range(3))
    with capsys.disabled():
        print(f"\n[figures] assessment flood: 8 posts, {codes.count(303)} created, {codes.count(429)} refused")


@pytest.mark.parametrize("route", ["workspace", "reassess", "invite"])
def test_every_creation_route_has_a_limit(app, wizard, route):
    app.config.update(LIMIT_NEW_WORKSPACES="2 per hour", LIMIT_NEW_REASSESSMENTS="2 per hour",
                      LIMIT_NEW_INVITATIONS="2 per hour")
    wizard.start()
    client = wizard.client
    opened = _post_form(client, wizard.url("group"), wizard.url("workspace"))  # the new workspace, its link shown once
    ws_url = opened.headers["Location"]
    codes = []
    for _ in range(3):
        if route == "workspace":
            codes.append(_post_form(client, wizard.url("group"), wizard.url("workspace")).status_code)
        elif route == "invite":
            codes.append(_post_form(client, wizard.url("group"), wizard.url("group/invite"),
                                    label="Chamber", role="business").status_code)
        else:
            codes.append(_post_form(client, ws_url, ws_url + "/reassess").status_code)
    if route == "workspace":  # the first post above counted too
        codes = [opened.status_code] + codes[:2]
    created = {200, 302, 303}  # a new link: shown in the answer (a contributor link) or after a redirect
    assert codes[0] in created and codes[1] in created and codes[2] == 429, codes


def test_contributions_per_link_are_capped_and_the_owner_deletes_those_of_a_revoked_link(app, wizard):
    """A personal link gives its person one contribution however often it is opened; an old
    shared link (from before personal links) is capped, and the owner deletes what came through it."""
    app.config.update(MAX_CONTRIBUTIONS_PER_INVITATION=3)
    personal = owner_with_invitation(wizard)
    joined = set()
    for _ in range(4):
        client = app.test_client()
        entered = client.get(personal)
        response = _post_form(client, entered.headers["Location"], entered.headers["Location"])
        joined.add(response.headers["Location"].split("/c/")[1].split("/")[0])
    assert len(joined) == 1
    from webapp.group import store as group_store
    from webapp.extensions import db
    from webapp.wizard.store import by_public_id

    with app.app_context():
        assessment = by_public_id(db.sessions, wizard.public_id)
        _, token = group_store.create_invitation(db.sessions, assessment.id)  # an old shared link
    link = f"/i/{token}"
    codes = []
    for i in range(5):
        client = app.test_client()
        entered = client.get(link)
        codes.append(_post_form(client, entered.headers["Location"], entered.headers["Location"], role="business").status_code)
    assert codes == [302, 302, 302, 409, 409]
    client = app.test_client()
    full = _post_form(client, client.get(link).headers["Location"], client.get(link).headers["Location"], role="business")
    assert "all the contributions it can take" in full.get_data(as_text=True)

    owner_page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    inv_id = re.findall(r"/group/revoke/([0-9a-f]+)\"", owner_page)[-1]
    # an active link's contributions cannot be deleted this way
    assert _post_form(wizard.client, wizard.url("group"), wizard.url(f"group/revoke/{inv_id}/delete")).status_code == 404
    _post_form(wizard.client, wizard.url("group"), wizard.url(f"group/revoke/{inv_id}"))
    page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    assert "Delete the 3 contributions made through it" in page
    # nobody else may delete them
    stranger = app.test_client()
    assert stranger.post(wizard.url(f"group/revoke/{inv_id}/delete"), data={"csrf_token": csrf_token(page)}).status_code in (400, 404)
    assert _post_form(wizard.client, wizard.url("group"), wizard.url(f"group/revoke/{inv_id}/delete")).status_code == 302
    page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    assert "Delete the" not in page


def test_the_group_work_routes_have_limits(app, wizard):
    """Agreeing answers, typing in paper answers and rendering the printable questionnaire."""
    app.config.update(LIMIT_NEW_AGREEMENTS="2 per hour", LIMIT_PAPER_ANSWERS="2 per hour", LIMIT_QUESTIONNAIRES="1 per hour")
    owner_with_invitation(wizard)
    page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    inv_id = re.search(r"/group/paper/([0-9a-f]+)", page).group(1)
    paper = [_post_form(wizard.client, wizard.url("group"), wizard.url(f"group/paper/{inv_id}")).status_code for _ in range(3)]
    assert paper == [302, 302, 429]
    agree = [_post_form(wizard.client, wizard.url("group"), wizard.url("group/agree/strategy_plan")).status_code
             for _ in range(3)]
    assert agree[2] == 429 and 429 not in agree[:2]
    assert wizard.client.get(wizard.url("group/questionnaire.pdf")).status_code == 200
    assert wizard.client.get(wizard.url("group/questionnaire.pdf")).status_code == 429


def test_limits_are_shared_by_every_server_process_through_redis(redis_url, database_url, content, monkeypatch):
    """Two app instances (as two gunicorn workers or two hosts) count one client's bad links together."""
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-0123456789abcdef",
              "REDIS_URL": redis_url, "LIMIT_BAD_LINKS": "6 per 10 minutes", "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex}
    servers: list[Flask] = [create_app(config), create_app(config)]
    clients = [s.test_client() for s in servers]
    environ = {"REMOTE_ADDR": "198.51.100.9"}
    codes = [clients[i % 2].get(f"/r/{'q' * 40}{i:03d}", environ_base=environ).status_code for i in range(10)]
    assert codes[:6] == [404] * 6 and set(codes[6:]) == {429}
    for s in servers:
        s.extensions["readiness_db"].engine.dispose()


def test_limits_count_the_client_the_trusted_proxy_names_and_no_forged_header_escapes_them(database_url, content,
                                                                                           monkeypatch):
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    base = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-0123456789abcdef",
            "LIMIT_BAD_LINKS": "3 per 10 minutes"}
    apps = [create_app({**base, "TRUSTED_PROXIES": 1}), create_app({**base, "TRUSTED_PROXIES": 0})]
    try:
        behind_proxy, direct = (a.test_client() for a in apps)  # direct: no proxy, the header is the client's word
        guess = lambda c, i, xff: c.get(f"/r/{'p' * 40}{i:03d}", headers={"X-Forwarded-For": xff}).status_code  # noqa: E731
        assert [guess(behind_proxy, i, "203.0.113.1") for i in range(4)] == [404, 404, 404, 429]
        assert guess(behind_proxy, 9, "203.0.113.2") == 404  # another client behind the same proxy
        assert [guess(direct, i, f"203.0.113.{i}") for i in range(4)] == [404, 404, 404, 429]
    finally:  # close their PostgreSQL connections now, not when a later test's garbage collection finds them
        for a in apps:
            a.extensions["readiness_db"].engine.dispose()
