"""Input the forms must survive (issue 14): bodies that are not forms, invisible and
decomposed names, numbers in the officer's language, a cleared-then-given answer and
stale pages, and cacheable pages that must never set a cookie."""

from __future__ import annotations

import io
import json
import re
import unicodedata

import pytest
from sqlalchemy import select

from conftest import Wizard, csrf_token
from readiness.answers import clean_name, has_visible
from webapp.models import Answer, Assessment


def stored_towns(app) -> list[str]:  # type: ignore[no-untyped-def]
    with app.extensions["readiness_db"].sessions() as s:
        return list(s.scalars(select(Assessment.town)))


# --------------------------------------------------------------------------- 3: form bodies only

BODIES = {
    "number town": {"town": 12, "country": "Romania", "population_band": "10k_50k"},
    "object town": {"town": {"name": "Mizil"}, "country": "Romania", "population_band": "10k_50k"},
    "array body": [["town", "Mizil"], ["country", "Romania"]],
    "deep nesting": None,  # 50,000 nested arrays, sent as text
}


@pytest.mark.parametrize("body", list(BODIES))
def test_a_json_body_with_a_valid_csrf_header_is_refused_before_any_form(app, client, body):
    token = csrf_token(client.get("/start").get_data(as_text=True))
    raw = "[" * 50_000 + "]" * 50_000 if BODIES[body] is None else json.dumps(BODIES[body])
    response = client.post("/start", data=raw, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 415
    assert "accepts only what its form sends" in response.get_data(as_text=True)
    assert stored_towns(app) == []


def test_a_file_in_place_of_the_town_is_refused(app, client):
    token = csrf_token(client.get("/start").get_data(as_text=True))
    response = client.post("/start", content_type="multipart/form-data", data={
        "csrf_token": token, "town": (io.BytesIO(b"Mizil"), "town.txt"), "country": "Romania",
        "population_band": "10k_50k"})
    assert response.status_code == 400 and "Files are not accepted" in response.get_data(as_text=True)
    assert stored_towns(app) == []
    # a multipart form without files is a form like any other
    response = client.post("/start", content_type="multipart/form-data", data={
        "csrf_token": token, "town": "Mizil", "country": "Romania", "population_band": "10k_50k"})
    assert response.status_code == 303 and stored_towns(app) == ["Mizil"]


def test_every_post_route_refuses_json(app, wizard):
    wizard.start()
    token = csrf_token(wizard.client.get(wizard.url("review")).get_data(as_text=True))
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) >= 10
    for rule in posts:
        url = re.sub(r"<(?:[^:<>]+:)?public_id>", wizard.public_id, rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        response = wizard.client.post(url, data='{"town": {"a": 1}}', content_type="application/json",
                                      headers={"X-CSRFToken": token})
        assert response.status_code == 415, (url, response.status_code)


# --------------------------------------------------------------------------- 4: names

INVISIBLE = {
    "zero-width space": "\u200b\u200b", "joiners": "\u200d\u200c\u2060", "bidi isolates and marks": "\u2066\u200f\u2069\u202e",
    "soft hyphen": "\u00ad", "fillers": "\u3164\u115f\uffa0", "blank braille": "\u2800\u2800", "tags": "\U000e0041\U000e007f",
    "variation selectors": "\ufe0f\U000e0100", "lone combining marks": "\u0301\u0308", "mixed": " \u200b\u0301\u00ad\u3164 ",
}


@pytest.mark.parametrize("kind", list(INVISIBLE))
def test_a_name_that_shows_nothing_is_refused_next_to_the_field(app, client, kind):
    page = client.get("/start").get_data(as_text=True)
    response = client.post("/start", data={"csrf_token": csrf_token(page), "town": INVISIBLE[kind],
                                           "country": "Romania", "population_band": "10k_50k"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the name of the town." in html or "this name shows nothing" in html
    assert stored_towns(app) == []


def test_composed_and_decomposed_names_are_the_same_town_and_format_characters_go(app, content):
    decomposed = unicodedata.normalize("NFD", "Óbidos")
    assert decomposed != "Óbidos"
    for town in (decomposed, "Óbidos", "Ó\u200bbi\u00addos\u202e", "\u0301Óbidos"):
        assert Wizard(app.test_client(), content).start(town=town, country="Portugal").status_code == 303
    assert stored_towns(app) == ["Óbidos"] * 4
    assert clean_name("Mizil\u202e 21 Emerging") == "Mizil 21 Emerging" and has_visible("Mizil")
    assert clean_name("Hódmező\u00advásárhely") == "Hódmezővásárhely"


def test_user_text_is_isolated_in_pages_and_in_the_pdf(app, wizard):
    wizard.start(town="Mizil\u202e 21", role="Culture officer")
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    assert stored_towns(app) == ["Mizil 21"]
    results = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    assert "<bdi>Mizil 21</bdi>" in results
    import pypdf

    pdf = pypdf.PdfReader(io.BytesIO(wizard.client.get(wizard.url("report.pdf")).data))
    cover = pdf.pages[0].extract_text()
    assert "Mizil 21" in cover and "12 lizim" not in cover.lower()


# --------------------------------------------------------------------------- 5: numbers


@pytest.mark.parametrize("language, typed, stored", [
    ("en", "1,000", 1000), ("en", "1 500", 1500), ("en", "2.5", 2.5), ("it", "1.500", 1500), ("it", "2,5", 2.5),
    ("pt", "12.000", 12000), ("en", "1,5", 1.5), ("en", "1.500", None), ("it", "1,000", None), ("en", "1,5.5", None),
])
def test_numbers_are_read_in_the_officers_language_or_refused_when_ambiguous(app, wizard, language, typed, stored):
    wizard.start()
    page = wizard.client.get(wizard.url("review")).get_data(as_text=True)
    wizard.client.post("/language", data={"csrf_token": csrf_token(page), "language": language,
                                          "next": wizard.url("review")})
    response = wizard.post_step("economy", {"economy_creative_businesses": typed}, action="save")
    with app.extensions["readiness_db"].sessions() as s:
        saved = s.scalar(select(Answer.value).where(Answer.question_id == "economy_creative_businesses"))
    if stored is None:
        assert response.status_code == 400 and saved is None
        html = response.get_data(as_text=True)
        field = html.split('id="economy_creative_businesses"')[0].rsplit("<fieldset", 1)[-1] + html.split(
            'id="economy_creative_businesses"')[1][:1500]
        assert "1500" in field and f'value="{typed}"' in html  # the message, with an example, by the field
    else:
        assert response.status_code == 302 and saved == stored
        shown = wizard.client.get(wizard.url("step/economy")).get_data(as_text=True)
        assert re.search(r'id="economy_creative_businesses"[^>]*value="([^"]*)"', shown).group(1) == \
            str(stored).replace(".", "," if language != "en" else ".")


# --------------------------------------------------------------------------- 9: a cleared answer given again


def test_an_answer_cleared_and_given_again_still_stops_a_stale_page(app, wizard, content):
    wizard.start()
    other = Wizard(app.test_client(), content)
    other.client.get(wizard.resume_link.replace("http://localhost", ""))
    other.public_id = wizard.public_id
    q = content.questions["strategy_plan"]
    values = [o.value for o in q.options]
    assert len(values) >= 3 and q.show_if is None
    assert wizard.post_step("strategy", {q.id: values[0]}, action="save").status_code == 302
    stale = wizard.client.get(wizard.url("step/strategy")).get_data(as_text=True)
    # the other officer clears the answer, then gives it again, differently
    assert other.post_step("strategy", {}, action="save").status_code == 302
    assert other.post_step("strategy", {q.id: values[1]}, action="save").status_code == 302
    revisions = re.search(r'name="revisions" value="([^"]*)"', stale).group(1)
    response = wizard.client.post(wizard.url("step/strategy"), data={
        "csrf_token": csrf_token(stale), "action": "save", "revisions": revisions, q.id: values[2]})
    assert response.status_code == 409
    with app.extensions["readiness_db"].sessions() as s:
        assert s.scalar(select(Answer.value).where(Answer.question_id == q.id)) == values[1]


# --------------------------------------------------------------------------- 10: cacheable pages


@pytest.mark.parametrize("path", ["/", "/cases", "/cases/creative-valley"])
def test_cacheable_pages_set_no_cookie_and_say_how_long_to_cache(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "csrf_token" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Language" in response.headers["Vary"]
    # the language picker still works there, without a token, and the page stays cookie-free for a cache
    changed = client.get("/language", query_string={"language": "pt", "next": path})
    assert changed.status_code == 302 and changed.headers["Location"] == path
    assert changed.headers["Cache-Control"] == "no-store"
    again = client.get(path)
    assert 'lang="pt"' in again.get_data(as_text=True) and "Set-Cookie" not in again.headers
    assert "Cookie" in again.headers["Vary"]
