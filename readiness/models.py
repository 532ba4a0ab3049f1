"""Typed models of the content (question bank, rules, case studies).

The YAML files are validated against these pydantic models; nothing in the
content is executed. Conditions are trees of whitelisted operators
(see ``conditions.py``), never Python.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=64)]
OptionValue = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]

DIMENSION_IDS: tuple[str, ...] = (
    "strategy",
    "understanding",
    "cooperation",
    "trust",
    "talent",
    "heritage",
    "infrastructure",
    "economy",
    "funding",
    "networks",
    "governance",
)

DONT_KNOW = "dont_know"


class Strict(BaseModel):
    # Unknown keys are errors: a typo in the YAML must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    document: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    quote: str = Field(min_length=8)


class Review(Strict):
    """Who read an item against which documents, on which content version (see docs/content.md)."""

    by: str = Field(min_length=2)
    documents: list[Annotated[str, Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]] = Field(min_length=1)
    content_version: str = Field(min_length=1)
    date: dt.date
    note: str = ""


# --------------------------------------------------------------------------- conditions


class Leaf(Strict):
    """One comparison: an answer, a dimension score or the overall score."""

    answer: Identifier | None = None
    dimension: Identifier | None = None
    overall: bool | None = None
    op: str
    value: Any = None

    @model_validator(mode="after")
    def _one_subject(self) -> "Leaf":
        subjects = [s for s in (self.answer, self.dimension, self.overall) if s]
        if len(subjects) != 1:
            raise ValueError("a condition names exactly one of 'answer', 'dimension' or 'overall'")
        return self


class AllOf(Strict):
    all: list["Condition"] = Field(min_length=1)


class AnyOf(Strict):
    any: list["Condition"] = Field(min_length=1)


class NotOf(Strict):
    not_: "Condition" = Field(alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Condition = Union[AllOf, AnyOf, NotOf, Leaf]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


# --------------------------------------------------------------------------- questions


class QuestionType(str, Enum):
    single = "single"
    multi = "multi"
    scale = "scale"
    yesno = "yesno"
    number = "number"
    text = "text"


CHOICE_TYPES = {QuestionType.single, QuestionType.multi, QuestionType.scale, QuestionType.yesno}


class Option(Strict):
    value: OptionValue
    label: str = Field(min_length=1)
    # None marks "don't know" and other options that carry no score.
    score: float | None = Field(default=None, ge=0, le=100)
    # For multi: choosing it clears the others ("none of these", "don't know").
    exclusive: bool = False


class ScoreBand(Strict):
    """For number questions: the score of values at or above ``min``."""

    min: float
    score: float = Field(ge=0, le=100)


class ScaledBands(Strict):
    """For number questions where the town's size matters: one list of bands per option
    of a profile question (``population_band``), so that a count is judged against what
    a town of that size can have. A town whose band is not known gets ``score_bands``."""

    question: Identifier
    bands: dict[OptionValue, list[ScoreBand]] = Field(min_length=1)

    @field_validator("bands")
    @classmethod
    def _each_list_ascending(cls, bands: dict[str, list[ScoreBand]]) -> dict[str, list[ScoreBand]]:
        for option, listed in bands.items():
            mins = [b.min for b in listed]
            if not listed:
                raise ValueError(f"band {option!r} has no score bands")
            if mins != sorted(mins) or len(set(mins)) != len(mins):
                raise ValueError(f"band {option!r}: the 'min' of its score bands must strictly ascend")
        return bands


class DataGap(Strict):
    """What a "don't know" answer asks the officer to find out, and whom to ask."""

    find_out: str
    ask: str


class Question(Strict):
    id: Identifier
    text: str = Field(min_length=5, max_length=400)
    help: str = ""
    type: QuestionType
    required: bool = False
    weight: float = Field(default=1.0, ge=0, le=10)
    options: list[Option] = []
    dont_know: bool = False
    min: float | None = None
    max: float | None = None
    unit: str = ""
    max_length: int = Field(default=2000, ge=1, le=10000)
    # For multi: at most this many options may be ticked (the help text's "Tick up to four").
    max_choices: int | None = Field(default=None, ge=1)
    score_bands: list[ScoreBand] = []
    # Thresholds that depend on the town's size, per option of a profile question.
    score_bands_by: ScaledBands | None = None
    show_if: Condition | None = None
    data_gap: DataGap | None = None
    sources: list[Source] = []
    # Filled by the loader, for error messages and the report.
    dimension: str = ""
    line: int | None = None

    @model_validator(mode="after")
    def _type_rules(self) -> "Question":
        t = self.type
        if t == QuestionType.yesno and not self.options:
            object.__setattr__(
                self,
                "options",
                [Option(value="yes", label="Yes", score=100), Option(value="no", label="No", score=0)],
            )
        if t in CHOICE_TYPES:
            if len(self.options) < 2:
                raise ValueError(f"a {t.value} question needs at least two options")
            if self.dont_know and all(o.value != DONT_KNOW for o in self.options):
                dk = Option(value=DONT_KNOW, label="Don't know", score=None, exclusive=True)
                object.__setattr__(self, "options", [*self.options, dk])
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique within a question")
        elif self.options:
            raise ValueError(f"a {t.value} question has no options")
        if self.max_choices is not None and t != QuestionType.multi:
            raise ValueError("max_choices only applies to multi questions")
        if t == QuestionType.number:
            if self.min is not None and self.max is not None and self.min > self.max:
                raise ValueError("min is larger than max")
            if self.score_bands_by is not None and not self.score_bands:
                raise ValueError("score_bands_by needs score_bands too, for a town whose band is not known")
        elif self.score_bands or self.score_bands_by is not None:
            raise ValueError("score_bands and score_bands_by only apply to number questions")
        if t != QuestionType.number and (self.min is not None or self.max is not None):
            raise ValueError("min/max only apply to number questions")
        return self

    @property
    def scored(self) -> bool:
        if self.weight == 0:
            return False
        if self.type == QuestionType.number:
            return bool(self.score_bands)
        return self.type in CHOICE_TYPES and any(o.score is not None for o in self.options)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def bands_for(self, answers: Mapping[str, Any]) -> list[ScoreBand]:
        """The score bands that apply to a town with these answers (its population band)."""
        scaled = self.score_bands_by
        if scaled is not None:
            band = answers.get(scaled.question)
            if isinstance(band, str) and band in scaled.bands:
                return scaled.bands[band]
        return self.score_bands

    @property
    def all_band_lists(self) -> list[list[ScoreBand]]:
        """Every list of score bands the question may use (the default and each scaled one)."""
        scaled = list(self.score_bands_by.bands.values()) if self.score_bands_by else []
        return [self.score_bands, *scaled] if self.score_bands else scaled


class Dimension(Strict):
    id: Identifier
    title: str
    summary: str
    weight_rationale: str = ""
    # Dimensions whose risks come first: a budget line needs a strategy to belong to.
    # Read by readiness.priorities; the graph must have no cycle (checked by Bank).
    builds_on: list[Identifier] = []
    questions: list[Question] = []


class Level(Strict):
    id: Identifier
    label: str
    min: float = Field(ge=0, le=100)
    description: str = ""


class Bank(Strict):
    version: str
    levels: list[Level]
    profile: list[Question]
    dimensions: list[Dimension]

    @field_validator("levels")
    @classmethod
    def _levels_ascending(cls, levels: list[Level]) -> list[Level]:
        mins = [lv.min for lv in levels]
        if not levels or mins[0] != 0 or mins != sorted(mins) or len(set(mins)) != len(mins):
            raise ValueError("levels must start at 0 and have strictly ascending 'min'")
        return levels

    @model_validator(mode="after")
    def _builds_on_known_and_acyclic(self) -> "Bank":
        graph = {d.id: list(d.builds_on) for d in self.dimensions}
        for dim, before in graph.items():
            unknown = [b for b in before if b not in graph or b == dim]
            if unknown:
                raise ValueError(f"dimension {dim!r} builds on unknown dimension(s): {', '.join(unknown)}")
        done: set[str] = set()

        def visit(dim: str, path: tuple[str, ...]) -> None:
            if dim in path:
                raise ValueError(f"'builds_on' goes round in a circle: {' -> '.join((*path, dim))}")
            if dim not in done:
                for b in graph[dim]:
                    visit(b, (*path, dim))
                done.add(dim)

        for dim in graph:
            visit(dim, ())
        return self


# --------------------------------------------------------------------------- rules


Horizon = Literal["now", "6-12 months", "1-3 years"]
HORIZONS: tuple[str, ...] = ("now", "6-12 months", "1-3 years")


class Recommendation(Strict):
    action: str = Field(min_length=10)
    lead: str = Field(min_length=3)
    horizon: Horizon
    indicator: str = Field(min_length=5)
    # Rules that make this advice redundant or already done: when one of them applies,
    # this recommendation is left out (each piece of advice once).
    unless: list[Identifier] = []
    # The answers that say this action is already done or under way (a hub planned with
    # its site chosen: "open a co-working space" is under way). When they hold, the
    # recommendation is left out; tests/test_advice.py walks every option to check.
    done_when: Condition | None = None
    # What the action's wording takes for granted ("say so in the strategy": a strategy
    # exists); checked like the rule's ``presupposes``.
    presupposes: Condition | None = None


class Rule(Strict):
    id: Identifier
    kind: Literal["risk", "strength"]
    dimension: Identifier
    severity: Literal["high", "medium", "low"] = "medium"
    codes: list[Annotated[str, Field(pattern=r"^[DS]\d{1,2}$")]] = []
    when: Condition
    title: str = Field(min_length=5, max_length=160)
    explanation: str = Field(min_length=10)
    recommendations: list[Recommendation] = Field(min_length=1)
    cases: list[Identifier] = []
    sources: list[Source] = Field(min_length=1)
    review: list[Review] = []
    # Rules whose advice this one repeats: when one of them applies, this one is left out
    # (each piece of advice once; ``readiness lint`` finds the repeats).
    yields_to: list[Identifier] = []
    # What the title and explanation state about the town's answers, beyond ``when``
    # ("the town has no such place yet"). Never evaluated to decide whether the rule
    # applies: tests/test_advice.py walks every option of every question and fails where
    # the rule applies but this is false, i.e. where its wording contradicts an answer.
    presupposes: Condition | None = None
    line: int | None = None

    @property
    def generic(self) -> bool:
        """A dimension's generic rule: it looks only at its own dimension's score (the
        weak-dimension risks). It yields to the specific risks of that dimension, whose
        remedies say the same more precisely (see ``scoring.evaluate_rules``)."""
        w = self.when
        return isinstance(w, Leaf) and w.dimension == self.dimension and w.answer is None and not w.overall


# --------------------------------------------------------------------------- case studies


class Statement(Strict):
    text: str = Field(min_length=3)
    sources: list[Source] = Field(min_length=1)


class ProfileJudgement(Strict):
    score: float = Field(ge=0, le=100)
    note: str
    sources: list[Source] = Field(min_length=1)


class TownTraits(Strict):
    """The case's town profile, only where the documents say it (None = not documented)."""

    population_band: str | None = None
    rural_hinterland: bool | None = None
    existing_hub: bool | None = None
    heritage_led: bool | None = None
    network_of_towns: bool | None = None


