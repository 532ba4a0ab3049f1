"""The PDF report: content, metadata, Unicode, safety against typed input, caching.

No Flask. Rendering is the slow part (~3 s for a full report on 2 cores), so the
reports are rendered once per session and shared by the tests that read them.
Answers are generated from the loaded content, never from hard-coded question
ids, because the content keeps growing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from conftest import best_answers
from towns import mixed_answers

from readiness import chart, report
from readiness.answers import COUNTRY_MAX, ROLE_MAX, TOWN_NAME_MAX
from readiness.content import Content, load_content
from readiness.models import DONT_KNOW, QuestionType
from readiness.report import ReportMeta, SafeURLFetcher
from readiness.scoring import AssessmentResult, score_assessment

TOWN = "Hódmezővásárhely"
COUNTRY = "Magyarország"
ROLE = "Ευρώπη desk, twinned with Ploiești"
CREATED = dt.date(2026, 3, 14)


# --------------------------------------------------------------------------- helpers


def squash(text: str) -> str:
    """Text without whitespace: pypdf breaks lines where the layout did."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def render(content: Content, answers: dict[str, Any], meta: ReportMeta) -> tuple[bytes, SafeURLFetcher, AssessmentResult]:
    result = score_assessment(content, answers, meta.town, meta.country)
    fetcher = SafeURLFetcher()
    return report.render_pdf(content, result, meta, fetcher), fetcher, result


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def rcontent() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def meta() -> ReportMeta:
    return ReportMeta(town=TOWN, country=COUNTRY, assessment_id="test-1", created=CREATED, contact_role=ROLE, language="en",
                      edition="full")


@pytest.fixture(scope="session")
def rendered(rcontent: Content, meta: ReportMeta) -> dict[str, Any]:
    answers = mixed_answers(rcontent)
    pdf, fetcher, result = render(rcontent, answers, meta)
    return {"pdf": pdf, "text": pdf_text(pdf), "fetcher": fetcher, "result": result, "answers": answers}


