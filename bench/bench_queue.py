"""Benchmark of the service around the report (``make bench``). Not a test: it prints figures.

One run starts, on 127.0.0.1 only: a throwaway redis-server (Debian's; without it the
limits are per process and the flood figures say so), gunicorn with the project's
gunicorn.conf.py (2 sync workers, SQLite) and one Celery render worker (2 children), then:

1. wizard steps at an officers' pace, as bench/bench_step.py's paced part: 32 officers
   (``BENCH_OFFICERS``), each GETs a step, thinks 2-5 s (seed ``BENCH_SEED``, printed), POSTs
   it and GETs the next, with a Python client; three phases of ``BENCH_PACED_SECONDS`` (30) in
   the same run: no renders, 2 reports rendering continuously in the Celery worker, no renders
   again; p50/p99/max of each request (GETs and saves apart too), the ratio of the rendering
   phase's p99 to the phases without, and the load average (target p99 < 100 ms);
2. outage scenario: renders and worker recycling (max_requests 40) while /healthz is
   polled back to back: failed checks; then SIGTERM to gunicorn: seconds to exit, processes
   left, port free;
3. bilingual alternation: 2 clients alternate bilingual and plain downloads while 6 other
   users download their ready reports: refused downloads of the others; then a ready report's
   download against a static file of the same server, interleaved: p50/p99 and their ratio;
4. floods: 300 new assessments from one client, 200 bad links spread over /r/ /w/ /i/:
   refused by the shared limits; the flooder's valid link and other clients unaffected.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_crash import Browser, csrf, free_port  # noqa: E402 - the benches' shared helpers (same folder)
import bench_step  # noqa: E402 - its paced officers (same folder)
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("BENCH_QUEUE_SECONDS", "15"))
STEP = "cooperation"  # a wizard step of average size
DOWNLOAD_ROUNDS = int(os.environ.get("BENCH_DOWNLOAD_ROUNDS", "300"))
PACED_SECONDS = int(os.environ.get("BENCH_PACED_SECONDS", "30"))


def wait_port(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):  # type: ignore[no-untyped-def]
        return None


class Client:
    def __init__(self, base: str, addr: str = ""):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
        self.headers = {"X-Forwarded-For": addr} if addr else {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, bytes, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=self.headers)
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def csrf(self, path: str) -> str:
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', self.request(path)[1]).group(1).decode()


class _Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status_code, self.headers, self.data = status, headers, body

    def get_data(self, as_text: bool = False):  # type: ignore[no-untyped-def]
        return self.data.decode() if as_text else self.data


class WizardClient(Client):
    """What tests/conftest.py's Wizard needs of a client, over HTTP."""

    def _path(self, url: str) -> str:
        return "/" + url.split("://", 1)[1].split("/", 1)[1] if url.startswith("http") else url

    def get(self, url: str) -> _Response:
        status, body, headers = self.request(self._path(url))
        return _Response(status, headers, body)

    def post(self, url: str, data: dict) -> _Response:
        status, body, headers = self.request(self._path(url), data)
        return _Response(status, headers, body)


