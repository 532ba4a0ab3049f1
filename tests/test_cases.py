"""The case-study library (cases/*.yaml): schema, sources and comparison.

No Flask here: the cases are checked as data, and the comparison through
``readiness.compare`` directly.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from readiness.compare import MAX_STRONG_NAMED, STRONG_IN, TRAIT_READERS, Reason, compare_case, similar_cases
from readiness.catalogs import ui_translations
from readiness.library import reason_text
from readiness.content import LINE_KEY, REPO_ROOT, _validate, load_content, read_yaml
from readiness.lint import normalise_for_quote
from readiness.models import DIMENSION_IDS, CaseStudy, Source

CASES_DIR = REPO_ROOT / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# Ids are part of the content's interface: rules point at them.
EXPECTED_IDS = {
    "creative-valley",
    "urbact-creative-clusters",
    "ruci",
    "cidaco-leeds",
    "eici",
    "puglia-creativa",
    "co-create",
    "chimera",
    "iconoval",
    "virtual-dimension-center",
}
POPULATION_BANDS = {"under_10k", "10k_50k", "50k_100k", "100k_250k", "over_250k"}
# The traits compare.py reads off the town profile (network_of_towns is not one of them).
COMPARED_TRAITS = tuple(TRAIT_READERS)
MIN_DOCUMENTED_FOR_RANKING = 3


def _load(path: Path) -> CaseStudy:
    raw = read_yaml(path)
    assert isinstance(raw, dict), f"{path.name}: a case file holds one mapping"
    return _validate(CaseStudy, {**raw, "line": raw.get(LINE_KEY)}, path, REPO_ROOT)


CASES: dict[str, CaseStudy] = {p.stem: _load(p) for p in CASE_FILES}


def _documented(case: CaseStudy) -> dict[str, float]:
    return {dim: j.score for dim, j in case.profile.items() if j is not None}


def _compared_traits(case: CaseStudy) -> dict[str, object]:
    traits = case.traits.model_dump()
    return {name: traits.get(name) for name in COMPARED_TRAITS}


def _answers_for(traits: dict[str, object]) -> dict[str, Any]:
    """Town-profile answers from which compare.town_traits reads back ``traits``."""
    answers: dict[str, Any] = {}
    if traits.get("population_band") is not None:
        answers["population_band"] = traits["population_band"]
    if traits.get("rural_hinterland") is not None:
        answers["settlement"] = "mixed" if traits["rural_hinterland"] else "urban"
    if traits.get("existing_hub") is not None:
        answers["existing_hub"] = "yes" if traits["existing_hub"] else "no"
    if traits.get("heritage_led") is not None:
        answers["heritage_assets"] = ["historic_centre", "museums"] if traits["heritage_led"] else ["none"]
    return answers


def _sources(case: CaseStudy) -> Iterator[tuple[str, Source]]:
    for s in case.sources:
        yield "sources", s
    for group in ("what_they_did", "resources", "results", "difficulties", "transferable"):
        for i, statement in enumerate(getattr(case, group)):
            for s in statement.sources:
                yield f"{group}[{i}]", s
    for dim, judgement in case.profile.items():
        for s in judgement.sources if judgement else []:
            yield f"profile.{dim}", s


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


RANKABLE = [c for c in CASES.values() if len(_documented(c)) >= MIN_DOCUMENTED_FOR_RANKING]
WITH_TRAITS = [c for c in CASES.values() if any(v not in (None, False) for v in _compared_traits(c).values())]


# --------------------------------------------------------------------------- loading


def test_every_expected_case_has_a_file() -> None:
    assert set(CASES) >= EXPECTED_IDS, f"missing case files: {sorted(EXPECTED_IDS - set(CASES))}"


@pytest.mark.parametrize("path", CASE_FILES, ids=_ids(CASE_FILES))
def test_case_loads_with_its_file_name_as_id(path: Path) -> None:
    case = _load(path)
    assert case.id == path.stem
    assert case.sources, "a case cites at least one source"
    assert case.summary.strip() and case.period.strip() and case.place.strip() and case.country.strip()


@pytest.mark.parametrize("language", ["en", "pt", "it"])
def test_every_case_has_a_short_place_without_caveats_in_every_language(language: str) -> None:
    """What a mention prints in brackets after the case's name: no brackets or clauses of its own."""
    for case in load_content().for_language(language).cases:
        assert case.short_place.strip(), (language, case.id)
        assert not any(mark in case.short_place for mark in "();"), (language, case.id, case.short_place)
        assert "source" not in case.short_place and "fonte" not in case.short_place, (language, case.id)


