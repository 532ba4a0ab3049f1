"""Each piece of advice once, and advice that fits the answers: walked over every
option of every question (no PDF here, only scoring: a few seconds)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from readiness.advice import repeated_advice, yields
from typing import Any

from readiness.answers import check_answers, is_visible
from readiness.conditions import Facts, evaluate, leaves
from readiness.content import Content, load_content
from readiness.lint import lint
from readiness.models import DONT_KNOW, AllOf, Leaf, Question, QuestionType
from readiness.scoring import score_assessment
from readiness.snapshot import content_files

from towns import mixed_answers, strong_answers, weak_answers


CHOICE = (QuestionType.single, QuestionType.scale, QuestionType.yesno, QuestionType.multi)


def _satisfying(leaf: Leaf, q: Question) -> Any:
    """An answer to ``q`` for which the comparison ``leaf`` holds (show_if uses eq, in,
    includes and not on choice questions), or None when there is no simple one."""
    values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
    if leaf.op in ("eq", "in", "includes", "includes_any"):
        return [values[0]] if q.type == QuestionType.multi else values[0]
    return None


def _shown(content: Content, q: Question, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with ``q``'s show_if met where a parent answer can meet it: a
    follow-up question ("How far has the planned hub got?") is walked with the answer
    that opens it ("One is planned")."""
    if q.show_if is None or is_visible(q, answers):
        return answers
    out = dict(answers)
    conditions = q.show_if.all if isinstance(q.show_if, AllOf) else [q.show_if]
    for cond in conditions:
        if isinstance(cond, Leaf) and cond.answer in content.questions:
            parent = content.questions[cond.answer]
            value = _satisfying(cond, parent)
            if value is not None:
                out = _shown(content, parent, out)
                out[parent.id] = value
    return out


def middling_answers(content: Content) -> dict[str, Any]:
    """The second-lowest scored option everywhere: a town weak on most dimensions whose
    answers rarely fire a specific risk, so that the generic weak-dimension risks apply."""
    raw = weak_answers(content)
    for q in content.questions.values():
        options = sorted((o for o in q.options if o.score is not None and not o.exclusive), key=lambda o: o.score or 0)
        if q.type in CHOICE and len(options) > 1:
            raw[q.id] = [options[1].value] if q.type == QuestionType.multi else options[1].value
    return raw


BASES = {"weak": weak_answers, "middling": middling_answers, "mixed": mixed_answers, "strong": strong_answers}


def _walk(content: Content) -> list[tuple[str, Question, Any, dict[str, Any], Any]]:
    return list(_walking(content))


def _walking(content: Content):  # type: ignore[no-untyped-def]
    """(base, question, option, answers, result) for every option of every choice
    question (its follow-ups opened by their parent's answer), the other answers those
    of a weak, a middling, a mixed and a strong town."""
    for name, base_of in BASES.items():
        base = base_of(content)
        for q in content.questions.values():
            if q.type not in CHOICE:
                continue
            for option in q.options:
                answers = _shown(content, q, dict(base))
                answers[q.id] = [option.value] if q.type == QuestionType.multi else option.value
                result = score_assessment(content, answers)
                yield name, q, option, result.answers, result


@pytest.fixture(scope="module")
def walked(content: Content) -> list[tuple[str, Question, Any, dict[str, Any], Any]]:
    """The walk, scored once for the module's tests (~1,200 scorings)."""
    return _walk(content)


def test_every_option_gives_advice_that_fits_the_answers(walked: list) -> None:  # type: ignore[type-arg]
    count = 0
    for _base, q, option, _answers, result in walked:
        count += 1
        fired = {f.id for f in result.findings}
        for f in result.findings:
            # a recommendation is never one another applying rule says is done or redundant
            for r in f.recommendations:
                assert not fired.intersection(r.unless), (q.id, option.value, f.id, r.action)
            # a rule that yields to another never appears with it
            for other in result.findings:
                assert other is f or not yields(f.rule, other.rule), (q.id, option.value, f.id, other.id)
        # the answer that made a rule on this question fire: never "don't know", and a
        # risk and a strength about the same question never both apply (one would
        # presuppose the opposite answer of the other)
        about = [f for f in result.findings if any(leaf.answer == q.id for leaf in leaves(f.rule.when))]
        if option.value == DONT_KNOW:
            assert not [f for f in about if f.kind == "risk"], (q.id, [f.id for f in about])
        kinds = {f.kind for f in about}
        assert kinds != {"risk", "strength"}, (q.id, option.value, [f.id for f in about])
        # no two actions of one report say the same thing (exactly)
        actions = [r.action for f in result.findings for r in f.recommendations]
        assert len(actions) == len(set(actions)), (q.id, option.value)
    assert count > 200