@pytest.fixture(scope="session")
def canary(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    secret = f"CANARY-{uuid.uuid4().hex}"
    path = tmp_path_factory.mktemp("canary") / "secret.txt"
    path.write_text(secret, encoding="utf-8")
    return path, secret


def attacks(canary_path: Path) -> list[str]:
    uri = canary_path.as_uri()
    return [
        f'<link rel="attachment" href="{uri}">',
        '<link rel="attachment" href="file:///etc/hostname">',
        '<img src="http://127.0.0.1:9/x">',
        "<style>*{display:none}</style>",
        "<script>alert(1)</script>",
        '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22/>">',
        f'<iframe src="{uri}"></iframe><object data="{uri}"></object>',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"><base href="http://127.0.0.1:9/">',
    ]


@pytest.fixture(scope="session")
def attack_content(rcontent: Content, tmp_path_factory: pytest.TempPathFactory) -> Content:
    """The content, with a text question added if the bank has none."""
    if any(q.type == QuestionType.text for q in rcontent.questions.values()):
        return rcontent
    root = tmp_path_factory.mktemp("content")
    for sub in ("questions", "rules", "cases"):
        shutil.copytree(rcontent.root / sub, root / sub)
    profile = yaml.safe_load((root / "questions" / "profile.yaml").read_text(encoding="utf-8"))
    profile["questions"].append({"id": "zz_attack_notes", "text": "Anything else to note?", "type": "text"})
    (root / "questions" / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return load_content(root)


@pytest.fixture(scope="session")
def attacked(attack_content: Content, canary: tuple[Path, str]) -> dict[str, Any]:
    canary_path, _ = canary
    strings = attacks(canary_path)
    town, country, role = strings[0], strings[2], strings[1]
    meta = ReportMeta(town=town, country=country, assessment_id="attack", created=CREATED, contact_role=role,
                      edition="full")  # the full report prints every typed answer
    answers = mixed_answers(attack_content, text=" ".join(strings))
    pdf, fetcher, result = render(attack_content, answers, meta)
    return {"pdf": pdf, "text": pdf_text(pdf), "fetcher": fetcher, "strings": strings, "meta": meta, "result": result}


# --------------------------------------------------------------------------- content of the report


def test_report_has_town_dimensions_and_sections(rendered: dict, rcontent: Content) -> None:
    text = squash(rendered["text"])
    assert squash(TOWN) in text
    for dim in rcontent.dimensions:
        assert squash(dim.title) in text, dim.title
    for heading in ("Executive summary", "Readiness profile", "Risks and recommendations", "Action plan", "Data gaps",
                    "Comparison with similar cases", "Appendix", "How this report is made", "Sources"):
        assert squash(heading) in text, heading


def test_every_finding_title_and_quote_is_in_the_pdf(rendered: dict) -> None:
    text = squash(rendered["text"])
    findings = rendered["result"].findings
    assert findings, "the answer mix should trigger at least one rule"
    for f in findings:
        assert squash(f.title) in text, f.title
        for s in f.sources:
            assert squash(s.quote) in text, s.quote


def test_data_gaps_and_sources_are_listed(rendered: dict, rcontent: Content) -> None:
    text = squash(rendered["text"])
    result = rendered["result"]
    assert result.data_gaps, "the answer mix has don't-know answers"
    for gap in result.data_gaps:
        assert squash(gap.question.text) in text
        if gap.question.data_gap is not None:
            assert squash(gap.question.data_gap.find_out) in text
    # sources as numbered short references with what each document states, never a file name
    assert rcontent.bibliography is not None
    for doc in rcontent.bibliography.documents:
        assert squash(doc.short) in text
        assert doc.document not in rendered["text"]
        if doc.title:
            assert squash(doc.title) in text
    assert not re.search(r"\d{3}_[0-9a-f]{16}", rendered["text"])
    for f in rendered["result"].findings:
        for s in f.sources:
            assert squash(f"Source {rcontent.bibliography.reference(s.document)}") in text
    assert squash(rcontent.version) in text


def test_appendix_shows_option_labels_not_values(rendered: dict, rcontent: Content) -> None:
    text = squash(rendered["text"])
    for qid, value in rendered["result"].answers.items():  # visible answers only
        q = rcontent.questions[qid]
        if q.type in (QuestionType.single, QuestionType.scale) and value != DONT_KNOW:
            assert squash(q.option(value).label) in text, (qid, value)


def test_page_count_and_metadata(rendered: dict, rcontent: Content) -> None:
    reader = PdfReader(io.BytesIO(rendered["pdf"]))
    assert 6 <= len(reader.pages) <= 80
    info = reader.metadata
    assert info.title == f"Creative cluster readiness: {TOWN}"
    assert info.author == f"{TOWN} self-assessment"
    assert info.creation_date is not None and info.creation_date.date() == CREATED
    assert reader.trailer["/Root"].get("/Lang") == "en"


def test_unicode_names_survive(rendered: dict) -> None:
    text = rendered["text"]
    for word in (TOWN, COUNTRY, "Ευρώπη", "Ploiești"):
        assert word in text, word


def test_same_answers_same_pdf_text(rendered: dict, rcontent: Content, meta: ReportMeta) -> None:
    pdf, _, _ = render(rcontent, rendered["answers"], meta)
    assert pdf_text(pdf) == rendered["text"]


def test_nothing_is_fetched_for_a_normal_report(rendered: dict) -> None:
    fetcher = rendered["fetcher"]
    assert fetcher.refused == []
    assert all(url.startswith(report.ASSET_BASE) for url in fetcher.requested)


@pytest.mark.parametrize("kind", ["empty", "best"])
def test_html_for_extreme_answer_sets(rcontent: Content, meta: ReportMeta, kind: str) -> None:
    """No answers at all, or the best answer everywhere: the template copes with
    no level, no findings, no data gaps and dimensions at the top level."""
    answers = {} if kind == "empty" else best_answers(rcontent)
    result = score_assessment(rcontent, answers, meta.town, meta.country)
    html = report.build_report_html(rcontent, result, meta)
    svg = html[html.index("<svg"): html.index("</svg>") + 6]
    assert chart.axis_count(svg) == 11
    if kind == "empty":
        assert "Not enough questions were answered" in html
        assert "Not answered" in html
    else:
        assert "Every question that applies was answered" in html
        assert result.level is not None and result.level.label in html


# --------------------------------------------------------------------------- the chart


def test_chart_has_one_axis_per_dimension(rcontent: Content, rendered: dict, meta: ReportMeta) -> None:
    html = report.build_report_html(rcontent, rendered["result"], meta)
    svg = html[html.index("<svg"): html.index("</svg>") + 6]
    assert chart.axis_count(svg) == len(rcontent.dimensions) == 11
    assert svg.count('class="band"') == len(rcontent.levels)


def test_chart_escapes_titles() -> None:
    axes = [chart.Axis(i + 1, f"<b>{i}</b> & co", None if i == 0 else 10.0 * i) for i in range(5)]
    svg = chart.radar_svg(axes, chart.bands_from_levels([("Low", 0), ("High", 50)]))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert chart.axis_count(svg) == 5


# --------------------------------------------------------------------------- safety


def test_attack_strings_are_printed_as_text(attacked: dict) -> None:
    text = squash(attacked["text"])
    for s in attacked["strings"][:3]:
        assert squash(s) in text, s
    # The typed text answers carry all attack strings.
    for s in attacked["strings"]:
        assert squash(s) in text, s


def test_attack_embeds_no_file_and_leaks_no_canary(attacked: dict, canary: tuple[Path, str]) -> None:
    reader = PdfReader(io.BytesIO(attacked["pdf"]))
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in (root.get("/Names") or {})
    assert not reader.attachments
    assert b"/EmbeddedFile" not in attacked["pdf"]
    _, secret = canary
    assert secret not in attacked["text"]
    hostname = Path("/etc/hostname")
    if hostname.exists() and len(hostname.read_text().strip()) >= 8:
        assert hostname.read_text().strip() not in attacked["text"]


def test_attack_fetches_nothing_outside_the_allowlist(attacked: dict) -> None:
    fetcher = attacked["fetcher"]
    assert fetcher.refused == []
    assert all(url.startswith(report.ASSET_BASE) for url in fetcher.requested)


def test_attack_does_not_hide_the_report(attacked: dict, attack_content: Content) -> None:
    text = squash(attacked["text"])
    for dim in attack_content.dimensions:
        assert squash(dim.title) in text


def test_attack_html_is_escaped(attack_content: Content, attacked: dict) -> None:
    html = report.build_report_html(attack_content, attacked["result"], attacked["meta"])
    for tag in ("<script", "<iframe", "<object", "<base", 'rel="attachment"', "<img"):
        assert tag not in html, tag


def test_meta_fields_are_capped_and_cleaned() -> None:
    meta = ReportMeta(town="T" * 500, country="C" * 500, assessment_id="x" * 200, created=CREATED,
                      contact_role="R\x00" * 500, language='en" onload="x')
    assert len(meta.town) == TOWN_NAME_MAX
    assert len(meta.country) == COUNTRY_MAX
    assert len(meta.contact_role) <= ROLE_MAX and "\x00" not in meta.contact_role
    assert meta.language == "en"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file://localhost/etc/hostname",
        (report.REPORT_DIR / ".." / ".." / "pyproject.toml").as_uri(),
        "http://127.0.0.1:9/x",
        "https://example.org/x.css",
        "data:text/css,body{display:none}",
        "ftp://example.org/x",
        report.ASSET_BASE + "report.css?x=1",
    ],
)
def test_fetcher_refuses_everything_but_the_report_folder(url: str) -> None:
    fetcher = SafeURLFetcher()
    with pytest.raises(report.FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_report_stylesheet() -> None:
    fetcher = SafeURLFetcher()
    response = fetcher.fetch(report.ASSET_BASE + "report.css")
    assert response.read().startswith(b"/*")
    assert fetcher.refused == []


def test_html_inlines_the_stylesheet_unless_asked(rcontent: Content, rendered: dict, meta: ReportMeta) -> None:
    inline = report.build_report_html(rcontent, rendered["result"], meta, inline_assets=True)
    linked = report.build_report_html(rcontent, rendered["result"], meta, inline_assets=False)
    assert "<style>" in inline and 'rel="stylesheet"' not in inline
    assert '<link rel="stylesheet" href="report.css">' in linked and "<style>" not in linked
    assert '<meta name="author" content="Hódmezővásárhely self-assessment">' in inline
    assert '<html lang="en">' in inline


# --------------------------------------------------------------------------- cache key


def test_cache_key(rcontent: Content, rendered: dict, meta: ReportMeta, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = rendered["result"]
    key = report.report_cache_key(rcontent, result, meta)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert report.report_cache_key(rcontent, result, meta) == key
    # The date and the assessment id are not part of the key.
    other_day = ReportMeta(TOWN, COUNTRY, "another-id", CREATED + dt.timedelta(days=3), ROLE, "en", edition=meta.edition)
    assert report.report_cache_key(rcontent, result, other_day) == key

    # Any answer change gives another key.
    answers = dict(rendered["answers"])
    qid, q = next((qid, rcontent.questions[qid]) for qid, v in answers.items()
                  if rcontent.questions[qid].type == QuestionType.single and v != DONT_KNOW)
    answers[qid] = next(o.value for o in q.options if o.value != answers[qid])
    changed = score_assessment(rcontent, answers, TOWN, COUNTRY)
    assert report.report_cache_key(rcontent, changed, meta) != key

    for field, value in (("town", "Ploiești"), ("country", "România"), ("contact_role", "Mayor"), ("language", "ro"),
                         ("edition", "summary")):
        other = ReportMeta(**{**meta.__dict__, field: value})
        assert report.report_cache_key(rcontent, result, other) != key, field

    # A template change gives another key.
    copy = tmp_path / "report"
    shutil.copytree(report.REPORT_DIR, copy)
    monkeypatch.setattr(report, "REPORT_DIR", copy)
    assert report.report_cache_key(rcontent, result, meta) == key
    with (copy / "report.css").open("a", encoding="utf-8") as fh:
        fh.write("\n/* changed */\n")
    assert report.report_cache_key(rcontent, result, meta) != key


# --------------------------------------------------------------------------- the report in another language

PT_HEADINGS = ("Resumo executivo", "Perfil de preparação", "As onze dimensões", "Riscos e recomendações", "Plano de ação",
               "Lacunas de informação", "Comparação com casos semelhantes", "Anexo", "Como é elaborado este relatório")


@pytest.fixture(scope="session")
def rendered_pt(rcontent: Content, rendered: dict) -> dict[str, Any]:
    """The same answers as ``rendered``, in Portuguese: content wording and the report's own words."""
    pt = rcontent.for_language("pt")
    meta = ReportMeta(town=TOWN, country=COUNTRY, assessment_id="test-pt", created=CREATED, contact_role=ROLE, language="pt",
                      edition="full")
    pdf, fetcher, result = render(pt, rendered["answers"], meta)
    return {"pdf": pdf, "text": pdf_text(pdf), "fetcher": fetcher, "result": result, "content": pt, "meta": meta}


def test_portuguese_report_has_portuguese_headings(rendered_pt: dict) -> None:
    text = squash(rendered_pt["text"])
    for heading in PT_HEADINGS:
        assert squash(heading) in text, heading
    for english in ("Executive summary", "Action plan", "Data gaps", "How this report is made", "What to do",
                    "Creative cluster readiness", "page 2 of"):
        assert squash(english) not in text, english
    assert squash("14 de março de 2026") in text
    assert squash("página 2 de") in text  # the page margins too
    for dim in rendered_pt["content"].dimensions:
        assert squash(dim.title) in text, dim.title
    assert squash(TOWN) in text


def test_portuguese_report_language_and_metadata(rendered_pt: dict) -> None:
    html = report.build_report_html(rendered_pt["content"], rendered_pt["result"], rendered_pt["meta"])
    assert '<html lang="pt">' in html
    reader = PdfReader(io.BytesIO(rendered_pt["pdf"]))
    assert reader.trailer["/Root"].get("/Lang") == "pt"
    assert reader.metadata.title == f"Preparação para um cluster criativo: {TOWN}"
    assert reader.metadata.author == f"Autoavaliação de {TOWN}"
    assert rendered_pt["fetcher"].refused == []


def test_quotes_stay_verbatim_and_marked_in_a_translated_report(rendered_pt: dict, rendered: dict) -> None:
    text = squash(rendered_pt["text"])
    findings = rendered_pt["result"].findings
    assert findings
    for f in findings:
        assert squash(f.title) in text, f.title
        for s in f.sources:
            assert squash(s.quote) in text, s.quote  # never translated
    # The same quotes as in the English report, each marked as in its original language.
    assert [s.quote for f in findings for s in f.sources] == [s.quote for f in rendered["result"].findings for s in f.sources]
    assert squash("citada no original em inglês") in text
    assert "quoted in the original" not in rendered_pt["text"]
    html = report.build_report_html(rendered_pt["content"], rendered_pt["result"], rendered_pt["meta"])
    assert '<blockquote lang="en">' in html


def test_view_model_keeps_ids_and_translates_words(rcontent: Content, rendered: dict) -> None:
    """The results page reads the same view model: ids stay, words are in the language."""
    pt = rcontent.for_language("pt")
    meta = ReportMeta(town=TOWN, country=COUNTRY, assessment_id="vm", created=CREATED, language="pt")
    result = score_assessment(pt, rendered["answers"], TOWN, COUNTRY)
    ctx = report.report_context(pt, result, meta)
    en = report.report_context(rcontent, rendered["result"], ReportMeta(TOWN, COUNTRY, "vm", CREATED))
    assert [h["id"] for h in ctx["horizons"]] == [h["id"] for h in en["horizons"]]
    assert [h["title"] for h in ctx["horizons"]][0] == "Agora"
    assert {f["kind_word"] for f in ctx["findings"]} <= {"Risco", "Ponto forte"}
    # The first actions are chosen the same way whatever the language.
    assert [a["horizon_id"] for a in ctx["first_actions"]] == [a["horizon_id"] for a in en["first_actions"]]
    assert [a["finding_kind"] for a in ctx["first_actions"]] == [a["finding_kind"] for a in en["first_actions"]]
    assert ctx["created_words"] == "14 de março de 2026" and en["created_words"] == "14 March 2026"
    assert set(en) <= set(ctx)


def _report_msgids() -> set[str]:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    ids: set[str] = set()
    from readiness import answers, library, report_docx, report_view

    # The view model holds the report's own words (N_); the templates of both editions the rest.
    templates = [report.REPORT_DIR / "report.html", report.REPORT_DIR / "summary.html",
                 *sorted(report.REPORT_DIR.glob("_*.html"))]  # and their partials
    for method, path in [*(("jinja2", t) for t in templates), ("python", Path(report_view.__file__)),
                         ("python", Path(report.__file__)), ("python", Path(report_docx.__file__)),
                         # the answer words and the case library's words the report uses
                         ("python", Path(answers.__file__)), ("python", Path(library.__file__))]:
        for _, message, _, _ in extract_from_file(method, str(path), keywords=keywords):
            ids.update(message if isinstance(message, tuple) else (message,))
    # Not blind: the view model's words are among them.
    assert {report_view.SEVERITY_WORDS["high"], answers.NOT_ANSWERED, report_view.PAGE_OF, library.STRONG_REASON} <= ids
    return ids


@pytest.mark.parametrize("lang", ["pt", "it"])
def test_every_report_string_is_translated(lang: str) -> None:
    """Every msgid of the report template and module has a translation with the same placeholders."""
    from babel.messages.pofile import read_po

    path = report.TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    placeholders = re.compile(r"%\(\w+\)s|%%")
    ids = _report_msgids()
    assert len(ids) > 100
    by_id: dict[str, str] = {}
    for m in catalog:
        if not m.id:
            continue
        for i, msgid in enumerate(m.id if isinstance(m.id, tuple) else (m.id,)):
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            by_id[msgid] = strings[min(i, len(strings) - 1)]
    missing = sorted(i for i in ids if not by_id.get(i))
    assert not missing, missing
    for msgid in ids:
        assert sorted(placeholders.findall(by_id[msgid])) == sorted(placeholders.findall(msgid)), msgid


def test_cache_key_changes_with_the_languages_catalog(rcontent: Content, rendered: dict, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A corrected translation must not be served from a PDF cached before the correction."""
    po = tmp_path / "translations" / "pt" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Action plan"\nmsgstr "Plano de acção"\n', encoding="utf-8")
    monkeypatch.setattr(report, "TRANSLATIONS_DIR", tmp_path / "translations")
    meta_pt = ReportMeta(TOWN, COUNTRY, "id", CREATED, ROLE, "pt")
    before = report.report_cache_key(rcontent, rendered["result"], meta_pt)
    po.write_text('msgid "Action plan"\nmsgstr "Plano de ação"\n', encoding="utf-8")
    assert report.report_cache_key(rcontent, rendered["result"], meta_pt) != before


def test_a_case_named_beside_a_finding_or_as_the_nearest_is_placed_in_brief(rcontent: Content, rendered: dict,
                                                                            rendered_pt: dict) -> None:
    """After a case's name the report prints its short place ("Leeds, United Kingdom"), not the
    caveats its place and country carry for the case library, in English and in Portuguese."""
    import html as html_text

    for worded, result, language in ((rcontent, rendered["result"], "en"), (rendered_pt["content"], rendered_pt["result"], "pt")):
        in_brief = {f"{c.name} ({c.short_place})" for c in worded.cases}
        for edition in ("full", "summary"):
            meta = ReportMeta(town=TOWN, country=COUNTRY, assessment_id="brief", created=CREATED, language=language,
                              edition=edition)
            page = report.build_report_html(worded, result, meta)
            related = [html_text.unescape(re.sub(r"<span class=\"k\">.*?</span>\s*", "", line))
                       for line in re.findall(r'<p class="related">(.*?)</p>', page, re.S)]
            nearest = [html_text.unescape(re.sub(r"</?strong>", "", m))
                       for m in re.findall(r'<p class="nearest">(.*?\)):', page, re.S)]
            mentions = [m for line in related for m in line.split("; ")] + nearest
            assert mentions, (language, edition)
            assert set(mentions) <= in_brief, (language, edition, set(mentions) - in_brief)
    assert "CIDAco with the University of Leeds (Leeds, United Kingdom)" in {f"{c.name} ({c.short_place})" for c in rcontent.cases}


def test_each_page_is_headed_by_the_chapter_it_starts_in(rendered: dict) -> None:
    """The running header names the chapter a page opens in, also when the next chapter begins
    lower on that page (the risks after the dimensions, the data gaps after the action plan)."""
    pages = [(page.extract_text() or "").splitlines() for page in PdfReader(io.BytesIO(rendered["pdf"])).pages]
    headers = [lines[-2].removeprefix(TOWN).strip() for lines in pages[1:]]  # the margin boxes come last
    titles = set(headers)
    current, begins_lower = headers[0], 0
    for number, (lines, header) in enumerate(zip(pages[1:], headers), start=2):
        body = lines[:-2]
        expected = body[0] if body and body[0] in titles else current
        assert header == expected, (number, header, expected)
        later = [line for line in body[1:] if line in titles]
        begins_lower += bool(later)
        current = later[-1] if later else expected
    assert begins_lower >= 2  # the case that the page's first chapter and the header differ is met
