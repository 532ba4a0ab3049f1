"""Walks that several test modules share, beyond the wizard (conftest.Wizard): the group's
personal links, the town workspace link, the language picker, a weak town's answers. Test modules import from here, never from each other."""

from __future__ import annotations

import re

from typing import Any

from sqlalchemy import inspect, text

from conftest import Wizard, best_value, csrf_token, shown_after


def invite(wizard: Wizard, label: str, role: str) -> str:
    """The owner makes a personal link for one person; returns its path (/i/...)."""
    page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    response = wizard.client.post(wizard.url("group/invite"), data={"csrf_token": csrf_token(page), "label": label, "role": role})
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]  # the new link, shown once
    html = response.get_data(as_text=True)
    return re.search(r'value="http://localhost(/i/[^"]+)"', html).group(1)


def owner_with_invitation(wizard: Wizard, label: str = "Chamber of commerce", role: str = "business") -> str:
    wizard.start(town="Viareggio", country="Italy")
    return invite(wizard, label, role)


def join(app, link: str, role: str | None = None):  # type: ignore[no-untyped-def]
    """Open a personal link in a new browser and start answering; returns (client, contribution id)."""
    client = app.test_client()
    entered = client.get(link)
    assert entered.status_code == 302 and "/i/" not in entered.headers["Location"]
    page = client.get(entered.headers["Location"]).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page)} | ({"role": role} if role else {})
    response = client.post(entered.headers["Location"], data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    contribution = response.headers["Location"].split("/c/")[1].split("/")[0]
    return client, contribution


def answer(client, contribution: str, step: str, values: dict):  # type: ignore[no-untyped-def]
    page = client.get(f"/c/{contribution}/step/{step}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "action": "next", **values}
    return client.post(f"/c/{contribution}/step/{step}", data=data)


def open_workspace(wizard: Wizard) -> str:
    """Open (or reopen) the town workspace from the results page; its address. A new
    workspace's link is on the page that answers the post, once (``wizard.workspace_page``)."""
    page = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    assert "Open the town workspace" in page
    response = wizard.client.post(wizard.url("workspace"), data={"csrf_token": csrf_token(page)})
    if response.status_code == 302:  # already open in this browser
        return response.headers["Location"]
    html = shown_after(wizard.client, response)
    wizard.workspace_page = html  # type: ignore[attr-defined]
    return "/ws/" + re.search(r'action="/ws/([0-9a-f]+)/link"', html).group(1)


def choose_language(client, lang: str, next_path: str = "/") -> None:  # type: ignore[no-untyped-def]
    page = client.get("/start").get_data(as_text=True)  # a page with a form token (cacheable pages carry none)
    response = client.post("/language", data={"csrf_token": csrf_token(page), "language": lang, "next": next_path})
    assert response.status_code == 302 and response.headers["Location"].endswith(next_path)


def weakest(q):  # type: ignore[no-untyped-def]
    """The lowest-scoring answer where a question has scored options, else the best one (a weak town)."""
    value = best_value(q)
    if q.type.value in ("single", "scale", "yesno"):
        scored = [o for o in q.options if o.score is not None]
        return min(scored, key=lambda o: o.score).value if scored else value
    return value


def snapshot(app: Any) -> dict[str, list]:
    """Every row of every table (the report cache and its render jobs aside: a cache, not state; and
    the one-time pads of new links, which the GET that shows a link consumes by design:
    post/redirect/get)."""
    with app.extensions["readiness_db"].engine.connect() as conn:
        tables = sorted(t for t in inspect(conn).get_table_names()
                        if t not in ("alembic_version", "report_cache", "report_job", "link_view"))
        return {t: sorted(map(repr, conn.execute(text(f'select * from "{t}"')).all())) for t in tables}
