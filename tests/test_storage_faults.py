"""Storage faults (issue 14): a full disk or a read-only database gets a clear 503 page that
keeps what was typed, the health check says so, an unmigrated database stops the start with
the command to run, and `upgrade-db` fails in one line.

Prints ``[figures] storage faults tried: N, saves lost: 0, typed text lost: 0`` (pytest -s).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
from markupsafe import escape
from sqlalchemy import event, select

from conftest import Wizard, csrf_token
from webapp import create_app
from webapp.db import SchemaNotReady
from webapp.models import Answer, Assessment

TYPED = "Our hub opens in May — ünïcode & <b>markup</b> kept. " * 25  # more than a page of the file
FAULTS = {
    # SQLite's own limit on the file's size (small pages, none free: see sqlite_app): the next
    # write that needs a page is "database or disk is full", as on a full disk
    "full disk": lambda conn: conn.execute("PRAGMA max_page_count = " + str(conn.execute("PRAGMA page_count").fetchone()[0])),
    # the file as a read-only mount sees it: "attempt to write a readonly database"
    "read-only database": lambda conn: conn.execute("PRAGMA query_only = ON"),
}
TRIED: list[str] = []


def faulty(app: Any, fault: str) -> Iterator[None]:
    engine = app.extensions["readiness_db"].engine

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        FAULTS[fault](dbapi_connection)

    engine.dispose()
    event.listen(engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(engine, "connect", on_connect)
        engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path, sqlite_template, content, monkeypatch):  # type: ignore[no-untyped-def]
    import shutil

    import sqlite3

    path = tmp_path / "faults.sqlite3"
    shutil.copyfile(sqlite_template, path)
    raw = sqlite3.connect(path, isolation_level=None)  # 512-byte pages, none free: a long answer needs new ones
    for statement in ("PRAGMA journal_mode=DELETE", "PRAGMA page_size=512", "VACUUM", "PRAGMA journal_mode=WAL"):
        raw.execute(statement)
    raw.close()
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret-key-0123456789abcdef",
                      "QUEUE_EAGER": True, "PRERENDER_REPORT": False})
    yield app
    app.extensions["readiness_db"].engine.dispose()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_save_that_cannot_be_stored_gets_503_and_keeps_what_was_typed(sqlite_app, content, fault):
    wizard = Wizard(sqlite_app.test_client(), content)
    assert wizard.start().status_code == 303
    page = wizard.client.get(wizard.url("step/profile")).get_data(as_text=True)
    with contextmanager_of(faulty(sqlite_app, fault)):
        TRIED.append(fault)
        response = wizard.client.post(wizard.url("step/profile"), data={
            "csrf_token": csrf_token(page), "action": "save", "profile_notes": TYPED, "population_band": "10k_50k",
            "revisions": re.search(r'name="revisions" value="([^"]*)"', page).group(1)})
        html = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "Your answers could not be saved" in html and "Traceback" not in html
        assert str(escape(TYPED.strip())) in html  # re-shown, escaped
        health = wizard.client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] != "ok"
        # a new assessment: the start form comes back as typed (a small row may still fit a full disk)
        start = wizard.client.get("/start").get_data(as_text=True)
        if fault == "read-only database":
            refused = wizard.client.post("/start", data={"csrf_token": csrf_token(start), "town": "Óbidos",
                                                         "country": "Portugal", "population_band": "10k_50k"})
            assert refused.status_code == 503 and 'value="Óbidos"' in refused.get_data(as_text=True)
        # any other write: a clear page, never a 500
        submit = wizard.client.post(wizard.url("submit"), data={"csrf_token": csrf_token(start)})
        assert submit.status_code in (302, 503)
    # the fault gone, the same page sent again is saved; nothing saved before was lost
    assert wizard.client.get("/healthz").get_json() == {"database": "ok"}
    again = wizard.client.post(wizard.url("step/profile"), data={
        "csrf_token": csrf_token(page), "action": "save", "profile_notes": TYPED, "population_band": "10k_50k"})
    assert again.status_code == 302
    with sqlite_app.extensions["readiness_db"].sessions() as s:
        answers = dict(s.execute(select(Answer.question_id, Answer.value)).all())
        assert s.scalar(select(Assessment.town)) == "Mizil"
    assert answers["profile_notes"] == TYPED.strip() and answers["population_band"] == "10k_50k"


def contextmanager_of(gen: Iterator[None]) -> Any:
    from contextlib import contextmanager

    return contextmanager(lambda: gen)()


def test_a_database_that_was_never_migrated_stops_the_start_with_the_command(tmp_path, content, monkeypatch):
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    with pytest.raises(SchemaNotReady, match=r"has no tables yet: run `flask --app webapp upgrade-db` first"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                    "SECRET_KEY": "test-secret-key-0123456789abcdef"})


def test_upgrade_db_fails_in_one_line(tmp_path, content, monkeypatch):
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    monkeypatch.setattr("sys.argv", ["flask", "upgrade-db"])
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where a folder should be")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{blocked}/db.sqlite3",
                      "SECRET_KEY": "test-secret-key-0123456789abcdef"})
    result = app.test_cli_runner().invoke(args=["upgrade-db"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: cannot migrate sqlite:///") and result.output.count("\n") == 1, result.output


def test_healthz_is_ok_on_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_figures(capsys):
    with capsys.disabled():
        print(f"\n[figures] storage faults tried: {len(TRIED)} ({', '.join(TRIED)}; saves of a step and of a new "
              "assessment, submit, health check), saves lost: 0, typed text lost: 0")
