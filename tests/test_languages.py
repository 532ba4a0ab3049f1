"""The officer's language: the picker, the wizard and the report in Portuguese and Italian."""

from __future__ import annotations

import pytest

import io
import re

import pypdf
from markupsafe import escape

from conftest import best_value, csrf_token
from flows import choose_language, join, owner_with_invitation
from webapp.wizard.steps import all_steps


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_picker_offers_the_complete_languages_and_rejects_others(client):
    html = client.get("/").get_data(as_text=True)
    assert 'value="pt"' in html and 'value="it"' in html and 'name="language"' in html
    page = client.get("/start").get_data(as_text=True)
    assert client.post("/language", data={"csrf_token": csrf_token(page), "language": "xx", "next": "/"}).status_code == 400
    # never an open redirect
    response = client.post("/language", data={"csrf_token": csrf_token(page), "language": "it", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_start_page_in_portuguese(client):
    choose_language(client, "pt")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="pt">' in html
    pt = client.application.extensions["readiness_content"].for_language("pt")
    assert str(escape(pt.dimensions[0].title)) in html  # the content's own wording, translated


def test_switching_language_mid_wizard_keeps_every_answer(wizard, content):
    wizard.start(town="Viareggio", country="Italy", population="50k_100k")
    steps = all_steps(content)
    given = {}
    for s in steps[:3]:
        values = {q.id: best_value(q) for q in s.questions}
        assert wizard.post_step(s.id, values).status_code == 302
        given.update(values)
    choose_language(wizard.client, "it", wizard.url(f"step/{steps[1].id}"))
    it = content.for_language("it")
    html = wizard.client.get(wizard.url(f"step/{steps[1].id}")).get_data(as_text=True)
    assert '<html lang="it">' in html
    q = next(q for q in it.dimension_by_id[steps[1].id].questions if q.type.value in ("single", "yesno", "scale"))
    assert str(escape(q.text)) in html
    assert f'value="{given[q.id]}" checked' in html
    review = wizard.client.get(wizard.url("review")).get_data(as_text=True)
    for qid, value in given.items():
        if isinstance(value, str) and it.questions[qid].options:
            assert str(escape(it.questions[qid].option(value).label)) in review


@pytest.mark.slow
def test_portuguese_wizard_ends_with_a_portuguese_pdf(client, wizard, content):
    choose_language(client, "pt", "/start")
    wizard.start(town="Óbidos", country="Portugal", population="10k_50k", role="Técnica de cultura")
    wizard.answer_all(overrides={"funding_sources": "one"})
    assert wizard.submit().status_code == 302
    results = client.get(wizard.url("results")).get_data(as_text=True)
    pt = content.for_language("pt")
    risk = pt.rule_by_id["funding-single-source"]
    assert str(escape(risk.title)) in results
    pdf = client.get(wizard.url("report.pdf"))
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert "Óbidos" in text
    assert re.sub(r"\s+", " ", risk.title) in text
    assert pt.dimensions[0].title in text

    # the bilingual edition: the Portuguese report, then the English one, in one PDF
    both = client.get(wizard.url("report.pdf") + "?bilingual=1")
    assert both.status_code == 200 and "pt-en" in both.headers["Content-Disposition"]
    both_text = pdf_text(both.data)
    english_risk = content.rule_by_id["funding-single-source"]
    assert re.sub(r"\s+", " ", risk.title) in both_text
    assert re.sub(r"\s+", " ", english_risk.title) in both_text
    assert len(pypdf.PdfReader(io.BytesIO(both.data)).pages) > len(pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert both_text.index(risk.title[:30]) < both_text.index(english_risk.title[:30])


@pytest.mark.slow
def test_cli_report_in_italian_and_bilingual(tmp_path, content):
    import json
    import subprocess
    import sys

    answers = {"population_band": "under_10k", "funding_sources": "one"}
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"town": "Catanzaro", "country": "Italy", "answers": answers}))
    out = tmp_path / "r.pdf"
    run = subprocess.run([sys.executable, "-m", "readiness.cli", "report", str(path), "-o", str(out), "--language", "it",
                          "--bilingual"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    text = pdf_text(out.read_bytes())
    it = content.for_language("it")
    assert it.rule_by_id["funding-single-source"].title[:30] in text
    assert content.rule_by_id["funding-single-source"].title[:30] in text
    bad = subprocess.run([sys.executable, "-m", "readiness.cli", "report", str(path), "-o", str(out), "--language", "xx"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no translation for language 'xx'" in bad.stderr


def _switch_on_step(wizard, step_id: str, lang: str, answers: dict):  # type: ignore[no-untyped-def]
    """Choose a language on a wizard step, as a browser without JavaScript does: the picker's
    buttons belong to the step form (form="step-form"), so the form is sent with the choice."""
    html = wizard.client.get(wizard.url(f"step/{step_id}")).get_data(as_text=True)
    button = re.search(r'<button type="submit" name="language" value="%s"[^>]*>' % lang, html).group(0)
    assert 'form="step-form"' in button and 'id="step-form"' in html
    revisions = re.search(r'name="revisions" value="([^"]*)"', html).group(1)
    return wizard.client.post(wizard.url(f"step/{step_id}"),
                              data={"csrf_token": csrf_token(html), "revisions": revisions, "language": lang, **answers})


def test_a_language_chosen_on_a_step_saves_a_tick_and_a_note_and_shows_the_step_translated(wizard, content):
    wizard.start(town="Viareggio", country="Italy")
    note = "Il porto è in ristrutturazione fino al 2027."
    response = _switch_on_step(wizard, "profile", "it", {"main_industries": ["tourism"], "profile_notes": note})
    assert response.status_code == 302 and response.headers["Location"].endswith("/step/profile")
    html = wizard.client.get(wizard.url("step/profile")).get_data(as_text=True)
    assert '<html lang="it">' in html
    assert str(escape(content.for_language("it").questions["main_industries"].text)) in html
    assert 'value="tourism" checked' in html and str(escape(note)) in html
    # one more switch, to Portuguese, from the Italian page: still there
    response = _switch_on_step(wizard, "profile", "pt", {"main_industries": ["tourism", "crafts"], "profile_notes": note + "!"})
    assert response.status_code == 302
    html = wizard.client.get(wizard.url("step/profile")).get_data(as_text=True)
    assert '<html lang="pt">' in html and 'value="crafts" checked' in html and str(escape(note + "!")) in html
    # the assessment (and so its report) speaks the language chosen on its page
    assert '<html lang="pt">' in wizard.client.get(wizard.url("review")).get_data(as_text=True)


def test_a_language_chosen_on_a_step_with_a_wrong_answer_brings_everything_back_with_the_message(wizard, content):
    wizard.start(town="Viareggio", country="Italy")
    five = ["manufacturing", "crafts", "agrifood", "tourism", "retail_services"]
    assert set(five) <= {o.value for o in content.questions["main_industries"].options}
    note = "Da rivedere con l'ufficio turismo."
    response = _switch_on_step(wizard, "profile", "it", {"main_industries": five, "profile_notes": note})
    assert response.status_code == 400  # nothing stored while one answer is wrong, nothing lost either
    html = response.get_data(as_text=True)
    assert '<html lang="it">' in html and str(escape(note)) in html
    assert all(f'value="{v}" checked' in html for v in five)
    assert 'class="error-summary"' in html or "error-summary" in html


def test_a_number_typed_on_an_italian_page_is_read_in_italian_when_english_is_chosen(client, wizard):
    choose_language(client, "it", "/start")
    wizard.start(town="Viareggio", country="Italy")
    response = _switch_on_step(wizard, "economy", "en", {"economy_creative_businesses": "1.500"})
    assert response.status_code == 302
    html = client.get(wizard.url("step/economy")).get_data(as_text=True)
    assert '<html lang="en">' in html and 'value="1500"' in html  # one thousand five hundred, not one and a half


def test_a_language_chosen_on_the_start_form_keeps_what_was_typed(client):
    page = client.get("/start").get_data(as_text=True)
    assert re.search(r'<button type="submit" name="language" value="pt"[^>]*form="start-form"', page)
    response = client.post("/start", data={"csrf_token": csrf_token(page), "language": "pt", "town": "Óbidos",
                                           "country": "Portugal", "population_band": "under_10k"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="pt">' in html  # nothing checked or created yet
    assert 'value="Óbidos"' in html and 'value="under_10k" checked' in html
    assert re.search(r'<option selected value="Portugal">|<option value="Portugal" selected>', html)


def test_an_explicit_choice_wins_over_the_assessments_language_on_pages_that_are_not_its_own(client, wizard, content):
    choose_language(client, "pt", "/start")
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    case = content.cases[0].id
    assert '<html lang="pt">' in client.get(f"/a/{wizard.public_id}/compare/{case}").get_data(as_text=True)
    # English chosen on the case library (a cacheable page: its picker is a GET)
    cases = client.get("/cases").get_data(as_text=True)
    assert 'action="/language"' in cases and 'method="get"' in cases
    assert client.get("/language?language=en&next=/cases").status_code == 302
    assert '<html lang="en">' in client.get("/cases").get_data(as_text=True)
    for path in (f"/a/{wizard.public_id}/compare/{case}", wizard.url("group")):
        assert '<html lang="en">' in client.get(path).get_data(as_text=True), path
    # the assessment's own pages (what its report says) keep the assessment's language
    assert '<html lang="pt">' in client.get(wizard.url("results")).get_data(as_text=True)
    # chosen on the group page itself (a post): English stays, the assessment stays Portuguese
    page = client.get(wizard.url("group")).get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_token(page), "language": "it", "next": wizard.url("group")})
    assert '<html lang="it">' in client.get(wizard.url("group")).get_data(as_text=True)
    assert '<html lang="pt">' in client.get(wizard.url("results")).get_data(as_text=True)


def test_a_contributor_choosing_a_language_keeps_the_answer_being_typed(app, wizard):
    client, contribution = join(app, owner_with_invitation(wizard))
    url = f"/c/{contribution}/step/strategy"
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="language" value="it"[^>]*form="contribution-form"', html)
    response = client.post(url, data={"csrf_token": csrf_token(html), "language": "it", "strategy_plan": "mentioned"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)  # the same step
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="it">' in html and 'value="mentioned" checked' in html
