"""The two editions, the DOCX and ``readiness score --json`` agree on the summary,
for a weak, a mixed and a strong town, in English and Portuguese; the summary
keeps to six pages, the bilingual summary to twice that, the full report to ~30.

Renders are the slow part (~3-8 s each on 2 cores): each PDF is rendered once per
module and shared by the tests that read it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from pypdf import PdfReader

from readiness import cli, report
from readiness.answers import TOWN_NAME_MAX
from readiness.content import Content
from readiness.i18n import ui_translations
from readiness.models import Rule
from readiness.priorities import MAX_ACTIONS, SUMMARY_RISKS, summarise
from readiness.report_changes import PreviousAssessment
from readiness.report_view import PRIORITY_METHOD
from readiness.results import DataGap, Finding
from readiness.report_docx import build_docx
from readiness.quote_translations import quote_translations
from readiness.report_view import ReportMeta
from readiness.scoring import score_assessment

from towns import TOWNS

CREATED = dt.date(2026, 3, 14)
CASES = [(town, lang) for town in ("weak", "mixed", "strong") for lang in ("en", "pt")]
SUMMARY_PAGES = 6
# The full report of a town weak everywhere (content 2026.11.3, 34 risks): 30 pages in
# Portuguese and in Italian (28 in English).
FULL_PAGES = 30


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def towns(content: Content) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (town, language): content, answers, result, and the summary PDF, read as text."""
    out = {}
    for town, lang in CASES:
        local = content.for_language(lang)
        answers = TOWNS[town](local)
        result = score_assessment(local, answers, f"Vila {town.title()}", "Portugal")
        meta = ReportMeta(town=result.town, country=result.country, assessment_id=f"ed-{town}", created=CREATED,
                          language=lang)
        pdf = report.render_pdf(local, result, meta)
        out[(town, lang)] = {"content": local, "answers": answers, "result": result, "meta": meta,
                             "pages": pdf_pages(pdf), "pdf": pdf}
    return out


@pytest.mark.parametrize("town,lang", CASES)
def test_summary_fits_six_pages_and_shows_the_summary(towns: dict, town: str, lang: str) -> None:
    case = towns[(town, lang)]
    pages, summary, local = case["pages"], case["result"].summary, case["content"]
    assert len(pages) <= SUMMARY_PAGES, (town, lang, len(pages))
    text = squash("".join(pages))
    findings = {f.id: f for f in case["result"].findings}
    for fid in [f.id for f in summary.risks] + [f.id for f in summary.strengths]:
        assert squash(findings[fid].title) in text, fid
    for a in summary.actions:
        assert squash(a.action) in text, a.action
    # only the summary's actions: no other recommendation of any finding is in the summary edition
    listed = {a.action for a in summary.actions}
    for f in case["result"].findings:
        for r in f.recommendations:
            if r.action not in listed:
                assert squash(r.action) not in text, (f.id, r.action)
    # the one-page summary is page 2; it names the main risks
    if summary.risks:
        assert squash(summary.risks[0].title) in squash(pages[1])
    assert not re.search(r"\d{3}_[0-9a-f]{16}", "".join(pages)), "a file name reached the report"
    # in Portuguese, the original quote stays and a translation marked as such follows it
    translated = quote_translations(local.root, lang)
    for f in summary.findings:
        for s in f.sources:
            assert squash(s.quote) in text
            if lang != "en" and s.quote in translated:
                assert squash(f"Tradução: «{translated[s.quote]}»") in text, s.quote
    if lang == "pt":
        assert any(s.quote in translated for f in summary.findings for s in f.sources)


