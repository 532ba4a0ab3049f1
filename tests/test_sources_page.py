"""The sources page in the reader's language: our own words about each document (its short
reference, what it is, what its date means) are translated and its dates written the way the
language writes them; the document's own title stays as the document gives it."""

from __future__ import annotations

import pytest

from readiness.catalogs import ui_translations
from readiness.content import Content, load_content
from readiness.report_view import bibliography_view, source_references


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def _line(entry: dict) -> str:
    return " · ".join(f"{d['label']}: {d['value']}" for d in entry["details"]) + " " + entry["not_stated"]


@pytest.mark.parametrize("lang, workshop, edited, shown", [
    ("en", "Date of the workshop: 29–30 October 2009", "Edited on: 9 October 2017", "19 September 2022"),
    ("pt", "Data do workshop: 29–30 de outubro de 2009", "Editado em: 9 de outubro de 2017", "19 de setembro de 2022"),
    ("it", "Data del workshop: 29–30 ottobre 2009", "Modificato il: 9 ottobre 2017", "19 settembre 2022"),
])
def test_dates_are_written_in_the_reports_language(content: Content, lang: str, workshop: str, edited: str, shown: str) -> None:
    local = content.for_language(lang)
    entries = {e["number"]: e for e in bibliography_view(local, ui_translations(lang).gettext, lang)}
    assert workshop in _line(entries[2]) and edited in _line(entries[2])
    assert shown in _line(entries[4])
    # the CreativeCH report gives the workshop's day but no date of its own: it says so
    assert "2012" in _line(entries[1])
    assert entries[1]["not_stated"] and "April 2012" not in entries[1]["not_stated"]


@pytest.mark.parametrize("lang", ["pt", "it"])
def test_our_words_about_each_document_are_translated_its_title_is_not(content: Content, lang: str) -> None:
    assert content.bibliography is not None
    local = content.for_language(lang)
    english = {e["number"]: e for e in bibliography_view(content)}
    entries = {e["number"]: e for e in bibliography_view(local, ui_translations(lang).gettext, lang)}
    for number, entry in entries.items():
        assert entry["short"] != english[number]["short"], (lang, number)
        assert entry["described_as"] != english[number]["described_as"], (lang, number)
        # no English commentary left in a translated page
        assert "shown twice" not in _line(entry) and "does not say" not in _line(entry)
    for doc in content.bibliography.documents:
        if doc.title:
            assert any(d["value"] == doc.title for d in entries[doc.number]["details"])
    # the pages' citations use the same translated short references
    refs = source_references(local)
    assert all(refs[d.document] == f"[{d.number}] {entries[d.number]['short']}" for d in content.bibliography.documents)
