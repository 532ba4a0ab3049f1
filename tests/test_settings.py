"""The one settings object: read from the environment once, used by the app, the exporter and the renderer."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp import create_app
from webapp.db import upgrade_database
from webapp.config import Settings
from webapp.export.exporter import default_database_url


def test_environment_is_read_into_typed_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("READINESS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("TRUSTED_HOSTS", " readiness.example.eu, ,www.readiness.example.eu")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.setenv("READINESS_REPORT_CACHE_MAX_MB", "64")
    monkeypatch.setenv("READINESS_RENDER_TIMEOUT", "90")
    monkeypatch.setenv("FLASK_DEBUG", "")  # empty: the default
    settings = Settings()
    assert settings.TRUSTED_HOSTS == ["readiness.example.eu", "www.readiness.example.eu"]
    assert settings.TRUSTED_PROXIES == 1 and settings.DEBUG is False
    assert settings.REPORT_CACHE_MAX_MB == 64
    # the defaults that depend on the instance folder follow it
    assert settings.DATABASE_URL == f"sqlite:///{tmp_path / 'readiness.sqlite3'}"
    assert settings.READINESS_RENDER.timeout == 90
    # the exporter opens the database the app would open
    assert default_database_url() == settings.DATABASE_URL


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings()


def test_the_render_queue_takes_its_limits_from_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("READINESS_RENDER_TIMEOUT", "45")
    monkeypatch.setenv("READINESS_RENDER_WORKERS", "3")
    upgrade_database(f"sqlite:///{tmp_path / 'x.sqlite3'}")  # the app refuses a database that was never migrated
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "k" * 32,
                      "INSTANCE_DIR": tmp_path})
    conf = app.extensions["celery"].conf
    assert (conf.task_soft_time_limit, conf.task_time_limit, conf.worker_concurrency) == (45, 60, 3)
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.broker_url == f"sqla+sqlite:///{tmp_path}/queue.sqlite3"  # embedded: nothing to install
    with_redis = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                             "SECRET_KEY": "k" * 32, "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert with_redis.extensions["celery"].conf.broker_url == "redis://127.0.0.1:1/0"
