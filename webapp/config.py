"""The one settings object, read from the environment (12-factor style).

``READINESS_ENV=production`` (set by ``make serve`` / ``gunicorn.conf.py``) makes
``check_config`` refuse to start with an unsafe setup; development (``make run``)
and the tests keep their conveniences (a generated secret key, plain HTTP).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

INSTANCE_DIR = Path(os.environ.get("READINESS_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))

# Shortest SECRET_KEY accepted in production (characters; `secrets.token_urlsafe(48)` gives 64).
MIN_SECRET_KEY = 32


class UnsafeConfig(RuntimeError):
    """The configuration is not safe to serve the public with; the message says what to set."""


def _dev_secret_key() -> str:
    """A random key kept in instance/ so that `make run` works out of the box and
    sessions survive a restart. Production sets SECRET_KEY explicitly."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _hosts(value: str) -> list[str] | None:
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    return hosts or None


class Config:
    READINESS_ENV = os.environ.get("READINESS_ENV", "development")
    DEBUG = _flag("FLASK_DEBUG")
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'readiness.sqlite3'}")
    # Links built for the officer to bookmark (resume links); without it, the request's host
    # is used, which production does not allow (a forged Host header would forge the link).
    BASE_URL = os.environ.get("BASE_URL", "")
    # Host names this app answers to (comma-separated); others get 400. In production,
    # defaults to BASE_URL's host.
    TRUSTED_HOSTS = _hosts(os.environ.get("TRUSTED_HOSTS", ""))
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust
    # (0: none). Behind one nginx/Caddy that terminates HTTPS, set 1.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Large enough for the longest legitimate step, small enough to refuse abuse (413).
    MAX_CONTENT_LENGTH = 256 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE")
    WTF_CSRF_TIME_LIMIT = None  # a long questionnaire must not expire under the officer
    # Flask-WTF's HTTPS check wants a same-origin Referer, which browsers never send here
    # (Referrer-Policy: no-referrer keeps resume links private), so every form would fail
    # behind HTTPS. The CSRF token and the SameSite=Lax session cookie do the protecting.
    WTF_CSRF_SSL_STRICT = False
    READINESS_CONTENT_DIR = os.environ.get("READINESS_CONTENT_DIR") or None
    # Pre-render the PDF right after submission so that the download is instant.
    PRERENDER_REPORT = os.environ.get("PRERENDER_REPORT", "1") == "1"
    # PDF renders at the same time on this host, across all server processes; keep it
    # below the number of gunicorn workers so that wizard pages stay responsive while
    # reports render. A render beyond it gets a friendly 503 "busy, try again".
    MAX_CONCURRENT_RENDERS = max(1, int(os.environ.get("READINESS_MAX_RENDERS", "1")))
    RENDER_SLOT_DIR = os.environ.get("READINESS_RENDER_SLOT_DIR", str(INSTANCE_DIR / "render-slots"))
    # Redis for several hosts: the report queue and the rate limits' counters (README: Scaling).
    # Without it: the embedded default (SQLite queue in instance/, limits in memory, one process).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Rate limits per client (Flask-Limiter notation; webapp/limits.py, README: Limits).
    LIMIT_NEW_ASSESSMENTS = os.environ.get("LIMIT_NEW_ASSESSMENTS", "30 per 10 minutes; 200 per day")
    LIMIT_NEW_WORKSPACES = os.environ.get("LIMIT_NEW_WORKSPACES", "30 per hour; 200 per day")
    LIMIT_NEW_REASSESSMENTS = os.environ.get("LIMIT_NEW_REASSESSMENTS", "30 per hour; 200 per day")
    LIMIT_NEW_INVITATIONS = os.environ.get("LIMIT_NEW_INVITATIONS", "30 per hour; 200 per day")
    LIMIT_NEW_CONTRIBUTIONS = os.environ.get("LIMIT_NEW_CONTRIBUTIONS", "60 per hour; 300 per day")
    LIMIT_BAD_LINKS = os.environ.get("LIMIT_BAD_LINKS", "20 per 10 minutes")
    # Issue 15: agreed answers, paper answers typed in, the printable questionnaire (a PDF
    # render), networks created and joined, peer-pool consent changes.
    LIMIT_NEW_AGREEMENTS = os.environ.get("LIMIT_NEW_AGREEMENTS", "120 per hour; 500 per day")
    LIMIT_PAPER_ANSWERS = os.environ.get("LIMIT_PAPER_ANSWERS", "60 per hour; 300 per day")
    LIMIT_QUESTIONNAIRES = os.environ.get("LIMIT_QUESTIONNAIRES", "30 per hour; 100 per day")
    LIMIT_NEW_NETWORKS = os.environ.get("LIMIT_NEW_NETWORKS", "20 per hour; 100 per day")
    LIMIT_NETWORK_JOINS = os.environ.get("LIMIT_NETWORK_JOINS", "30 per hour; 200 per day")
    LIMIT_NETWORK_PDFS = os.environ.get("LIMIT_NETWORK_PDFS", "30 per hour; 100 per day")
    LIMIT_PEER_CONSENT = os.environ.get("LIMIT_PEER_CONSENT", "60 per hour; 300 per day")
    LIMIT_REPORT_JOBS_PER_CLIENT = os.environ.get("LIMIT_REPORT_JOBS_PER_CLIENT", "60 per hour")
    LIMIT_REPORT_JOBS_PER_ASSESSMENT = os.environ.get("LIMIT_REPORT_JOBS_PER_ASSESSMENT", "20 per hour")
    # Caps on what one contributor link can add (the owner's group page must stay fast).
    MAX_CONTRIBUTIONS_PER_INVITATION = int(os.environ.get("MAX_CONTRIBUTIONS_PER_INVITATION", "150"))
    MAX_CONTRIBUTIONS_PER_ASSESSMENT = int(os.environ.get("MAX_CONTRIBUTIONS_PER_ASSESSMENT", "500"))
    RATELIMIT_HEADERS_ENABLED = True

    @classmethod
    def as_dict(cls) -> dict:
        data = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        if not data["SECRET_KEY"] and data["READINESS_ENV"] != "production":
            data["SECRET_KEY"] = _dev_secret_key()
        return data


