"""The case-study library and the side-by-side comparison, through the Flask test client."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from conftest import Wizard, best_value
from readiness import library
from readiness.compare import STRONG
from readiness.content import load_content
from readiness.scoring import score_assessment
from webapp.i18n.countries import COUNTRIES

CONTENT = load_content()

# The pages may load the app's own script file (progressive enhancement), never inline script.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")


def e(text: str) -> str:
    return str(escape(text))


def case_names(html: str) -> set[str]:
    return {c.name for c in CONTENT.cases if f">{e(c.name)}</a></h2>" in html}


# --------------------------------------------------------------------------- library


def test_start_page_links_to_the_library(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/cases"' in html


def test_library_lists_every_case_with_place_country_type_period_and_summary(client):
    response = client.get("/cases")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    for case in CONTENT.cases:
        for text in (case.name, case.place, case.country, case.period, case.summary, library.CASE_TYPES[case.type]):
            assert e(text) in html, (case.id, text)
        assert f'href="/cases/{case.id}"' in html
    assert 'style="' not in html and not INLINE_SCRIPT.search(html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=network", {c.id for c in CONTENT.cases if c.type == "network"}),
        ("country=Portugal", {"ruci", "urbact-creative-clusters"}),
        ("country=Belgium", {"creative-valley"}),
        ("strong=networks", {c.id for c in CONTENT.cases if "networks" in library.strong_dimensions(c)}),
        ("type=network&country=Portugal", {"ruci", "urbact-creative-clusters"}),
        ("type=hub&country=Portugal", set()),
    ],
)
def test_library_filters_are_plain_get_parameters(client, query, expected):
    html = client.get(f"/cases?{query}").get_data(as_text=True)
    shown = {c.id for c in CONTENT.cases if c.name in case_names(html)}
    assert shown == expected
    assert f"{len(expected)} of {len(CONTENT.cases)} cases match." in html
    if not expected:
        assert "No case matches these filters." in html
    # the chosen values stay selected, so the form shows what is filtered
    for name, value in (pair.split("=") for pair in query.split("&")):
        assert re.search(rf'<option value="{value}" selected>', html), (name, value)


def test_unknown_filter_values_are_ignored(client):
    html = client.get("/cases?type=castle&country=Atlantis&strong=%3Cscript%3E").get_data(as_text=True)
    assert len(case_names(html)) == len(CONTENT.cases)
    assert "<script>" not in html


def test_filter_options_select_at_least_one_case():
    options = library.filter_options(CONTENT, COUNTRIES)
    assert {"Portugal", "Belgium", "Italy", "Spain"} <= set(options.countries)
    for country in options.countries:
        assert library.filter_cases(CONTENT, library.LibraryFilters(country=country))
    for dim, _ in options.dimensions:
        cases = library.filter_cases(CONTENT, library.LibraryFilters(strong=dim))
        assert cases and all(c.profile[dim] is not None and c.profile[dim].score >= STRONG for c in cases)


@pytest.mark.parametrize("case", CONTENT.cases, ids=[c.id for c in CONTENT.cases])
def test_case_page_shows_only_what_the_documents_say_with_their_quotes(client, case):
    response = client.get(f"/cases/{case.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<h1>") == 1 and e(case.name) in html
    for partner in case.partners:
        assert e(partner) in html
    for section in (case.what_they_did, case.resources, case.results, case.difficulties, case.transferable):
        for statement in section:
            assert e(statement.text) in html
            for source in statement.sources:
                assert e(source.quote) in html
                assert e(CONTENT.bibliography.reference(source.document)) in html
                assert source.document not in html  # a short reference, never a file name
    if case.resources_note:
        assert e(case.resources_note) in html
    silent = [d for d in CONTENT.dimensions if case.profile.get(d.id) is None]
    assert len(re.findall(r"<td[^>]*>Not documented</td>", html)) == len(silent)
    for dim_id, judgement in case.profile.items():
        if judgement is not None:
            assert e(judgement.note) in html
            assert all(e(s.quote) in html for s in judgement.sources)
    assert 'th scope="row"' in html and 'style="' not in html


def test_unknown_case_is_404(client):
    assert client.get("/cases/atlantis").status_code == 404


# --------------------------------------------------------------------------- towns like yours


def weak_town(q):  # a town weak on most dimensions: lowest-scoring answers, "don't know" avoided
    value = best_value(q)
    if q.type.value in ("single", "scale", "yesno"):
        scored = [o for o in q.options if o.score is not None]
        return min(scored, key=lambda o: o.score).value if scored else value
    return value


@pytest.fixture
def submitted(wizard: Wizard) -> Wizard:
    wizard.start(town="Enguera", country="Spain", population="10k_50k")
    wizard.answer_all(weak_town, overrides={"settlement": "rural", "existing_hub": "no"})
    assert wizard.submit().status_code == 302
    return wizard


def test_results_page_links_each_similar_case_to_a_side_by_side_page(submitted):
    html = submitted.client.get(submitted.url("results")).get_data(as_text=True)
    links = re.findall(rf'href="/a/{submitted.public_id}/compare/([a-z0-9\-]+)"', html)
    assert len(links) >= 1
    assert 'href="/cases"' in html
    for case_id in links:
        assert f'href="/cases/{case_id}"' in html


def test_side_by_side_page_renders_the_town_beside_the_case(submitted):
    case = CONTENT.case_by_id["creative-valley"]
    response = submitted.client.get(submitted.url(f"compare/{case.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert html.count("<h1>") == 1 and "Enguera beside Creative Valley" in html
    table = html.split('class="scores compare-table')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == len(CONTENT.dimensions)
    assert table.count("Not documented") == sum(1 for j in case.profile.values() if j is None)
    for judgement in case.profile.values():
        if judgement is not None:
            assert e(judgement.note) in table
    # the radar overlay when the report's chart module is there
    try:
        import readiness.chart  # noqa: F401
    except ImportError:
        pass
    else:
        assert '<g class="case-overlay"' in html
        assert html.count('class="case-point"') == sum(1 for j in case.profile.values() if j is not None)
    assert "Where your town is weak" in html
    assert 'style="' not in html and not INLINE_SCRIPT.search(html)


def test_weak_dimensions_list_what_the_nearest_strong_cases_did():
    answers = {q.id: weak_town(q) for q in CONTENT.questions.values()}
    answers = {k: ([v] if CONTENT.questions[k].type.value == "multi" and not isinstance(v, list) else v)
               for k, v in answers.items()}
    answers = {k: (int(v) if CONTENT.questions[k].type.value == "number" else v) for k, v in answers.items()}
    result = score_assessment(CONTENT, answers, "Enguera", "Spain")
    side = library.side_by_side(CONTENT, result, CONTENT.case_by_id["ruci"])
    ranked = library.rank_all_cases(CONTENT, result)
    assert [s.case.id for s in ranked[: len(result.similar_cases)]] == [s.case.id for s in result.similar_cases]
    assert side.weak, "the weak town has weak dimensions"
    scores = [w.town for w in side.weak]
    assert scores == sorted(scores) and all(s < library.WEAK for s in scores)
    order = [s.case.id for s in ranked]
    for w in side.weak:
        assert len(w.lessons) <= library.LESSONS_PER_DIMENSION
        ids = [lesson.case.id for lesson in w.lessons]
        assert ids == sorted(ids, key=order.index)  # nearest first
        for lesson in w.lessons:
            # the statement is the case's own documented judgement on that dimension
            assert lesson.judgement is lesson.case.profile[w.dimension.id]
            assert lesson.judgement.score >= STRONG


def test_side_by_side_needs_access_and_a_known_case(app, submitted, content):
    assert app.test_client().get(submitted.url("compare/creative-valley")).status_code == 404
    assert submitted.client.get(submitted.url("compare/atlantis")).status_code == 404
    draft = Wizard(submitted.client, content)
    draft.start(town="Mizil")
    assert draft.client.get(draft.url("compare/creative-valley")).headers["Location"].endswith("/review")
