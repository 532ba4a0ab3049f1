"""Translated quotes (translations/<lang>/quotes.yaml): every quote of the content (and glossary) has
a Portuguese and an Italian translation that keeps the quote's names and figures; a
reworded quote leaves its old translation stale, and lint says so; a report in Portuguese
or Italian shows the original quote followed by the translation, marked as one."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from readiness.checks import all_sources
from readiness.content import REPO_ROOT, Content, ContentError, load_content
from readiness.lint import lint
from readiness.quote_translations import QUOTES_FILE, quote_translations, shown_quotes
from readiness.report import build_report_html, report_cache_key
from readiness.report_view import ReportMeta
from readiness.scoring import score_assessment

from conftest import Wizard
from flows import choose_language
from towns import TOWNS

LANGUAGES = ("pt", "it")
# Names of projects, programmes, organisations, people and towns: a translation keeps them as they are
# (but Strasbourg and Stuttgart, which the content's own translations call Estrasburgo/Strasburgo and
# Estugarda/Stoccarda: one report names a town one way).
NAMES = ("Creative Valley", "Creative Wallonia", "Creative Hub", "Creative Jam", "Creative Apulia District",
         "Mons2015", "Mons", "RUCI", "EICI", "ChIMERA", "Co-Create", "URBACT", "CIDAco",
         "Óbidos", "Leeds", "Iconoval", "Fab Lab", "Café Europa", "CLICK",
         "Co-nnexion", "Anamaria Wills", "Hanna Kasper", "Christoph Runde", "Virtual Dimension Center",
         "European Interest Group on Creativity", "CREADIS3", "CreativeCH", "MFG Baden-Württemberg", "TALIA",
         "KEA", "Valentina Montalto", "Interreg-MED", "MED")


def numbers(text: str) -> list[int]:
    """The figures of a text, however they are grouped: '€13,541,859' = '13 541 859 €' = '13.541.859 €'."""
    return [int(re.sub(r"[^\d]", "", n)) for n in re.findall(r"\d+(?:[ ,.\u00a0]\d{3})*", text)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_quote_of_the_content_has_a_translation(lang: str) -> None:
    content = load_content()
    translated = quote_translations(content.root, lang)
    quotes = shown_quotes(content)
    missing = sorted(quotes - set(translated))
    assert not missing, f"{QUOTES_FILE.format(lang=lang)}: {len(missing)} quote(s) without a translation: {missing[:5]}"
    stale = sorted(set(translated) - quotes)
    assert not stale, f"{QUOTES_FILE.format(lang=lang)}: translates quote(s) the content no longer has: {stale[:5]}"
    # one entry per quote: a second entry would silently win over the first
    entries = yaml.safe_load((REPO_ROOT / QUOTES_FILE.format(lang=lang)).read_text(encoding="utf-8"))["quotes"]
    repeated = [q for q, n in Counter(e["quote"] for e in entries).items() if n > 1]
    assert not repeated, repeated


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translation_keeps_the_quotes_names_and_figures(lang: str) -> None:
    translated = quote_translations(REPO_ROOT, lang)
    for quote, translation in translated.items():
        assert translation.strip() != quote.strip(), f"not translated: {quote!r}"
        assert numbers(translation) == numbers(quote), (quote, translation)
        # longest names first, so "Mons2015" is not also counted as "Mons"
        rest_q, rest_t = quote, translation
        for name in sorted(NAMES, key=len, reverse=True):
            if name in rest_q:
                assert name in rest_t, f"{name!r} lost in the translation of {quote!r}: {translation!r}"
                rest_q, rest_t = rest_q.replace(name, ""), rest_t.replace(name, "")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for folder in ("questions", "rules", "cases", "translations", "sources", "glossary"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path


def test_a_reworded_quote_leaves_its_translation_stale_and_lint_says_so(root: Path) -> None:
    content = load_content(root)
    before = lint(content, None)
    assert not [n for n in before.notes if "quotes.yaml" in n], before.notes
    # reword one quote of a rule file, as an editor would
    rule = next(r for r in content.rules if r.sources)
    old = rule.sources[0].quote
    path = root / content.files[f"rule:{rule.id}"]
    text = path.read_text(encoding="utf-8")
    assert old in text
    new = old + " (reworded)"
    path.write_text(text.replace(old, new), encoding="utf-8")

    content = load_content(root)
    quotes = shown_quotes(content)
    assert new in quotes
    for lang in LANGUAGES:
        # the old translation no longer applies to the new quote: the report shows the original only
        assert new not in quote_translations(root, lang)
    notes = lint(content, None).notes
    for lang in LANGUAGES:
        if old not in quotes:  # the old wording is quoted nowhere else: its translation is stale
            assert any(n.startswith(f"{lang}: translations/{lang}/quotes.yaml translates a quote the content no "
                                    f"longer has: {old[:60]!r}") for n in notes), notes
        assert f"{lang}: 1 of {len(quotes)} quotes have no translation" in " ".join(notes), notes


def test_a_corrected_translation_is_not_served_from_a_cached_report(root: Path) -> None:
    content = load_content(root)
    answers = TOWNS["weak"](content)
    meta = ReportMeta(town="Vila", country="Portugal", assessment_id="q", created=dt.date(2026, 3, 14), language="pt")
    before = report_cache_key(content, score_assessment(content, answers), meta)
    path = root / QUOTES_FILE.format(lang="pt")
    text = path.read_text(encoding="utf-8")
    # the first translation of the file, corrected (whichever quote it is: the quotes change with the content)
    line = next(line for line in text.splitlines() if line.startswith("    translation: "))
    corrected = json.dumps(yaml.safe_load(line.split(":", 1)[1]) + " (corrigida)", ensure_ascii=False)
    path.write_text(text.replace(line + "\n", f"    translation: {corrected}\n", 1), encoding="utf-8")
    changed = load_content(root)
    assert changed.digest != content.digest
    assert report_cache_key(changed, score_assessment(changed, answers), meta) != before


def test_a_broken_quotes_file_stops_the_load_naming_its_file_and_line(root: Path) -> None:
    path = root / QUOTES_FILE.format(lang="it")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("    translation:"))
    lines[at] = "    traduzione: dimenticata\n"  # a misspelt key: the quote would go untranslated
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_content(root)
    assert any(p.startswith(f"translations/it/quotes.yaml:{at}") for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize("lang,marker", [("pt", "Tradução"), ("it", "Traduzione")])
def test_the_full_report_shows_each_original_quote_then_its_marked_translation(
        content: Content, lang: str, marker: str) -> None:
    local = content.for_language(lang)
    result = score_assessment(local, TOWNS["weak"](local), "Vila Fraca", "Portugal")
    meta = ReportMeta(town=result.town, country=result.country, assessment_id="quotes", created=dt.date(2026, 3, 14),
                      language=lang, edition="full")
    html = build_report_html(local, result, meta)
    translated = quote_translations(local.root, lang)
    figures = re.findall(r'<figure class="quote">(.*?)</figure>', html, flags=re.S)
    shown = {s.quote for f in result.findings for s in f.sources}
    assert figures and len(shown) > 20
    for quote in shown:
        original = f"“{_html(quote)}”</blockquote>"
        marked = f"{marker}: «{_html(translated[quote])}»"
        figure = next((f for f in figures if original in f), None)
        assert figure is not None, quote
        assert marked in figure and figure.index(original) < figure.index(marked), (quote, figure)


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


@pytest.mark.parametrize("lang,marker", [("pt", "Tradução"), ("it", "Traduzione"), ("en", None)])
def test_a_case_page_shows_each_quote_in_its_language_then_its_marked_translation(
        client, content: Content, lang: str, marker: str | None) -> None:  # type: ignore[no-untyped-def]
    case = content.case_by_id["creative-valley"]
    html = client.get(f"/cases/{case.id}", headers={"Accept-Language": lang}).get_data(as_text=True)
    quotes = re.findall(r'<blockquote class="source">(.*?)</blockquote>', html, flags=re.S)
    assert len(quotes) > 10
    translated = quote_translations(content.root, lang)
    case_quotes = {s.quote for where, s in all_sources(content) if where.endswith(f"[{case.id}]")}
    assert len(case_quotes) > 10
    for quote in case_quotes:
        language = "el" if re.search(r"[\u0370-\u03ff]", quote) else "en"
        original = f'<p lang="{language}">“{_html(quote)}”</p>'
        shown = next((q for q in quotes if original in q), None)
        assert shown is not None, quote
        if marker is None:
            assert "<p>" not in shown.replace(original, ""), shown  # an English page: the quote only
        else:
            assert shown.index(original) < shown.index(f"<p>{marker}: «{_html(translated[quote])}»</p>"), shown


def test_the_results_page_shows_each_quote_then_its_marked_translation(client, wizard: Wizard, content: Content) -> None:  # type: ignore[no-untyped-def]
    choose_language(client, "it", "/start")
    answers = TOWNS["weak"](content)
    wizard.start(town="Viareggio", country="Italy", population=answers.get("population_band", "10k_50k"))
    wizard.answer_all(lambda q: None, overrides={k: str(v) if isinstance(v, (int, float)) else v for k, v in answers.items()})
    assert wizard.submit().status_code == 302
    html = client.get(wizard.url("results")).get_data(as_text=True)
    shown = re.findall(r'<blockquote class="source">(.*?)</blockquote>', html, flags=re.S)
    translated = quote_translations(content.root, "it")
    quotes = {s.quote for f in score_assessment(content, answers).findings for s in f.sources}
    assert len(quotes) > 20
    for quote in quotes:
        original = f"“{_html(quote)}”</p>"
        box = next((q for q in shown if original in q), None)
        assert box is not None, quote
        assert box.index(original) < box.index(f"<p>Traduzione: «{_html(translated[quote])}»</p>"), box


@pytest.mark.parametrize("lang,marker", [("pt", "Tradução"), ("it", "Traduzione")])
def test_the_glossary_shows_each_quote_then_its_marked_translation(client, content: Content, lang: str,  # type: ignore[no-untyped-def]
                                                                    marker: str) -> None:
    html = client.get("/glossary", headers={"Accept-Language": lang}).get_data(as_text=True)
    shown = re.findall(r'<blockquote class="source">(.*?)</blockquote>', html, flags=re.S)
    translated = quote_translations(content.root, lang)
    quotes = {s.quote for t in content.glossary.terms for s in t.sources} if content.glossary else set()
    assert len(quotes) > 10
    for quote in quotes:
        language = "el" if re.search(r"[\u0370-\u03ff]", quote) else "en"
        original = f'<p lang="{language}">“{_html(quote)}”</p>'
        box = next((q for q in shown if original in q), None)
        assert box is not None, quote
        assert box.index(original) < box.index(f"<p>{marker}: «{_html(translated[quote])}»</p>"), box