def is_production(config: Mapping[str, Any]) -> bool:
    return config.get("READINESS_ENV") == "production"


def problems(config: Mapping[str, Any]) -> list[str]:
    """What makes this configuration unsafe for production (empty list: safe)."""
    found: list[str] = []
    key = config.get("SECRET_KEY") or ""
    if len(str(key)) < MIN_SECRET_KEY:
        found.append(f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY} characters "
                     "(python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    if config.get("DEBUG") or config.get("TESTING"):
        found.append("DEBUG (FLASK_DEBUG) and TESTING must be off: the debugger runs code sent by the browser")
    base = str(config.get("BASE_URL") or "")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        found.append("BASE_URL must be the public address, e.g. https://readiness.example.eu "
                     "(resume links are built from it, never from the request's Host header)")
    elif parts.scheme == "https" and not config.get("SESSION_COOKIE_SECURE"):
        found.append("SESSION_COOKIE_SECURE=1 is required behind HTTPS: the session cookie carries the access "
                     "granted by a resume link and must never travel over plain HTTP")
    elif parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        found.append("BASE_URL must use https:// for a public host (plain http only on loopback)")
    if parts.scheme == "https" and int(config.get("TRUSTED_PROXIES") or 0) < 1:
        # gunicorn speaks plain HTTP: behind https:// there is a proxy, and without trusting it
        # every client has the proxy's address, so one client's rate limit would refuse everyone.
        found.append("TRUSTED_PROXIES must be the number of reverse proxies in front of the app (1 behind one "
                     "nginx/Caddy that terminates HTTPS): the rate limits count per client address")
    return found


def check_config(config: dict[str, Any]) -> None:
    """Refuse to start unsafe in production; fill in derived settings.

    Raises ``UnsafeConfig`` listing every problem at once."""
    if not is_production(config):
        return
    found = problems(config)
    if found:
        raise UnsafeConfig("refusing to start in production:\n  - " + "\n  - ".join(found))
    if not config.get("TRUSTED_HOSTS"):
        host = urlsplit(config["BASE_URL"]).hostname
        config["TRUSTED_HOSTS"] = [host]
