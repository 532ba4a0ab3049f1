"""What a wizard step costs (``make bench``): the real app against a bare Flask page and a bare
INSERT, served the same way, measured in the same run, interleaved.

Three gunicorn servers on 127.0.0.1, each with the project's ``gunicorn.conf.py`` and the same
number of sync workers (``BENCH_WORKERS``, default 2), over SQLite files in WAL mode:

- the real app (``webapp:create_app()``);
- the bare app (``bench/bare_app.py``): a Flask + Jinja page of the step page's size, a bare
  save (below), and one ``INSERT`` + ``COMMIT`` per request (durable: SQLite's default
  ``synchronous=FULL``; and with the project's ``synchronous=NORMAL``, which in WAL mode does
  not sync a commit to disk);
- recycling: the real app again with ``max_requests`` low (``BENCH_RECYCLE_REQUESTS``, default:
  about 3 restarts per worker at the measured rate) plus the config's jitter, under load;
- start-up: a cold server's time to its first page, then every worker replaced at once, twice,
  under load (SIGHUP: new workers forked from the preloaded master).
  Both count the requests slower than 500 ms (the goal is none) and give p99 and max.

``wrk`` (Debian's package) is the load generator: ``BENCH_OFFICERS`` (default 32) officers,
one connection each, each with its own assessment and session.

What each side of the save ratio does (both: two HTTP requests per save, the redirect not
followed; the next save's GET stands for the page the redirect leads to):

- the real app's save: GET of the step page (session cookie, the one query, the page with its
  CSRF token and answer revisions), then POST of it back with one answer changed: CSRF check,
  the answers read and checked, the one write transaction, a 302 to the next page;
- the bare save (the headline baseline): GET of the bare page, then a form POST doing one
  ``INSERT`` + ``COMMIT`` with the same durability as the app (``synchronous=NORMAL``, WAL)
  answered by a 302.

The figures of the earlier definition are printed too: a save's two requests against ONE bare
``INSERT`` request (durable ``synchronous=FULL``, and ``NORMAL``), i.e. half the real save's
request rate against the bare INSERT's request rate.

Saturation rounds (no pause between requests: throughput, not what officers see) alternate
the measurements (bare page, step GET, bare INSERTs, bare save, save) in a rotating order,
``BENCH_SECONDS`` each (default 4), ``BENCH_ROUNDS`` (default 5); the ratios are of the
medians over rounds (and the range of per-round ratios).

Paced runs (what officers see): the same officers, each reading and answering a step for a
think time drawn uniformly from 2-5 s before sending it (one step every 2-5 s, faster than an
officer who reads the questions can go), then at a stress pace ten times that (0.2-0.5 s);
the real save and the bare save one after the other at each pace, ``BENCH_PACED_SECONDS`` each
(default 30 s at the officers' pace, half that at the stress pace), with a fixed seed
(``BENCH_SEED``, printed). Latencies are p50/p99/max of each request (think time excluded),
measured by a Python client (``paced_officers``: why not wrk there).

Memory of each web worker from /proc, after start-up and after the load: RSS, USS (the pages
only that worker has: what one more worker costs) and PSS (shared pages divided among the
processes sharing them), and whether WeasyPrint's libraries are mapped in it.

Everything is bounded in time; servers are stopped by their process group id, even on failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_crash import ROOT, Browser, csrf, free_port, stop  # (same folder)

BENCH = Path(__file__).resolve().parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
OFFICERS = int(os.environ.get("BENCH_OFFICERS", "32"))
SECONDS = min(30, int(os.environ.get("BENCH_SECONDS", "4")))
ROUNDS = min(15, int(os.environ.get("BENCH_ROUNDS", "5")))
# Default: low enough that each worker restarts about 3 times in the run, at the measured rate.
RECYCLE_REQUESTS = int(os.environ.get("BENCH_RECYCLE_REQUESTS", "0"))
RECYCLE_SECONDS = min(60, int(os.environ.get("BENCH_RECYCLE_SECONDS", "20")))
# Officers in the recycling and start-up runs: few enough that the workers are not saturated
# (then every request waits in line and is slow whatever the workers do), so that a stall
# caused by a restart stands out against the steady state measured the same way.
STALL_OFFICERS = int(os.environ.get("BENCH_STALL_OFFICERS", "4"))
PACED_SECONDS = min(120, int(os.environ.get("BENCH_PACED_SECONDS", "30")))
SEED = int(os.environ.get("BENCH_SEED", "17"))
# Think time before sending a step (ms): an officer's pace, and a stress pace ten times faster.
PACES = {"officers' pace (think 2-5 s)": (2000, 5000), "stress pace (think 0.2-0.5 s)": (200, 500)}
STEP = "cooperation"  # a typical step: single, multi, yes/no and number questions
CHANGED = "coop_joint_projects"  # the answer a save changes (a number: 0..399)
SECRET_KEY = "bench-step-secret-key-0123456789abcdef0123"
LOAD_BEFORE = " ".join(Path("/proc/loadavg").read_text().split()[:3])  # other work on the machine
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    log: Path
    ready_s: float = 0.0  # from the command to the first page served

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def boots(self) -> int:
        return self.log.read_text(errors="replace").count("Booting worker")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) its workers have used so far: what a request costs the server,
        whatever else runs on the machine (the other servers, wrk, other people's work)."""
        total = 0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14 and 15)
        return total / CLOCK_TICKS


