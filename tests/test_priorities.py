"""One prioritisation of the findings and the summary built from it (no PDF here:
the editions' tests check that the PDF, DOCX and results page show the same)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

from readiness import cli
from readiness.content_model import Content
from readiness.priorities import MAX_ACTIONS, SEVERITY_ORDER, SUMMARY_RISKS, rank_findings
from readiness.scoring import score_assessment

from towns import TOWNS, mixed_answers, weak_answers


@pytest.fixture(scope="module", params=sorted(TOWNS))
def town(request: pytest.FixtureRequest, content: Content):  # type: ignore[no-untyped-def]
    return request.param, score_assessment(content, TOWNS[request.param](content), "Mizil", "Romania")


def test_summary_is_the_top_of_the_ranking_and_its_actions(town) -> None:  # type: ignore[no-untyped-def]
    name, result = town
    summary = result.summary
    assert list(summary.risks) == result.risks[:SUMMARY_RISKS]
    assert list(summary.strengths) == result.strengths[: len(summary.strengths)]
    # the first actions are recommendations of the summary's findings, nothing else
    own = {(f.id, r.action) for f in summary.findings for r in f.recommendations}
    assert summary.actions, name
    assert 1 <= len(summary.actions) <= MAX_ACTIONS
    assert all((a.finding, a.action) in own for a in summary.actions)
    # ... and every one of them (up to the limit), in the findings' order
    expected = [(f.id, r.action) for f in summary.findings for r in f.recommendations][:MAX_ACTIONS]
    assert [(a.finding, a.action) for a in summary.actions] == expected


def test_towns_differ_as_intended(content: Content) -> None:
    weak = score_assessment(content, weak_answers(content))
    strong = score_assessment(content, TOWNS["strong"](content))
    assert weak.summary.risks and not weak.summary.strengths
    assert strong.summary.strengths and not strong.summary.risks


def test_ranking_orders_by_severity_then_dependency(content: Content) -> None:
    result = score_assessment(content, weak_answers(content))
    severities = [SEVERITY_ORDER[f.severity] for f in result.risks]
    assert severities == sorted(severities)
    position = {f.id: i for i, f in enumerate(result.risks)}
    builds_on = {d.id: set(d.builds_on) for d in content.dimensions}
    # a risk never comes before a risk of the same severity in a dimension it builds on
    for later in result.risks:
        for earlier in result.risks:
            if earlier.severity == later.severity and earlier.dimension in builds_on[later.dimension]:
                assert position[earlier.id] < position[later.id], (earlier.id, later.id)
    # a strategy before a budget line: the strategy risks lead the weak town's summary
    assert result.summary.risks[0].dimension == "strategy"


def test_ranking_does_not_depend_on_the_order_of_the_rules(content: Content) -> None:
    answers = mixed_answers(content)
    result = score_assessment(content, answers)
    shuffled = list(result.findings)
    random.Random(12).shuffle(shuffled)  # seed 12, fixed
    assert rank_findings(shuffled, result.dimensions) == result.findings


def test_builds_on_must_name_dimensions_without_a_circle(content: Content) -> None:
    from pydantic import ValidationError

    from readiness.models import Bank

    data = content.bank.model_dump()
    data["dimensions"][0]["builds_on"] = [data["dimensions"][1]["id"]]
    data["dimensions"][1]["builds_on"] = [data["dimensions"][0]["id"]]
    with pytest.raises(ValidationError, match="circle"):
        Bank.model_validate(data)
    data["dimensions"][1]["builds_on"] = ["nowhere"]
    with pytest.raises(ValidationError, match="unknown dimension"):
        Bank.model_validate(data)


def test_score_json_has_the_summary(content: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = mixed_answers(content)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"town": "Mizil", "country": "Romania", "answers": answers}), encoding="utf-8")
    assert cli.main(["score", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = score_assessment(content, answers, "Mizil", "Romania").summary
    assert out["summary"] == expected.to_json()
    assert set(out["summary"]) == {"risks", "strengths", "actions"}
    finding_ids = {f["id"] for f in out["findings"]}
    assert set(out["summary"]["risks"]) <= finding_ids
    for a in out["summary"]["actions"]:
        assert set(a) == {"finding", "action", "lead", "horizon", "indicator"}
        assert a["finding"] in out["summary"]["risks"] + out["summary"]["strengths"]
    assert [f["id"] for f in out["findings"] if f["kind"] == "risk"][:SUMMARY_RISKS] == out["summary"]["risks"]


def test_summary_does_not_repeat_an_action(content: Content) -> None:
    for build in TOWNS.values():
        actions = [a.action for a in score_assessment(content, build(content)).summary.actions]
        assert len(actions) == len(set(actions))
