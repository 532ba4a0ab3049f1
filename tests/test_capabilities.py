"""The capability model (webapp/access.py, README "Links"): which link grants what, and that a
new link revokes everything obtained through the old one, transitively. Each test plays an
owner and an attacker who holds a leaked link.

Prints ``[figures] takeover paths tried: N, access left to the attacker: 0`` (pytest -s).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from conftest import Wizard, csrf_token, shown_after

TRIED: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _figures(request: Any) -> Any:
    yield
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print(f"\n[figures] takeover paths tried: {len(TRIED)} requests with a leaked or replaced link "
              "(resume, workspace, contributor; direct and transitive), access left to the attacker: 0")


def local(url: str) -> str:
    return url.replace("http://localhost", "")


def token_of(client: FlaskClient, url: str) -> str:
    return csrf_token(client.get(url).get_data(as_text=True))


def post(client: FlaskClient, url: str, page: str = "/start", **data: Any) -> Any:
    return client.post(url, data={"csrf_token": token_of(client, page), **data})


def submitted(wizard: Wizard, town: str = "Mizil") -> Wizard:
    assert wizard.start(town=town).status_code == 303
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    return wizard


def open_workspace(client: FlaskClient, public_id: str) -> tuple[Any, str | None, str | None]:
    """POST /a/<id>/workspace: the response, the workspace id and its link (if shown)."""
    response = post(client, f"/a/{public_id}/workspace")
    html = shown_after(client, response) if response.status_code == 303 else response.get_data(as_text=True)
    ws = re.search(r'action="/ws/([0-9a-f]+)/link"', html)
    link = re.search(r'value="http://localhost(/w/[^"]+)"', html)
    return response, ws.group(1) if ws else None, link.group(1) if link else None


def new_resume_link(client: FlaskClient, public_id: str) -> str:
    html = shown_after(client, post(client, f"/a/{public_id}/link"))
    return local(re.search(r'value="(http[^"]+/r/[^"]+)"', html).group(1))


def invite(client: FlaskClient, public_id: str) -> str:
    response = post(client, f"/a/{public_id}/group/invite", label="Chamber", role="business")
    assert response.status_code == 200
    return re.search(r'value="http://localhost(/i/[^"]+)"', response.get_data(as_text=True)).group(1)


def join(app: Any, link: str) -> tuple[FlaskClient, str]:
    contributor = app.test_client()
    entered = contributor.get(link)
    assert entered.status_code == 302
    joined = post(contributor, entered.headers["Location"], page=entered.headers["Location"], role="business")
    assert joined.status_code == 302
    return contributor, joined.headers["Location"].split("/c/")[1].split("/")[0]


def assessment_urls(public_id: str) -> list[str]:
    return [f"/a/{public_id}/{p}" for p in ("results", "review", "link", "export.json", "export.csv", "report.pdf",
                                            "group", "step/profile")]


def denied(client: FlaskClient, urls: list[str]) -> list[tuple[str, int]]:
    """The URLs among ``urls`` that still answer this client with something other than 404."""
    TRIED.extend(urls)
    return [(u, code) for u in urls for code in [client.get(u).status_code] if code != 404]


def test_a_leaked_resume_link_never_yields_the_existing_workspace(app, content):
    owner = submitted(Wizard(app.test_client(), content))
    _, ws_id, ws_link = open_workspace(owner.client, owner.public_id)
    assert ws_id and ws_link

    attacker = app.test_client()
    assert attacker.get(local(owner.resume_link)).status_code == 302
    response, shown_ws, shown_link = open_workspace(attacker, owner.public_id)
    assert response.status_code == 403 and shown_link is None
    assert "workspace link" in response.get_data(as_text=True)
    ws_urls = [f"/ws/{ws_id}", f"/ws/{ws_id}/export.json", f"/ws/{ws_id}/export.csv", f"/ws/{ws_id}/a/{owner.public_id}"]
    assert denied(attacker, ws_urls) == []
    assert post(attacker, f"/ws/{ws_id}/reassess").status_code == 404
    assert post(attacker, f"/ws/{ws_id}/link").status_code == 404

    # the owner makes a new resume link: the attacker has nothing left, the owner everything
    new_resume_link(owner.client, owner.public_id)
    assert denied(attacker, assessment_urls(owner.public_id) + ws_urls + [local(owner.resume_link)]) == []
    assert post(attacker, f"/a/{owner.public_id}/workspace").status_code == 404
    assert owner.client.get(f"/ws/{ws_id}").status_code == 200
    assert owner.client.get(owner.url("results")).status_code == 200


def test_a_new_resume_link_revokes_what_was_obtained_through_the_old_one(app, content):
    """The attacker came first: opened the workspace and made a contributor link with the
    leaked resume link. The owner's new resume link takes all of it back."""
    owner = submitted(Wizard(app.test_client(), content))
    attacker = app.test_client()
    attacker.get(local(owner.resume_link))
    _, ws_id, ws_link = open_workspace(attacker, owner.public_id)
    assert ws_id and ws_link
    contributor_link = invite(attacker, owner.public_id)
    contributor, contribution = join(app, contributor_link)
    assert contributor.get(f"/c/{contribution}").status_code == 200

    new_resume_link(owner.client, owner.public_id)

    assert denied(attacker, assessment_urls(owner.public_id) + [local(owner.resume_link), contributor_link,
                                                                 f"/ws/{ws_id}/a/{owner.public_id}"]) == []
    assert denied(contributor, [f"/c/{contribution}", f"/c/{contribution}/step/trust"]) == []
    # the workspace link (its own capability) no longer reaches the owner's assessment
    fresh = app.test_client()
    assert fresh.get(ws_link).status_code == 302
    history = fresh.get(f"/ws/{ws_id}").get_data(as_text=True)
    assert owner.public_id not in history
    assert owner.public_id not in fresh.get(f"/ws/{ws_id}/export.json").get_data(as_text=True)
    assert denied(fresh, [f"/ws/{ws_id}/a/{owner.public_id}"]) == []
    # the contributor link is shown as ended, and the owner can open a workspace of their own
    group = owner.client.get(owner.url("group")).get_data(as_text=True)
    assert "made through a link that has been replaced" in group
    response, own_ws, own_link = open_workspace(owner.client, owner.public_id)
    assert response.status_code == 303 and own_link and own_ws != ws_id


