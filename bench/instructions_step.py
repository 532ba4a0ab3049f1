"""A save's cost in CPU instructions, the real app's against the bare app's, in process: the
same figure on every run, whatever else the machine is doing (valgrind's callgrind counts
instructions, not seconds), for telling a change of a few percent from noise.

    .venv/bin/python bench/instructions_step.py     # needs valgrind (apt-get install valgrind)

Each app runs in its own process under ``valgrind --tool=callgrind`` through Flask's test
client: the real app saves the step of bench_step (GET of the step page, POST of it: CSRF,
answers checked, the write transaction, a 302) on an SQLite file; the bare app does the bare
save (GET of a Jinja page of the same size, a form POST with one INSERT + COMMIT, a 302).
After 30 saves to warm up (and ``gc.freeze()``, as gunicorn.conf.py does), each process makes
SHORT or LONG saves; the difference of the two counts divided by LONG - SHORT is what one save
costs, start-up and warm-up cancelled out.

What it is for: two versions of the app, one after the other (the counts repeat within ~1%).
It is not the issue's ratio: instructions are not time (the bare page's Jinja loop runs many
cheap instructions, the app's request many that wait on memory: 0.82 here against 0.57 in
time under gunicorn), and there is no gunicorn or HTTP parsing on either side. The goal is
measured by bench_step.py.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
SHORT, LONG = int(os.environ.get("BENCH_SHORT", "20")), int(os.environ.get("BENCH_LONG", "120"))
WARM = 30


def real_saves(count: int, tmp: str) -> None:
    from bench_crash import csrf
    from bench_step import CHANGED, SECRET_KEY, STEP, step_fields
    from webapp import create_app
    from webapp.db import upgrade_database

    url = f"sqlite:///{tmp}/real.sqlite3"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "RENDER_SLOT_DIR": f"{tmp}/slots"})
    client = app.test_client()
    html = client.get("/start").get_data(as_text=True)
    started = client.post("/start", data={"csrf_token": csrf(html), "town": "Benchtown", "country": "Romania",
                                          "population_band": "10k_50k"})
    public_id = re.search(r"/a/([0-9a-f]+)/link", started.headers["Location"]).group(1)  # type: ignore[union-attr]
    path, fields = f"/a/{public_id}/step/{STEP}", step_fields()

    def save(i: int) -> None:
        page = client.get(path).get_data(as_text=True)
        revisions = page.split('name="revisions" value="', 1)[1].split('"', 1)[0]
        body = [("csrf_token", csrf(page)), ("revisions", revisions), ("action", "next")] + fields
        body.append((CHANGED, str(i % 400)))
        response = client.post(path, data=urlencode(body), content_type="application/x-www-form-urlencoded")
        assert response.status_code == 302, response.status_code

    _run(save, count)


def bare_saves(count: int, tmp: str) -> None:
    os.environ["BARE_DB"] = f"{tmp}/bare.sqlite3"
    os.environ.setdefault("BARE_PAGE_BYTES", "15743")  # the step page's size in bench_step
    from bare_app import create_app

    client = create_app().test_client()

    def save(i: int) -> None:
        assert client.get("/page").status_code == 200
        assert client.post("/save", data={"value": str(i)}).status_code == 302

    _run(save, count)


def _run(save, count: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(WARM):
        save(i)
    gc.collect()
    gc.freeze()
    for i in range(count):
        save(i)


def counted(kind: str, count: int) -> subprocess.Popen:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__, kind, str(count)]
    return subprocess.Popen(command, cwd=BENCH.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def instructions(proc: subprocess.Popen) -> int:
    out, _ = proc.communicate(timeout=1800)
    found = re.search(r"Collected : (\d+)", out)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"valgrind failed ({proc.returncode}): {out[-2000:]}")
    return int(found.group(1))


def main() -> int:
    if len(sys.argv) == 3:  # one counted process
        sys.path[:0] = [str(BENCH), str(BENCH.parent)]
        with tempfile.TemporaryDirectory(prefix="readiness-instructions-") as tmp:
            {"real": real_saves, "bare": bare_saves}[sys.argv[1]](int(sys.argv[2]), tmp)
        return 0
    if shutil.which("valgrind") is None:
        print("instructions_step: needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    per_save = {}
    for kind in ("bare", "real"):
        short, long = counted(kind, SHORT), counted(kind, LONG)  # two processes: one per core
        per_save[kind] = (instructions(long) - instructions(short)) / (LONG - SHORT)
    print(f"instructions: per save (GET + POST, in process, callgrind, {LONG} - {SHORT} saves): "
          f"bare save {per_save['bare'] / 1e6:.2f} M, save {per_save['real'] / 1e6:.2f} M: "
          f"ratio {per_save['bare'] / per_save['real']:.2f} (no gunicorn or HTTP parsing on either side; "
          f"instructions, not time: for comparing two versions of the app, the goal is bench_step's ratio)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