def start_server(name: str, app: str, tmp: Path, extra_env: dict[str, str], pythonpath: str | None = None) -> Server:
    port = free_port()
    env = dict(os.environ, READINESS_ENV="production", BIND=f"127.0.0.1:{port}", SECRET_KEY=SECRET_KEY,
               BASE_URL=f"http://127.0.0.1:{port}", READINESS_INSTANCE_DIR=str(tmp),
               READINESS_RENDER_SLOT_DIR=str(tmp / "slots"), WEB_CONCURRENCY=str(WORKERS),
               # 32 officers start from one address: past the per-client limit of new assessments a
               # worker answered 429 (the limits are tests/test_limits.py's, not this bench's)
               LIMIT_NEW_ASSESSMENTS="10000 per minute", **extra_env)
    log = tmp / f"{name}.log"
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
    if pythonpath:
        command += ["--pythonpath", pythonpath]
    with open(log, "wb") as out:
        # The access log stays on (the project's setting), written to the log file.
        proc = subprocess.Popen(command + [app], cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True)
    server = Server(name, proc, port, log)
    probe = Browser()
    probe.port = port
    path = "/page" if "bare" in name else "/"
    started = time.monotonic()
    while time.monotonic() - started < 60:  # up to 60 s for the workers to start on a busy machine
        try:
            if probe.request("GET", path)[0] == 200:
                server.ready_s = time.monotonic() - started
                return server
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{name}: gunicorn exited:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)
    stop(proc)
    raise RuntimeError(f"{name}: gunicorn did not answer within 60 s")


def step_fields() -> list[tuple[str, str]]:
    """A complete answer to the step; the changed answer last, its value added per save."""
    from readiness.content import load_content
    from readiness.models import QuestionType

    questions = {d.id: d.questions for d in load_content().dimensions}[STEP]
    fields = []
    for q in questions:
        if q.id == CHANGED:
            continue
        if q.type == QuestionType.number:
            fields.append((q.id, str(int(q.min or 0))))
        elif q.type == QuestionType.text:
            fields.append((q.id, "Notes from the working group"))
        else:
            fields.append((q.id, q.options[0].value))
    return fields


def prepare_officers(server: Server, tmp: Path) -> tuple[Path, int]:
    """One assessment and browser session per officer; returns the wrk input file and the page size."""
    fields = urlencode(step_fields()) + f"&{CHANGED}="
    lines, size = [], 0
    for i in range(OFFICERS):
        browser = Browser()
        browser.port = server.port
        _, _, html = browser.request("GET", "/start")
        status, location, _ = browser.request("POST", "/start", [
            ("csrf_token", csrf(html)), ("town", f"Benchtown {i}"), ("country", "Romania"),
            ("population_band", "10k_50k")])
        assert status == 303, f"start: {status}"  # post/redirect/get: to the link page
        public_id = re.search(r"/a/([0-9a-f]+)/link", location).group(1)  # type: ignore[union-attr,arg-type]
        path = f"/a/{public_id}/step/{STEP}"
        status, _, html = browser.request("GET", path)  # puts the CSRF secret in the session cookie
        assert status == 200, f"step: {status}"
        size = len(html.encode())
        lines.append(f"{browser.cookie}\t{path}\t{fields}")
    officers = tmp / "officers.tsv"
    officers.write_text("\n".join(lines) + "\n")
    return officers, size


