"""The whole loop through the Flask test client: start -> steps -> resume -> review -> results -> PDF."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from markupsafe import escape

from conftest import Wizard, best_value, csrf_token
from webapp.wizard.steps import all_steps


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_start_page_explains_the_tool(client):
    html = client.get("/").get_data(as_text=True)
    assert "Start an assessment" in html
    for phrase in ("What it does", "Who it is for", "How long it takes", "What you get"):
        assert phrase in html


def test_two_apps_in_one_process_keep_their_own_database(app, content, tmp_path, sqlite_template):
    import shutil

    from webapp import create_app

    other_db = tmp_path / "other.sqlite3"
    shutil.copyfile(sqlite_template, other_db)
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{other_db}",
                        "SECRET_KEY": "test-secret-key-0123456789abcdef", "QUEUE_EAGER": True})
    try:
        # Created after ``app``: with one engine per process it would now serve both.
        step = all_steps(content)[0].id
        first = Wizard(app.test_client(), content)
        assert first.start(town="Enguera", country="Spain").status_code == 303
        assert first.client.get(first.url(f"step/{step}")).status_code == 200
        resume = "/r/" + first.resume_link.rsplit("/r/", 1)[1]
        assert other.test_client().get(resume).status_code == 404  # the other app's database has no such link
        second = Wizard(other.test_client(), content)
        assert second.start(town="Óbidos", country="Portugal").status_code == 303
        assert first.client.get(first.url(f"step/{step}")).status_code == 200  # still in its own database
    finally:
        other.extensions["readiness_db"].engine.dispose()


def test_start_shows_a_resume_link_whose_token_is_stored_hashed(app, wizard):
    response = wizard.start(town="Enguera", country="Spain")
    assert response.status_code == 303
    token = wizard.resume_link.rsplit("/r/", 1)[1]
    assert len(token) >= 43  # 32 bytes, url-safe base64
    from sqlalchemy import text

    with app.extensions["readiness_db"].engine.connect() as conn:
        stored = conn.execute(text("select token_hash from assessment")).scalar_one()
    assert token not in stored and len(stored) == 64


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("town", "", "Enter the name of the town."),
        ("town", "x" * 121, "120"),
        ("country", "Atlantis", "Choose the country from the list."),
        ("population_band", "", "Answer this question"),
        ("population_band", "huge", "Choose one of the options"),
    ],
)
def test_start_rejects_bad_input_with_a_message_and_keeps_what_was_typed(client, field, value, message):
    page = client.get("/start").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "town": "Viareggio", "country": "Italy", "population_band": "50k_100k"}
    data[field] = value
    response = client.post("/start", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    if field != "town":
        assert 'value="Viareggio"' in html


def test_post_without_csrf_token_is_refused(client, wizard):
    wizard.start()
    response = client.post(wizard.url("step/profile"), data={"action": "next", "settlement": "rural"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    response = client.post("/start", data={"town": "X", "country": "Italy", "population_band": "under_10k"})
    assert response.status_code == 400


def test_progress_bar_names_the_step(wizard):
    wizard.start()
    html = wizard.client.get(wizard.url("step/cooperation")).get_data(as_text=True)
    total = len(all_steps(wizard.content))
    assert f"Step 4 of {total} — Cooperation" in html
    assert f'<progress id="progress" max="{total}" value="4">' in html


def test_invalid_answer_is_shown_next_to_the_field_and_nothing_is_stored(wizard, content):
    from readiness.answers import is_visible

    wizard.start()
    profile = {q.id: best_value(q) for q in all_steps(content)[0].questions}
    assert wizard.post_step("profile", profile).status_code == 302
    step, number_q = next((s, q) for s in all_steps(content)[1:] for q in s.questions
                          if q.type.value == "number" and is_visible(q, profile))
    answers = {q.id: best_value(q) for q in step.questions}
    answers[number_q.id] = "lots"
    answers = {k: v for k, v in answers.items() if is_visible(content.questions[k], profile)}
    response = wizard.post_step(step.id, answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="%s-error"' % number_q.id in html and "Enter a number." in html
    assert 'value="lots"' in html  # kept as typed
    assert "error-summary" in html
    # nothing of the step was saved: the page shows no saved answer after a fresh load
    fresh = wizard.client.get(wizard.url(f"step/{step.id}")).get_data(as_text=True)
    assert "checked" not in fresh and "lots" not in fresh


def test_out_of_range_number_is_refused_with_its_bounds(wizard, content):
    from readiness.answers import is_visible

    wizard.start()
    profile = {q.id: best_value(q) for q in all_steps(content)[0].questions}
    assert wizard.post_step("profile", profile).status_code == 302
    for step in all_steps(content):
        for q in step.questions:
            if q.type.value == "number" and q.max is not None and is_visible(q, profile):
                response = wizard.post_step(step.id, {q.id: str(int(q.max) + 1000)}, action="save")
                assert response.status_code == 400
                assert f"at most {int(q.max)}" in response.get_data(as_text=True)
                return
    pytest.fail("the bank has no bounded number question")


def test_required_answers_are_enforced_on_next_but_not_on_back_or_save(wizard, content):
    wizard.start()
    profile = all_steps(content)[0]
    assert any(q.required for q in profile.questions)
    assert wizard.post_step("profile", {}).status_code == 400
    assert wizard.post_step("profile", {}, action="save").status_code == 302


def test_back_keeps_answers_and_resume_link_continues_where_the_officer_stopped(app, wizard, content):
    wizard.start(town="Jyväskylä", country="Finland", population="100k_250k")
    steps = all_steps(content)
    for s in steps[:3]:
        assert wizard.post_step(s.id, {q.id: best_value(q) for q in s.questions}).status_code == 302
    # Back from step 4 with one answer given: saved, and we land on step 3 with its answers intact
    q4 = next(q for q in steps[3].questions if q.type.value in ("single", "yesno", "scale"))
    response = wizard.post_step(steps[3].id, {q4.id: best_value(q4)}, action="back")
    assert response.headers["Location"].endswith(f"step/{steps[2].id}")
    page3 = wizard.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "checked" in page3

    # A fresh browser: no access without the link, access with it, and it lands on the current step
    other = app.test_client()
    assert other.get(wizard.url(f"step/{steps[0].id}")).status_code == 404
    resumed = other.get(wizard.resume_link.replace("http://localhost", ""))
    assert resumed.status_code == 302 and "/r/" not in resumed.headers["Location"]
    landing = other.get(resumed.headers["Location"])
    assert landing.headers["Location"].endswith(f"step/{steps[2].id}")
    html = other.get(wizard.url(f"step/{steps[3].id}")).get_data(as_text=True)
    assert f'value="{best_value(q4)}" checked' in html


def test_unknown_or_rotated_tokens_get_404(app, wizard):
    wizard.start()
    old = wizard.resume_link.replace("http://localhost", "")
    assert app.test_client().get("/r/" + "x" * 43).status_code == 404
    page = wizard.client.get(wizard.url("link")).get_data(as_text=True)
    wizard.client.post(wizard.url("link"), data={"csrf_token": csrf_token(page)})
    assert app.test_client().get(old).status_code == 404


def test_another_towns_assessment_is_not_reachable(app, wizard, content):
    wizard.start(town="Mizil")
    other = Wizard(app.test_client(), content)
    other.start(town="Barnsley", country="United Kingdom")
    for suffix in ("step/profile", "review", "results", "report.pdf", "link"):
        assert wizard.client.get(other.url(suffix)).status_code == 404


def test_review_lists_answers_by_dimension_and_what_is_still_unanswered(wizard, content):
    wizard.start()
    steps = all_steps(content)
    wizard.post_step(steps[0].id, {q.id: best_value(q) for q in steps[0].questions})
    html = wizard.client.get(wizard.url("review")).get_data(as_text=True)
    for s in steps:
        assert s.title in html
        assert f"step/{s.id}" in html  # an edit link per dimension
    assert "required answers are missing" in html
    assert wizard.submit().headers["Location"].endswith("review?incomplete=1")


@pytest.mark.slow
def test_full_loop_to_results_and_pdf(wizard, content):
    wizard.start(town="Hódmezővásárhely", country="Hungary", population="10k_50k", role="Culture officer")

    def weak_funding(q):  # a realistic town: strong but funded from a single source
        return best_value(q)

    wizard.answer_all(weak_funding, overrides={"funding_sources": "one"})
    assert wizard.submit().status_code == 302
    html = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    assert "Hódmezővásárhely" in html
    for d in content.dimensions:
        assert d.title in html
    assert str(escape(content.rule_by_id["funding-single-source"].title)) in html
    # the RUCI quote behind the funding risk, cited by its short reference, never a file name
    assert str(escape(content.bibliography.reference("000_c8bf369c45f381b7.txt"))) in html
    assert "000_c8bf369c45f381b7.txt" not in html
    assert 'edition=full' in html and "summary.docx" in html

    response = wizard.client.get(wizard.url("report.pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    # the same file name as every other download: transliterated, not "h-dmez-v-s-rhely"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cluster-readiness-hodmezovasarhely.pdf"'
    assert response.data.startswith(b"%PDF")
    docx_response = wizard.client.get(wizard.url("summary.docx"))
    assert docx_response.status_code == 200 and docx_response.data.startswith(b"PK")
    assert ".docx" in docx_response.headers["Content-Disposition"]
    text = text_of(response.data)
    assert "Hódmezővásárhely" in text
    risk = next(r for r in content.rules if r.id == "funding-single-source")
    assert re.sub(r"\s+", " ", risk.recommendations[0].action)[:40] in text

    # a second download is served from the cache, byte for byte
    again = wizard.client.get(wizard.url("report.pdf"))
    assert again.data == response.data


def _stored(app) -> tuple:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with app.extensions["readiness_db"].engine.connect() as conn:
        return (conn.execute(text("select status, submitted_at, updated_at, language, current_step, answer_revision, "
                                  "content_digest from assessment")).all(),
                conn.execute(text("select question_id, value, revision from answer order by question_id")).all())


LOCKED = "This assessment is submitted, so its answers no longer change"


def test_a_submitted_assessments_steps_lead_to_its_results_and_change_nothing(app, wizard, content):
    wizard.start(town="Enguera", country="Spain")
    wizard.answer_all()
    step = "cooperation"
    stale = wizard.client.get(wizard.url(f"step/{step}")).get_data(as_text=True)  # a page open before submitting
    assert wizard.submit().status_code == 302
    before = _stored(app)

    shown = wizard.client.get(wizard.url(f"step/{step}"))
    assert shown.status_code == 303 and shown.headers["Location"].endswith(f"/a/{wizard.public_id}/results?locked=1")
    results = wizard.client.get(shown.headers["Location"]).get_data(as_text=True)
    assert LOCKED in results and "re-assessment" in results
    # the way on is one link away: the workspace section that starts a re-assessment
    assert f'href="/a/{wizard.public_id}/results#progress-title">Open the town workspace</a>' in results
    assert 'id="progress-title"' in results
    assert f"step/{step}" not in wizard.client.get(wizard.url("review")).get_data(as_text=True)  # no edit links

    # the page kept open sends a changed answer, "Save" and "Next", and a language choice with it
    form = {"csrf_token": csrf_token(stale), "revisions": re.search(r'name="revisions" value="([^"]*)"', stale).group(1),
            "coop_frequency": "never", "coop_joint_projects": "0"}
    for extra in ({"action": "save"}, {"action": "next"}, {"language": "pt"}):
        sent = wizard.client.post(wizard.url(f"step/{step}"), data={**form, **extra})
        assert sent.status_code == 303, (extra, sent.status_code)
        assert sent.headers["Location"].endswith("results?locked=1")
    # another step of it too
    profile = wizard.client.post(wizard.url("step/profile"), data={"csrf_token": csrf_token(stale), "action": "next",
                                                                   "population_band": "under_10k"})
    assert profile.status_code == 303
    # and submitting again does not submit anew (its date, content and report stay)
    again = wizard.client.post(wizard.url("submit"), data={"csrf_token": csrf_token(stale)})
    assert again.status_code == 303 and again.headers["Location"].endswith("results?locked=1")
    assert _stored(app) == before


def test_a_save_that_comes_after_the_submission_saves_nothing(app, wizard):
    """The view's check and the save are two moments: a submission in between (another
    browser) is seen under the save's row lock, and nothing is written."""
    from webapp.extensions import db
    from webapp.wizard import store

    wizard.start(town="Enguera", country="Spain")
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    before = _stored(app)
    with app.app_context():
        assessment = store.by_public_id(db.sessions, wizard.public_id)
        with pytest.raises(store.AlreadySubmitted):
            store.save_answers(db.sessions, assessment.id, {"coop_frequency": "never"}, current_step="cooperation")
    assert _stored(app) == before
