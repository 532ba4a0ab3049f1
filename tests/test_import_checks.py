"""``readiness-export --import`` checks a file as the web forms check what they are sent
(issue 14): the export format as a pydantic model, then the bank's answer checks; all or
nothing, every problem reported with where it is. Each case runs on SQLite and on PostgreSQL
(the database the ``app`` fixture is on): NaN, NUL, a huge answer and a duplicate id were
PostgreSQL tracebacks before."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import fresh_database
from webapp.export import exporter as webexport
from webapp.models import Assessment


@pytest.fixture
def exported(app, wizard) -> dict:  # type: ignore[no-untyped-def]
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    doc = wizard.client.get(wizard.url("export.json")).get_json()
    assert doc["assessments"][0]["answers"]
    return doc


def _set(doc: dict, key: str, value) -> dict:  # type: ignore[no-untyped-def]
    bad = copy.deepcopy(doc)
    bad["assessments"][0]["answers"][key] = value
    return bad


BAD = {
    "an invalid option": (lambda d: _set(d, "strategy_plan", "maybe"), "answers.strategy_plan: Choose one of the options"),
    "an unknown question id": (lambda d: _set(d, "no_such_question", "x"), "no such question"),
    "a 5 MB text answer": (lambda d: _set(d, "profile_notes", "x" * 5_000_000), "Use at most"),
    "a NUL in the town": (lambda d: {**d, "assessments": [{**d["assessments"][0], "town": "Mi\x00zil"}]}, ".town:"),
    "a NUL in an answer": (lambda d: _set(d, "profile_notes", "a\x00b"), "control characters"),
    "an object as an answer": (lambda d: _set(d, "strategy_plan", {"a": 1}), "answers.strategy_plan"),
    "a duplicate id": (lambda d: {**d, "assessments": d["assessments"] * 2}, "appears twice"),
    "an unknown country": (lambda d: {**d, "assessments": [{**d["assessments"][0], "country": "Atlantis"}]},
                           "not a country"),
}


def target_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of the kind the app runs on (the export is already taken)."""
    (tmp_path / "db").mkdir(exist_ok=True)
    return fresh_database(request.node.callspec.params["database_url"], request, tmp_path / "db")


def imported_assessments(url: str) -> int:
    engine, sessions = webexport.open_database(url)
    try:
        with sessions() as s:
            return s.scalar(select(func.count()).select_from(Assessment)) or 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_import_is_reported_and_writes_nothing(app, exported, request, tmp_path: Path, capsys, name):
    make, expected = BAD[name]
    path = tmp_path / "import.json"
    path.write_text(json.dumps(make(exported)), encoding="utf-8")
    url = target_database(request, tmp_path)
    capsys.readouterr()
    assert webexport.main(["--database", url, "--import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nothing imported" in err and expected in err and "Traceback" not in err, err
    assert imported_assessments(url) == 0


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(exported, request, tmp_path: Path, capsys, constant):
    text = json.dumps(exported).replace('"format_version": 1', f'"format_version": 1, "x": {constant}')
    path = tmp_path / "import.json"
    path.write_text(text, encoding="utf-8")
    url = target_database(request, tmp_path)
    assert webexport.main(["--database", url, "--import", str(path)]) == 2
    assert f"{constant.lstrip('-')} is not a number JSON allows" in capsys.readouterr().err
    assert imported_assessments(url) == 0


def test_a_good_import_and_the_same_file_again(exported, request, tmp_path: Path, capsys):
    """A restore works; the same ids again are refused in one line (an IntegrityError traceback before)."""
    path = tmp_path / "import.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    url = target_database(request, tmp_path)
    assert webexport.main(["--database", url, "--import", str(path)]) == 0
    capsys.readouterr()
    assert webexport.main(["--database", url, "--import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "Traceback" not in err and err.count("\n") <= 3, err
    assert imported_assessments(url) == 1


def test_every_problem_is_listed_at_once(app, exported):
    bad = _set(_set(exported, "strategy_plan", "maybe"), "no_such_question", 1)
    with pytest.raises(webexport.ImportProblem) as info:
        webexport.check_document(bad, app.extensions["readiness_content"], {"profile"})
    assert len(info.value.problems) >= 3  # the option, the id and the step
