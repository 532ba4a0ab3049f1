"""The schema of a translation file, ``translations/<lang>/content.yaml``.

One entry per translated item, keyed by its id; ``en_hash`` records which
English wording the entry translates (see ``readiness.i18n``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    en_hash: str | None = None

class DimensionText(_Entry):
    title: str
    summary: str

class LevelText(_Entry):
    label: str
    description: str = ""

class DataGapText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    find_out: str
    ask: str

class QuestionText(_Entry):
    text: str
    help: str = ""
    unit: str = ""
    options: dict[str, str] = {}
    data_gap: DataGapText | None = None

class RecommendationText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str
    lead: str
    indicator: str

class RuleText(_Entry):
    title: str
    explanation: str
    recommendations: list[RecommendationText]

class CaseText(_Entry):
    summary: str
    period: str
    place: str = ""
    country: str = ""
    short_place: str = ""
    resources_note: str = ""
    # Statement texts by group, in the order of the English file.
    statements: dict[str, list[str]] = {}
    profile_notes: dict[str, str] = {}

class GlossaryText(_Entry):
    term: str
    definition: str
    matches: list[str] = []  # the spellings texts in this language use (the term itself always matches)


class SourceText(_Entry):
    """A source document's short reference and description (never its own title or quotes)."""
    short: str
    described_as: str

class ContentTranslation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: str
    # A complete language is offered to officers; lint fails on any missing or stale entry.
    complete: bool = False
    dimensions: dict[str, DimensionText] = {}
    levels: dict[str, LevelText] = {}
    questions: dict[str, QuestionText] = {}
    rules: dict[str, RuleText] = {}
    cases: dict[str, CaseText] = {}
    glossary: dict[str, GlossaryText] = {}
    sources: dict[str, SourceText] = {}  # by the document's number in the bibliography