def _contradictions(finding_sets: Iterable[tuple[str, dict[str, Any], Any]]) -> tuple[set, dict[str, int]]:  # type: ignore[type-arg]
    """For (label, answers, result): the findings whose declared wording the answers deny
    (a rule's or an action's ``presupposes`` false), and the actions the answers say are
    done or under way (``done_when`` true), with how many declarations were checked."""
    found = set()
    checked = {"presupposes": 0, "done_when": 0}
    for label, answers, result in finding_sets:
        facts = Facts(answers=answers, dimension_scores={d.id: d.score for d in result.dimensions},
                      overall=result.overall)
        for f in result.findings:
            if f.rule.presupposes is not None:
                checked["presupposes"] += 1
                if not evaluate(f.rule.presupposes, facts):
                    found.add((f.id, "presupposes", label))
            for r in f.recommendations:
                if r.presupposes is not None:
                    checked["presupposes"] += 1
                    if not evaluate(r.presupposes, facts):
                        found.add((f.id, "action presupposes: " + r.action[:40], label))
                if r.done_when is not None:
                    checked["done_when"] += 1
                    if evaluate(r.done_when, facts):
                        found.add((f.id, "done_when: " + r.action[:40], label))
    return found, checked


def test_no_finding_contradicts_the_answer_that_made_it_fire(walked: list) -> None:  # type: ignore[type-arg]
    """Walked over every option of every question: a finding that applies never states
    something of the answers that they deny (its rule's ``presupposes``), and none of its
    recommendations is one the answers say is done or under way (``done_when``). The
    wording's meaning is declared in the rules, next to the wording; nothing here reads
    the sentences."""
    contradictions, checked = _contradictions(
        (f"{q.id}={option.value} ({base})", answers, result) for base, q, option, answers, result in walked)
    assert not contradictions, sorted(contradictions)
    # not blind: declared wording was checked against many walked answers
    assert checked["presupposes"] > 100 and checked["done_when"] > 100, checked


RANDOM_TOWNS = 1500
RANDOM_TOWNS_SEED = 20261202


def random_town(content: Content, rng: random.Random) -> dict[str, Any]:
    """Every question answered at random (any option, any number in range, some left
    unanswered): combinations the one-answer-at-a-time walk never meets, such as a
    dimension weak overall with one strong answer in it."""
    raw: dict[str, Any] = {}
    for q in content.questions.values():
        if not q.required and rng.random() < 0.1:
            continue
        if q.type == QuestionType.text:
            raw[q.id] = "Notes."
        elif q.type == QuestionType.number:
            low = int(q.min if q.min is not None else 0)
            high = int(q.max if q.max is not None else max([b.min for b in q.score_bands] + [low]) * 2 + 10)
            raw[q.id] = rng.randint(low, high)
        elif q.type == QuestionType.multi:
            plain = [o.value for o in q.options if not o.exclusive]
            exclusive = [o.value for o in q.options if o.exclusive]
            if exclusive and rng.random() < 0.15:
                raw[q.id] = [rng.choice(exclusive)]
            else:
                raw[q.id] = rng.sample(plain, rng.randint(1, min(len(plain), q.max_choices or len(plain))))
        else:
            raw[q.id] = rng.choice([o.value for o in q.options])
    return check_answers(content.questions, raw)


