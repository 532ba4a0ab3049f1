"""The officer's language: the picker, the wizard and the report in Portuguese and Italian."""

from __future__ import annotations

import pytest

import io
import re

import pypdf
from markupsafe import escape

from conftest import best_value, csrf_token
from flows import choose_language
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
