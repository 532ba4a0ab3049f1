"""Crash safety (``make bench``; tests/test_crash.py runs the same loop with fewer kills).

A real HTTP server on 127.0.0.1 over an SQLite file, officers saving wizard steps through
it, and the server killed with SIGKILL at random moments, then started again. After every
kill, while no server runs:

- ``PRAGMA integrity_check`` must say ``ok``;
- every step whose save was acknowledged (HTTP 302 received) must be in the database
  exactly as saved, all its answers, or exactly as a later save of the same step that was
  in flight when the server died (which may or may not have committed, but only whole):
  anything else (a missing answer, a mix of two saves) is a lost step.

The server: a warm parent process imports the app and creates it once, then forks a
server child (werkzeug, threaded, its own listening socket and database connections) on
request, like gunicorn's ``--preload``; the child is what gets ``kill -9``-ed, so a restart
takes milliseconds instead of a fresh interpreter's seconds. Everything is bounded (kills,
a time limit, per-request timeouts) and every process is ended by id on the way out.

    .venv/bin/python bench/bench_crash.py            # 100 kills (BENCH_KILLS)

Prints ``kills / integrity failures / lost steps``.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "crash-test-secret-key-0123456789abcdef"  # constant: browsers' sessions survive restarts
REQUEST_TIMEOUT = 10.0

# --------------------------------------------------------------------------- the warm parent (own process)


def zygote(database_url: str, slot_dir: str) -> None:
    """Create the app once; on each "fork" line from stdin, fork a server child and answer
    "ready PID PORT"; on "reap PID", wait for that (killed) child and answer "reaped"."""
    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from webapp import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "RENDER_SLOT_DIR": slot_dir})
    out = sys.stdout
    print("warm", flush=True)
    for line in sys.stdin:
        command = line.split()
        if command[:1] == ["fork"]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the server
                os.close(read_end)
                try:
                    server = make_server("127.0.0.1", 0, app, threaded=True)
                    os.write(write_end, f"{server.server_port}\n".encode())
                    os.close(write_end)
                    server.serve_forever()
                finally:
                    os._exit(1)
            os.close(write_end)
            with os.fdopen(read_end) as r:
                port = r.readline().strip()
            print(f"ready {pid} {port}", flush=True)
        elif command[:1] == ["reap"]:
            try:
                os.waitpid(int(command[1]), 0)
            except ChildProcessError:
                pass
            print("reaped", flush=True)
        else:
            break
    out.flush()


class Zygote:
    """The driver's handle on the warm parent."""

    def __init__(self, database_url: str, workdir: Path):
        self.log = open(workdir / "server.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--zygote", database_url, str(workdir / "slots")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=ROOT,
            start_new_session=True,  # its own process group: the server children are in it too
        )
        self.child: int | None = None
        self._expect("warm", timeout=120)

    def _expect(self, prefix: str, timeout: float) -> str:
        assert self.proc.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        line = result[0].strip() if result else ""
        if not line.startswith(prefix):
            raise RuntimeError(f"server launcher: expected {prefix!r}, got {line!r} (see server.log)")
        return line

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def start_server(self) -> int:
        self._send("fork")
        _, pid, port = self._expect("ready", timeout=30).split()
        self.child = int(pid)
        return int(port)

    def kill_server(self) -> None:
        if self.child is None:
            return
        try:
            os.kill(self.child, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._send(f"reap {self.child}")
        self._expect("reaped", timeout=30)
        self.child = None

    def close(self) -> None:
        """End the server child and the launcher (by their ids), even after a failure."""
        for pid in (self.child, self.proc.pid):
            if pid is None:
                continue
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        finally:
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass
            self.log.close()


# --------------------------------------------------------------------------- a browser, minimal



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        os.killpg(server.pid, signal.SIGKILL)  # the group the bench created: leftover render workers
    except (ProcessLookupError, PermissionError):
        pass


class Browser:
    """One officer's browser: a session cookie and plain HTTP/1.1 requests to 127.0.0.1."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        self.cookie = ""
        self.port = 0
        self.headers = headers or {}  # sent with every request (a proxy's X-Forwarded-For)

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None,
                timeout: float = REQUEST_TIMEOUT) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {**self.headers, **({"Cookie": self.cookie} if self.cookie else {})}
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", text
        finally:
            conn.close()


def csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    if not m:
        raise RuntimeError("no CSRF token on the page")
    return m.group(1) or m.group(2)


# --------------------------------------------------------------------------- what is saved


@dataclass
class StepState:
    acked: dict[str, Any]  # the step as last acknowledged (or as found after a kill)
    pending: list[dict[str, Any]] = field(default_factory=list)  # saves sent since, not acknowledged
    history: list[str] = field(default_factory=list)  # the last events, shown if the step is lost


def steps_and_questions() -> list[tuple[str, list[Any]]]:
    """(step id, its unconditional questions): the ones a save always sets."""
    sys.path.insert(0, str(ROOT))
    from readiness.content import load_content

    content = load_content()
    steps = [("profile", list(content.bank.profile))] + [(d.id, list(d.questions)) for d in content.dimensions]
    return [(sid, [q for q in qs if q.show_if is None]) for sid, qs in steps]


def random_answers(questions: list[Any], rng: random.Random, serial: int) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Form fields for a whole step and the values the database must then hold."""
    from readiness.models import QuestionType

    fields: list[tuple[str, str]] = []
    stored: dict[str, Any] = {}
    for q in questions:
        if q.type == QuestionType.multi:
            plain = [o.value for o in q.options if not o.exclusive]
            most = min(len(plain), q.max_choices or len(plain))  # the bank's limit ("tick up to four")
            chosen = set(rng.sample(plain, rng.randint(1, most))) if plain else {q.options[0].value}
            fields += [(q.id, v) for v in chosen]
            stored[q.id] = [o.value for o in q.options if o.value in chosen]
        elif q.type == QuestionType.number:
            n = rng.randint(int(q.min or 0), int(min(q.max if q.max is not None else 1000, 1000)))
            fields.append((q.id, str(n)))
            stored[q.id] = n
        elif q.type == QuestionType.text:
            text = f"save {serial} of this step"
            fields.append((q.id, text))
            stored[q.id] = text
        else:
            value = rng.choice([o.value for o in q.options])
            fields.append((q.id, value))
            stored[q.id] = value
    return fields, stored


# --------------------------------------------------------------------------- the loop


class CrashLoop:
    def __init__(self, kills: int, workdir: Path, clients: int = 4, seed: int | None = None,
                 time_limit: float = 600.0, window: tuple[float, float] = (0.15, 0.8)):
        self.kills = kills
        self.workdir = workdir
        self.clients = clients
        self.rng = random.Random(seed)
        self.deadline = time.monotonic() + time_limit
        self.window = window
        self.db_path = workdir / "crash.sqlite3"
        self.steps = steps_and_questions()
        self.up = threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.idle = [threading.Event() for _ in range(clients)]
        self.states: dict[tuple[str, str], StepState] = {}
        self.public_ids: list[str] = []
        self.port = 0
        self.figures = {"kills": 0, "integrity_failures": 0, "lost_steps": 0, "acked_saves": 0,
                        "unacknowledged_saves": 0, "checked_steps": 0}
        self.lost: list[str] = []
        self.errors: list[str] = []

    # the officers ------------------------------------------------------------------

    def officer(self, i: int, browser: Browser, public_id: str) -> None:
        rng = random.Random(self.rng.random())
        serial = 0
        try:
            while not self.stop.is_set() and time.monotonic() < self.deadline:
                if not self.up.is_set():
                    self.idle[i].set()
                    self.up.wait(timeout=1.0)
                    continue
                self.idle[i].clear()
                if not self.up.is_set():  # killed in between: back to waiting
                    continue
                browser.port = self.port
                step_id, questions = rng.choice(self.steps)
                serial += 1
                key = (public_id, step_id)
                try:
                    status, _, html = browser.request("GET", f"/a/{public_id}/step/{step_id}")
                    if status != 200:
                        raise RuntimeError(f"GET step {step_id}: {status}")
                    fields, stored = random_answers(questions, rng, serial)
                    revisions = re.search(r'name="revisions" value="([^"]*)"', html)
                    form = [("csrf_token", csrf(html)), ("action", "save")] + fields
                    if revisions:
                        form.append(("revisions", revisions.group(1)))
                    with self.lock:
                        state = self.states[key]
                        state.pending.append(stored)
                        state.history = state.history[-6:] + [f"sent {serial} at kill {self.figures['kills']}"]
                    status, location, _ = browser.request("POST", f"/a/{public_id}/step/{step_id}", form)
                except (OSError, http.client.HTTPException):
                    continue  # the server died under this request: the save stays pending (unknown)
                if status == 302 and "/link" in location:
                    with self.lock:
                        state = self.states[key]
                        state.acked, state.pending = stored, []
                        state.history.append(f"acknowledged {serial}")
                        self.figures["acked_saves"] += 1
                else:
                    raise RuntimeError(f"save of {step_id} answered {status}")
        except BaseException as exc:  # reported by the driver
            self.errors.append(f"officer {i}: {type(exc).__name__}: {exc}")
        finally:
            self.idle[i].set()

    # the checks ---------------------------------------------------------------------

    def check(self) -> None:
        """With no server running: integrity, then every step against what was acknowledged."""
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                self.figures["integrity_failures"] += 1
            ids = dict(conn.execute("select public_id, id from assessment"))
            with self.lock:
                for (public_id, step_id), state in self.states.items():
                    questions = dict(self.steps)[step_id]
                    rows = dict(conn.execute(
                        "select question_id, value from answer where assessment_id = ? and question_id in (%s)"
                        % ",".join("?" * len(questions)), [ids[public_id]] + [q.id for q in questions]))
                    # SQLite's JSON column has numeric affinity: a number comes back as a number
                    now = {qid: v if isinstance(v, (int, float)) else json.loads(v) for qid, v in rows.items()}
                    allowed = [state.acked] + state.pending
                    self.figures["checked_steps"] += 1
                    if now not in allowed:
                        self.figures["lost_steps"] += 1
                        self.lost.append(f"{public_id}/{step_id}: {now} not in {allowed}; {state.history}")
                    state.history.append(f"checked after kill {self.figures['kills']}")
                    self.figures["unacknowledged_saves"] += len(state.pending)
                    # what is in the database now is the new reference: the next kill is checked against it
                    state.acked, state.pending = now, []
        finally:
            conn.close()

    # the driver ---------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        sys.path.insert(0, str(ROOT))
        from webapp.db import upgrade_database

        url = f"sqlite:///{self.db_path}"
        upgrade_database(url)
        launcher = Zygote(url, self.workdir)
        threads: list[threading.Thread] = []
        try:
            self.port = launcher.start_server()
            browsers = []
            for i in range(self.clients):
                b = Browser()
                b.port = self.port
                status, _, html = b.request("GET", "/start")
                status, location, _ = b.request("POST", "/start", [
                    ("csrf_token", csrf(html)), ("town", f"Crashtown {i}"), ("country", "Romania"),
                    ("population_band", "10k_50k")])
                if status != 303:  # post/redirect/get: to the link page
                    raise RuntimeError(f"start: {status}")
                public_id = re.search(r"/a/([0-9a-f]+)/link", location).group(1)
                self.public_ids.append(public_id)
                browsers.append(b)
                # acknowledged by the start page's answer: the population band, nothing else
                for step_id, questions in self.steps:
                    start = {"population_band": "10k_50k"} if step_id == "profile" else {}
                    self.states[(public_id, step_id)] = StepState(acked={k: v for k, v in start.items()
                                                                         if k in {q.id for q in questions}})
            threads = [threading.Thread(target=self.officer, args=(i, browsers[i], self.public_ids[i]), daemon=True)
                       for i in range(self.clients)]
            self.up.set()
            for t in threads:
                t.start()
            while self.figures["kills"] < self.kills and time.monotonic() < self.deadline and not self.errors:
                time.sleep(self.rng.uniform(*self.window))
                self.up.clear()
                launcher.kill_server()
                self.figures["kills"] += 1
                for ev in self.idle:  # every officer has noticed (bounded by the request timeout)
                    ev.wait(timeout=REQUEST_TIMEOUT + 5)
                self.check()
                self.port = launcher.start_server()
                self.up.set()
        finally:
            self.stop.set()
            self.up.set()
            for t in threads:
                t.join(timeout=REQUEST_TIMEOUT + 5)
            launcher.close()
        self.check()  # and once more at the very end
        return dict(self.figures, errors=self.errors, lost=self.lost[:5])


def main() -> None:
    kills = int(os.environ.get("BENCH_KILLS", "100"))
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="readiness-crash-") as tmp:
        figures = CrashLoop(kills, Path(tmp), clients=int(os.environ.get("BENCH_CRASH_CLIENTS", "4")),
                            time_limit=float(os.environ.get("BENCH_CRASH_TIME_LIMIT", "300"))).run()
    print(f"crash: {figures['kills']} kills / {figures['integrity_failures']} integrity failures / "
          f"{figures['lost_steps']} lost steps  ({figures['acked_saves']} acknowledged saves, "
          f"{figures['unacknowledged_saves']} cut off by a kill, {figures['checked_steps']} step checks, "
          f"{time.monotonic() - t0:.0f} s)")
    if figures["errors"]:
        print("errors:", *figures["errors"][:5], sep="\n  ")
    if figures["lost"]:
        print("lost:", *figures["lost"], sep="\n  ")
    sys.exit(1 if figures["errors"] or figures["integrity_failures"] or figures["lost_steps"] else 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        zygote(sys.argv[2], sys.argv[3])
    else:
        main()
