"""Each piece of advice once, and advice that fits the answers: walked over every
option of every question (no PDF here, only scoring: a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readiness.advice import repeated_advice, yields
from readiness.conditions import leaves
from readiness.content import Content, load_content
from readiness.lint import lint
from readiness.models import DONT_KNOW, QuestionType
from readiness.scoring import score_assessment
from readiness.snapshot import content_files

from towns import mixed_answers, weak_answers


def _walk(content: Content):  # type: ignore[no-untyped-def]
    """(question, option, result) for every option of every choice question, the other
    answers those of a weak and of a mixed town."""
    for base in (weak_answers(content), mixed_answers(content)):
        for q in content.questions.values():
            if q.type not in (QuestionType.single, QuestionType.scale, QuestionType.yesno, QuestionType.multi):
                continue
            for option in q.options:
                answers = dict(base)
                answers[q.id] = [option.value] if q.type == QuestionType.multi else option.value
                yield q, option, score_assessment(content, answers)


def test_every_option_gives_advice_that_fits_the_answers(content: Content) -> None:
    walked = 0
    for q, option, result in _walk(content):
        walked += 1
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
    assert walked > 200


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
