"""The package installs: a wheel built from the checkout, installed into a fresh virtualenv
and run from another directory, serves the app and renders a report without the checkout
(content, templates, compiled catalogs and migrations travel inside the wheel)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

# Run inside the installed package, from a directory that is not the checkout.
APP_CHECK = textwrap.dedent("""
    import json, sys
    import readiness, webapp
    from webapp import create_app
    from webapp.db import upgrade_database
    url = sys.argv[1]
    upgrade_database(url)  # the migrations shipped in the wheel
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "k" * 32})
    client = app.test_client()
    home = client.get("/")
    home_pt = client.get("/", headers={"Accept-Language": "pt-PT"})
    cases = client.get("/cases")
    print(json.dumps({
        "readiness": readiness.__file__, "webapp": webapp.__file__,
        "home": home.status_code, "home_pt": home_pt.get_data(as_text=True),
        "cases": cases.status_code, "static": client.get("/static/app.css").status_code,
    }))
""")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel (built once) installed into a fresh virtualenv; returns its python.

    The dependencies are those of the test environment (a path entry in the new venv),
    so the test measures what the wheel carries, not how fast PyPI answers; the package
    itself comes only from the wheel."""
    tmp = tmp_path_factory.mktemp("install")
    # Built from a copy of the files git knows (committed or not, never ignored ones): no
    # stale build/ folder of the checkout ends up in the wheel, and the checkout stays clean.
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (tmp / "src" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp / "src" / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                            str(tmp / "src")], capture_output=True, text=True, timeout=900, cwd=tmp)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp / "dist").glob("cluster_readiness-*.whl"))
    venv.EnvBuilder(with_pip=True).create(tmp / "venv")
    python = tmp / "venv" / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # a plain path entry: the test environment's own .pth files (its editable checkout) are not run
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return python


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "READINESS_CONTENT_DIR"}}
    env["READINESS_INSTANCE_DIR"] = str(cwd / "instance")
    return subprocess.run([str(python), *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


def test_installed_app_serves_pages_in_the_officers_language(installed: Path, tmp_path: Path) -> None:
    out = _run(installed, "-c", APP_CHECK, f"sqlite:///{tmp_path / 'r.sqlite3'}", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    venv_dir = installed.parent.parent
    assert Path(seen["readiness"]).is_relative_to(venv_dir) and Path(seen["webapp"]).is_relative_to(venv_dir)
    assert seen["home"] == 200 and seen["cases"] == 200 and seen["static"] == 200
    assert "O seu município está preparado para um cluster criativo?" in seen["home_pt"]  # the compiled catalog


def test_installed_command_renders_a_report(installed: Path, tmp_path: Path) -> None:
    answers = {"population_band": "under_10k", "settlement": "rural"}
    (tmp_path / "answers.json").write_text(json.dumps({"town": "Óbidos", "country": "Portugal", "answers": answers}))
    readiness = installed.parent / "readiness"
    out = _run(readiness, "report", "answers.json", "--language", "pt", "-o", "r.pdf", "--html", "r.html", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Óbidos" in html and "Plano de ação" in html
