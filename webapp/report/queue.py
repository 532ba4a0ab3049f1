"""Rendering as jobs on a task queue (Celery), in worker processes that Celery runs.

Web servers never render: a request records a job (webapp/report/jobs.py) and puts its
id on the queue. ``make worker`` (production) or ``make run`` (with the app) starts
``celery -A webapp.worker worker``: a supervisor process and its pool children; a child
renders one document at a time with WeasyPrint kept warm.

Why Celery (README, Reports): of the well-kept queues it is the one with every guarantee
needed here, with the same code on one machine and on several:
- the broker is SQLite (kombu's SQLAlchemy transport, a file in INSTANCE_DIR) by
  default and Redis with ``REDIS_URL``;
- a job is acknowledged only after it ran (``task_acks_late``); a pool child killed
  mid-job (kill -9, the kernel's OOM killer) is noticed by its supervisor, which puts the
  job back on the queue (``task_reject_on_worker_lost``) and starts a new child; with
  Redis, a job of a supervisor that died whole comes back after the visibility timeout;
- a job has a time limit (soft: the job fails cleanly; hard: the child is killed) and a
  memory limit (an address-space rlimit in each child, and a resident-size bound after
  which the child is replaced);
- SIGTERM makes the worker finish its job for a few seconds, then put it back and exit.
Huey removes a job from its queue when a worker takes it (a worker killed mid-job loses
it); RQ and Dramatiq have no broker that needs nothing (Redis or RabbitMQ only).
"""

from __future__ import annotations

import datetime as dt
import logging
import resource
import socket
import time
from queue import Empty
from typing import Any, Mapping

import kombu.transport
from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.worker import state as worker_state
from flask import Flask, current_app
from kombu.transport import sqlalchemy as kombu_sqlalchemy

from webapp.extensions import db
from webapp.report import jobs

log = logging.getLogger(__name__)

TASK_NAME = "readiness.render"
QUEUE_NAME = "readiness-reports"
HARD_LIMIT_GRACE = 15  # seconds between the soft limit (the job fails) and the hard one (the child is killed)


def broker_url(config: Mapping[str, Any]) -> str:
    """Redis with REDIS_URL; else QUEUE_URL; else an SQLite file next to the database."""
    return (config.get("REDIS_URL") or config.get("QUEUE_URL")
            or f"sqla+sqlite:///{config['INSTANCE_DIR']}/queue.sqlite3")


def time_limits(config: Mapping[str, Any]) -> tuple[float, float]:
    soft = float(config["READINESS_RENDER"].timeout)
    return soft, soft + HARD_LIMIT_GRACE


def celery_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    soft, hard = time_limits(config)
    url = broker_url(config)
    return {
        "broker_url": url,
        "task_ignore_result": True,  # the job's state is in the database, for every server to read
        "task_default_queue": QUEUE_NAME,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_soft_time_limit": soft,
        "task_time_limit": hard,
        "task_always_eager": bool(config.get("QUEUE_EAGER")),  # tests only: the job runs in the request
        "worker_prefetch_multiplier": 1,  # a job waits in the queue, not behind another in a busy child
        "worker_concurrency": int(config["READINESS_RENDER"].workers),
        "worker_max_tasks_per_child": 200,
        "worker_max_memory_per_child": int(config["RENDER_MAX_RSS_MB"]) * 1024,  # KiB
        "worker_enable_remote_control": False,  # no broadcast queues (the SQLite broker has none)
        "worker_hijack_root_logger": False,
        "worker_soft_shutdown_timeout": float(config["WORKER_SHUTDOWN_SECONDS"]),
        "worker_enable_soft_shutdown_on_idle": False,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": _transport_options(url, hard),
    }


def _transport_options(url: str, hard_limit: float) -> dict[str, Any]:
    if url.startswith("redis"):
        # a job taken by a worker that died whole becomes visible again after this
        return {"visibility_timeout": int(hard_limit) * 3}
    if url.startswith("sqla+sqlite"):  # passed to create_engine: wait for a lock, never fail on it
        return {"connect_args": {"timeout": 30}}
    return {}


def _shutting_down() -> bool:
    """The worker's shutdown flags, as celery.worker.state.maybe_shutdown reads them."""
    return any(flag is not None and flag is not False
               for flag in (worker_state.should_terminate, worker_state.should_stop))


class EmbeddedTransport(kombu_sqlalchemy.Transport):  # type: ignore[misc]
    """kombu's SQLAlchemy transport (the embedded queue), whose poll gives way once the worker
    is shutting down.

    The SQLite broker has no event loop: the worker's main loop waits for a job in
    ``drain_events(timeout=2.0)``, sleeping between polls, and checks its shutdown flags only
    between two such waits, then (celery.worker.loops.synloop) waits once more on its way out.
    A SIGTERM spent those two waits after the soft shutdown: 4 of the 5.6-7 s it took to exit
    (measured with timestamps around each step of the shutdown). Here a wait ends as soon as a
    flag is set; the job in hand is put back on the queue by the shutdown as before."""

    def drain_events(self, connection: Any, timeout: float | None = None) -> None:
        started = time.monotonic()
        interval = min(self.polling_interval or 1.0, timeout or 1.0)
        while not _shutting_down():
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                if timeout is not None and time.monotonic() - started >= timeout:
                    break
                time.sleep(interval)
        raise socket.timeout()


kombu.transport.TRANSPORT_ALIASES["sqla"] = f"{__name__}:EmbeddedTransport"


def init_app(app: Flask) -> Celery:
    """The Celery app of this Flask app (app.extensions["celery"]); jobs run in its app context."""

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask, set_as_current=False)
    celery.conf.update(celery_settings(app.config))
    celery.task(name=TASK_NAME, bind=True, ignore_result=True)(_render)
    app.extensions["celery"] = celery
    return celery


def enqueue(job_id: int) -> None:
    celery: Celery = current_app.extensions["celery"]
    soft, hard = time_limits(current_app.config)
    # The limits travel with the job (message headers), so the worker's pool enforces them.
    celery.tasks[TASK_NAME].apply_async(args=[job_id], soft_time_limit=soft, time_limit=hard)


def limit_memory(megabytes: int) -> None:
    """Bound this process's address space: a render past it raises MemoryError, not the OOM killer."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def lost_before(config: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """(queued, rendering) jobs older than these are lost: no worker will finish them."""
    now = dt.datetime.now(dt.timezone.utc)
    _, hard = time_limits(config)
    return (now - dt.timedelta(seconds=float(config["QUEUE_LOST_AFTER"])),
            now - dt.timedelta(seconds=hard * 3 + 30))


def _render(self: Task, job_id: int) -> str:
    """Render one job's document into the cache. Runs in a worker (or inline with QUEUE_EAGER)."""
    from webapp.report import service  # the render path: WeasyPrint is used only here

    config = current_app.config
    try:
        job = jobs.start(db.sessions, job_id, max_attempts=int(config["RENDER_MAX_ATTEMPTS"]))
        if job is None:
            return "skipped"
        outcome = service.render_job(job)
    except SoftTimeLimitExceeded:
        jobs.finish(db.sessions, job_id, "failed", "time limit")
        return "timeout"
    except MemoryError:
        jobs.finish(db.sessions, job_id, "failed", "memory limit")
        return "memory"
    except Exception as exc:  # the job fails with its reason; the worker goes on
        log.exception("render job %s failed", job_id)
        jobs.finish(db.sessions, job_id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    jobs.finish(db.sessions, job_id, outcome)
    return outcome
