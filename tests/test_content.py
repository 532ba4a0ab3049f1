"""Properties of the real content (questions/ and rules/), checked through the engine.

Answer sets are built from the loaded content, not from hard-coded ids: the best
answer of a question is its highest-scoring option (all scored options for a
multi, the top band for a number), the worst its lowest-scoring one. So the
tests keep working when questions, options or rules change.

- a town weak in one dimension gets a risk there and scores lowest there;
- a town strong everywhere gets no risk at all;
- the documented failure factors (D4 single funder, D12 too many target groups,
  D14 rural hinterland left out) are flagged for an otherwise strong town;
- every rule fires for at least one generated answer set (no dead rules);
- ``readiness lint --sources`` passes on the real content.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from readiness.answers import is_visible
from readiness.content import Content, load_content
from readiness.models import DIMENSION_IDS, Question, QuestionType
from readiness.scoring import AssessmentResult, score_assessment

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

Answers = dict[str, Any]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(REPO)


# --------------------------------------------------------------------------- answer builders


def _scored_options(q: Question) -> list:
    return [o for o in q.options if o.score is not None]


def best_answer(q: Question) -> Any:
    """The answer with the highest score (None for questions that are not scored)."""
    if not q.scored:
        return None
    if q.type == QuestionType.multi:
        return [o.value for o in _scored_options(q) if not o.exclusive and (o.score or 0) > 0]
    if q.type == QuestionType.number:
        top = max(q.score_bands, key=lambda b: (b.score, -b.min))
        return _number(q, top.min)
    return max(_scored_options(q), key=lambda o: o.score or 0).value


def worst_answer(q: Question) -> Any:
    """The answer with the lowest score (None for questions that are not scored)."""
    if not q.scored:
        return None
    if q.type == QuestionType.multi:
        return [min(_scored_options(q), key=lambda o: o.score or 0).value]
    if q.type == QuestionType.number:
        low = min(q.score_bands, key=lambda b: (b.score, b.min))
        return _number(q, max(low.min, q.min if q.min is not None else low.min))
    return min(_scored_options(q), key=lambda o: o.score or 0).value


def middle_answer(q: Question) -> Any:
    if not q.scored:
        return None
    if q.type == QuestionType.multi:
        opts = [o.value for o in _scored_options(q) if not o.exclusive]
        return opts[: max(1, len(opts) // 2)]
    if q.type == QuestionType.number:
        bands = sorted(q.score_bands, key=lambda b: b.min)
        return _number(q, bands[len(bands) // 2].min)
    ranked = sorted(_scored_options(q), key=lambda o: o.score or 0)
    return ranked[len(ranked) // 2].value


def _number(q: Question, value: float) -> int | float:
    if q.max is not None:
        value = min(value, q.max)
    return int(value) if float(value).is_integer() else value


def alternatives(q: Question) -> list[Any]:
    """Every distinct answer worth trying for one question (single options, each
    multi option alone and all together, each number band's lower bound)."""
    if q.type == QuestionType.text:
        return []
    if q.type == QuestionType.number:
        return sorted({_number(q, b.min) for b in q.score_bands} | ({_number(q, q.min)} if q.min is not None else set()))
    if q.type == QuestionType.multi:
        plain = [o.value for o in q.options if not o.exclusive]
        return [[o.value] for o in q.options] + ([plain] if plain else [])
    return [o.value for o in q.options]


def dimension_questions(content: Content, dim_id: str) -> list[Question]:
    return list(content.dimension_by_id[dim_id].questions)


def all_dimension_questions(content: Content) -> Iterator[Question]:
    for d in content.dimensions:
        yield from d.questions


def open_profile(content: Content) -> Answers:
    """A town profile that shows as many questions as possible (greedy per profile
    question), so the scored answers below are all visible. Multi questions take
    every ordinary option."""
    baseline = {q.id: best_answer(q) for q in all_dimension_questions(content)}
    profile: Answers = {}
    for q in content.bank.profile:
        candidates = alternatives(q)
        if not candidates:
            continue
        if q.type == QuestionType.multi:
            profile[q.id] = candidates[-1]
            continue

        def visible_with(value: Any, q: Question = q) -> int:
            answers = {**baseline, **profile, q.id: value}
            return sum(1 for x in all_dimension_questions(content) if is_visible(x, answers))

        profile[q.id] = max(candidates, key=visible_with)  # first of equals wins
    return profile


def near_worst_answer(q: Question) -> Any:
    """The second-lowest answer: a dimension answered so is weak without the worst answers
    that the specific risks look for (so its generic weak-dimension risk applies alone)."""
    if not q.scored or q.type == QuestionType.multi:
        return worst_answer(q)
    if q.type == QuestionType.number:
        bands = sorted(q.score_bands, key=lambda b: (b.score, b.min))
        return _number(q, bands[min(1, len(bands) - 1)].min)
    ranked = sorted(_scored_options(q), key=lambda o: o.score or 0)
    return ranked[min(1, len(ranked) - 1)].value


def answer_set(content: Content, pick: Callable[[Question], Any], profile: Answers | None = None) -> Answers:
    answers = dict(open_profile(content) if profile is None else profile)
    for q in all_dimension_questions(content):
        value = pick(q)
        if value is not None:
            answers[q.id] = value
    return answers


def strong_town(content: Content) -> Answers:
    return answer_set(content, best_answer)


def weak_in(content: Content, dim_id: str) -> Answers:
    weak = {q.id for q in dimension_questions(content, dim_id)}
    return answer_set(content, lambda q: worst_answer(q) if q.id in weak else best_answer(q))


def score(content: Content, answers: Answers) -> AssessmentResult:
    return score_assessment(content, answers)


def fired(result: AssessmentResult) -> set[str]:
    return {f.id for f in result.findings}


# --------------------------------------------------------------------------- sanity of the content


def test_every_dimension_has_enough_questions(content: Content) -> None:
    assert [d.id for d in content.dimensions] == list(DIMENSION_IDS)
    for d in content.dimensions:
        scored = [q for q in d.questions if q.scored]
        assert len(d.questions) >= 5, f"{d.id} has {len(d.questions)} questions"
        assert len(scored) >= 4, f"{d.id} has only {len(scored)} scored questions"
        assert d.weight_rationale.strip(), f"{d.id} has no weight_rationale"


def test_questions_cite_sources_and_explain_dont_know(content: Content) -> None:
    for q in content.questions.values():
        if q.type != QuestionType.text:
            assert q.sources, f"{q.id} cites no source"
            assert q.help.strip(), f"{q.id} has no help text"
        if q.dont_know and q.dimension != "profile":
            assert q.data_gap is not None, f"{q.id} allows 'don't know' but says nothing about the data gap"


def test_enough_rules_with_concrete_recommendations(content: Content) -> None:
    assert len(content.rules) >= 35
    for dim in DIMENSION_IDS:
        kinds = {r.kind for r in content.rules if r.dimension == dim}
        assert kinds == {"risk", "strength"}, f"{dim}: {kinds}"
    case_ids = {c.id for c in content.cases}
    for r in content.rules:
        assert r.recommendations and all(rec.lead and rec.indicator for rec in r.recommendations)
        assert set(r.cases) <= case_ids, f"{r.id} names unknown cases {set(r.cases) - case_ids}"


def test_builders_reach_both_ends(content: Content) -> None:
    """The best answers score 100 or close in every dimension, the worst ones 0."""
    best = score(content, strong_town(content))
    for d in best.dimensions:
        assert d.score is not None and d.score >= 90, f"{d.id}: best answers only score {d.score}"
    worst = score(content, answer_set(content, worst_answer))
    for d in worst.dimensions:
        assert d.score is not None and d.score <= 10, f"{d.id}: worst answers still score {d.score}"


# --------------------------------------------------------------------------- the required properties


@pytest.mark.parametrize("dim_id", DIMENSION_IDS)
def test_weak_in_one_dimension(content: Content, dim_id: str) -> None:
    result = score(content, weak_in(content, dim_id))
    risks_here = [f for f in result.risks if f.dimension == dim_id]
    assert risks_here, f"a town weak only in {dim_id} gets no risk there"
    scores = {d.id: d.score for d in result.dimensions}
    assert scores[dim_id] is not None
    others = {k: v for k, v in scores.items() if k != dim_id}
    assert all(v is not None and v > scores[dim_id] for v in others.values()), (
        f"{dim_id} ({scores[dim_id]:.0f}) is not the lowest dimension: {others}"
    )
    # Risks elsewhere would mean a rule fires on good answers.
    elsewhere = [f.id for f in result.risks if f.dimension != dim_id]
    assert not [r for r in elsewhere if content.rule_by_id[r].severity == "high"], elsewhere


def test_strong_everywhere_gets_no_risk(content: Content) -> None:
    result = score(content, strong_town(content))
    assert not [f.id for f in result.risks if f.severity == "high"]
    assert not [f.id for f in result.risks], "a town strong everywhere should get no risk at all"
    assert result.strengths
    assert result.overall is not None and result.overall >= 90


def _strong_but(content: Content, **changes: Any) -> Answers:
    answers = strong_town(content)
    for qid, value in changes.items():
        assert qid in content.questions, f"no question {qid}"
        q = content.questions[qid]
        if q.options:
            for v in value if isinstance(value, list) else [value]:
                assert q.option(v) is not None, f"{qid} has no option {v}"
        answers[qid] = value
    return answers


def _risk_with_code(result: AssessmentResult, code: str) -> list[str]:
    return [f.id for f in result.risks if code in f.rule.codes]


@pytest.mark.parametrize(
    ("code", "changes", "dimension"),
    [
        pytest.param("D4", {"funding_sources": "one"}, "funding", id="D4-single-funding-source"),
        pytest.param("D12", {"gov_target_groups": "everyone"}, "governance", id="D12-too-many-target-groups"),
        pytest.param(
            "D14", {"settlement": "rural", "networks_rural": "left_out"}, "networks", id="D14-rural-municipalities-left-out"
        ),
    ],
)
def test_failure_factor_flagged_in_strong_town(content: Content, code: str, changes: Answers, dimension: str) -> None:
    result = score(content, _strong_but(content, **changes))
    # Strong on average, and in the dimension itself ...
    assert result.overall is not None and result.overall >= 80
    assert (result.dimension(dimension).score or 0) >= 60
    # ... and still the failure factor is reported as a high-severity risk.
    flagged = _risk_with_code(result, code)
    assert flagged, f"{code} not flagged for an otherwise strong town"
    assert any(f.severity == "high" for f in result.risks if f.id in flagged)
    assert all(f.dimension == dimension for f in result.risks), [f.id for f in result.risks]


def test_dont_know_never_fires_a_risk(content: Content) -> None:
    """A rule must not fire on what the officer does not know."""
    answers = strong_town(content)
    for q in all_dimension_questions(content):
        if q.dont_know and q.type != QuestionType.number:
            answers[q.id] = ["dont_know"] if q.type == QuestionType.multi else "dont_know"
    result = score(content, answers)
    assert not result.risks, [f.id for f in result.risks]
    assert result.data_gaps


# --------------------------------------------------------------------------- no dead rules


def generated_answer_sets(content: Content) -> Iterator[Answers]:
    """Best, worst and middle everywhere; worst/middle in one dimension; and from the
    best and the worst baselines, every single answer (profile included) changed in turn."""
    profile = open_profile(content)
    best = answer_set(content, best_answer, profile)
    worst = answer_set(content, worst_answer, profile)
    yield best
    yield worst
    yield answer_set(content, middle_answer, profile)
    for dim in DIMENSION_IDS:
        ids = {q.id for q in dimension_questions(content, dim)}
        yield weak_in(content, dim)
        yield answer_set(content, lambda q, ids=ids: near_worst_answer(q) if q.id in ids else best_answer(q), profile)
        yield answer_set(content, lambda q, ids=ids: middle_answer(q) if q.id in ids else best_answer(q), profile)
    for baseline in (best, worst):
        for q in [*content.bank.profile, *all_dimension_questions(content)]:
            for value in alternatives(q):
                yield {**baseline, q.id: value}


def test_every_rule_fires_for_some_answer_set(content: Content) -> None:
    """Every rule fires for some answers; a dimension's generic weak-dimension risk may
    instead always yield to the specific risks of its dimension (their advice is more
    precise, and is the advice it would repeat), but its condition must hold somewhere."""
    from readiness.conditions import Facts, evaluate

    remaining = {r.id for r in content.rules}
    holds: set[str] = set()
    for answers in generated_answer_sets(content):
        result = score(content, answers)
        remaining -= fired(result)
        facts = Facts(answers=result.answers, dimension_scores={d.id: d.score for d in result.dimensions},
                      overall=result.overall)
        holds |= {r.id for r in content.rules if r.id in remaining and evaluate(r.when, facts)}
        if not remaining:
            break
    never = sorted(rid for rid in remaining if not (content.rule_by_id[rid].generic and rid in holds))
    assert not never, f"rules that never fire: {never}"


# --------------------------------------------------------------------------- lint


def test_lint_passes_on_real_content() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"source documents not found at {SEEDS}: the verbatim-quote check needs them")
    proc = subprocess.run(
        [sys.executable, "-m", "readiness.cli", "lint", "--sources", str(SEEDS)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_a_help_text_offers_dont_know_only_where_the_question_has_it(content: Content):
    offering = [q.id for q in content.questions.values() if "Don't know" in q.help and not q.dont_know]
    assert offering == [], "help texts tell the officer to choose Don't know, which these questions do not offer"


def test_italian_help_texts_address_the_officer_in_one_register(content: Content):
    # The officer is addressed with "Lei" (Indichi, scelga, Inserisca), as in the interface;
    # recommendations stay impersonal infinitives (Scegliere...), since the report goes to the mayor.
    import re

    italian = content.for_language("it")
    infinitive = re.compile(r"(^|[.:;] )(Selezionare|Indicare|Inserire|Scegliere|Spuntare|Contare) ")
    wrong = [q.id for q in italian.questions.values() if infinitive.search(q.help) or infinitive.search(q.text)]
    assert wrong == []
