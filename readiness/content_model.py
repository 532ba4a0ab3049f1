"""The ``Content`` type: everything the engine knows, validated, cross-checked, read-only.

Built by ``readiness.content.load_content``; this module imports no loader,
checker or translator, so that all of them can depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .bibliography import Bibliography
from .glossary import Glossary
from .models import Bank, CaseStudy, Dimension, Level, Question, Rule
from .translation_models import ContentTranslation


@dataclass(frozen=True)
class Content:
    """The question bank, the rules and the case studies, in one language.

    ``digest`` hashes the bytes of the files the loader read (the report cache key
    includes it). ``variants`` holds the same content in every language with a
    translation, by language code, English under ``"en"``; the loader fills it once,
    every variant shares it.
    """

    bank: Bank
    rules: list[Rule]
    cases: list[CaseStudy]
    root: Path
    files: dict[str, str] = field(default_factory=dict)  # id -> file, for messages
    translations: dict[str, ContentTranslation] = field(default_factory=dict)
    language: str = "en"
    bibliography: Bibliography | None = None  # None when sources/bibliography.yaml is absent
    glossary: Glossary | None = None  # None when glossary/terms.yaml is absent
    digest: str = ""
    variants: Mapping[str, "Content"] = field(default_factory=dict, compare=False, repr=False)
    # Indexes, derived from the fields above on construction.
    questions: dict[str, Question] = field(init=False, compare=False, repr=False)
    dimension_by_id: dict[str, Dimension] = field(init=False, compare=False, repr=False)
    case_by_id: dict[str, CaseStudy] = field(init=False, compare=False, repr=False)
    rule_by_id: dict[str, Rule] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Every question by id: profile first, then dimensions in order.
        questions = {q.id: q for q in self.bank.profile}
        for dim in self.bank.dimensions:
            questions.update({q.id: q for q in dim.questions})
        derived = {
            "questions": questions,
            "dimension_by_id": {d.id: d for d in self.bank.dimensions},
            "case_by_id": {c.id: c for c in self.cases},
            "rule_by_id": {r.id: r for r in self.rules},
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)  # frozen: set once, here

    @property
    def version(self) -> str:
        return self.bank.version

    @property
    def dimensions(self) -> list[Dimension]:
        return self.bank.dimensions

    @property
    def levels(self) -> list[Level]:
        return self.bank.levels

    def for_language(self, lang: str) -> "Content":
        """The same content worded in ``lang`` (English where no translation exists)."""
        if lang == self.language:
            return self
        return self.variants.get(lang) or self.variants.get("en") or self
