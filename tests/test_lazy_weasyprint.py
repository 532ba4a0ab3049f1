"""Web workers never load WeasyPrint: only the render workers and the CLI make PDFs.

Importing WeasyPrint costs ~0.4 s and maps Pango, HarfBuzz and fontTools into the process;
a gunicorn master that imported it handed all of that to every web worker it forked
(bench/bench_step.py reports the memory per worker). Each check runs in a fresh Python
process, where ``sys.modules`` shows what was imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# WeasyPrint and the libraries only it brings in.
RENDERER_MODULES = ("weasyprint", "pydyf", "fontTools")

# What a gunicorn master and its web workers do: create the app, warm it up (the master's
# when_ready hook), then serve every step page of an assessment in every offered language,
# a save, the review and the results page.
SERVE_EVERY_STEP = r"""
import json, re, sys
from webapp import create_app
from webapp.db import upgrade_database
from webapp.warmup import warm_up

url = "sqlite:///" + sys.argv[1]
upgrade_database(url)
app = create_app({"DATABASE_URL": url, "SECRET_KEY": "lazy-import-secret-key-0123456789abcdef",
                  "RENDER_SLOT_DIR": sys.argv[1] + "-slots"})
warm_up(app)
after_warm_up = sorted(m for m in sys.modules if m.split(".")[0] in RENDERER_MODULES)

from webapp.wizard.steps import all_steps
from webapp.i18n.locale import offered_languages

client = app.test_client()
token = lambda html: re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
page = client.get("/start").get_data(as_text=True)
started = client.post("/start", data={"csrf_token": token(page), "town": "Lazytown", "country": "Romania",
                                      "population_band": "10k_50k"})
assert started.status_code == 303, started.status_code
public_id = re.search(r"/a/([0-9a-f]+)/link", started.headers["Location"]).group(1)
with app.test_request_context():
    steps = [s.id for s in all_steps(app.extensions["readiness_content"])]
    languages = list(offered_languages())
pages = 0
for language in languages:
    for step in steps:
        html = client.get(f"/a/{public_id}/step/{step}").get_data(as_text=True)
        # the language buttons post the page's form: the next step page comes back in that language
        posted = client.post(f"/a/{public_id}/step/{step}", data={"csrf_token": token(html), "language": language})
        assert posted.status_code in (200, 302), (step, posted.status_code)
        assert client.get(f"/a/{public_id}/step/{step}").status_code == 200
        pages += 1
assert client.get(f"/a/{public_id}/review").status_code == 200
print(json.dumps({"after_warm_up": after_warm_up, "pages": pages, "languages": languages,
                  "after_pages": sorted(m for m in sys.modules if m.split(".")[0] in RENDERER_MODULES)}))
"""


def run(code: str, *args: str) -> dict:
    prelude = f"RENDERER_MODULES = {RENDERER_MODULES!r}\n"
    out = subprocess.run([sys.executable, "-c", prelude + code, *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_app_its_warm_up_and_every_step_page_never_import_weasyprint(tmp_path):
    found = run(SERVE_EVERY_STEP, str(tmp_path / "lazy.sqlite3"))
    assert found["after_warm_up"] == []  # the gunicorn master, before it forks
    assert len(found["languages"]) == 3 and found["pages"] >= 3 * 8  # every step, in every language
    assert found["after_pages"] == []  # a web worker after serving them


def test_a_pdf_still_loads_weasyprint_when_one_is_made(tmp_path):
    # The other side: the lazy import does happen where a PDF is made (render workers, CLI).
    found = run("""
import json, sys
from readiness import report
before = sorted(m for m in sys.modules if m.split(".")[0] in RENDERER_MODULES)
pdf = report.render_html_to_pdf("<p>PDF</p>")
fetcher = report.SafeURLFetcher()
print(json.dumps({"before": before, "pdf": pdf[:5].decode(), "weasyprint": "weasyprint" in sys.modules,
                  "fetcher": type(fetcher).__module__}))
""")
    assert found == {"before": [], "pdf": "%PDF-", "weasyprint": True, "fetcher": "readiness.pdf"}