def new_assessment(c: WizardClient, language: str = "en") -> tuple[str, str]:
    """A submitted assessment with every answer, walked like an officer; (public id, resume path)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import Wizard
    from readiness.content import load_content

    if language != "en":  # the bilingual report is for a town that answered in its own language
        c.request("/language", {"csrf_token": c.csrf("/start"), "language": language, "next": "/start"})
    wizard = Wizard(c, load_content())  # type: ignore[arg-type]
    assert wizard.start().status_code == 303
    wizard.answer_all()
    wizard.submit()
    return wizard.public_id or "", "/" + (wizard.resume_link or "").split("://", 1)[1].split("/", 1)[1]


def wait_ready(c: Client, public_id: str, bilingual: bool = False, timeout: float = 300) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        status, body, _ = c.request(f"/a/{public_id}/report.pdf" + ("?bilingual=1" if bilingual else ""))
        if status == 200 and body.startswith(b"%PDF"):
            return time.monotonic() - t0
        time.sleep(0.3)
    raise SystemExit("a report never became ready")


def timed_gets(c: Client, path: str, stop: threading.Event, out: list[float], errors: list[int]) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        status, _, _ = c.request(path)
        out.append(time.perf_counter() - t0)
        if status != 200:
            errors.append(status)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")


class ProxiedBrowser(Browser):
    """An officer's browser behind the trusted proxy: its own client address, so that 32 officers
    starting assessments are 32 clients to the shared creation limit, as in real use."""

    def __init__(self, address: str):
        super().__init__({"X-Forwarded-For": address})


def paced_officers_file(port: int, tmp: Path) -> Path:
    """bench_step's officers file (cookie, step path, the step's answers), one draft each."""
    fields = urllib.parse.urlencode(bench_step.step_fields()) + f"&{bench_step.CHANGED}="
    lines = []
    for i in range(bench_step.OFFICERS):
        browser = ProxiedBrowser(f"10.0.3.{i + 1}")
        browser.port = port
        _, _, html = browser.request("GET", "/start")
        status, location, _ = browser.request("POST", "/start", [
            ("csrf_token", csrf(html)), ("town", f"Benchtown {i}"), ("country", "Romania"),
            ("population_band", "10k_50k")])
        assert status == 303, f"start: {status}"
        public_id = re.search(r"/a/([0-9a-f]+)/link", location).group(1)  # type: ignore[union-attr]
        path = f"/a/{public_id}/step/{STEP}"
        assert browser.request("GET", path)[0] == 200
        lines.append(f"{browser.cookie}\t{path}\t{fields}")
    officers = tmp / "officers.tsv"
    officers.write_text("\n".join(lines) + "\n")
    return officers


@dataclass
class Paced:
    """One phase of paced officers: each request's latency (s) by method, the load around it."""

    name: str
    gets: list[float]
    saves: list[float]
    unexpected: int
    load: tuple[float, float]

    @property
    def all(self) -> list[float]:
        return self.gets + self.saves

    def line(self) -> str:
        return (f"{len(self.all)} requests, p50 {percentile(self.all, 0.5):.1f} ms, p99 {percentile(self.all, 0.99):.0f} ms, "
                f"max {max(self.all, default=0) * 1000:.0f} ms (GET p99 {percentile(self.gets, 0.99):.0f}, save POST p99 "
                f"{percentile(self.saves, 0.99):.0f}); unexpected {self.unexpected}; load {self.load[0]:.1f} -> "
                f"{self.load[1]:.1f}")


def paced_phase(name: str, port: int, officers: Path, seconds: int) -> Paced:
    """bench_step.paced_officers at the officers' pace, its latencies kept by method."""
    gets: list[float] = []
    saves: list[float] = []
    real = Browser.request

    def timed(self: Browser, method: str, path: str, form: Any = None, timeout: float = 10) -> tuple[int, str, str]:
        t0 = time.perf_counter()
        try:
            return real(self, method, path, form, timeout=timeout)
        finally:
            (gets if method == "GET" else saves).append(time.perf_counter() - t0)

    before = os.getloadavg()[0]
    Browser.request = timed  # type: ignore[method-assign]
    try:
        result = bench_step.paced_officers(SimpleNamespace(port=port), officers, seconds,  # type: ignore[arg-type]
                                           bench_step.PACES["officers' pace (think 2-5 s)"])
    finally:
        Browser.request = real  # type: ignore[method-assign]
    return Paced(name, gets, saves, int(result["unexpected"]), (before, os.getloadavg()[0]))


def rerender_forever(db_url: str, c: Client, public_id: str, stop: threading.Event, count: list[int]) -> None:
    """Keep one report rendering: drop its cached PDF and job, ask again, wait for it."""
    from sqlalchemy import create_engine, text
    engine = create_engine(db_url)
    while not stop.is_set():
        with engine.begin() as conn:
            aid = conn.execute(text("select id from assessment where public_id=:p"), {"p": public_id}).scalar()
            conn.execute(text("delete from report_cache where assessment_id=:a"), {"a": aid})
            conn.execute(text("delete from report_job where assessment_id=:a"), {"a": aid})
        try:
            wait_ready(c, public_id, timeout=120)
            count[0] += 1
        except SystemExit:
            pass
    engine.dispose()


