"""The glossary: a typed content file, translated, explained once on the web."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from conftest import SEEDS
from readiness.glossary import Glossary, GlossaryTerm
from readiness.quotes import normalise_for_quote


def test_the_glossary_is_a_typed_model_covering_the_jargon_of_the_help_texts_and_rules(content):
    glossary = content.glossary
    assert isinstance(glossary, Glossary) and all(isinstance(t, GlossaryTerm) for t in glossary.terms)
    named_in_the_issue = {"ChIMERA", "CIDAco", "EICI", "CCIs", "third place", "URBACT", "CREADIS3", "RUCI"}
    assert named_in_the_issue <= {s for t in glossary.terms for s in t.spellings}
    texts = ([q.help for q in content.questions.values()] + [r.explanation for r in content.rules]
             + [c.name for c in content.cases])
    # every term explains something the content names; none is there for its own sake
    assert glossary.used_in(texts) == glossary.terms
    # whole words and case as written: "CCI" is not found inside "CCIs", nor "KEA" in "speaker"
    assert [m.term.id for m in glossary.mentions("the CCIs and a CCI; speaker, KEAs")] == ["ccis", "ccis"]


def test_every_acronym_an_officer_reads_has_a_glossary_entry_in_every_language(content):
    from readiness.lint import unexplained_acronyms

    assert unexplained_acronyms(content) == []
    glossary = content.glossary
    # what the check sees: words of two capitals or more, unless a glossary mention covers them
    assert glossary.unexplained("ChIMERA and the CLICK living lab, EU-Wallonia money, a SME and its CEO") == ["SME", "CEO"]
    assert glossary.unexplained("ChIMERA (Interreg MED), the MED Programme; the MED area") == ["MED"]


@pytest.mark.skipif(not SEEDS.exists(), reason="the source documents are not at ../shared/seeds")
def test_every_definition_cites_a_quote_that_is_in_its_document(content):
    for term in content.glossary.terms:
        for source in term.sources:
            document = normalise_for_quote((SEEDS / source.document).read_text(encoding="utf-8"))
            assert normalise_for_quote(source.quote) in document, (term.id, source.quote)


def test_translations_word_the_glossary(content):
    pt, it = content.for_language("pt").glossary, content.for_language("it").glossary
    assert pt.by_id["third-place"].term == "terceiro lugar" and it.by_id["third-place"].term == "terzo luogo"
    # names stay found in translated texts too
    assert [m.term.id for m in pt.mentions("A rede URBACT e os terceiros lugares")] == ["urbact", "third-place"]


def test_the_first_mention_on_a_page_is_a_footnote_with_its_definition(wizard, content, client):
    wizard.start()
    html = client.get(wizard.url("step/profile")).get_data(as_text=True)
    urbact = content.glossary.by_id["urbact"]
    links = re.findall(r'<a href="/glossary#term-urbact" aria-describedby="tip-urbact">', html)
    assert len(links) == 1  # explained once, however often the page names it
    assert f'role="tooltip" id="tip-urbact">{escape(urbact.definition)}</span>' in html
    page = client.get("/glossary").get_data(as_text=True)
    assert 'id="term-urbact"' in page and str(escape(urbact.definition)) in page
    assert 'lang="el"' in page  # the Greek quote of the CREADIS3 sheet is marked as Greek


def test_radar_labels_are_readable_and_a_case_line_joins_only_neighbouring_documented_axes(content):
    from readiness import chart, overlay
    from readiness.library import DimensionPair

    dims = content.dimensions
    with_profile = next(c for c in content.cases if any(c.profile.get(d.id) is None for d in dims))
    rows = [DimensionPair(d, 50.0, with_profile.profile.get(d.id)) for d in dims]
    svg = overlay.overlay_svg(rows, content.levels, with_profile.name)
    assert f'class="labels" font-size="{chart.LABEL_SIZE:g}"' in svg and chart.LABEL_SIZE >= 14
    documented = [i for i, r in enumerate(rows) if r.case is not None]
    joined = {(i, (i + 1) % len(rows)) for i in documented if (i + 1) % len(rows) in documented}
    case_part = svg[svg.index('class="case-overlay"'):]
    assert case_part.count("<line ") == len(joined)  # never across an undocumented dimension


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_the_full_report_has_a_glossary_page_of_the_terms_it_names(content, lang):
    import datetime as dt

    from readiness import report
    from readiness.report_view import ReportMeta
    from readiness.scoring import score_assessment
    from towns import TOWNS

    local = content.for_language(lang)
    result = score_assessment(local, TOWNS["weak"](local), "Vila Fraca", "Portugal")
    meta = ReportMeta(town=result.town, country=result.country, assessment_id="gl", created=dt.date(2026, 3, 14),
                      language=lang, edition="full")
    html = report.build_report_html(local, result, meta)
    body = html[:html.index('<h2 id="glossary">')]
    page = html[html.index('<h2 id="glossary">'):html.index('<h2 id="sources">')]
    named = local.glossary.used_in([re.sub(r"<[^>]+>", " ", body)])
    assert len(named) >= 5 and '<a href="#glossary">' in html  # in the contents too
    for term in local.glossary.terms:  # each term the report names, once; no other
        assert page.count(f'id="term-{term.id}"') == (1 if term in named else 0), term.id
    assert str(escape(local.glossary.by_id["urbact"].definition)) in page
    summary = report.build_report_html(local, result, ReportMeta(**{**meta.__dict__, "edition": "summary"}))
    assert 'id="glossary"' not in summary


def test_the_results_page_explains_each_term_once(wizard, client):
    wizard.start()
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    html = client.get(wizard.url("results")).get_data(as_text=True)
    linked = re.findall(r'<a href="/glossary#term-([a-z0-9-]+)" aria-describedby="tip-\1">', html)
    assert linked  # the findings' explanations and the nearest cases' summaries name terms
    assert len(linked) == len(set(linked))  # each explained once on the page
