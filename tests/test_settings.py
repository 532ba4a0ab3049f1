"""The one settings object: read from the environment once, used by the app, the exporter and the renderer."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness import report
from readiness.settings import RenderSettings
from webapp import create_app
from webapp.db import upgrade_database
from webapp.config import Settings
from webapp.export.exporter import default_database_url


def test_environment_is_read_into_typed_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("READINESS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("TRUSTED_HOSTS", " readiness.example.eu, ,www.readiness.example.eu")
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.setenv("READINESS_MAX_RENDERS", "0")
    monkeypatch.setenv("READINESS_RENDER_TIMEOUT", "90")
    monkeypatch.setenv("FLASK_DEBUG", "")  # empty: the default
    settings = Settings()
    assert settings.TRUSTED_HOSTS == ["readiness.example.eu", "www.readiness.example.eu"]
    assert settings.TRUSTED_PROXIES == 1 and settings.DEBUG is False
    assert settings.MAX_CONCURRENT_RENDERS == 1  # at least one render
    # the defaults that depend on the instance folder follow it
    assert settings.DATABASE_URL == f"sqlite:///{tmp_path / 'readiness.sqlite3'}"
    assert settings.RENDER_SLOT_DIR == str(tmp_path / "render-slots")
    assert settings.READINESS_RENDER.timeout == 90
    # the exporter opens the database the app would open
    assert default_database_url() == settings.DATABASE_URL


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings()


def test_the_app_passes_its_render_settings_to_the_renderer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(report, "_settings", None)
    monkeypatch.setenv("READINESS_RENDER_IDLE", "5")
    upgrade_database(f"sqlite:///{tmp_path / 'x.sqlite3'}")  # the app refuses a database that was never migrated
    create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "k" * 32})
    assert report.render_settings().idle == 5
    create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "k" * 32,
                "READINESS_RENDER": RenderSettings(idle=7)})
    assert report.render_settings().idle == 7

