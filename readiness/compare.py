"""Comparing a town with the documented case studies.

Similarity (0-1) combines two parts:
- the dimension profile: 1 - mean absolute gap over the dimensions the case
  documents (a dimension the documents are silent on is left out, never guessed),
  scaled down for a case that documents fewer than three dimensions;
- the town traits (size, rural hinterland, existing hub, heritage-led), over the
  traits both the town and the case document.
Reasons are data (``Reason``: a shared trait, or the dimensions both are strong in),
built only from what both sides state; the pages and the report put them in words
(``readiness.library.reason_text``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Mapping

from .conditions import AnswerValue, is_known
from .models import CaseStudy

if TYPE_CHECKING:
    from .content_model import Content

PROFILE_WEIGHT = 0.7
TRAITS_WEIGHT = 0.3
STRONG = 60.0
# A case documented on one or two dimensions would otherwise match perfectly by
# chance; its profile similarity is scaled down until this many dimensions are shared.
MIN_SHARED_DIMENSIONS = 3

# How each trait is read off the town-profile answers (question ids of questions/profile.yaml).
HERITAGE_ASSETS = {"historic_centre", "museums", "industrial_heritage", "crafts", "festivals", "landscape"}


def _choice(qid: str, mapping: Mapping[str, object]) -> Callable[[Mapping[str, AnswerValue]], object]:
    def read(answers: Mapping[str, AnswerValue]) -> object:
        v = answers.get(qid)
        return mapping.get(v) if isinstance(v, str) and is_known(v) else None

    return read


def _heritage_led(answers: Mapping[str, AnswerValue]) -> bool | None:
    v = answers.get("heritage_assets")
    if not is_known(v) or not isinstance(v, list):
        return None
    return len(HERITAGE_ASSETS.intersection(v)) >= 2


TRAIT_READERS: dict[str, Callable[[Mapping[str, AnswerValue]], object]] = {
    "population_band": lambda a: a.get("population_band") if is_known(a.get("population_band")) else None,
    "rural_hinterland": _choice("settlement", {"urban": False, "mixed": True, "rural": True}),
    "existing_hub": _choice("existing_hub", {"yes": True, "planned": False, "no": False}),
    "heritage_led": _heritage_led,
}
# Questions read by the comparison: lint counts them as used.
TRAIT_QUESTIONS = frozenset({"population_band", "settlement", "existing_hub", "heritage_assets"})

# The kind of reason that names the dimensions both the town and the case are strong in;
# the other kinds are the trait names (TRAIT_READERS).
STRONG_IN = "strong_in"
# At most this many dimensions are named in one STRONG_IN reason.
MAX_STRONG_NAMED = 3


@dataclass(frozen=True)
class Reason:
    """Why a case is like the town: a trait both share (``kind`` is the trait's name) or
    the dimensions both are strong in (``kind`` STRONG_IN, ``dimensions`` their ids)."""

    kind: str
    dimensions: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "dimensions": list(self.dimensions)} if self.dimensions else {"kind": self.kind}


@dataclass(frozen=True)
class SimilarCase:
    case: CaseStudy
    similarity: float
    reasons: list[Reason]
    shared_dimensions: int


def town_traits(answers: Mapping[str, AnswerValue]) -> dict[str, object]:
    return {name: read(answers) for name, read in TRAIT_READERS.items()}


def compare_case(
    case: CaseStudy,
    dimension_scores: Mapping[str, float | None],
    traits: Mapping[str, object],
) -> SimilarCase:
    gaps: list[float] = []
    alike_strong: list[str] = []
    for dim_id, judgement in case.profile.items():
        mine = dimension_scores.get(dim_id)
        if judgement is None or mine is None:
            continue
        gaps.append(abs(mine - judgement.score) / 100)
        if mine >= STRONG and judgement.score >= STRONG:
            alike_strong.append(dim_id)
    profile_sim = (1 - sum(gaps) / len(gaps)) * min(1.0, len(gaps) / MIN_SHARED_DIMENSIONS) if gaps else None

    reasons: list[Reason] = []
    alike = compared = 0
    case_traits = case.traits.model_dump()
    for name, ours in traits.items():
        theirs = case_traits.get(name)
        if ours is None or theirs is None:
            continue
        compared += 1
        if ours == theirs:
            alike += 1
            if ours is not False:  # a shared "no" is alike, but no reason worth giving
                reasons.append(Reason(name))
    traits_sim = alike / compared if compared else None

    parts = [(PROFILE_WEIGHT, profile_sim), (TRAITS_WEIGHT, traits_sim)]
    known = [(w, s) for w, s in parts if s is not None]
    similarity = sum(w * s for w, s in known) / sum(w for w, _ in known) if known else 0.0

    if alike_strong:
        reasons.append(Reason(STRONG_IN, tuple(alike_strong[:MAX_STRONG_NAMED])))
    return SimilarCase(case, max(0.0, min(1.0, similarity)), reasons, len(gaps))


def similar_cases(
    content: "Content",
    answers: Mapping[str, AnswerValue],
    dimension_scores: Mapping[str, float | None],
    limit: int | None = 3,
) -> list[SimilarCase]:
    """The cases most similar to the town first (all of them when ``limit`` is None)."""
    traits = town_traits(answers)
    ranked = [compare_case(c, dimension_scores, traits) for c in content.cases]
    ranked.sort(key=lambda s: (-s.similarity, s.case.name))
    return ranked if limit is None else ranked[:limit]
