"""A submitted report stays what it was: the assessment keeps the content it was
scored against, so a change of questions or rules does not change its report; a
re-assessment compared with one scored on other content says so and shows which
changes come from the content."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from pypdf import PdfReader

from conftest import Wizard, best_value, csrf_token, shown_after
from readiness.content import Content, load_content
from readiness.report_view import report_context
from readiness.snapshot import content_files, content_from_files
from flows import open_workspace, weakest

NEW_VERSION = "2099.1.1"


@pytest.fixture(scope="module")
def changed_content(content: Content, tmp_path_factory: pytest.TempPathFactory) -> Content:
    """Today's content with a new version: funding answers all score 100, one rule retitled."""
    root = tmp_path_factory.mktemp("content-v2")
    for name, text in content_files(content).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    bank = root / "questions" / "_bank.yaml"
    bank.write_text(re.sub(r'^version: .*$', f'version: "{NEW_VERSION}"', bank.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    funding = yaml.safe_load((root / "questions" / "funding.yaml").read_text(encoding="utf-8"))
    for q in funding["questions"]:
        for option in q.get("options", []):
            if option.get("score") is not None:
                option["score"] = 100
    (root / "questions" / "funding.yaml").write_text(yaml.safe_dump(funding, allow_unicode=True), encoding="utf-8")
    changed = load_content(root)
    assert changed.version == NEW_VERSION and changed.digest != content.digest
    return changed


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


def test_snapshot_loads_back_as_the_same_content(content: Content) -> None:
    again = content_from_files(content_files(content))
    assert again.version == content.version
    assert [r.id for r in again.rules] == [r.id for r in content.rules]
    assert again.digest == content.digest
    with pytest.raises(ValueError):
        content_from_files({"../escape.yaml": "x: 1"})


def test_submitted_report_stays_what_it_was(app, wizard: Wizard, content: Content, changed_content: Content) -> None:
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all(weakest)
    assert wizard.submit().status_code == 302
    first = wizard.client.get(wizard.url("report.pdf"))
    assert first.status_code == 200
    text = pdf_text(first.data)

    app.extensions["readiness_content"] = changed_content  # the content moves on
    again = wizard.client.get(wizard.url("report.pdf"))
    assert again.data == first.data  # the same PDF, byte for byte
    # rendered afresh (no cached copy), it still says what it said: cover date, id, version, scores
    from sqlalchemy import text as sql

    with app.extensions["readiness_db"].engine.begin() as conn:
        conn.execute(sql("DELETE FROM report_cache"))
    fresh = wizard.client.get(wizard.url("report.pdf"))
    assert pdf_text(fresh.data) == text
    assert content.version in text and NEW_VERSION not in text
    results = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    assert content.version in results


def test_reassessment_on_other_content_says_what_comes_from_the_content(
    app, wizard: Wizard, content: Content, changed_content: Content
) -> None:
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all(weakest)
    assert wizard.submit().status_code == 302
    ws_url = open_workspace(wizard)
    app.extensions["readiness_content"] = changed_content  # new questions and rules since
    html = wizard.client.get(ws_url).get_data(as_text=True)
    response = wizard.client.post(ws_url + "/reassess", data={"csrf_token": csrf_token(html)})
    second = Wizard(wizard.client, changed_content)
    second.public_id = re.search(r'href="/a/([0-9a-f]+)"', shown_after(wizard.client, response)).group(1)
    assert second.submit().status_code == 302  # the same answers, pre-filled

    from webapp.report import service as report_service
    from webapp.models import Assessment

    with app.test_request_context():
        from webapp.extensions import db

        with db.sessions() as session:
            b = session.query(Assessment).filter_by(public_id=second.public_id).one()
            session.expunge(b)
        meta = report_service.meta_for(b, edition="full")
        assert meta.previous is not None and meta.previous.rescored is not None
        assert meta.previous.result.version == content.version
        ctx = report_context(report_service.content(b), report_service.result_for(b), meta)
    changes = ctx["changes"]
    assert changes["content_changed"] and changes["content_before"] == content.version
    assert changes["content_after"] == NEW_VERSION
    # the same answers: every move of the funding score comes from the content
    assert [d["title"] for d in changes["from_content"]["dimensions"]] == [
        d["title"] for d in changes["dimensions"] if d["delta"] not in ("±0", "–")]
    summary = pdf_text(wizard.client.get(second.url("report.pdf")).data)
    assert "The questions and rules changed between the two assessments" in summary


def _page_without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", html)


def test_nothing_changed_after_submission_changes_its_results_or_report(
    app, wizard: Wizard, content: Content, changed_content: Content
) -> None:
    """The content and the scored answers are kept at submission (content snapshot,
    assessment.frozen_result): neither new content nor an answer written to the assessment
    afterwards changes its results page or its report."""
    from sqlalchemy import func, text as sql, update
    from webapp.models import Answer

    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all(weakest)
    assert wizard.submit().status_code == 302
    report = wizard.client.get(wizard.url("report.pdf")).data
    assert report.startswith(b"%PDF")
    results = _page_without_tokens(wizard.client.get(wizard.url("results")).get_data(as_text=True))

    app.extensions["readiness_content"] = changed_content  # funding now scores 100 for every answer
    # the wizard refuses changes to a submitted assessment; written past it, an answer changes nothing either
    engine = app.extensions["readiness_db"].engine
    with engine.begin() as conn:
        aid = conn.execute(sql("SELECT id FROM assessment WHERE public_id = :p"), {"p": wizard.public_id}).scalar()
        changed = conn.execute(update(Answer).where(Answer.assessment_id == aid, Answer.question_id == "strategy_plan")
                               .values(value="adopted", updated_at=func.now())).rowcount
    assert changed == 1
    assert _page_without_tokens(wizard.client.get(wizard.url("results")).get_data(as_text=True)) == results
    assert wizard.client.get(wizard.url("report.pdf")).data == report
    with engine.begin() as conn:
        conn.execute(sql("DELETE FROM report_cache"))
    assert pdf_text(wizard.client.get(wizard.url("report.pdf")).data) == pdf_text(report)  # rendered afresh


def test_editing_a_draft_reassessment_leaves_the_submitted_ones_report_alone(
    app, wizard: Wizard, content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp.extensions import db
    from webapp.models import Assessment
    from webapp.report import service as report_service

    renders: list[str] = []
    real = report_service.render_pdf
    monkeypatch.setattr(report_service, "render_pdf", lambda *a, **k: renders.append("pdf") or real(*a, **k))
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all(weakest)
    assert wizard.submit().status_code == 302
    ws_url = open_workspace(wizard)
    report = wizard.client.get(wizard.url("report.pdf")).data

    def older() -> tuple[str, dict]:
        with app.test_request_context():
            with db.sessions() as session:
                a = session.query(Assessment).filter_by(public_id=wizard.public_id).one()
                session.expunge(a)
            return report_service.basis(a), report_service.keys_for(a, report_service.offered_variants(a))

    before = older()
    html = wizard.client.get(ws_url).get_data(as_text=True)
    response = wizard.client.post(ws_url + "/reassess", data={"csrf_token": csrf_token(html)})
    draft = Wizard(wizard.client, content)
    draft.public_id = re.search(r'href="/a/([0-9a-f]+)"', shown_after(wizard.client, response)).group(1)
    assert older() == before  # a re-assessment started
    funding = next(d for d in content.dimensions if d.id == "funding")
    assert draft.post_step("funding", {q.id: best_value(q) for q in funding.questions
                                       if q.options and q.show_if is None}).status_code == 302
    assert older() == before  # and edited: the same basis, the same keys
    assert wizard.client.get(wizard.url("report.pdf")).data == report and renders == ["pdf"]
