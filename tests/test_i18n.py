"""Content translations: applied by id, stale when the English changes, lint on complete languages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from readiness.content import REPO_ROOT, load_content
from readiness.i18n import mark_current, scaffold, translation_path, translation_status
from readiness.lint import lint
from readiness.scoring import score_assessment


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for folder in ("questions", "rules", "cases"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    return tmp_path


def write_translation(root: Path, lang: str, edit) -> None:  # type: ignore[no-untyped-def]
    content = load_content(root)
    data = scaffold(content, lang)
    edit(data, content)
    path = translation_path(root, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_translated_wording_is_applied_and_scoring_is_unchanged(root: Path):
    def edit(data, content):  # type: ignore[no-untyped-def]
        q = data["questions"]["strategy_plan"]
        q["text"] = "O município tem uma estratégia escrita para as indústrias criativas?"
        q["options"]["none"] = "Nenhuma estratégia escrita"
        data["dimensions"]["strategy"]["title"] = "Estratégia e governo local"
        mark_current(data, content, {"questions.strategy_plan", "dimensions.strategy"})

    write_translation(root, "pt", edit)
    content = load_content(root)
    pt = content.for_language("pt")
    assert pt.questions["strategy_plan"].text.startswith("O município")
    assert pt.questions["strategy_plan"].option("none").label == "Nenhuma estratégia escrita"
    assert pt.dimension_by_id["strategy"].title == "Estratégia e governo local"
    # untranslated entries fall back to English; ids, scores and weights are the same objects' values
    assert pt.questions["coop_frequency"].text == content.questions["coop_frequency"].text
    answers = {"strategy_plan": "adopted", "coop_frequency": "meetings"}
    assert score_assessment(pt, answers).to_json()["overall"] == score_assessment(content, answers).to_json()["overall"]
    assert score_assessment(pt, answers).dimensions[0].title == "Estratégia e governo local"


def test_changed_english_makes_the_translation_stale_and_falls_back(root: Path):
    def edit(data, content):  # type: ignore[no-untyped-def]
        data["questions"]["strategy_plan"]["text"] = "Texto traduzido"
        mark_current(data, content, {"questions.strategy_plan"})

    write_translation(root, "pt", edit)
    path = root / "questions" / "strategy.yaml"
    path.write_text(path.read_text().replace("Does the municipality have a written strategy", "Has the municipality written a strategy", 1))
    content = load_content(root)
    assert "questions.strategy_plan" in translation_status(content, "pt").stale
    assert content.for_language("pt").questions["strategy_plan"].text.startswith("Has the municipality")


def test_lint_fails_on_a_missing_key_only_in_a_complete_language(root: Path):
    def draft(data, content):  # type: ignore[no-untyped-def]
        mark_current(data, content)
        del data["rules"][next(iter(data["rules"]))]

    write_translation(root, "pt", draft)
    report = lint(load_content(root), None)
    assert report.ok and any("draft language" in n for n in report.notes)

    def complete(data, content):  # type: ignore[no-untyped-def]
        draft(data, content)
        data["complete"] = True

    write_translation(root, "pt", complete)
    report = lint(load_content(root), None)
    assert not report.ok
    assert any("missing translation of rules." in e for e in report.errors)


def test_shipped_translations_are_not_stale_when_complete():
    content = load_content()
    for lang, tr in content.translations.items():
        status = translation_status(content, lang)
        if tr.complete:
            assert not (status.missing or status.stale or status.mismatched), lang


def test_lint_fails_on_an_untranslated_ui_string_in_a_complete_language(tmp_path: Path):
    for folder in ("questions", "rules", "cases", "translations", "sources", "glossary"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo"))
    assert lint(load_content(tmp_path), None).ok
    po = tmp_path / "translations" / "it" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    translated = re.search(r'msgid "Skip to content"\nmsgstr "[^"]+"', text)
    assert translated, "the Italian catalog translates the skip link"
    po.write_text(text.replace(translated.group(0), 'msgid "Skip to content"\nmsgstr ""'), encoding="utf-8")
    report = lint(load_content(tmp_path), None)
    assert not report.ok
    assert any("translations/it/LC_MESSAGES/messages.po: untranslated UI string" in e for e in report.errors)
