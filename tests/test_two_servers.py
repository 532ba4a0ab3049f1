"""Two servers, one service: two gunicorn instances (production settings, 2 workers each) on
PostgreSQL and Redis, and one render worker, all on 127.0.0.1.

- a report queued through one server is downloaded through the other;
- bad-link guesses spread over both servers hit one shared limit; valid links still work;
- the worker's render process is killed with kill -9 mid-render: the job is retried and the
  report arrives;
- SIGTERM to a gunicorn: gone within 10 s, no process left, the port free again.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import create_engine, text

from conftest import Wizard, empty_postgres, free_port
from processes import children, group_alive

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


class Response:
    def __init__(self, status: int, headers: Any, body: bytes):
        self.status_code, self.headers, self.data = status, headers, body

    def get_data(self, as_text: bool = False) -> Any:
        return self.data.decode("utf-8") if as_text else self.data


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpClient:
    """The few calls of Flask's test client that Wizard uses, over real HTTP to one server;
    the cookie jar is shared, as a browser's is for one host."""

    def __init__(self, base: str, jar: http.cookiejar.CookieJar):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def _open(self, url: str, data: bytes | None = None) -> Response:
        if url.startswith("http"):
            url = url.split("://", 1)[1].split("/", 1)[1]
            url = "/" + url
        try:
            with self.opener.open(self.base + url, data=data, timeout=60) as r:
                return Response(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read())

    def get(self, url: str) -> Response:
        return self._open(url)

    def post(self, url: str, data: dict[str, Any]) -> Response:
        return self._open(url, urllib.parse.urlencode(data, doseq=True).encode())


def wait_port(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server on {port} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)


def test_two_servers_one_service(postgres_migrated, redis_url, content, tmp_path, capsys):
    empty_postgres(postgres_migrated)
    redis_db = redis_url.rsplit("/", 1)[0] + "/3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINESS_", "LIMIT_", "QUEUE_URL"))}
    env.update(READINESS_ENV="production", DATABASE_URL=postgres_migrated, REDIS_URL=redis_db,
               SECRET_KEY="two-servers-secret-key-0123456789abcdef", LIMIT_BAD_LINKS="10 per 10 minutes",
               WEB_CONCURRENCY="2", READINESS_INSTANCE_DIR=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
               REMAP_SIGTERM="SIGQUIT")  # as make worker: SIGTERM puts a running render back and exits
    redis.Redis.from_url(redis_db).flushdb()  # this test's own counters and queue
    procs: list[tuple[subprocess.Popen, Any]] = []

    def start(args: list[str], name: str, **extra: str) -> subprocess.Popen:
        out = (tmp_path / f"{name}.log").open("wb")
        p = subprocess.Popen(args, cwd=ROOT, env={**env, **extra}, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        procs.append((p, out))
        return p

    ports = [free_port(), free_port()]
    try:
        servers = [start([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "webapp:create_app()"], f"web{i}",
                         BIND=f"127.0.0.1:{port}", BASE_URL=f"http://127.0.0.1:{port}") for i, port in enumerate(ports)]
        for port, server, i in zip(ports, servers, range(2)):
            wait_port(port, server, tmp_path / f"web{i}.log")
        jar = http.cookiejar.CookieJar()
        a, b = (HttpClient(f"http://127.0.0.1:{port}", jar) for port in ports)

        # An officer fills in and submits through server A; no worker is running yet.
        wizard = Wizard(a, content)  # type: ignore[arg-type]
        assert wizard.start().status_code == 303  # to the link page, the resume link shown once
        wizard.answer_all()
        assert wizard.submit().status_code == 302
        page_b = b.get(wizard.url("results")).get_data(as_text=True)  # server B knows the job
        assert "Preparing your report …" in page_b and "queued, next in line." in page_b

        # Bad-link guesses spread over both servers count against one limit; a valid link is never refused.
        codes = [(a if i % 2 else b).get(f"/{'rwi'[i % 3]}/{'g' * 40}{i:03d}").status_code for i in range(16)]
        assert codes[:10] == [404] * 10 and set(codes[10:]) == {429}, codes
        resume = wizard.resume_link.split("127.0.0.1:")[1].split("/", 1)[1]
        assert b.get("/" + resume).status_code == 302 and a.get("/" + resume).status_code == 302

        # One render worker; its child is killed mid-render, the job is retried.
        worker = start([sys.executable, "-m", "celery", "-A", "webapp.worker", "worker", "--without-gossip",
                        "--without-mingle", "--without-heartbeat", "--concurrency", "1", "--loglevel", "INFO"], "worker",
                       BASE_URL=f"http://127.0.0.1:{ports[0]}")
        engine = create_engine(postgres_migrated)

        def job() -> tuple[str, int]:
            with engine.connect() as conn:
                return tuple(conn.execute(text("select status, attempts from report_job")).one())  # type: ignore[return-value]

        deadline = time.monotonic() + 180
        while job()[0] != "rendering":
            assert time.monotonic() < deadline and worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.05)
        kids = children(worker.pid)
        assert kids
        os.kill(kids[0], signal.SIGKILL)
        while job()[0] != "ready":
            assert time.monotonic() < deadline + 120, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.1)
        assert job() == ("ready", 2)
        engine.dispose()

        # Queued through A, downloaded through B.
        pdf = b.get(wizard.url("report.pdf"))
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), pdf.status_code

        # SIGTERM to server A: gone within 10 s, nothing left of it, its port free; B still serves.
        started = time.monotonic()
        os.kill(servers[0].pid, signal.SIGTERM)
        servers[0].wait(timeout=10)
        stopped_in = time.monotonic() - started
        time.sleep(0.2)
        assert group_alive(servers[0].pid) == []
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", ports[0]))
        assert b.get("/").status_code == 200
    finally:
        for p, out in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
            out.close()
    with capsys.disabled():
        print(f"\n[figures] two servers: report queued on A, rendered after a kill -9 of the worker's child "
              f"(attempts 2), downloaded on B; bad links over both: {codes.count(404)} answered, "
              f"{codes.count(429)} refused; SIGTERM to A: gone in {stopped_in:.1f} s, 0 processes left, port free")
