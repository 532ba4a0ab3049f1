"""The case library, case pages, side-by-side comparison, workspace and group pages in Portuguese.

The content's own wording (case summaries, profile notes, dimension titles, questions)
comes from translations/pt/content.yaml; the pages must render it, say ``<html lang="pt">``
and keep working (filters, links) when the officer's language is not English.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import gettext
from markupsafe import escape

from conftest import Wizard, best_value, csrf_token, shown_after
from webapp.i18n.countries import country_label

PT = '<html lang="pt">'


def choose_pt(client, next_path: str = "/") -> None:  # type: ignore[no-untyped-def]
    page = client.get("/start").get_data(as_text=True)  # a page with a form token (cacheable pages carry none)
    response = client.post("/language", data={"csrf_token": csrf_token(page), "language": "pt", "next": next_path})
    assert response.status_code == 302


def shown(value: str) -> str:
    """How a content text appears in a page (escaped by Jinja)."""
    return str(escape(value))


@pytest.fixture
def pt(content):  # type: ignore[no-untyped-def]
    return content.for_language("pt")


def translated_case(content, pt):  # type: ignore[no-untyped-def]
    """A case whose summary and at least one profile note read differently in Portuguese."""
    for case in pt.cases:
        en = content.case_by_id[case.id]
        notes = [(d, j.note) for d, j in case.profile.items() if j is not None and j.note != en.profile[d].note]
        if case.summary != en.summary and notes:
            return case, notes
    raise AssertionError("no translated case in translations/pt/content.yaml")


def ui_pt(app, message: str) -> str:  # type: ignore[no-untyped-def]
    """An interface string as the Portuguese catalog has it (English until translated)."""
    with app.test_request_context("/", headers={"Accept-Language": "pt"}):
        return gettext(message)


def test_library_and_case_page_in_portuguese(app, client, content, pt):
    choose_pt(client, "/cases")
    response = client.get("/cases")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert PT in html
    heading = ui_pt(app, "Case-study library")  # the interface's own strings go through the catalog
    assert f"<h1>{shown(heading)}</h1>" in html
    for case in pt.cases:
        assert shown(case.summary) in html, case.id
    # the "strong in" filter lists the dimensions by their Portuguese titles
    assert any(shown(d.title) in html for d in pt.dimensions if d.title != content.dimension_by_id[d.id].title)

    case, notes = translated_case(content, pt)
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert PT in page
    assert shown(case.summary) in page
    dim, note = notes[0]
    assert shown(note) in page
    assert shown(pt.dimension_by_id[dim].title) in page


def test_country_filter_works_in_portuguese(client, content):
    english = client.get("/cases?country=Italy").get_data(as_text=True)
    count = re.search(r'class="result-count" role="status">(\d+) of', english)
    assert count and int(count.group(1)) > 0
    choose_pt(client, "/cases")
    html = client.get("/cases?country=Italy").get_data(as_text=True)
    assert PT in html
    # the filter matches the same cases (countries are matched on the English names)...
    assert re.search(r'class="result-count" role="status">(\d+) ', html).group(1) == count.group(1)
    assert html.count('class="case-card"') == int(count.group(1))
    # ...and the options are named in Portuguese, keeping the English value
    assert f'<option value="Belgium">{country_label("Belgium", "pt")}</option>' in html
    assert country_label("Belgium", "pt") != "Belgium"


def submitted_in_portuguese(client, wizard: Wizard) -> None:  # type: ignore[no-untyped-def]
    choose_pt(client, "/start")
    assert wizard.start(town="Óbidos", country="Portugal").status_code == 303
    wizard.answer_all()
    assert wizard.submit().status_code == 302


def test_side_by_side_in_portuguese(client, wizard, content, pt):
    submitted_in_portuguese(client, wizard)
    case, notes = translated_case(content, pt)
    response = client.get(wizard.url(f"compare/{case.id}"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert PT in html
    dim, note = notes[0]
    assert shown(note) in html  # the case's profile note, in Portuguese
    for d in pt.dimensions:
        assert shown(d.title) in html


def test_workspace_in_portuguese(client, wizard, pt):
    submitted_in_portuguese(client, wizard)
    page = client.get(wizard.url("results")).get_data(as_text=True)
    response = client.post(wizard.url("workspace"), data={"csrf_token": csrf_token(page)})
    html = shown_after(client, response)  # the new workspace, with its link shown once
    assert PT in html
    for d in pt.dimensions:  # the history table, by dimension
        assert shown(d.title) in html
    assert country_label("Portugal", "pt") in html


def test_group_pages_in_portuguese(app, client, wizard, content, pt):
    submitted_in_portuguese(client, wizard)
    page = client.get(wizard.url("group")).get_data(as_text=True)
    html = client.post(wizard.url("group/invite"), data={"csrf_token": csrf_token(page), "label": "Câmara",
                                                         "role": "business"}).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/i/[^"]+)"', html).group(1)

    # a contributor whose browser asks for Portuguese
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pt-PT,pt;q=0.9"
    join_url = other.get(link).headers["Location"]
    join = other.get(join_url)
    assert join.status_code == 200 and PT in join.get_data(as_text=True)
    response = other.post(join_url, data={"csrf_token": csrf_token(join.get_data(as_text=True)), "role": "business"})
    assert response.status_code == 302
    step = other.get(response.headers["Location"])
    assert step.status_code == 200
    step_html = step.get_data(as_text=True)
    assert PT in step_html
    trust = pt.dimension_by_id["trust"]
    contribution = response.headers["Location"].split("/c/")[1].split("/")[0]
    trust_page = other.get(f"/c/{contribution}/step/trust").get_data(as_text=True)
    assert shown(trust.questions[0].text) in trust_page
    values = {q.id: best_value(q) for q in trust.questions if q.show_if is None}
    posted = other.post(f"/c/{contribution}/step/trust",
                        data={"csrf_token": csrf_token(trust_page), "action": "next", **values})
    assert posted.status_code == 302
    mine = other.get(f"/c/{contribution}")
    assert mine.status_code == 200 and PT in mine.get_data(as_text=True)

    owner = client.get(wizard.url("group"))
    assert owner.status_code == 200
    html = owner.get_data(as_text=True)
    assert PT in html
    assert shown(trust.title) in html  # the consolidated table, by dimension
    assert shown(ui_pt(app, "Business")) in html  # the contributor's role, translated where shown
