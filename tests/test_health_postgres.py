"""/healthz and storage faults on PostgreSQL (issue 14): the health check is a real write,
rolled back, so a full disk, a read-only database and credentials that may not write answer
503 before an officer's save meets them; a save meeting them gets the clear 503 page that
keeps what was typed.

The full disk is real: a throwaway cluster on a small tmpfs, filled up (needs root that may
mount, as .ci/run has). Prints ``[figures] PostgreSQL storage faults tried: ...`` (pytest -s).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from markupsafe import escape
from sqlalchemy import create_engine, make_url, select, text

from conftest import Wizard, csrf_token, free_port
from webapp import create_app
from webapp.db import upgrade_database
from webapp.models import Answer

ROOT = Path(__file__).resolve().parents[1]
TYPED = "Our hub opens in May — ünïcode & <b>markup</b> kept. " * 5
TRIED: list[str] = []


def make_app(url: str, content: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key-0123456789abcdef",
                       "RENDER_SLOT_DIR": str(tmp_path / "slots")})


@pytest.fixture
def own_database(postgres_migrated: str) -> Iterator[str]:
    """A migrated database of its own on the test server (its settings are changed here)."""
    name = "readiness_health_" + secrets.token_hex(4)
    admin = create_engine(postgres_migrated, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = make_url(postgres_migrated).set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql("DROP ROLE IF EXISTS readiness_reader")
    admin.dispose()


def a_typed_save(app: Any, content: Any) -> tuple[Wizard, dict[str, str]]:
    wizard = Wizard(app.test_client(), content)
    assert wizard.start().status_code == 303
    page = wizard.client.get(wizard.url("step/profile")).get_data(as_text=True)
    return wizard, {"csrf_token": csrf_token(page), "action": "save", "profile_notes": TYPED,
                    "population_band": "10k_50k", "revisions": re.search(r'name="revisions" value="([^"]*)"', page).group(1)}


def refused_and_kept(wizard: Wizard, form: dict[str, str]) -> None:
    response = wizard.client.post(wizard.url("step/profile"), data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 503, (response.status_code, html[:300])
    assert "Your answers could not be saved" in html and str(escape(TYPED.strip())) in html


def test_healthz_writes_on_postgresql_and_a_read_only_database_gets_503_that_keeps_the_text(
        own_database, content, monkeypatch, tmp_path):
    app = make_app(own_database, content, monkeypatch, tmp_path)
    try:
        assert app.test_client().get("/healthz").get_json() == {"database": "ok"}
        wizard, form = a_typed_save(app, content)
        engine = app.extensions["readiness_db"].engine
        name = make_url(own_database).database
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
        engine.dispose()  # new connections see the setting
        TRIED.append("read-only database")
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and health.get_json() == {"database": "read-only"}
        refused_and_kept(wizard, form)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("SET default_transaction_read_only = off")
            conn.exec_driver_sql(f"ALTER DATABASE {name} SET default_transaction_read_only = off")
        engine.dispose()
        assert app.test_client().get("/healthz").get_json() == {"database": "ok"}
        assert wizard.client.post(wizard.url("step/profile"), data=form).status_code == 302
    finally:
        app.extensions["readiness_db"].engine.dispose()


def test_healthz_on_postgresql_catches_credentials_that_may_read_but_not_write(own_database, content, monkeypatch, tmp_path):
    """The server is not read-only, so only a real write finds out."""
    admin = create_engine(own_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql("DROP ROLE IF EXISTS readiness_reader")
        conn.exec_driver_sql("CREATE ROLE readiness_reader LOGIN")
        conn.exec_driver_sql("GRANT USAGE ON SCHEMA public TO readiness_reader")
        conn.exec_driver_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO readiness_reader")
    admin.dispose()
    reader = make_url(own_database).set(username="readiness_reader").render_as_string(hide_password=False)
    app = make_app(reader, content, monkeypatch, tmp_path)
    try:
        TRIED.append("credentials that may not write")
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and "permission denied" in health.get_json()["database"], health.get_json()
    finally:
        app.extensions["readiness_db"].engine.dispose()


@pytest.fixture
def cluster_on_a_small_disk(postgres_migrated: str) -> Iterator[tuple[str, Path]]:
    """A throwaway PostgreSQL cluster (.ci/postgres) on its own 96 MB tmpfs."""
    disk = Path(tempfile.mkdtemp(prefix="readiness-disk-"))  # not under pytest's 0700 folder: the server's user reads it
    disk.chmod(0o755)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        shutil.rmtree(disk, ignore_errors=True)
        pytest.skip(f"a full disk needs a tmpfs of its own (root that may mount): {mounted.stderr.strip()}")
    env = {**os.environ, "PGPORT_TEST": str(free_port())}
    try:
        started = subprocess.run([str(ROOT / ".ci" / "postgres"), "start", str(disk / "pg")], env=env,
                                 capture_output=True, text=True, timeout=180)
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip().split("=", 1)[1]
        upgrade_database(url)
        yield url, disk
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", str(disk / "pg")], env=env, capture_output=True, timeout=120)
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
        shutil.rmtree(disk, ignore_errors=True)


@pytest.mark.slow
def test_a_full_disk_on_postgresql_gets_503_from_healthz_and_the_save_keeps_the_text(
        cluster_on_a_small_disk, content, monkeypatch, tmp_path):
    url, disk = cluster_on_a_small_disk
    app = make_app(url, content, monkeypatch, tmp_path)
    try:
        assert app.test_client().get("/healthz").get_json() == {"database": "ok"}
        wizard, form = a_typed_save(app, content)
        filler = disk / "filler"
        with filler.open("wb") as f:  # every free block taken, as on a full disk
            try:
                while True:
                    f.write(b"\0" * (1 << 20))
                    f.flush()
            except OSError:
                pass
        TRIED.append("full disk")
        health = app.test_client().get("/healthz")
        assert health.status_code == 503 and "No space left on device" in health.get_json()["database"], health.get_json()
        # an officer's save: stored if its row still fits in a page already on disk, else the
        # clear 503 page with the text kept; never a 500
        response = wizard.client.post(wizard.url("step/profile"), data=form)
        assert response.status_code in (302, 503), response.status_code
        if response.status_code == 503:
            assert str(escape(TYPED.strip())) in response.get_data(as_text=True)
        filler.unlink()
        assert app.test_client().get("/healthz").get_json() == {"database": "ok"}
        with app.extensions["readiness_db"].sessions() as s:  # nothing saved before was lost
            assert dict(s.execute(select(Answer.question_id, Answer.value)).all())["population_band"] == "10k_50k"
    finally:
        app.extensions["readiness_db"].engine.dispose()


def test_figures(capsys):
    with capsys.disabled():
        print(f"\n[figures] PostgreSQL storage faults tried: {len(TRIED)} ({', '.join(TRIED)}), "
              "health check 503 for each, typed text lost: 0")
