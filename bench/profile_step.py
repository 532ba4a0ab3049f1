"""Where a wizard step's time goes, in process (no server, no network): cProfile over many
GETs and saves (GET + POST) of one step through Flask's test client, on an SQLite file.

    .venv/bin/python bench/profile_step.py            # summary by area, then the top functions
    BENCH_PROFILE_N=500 .venv/bin/python bench/profile_step.py

Prints the mean time per request (wall clock, without the profiler) and, from the profile,
the share of the request spent under each area (cumulative time of the outermost call into
it): Jinja rendering, database, WTForms, Flask-Babel, url_for, the session cookie.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_crash import ROOT, csrf
from bench_step import CHANGED, STEP, step_fields

N = int(os.environ.get("BENCH_PROFILE_N", "300"))

# Areas: (label, predicate on (file, function name)).
AREAS = [
    ("Jinja rendering (render_template)", lambda f, n: n == "render_template"),
    ("the page from its kept parts (step_page)", lambda f, n: "/webapp/wizard/pages.py" in f and n == "step_page"),
    ("  the questions and the parts joined", lambda f, n: "/webapp/wizard/pages.py" in f and n == "<listcomp>"),
    ("  glossary marks of help texts", lambda f, n: "/webapp/glossary/routes.py" in f and n == "glossed"),
    ("database (SQLAlchemy + SQLite)", lambda f, n: "/webapp/wizard/store.py" in f and n in ("with_answers", "save_answers")),
    ("  the read (with_answers)", lambda f, n: "/webapp/wizard/store.py" in f and n == "with_answers"),
    ("  the write transaction (save_answers)", lambda f, n: "/webapp/wizard/store.py" in f and n == "save_answers"),
    ("access check (webapp/access.py)", lambda f, n: "/webapp/access.py" in f and n == "assessment"),
    ("the form (StepForm) and answers' checks", lambda f, n: "/webapp/wizard/forms.py" in f and n in ("saved", "posted", "read_and_check")),
    ("CSRF: token for the page, check of a post", lambda f, n: "/webapp/wizard/forms.py" in f and n == "csrf_token"
     or ("/flask_wtf/csrf.py" in f and n == "protect")),
    ("session cookie (open + save)", lambda f, n: ("/flask/sessions.py" in f or "/webapp/sessions.py" in f)
     and n in ("open_session", "save_session")),
    ("form body parsing (werkzeug)", lambda f, n: "/werkzeug/wrappers/request.py" in f and n == "_load_form_data"),
    ("Flask-Limiter", lambda f, n: "/flask_limiter/_extension.py" in f
     and n in ("_check_request_limit", "__inject_headers", "__release_context")),
    ("before/after request hooks (all)", lambda f, n: "/flask/app.py" in f and n in ("preprocess_request", "process_response")),
    ("localized content / language", lambda f, n: "/webapp/i18n/locale.py" in f and n in ("localized_content", "current_language")),
    ("url_for", lambda f, n: "/flask/helpers.py" in f and n == "url_for"),
    ("Flask request (wsgi_app, under it all)", lambda f, n: "/flask/app.py" in f and n == "wsgi_app"),
]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from webapp import create_app
    from webapp.db import upgrade_database

    with tempfile.TemporaryDirectory(prefix="readiness-profile-") as tmp:
        url = f"sqlite:///{tmp}/profile.sqlite3"
        upgrade_database(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "profile-secret-key-0123456789abcdef",
                          "RENDER_SLOT_DIR": f"{tmp}/slots"})
        client = app.test_client()
        html = client.get("/start").get_data(as_text=True)
        r = client.post("/start", data={"csrf_token": csrf(html), "town": "Profiletown", "country": "Romania",
                                        "population_band": "10k_50k"})
        assert r.status_code == 303, r.status_code  # post/redirect/get: to the link page
        public_id = re.search(r"/a/([0-9a-f]+)/link", r.headers["Location"]).group(1)  # type: ignore[union-attr]
        path = f"/a/{public_id}/step/{STEP}"
        fields = step_fields()

        def get() -> str:
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response.get_data(as_text=True)

        def save(i: int) -> None:
            page = get()
            revisions = page.split('name="revisions" value="', 1)[1].split('"', 1)[0]
            body = [("csrf_token", csrf(page)), ("revisions", revisions), ("action", "next")] + fields
            body.append((CHANGED, str(i % 400)))
            response = client.post(path, data=urlencode(body), content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, response.status_code

        for i in range(20):  # warm: templates compiled, caches filled
            save(i)

        t0 = time.process_time()
        for _ in range(N):
            get()
        get_ms = 1000 * (time.process_time() - t0) / N
        t0 = time.process_time()
        for i in range(N):
            save(i)
        save_ms = 1000 * (time.process_time() - t0) / N
        print(f"profile: step '{STEP}' GET {get_ms:.2f} ms, save (GET + POST) {save_ms:.2f} ms "
              f"(CPU time, mean of {N}, in process, no profiler)")

        for label, action in (("GET", lambda i: get()), ("save", save)):
            profiler = cProfile.Profile()
            profiler.enable()
            for i in range(N):
                action(i)
            profiler.disable()
            stats = pstats.Stats(profiler)
            total = stats.total_tt  # type: ignore[attr-defined]
            print(f"\nprofile: {label}, share of the request under each area (cumulative; areas overlap "
                  f"where one calls another, e.g. url_for and gettext inside Jinja):")
            raw = stats.stats  # type: ignore[attr-defined]
            for area, match in AREAS:
                cumulative = sum(ct for (f, _, n), (_, _, _, ct, _) in raw.items() if match(f, n))
                calls = sum(nc for (f, _, n), (_, nc, _, _, _) in raw.items() if match(f, n))
                print(f"  {area:<40} {100 * cumulative / total:5.1f}%   {calls / N:5.1f} calls/request")
            if os.environ.get("BENCH_PROFILE_TOP"):
                stats.sort_stats("cumulative").print_stats(int(os.environ["BENCH_PROFILE_TOP"]))


if __name__ == "__main__":
    main()