def _stat(pid: int) -> list[str]:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split())
    except OSError:
        return []


def _ppid(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[1]) if fields else -1


def _state(pid: int) -> str:
    fields = _stat(pid)
    return fields[0] if fields else "gone"


def process_group(pgid: int) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="readiness-bench-queue-"))
    procs: list[subprocess.Popen] = []
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("READINESS_", "LIMIT_", "REDIS_URL", "QUEUE_URL"))}
        db_url = f"sqlite:///{tmp}/bench.sqlite3"
        env.update(DATABASE_URL=db_url, QUEUE_URL=f"sqla+sqlite:///{tmp}/queue.sqlite3", SECRET_KEY="b" * 48,
                   READINESS_INSTANCE_DIR=str(tmp), PYTHONPATH=str(ROOT), WEB_CONCURRENCY="2", TRUSTED_PROXIES="1",
                   READINESS_RENDER_WORKERS="2", REMAP_SIGTERM="SIGQUIT", LIMIT_REPORT_JOBS_PER_ASSESSMENT="100000 per hour",
                   LIMIT_REPORT_JOBS_PER_CLIENT="100000 per hour")
        redis = shutil.which("redis-server")
        if redis:
            rport = free_port()
            procs.append(subprocess.Popen([redis, "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                                           "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL))
            wait_port(rport)
            env["REDIS_URL"] = f"redis://127.0.0.1:{rport}/0"
        subprocess.run([str(BIN / "flask"), "--app", "webapp", "upgrade-db"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        port = free_port()
        # the project's gunicorn.conf.py as deployed (its max_requests); the outage scenario below
        # runs a second server on the same database that recycles its workers every ~40 requests
        web_env = dict(env, BIND=f"127.0.0.1:{port}", BASE_URL=f"http://127.0.0.1:{port}")
        web = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "webapp:create_app()"], cwd=ROOT,
                               env=web_env, stdout=(tmp / "web.log").open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
        procs.append(web)
        wait_port(port)
        base = f"http://127.0.0.1:{port}"
        # Each simulated user comes from its own address (through the trusted proxy header).
        users = [WizardClient(base, f"10.0.0.{i + 1}") for i in range(16)]
        officers = [(users[i], new_assessment(users[i])[0]) for i in range(8)]
        paced_file = paced_officers_file(port, tmp)

        worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "webapp.worker", "worker", "--without-gossip",
                                   "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"], cwd=ROOT,
                                  env=web_env, stdout=(tmp / "worker.log").open("wb"), stderr=subprocess.STDOUT,
                                  start_new_session=True)
        procs.append(worker)
        renderers = [(users[8 + i], new_assessment(users[8 + i], "pt")[0]) for i in range(2)]
        for c, pid in renderers:
            wait_ready(c, pid)

        # wizard steps at the officers' pace: without renders, with 2 rendering continuously, without again
        phases = [paced_phase("no renders", port, paced_file, PACED_SECONDS)]
        stop, rendered = threading.Event(), [0]
        loops = [threading.Thread(target=rerender_forever, args=(db_url, c, pid, stop, rendered)) for c, pid in renderers]
        for t in loops:
            t.start()
        phases.append(paced_phase("2 reports rendering", port, paced_file, PACED_SECONDS))
        rendered_paced = rendered[0]

        # outage scenario: health checks on a server recycling its workers every ~40 requests
        # (max_requests 40 with 2 workers: many restarts) while the 2 reports go on rendering
        recycle_port = free_port()
        recycler = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "webapp:create_app()"], cwd=ROOT,
                                    env=dict(web_env, BIND=f"127.0.0.1:{recycle_port}", GUNICORN_MAX_REQUESTS="40"),
                                    stdout=(tmp / "recycle.log").open("wb"), stderr=subprocess.STDOUT,
                                    start_new_session=True)
        procs.append(recycler)
        wait_port(recycle_port)
        health_stop, health_times, health_errors = threading.Event(), [], []  # type: ignore[var-annotated]
        health = threading.Thread(target=timed_gets, args=(Client(f"http://127.0.0.1:{recycle_port}", "10.0.1.1"),
                                                           "/healthz", health_stop, health_times, health_errors))
        health.start()
        time.sleep(SECONDS)
        health_stop.set()
        health.join()
        slow_checks = sum(1 for t in health_times if t > 1.0)
        recycled = (tmp / "recycle.log").read_text(errors="replace").count("Booting worker") - 2
        recycler.send_signal(signal.SIGTERM)
        recycler.wait(timeout=60)
        stop.set()
        for t in loops:
            t.join()
        phases.append(paced_phase("no renders, again", port, paced_file, PACED_SECONDS))

        # bilingual alternation: 2 clients alternate, 6 others download their ready reports
        others = [(users[i], pid) for i, (_, pid) in enumerate(officers[:6])]
        for c, pid in others + renderers:
            wait_ready(c, pid)
        for c, pid in renderers:  # both variants of the alternating towns are ready
            wait_ready(c, pid, bilingual=True)
        alt_refused: list[int] = []
        alt_stop, other_times, other_errors = threading.Event(), [], []  # type: ignore[var-annotated]

        def alternate(c: Client, pid: str) -> None:
            i = 0
            while not alt_stop.is_set():
                status, body, _ = c.request(f"/a/{pid}/report.pdf" + ("?bilingual=1" if i % 2 else ""))
                if status != 200 or not body.startswith(b"%PDF"):
                    alt_refused.append(status)
                i += 1

        alternators = [threading.Thread(target=alternate, args=rp) for rp in renderers]
        downloaders = [threading.Thread(target=timed_gets, args=(c, f"/a/{pid}/report.pdf", alt_stop, other_times,
                                                                 other_errors)) for c, pid in others]
        for t in alternators + downloaders:
            t.start()
        time.sleep(SECONDS / 2)
        alt_stop.set()
        for t in alternators + downloaders:
            t.join()

        # ready downloads against a bare static file of the same server, interleaved (no renders now)
        reader, (_, ready_pid) = others[0][0], others[0]
        ready_times, static_times, ready_bad = [], [], 0  # type: ignore[var-annotated]
        for _ in range(DOWNLOAD_ROUNDS):
            for path, out in ((f"/a/{ready_pid}/report.pdf", ready_times), ("/static/app.css", static_times)):
                t0 = time.perf_counter()
                status, body, _ = reader.request(path)
                out.append(time.perf_counter() - t0)  # seconds, as percentile() expects
                ready_bad += out is ready_times and (status != 200 or not body.startswith(b"%PDF"))

        # floods
        flooder = WizardClient(base, "10.0.9.9")
        _, flood_link = new_assessment(flooder)
        token = flooder.csrf("/start")
        flood = [flooder.request("/start", {"csrf_token": token, "town": "X", "country": "Italy",
                                            "population_band": "under_10k"})[0] for _ in range(300)]
        guesses = [flooder.request(f"/{'rwi'[i % 3]}/{'x' * 40}{i:03d}")[0] for i in range(200)]
        valid = [flooder.request(flood_link)[0] for _ in range(5)]
        bystander = Client(base, "10.0.9.10").request("/start")[0]

        # SIGTERM to one gunicorn worker: it exits, the master starts another, the service answers
        web_workers = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _ppid(int(e.name)) == web.pid]
        t0 = time.monotonic()
        os.kill(web_workers[0], signal.SIGTERM)
        while Path(f"/proc/{web_workers[0]}").exists() and _state(web_workers[0]) != "Z" and time.monotonic() - t0 < 60:
            time.sleep(0.02)
        web_worker_s = time.monotonic() - t0
        answered = Client(base, "10.0.2.1").request("/")[0]

        # SIGTERM to the render worker while it renders: it exits, the job goes back to the queue
        c, pid = renderers[0]
        from sqlalchemy import create_engine, text
        engine = create_engine(db_url)
        with engine.begin() as conn:
            aid = conn.execute(text("select id from assessment where public_id=:p"), {"p": pid}).scalar()
            conn.execute(text("delete from report_cache where assessment_id=:a"), {"a": aid})
            conn.execute(text("delete from report_job where assessment_id=:a"), {"a": aid})
        c.request(f"/a/{pid}/report.pdf")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(text("select status from report_job where assessment_id=:a"), {"a": aid}).scalar() == "rendering":
                    break
            time.sleep(0.05)
        t0 = time.monotonic()
        os.kill(worker.pid, signal.SIGTERM)
        worker.wait(timeout=120)
        render_worker_s = time.monotonic() - t0
        time.sleep(0.3)
        render_left = process_group(worker.pid)
        engine.dispose()

        # SIGTERM to gunicorn
        t0 = time.monotonic()
        os.kill(web.pid, signal.SIGTERM)
        web.wait(timeout=60)
        stop_s = time.monotonic() - t0
        time.sleep(0.3)
        left = process_group(web.pid)
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
                port_free = True
            except OSError:
                port_free = False

        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures are noisy when other work runs)")
        print(f"queue benchmark: gunicorn 2 sync workers, 1 Celery worker x 2 children (niced: webapp/worker.py), "
              f"SQLite, "
              f"limits in {'Redis' if redis else 'memory (no redis-server)'}")
        print(f"  wizard steps, {bench_step.OFFICERS} officers at the officers' pace (think 2-5 s, seed {bench_step.SEED}; "
              f"GET step, POST it, {PACED_SECONDS} s per phase):")
        for phase in phases:
            print(f"    {phase.name + ':':<22} {phase.line()}")
        quiet = phases[0].all + phases[2].all
        busy = phases[1].all
        print(f"    {rendered_paced} reports rendered during the rendering phase; p99 rendering / without "
              f"{percentile(busy, 0.99):.0f} / {percentile(quiet, 0.99):.0f} ms = ratio "
              f"{percentile(busy, 0.99) / percentile(quiet, 0.99):.2f} (p50 {percentile(busy, 0.5) / percentile(quiet, 0.5):.2f}); "
              f"p99 target < 100 ms while rendering: {'met' if percentile(busy, 0.99) < 100 else 'MISSED'}")
        print(f"  outage scenario (renders + recycling, a second server with max_requests 40: {recycled} worker "
              f"restarts): {len(health_times)} health checks, {len(health_errors)} failed, {slow_checks} over 1 s")
        print(f"  bilingual alternation: others' downloads {len(other_times)}, refused {len(other_errors)}, "
              f"p50 {percentile(other_times, 0.5):.1f} ms (target < 50 ms); the alternating clients' downloads not "
              f"served from the cache: {len(alt_refused)}")
        print(f"  ready report download vs /static/app.css (same server, interleaved, {DOWNLOAD_ROUNDS} each): "
              f"p50 {percentile(ready_times, 0.5):.1f} / {percentile(static_times, 0.5):.1f} ms, "
              f"p99 {percentile(ready_times, 0.99):.1f} / {percentile(static_times, 0.99):.1f} ms; ratio p50 "
              f"{percentile(ready_times, 0.5) / percentile(static_times, 0.5):.2f}, p99 "
              f"{percentile(ready_times, 0.99) / percentile(static_times, 0.99):.2f}; not a PDF: {ready_bad} "
              f"(target p50 < 50 ms)")
        print(f"  flood: 300 new assessments from one client: {flood.count(303)} created, {flood.count(429)} refused; "
              f"200 bad links: {guesses.count(404)} answered, {guesses.count(429)} refused; "
              f"its valid link {valid.count(302)}/5 accepted; another client's page {bystander}")
        print(f"  SIGTERM to a gunicorn worker: gone in {web_worker_s:.1f} s, the service answered {answered} meanwhile")
        print(f"  SIGTERM to the render worker mid-render: exited in {render_worker_s:.1f} s, {len(render_left)} processes left")
        print(f"  SIGTERM to gunicorn: exited in {stop_s:.1f} s, {len(left)} processes left, port free: {port_free}")
        return 0
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
