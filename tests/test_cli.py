"""The `readiness` command's contract: JSON on stdout, exit 2 with a clear message on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from readiness.models import DIMENSION_IDS

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "readiness.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def answers_file(tmp_path: Path, content) -> Path:
    answers = {"population_band": "under_10k", "settlement": "rural"}
    for d in content.dimensions:
        q = d.questions[0]
        scored = [o for o in q.options if o.score is not None]
        if scored:
            answers[q.id] = [scored[0].value] if q.type.value == "multi" else scored[0].value
    path = tmp_path / "answers.yaml"
    path.write_text(json.dumps({"town": "Óbidos", "country": "Portugal", "answers": answers}, ensure_ascii=False))
    return path


def test_questions_json_shape():
    out = run("questions", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [d["id"] for d in data["dimensions"]] == list(DIMENSION_IDS)
    assert data["version"] and data["profile"]
    q = data["dimensions"][0]["questions"][0]
    assert {"id", "text", "type", "required", "options"} <= set(q)
    assert q["type"] in {"single", "multi", "scale", "yesno", "number", "text"}
    assert any(o["score"] is None for d in data["dimensions"] for q in d["questions"] for o in q["options"])


def test_rules_and_cases_json():
    rules = json.loads(run("rules", "--json").stdout)
    assert rules and {"id", "kind", "dimension", "title", "sources"} <= set(rules[0])
    assert all(s["document"].endswith(".txt") and s["quote"] for r in rules for s in r["sources"])
    cases = json.loads(run("cases", "--json").stdout)
    assert {"creative-valley", "urbact-creative-clusters", "ruci"} <= {c["id"] for c in cases}


def test_score_json(answers_file: Path):
    out = run("score", str(answers_file), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["town"] == "Óbidos"
    assert 0 <= data["overall"]["score"] <= 100 and data["overall"]["level"]
    assert [d["id"] for d in data["dimensions"]] == list(DIMENSION_IDS)
    assert data["findings"] and {"id", "kind", "dimension", "title", "recommendation", "sources"} <= set(data["findings"][0])
    sims = [c["similarity"] for c in data["similar_cases"]]
    assert sims == sorted(sims, reverse=True) and all(0 <= s <= 1 for s in sims)
    assert all("reasons" in c for c in data["similar_cases"])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"town": "X", "answers": {"nope": "a"}}', "question 'nope': No such question"),
        ('{"town": "X", "answers": {"population_band": "huge"}}', "question 'population_band': Choose one of the options"),
        ('{"town": "X", "answers": [1, 2]}', "must be a mapping"),
        ("town: [unclosed", "not valid YAML or JSON"),
        ('{"answers": {}}', "'town' must be"),
    ],
)
def test_bad_answers_file_exits_2_with_a_clear_message(tmp_path: Path, payload: str, message: str):
    path = tmp_path / "bad.json"
    path.write_text(payload)
    out = run("score", str(path), "--json")
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_unreadable_file_exits_2(tmp_path: Path):
    out = run("score", str(tmp_path / "missing.yaml"))
    assert out.returncode == 2 and "cannot read answers file" in out.stderr


def test_lint_passes_and_reports_coverage():
    args = ["lint"] + (["--sources", str(SEEDS)] if SEEDS.is_dir() else [])
    out = run(*args)
    assert out.returncode == 0, out.stderr
    coverage = json.loads(out.stdout)["coverage"]
    assert set(coverage["questions_per_dimension"]) == set(DIMENSION_IDS)
    if not SEEDS.is_dir():
        assert "quotes not checked" in out.stderr


@pytest.mark.slow
def test_report_writes_a_pdf(answers_file: Path, tmp_path: Path):
    out = run("report", str(answers_file), "-o", str(tmp_path / "r.pdf"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_export_subcommand_reads_the_apps_database(tmp_path: Path):
    from webapp.db import upgrade_database

    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    upgrade_database(url)
    out = run("export", "--database", url)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["format"] == "cluster-readiness-export" and data["assessments"] == []
    bad = run("export", "--database", f"sqlite:///{tmp_path / 'missing.sqlite3'}")
    assert bad.returncode == 2 and "no SQLite database" in bad.stderr and "Traceback" not in bad.stderr