def test_a_new_workspace_link_revokes_what_was_obtained_through_the_old_one(app, content):
    owner = submitted(Wizard(app.test_client(), content))
    _, ws_id, ws_link = open_workspace(owner.client, owner.public_id)
    leaked = app.test_client()  # holds the workspace link
    assert leaked.get(ws_link).status_code == 302
    assert leaked.get(f"/ws/{ws_id}/a/{owner.public_id}").status_code == 302
    assert leaked.get(owner.url("results")).status_code == 200
    contributor_link = invite(leaked, owner.public_id)  # made through the workspace link
    html = shown_after(leaked, post(leaked, f"/ws/{ws_id}/reassess"))
    second = re.search(r'href="/a/([0-9a-f]+)"', html).group(1)
    second_link = local(re.search(r'value="(http[^"]+/r/[^"]+)"', html).group(1))
    elsewhere = app.test_client()
    assert elsewhere.get(second_link).status_code == 302  # the re-assessment's link works, for now

    assert "/w/" in shown_after(owner.client, post(owner.client, f"/ws/{ws_id}/link"))

    urls = [f"/ws/{ws_id}", ws_link, f"/ws/{ws_id}/export.json", owner.url("results"), contributor_link,
            *assessment_urls(second), second_link]
    assert denied(leaked, urls) == []
    assert denied(elsewhere, assessment_urls(second)) == []
    # the owner keeps the workspace and its assessments, and can open the re-assessment from it
    assert owner.client.get(f"/ws/{ws_id}").status_code == 200
    assert owner.client.get(f"/ws/{ws_id}/a/{second}").status_code == 302
    assert owner.client.get(f"/a/{second}/review").status_code == 200


def test_the_workspace_holder_keeps_the_assessment_in_it_when_making_a_new_resume_link(app, content):
    owner = submitted(Wizard(app.test_client(), content))
    _, ws_id, _ = open_workspace(owner.client, owner.public_id)
    new_resume_link(owner.client, owner.public_id)  # this browser holds the workspace link
    assert owner.public_id in owner.client.get(f"/ws/{ws_id}").get_data(as_text=True)
    assert owner.client.get(f"/ws/{ws_id}/a/{owner.public_id}").status_code == 302


def session_cookie(app: Any, client: FlaskClient) -> dict:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_no_link_token_is_kept_in_the_session_cookie_and_a_new_link_is_shown_once(app, content):
    owner = Wizard(app.test_client(), content)
    assert owner.start().status_code == 303
    tokens = [owner.resume_link.rsplit("/", 1)[1]]
    tokens.append(new_resume_link(owner.client, owner.public_id).rsplit("/", 1)[1])
    tokens.append(invite(owner.client, owner.public_id).rsplit("/", 1)[1])
    owner.answer_all()
    owner.submit()
    _, ws_id, ws_link = open_workspace(owner.client, owner.public_id)
    tokens.append(ws_link.rsplit("/", 1)[1])
    started = post(owner.client, f"/ws/{ws_id}/reassess")
    tokens.append(re.search(r'/r/([^"]+)"', shown_after(owner.client, started)).group(1))
    cookie = repr(session_cookie(app, owner.client))
    assert [t for t in tokens if t in cookie] == []
    assert owner.client.get_cookie("session").value.count(tokens[0][:12]) == 0
    # shown once: the pages seen again show no link
    for url in (owner.url("link"), owner.url("group"), f"/ws/{ws_id}"):
        html = owner.client.get(url).get_data(as_text=True)
        assert not re.search(r"/(r|i|w)/[A-Za-z0-9_-]{40,}", html), url
