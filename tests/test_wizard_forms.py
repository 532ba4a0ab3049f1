"""The wizard's forms respect the officer's time: every error at once, limits with a message,
contradictions reported, a language switch that keeps what was typed."""

from __future__ import annotations

import re

from markupsafe import escape

from conftest import csrf_token


def test_start_form_reports_every_error_in_one_round(client):
    page = client.get("/start").get_data(as_text=True)
    response = client.post("/start", data={"csrf_token": csrf_token(page), "town": "", "country": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("town", "country", "population_band"):
        assert f'href="#{"q-" + field if field == "population_band" else field}"' in html, field
    assert 'id="population_band-error"' in html


def test_a_choice_limit_in_the_bank_is_enforced_next_to_the_field(wizard, content):
    q = content.questions["main_industries"]
    assert q.max_choices == 4
    wizard.start()
    five = [o.value for o in q.options if not o.exclusive][:5]
    response = wizard.post_step("profile", {"main_industries": five}, action="save")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose at most 4 options (you chose 5)." in html
    assert 'id="main_industries-error"' in html and 'id="main_industries-limit"' in html
    for value in five:  # nothing ticked is lost
        assert re.search(rf'value="{value}" checked', html)
    assert wizard.post_step("profile", {"main_industries": five[:4]}, action="save").status_code == 302


def test_a_follow_up_the_parent_rules_out_gets_a_message_then_is_dropped_on_resend(wizard, content):
    wizard.start()
    follow_up = next(q for q in content.dimension_by_id["strategy"].questions
                     if q.show_if is not None and q.type.value in ("single", "scale"))
    value = next(o.value for o in follow_up.options if o.value != "dont_know")
    posted = {"strategy_plan": "none", follow_up.id: value}
    response = wizard.post_step("strategy", posted, action="save")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{follow_up.id}-error"' in html and "will not be kept" in html
    assert f'name="confirm_drop" value="{follow_up.id}"' in html
    # the page carries the condition for app.js, which shows and hides the follow-up
    assert f'id="q-{follow_up.id}" data-show-if=' in html
    again = wizard.post_step("strategy", {**posted, "confirm_drop": follow_up.id}, action="save")
    assert again.status_code == 302
    review = wizard.client.get(wizard.url("review")).get_data(as_text=True)
    assert str(escape(follow_up.text)) not in review  # not applicable, nothing stored


def test_language_chosen_on_a_step_saves_its_answers_and_comes_back_translated(wizard, content):
    wizard.start()
    strategy = content.dimension_by_id["strategy"]
    first = strategy.questions[0]
    value = next(o.value for o in first.options if o.value != "dont_know")
    response = wizard.post_step("strategy", {first.id: value, "language": "it"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/step/strategy")
    html = wizard.client.get(wizard.url("step/strategy")).get_data(as_text=True)
    assert '<html lang="it">' in html
    assert str(escape(content.for_language("it").questions[first.id].text)) in html
    assert f'value="{value}" checked' in html  # saved before the switch


def test_language_chosen_on_the_start_form_keeps_what_was_typed(client):
    page = client.get("/start").get_data(as_text=True)
    response = client.post("/start", data={"csrf_token": csrf_token(page), "town": "Viareggio", "country": "Italy",
                                           "population_band": "50k_100k", "contact_role": "Assessore", "language": "pt"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="pt">' in html
    assert 'value="Viareggio"' in html and 'value="Assessore"' in html
    assert 'value="50k_100k" checked' in html and re.search(r'value="Italy" selected|selected value="Italy"', html)
    assert "error-summary" not in html  # not checked yet: the officer has not sent it


def test_favicon_and_csv_content_type(wizard, client):
    assert client.get("/favicon.ico").status_code == 200
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
    wizard.start()
    wizard.answer_all()
    wizard.submit()
    csv = client.get(wizard.url("export.csv"))
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_an_explicit_choice_wins_over_the_assessments_language_outside_its_own_pages(wizard, content):
    from test_languages import choose_language

    choose_language(wizard.client, "pt", "/start")
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all()
    wizard.submit()
    case_id = content.cases[0].id
    assert '<html lang="pt">' in wizard.client.get(wizard.url(f"compare/{case_id}")).get_data(as_text=True)
    choose_language(wizard.client, "en", "/cases")
    compare = wizard.client.get(wizard.url(f"compare/{case_id}")).get_data(as_text=True)
    assert '<html lang="en">' in compare
    # the assessment's own pages (and so its report) keep the assessment's language
    assert '<html lang="pt">' in wizard.client.get(wizard.url("results")).get_data(as_text=True)


def test_numbers_are_rounded_half_up_and_a_change_is_the_difference_of_the_numbers_shown():
    from readiness.numbers import point_change, points, signed

    assert [points(34.3), points(38.9), points(34.5), points(0.49)] == [34, 39, 35, 0]
    assert signed(point_change(34.3, 38.9)) == "+5"  # not "+4" (4.6 truncated)
    assert signed(point_change(34.4, 38.6)) == "+5"  # 34 -> 39 on the page: the change says the same
    assert signed(point_change(40.2, 39.9)) == "±0" and signed(point_change(50, 41.4)) == "\u22129"


def test_one_time_estimate_on_the_home_page_and_in_the_readme(client, content):
    from pathlib import Path

    from webapp.wizard.steps import minutes_to_answer

    minutes = minutes_to_answer(content)
    assert f"About {minutes} minutes" in client.get("/").get_data(as_text=True)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"about\s+{minutes} minutes", readme)


def test_a_step_page_made_of_its_kept_parts_is_the_page_rendered_in_full(app, wizard, content, monkeypatch):
    """A step page without a message is joined from parts kept per step and language
    (webapp/wizard/pages.py): it must be exactly the page the templates render, in every
    language, with a town, a country and answers that need escaping, and a follow-up shown
    with its condition."""
    from conftest import best_value
    from readiness.models import QuestionType
    from webapp.wizard import pages
    from webapp.wizard.steps import all_steps

    wizard.start(town='Óbidos & "<Co>"', country="Portugal")
    for step in all_steps(content)[:4]:  # answered: ticks, numbers, a text with & and <
        wizard.post_step(step.id, {q.id: "A & <b>b</b> 'c'" if q.type == QuestionType.text else best_value(q)
                                   for q in step.questions if q.show_if is None}, action="save")

    def shown(language: str) -> dict[str, str]:
        pages_ = {}
        for step in all_steps(content):
            html = wizard.client.get(wizard.url(f"step/{step.id}")).get_data(as_text=True)
            pages_[step.id] = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]+', r"\1-", html)
        return pages_

    for language in ("en", "pt", "it"):
        page = wizard.client.get(wizard.url("step/profile")).get_data(as_text=True)
        wizard.client.post(wizard.url("step/profile"), data={"csrf_token": csrf_token(page), "language": language})
        kept = shown(language)
        assert f'<html lang="{language}">' in kept["profile"] and "Óbidos &amp; &#34;&lt;Co&gt;&#34;" in kept["profile"]
        assert app.extensions[pages.STEP_PAGES_EXTENSION]  # made of parts
        with monkeypatch.context() as m:
            m.setattr(pages, "step_page", lambda *args: None)  # rendered in full
            full = shown(language)
        for step_id, html in kept.items():
            assert html == full[step_id], (language, step_id)