@pytest.mark.parametrize("town,lang", CASES)
def test_docx_and_score_json_agree_with_the_pdf(towns: dict, town: str, lang: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    case = towns[(town, lang)]
    result, summary = case["result"], case["result"].summary
    document = docx.Document(io.BytesIO(build_docx(case["content"], result, case["meta"])))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    everything = squash(" ".join(paragraphs + cells))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and len(document.tables) >= 2
    for f in summary.risks + summary.strengths:
        assert squash(f.title) in everything
    for a in summary.actions:
        assert squash(a.action) in everything and squash(a.lead) in everything
    # the same summary as `readiness score --json` (scored in English; ids and order agree)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"town": result.town, "country": result.country, "answers": case["answers"]},
                                   allow_unicode=True), encoding="utf-8")
    assert cli.main(["score", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["summary"]
    assert out["risks"] == [f.id for f in summary.risks]
    assert out["strengths"] == [f.id for f in summary.strengths]
    assert [(a["finding"], a["horizon"]) for a in out["actions"]] == [(a.finding, a.horizon) for a in summary.actions]
    if lang == "en":
        assert out == summary.to_json()
    # the PDF's first actions, in the same order as the JSON's
    pdf_text = squash("".join(case["pages"]))
    positions = [pdf_text.find(squash(a.action)) for a in summary.actions]
    assert all(p >= 0 for p in positions)


def test_bilingual_summary_is_two_summaries(towns: dict) -> None:
    case = towns[("mixed", "pt")]
    meta = ReportMeta(town=case["meta"].town, country="Portugal", assessment_id="bi", created=CREATED,
                      language="pt", bilingual=True)
    pages = pdf_pages(report.render_pdf(case["content"], case["result"], meta))
    assert len(pages) <= 2 * len(case["pages"])
    text = squash("".join(pages))
    assert squash("Resumo executivo") in text and squash("Executive summary") in text
    assert squash("The eleven dimensions") not in text  # the full report stays out


@pytest.mark.parametrize("lang", ["en", "pt", "it"])
def test_full_report_of_a_weak_town_stays_near_thirty_pages(content: Content, lang: str) -> None:
    local = content.for_language(lang)
    result = score_assessment(local, TOWNS["weak"](local), "Vila Weak", "Portugal")
    meta = ReportMeta(town=result.town, country="Portugal", assessment_id="full", created=CREATED,
                      language=lang, edition="full")
    # in this process, without the worker's time limit: only the page count matters here
    pages = pdf_pages(report.render_html_to_pdf(report.build_report_html(local, result, meta)))
    assert len(pages) <= FULL_PAGES, (lang, len(pages))
    # nothing the full report promises is dropped to get there
    text = squash("".join(pages))
    for f in result.findings:
        assert squash(f.title) in text
        for r in f.recommendations:
            assert squash(r.action) in text and squash(r.indicator) in text
        for s in f.sources:
            assert squash(s.quote) in text
    for d in result.dimensions:
        assert squash(d.title) in text
        for c in (d.plan.changes if d.plan else []):
            assert squash(c.question.text) in text
    for qid in result.answers:
        assert squash(local.questions[qid].text) in text
    assert squash(ui_translations(lang).gettext(PRIORITY_METHOD)) in text


def test_cli_writes_the_editions_and_the_docx(content: Content, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"town": "Mizil", "country": "Romania", "answers": TOWNS["mixed"](content)}),
                    encoding="utf-8")
    assert cli.main(["report", str(path), "-o", str(tmp_path / "s.docx"), "--format", "docx"]) == 0
    assert docx.Document(str(tmp_path / "s.docx")).paragraphs
    assert cli.main(["report", str(path), "--html", str(tmp_path / "s.html")]) == 0
    assert 'class="edition-summary"' in (tmp_path / "s.html").read_text(encoding="utf-8")
    assert cli.main(["report", str(path), "--html", str(tmp_path / "f.html"), "--edition", "full"]) == 0
    assert "The eleven dimensions" in (tmp_path / "f.html").read_text(encoding="utf-8")
    assert cli.main(["report", str(path), "--edition", "full", "--bilingual", "--language", "pt",
                     "--html", str(tmp_path / "x.html")]) == 2


# --------------------------------------------------------------------------- the summary's worst case

LONG_TOWN = ("Vila Nova de São Martinho da Gândara e Santa Maria Madalena do Monte Alto "
             "(União das Freguesias)")[:TOWN_NAME_MAX]