def test_a_case_frozen_before_short_places_is_mentioned_with_its_place_and_country() -> None:
    data = read_yaml(CASES_DIR / "iconoval.yaml")
    data.pop("short_place")
    frozen = _validate(CaseStudy, {**data, "line": data.get(LINE_KEY)}, CASES_DIR / "iconoval.yaml", REPO_ROOT)
    assert frozen.mention == f"{frozen.place}, {frozen.country}"
    assert CASES["iconoval"].mention == "Strasbourg, France"


def test_lint_refuses_a_case_without_a_short_place(tmp_path: Path) -> None:
    from readiness.lint import lint

    for folder in ("questions", "rules", "cases", "translations", "sources", "glossary"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.mo"))
    path = tmp_path / "cases" / "ruci.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^short_place: .*\n", "", text), encoding="utf-8")
    errors = lint(load_content(tmp_path), None).errors
    assert any("[ruci]" in e and "short_place" in e and e.endswith("[case]") for e in errors), errors


def test_the_content_loader_loads_every_case_file() -> None:
    content = load_content()
    assert sorted(c.id for c in content.cases) == sorted(CASES)


# --------------------------------------------------------------------------- what a case says


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_profile_names_all_eleven_dimensions(case_id: str) -> None:
    """Silence is written as null, so "not documented" is visible, never implied."""
    case = CASES[case_id]
    assert set(case.profile) == set(DIMENSION_IDS), (
        f"{case_id}: missing {sorted(set(DIMENSION_IDS) - set(case.profile))}"
    )
    assert _documented(case), f"{case_id}: no dimension documented at all"


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_thin_cases_say_what_the_sources_do_not_give(case_id: str) -> None:
    case = CASES[case_id]
    if not case.resources:
        assert case.resources_note.strip(), f"{case_id}: no resources and no resources_note saying so"
    if not case.results:
        said = (case.summary + " " + case.resources_note).lower()
        assert "result" in said, f"{case_id}: no results, and neither the summary nor resources_note says so"


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_traits_use_known_values(case_id: str) -> None:
    band = CASES[case_id].traits.population_band
    assert band is None or band in POPULATION_BANDS


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_every_quote_is_verbatim_in_its_document(case_id: str) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"source documents not found at {SEEDS}: verbatim quotes not checked")
    texts: dict[str, str] = {}
    missing = []
    for where, src in _sources(CASES[case_id]):
        if src.document not in texts:
            path = SEEDS / src.document
            assert path.is_file(), f"{case_id} {where}: no document {src.document} in {SEEDS}"
            texts[src.document] = normalise_for_quote(path.read_text(encoding="utf-8"))
        if normalise_for_quote(src.quote) not in texts[src.document]:
            missing.append(f"{where}: {src.quote!r} not in {src.document}")
    assert not missing, "\n".join(missing)


# --------------------------------------------------------------------------- comparison


def test_some_cases_are_documented_enough_to_rank() -> None:
    assert {"creative-valley", "urbact-creative-clusters", "ruci"} <= {c.id for c in RANKABLE}


