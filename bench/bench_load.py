"""Load (``make bench``): the wizard under 32 concurrent officers while 2 reports render.

A live server on 127.0.0.1: gunicorn with the project's gunicorn.conf.py (production
settings, sync workers, ``READINESS_MAX_RENDERS=2`` so that two reports really render at
once) over an SQLite file in a temporary folder. 32 simulated officers each walk the
wizard (start, every step: load the page, post "next"), over and over; 2 others keep
re-rendering their report (change an answer, download the PDF: a new PDF each time).
Bounded: ``BENCH_LOAD_SECONDS`` (default 30, at most 60) and a request cap; loopback only;
the server is stopped (its process group, by id) even on failure.

Prints p50/p99 latency of the wizard requests, their error count (anything but the
expected 200/302), and how many reports rendered (and were refused busy, 503).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_crash import ROOT, Browser, csrf  # noqa: E402  (same folder)

OFFICERS = int(os.environ.get("BENCH_LOAD_OFFICERS", "32"))
RENDERERS = 2
SECONDS = min(60.0, float(os.environ.get("BENCH_LOAD_SECONDS", "30")))
MAX_REQUESTS = 50_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wizard_steps() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each step and a complete 'next' post for it (first option everywhere, minimum numbers)."""
    sys.path.insert(0, str(ROOT))
    from readiness.content import load_content
    from readiness.models import QuestionType

    content = load_content()
    steps = [("profile", list(content.bank.profile))] + [(d.id, list(d.questions)) for d in content.dimensions]
    posts = []
    for sid, questions in steps:
        fields = []
        for q in questions:
            if q.type == QuestionType.number:
                fields.append((q.id, str(int(q.min or 0))))
            elif q.type == QuestionType.text:
                fields.append((q.id, "Notes from the working group"))
            else:
                fields.append((q.id, q.options[0].value))
        posts.append((sid, fields))
    return posts


