"""The one settings object, read from the environment (12-factor style).

``READINESS_ENV=production`` (set by ``make serve`` / ``gunicorn.conf.py``) makes
``check_config`` refuse to start with an unsafe setup; development (``make run``)
and the tests keep their conveniences (a generated secret key, plain HTTP).
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Annotated, Any, ClassVar, Mapping
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from readiness.paths import CHECKOUT
from readiness.settings import RenderSettings

# Shortest SECRET_KEY accepted in production (characters; `secrets.token_urlsafe(48)` gives 64).
MIN_SECRET_KEY = 32


class UnsafeConfig(RuntimeError):
    """The configuration is not safe to serve the public with; the message says what to set."""


def default_instance_dir() -> Path:
    """instance/ of the checkout; for an installed package, Flask's place for it
    (``<prefix>/var/webapp-instance``), never inside site-packages."""
    if CHECKOUT is not None:
        return CHECKOUT / "instance"
    return Path(sys.prefix) / "var" / "webapp-instance"


Limit = Annotated[str, Field(min_length=1)]


class Settings(BaseSettings):
    """Every setting read from the environment, with its one default. Field names are the
    Flask config keys; the environment variable is the same name unless an alias says otherwise."""

    model_config = SettingsConfigDict(env_ignore_empty=True, populate_by_name=True, extra="ignore", frozen=True)

    READINESS_ENV: str = "development"
    DEBUG: bool = Field(False, validation_alias=AliasChoices("FLASK_DEBUG", "DEBUG"))
    SECRET_KEY: str | None = None
    # Where the SQLite file, the development secret key and the queue's files live.
    INSTANCE_DIR: Path = Field(default_factory=default_instance_dir,
                               validation_alias=AliasChoices("READINESS_INSTANCE_DIR", "INSTANCE_DIR"))
    # Default: the SQLite file in INSTANCE_DIR.
    DATABASE_URL: str = ""
    # Links built for the officer to bookmark (resume links); without it, the request's host
    # is used, which production does not allow (a forged Host header would forge the link).
    BASE_URL: str = ""
    # Host names this app answers to (comma-separated); others get 400. In production,
    # defaults to BASE_URL's host.
    TRUSTED_HOSTS: Annotated[list[str] | None, NoDecode] = None
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust
    # (0: none). Behind one nginx/Caddy that terminates HTTPS, set 1.
    TRUSTED_PROXIES: int = Field(0, ge=0)
    SESSION_COOKIE_SECURE: bool = False
    # Another content folder (questions/, rules/, cases/, ...) than the one shipped with the code.
    READINESS_CONTENT_DIR: str | None = None
    # Queue the summary report right after submission, so that it is ready when asked for.
    PRERENDER_REPORT: bool = True
    # The report renderer (READINESS_RENDER_TIMEOUT: a job's time limit; _WORKERS: render
    # processes per `make worker`).
    READINESS_RENDER: RenderSettings = Field(default_factory=RenderSettings)
    # The render queue (webapp/report/queue.py, README: Reports): the broker is Redis with
    # REDIS_URL, else QUEUE_URL, else an SQLite file in INSTANCE_DIR.
    QUEUE_URL: str = ""
    # Tests only: a job runs inside the request that queued it (production refuses it).
    QUEUE_EAGER: bool = False
    # Address space of a render process (MB): a render past it fails with MemoryError; and
    # the resident size after which the process is replaced once its job is done.
    RENDER_MAX_MEMORY_MB: int = Field(2048, ge=0, validation_alias=AliasChoices("READINESS_RENDER_MAX_MEMORY_MB",
                                                                                  "RENDER_MAX_MEMORY_MB"))
    RENDER_MAX_RSS_MB: int = Field(600, ge=50, validation_alias=AliasChoices("READINESS_RENDER_MAX_RSS_MB",
                                                                             "RENDER_MAX_RSS_MB"))
    # A job whose render process died this often (killed, out of memory) is marked failed.
    RENDER_MAX_ATTEMPTS: int = Field(3, ge=1)
    # Seconds a job may wait in the queue before it counts as lost (no worker running).
    QUEUE_LOST_AFTER: float = Field(900.0, gt=0, validation_alias=AliasChoices("READINESS_QUEUE_LOST_AFTER",
                                                                               "QUEUE_LOST_AFTER"))
    # SIGTERM to a worker: it finishes its job this long, then puts it back and exits.
    WORKER_SHUTDOWN_SECONDS: float = Field(2.0, ge=0)
    # Size bound of the document cache in the database, all subjects together (oldest go first).
    REPORT_CACHE_MAX_MB: int = Field(512, ge=1, validation_alias=AliasChoices("READINESS_REPORT_CACHE_MAX_MB",
                                                                             "REPORT_CACHE_MAX_MB"))
    # Redis for several hosts: the report queue and the rate limits' counters (README: Scaling).
    # Without it: the embedded default (SQLite queue in instance/, limits in memory, one process).
    REDIS_URL: str = ""
    # Rate limits per client (Flask-Limiter notation; webapp/limits.py, README: Limits).
    LIMIT_NEW_ASSESSMENTS: Limit = "30 per 10 minutes; 200 per day"
    LIMIT_NEW_WORKSPACES: Limit = "30 per hour; 200 per day"
    LIMIT_NEW_REASSESSMENTS: Limit = "30 per hour; 200 per day"
    LIMIT_NEW_INVITATIONS: Limit = "30 per hour; 200 per day"
    LIMIT_NEW_CONTRIBUTIONS: Limit = "60 per hour; 300 per day"
    LIMIT_BAD_LINKS: Limit = "20 per 10 minutes"
    # Agreed answers, paper answers typed in, the printable questionnaire (a PDF render),
    # networks created and joined, peer-pool consent changes.
    LIMIT_NEW_AGREEMENTS: Limit = "120 per hour; 500 per day"
    LIMIT_PAPER_ANSWERS: Limit = "60 per hour; 300 per day"
    LIMIT_QUESTIONNAIRES: Limit = "30 per hour; 100 per day"
    LIMIT_NEW_NETWORKS: Limit = "20 per hour; 100 per day"
    LIMIT_NETWORK_JOINS: Limit = "30 per hour; 200 per day"
    LIMIT_NETWORK_PDFS: Limit = "30 per hour; 100 per day"
    LIMIT_PEER_CONSENT: Limit = "60 per hour; 300 per day"
    LIMIT_REPORT_JOBS_PER_CLIENT: Limit = "60 per hour"
    LIMIT_REPORT_JOBS_PER_ASSESSMENT: Limit = "20 per hour"
    # Caps on what one contributor link can add (the owner's group page must stay fast).
    MAX_CONTRIBUTIONS_PER_INVITATION: int = Field(150, ge=1)
    MAX_CONTRIBUTIONS_PER_ASSESSMENT: int = Field(500, ge=1)

    # Not settings but the app's fixed choices, in the Flask config beside them.
    FIXED: ClassVar[dict[str, Any]] = {
        # Large enough for the longest legitimate step, small enough to refuse abuse (413).
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a long questionnaire must not expire under the officer
        # Flask-WTF's HTTPS check wants a same-origin Referer, which browsers never send here
        # (Referrer-Policy: no-referrer keeps resume links private), so every form would fail
        # behind HTTPS. The CSRF token and the SameSite=Lax session cookie do the protecting.
        "WTF_CSRF_SSL_STRICT": False,
        "RATELIMIT_HEADERS_ENABLED": True,
    }

    @field_validator("TRUSTED_HOSTS", mode="before")
    @classmethod
    def _hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()] or None
        return value or None

    @model_validator(mode="after")
    def _derived(self) -> "Settings":
        # frozen: the derived defaults are filled in once, here
        if not self.DATABASE_URL:
            object.__setattr__(self, "DATABASE_URL", f"sqlite:///{self.INSTANCE_DIR / 'readiness.sqlite3'}")
        return self

    def flask_config(self) -> dict[str, Any]:
        """The settings as Flask config keys (plus the fixed choices); in development a
        generated secret key kept in INSTANCE_DIR."""
        data = {**self.FIXED, **{name: getattr(self, name) for name in type(self).model_fields}}
        if not data["SECRET_KEY"] and data["READINESS_ENV"] != "production":
            data["SECRET_KEY"] = _dev_secret_key(self.INSTANCE_DIR)
        return data


def _dev_secret_key(instance_dir: Path) -> str:
    """A random key kept in instance/ so that `make run` works out of the box and
    sessions survive a restart. Production sets SECRET_KEY explicitly."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def is_production(config: Mapping[str, Any]) -> bool:
    return config.get("READINESS_ENV") == "production"


def problems(config: Mapping[str, Any]) -> list[str]:
    """What makes this configuration unsafe for production (empty list: safe)."""
    found: list[str] = []
    key = config.get("SECRET_KEY") or ""
    if len(str(key)) < MIN_SECRET_KEY:
        found.append(f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY} characters "
                     "(python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    if config.get("QUEUE_EAGER"):
        found.append("QUEUE_EAGER must be off: it renders reports inside web requests (tests only)")
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
