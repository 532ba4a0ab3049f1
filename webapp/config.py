"""The one settings object, read from the environment (12-factor style)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("READINESS_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _dev_secret_key() -> str:
    """A random key kept in instance/ so that `make run` works out of the box and
    sessions survive a restart. Production sets SECRET_KEY explicitly."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'readiness.sqlite3'}")
    # Link built for the officer to bookmark; without it, the request's host is used.
    BASE_URL = os.environ.get("BASE_URL", "")
    # Large enough for the longest legitimate step, small enough to refuse abuse (413).
    MAX_CONTENT_LENGTH = 256 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    WTF_CSRF_TIME_LIMIT = None  # a long questionnaire must not expire under the officer
    READINESS_CONTENT_DIR = os.environ.get("READINESS_CONTENT_DIR") or None
    # Pre-render the PDF right after submission so that the download is instant.
    PRERENDER_REPORT = os.environ.get("PRERENDER_REPORT", "1") == "1"

    @classmethod
    def as_dict(cls) -> dict:
        data = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        if not data["SECRET_KEY"]:
            data["SECRET_KEY"] = _dev_secret_key()
        return data
