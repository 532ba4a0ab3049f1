"""Progress over time: the town workspace, re-assessment and history (issue 5)."""

from __future__ import annotations

import pytest

import re

from markupsafe import escape

from conftest import Wizard, best_value, csrf_token, shown_after
from flows import open_workspace, weakest
from readiness import history as history_core
from readiness.scoring import score_assessment


@pytest.mark.slow
def test_reassessment_is_prefilled_and_history_shows_deltas(app, wizard, content):
    wizard.start(town="Óbidos", country="Portugal", population="10k_50k")
    wizard.answer_all(weakest, overrides={"funding_sources": "one"})
    assert wizard.submit().status_code == 302
    ws_url = open_workspace(wizard)
    link = re.search(r'value="(http[^"]+/w/[^"]+)"', wizard.workspace_page).group(1)
    page = wizard.client.get(ws_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Submit a re-assessment to see what changed." in html

    # a re-assessment: a new assessment, pre-filled with the last answers
    response = wizard.client.post(ws_url + "/reassess", data={"csrf_token": csrf_token(html)})
    second = Wizard(wizard.client, content)
    second.public_id = re.search(r'href="/a/([0-9a-f]+)"', shown_after(wizard.client, response)).group(1)
    assert second.public_id != wizard.public_id
    step = next(s for s in content.dimensions if any(q.id == "funding_sources" for q in s.questions))
    form = wizard.client.get(second.url(f"step/{step.id}")).get_data(as_text=True)
    assert 'value="one" checked' in form

    # better funding this time: a changed answer, a higher score, a resolved risk
    best_funding = {q.id: best_value(q) for q in step.questions}
    assert second.post_step(step.id, best_funding).status_code == 302
    assert second.submit().status_code == 302

    # a fresh browser with only the workspace link sees both and the comparison
    other = app.test_client()
    assert other.get(ws_url).status_code == 404
    entered = other.get(link.replace("http://localhost", ""))
    assert entered.status_code == 302 and "/w/" not in entered.headers["Location"]
    html = other.get(entered.headers["Location"]).get_data(as_text=True)
    table = html.split('class="scores history-table"')[1].split("</table>")[0]
    assert table.count("<th scope=\"col\">") == 3  # the dimension column and two assessments
    assert 'class="delta delta-up">+' in table
    funding = next(d for d in content.dimensions if d.id == step.id)
    row = table.split(f">{funding.title}</th>")[1].split("</tr>")[0]
    assert "delta-up" in row
    changes = html.split('id="changes-title"')[1]
    q = content.questions["funding_sources"]
    assert str(escape(q.text)) in changes
    risk = content.rule_by_id["funding-single-source"]
    assert str(escape(risk.title)) in changes.split("Risks resolved")[1].split("New risks")[0]
    # and can open either assessment from there
    opened = other.get(f"{entered.headers['Location']}/a/{wizard.public_id}")
    assert opened.status_code == 302
    assert other.get(wizard.url("results")).status_code == 200

    # the re-assessment's report compares it with the previous assessment; the first one's does not
    import io

    import pypdf

    def pdf_text(url: str) -> str:
        data = wizard.client.get(url).data
        return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))

    # the summary opens with what changed: the level and the risks resolved
    summary_text = pdf_text(second.url("report.pdf"))
    opening = summary_text.split("What changed since")[1].split("Main risks")[0]
    assert "Level:" in opening and re.sub(r"\s+", " ", risk.title) in opening
    assert "What changed since" not in pdf_text(wizard.url("report.pdf"))
    # the full report has the whole chapter
    second_text = pdf_text(second.url("report.pdf") + "?edition=full")
    assert "Changes since the previous assessment" in second_text
    assert re.sub(r"\s+", " ", risk.title) in second_text.split("Risks resolved")[1].split("New risks")[0]
    assert re.sub(r"\s+", " ", q.text)[:40] in second_text.split("Answers that changed")[1]
    assert "Changes since the previous assessment" not in pdf_text(wizard.url("report.pdf") + "?edition=full")


def test_workspace_link_is_hashed_and_rotating_it_revokes_the_old_one(app, wizard):
    wizard.start()
    wizard.answer_all()
    wizard.submit()
    ws_url = open_workspace(wizard)
    html = wizard.workspace_page
    old = re.search(r'value="http://localhost(/w/[^"]+)"', html).group(1)
    from sqlalchemy import text

    with app.extensions["readiness_db"].engine.connect() as conn:
        stored = conn.execute(text("select token_hash from workspace")).scalar_one()
    assert old.rsplit("/", 1)[1] not in stored and len(stored) == 64
    # opening it again from the results page does not make a second workspace or a new link
    assert open_workspace(wizard) == ws_url
    assert "/w/" not in wizard.client.get(ws_url).get_data(as_text=True)  # the link is shown once
    wizard.client.post(ws_url + "/link", data={"csrf_token": csrf_token(html)})
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get("/w/" + "x" * 43).status_code == 404


def test_other_workspaces_and_assessments_are_not_reachable(app, wizard, content):
    wizard.start(town="Mizil")
    wizard.answer_all()
    wizard.submit()
    ws_url = open_workspace(wizard)
    stranger = Wizard(app.test_client(), content)
    stranger.start(town="Viareggio", country="Italy")
    assert stranger.client.get(ws_url).status_code == 404
    page = stranger.client.get("/start").get_data(as_text=True)
    assert stranger.client.post(ws_url + "/reassess", data={"csrf_token": csrf_token(page)}).status_code == 404
    # an assessment outside the workspace cannot be opened through it
    assert wizard.client.get(f"{ws_url}/a/{stranger.public_id}").status_code == 404
    # POST without CSRF is refused
    assert wizard.client.post(ws_url + "/reassess").status_code == 400


def test_compare_results_in_the_core(content):
    from conftest import best_value as best

    weak = {q.id: weakest(q) for q in content.questions.values() if q.type.value != "text"}
    weak = {k: ([v] if content.questions[k].type.value == "multi" and not isinstance(v, list) else v) for k, v in weak.items()}
    weak = {k: (float(v) if content.questions[k].type.value == "number" else v) for k, v in weak.items()}
    strong = dict(weak)
    for q in content.dimension_by_id["funding"].questions:
        v = best(q)
        strong[q.id] = float(v) if q.type.value == "number" else v
    before = score_assessment(content, weak, "Mizil", "Romania")
    after = score_assessment(content, strong, "Mizil", "Romania")
    c = history_core.compare_results(content, before, after)
    assert c.dimension("funding").delta > 0
    assert all(d.delta == 0 for d in c.dimensions if d.dimension.id != "funding" and d.delta is not None)
    assert {ch.question.id for ch in c.changed_answers} <= {q.id for q in content.dimension_by_id["funding"].questions}
    assert c.changed_answers
    assert {f.id for f in c.risks_resolved} == {f.id for f in before.risks} - {f.id for f in after.risks}
    assert {f.id for f in c.risks_new} == {f.id for f in after.risks} - {f.id for f in before.risks}
    # the same answers: nothing changed
    same = history_core.compare_results(content, before, before)
    assert not same.changed_answers and not same.risks_resolved and not same.risks_new
    # history: oldest first whatever the input order, each compared with the one before
    import datetime as dt

    h = history_core.history(content, [("b", dt.datetime(2026, 5, 1), after), ("a", dt.datetime(2025, 5, 1), before)])
    assert [e.key for e in h.entries] == ["a", "b"] and h.entries[0].compared is None
    assert h.entries[1].compared.dimension("funding").delta == c.dimension("funding").delta
    assert h.series("funding") == [before.dimension("funding").score, after.dimension("funding").score]
