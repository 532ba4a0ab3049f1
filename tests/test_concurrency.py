"""Several stakeholders saving to one assessment at once, on SQLite and PostgreSQL.

Each client is a separate browser (its own test client and session cookie) in its
own thread, doing what a browser does: load the step, change its answer, post the
whole form back with the revisions it was shown. A save is acknowledged by the
redirect (302); a save refused because someone else changed the step meanwhile
(409) is retried from a fresh page, as the officer would after reading the message.
"""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser
from typing import Any

from werkzeug.datastructures import MultiDict

from conftest import best_value, csrf_token
from readiness.models import QuestionType
from webapp.wizard import store
from webapp.wizard.steps import all_steps

CLIENTS = 50
MAX_TRIES = 60  # per client; bounded so that a livelock fails the test instead of hanging it


class FormReader(HTMLParser):
    """The fields a browser would post from the page's form (checked boxes, text, hidden)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields.append((self._textarea, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def save_own_answer(client: Any, url: str, qid: str, value: Any) -> tuple[bool, int]:
    """Load the page, set one answer, post the rest as shown; retry after a 409. (acked, conflicts)"""
    conflicts = 0
    for _ in range(MAX_TRIES):
        page = client.get(url)
        fields = [(k, v) for k, v in form_fields(page.get_data(as_text=True)) if k != qid]
        values = value if isinstance(value, list) else [value]
        data = fields + [(qid, v) for v in values] + [("action", "save")]
        response = client.post(url, data=MultiDict(data))
        if response.status_code == 302:
            return True, conflicts
        assert response.status_code == 409, (response.status_code, response.get_data(as_text=True)[:500])
        conflicts += 1
    return False, conflicts


def test_concurrent_stakeholders_lose_no_acknowledged_answer(app, wizard, content, capsys):
    wizard.start()
    steps = all_steps(content)
    # 50 (question, value) pairs, several per step so that clients collide on the same pages.
    targets = [(s, q) for s in steps[1:] for q in s.questions if q.show_if is None and q.type != QuestionType.text]
    assert len(targets) >= CLIENTS
    targets = targets[:CLIENTS]
    clients = []
    for _ in targets:
        c = app.test_client()
        assert c.get(wizard.resume_link.replace("http://localhost", "")).status_code == 302
        clients.append(c)

    results: list[tuple[bool, int] | BaseException] = [None] * CLIENTS  # type: ignore[list-item]
    barrier = threading.Barrier(CLIENTS)

    def run(i: int) -> None:
        step, q = targets[i]
        try:
            barrier.wait(timeout=60)
            results[i] = save_own_answer(clients[i], wizard.url(f"step/{step.id}"), q.id, best_value(q))
        except BaseException as exc:  # reported below, with the others
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    acked = [i for i, r in enumerate(results) if r[0]]  # type: ignore[index]
    saved = store.load_answers(app.extensions["readiness_db"].sessions, store.by_public_id(
        app.extensions["readiness_db"].sessions, wizard.public_id).id)
    lost = [targets[i][1].id for i in acked if saved.get(targets[i][1].id) != _stored(targets[i][1])]
    conflicts = sum(r[1] for r in results)  # type: ignore[index]
    with capsys.disabled():
        print(f"\n[figures] {app.config['DATABASE_URL'].split(':')[0]}: {CLIENTS} concurrent clients x 1 save, "
              f"{len(acked)} acknowledged, {len(lost)} lost, {conflicts} conflicting edits detected and retried")
    assert len(acked) == CLIENTS
    assert lost == []


def _stored(q: Any) -> Any:
    value = best_value(q)
    if q.type == QuestionType.number:
        return int(value)
    return value


def test_a_conflicting_edit_of_the_same_answer_is_detected_not_overwritten(app, wizard, content):
    wizard.start()
    step = next(s for s in all_steps(content)[1:] if any(q.type == QuestionType.single for q in s.questions))
    q = next(q for q in step.questions if q.type == QuestionType.single and q.show_if is None)
    first, second = [o.value for o in q.options if o.value != "dont_know"][:2]
    other = app.test_client()
    other.get(wizard.resume_link.replace("http://localhost", ""))
    url = wizard.url(f"step/{step.id}")

    # Both stakeholders open the page; one saves, then the other saves a different answer.
    mine = wizard.client.get(url).get_data(as_text=True)
    theirs = other.get(url).get_data(as_text=True)
    ok = other.post(url, data={"csrf_token": csrf_token(theirs), "revisions": _revisions(theirs),
                               q.id: first, "action": "save"})
    assert ok.status_code == 302
    late = wizard.client.post(url, data={"csrf_token": csrf_token(mine), "revisions": _revisions(mine),
                                         q.id: second, "action": "save"})
    html = late.get_data(as_text=True)
    assert late.status_code == 409
    label = q.option(first).label
    assert "Someone else changed this answer" in html and label in html
    assert f'value="{second}" checked' in html  # what this officer chose is kept on the page
    sessions = app.extensions["readiness_db"].sessions
    assessment = store.by_public_id(sessions, wizard.public_id)
    assert store.load_answers(sessions, assessment.id)[q.id] == first  # not overwritten

    # Sending the page again (now showing the new revisions) is a deliberate choice: it saves.
    again = wizard.client.post(url, data={"csrf_token": csrf_token(html), "revisions": _revisions(html),
                                          q.id: second, "action": "save"})
    assert again.status_code == 302
    assert store.load_answers(sessions, assessment.id)[q.id] == second


def test_saving_the_same_answer_as_someone_else_is_not_a_conflict(app, wizard, content):
    wizard.start()
    step = all_steps(content)[1]
    q = next(q for q in step.questions if q.type == QuestionType.single and q.show_if is None)
    other = app.test_client()
    other.get(wizard.resume_link.replace("http://localhost", ""))
    url = wizard.url(f"step/{step.id}")
    mine, theirs = wizard.client.get(url).get_data(as_text=True), other.get(url).get_data(as_text=True)
    value = best_value(q)
    for client, page in ((other, theirs), (wizard.client, mine)):
        response = client.post(url, data={"csrf_token": csrf_token(page), "revisions": _revisions(page),
                                           q.id: value, "action": "save"})
        assert response.status_code == 302


def _revisions(html: str) -> str:
    m = re.search(r'name="revisions" value="([^"]*)"', html)
    assert m, "the step form carries no revisions"
    return m.group(1)
