"""The case-study library and the side-by-side comparison of a town with one case.

Plain Python, no web framework. Everything shown about a case comes from its YAML file:
a dimension the documents are silent on stays ``None`` ("not documented"), and
what the nearest cases "did about" a weak dimension is their own profile note
for that dimension, with its source quotes, never a text made up here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from .answers import N_
from .compare import STRONG, STRONG_IN, Reason, SimilarCase, similar_cases
from .models import CaseStudy, Dimension, ProfileJudgement

if TYPE_CHECKING:
    from .content_model import Content
    from .scoring import AssessmentResult

# Labels in English, marked for translation: the web translates them where it shows them.
CASE_TYPES: dict[str, str] = {
    "hub": N_("Creative hub"),
    "network": N_("Network"),
    "district": N_("Creative district"),
    "project": N_("Project"),
    "organisation": N_("Organisation"),
}
# A similar case's reasons in words (compare.Reason): the traits both share, and the
# dimensions both are strong in (their titles, in the reader's language).
REASON_WORDS: dict[str, str] = {
    "population_band": N_("a town of the same size"),
    "rural_hinterland": N_("a centre with a rural hinterland"),
    "existing_hub": N_("an existing creative hub"),
    "heritage_led": N_("heritage-led"),
}
STRONG_REASON = N_("strong, as you are, in %(dimensions)s")


def reason_text(reason: Reason, content: "Content", gettext: Callable[[str], str]) -> str:
    """One reason in the words of ``content``'s language (its dimension titles) and ``gettext``'s."""
    if reason.kind == STRONG_IN:
        titles = {d.id: d.title for d in content.dimensions}
        named = ", ".join(titles.get(d, d).lower() for d in reason.dimensions)
        return gettext(STRONG_REASON) % {"dimensions": named}
    return gettext(REASON_WORDS[reason.kind])


# A town's dimension below this score is "weak": below the Established level.
WEAK = STRONG
# How many cases to show per weak dimension.
LESSONS_PER_DIMENSION = 3


# --------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class LibraryFilters:
    """Filters of the library page; ``None`` means "any". Unknown values are dropped."""

    type: str | None = None
    country: str | None = None
    strong: str | None = None

    @property
    def active(self) -> bool:
        return any((self.type, self.country, self.strong))


@dataclass(frozen=True)
class FilterOptions:
    types: list[tuple[str, str]]  # (value, label)
    countries: list[str]
    dimensions: list[tuple[str, str]]  # (id, title)


def strong_dimensions(case: CaseStudy) -> list[str]:
    """Dimension ids where the documents show the case strong (documented score >= 60)."""
    return [d for d, j in case.profile.items() if j is not None and j.score >= STRONG]


def documented_dimensions(case: CaseStudy) -> list[str]:
    return [d for d, j in case.profile.items() if j is not None]


def mentions_country(case: CaseStudy, country: str) -> bool:
    """Whether the case's country text names ``country`` (a network names several)."""
    return re.search(rf"(?<!\w){re.escape(country)}(?!\w)", case.country) is not None


def filter_options(content: "Content", known_countries: Iterable[str]) -> FilterOptions:
    """Only options that select at least one case."""
    cases = content.cases
    types = [(t, label) for t, label in CASE_TYPES.items() if any(c.type == t for c in cases)]
    countries = sorted({k for k in known_countries if any(mentions_country(c, k) for c in cases)})
    strong = {d for c in cases for d in strong_dimensions(c)}
    dims = [(d.id, d.title) for d in content.dimensions if d.id in strong]
    return FilterOptions(types, countries, dims)


def read_filters(args: Mapping[str, str], options: FilterOptions) -> LibraryFilters:
    """Filters from query parameters; a value that is not offered is ignored."""

    def pick(name: str, allowed: Iterable[str]) -> str | None:
        value = (args.get(name) or "").strip()
        return value if value in set(allowed) else None

    return LibraryFilters(
        type=pick("type", (t for t, _ in options.types)),
        country=pick("country", options.countries),
        strong=pick("strong", (d for d, _ in options.dimensions)),
    )


def filter_cases(content: "Content", filters: LibraryFilters) -> list[CaseStudy]:
    out = []
    for case in sorted(content.cases, key=lambda c: c.name.lower()):
        if filters.type and case.type != filters.type:
            continue
        if filters.country and not mentions_country(case, filters.country):
            continue
        if filters.strong and filters.strong not in strong_dimensions(case):
            continue
        out.append(case)
    return out


@dataclass(frozen=True)
class ProfileRow:
    dimension: Dimension
    judgement: ProfileJudgement | None  # None: not documented


def case_profile(content: "Content", case: CaseStudy) -> list[ProfileRow]:
    """The case's profile over every dimension of the bank, in the bank's order."""
    return [ProfileRow(d, case.profile.get(d.id)) for d in content.dimensions]


# --------------------------------------------------------------------------- side by side


@dataclass(frozen=True)
class DimensionPair:
    dimension: Dimension
    town: float | None
    case: ProfileJudgement | None

    @property
    def gap(self) -> float | None:
        """Town minus case, in points; None when either side is unknown."""
        if self.town is None or self.case is None:
            return None
        return self.town - self.case.score


@dataclass(frozen=True)
class Lesson:
    """What one documented case shows on a dimension where the town is weak."""

    case: CaseStudy
    similarity: float
    judgement: ProfileJudgement


@dataclass(frozen=True)
class WeakDimension:
    dimension: Dimension
    town: float
    lessons: list[Lesson]


@dataclass(frozen=True)
class SideBySide:
    case: CaseStudy
    similar: SimilarCase
    rows: list[DimensionPair]
    weak: list[WeakDimension]

    @property
    def shared(self) -> int:
        return sum(1 for r in self.rows if r.gap is not None)


def rank_all_cases(content: "Content", result: "AssessmentResult") -> list[SimilarCase]:
    """Every case, most similar first (the same comparison as ``result.similar_cases``)."""
    return similar_cases(content, result.answers, {d.id: d.score for d in result.dimensions}, limit=None)


def weak_dimensions(
    content: "Content", result: "AssessmentResult", ranked: list[SimilarCase], per_dimension: int = LESSONS_PER_DIMENSION
) -> list[WeakDimension]:
    """The town's dimensions below ``WEAK`` (weakest first), each with the nearest cases
    whose documents show them strong on it, and what those documents say."""
    weak = sorted((d for d in result.dimensions if d.score is not None and d.score < WEAK), key=lambda d: d.score or 0)
    out = []
    for dim in weak:
        lessons = []
        for s in ranked:
            judgement = s.case.profile.get(dim.id)
            if judgement is not None and judgement.score >= STRONG:
                lessons.append(Lesson(s.case, s.similarity, judgement))
            if len(lessons) >= per_dimension:
                break
        out.append(WeakDimension(dim.dimension, dim.score or 0.0, lessons))
    return out


def side_by_side(content: "Content", result: "AssessmentResult", case: CaseStudy) -> SideBySide:
    ranked = rank_all_cases(content, result)
    similar = next(s for s in ranked if s.case.id == case.id)
    rows = [DimensionPair(d.dimension, d.score, case.profile.get(d.id)) for d in result.dimensions]
    return SideBySide(case, similar, rows, weak_dimensions(content, result, ranked))
