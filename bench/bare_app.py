"""The baseline for bench/bench_step.py: a bare Flask + Jinja app, served by the same gunicorn
settings (the project's gunicorn.conf.py, same worker count) as the real app.

- ``GET /page``: a Jinja page (a template extending a layout, a loop over form-like items,
  autoescaped values) padded to ``BARE_PAGE_BYTES``, the size of the wizard step measured.
- ``POST /insert``: one ``INSERT`` and ``COMMIT`` in an SQLite file in WAL mode with SQLite's
  default ``synchronous=FULL`` (each commit reaches the disk): a durable write, the baseline
  the issue measured (457-480/s).
- ``POST /insert-normal``: the same with the project's own ``synchronous=NORMAL`` (webapp/db.py;
  in WAL mode a commit is not synced to disk, so this is mostly gunicorn's cost of a request).

- ``POST /save``: the bare side of a save, the same HTTP steps as the real one (bench_step.py
  pairs it with a ``GET /page``): a form post parsed, one ``INSERT`` + ``COMMIT`` with the
  project's ``synchronous=NORMAL`` (the same durability as the real app's save), answered with
  a 302 to the page, as the wizard answers a save.

No session, no CSRF, no translations, no ORM: what a page and a write cost with nothing else.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from flask import Flask, redirect, render_template, request


def create_app() -> Flask:
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "bare_templates"))
    target = int(os.environ.get("BARE_PAGE_BYTES", "20000"))

    def items(n: int) -> list[dict[str, str]]:
        return [{"value": f"option_{i}", "label": f"Option number {i} & its “label”"} for i in range(n)]

    def render(n: int) -> str:
        with app.test_request_context():
            return render_template("page.html", title="A bare page", items=items(n))

    # As many items as make the page the size of the real step (sizes grow linearly with n).
    one, hundred = len(render(1).encode()), len(render(101).encode())
    count = max(1, round(1 + 100 * (target - one) / max(1, hundred - one)))
    data = items(count)

    @app.get("/page")
    def page_view() -> str:
        return render_template("page.html", title="A bare page", items=data)

    connections: dict[str, sqlite3.Connection] = {}

    def db(synchronous: str) -> sqlite3.Connection:
        # Opened in the worker (after gunicorn's fork), once per setting, each on its own file.
        if synchronous not in connections:
            path = f"{os.environ['BARE_DB']}-{synchronous.lower()}"
            c = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA busy_timeout=30000")
            c.execute(f"PRAGMA synchronous={synchronous}")
            c.execute("CREATE TABLE IF NOT EXISTS saved (id INTEGER PRIMARY KEY, value TEXT)")
            connections[synchronous] = c
        return connections[synchronous]

    def insert(synchronous: str) -> tuple[str, int]:
        c = db(synchronous)
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT INTO saved (value) VALUES (?)", (request.form.get("value", ""),))
        c.execute("COMMIT")
        return "saved", 200

    @app.post("/insert")
    def insert_full() -> tuple[str, int]:
        return insert("FULL")

    @app.post("/insert-normal")
    def insert_normal() -> tuple[str, int]:
        return insert("NORMAL")

    @app.post("/save")
    def save() -> object:
        insert("NORMAL")
        return redirect("/page")

    return app