class CaseStudy(Strict):
    id: Identifier
    name: str
    place: str
    country: str
    # The place as a mention beside the case's name prints it ("Mons, Belgium"): no caveats, which
    # stay in place and country. Empty in content frozen before it existed: see ``mention``.
    short_place: str = ""
    type: Literal["hub", "network", "district", "project", "organisation"]
    period: str
    summary: str
    partners: list[str] = []
    what_they_did: list[Statement] = []
    resources: list[Statement] = []
    resources_note: str = ""
    results: list[Statement] = []
    difficulties: list[Statement] = []
    transferable: list[Statement] = []
    profile: dict[Identifier, ProfileJudgement | None] = {}
    traits: TownTraits = TownTraits()
    # The names by which the source documents call the case (for the evidence checks).
    named_as: list[str] = []
    sources: list[Source] = Field(min_length=1)
    review: list[Review] = []
    line: int | None = None

    @property
    def mention(self) -> str:
        """Where the case is, as printed in brackets after its name."""
        return self.short_place or f"{self.place}, {self.country}"

    @field_validator("profile")
    @classmethod
    def _known_dimensions(cls, profile: dict[str, Any]) -> dict[str, Any]:
        unknown = set(profile) - set(DIMENSION_IDS)
        if unknown:
            raise ValueError(f"unknown dimension(s) in profile: {', '.join(sorted(unknown))}")
        return profile
