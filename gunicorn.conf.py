"""Production serving: `make serve` runs `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`.

Put a reverse proxy that terminates HTTPS (nginx, Caddy) in front, and set
SECRET_KEY, BASE_URL=https://..., SESSION_COOKIE_SECURE=1, TRUSTED_PROXIES=1 and
DATABASE_URL (webapp/config.py). The app refuses to start without them.
"""

import multiprocessing
import os

from readiness.settings import RenderSettings
from webapp.config import Settings

os.environ.setdefault("READINESS_ENV", "production")

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: one request per process. Pages take milliseconds; PDF renders take about a
# second each and are bounded separately (READINESS_MAX_RENDERS, below the worker count).
workers = int(os.environ.get("WEB_CONCURRENCY", min(8, multiprocessing.cpu_count() * 2 + 1)))
# Recycle each worker after this many requests (jittered so they do not all restart at
# once): a bound on slow memory growth in long-lived processes (fonts, caches, WeasyPrint).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
# Longer than the report's render time limit, so that the limit, not gunicorn, stops a slow render.
timeout = int(RenderSettings().timeout) + 30
graceful_timeout = 30
accesslog = "-"
# Never log query strings: they could carry a resume token in a mistyped link.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def on_starting(server):  # type: ignore[no-untyped-def]
    renders = Settings().MAX_CONCURRENT_RENDERS
    if renders >= server.cfg.workers:
        raise SystemExit(f"READINESS_MAX_RENDERS={renders} must be below the number of workers "
                         f"({server.cfg.workers}) so that pages stay responsive while reports render")