def wrk(url: str, mode: str, officers: Path, seconds: int, count: int = OFFICERS,
        server: Server | None = None) -> dict[str, Any]:
    command = ["wrk", "-t", str(count), "-c", str(count), "-d", f"{seconds}s", "--timeout", "5s",
               "-s", str(BENCH / "wrk_officers.lua"), url, "--", mode, str(officers)]
    cpu_before = server.cpu_seconds() if server else 0.0
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    cpu = server.cpu_seconds() - cpu_before if server else 0.0
    line = next((ln for ln in reversed(out.stdout.splitlines()) if ln.startswith("{")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stdout[-2000:]} {out.stderr[-2000:]}")
    result = json.loads(line)
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    result["cpu_ms"] = 1000 * cpu / max(1, result["requests"])  # the workers' CPU per request
    return result


def paced_officers(server: Server, officers: Path | None, seconds: int, think_ms: tuple[int, int]) -> dict[str, Any]:
    """``OFFICERS`` officers saving steps at a pace: each GETs its page, thinks for a time drawn
    uniformly from ``think_ms`` (random.Random(SEED + officer)), POSTs it (302) and GETs the
    next page at once. ``officers``: the real app's officers file; None: the bare save.

    Not wrk: wrk opens the next connection as soon as a response arrives and only then waits
    (its delay() hook), and a sync gunicorn worker that accepted it waits for the request for
    the whole think time, so 2 workers were held by officers who were still reading (p50 0.6 s
    for both apps). A browser sends its request when it has one (and a reverse proxy forwards
    only complete requests): here each request opens its connection when it is sent."""
    lines = officers.read_text().splitlines() if officers else ["\t/page\t"] * OFFICERS
    latencies: list[float] = []
    unexpected = [0]
    deadline = time.monotonic() + seconds

    def timed(browser: Browser, method: str, path: str, form: list[tuple[str, str]] | None, expect: int) -> str:
        t0 = time.perf_counter()
        try:
            status, _, html = browser.request(method, path, form, timeout=10)
        except OSError:
            status, html = 0, ""
        latencies.append(time.perf_counter() - t0)
        if status != expect:
            unexpected[0] += 1
        return html

    def officer(number: int, line: str) -> None:
        cookie, path, fields = line.split("\t")
        rng = random.Random(SEED + number)
        browser = Browser()
        browser.port, browser.cookie = server.port, cookie
        answers = parse_qsl(fields, keep_blank_values=True)
        time.sleep(rng.uniform(0, think_ms[1]) / 1000)  # officers do not start in step
        saves = 0
        while time.monotonic() < deadline:
            html = timed(browser, "GET", path, None, 200)
            time.sleep(rng.uniform(*think_ms) / 1000)
            if time.monotonic() >= deadline:
                break
            saves += 1
            if officers is None:
                timed(browser, "POST", "/save", [("value", str(saves))], 302)
                continue
            revisions = re.search(r'name="revisions" value="([^"]*)"', html)
            try:
                token = csrf(html)
            except RuntimeError:
                token = ""
            form = [("csrf_token", token), ("revisions", revisions.group(1) if revisions else ""), ("action", "next")]
            form += answers[:-1] + [(answers[-1][0], str(saves % 400))]  # the changing answer, last
            timed(browser, "POST", path, form, 302)

    threads = [threading.Thread(target=officer, args=(i, line), daemon=True) for i, line in enumerate(lines)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    duration = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1e6

    return {"requests": len(latencies), "rate": len(latencies) / duration, "p50_us": pct(50), "p99_us": pct(99),
            "max_us": ordered[-1] * 1e6, "over_500ms": sum(x > 0.5 for x in latencies), "unexpected": unexpected[0],
            "socket_errors": 0, "timeouts": 0, "status_errors": 0}


@dataclass
class Series:
    runs: list[dict[str, Any]] = field(default_factory=list)

    def rates(self, per: int = 1) -> list[float]:
        return [r["rate"] / per for r in self.runs]

    def median_rate(self, per: int = 1) -> float:
        return statistics.median(self.rates(per))

    def cpu_ms(self, per: int = 1) -> list[float]:
        return [r["cpu_ms"] * per for r in self.runs]

    def median_cpu_ms(self, per: int = 1) -> float:
        return statistics.median(self.cpu_ms(per))

    def p99s(self) -> list[float]:
        return [r["p99_us"] / 1000 for r in self.runs]

    def worst(self, key: str) -> float:
        return max(r[key] for r in self.runs) / 1000

    def errors(self) -> int:
        return sum(r["unexpected"] + r["socket_errors"] + r["timeouts"] + r["status_errors"] for r in self.runs)


@dataclass(frozen=True)
class WorkerMemory:
    rss: int  # KiB: every page the process touches, shared ones included
    pss: int  # KiB: shared pages divided among the processes sharing them
    uss: int  # KiB: pages only this worker has (what one more worker costs)
    renderer: bool  # WeasyPrint's libraries (Pango) are mapped in this worker


def memory(server: Server) -> list[WorkerMemory]:
    found = []
    for pid in server.workers():
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            maps = Path(f"/proc/{pid}/maps").read_text()
        except OSError:
            continue

        def kib(name: str, text: str = text) -> int:
            m = re.search(rf"^{name}:\s+(\d+)", text, re.MULTILINE)
            return int(m.group(1)) if m else 0

        found.append(WorkerMemory(kib("Rss"), kib("Pss"), kib("Private_Clean") + kib("Private_Dirty"),
                                  "libpango" in maps))
    return found


def describe_memory(mem: list[WorkerMemory]) -> str:
    if not mem:
        return "workers' memory not readable"

    def mib(values: list[int]) -> str:
        return ", ".join(f"{v / 1024:.0f}" for v in values)

    renderer = sum(m.renderer for m in mem)
    return (f"RSS {mib([m.rss for m in mem])} MiB, USS {mib([m.uss for m in mem])} MiB, "
            f"PSS {mib([m.pss for m in mem])} MiB per worker; WeasyPrint loaded in {renderer} of {len(mem)}")


def ratio_range(a: list[float], b: list[float]) -> str:
    ratios = sorted(x / y for x, y in zip(a, b))
    return f"{ratios[0]:.2f}-{ratios[-1]:.2f}"


def replacing_workers(server: Server, officers: Path, seconds: int) -> tuple[dict[str, Any], int]:
    """Step GETs for ``seconds`` while the master replaces every worker at once, twice (SIGHUP:
    new workers forked from the preloaded master, the old ones finish their request and go)."""
    booted = server.boots()
    timers = [threading.Timer(seconds * k / 3, os.kill, (server.proc.pid, signal.SIGHUP)) for k in (1, 2)]
    for timer in timers:
        timer.start()
    try:
        result = wrk(server.url, "get", officers, seconds, STALL_OFFICERS)
    finally:
        for timer in timers:
            timer.cancel()
    return result, server.boots() - booted


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench_step: needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from webapp.db import upgrade_database

    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="readiness-step-") as tmpdir:
        tmp = Path(tmpdir)
        try:
            real_db = f"sqlite:///{tmp}/real.sqlite3"
            upgrade_database(real_db)
            real = start_server("real", "webapp:create_app()", tmp, {"DATABASE_URL": real_db,
                                                                     "GUNICORN_MAX_REQUESTS": "0"})
            servers.append(real)
            officers, size = prepare_officers(real, tmp)
            mem_started = memory(real)
            bare = start_server("bare", "bare_app:create_app()", tmp, {
                "BARE_DB": str(tmp / "bare.sqlite3"), "BARE_PAGE_BYTES": str(size), "GUNICORN_MAX_REQUESTS": "0"},
                pythonpath=str(BENCH))
            servers.append(bare)
            bare_file = tmp / "bare.tsv"
            bare_file.write_text("".join("\t/page\t\n" for _ in range(OFFICERS)))
            insert_file = tmp / "insert.tsv"
            insert_file.write_text("".join("\t/insert\t\n" for _ in range(OFFICERS)))
            normal_file = tmp / "insert-normal.tsv"
            normal_file.write_text("".join("\t/insert-normal\t\n" for _ in range(OFFICERS)))

            plan = {
                "bare page": (bare, "bare_get", bare_file),
                "step GET": (real, "get", officers),
                "bare INSERT": (bare, "bare_insert", insert_file),
                "bare save": (bare, "bare_save", bare_file),
                "save": (real, "save", officers),
                "bare INSERT NORMAL": (bare, "bare_insert", normal_file),
            }
            for server, mode, file in plan.values():  # warm-up, not counted
                wrk(server.url, mode, file, 1)
            series = {name: Series() for name in plan}
            names = list(plan)
            for r in range(ROUNDS):
                order = names[r % len(names):] + names[:r % len(names)]
                for name in order:
                    server, mode, file = plan[name]
                    series[name].runs.append(wrk(server.url, mode, file, SECONDS, server=server))
            mem_loaded, mem_bare = memory(real), memory(bare)
            paced: dict[str, dict[str, dict[str, Any]]] = {}
            for pace, think in PACES.items():
                seconds = PACED_SECONDS if think[0] >= 1000 else max(5, PACED_SECONDS // 2)
                paced[pace] = {"save": paced_officers(real, officers, seconds, think),
                               "bare save": paced_officers(bare, None, seconds, think)}
            for server in (real, bare):
                stop(server.proc)

            # Recycling: a fresh server whose workers restart several times under load.
            recycle_db = f"sqlite:///{tmp}/recycle.sqlite3"
            upgrade_database(recycle_db)
            max_requests = RECYCLE_REQUESTS or max(50, int(series["step GET"].median_rate() * RECYCLE_SECONDS
                                                             / WORKERS / 3))
            recycle = start_server("recycle", "webapp:create_app()", tmp, {
                "DATABASE_URL": recycle_db, "GUNICORN_MAX_REQUESTS": str(max_requests)})
            servers.append(recycle)
            recycle_officers, _ = prepare_officers(recycle, tmp)
            booted = recycle.boots()
            recycled = wrk(recycle.url, "get", recycle_officers, RECYCLE_SECONDS, STALL_OFFICERS)
            restarts = recycle.boots() - booted
            stop(recycle.proc)

            # Start-up: a cold server's first page, then every worker replaced at once under load, twice.
            startup_db = f"sqlite:///{tmp}/startup.sqlite3"
            upgrade_database(startup_db)
            startup = start_server("startup", "webapp:create_app()", tmp, {
                "DATABASE_URL": startup_db, "GUNICORN_MAX_REQUESTS": "0"})
            servers.append(startup)
            startup_officers, _ = prepare_officers(startup, tmp)
            steady = wrk(startup.url, "get", startup_officers, RECYCLE_SECONDS, STALL_OFFICERS)
            replaced, fresh_workers = replacing_workers(startup, startup_officers, RECYCLE_SECONDS)
        finally:
            for server in servers:
                stop(server.proc)

    bare_page, step_get, bare_insert, bare_save, save, bare_normal = (series[n] for n in names)
    get_ratio = step_get.median_rate() / bare_page.median_rate()
    save_ratio = save.median_rate(per=2) / bare_insert.median_rate()
    fair_ratio = save.median_rate() / bare_save.median_rate()
    print(f"step: {OFFICERS} officers (wrk, one connection each), gunicorn.conf.py with {WORKERS} sync workers, "
          f"SQLite WAL; {ROUNDS} interleaved rounds of {SECONDS} s; page of {size:,} bytes (step '{STEP}'); "
          f"load average before the run {LOAD_BEFORE}")
    print(f"step: bare page {bare_page.median_rate():.0f} req/s, step GET {step_get.median_rate():.0f} req/s: "
          f"ratio {get_ratio:.2f} (rounds {ratio_range(step_get.rates(), bare_page.rates())}; goal >= 0.5)")
    print(f"step: bare save (GET page + POST INSERT+COMMIT NORMAL + 302) {bare_save.median_rate(per=2):.0f}/s, "
          f"save (GET step + POST step + 302) {save.median_rate(per=2):.0f}/s: ratio {fair_ratio:.2f} "
          f"(rounds {ratio_range(save.rates(), bare_save.rates())}; goal >= 0.5; the same HTTP steps on both sides)")
    print(f"step: earlier definition, a save's two requests against one bare INSERT request: durable INSERT "
          f"(synchronous=FULL) {bare_insert.median_rate():.0f}/s: ratio {save_ratio:.2f} "
          f"(rounds {ratio_range(save.rates(per=2), bare_insert.rates())}); INSERT with synchronous=NORMAL "
          f"{bare_normal.median_rate():.0f}/s: ratio {save.median_rate(per=2) / bare_normal.median_rate():.2f} "
          f"(rounds {ratio_range(save.rates(per=2), bare_normal.rates())})")
    # The web workers' CPU per request: what each request costs the server, much less moved by the
    # machine's other work than the rates above (which fall with it, and not evenly).
    print(f"step: CPU of the web workers per request (median of rounds): bare page "
          f"{bare_page.median_cpu_ms():.2f} ms, step GET {step_get.median_cpu_ms():.2f} ms: ratio "
          f"{bare_page.median_cpu_ms() / step_get.median_cpu_ms():.2f} (rounds "
          f"{ratio_range(bare_page.cpu_ms(), step_get.cpu_ms())}); bare save (GET + POST) "
          f"{bare_save.median_cpu_ms(per=2):.2f} ms, save (GET + POST) {save.median_cpu_ms(per=2):.2f} ms: ratio "
          f"{bare_save.median_cpu_ms() / save.median_cpu_ms():.2f} (rounds {ratio_range(bare_save.cpu_ms(), save.cpu_ms())})")
    for name, s in series.items():
        print(f"step: {name:<18} p99 {statistics.median(s.p99s()):.0f} ms (worst round {max(s.p99s()):.0f}; goal < 100), "
              f"max {s.worst('max_us'):.0f} ms, p50 {statistics.median(r['p50_us'] / 1000 for r in s.runs):.0f} ms, "
              f"over 500 ms {sum(r['over_500ms'] for r in s.runs)}")
    print(f"step: saturation rounds above: {OFFICERS} connections with no pause between requests (throughput; "
          f"every request waits in line for 2 workers)")
    for pace, runs in paced.items():
        print(f"step: {OFFICERS} officers at the {pace}, seed {SEED}, real save and bare save in turn:")
        for name, r in runs.items():
            print(f"step:   {name:<9} {r['requests']} requests ({r['rate']:.0f}/s), p50 {r['p50_us'] / 1000:.1f} ms, "
                  f"p99 {r['p99_us'] / 1000:.1f} ms (goal < 100 at the officers' pace), max {r['max_us'] / 1000:.0f} ms, "
                  f"over 500 ms {r['over_500ms']}")
    print(f"step: real app's web workers after start-up: {describe_memory(mem_started)}")
    print(f"step: real app's web workers after the load: {describe_memory(mem_loaded)}")
    print(f"step: bare app's workers after the load: {describe_memory(mem_bare)}")
    def stalls(r: dict[str, Any]) -> str:
        return (f"{r['requests']} requests, over 500 ms {r['over_500ms']}, p99 {r['p99_us'] / 1000:.0f} ms, "
                f"max {r['max_us'] / 1000:.0f} ms, timed out (> 5 s) {r['timeouts']}")

    print(f"step: {STALL_OFFICERS} officers, {RECYCLE_SECONDS} s of step GETs each (goal: no request over 500 ms "
          f"beyond the steady state's):")
    print(f"step:   steady state (no recycling): {stalls(steady)}")
    print(f"step:   recycling (max_requests={max_requests} + the config's jitter): {restarts} worker restarts, "
          f"{stalls(recycled)}")
    print(f"step:   every worker replaced at once, twice (SIGHUP): {fresh_workers} fresh workers, {stalls(replaced)}")
    print(f"step: start-up: first page {startup.ready_s:.2f} s after the command (cold server: the master imports "
          f"and warms the app, then forks)")
    errors = (sum(s.errors() for s in series.values()) + Series([recycled, replaced, steady]).errors()
              + Series([r for runs in paced.values() for r in runs.values()]).errors())
    print(f"step: unexpected responses or socket errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
