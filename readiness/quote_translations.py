"""Translations of the source quotes, for reports in another language.

A quote always stays in its document's own words; in a Portuguese or Italian
report a translation, marked as such, follows it. The translations live in
``translations/<lang>/quotes.yaml``, keyed by the exact quote: when a quote is
reworded its old translation no longer applies, and ``readiness lint`` notes
the quotes that have none.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .checks import all_sources

if TYPE_CHECKING:
    from .content_model import Content

QUOTES_FILE = "translations/{lang}/quotes.yaml"


class QuoteTranslation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    quote: str = Field(min_length=3)
    translation: str = Field(min_length=3)


class QuoteTranslations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    quotes: list[QuoteTranslation] = []


def quote_translations(root: Path | str, language: str) -> dict[str, str]:
    """Quote -> its translation into ``language`` (empty for English or without a file)."""
    path = Path(root) / QUOTES_FILE.format(lang=language)
    if language == "en" or not path.is_file():
        return {}
    return dict(_read(path, path.stat().st_mtime_ns))


def shown_quotes(content: "Content") -> set[str]:
    """Every quote a report or page may show: the sources of questions, rules and cases, and the glossary's."""
    quotes = {s.quote for _, s in all_sources(content)}
    for term in content.glossary.terms if content.glossary else []:
        quotes |= {s.quote for s in term.sources}
    return quotes


@lru_cache(maxsize=16)
def _read(path: Path, _mtime: int) -> tuple[tuple[str, str], ...]:
    data = QuoteTranslations.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return tuple((q.quote, q.translation) for q in data.quotes)