def test_random_towns_get_no_contradicting_or_repeated_advice(content: Content) -> None:
    """1,500 towns answered at random (fixed seed, printed): the same guarantees as the
    walk, for combinations of answers (the generic weak-dimension risks fire on a
    dimension's score, whatever mix of answers made it)."""
    print(f"random towns: {RANDOM_TOWNS}, seed {RANDOM_TOWNS_SEED}")
    rng = random.Random(RANDOM_TOWNS_SEED)
    scored = []
    generic_fired = 0
    for n in range(RANDOM_TOWNS):
        answers = random_town(content, rng)
        result = score_assessment(content, answers)
        scored.append((f"random town {n}", result.answers, result))
        fired = {f.id for f in result.findings}
        generic_fired += sum(1 for f in result.findings if f.rule.generic)
        actions = [r.action for f in result.findings for r in f.recommendations]
        assert len(actions) == len(set(actions)), (n, sorted(actions))
        for f in result.findings:
            for r in f.recommendations:
                assert not fired.intersection(r.unless), (n, f.id, r.action)
            for other in result.findings:
                assert other is f or not yields(f.rule, other.rule), (n, f.id, other.id)
    contradictions, checked = _contradictions(scored)
    assert not contradictions, sorted(contradictions)[:20]
    # not blind: the generic risks and the declared wording were met many times
    assert generic_fired > 100 and checked["presupposes"] > 100 and checked["done_when"] > 1000, (generic_fired, checked)


def test_the_walk_opens_follow_up_questions(walked: list) -> None:  # type: ignore[type-arg]
    """The walk reaches "hub planned, site chosen": a follow-up answered with the answer that opens it."""
    seen = {(q.id, option.value): answers for _b, q, option, answers, _r in walked if q.show_if is not None}
    assert seen
    for (qid, value), answers in seen.items():
        assert answers.get(qid) in (value, [value]) or value == DONT_KNOW, (qid, value)


def test_a_recommendation_done_by_the_answers_is_left_out(content: Content) -> None:
    rule = content.rule_by_id["infrastructure-no-third-place"]
    assert rule.recommendations[0].done_when is not None
    answers = weak_answers(content)
    answers.update({"infra_places": ["none"], "existing_hub": "planned", "infra_hub_plan": "idea"})
    idea = {f.id: f for f in score_assessment(content, answers).findings}
    answers["infra_hub_plan"] = "site"
    site = {f.id: f for f in score_assessment(content, answers).findings}
    open_space = rule.recommendations[0].action
    assert open_space in [r.action for r in idea[rule.id].recommendations]
    assert rule.id not in site or open_space not in [r.action for r in site[rule.id].recommendations]


def test_the_content_repeats_no_advice(content: Content) -> None:
    assert repeated_advice(content) == []


def _content_with(content: Content, tmp_path: Path, change) -> Content:  # type: ignore[no-untyped-def]
    for name, text in content_files(content).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "rules" / "risks.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["rules"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_content(tmp_path)


def test_lint_reports_advice_that_two_rules_repeat(content: Content, tmp_path: Path) -> None:
    def copy_advice(rules: list) -> None:  # type: ignore[type-arg]
        a, b = next((a, b) for a in rules for b in rules if a["dimension"] != b["dimension"])
        b["recommendations"] = [dict(a["recommendations"][0])] + b["recommendations"]

    changed = _content_with(content, tmp_path / "one", copy_advice)
    report = lint(changed, None)
    assert any("repeats" in e and "yields_to or unless" in e and "rules/risks.yaml:" in e for e in report.errors), report.errors

    def copy_and_yield(rules: list) -> None:  # type: ignore[type-arg]
        copy_advice(rules)
        a, b = next((a, b) for a in rules for b in rules if a["dimension"] != b["dimension"])
        b["recommendations"][0]["unless"] = [a["id"]]

    settled = _content_with(content, tmp_path / "two", copy_and_yield)
    assert not [e for e in lint(settled, None).errors if "repeats" in e]


def test_unknown_rule_in_yields_to_is_a_load_error(content: Content, tmp_path: Path) -> None:
    from readiness.content import ContentError

    def bad(rules: list) -> None:  # type: ignore[type-arg]
        rules[0]["yields_to"] = ["no-such-rule"]

    with pytest.raises(ContentError, match="yields_to names no other rule"):
        _content_with(content, tmp_path, bad)