class Load:
    def __init__(self, port: int):
        self.port = port
        self.steps = wizard_steps()
        self.deadline = 0.0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.requests = 0
        self.reports = {"rendered": 0, "busy": 0, "other": 0}
        self.report_seconds: list[float] = []

    def go_on(self) -> bool:
        return time.monotonic() < self.deadline and self.requests < MAX_REQUESTS

    def timed(self, browser: Browser, method: str, path: str, form: Any = None, expect: int = 200,
              record: bool = True) -> tuple[int, str, str]:
        t0 = time.perf_counter()
        try:
            status, location, html = browser.request(method, path, form)
        except OSError as exc:
            status, location, html = 0, "", str(exc)
        elapsed = time.perf_counter() - t0
        with self.lock:
            self.requests += 1
            if record:
                self.latencies.append(elapsed)
                if status != expect:
                    self.errors.append(f"{method} {path.split('/')[-1]}: {status}")
        return status, location, html

    def start(self, browser: Browser, town: str, record: bool = True) -> str | None:
        _, _, html = self.timed(browser, "GET", "/start", record=record)
        status, location, _ = self.timed(browser, "POST", "/start", [
            ("csrf_token", csrf(html)), ("town", town), ("country", "Romania"), ("population_band", "10k_50k")],
            expect=303, record=record)
        found = re.search(r"/a/([0-9a-f]+)/link", location or "") if status == 303 else None  # to the link page
        return found.group(1) if found else None

    def walk(self, browser: Browser, public_id: str, record: bool = True) -> bool:
        for sid, fields in self.steps:
            if record and not self.go_on():
                return False
            status, _, html = self.timed(browser, "GET", f"/a/{public_id}/step/{sid}", record=record)
            if status != 200:
                return False
            status, _, _ = self.timed(browser, "POST", f"/a/{public_id}/step/{sid}",
                                      [("csrf_token", csrf(html)), ("action", "next")] + fields, expect=302,
                                      record=record)
            if status != 302:
                return False
        return True

    def officer(self, i: int) -> None:
        browser = Browser()
        browser.port = self.port
        n = 0
        try:
            while self.go_on():
                n += 1
                public_id = self.start(browser, f"Loadtown {i}-{n}")
                if public_id is None or not self.walk(browser, public_id):
                    time.sleep(0.1)
        except Exception as exc:  # counted, never hangs the run
            with self.lock:
                self.errors.append(f"officer {i}: {type(exc).__name__}: {exc}")

    def prepare_report(self, i: int) -> tuple[Browser, str]:
        browser = Browser()
        browser.port = self.port
        public_id = self.start(browser, f"Reporttown {i}", record=False)
        assert public_id and self.walk(browser, public_id, record=False), "could not prepare a report"
        _, _, html = browser.request("GET", f"/a/{public_id}/review")
        status, _, _ = browser.request("POST", f"/a/{public_id}/submit", [("csrf_token", csrf(html))])
        assert status == 302, status
        return browser, public_id

    def renderer(self, browser: Browser, public_id: str) -> None:
        n = 0
        try:
            while self.go_on():
                n += 1  # a new answer, so the next download is a new PDF, not the cached one
                _, _, html = browser.request("GET", f"/a/{public_id}/step/profile")
                browser.request("POST", f"/a/{public_id}/step/profile", [
                    ("csrf_token", csrf(html)), ("action", "save"), ("profile_notes", f"Version {n}")])
                t0 = time.perf_counter()
                status, _, _ = browser.request("GET", f"/a/{public_id}/report.pdf", timeout=120)
                with self.lock:
                    self.requests += 1
                    key = {200: "rendered", 503: "busy"}.get(status, "other")
                    self.reports[key] += 1
                    if status == 200:
                        self.report_seconds.append(time.perf_counter() - t0)
                if status == 503:
                    time.sleep(0.5)
        except Exception as exc:
            with self.lock:
                self.errors.append(f"renderer: {type(exc).__name__}: {exc}")

    def run(self) -> None:
        reports = [self.prepare_report(i) for i in range(RENDERERS)]
        self.deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=self.renderer, args=r, daemon=True) for r in reports]
        threads += [threading.Thread(target=self.officer, args=(i,), daemon=True) for i in range(OFFICERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 90)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="readiness-load-") as tmp:
        sys.path.insert(0, str(ROOT))
        from webapp.db import upgrade_database

        url = f"sqlite:///{tmp}/load.sqlite3"
        upgrade_database(url)
        port = free_port()
        env = dict(os.environ, READINESS_ENV="production", DATABASE_URL=url, BIND=f"127.0.0.1:{port}",
                   SECRET_KEY="load-test-secret-key-0123456789abcdef0123", BASE_URL=f"http://127.0.0.1:{port}",
                   READINESS_MAX_RENDERS="2", READINESS_RENDER_SLOT_DIR=f"{tmp}/slots",
                   READINESS_INSTANCE_DIR=tmp, WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "5"))
        log = open(Path(tmp) / "gunicorn.log", "wb")
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                                   "--access-logfile", "/dev/null", "webapp:create_app()"],
                                  cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            probe = Browser()
            probe.port = port
            for _ in range(120):  # up to 60 s for the workers to start
                try:
                    if probe.request("GET", "/")[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None:
                    raise RuntimeError("gunicorn exited: see its log")
                time.sleep(0.5)
            else:
                raise RuntimeError("gunicorn did not answer within 60 s")
            load = Load(port)
            t0 = time.monotonic()
            load.run()
            elapsed = time.monotonic() - t0
        finally:
            stop(server)
            log.close()
    lat = load.latencies
    rs = load.report_seconds
    print(f"load: {OFFICERS} officers walking the wizard while {RENDERERS} reports render, {elapsed:.0f} s, gunicorn "
          f"({env['WEB_CONCURRENCY']} sync workers, READINESS_MAX_RENDERS=2), SQLite")
    print(f"load: wizard requests {len(lat)}, p50 {1000 * percentile(lat, 50):.0f} ms, "
          f"p99 {1000 * percentile(lat, 99):.0f} ms, errors {len(load.errors)}")
    print(f"load: reports rendered {load.reports['rendered']} (median {statistics.median(rs) if rs else float('nan'):.1f} s), "
          f"busy 503 {load.reports['busy']}, other {load.reports['other']}")
    if load.errors:
        print("errors:", *sorted(set(load.errors))[:10], sep="\n  ")
    sys.exit(1 if load.errors else 0)


def stop(server: subprocess.Popen) -> None:
    """TERM to gunicorn (it stops its workers), then KILL whatever is left of its process group."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    try:
        os.killpg(server.pid, signal.SIGKILL)  # the group this script created: leftover render workers
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__":
    main()