@pytest.mark.parametrize("case", RANKABLE, ids=[c.id for c in RANKABLE])
def test_a_town_built_from_a_case_ranks_that_case_first(case: CaseStudy) -> None:
    """The town's scores are the case's documented profile (nothing else), its traits the case's."""
    scores = dict(_documented(case))
    traits = _compared_traits(case)
    ranked = sorted(
        (compare_case(c, scores, traits) for c in CASES.values()),
        key=lambda s: (-s.similarity, s.case.name),
    )
    assert ranked[0].case.id == case.id, [(s.case.id, round(s.similarity, 3)) for s in ranked[:3]]
    assert ranked[0].similarity == pytest.approx(1.0)
    # Strictly first: a tie would leave the order to the case names.
    assert ranked[1].similarity < ranked[0].similarity, f"tie with {ranked[1].case.id}"


@pytest.mark.parametrize("case", RANKABLE, ids=[c.id for c in RANKABLE])
def test_similar_cases_through_the_town_profile_answers(case: CaseStudy) -> None:
    """The same, the way the app does it: traits read off the profile answers."""
    content = load_content()
    answers = _answers_for(_compared_traits(case))
    ranked = similar_cases(content, answers, _documented(case), limit=len(content.cases))
    assert ranked[0].case.id == case.id
    assert [s.similarity for s in ranked] == sorted((s.similarity for s in ranked), reverse=True)


def test_similarity_stays_between_0_and_1() -> None:
    rng = random.Random(20240521)
    towns: list[dict[str, float | None]] = [
        {d: 0.0 for d in DIMENSION_IDS},
        {d: 100.0 for d in DIMENSION_IDS},
        {d: None for d in DIMENSION_IDS},
    ]
    towns += [{d: rng.choice([None, rng.uniform(0, 100)]) for d in DIMENSION_IDS} for _ in range(50)]
    trait_sets: list[dict[str, object]] = [{name: None for name in COMPARED_TRAITS}]
    trait_sets += [_compared_traits(c) for c in CASES.values()]
    for town in towns:
        for traits in trait_sets:
            for case in CASES.values():
                s = compare_case(case, town, traits)
                assert 0.0 <= s.similarity <= 1.0, (case.id, town, traits, s.similarity)
                assert s.shared_dimensions == sum(
                    1 for d, j in case.profile.items() if j is not None and town.get(d) is not None
                )


@pytest.mark.parametrize("case", WITH_TRAITS, ids=[c.id for c in WITH_TRAITS])
def test_matching_traits_give_reasons(case: CaseStudy) -> None:
    traits = _compared_traits(case)
    result = compare_case(case, {}, traits)
    assert result.reasons, f"{case.id}: traits {traits} match but no reason is given"
    for name, value in traits.items():
        if value not in (None, False):
            assert Reason(name) in result.reasons


def test_reasons_are_data_put_in_words_in_the_readers_language() -> None:
    """The comparison names dimension ids; the page words them in its language (no English parsed back)."""
    content = load_content()
    case = next(c for c in RANKABLE if sum(1 for j in c.profile.values() if j is not None and j.score >= 60) >= 2)
    strong = [d for d, j in case.profile.items() if j is not None and j.score >= 60]
    result = compare_case(case, {d: 90.0 for d in strong}, {})
    assert Reason(STRONG_IN, tuple(strong[:MAX_STRONG_NAMED])) in result.reasons
    reason = next(r for r in result.reasons if r.kind == STRONG_IN)
    pt = content.for_language("pt")
    words = reason_text(reason, pt, ui_translations("pt").gettext)
    titles = {d.id: d.title for d in pt.dimensions}
    assert words == "forte, tal como o seu município, em " + ", ".join(titles[d].lower() for d in reason.dimensions)
    assert reason_text(Reason("heritage_led"), content, str) == "heritage-led"


def test_silent_dimensions_are_ignored() -> None:
    """A town's score on a dimension a case is silent on does not move the similarity."""
    for case in CASES.values():
        base = {d: 50.0 for d in _documented(case)}
        silent = [d for d, j in case.profile.items() if j is None]
        for value in (0.0, 100.0):
            town = {**base, **{d: value for d in silent}}
            assert compare_case(case, town, {}).similarity == pytest.approx(
                compare_case(case, base, {}).similarity
            )