def _worst_case(local: Content, lang: str, most: str) -> tuple[Any, ReportMeta]:
    """A result no answers can exceed on the summary's pages: the three risks with the
    most words (their actions, quotes and translations included) or with the most
    actions (``most``: "words" or "actions") as the main risks,
    the three longest strengths beside them, the longest questions as data gaps, a
    re-assessment's progress box, and the longest town, country and role allowed."""
    quotes = quote_translations(local.root, lang)

    def words(rule: Rule) -> int:
        return (len(rule.title) + len(rule.explanation)
                + sum(len(r.action) + len(r.lead) + len(r.indicator) for r in rule.recommendations)
                + sum(len(s.quote) + len(quotes.get(s.quote, "")) for s in rule.sources))

    def size(rule: Rule) -> tuple[int, ...]:
        return (words(rule),) if most == "words" else (len(rule.recommendations), words(rule))

    risks = sorted((r for r in local.rules if r.kind == "risk"), key=size, reverse=True)[:SUMMARY_RISKS]
    strengths = sorted((r for r in local.rules if r.kind == "strength"), key=lambda r: len(r.title),
                       reverse=True)[:SUMMARY_RISKS]
    findings = [Finding(r) for r in risks + strengths]
    weak = score_assessment(local, TOWNS["weak"](local), LONG_TOWN, "Portugal")
    questions = sorted(local.questions.values(), key=lambda q: len(q.text), reverse=True)[:8]
    gaps = [DataGap(q, local.dimension_by_id[q.dimension].title if q.dimension in local.dimension_by_id else "",
                    "dont_know") for q in questions]
    result = dataclasses.replace(weak, findings=findings, summary=summarise(findings), data_gaps=gaps)
    previous = PreviousAssessment(date=dt.date(2025, 3, 14),
                                  result=score_assessment(local, TOWNS["strong"](local), LONG_TOWN, "Portugal"))
    meta = ReportMeta(town=LONG_TOWN, country="República Portuguesa — Região Autónoma da Madeira" * 2,
                      assessment_id="worst", created=CREATED, language=lang,
                      contact_role="Técnica superior da Divisão de Cultura, Turismo e Desenvolvimento Económico" * 2,
                      previous=previous)
    return result, meta


@pytest.mark.parametrize("lang,most", [(lang, most) for lang in ("en", "pt", "it") for most in ("words", "actions")])
def test_summary_fits_six_pages_for_its_longest_possible_content(content: Content, lang: str, most: str) -> None:
    local = content.for_language(lang)
    result, meta = _worst_case(local, lang, most)
    if most == "actions":  # as many first actions as three risks can have
        assert len(result.summary.actions) == min(MAX_ACTIONS, sum(len(f.recommendations) for f in result.summary.risks))
        assert len(result.summary.actions) > SUMMARY_RISKS
    pdf = report.render_html_to_pdf(report.build_report_html(local, result, meta))
    pages = pdf_pages(pdf)
    assert len(pages) <= SUMMARY_PAGES, (lang, most, len(pages))
    # the one-page summary stays one page: the profile starts on page 3
    assert squash(ui_translations(lang).gettext("Readiness profile")) in squash(pages[2])
    text = squash("".join(pages))
    for a in result.summary.actions:
        assert squash(a.action) in text


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_progress_box_names_resolved_and_new_risks_the_same_in_pdf_and_docx(content: Content, lang: str) -> None:
    """A weak town that became a mixed one: the summary's progress box names the first three
    risks resolved and then says how many more (never a bare ellipsis), then counts the new
    risks in a sentence of its own; the DOCX says the same."""
    local = content.for_language(lang)
    then = score_assessment(local, TOWNS["weak"](local), "Enguera", "Spain")
    now = score_assessment(local, TOWNS["mixed"](local), "Enguera", "Spain")
    resolved = [f for f in then.findings if f.rule.kind == "risk" and f.id not in {g.id for g in now.findings}]
    new = [f for f in now.findings if f.rule.kind == "risk" and f.id not in {g.id for g in then.findings}]
    assert len(resolved) > 3 and new, (len(resolved), len(new))
    meta = ReportMeta(town="Enguera", country="Spain", assessment_id="A-2", created=CREATED, language=lang,
                      previous=PreviousAssessment(date=dt.date(2025, 3, 14), result=then))
    def spaced(text: str) -> str:
        return re.sub(r"\s+", " ", text)

    box = spaced(pdf_pages(report.render_html_to_pdf(report.build_report_html(local, now, meta)))[1])
    body = spaced("\n".join(p.text for p in docx.Document(io.BytesIO(build_docx(local, now, meta))).paragraphs))
    gettext = ui_translations(lang)
    more = gettext.ngettext("and %(num)s more", "and %(num)s more", len(resolved) - 3) % {"num": len(resolved) - 3}
    new_head = gettext.ngettext("%(num)s new risk.", "%(num)s new risks.", len(new)) % {"num": len(new)}
    box_named = [t for t in (f.title for f in resolved) if spaced(t) in box]
    assert len(box_named) == 3
    for text in (box, body):
        assert "…" not in text
        assert spaced(f"{more}. {new_head}") in text  # two sentences, the new risks' after the resolved
        for f in resolved:
            assert (spaced(f.title) in text) == (f.title in box_named), f.id
