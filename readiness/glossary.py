"""The glossary: projects, networks, programmes and acronyms that the content names, explained once.

``glossary/terms.yaml`` lists the terms (each with its definition and a source quote); the
content loader reads it into ``Content.glossary`` and the translations word it per language
(section ``glossary`` of ``translations/<lang>/content.yaml``). Two uses:

- the web marks the first mention of a term on a page (``Glossary.mentions``) with a
  footnote link and a hover/focus note (webapp/glossary_views.py);
- the full report's glossary page lists the terms its text uses (``Glossary.used_in``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .models import Identifier, Source

GLOSSARY_FILE = "glossary/terms.yaml"

# A word with two capitals or more ("ERDF", "CCIs", "ChIMERA", "CREADIS3", the "EU" of "EU-Wallonia").
_WORD = re.compile(r"[^\W_]+")
# Abbreviations every officer reads without help (UE: the EU in Portuguese and Italian): a
# glossary entry would only clutter the page.
COMMON_ABBREVIATIONS = frozenset({"EU", "UE", "IT"})


def acronyms(text: str) -> list[re.Match[str]]:
    return [m for m in _WORD.finditer(text) if sum(ch.isupper() for ch in m.group(0)) >= 2]


class GlossaryTerm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    term: str = Field(min_length=2, max_length=80)
    # Other spellings texts use ("third places", "Mons2015"); the term itself always matches.
    matches: list[str] = []
    definition: str = Field(min_length=20, max_length=600)
    sources: list[Source] = Field(min_length=1)
    line: int | None = None

    @property
    def spellings(self) -> list[str]:
        return [self.term, *self.matches]


@dataclass(frozen=True)
class Mention:
    """Where a term is named in a text: ``text[start:end]``."""

    term: GlossaryTerm
    start: int
    end: int


class Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: list[GlossaryTerm] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "Glossary":
        ids = [t.id for t in self.terms]
        if len(set(ids)) != len(ids):
            raise ValueError("glossary term ids must be unique")
        spellings = [s for t in self.terms for s in t.spellings]
        if len(set(spellings)) != len(spellings):
            raise ValueError("a spelling belongs to one glossary term only")
        return self

    @cached_property
    def by_id(self) -> dict[str, GlossaryTerm]:
        return {t.id: t for t in self.terms}

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Longest spelling first, whole words only, case as written ("KEA" is not "kea").
        spellings = sorted({s for t in self.terms for s in t.spellings}, key=len, reverse=True)
        return re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in spellings) + r")(?![\w-])")

    @cached_property
    def _by_spelling(self) -> dict[str, GlossaryTerm]:
        return {s: t for t in self.terms for s in t.spellings}

    def mentions(self, text: str) -> list[Mention]:
        """Every mention of a term in ``text``, in order."""
        return [Mention(self._by_spelling[m.group(1)], m.start(1), m.end(1)) for m in self._pattern.finditer(text)]

    def unexplained(self, text: str) -> list[str]:
        """The acronyms of ``text`` that no glossary mention covers (nor COMMON_ABBREVIATIONS)."""
        covered = [(m.start, m.end) for m in self.mentions(text)]
        return [a.group(0) for a in acronyms(text) if a.group(0) not in COMMON_ABBREVIATIONS
                and not any(start <= a.start() and a.end() <= end for start, end in covered)]

    def used_in(self, texts: Iterable[str]) -> list[GlossaryTerm]:
        """The terms the texts name, in glossary order (for the report's glossary page)."""
        named = {m.term.id for text in texts for m in self.mentions(text)}
        return [t for t in self.terms if t.id in named]
