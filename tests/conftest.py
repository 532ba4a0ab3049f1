"""Fixtures: app -> client -> runner with a temporary database, and a wizard walker."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from readiness.answers import check_answers, is_visible
from readiness.content import Content, load_content
from readiness.models import Question, QuestionType
from webapp import create_app
from webapp.db import upgrade_database

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
# The browser fixtures (browser, live_server), for the test modules marked ``browser``.
pytest_plugins = ["browser_support"]


# Fixtures that render a whole PDF report: a test that uses one is slow.
PDF_FIXTURES = {"rendered", "rendered_pt", "attacked"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests and tests on rendered PDFs are slow: `make test-quick` leaves them out.
    for item in items:
        if item.get_closest_marker("browser") or PDF_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


# The database and web tests run against every available database: SQLite always,
# PostgreSQL when TEST_POSTGRES_URL points at a server (.ci/run starts one on
# loopback and sets REQUIRE_POSTGRES=1, which turns a missing server into a failure).
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
DATABASES = ["sqlite", "postgresql"]


def _postgres_or_skip() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set (.ci/postgres start DIR prints it)")
    pytest.skip("PostgreSQL: set TEST_POSTGRES_URL=postgresql+psycopg://... to run this case (.ci/run does)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway Redis (Debian's redis-server) on 127.0.0.1, for the tests of several servers.

    Missing redis-server is a skip, or a failure with REQUIRE_REDIS=1 (.ci/run installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed (apt-get install redis-server)")
        pytest.skip("Redis: apt-get install redis-server to run the multi-server cases (.ci/run does)")
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (Alembic runs once per session)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    url = _postgres_or_skip()
    upgrade_database(url)
    return url


def empty_postgres(url: str) -> None:
    """Every table emptied (the schema stays): the next test starts from a fresh database."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            if tables:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


def fresh_database(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of the given kind ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_migrated")
    empty_postgres(url)
    return url


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = fresh_database(request.param, request, tmp_path)
    yield url
    if request.param == "postgresql":
        empty_postgres(url)


@pytest.fixture
def app(database_url: str, content: Content, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Flask]:
    # The checked content is the same for every test: load it once, not per app.
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content if directory is None else load_content(directory))
    app = create_app({"TESTING": True, "STRICT_TEMPLATES": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-0123456789abcdef",
                      # report jobs run inline in the request (no worker process): the tests of the
                      # queue itself start a real worker (tests/test_render_queue.py)
                      "QUEUE_EAGER": True, "PRERENDER_REPORT": False})
    yield app
    app.extensions["readiness_db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1) or m.group(2)


# The answer builders: the best answer (as a form posts it, or as stored) and a whole
# best-answered questionnaire. tests/towns.py builds the weak and mixed towns beside it.


def best_answer(q: Question) -> Any:
    """The highest-scoring answer to a question, as stored (a number as a number)."""
    if q.type == QuestionType.number:
        return int(max(q.score_bands, key=lambda b: b.score).min) if q.score_bands else int(q.min or 1)
    return best_value(q)


def best_answers(content: Content) -> dict[str, Any]:
    """The best answer to every question, checked as the wizard checks them."""
    return check_answers(content.questions, {q.id: best_answer(q) for q in content.questions.values()})


def best_value(q: Question) -> Any:
    """The highest-scoring answer to a question, as a form would post it."""
    if q.type == QuestionType.number:
        return str(best_answer(q))
    if q.type == QuestionType.text:
        return "Notes"
    scored = [o for o in q.options if o.score is not None] or [o for o in q.options if o.value != "dont_know"]
    best = max(scored, key=lambda o: o.score or 0)
    return [best.value] if q.type == QuestionType.multi else best.value


def shown_after(client: FlaskClient, response: Any) -> str:
    """Post/redirect/get: the page that a post making a link redirects to (it shows the link once)."""
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:500])
    page = client.get(response.headers["Location"])
    assert page.status_code == 200, page.status_code
    return page.get_data(as_text=True)


class Wizard:
    """Walks the questionnaire like an officer does (cf. flaskr's AuthActions)."""

    def __init__(self, client: FlaskClient, content: Content):
        self.client = client
        self.content = content
        self.public_id: str | None = None
        self.resume_link: str | None = None
        self.link_page = ""

    def start(self, town: str = "Mizil", country: str = "Romania", population: str = "10k_50k", role: str = "") -> Any:
        page = self.client.get("/start")
        response = self.client.post("/start", data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "town": town, "country": country, "population_band": population, "contact_role": role,
        })
        if response.status_code == 303:  # post/redirect/get: the link page shows the new resume link once
            self.link_page = self.client.get(response.headers["Location"]).get_data(as_text=True)
            self.public_id = re.search(r'href="/a/([0-9a-f]+)"', self.link_page).group(1)
            m = re.search(r'value="(http[^"]+/r/[^"]+)"', self.link_page)
            self.resume_link = m.group(1) if m else None
        return response

    def url(self, suffix: str) -> str:
        return f"/a/{self.public_id}/{suffix}"

    def post_step(self, step_id: str, answers: dict[str, Any], action: str = "next") -> Any:
        page = self.client.get(self.url(f"step/{step_id}"))
        assert page.status_code == 200, page.status_code
        html = page.get_data(as_text=True)
        data: dict[str, Any] = {"csrf_token": csrf_token(html), "action": action}
        revisions = re.search(r'name="revisions" value="([^"]*)"', html)
        if revisions:  # sent back like a browser does: lets the save detect edits made meanwhile
            data["revisions"] = revisions.group(1)
        data.update(answers)
        return self.client.post(self.url(f"step/{step_id}"), data=data)

    def answer_all(self, chooser=best_value, overrides: dict[str, Any] | None = None) -> None:  # type: ignore[no-untyped-def]
        from webapp.wizard.steps import all_steps

        overrides = overrides or {}
        answered: dict[str, Any] = {"population_band": "10k_50k"}
        for step in all_steps(self.content):
            values = {}
            for q in step.questions:
                value = overrides.get(q.id, chooser(q))
                # a follow-up the answers rule out is left alone, as on the page (an answer to it is
                # a contradiction the page reports)
                if value is not None and is_visible(q, {**answered, **values}):
                    values[q.id] = value
            answered.update(values)
            response = self.post_step(step.id, values)
            assert response.status_code == 302, (step.id, response.get_data(as_text=True)[:2000])

    def submit(self) -> Any:
        page = self.client.get(self.url("review"))
        return self.client.post(self.url("submit"), data={"csrf_token": csrf_token(page.get_data(as_text=True))})


@pytest.fixture
def wizard(client: FlaskClient, content: Content) -> Wizard:
    return Wizard(client, content)
