"""Production serving: `make serve` runs `gunicorn -c gunicorn.conf.py 'webapp:create_app()'`.

Put a reverse proxy that terminates HTTPS (nginx, Caddy) in front, and set
SECRET_KEY, BASE_URL=https://..., SESSION_COOKIE_SECURE=1, TRUSTED_PROXIES=1 and
DATABASE_URL (webapp/config.py). The app refuses to start without them. With more
than one worker (or host), REDIS_URL is required: the rate limits must be shared.

Web workers never render reports (the render workers of `make worker` do), so every
request takes milliseconds and the lifecycle can be tight:
- the app is loaded once in the master (preload_app), then ``gc.freeze()`` moves what
  start-up allocated out of the collector's scans, so forked workers share those pages
  and a restarted worker is serving in milliseconds;
- recycling (max_requests) is spread: the jitter is half the budget, so workers that
  started together restart far apart and the others keep serving meanwhile;
- SIGTERM: workers finish their request and exit within graceful_timeout (5 s); nothing
  is forked from a worker, so nothing outlives them or holds the port.
"""

import gc
import multiprocessing
import os

os.environ.setdefault("READINESS_ENV", "production")

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: one request per process; pages take milliseconds.
workers = int(os.environ.get("WEB_CONCURRENCY", min(8, multiprocessing.cpu_count() * 2 + 1)))
preload_app = True
# Recycle each worker after about this many requests: a bound on slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
# Half the budget: workers that started together restart hundreds of requests apart.
max_requests_jitter = max(1, max_requests // 2)
timeout = 30
graceful_timeout = 5
accesslog = "-"
# Never log query strings: they could carry a resume token in a mistyped link.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def on_starting(server):  # type: ignore[no-untyped-def]
    if server.cfg.workers > 1 and not os.environ.get("REDIS_URL"):
        message = (f"{server.cfg.workers} workers without REDIS_URL: each keeps its own rate-limit counts "
                   "(set REDIS_URL, or WEB_CONCURRENCY=1)")
        if os.environ.get("BASE_URL", "").startswith("https://"):  # a public deployment
            raise SystemExit(message)
        server.log.warning(message)


def when_ready(server):  # type: ignore[no-untyped-def]
    # The app is loaded (preload_app): compile its templates and load its catalogs here, once
    # (webapp/warmup.py; a fresh worker would otherwise pay for them on its first requests),
    # then freeze it before the first fork, so that workers share its memory and no worker's
    # collector walks it.
    app = getattr(server.app, "callable", None)
    if "readiness_content" in getattr(app, "extensions", {}):  # this project's app (not a bench baseline)
        from webapp.warmup import warm_up

        warm_up(app)
    gc.collect()
    gc.freeze()


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    # Database connections are never shared with the master or a sibling: each worker's
    # engine forgets the pool it inherited (without closing the master's sockets) and
    # opens its own on first use.
    app = getattr(server.app, "callable", None)
    database = getattr(app, "extensions", {}).get("readiness_db") if app is not None else None
    if database is not None and database.engine is not None:
        database.engine.dispose(close=False)
