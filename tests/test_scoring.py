"""The domain core without Flask: loading errors, conditions, scoring, plans, comparison."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from readiness.answers import AnswerError, check_answers, normalise_answer
from readiness.compare import compare_case
from readiness.conditions import Facts, evaluate
from readiness.content import REPO_ROOT, ContentError, load_content
from readiness.models import AllOf, AnyOf, CaseStudy, Leaf, NotOf, ProfileJudgement, Question, Source
from readiness.scoring import level_for, question_score, score_assessment


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    for folder in ("questions", "rules", "cases"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    return tmp_path


def test_modules_of_the_core_never_import_flask():
    import ast

    for path in (REPO_ROOT / "readiness").glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.split(".")[0] in {"flask", "flask_wtf", "flask_babel", "werkzeug"} for name in imported), path.name


def test_load_error_names_file_line_and_id(content_copy: Path):
    path = content_copy / "questions" / "strategy.yaml"
    text = path.read_text()
    path.write_text(text.replace("type: single", "type: slider", 1))
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    message = str(err.value)
    assert "questions/strategy.yaml:" in message and "[strategy_plan]" in message and "type" in message


def test_unknown_reference_in_a_rule_is_reported(content_copy: Path):
    path = next((content_copy / "rules").glob("*.yaml"))
    text = path.read_text()
    first_answer = text.index("answer: ") + len("answer: ")
    end = min(i for i in (text.find(",", first_answer), text.find("\n", first_answer), text.find("}", first_answer)) if i > 0)
    path.write_text(text[:first_answer] + "no_such_question" + text[end:])
    with pytest.raises(ContentError, match="unknown question 'no_such_question'"):
        load_content(content_copy)


def test_digest_is_of_the_files_loaded_not_of_the_disk_now(content_copy: Path):
    content = load_content(content_copy)
    before = content.digest
    path = content_copy / "questions" / "strategy.yaml"
    path.write_text(path.read_text() + "\n# edited after start-up\n")
    assert content.digest == before  # the running app still serves what it loaded
    assert content.for_language("pt").digest == before
    assert load_content(content_copy).digest != before  # a fresh load sees the edit


def test_content_is_not_changed_by_use():
    content = load_content(REPO_ROOT)
    state = dict(vars(content))
    portuguese = content.for_language("pt")
    assert portuguese.language == "pt" and portuguese.for_language("en") is content
    assert portuguese.for_language("it") is content.for_language("it")
    assert vars(content).keys() == state.keys() and all(vars(content)[k] is v for k, v in state.items())


def test_invalid_yaml_is_reported_with_its_line(content_copy: Path):
    (content_copy / "rules" / "broken.yaml").write_text("rules:\n  - id: x\n    title: [unclosed\n")
    with pytest.raises(ContentError, match=r"rules/broken.yaml:\d+: not valid YAML"):
        load_content(content_copy)


def _q(**kw) -> Question:
    base = {"id": "q", "text": "A question?", "type": "single",
            "options": [{"value": "a", "label": "A", "score": 0}, {"value": "b", "label": "B", "score": 100}]}
    return Question.model_validate({**base, **kw})


def test_conditions_all_any_not_and_unknown_answers():
    facts = Facts(answers={"x": "a", "m": ["p", "q"], "dk": "dont_know"}, dimension_scores={"funding": 30.0}, overall=55)
    assert evaluate(AllOf(all=[Leaf(answer="x", op="eq", value="a"), Leaf(dimension="funding", op="lt", value=40)]), facts)
    assert evaluate(AnyOf(any=[Leaf(answer="x", op="eq", value="zzz"), Leaf(answer="m", op="includes", value="q")]), facts)
    assert evaluate(NotOf.model_validate({"not": {"answer": "x", "op": "in", "value": ["b", "c"]}}), facts)
    # a "don't know" answer never makes a comparison true (not even "ne"), only "unknown"
    assert not evaluate(Leaf(answer="dk", op="ne", value="a"), facts)
    assert evaluate(Leaf(answer="dk", op="unknown"), facts)
    assert evaluate(Leaf(answer="missing", op="unknown"), facts)
    assert evaluate(Leaf(overall=True, op="gte", value=50), facts)


def test_normalise_answer_messages():
    q = _q()
    assert normalise_answer(q, "b") == "b"
    with pytest.raises(AnswerError, match="Choose one of the options"):
        normalise_answer(q, "c")
    n = _q(type="number", options=[], min=0, max=7, score_bands=[{"min": 0, "score": 0}, {"min": 5, "score": 100}])
    assert normalise_answer(n, " 3,0 ") == 3
    for bad, message in (("lots", "Enter a number"), ("9", "at most 7"), ("-1", "at least 0"), ("nan", "Enter a number")):
        with pytest.raises(AnswerError, match=message):
            normalise_answer(n, bad)
    t = _q(type="text", options=[], max_length=10)
    assert normalise_answer(t, "  hi\x00\x07 there ") == "hi there"
    with pytest.raises(AnswerError, match="at most 10 characters"):
        normalise_answer(t, "x" * 11)
    m = _q(type="multi", dont_know=True)
    with pytest.raises(AnswerError, match="cannot be combined"):
        normalise_answer(m, ["a", "dont_know"])
    assert normalise_answer(m, ["b", "a", "b"]) == ["a", "b"]


def test_question_scores_by_type():
    assert question_score(_q(), "b") == 100
    assert question_score(_q(dont_know=True), "dont_know") is None
    m = _q(type="multi", options=[{"value": "a", "label": "A", "score": 60}, {"value": "b", "label": "B", "score": 60}])
    assert question_score(m, ["a", "b"]) == 100  # capped
    n = _q(type="number", options=[], score_bands=[{"min": 0, "score": 0}, {"min": 2, "score": 50}, {"min": 5, "score": 100}])
    assert [question_score(n, v) for v in (0, 3, 7)] == [0, 50, 100]


def test_weak_answers_score_low_and_are_flagged(content):
    worst = {}
    for q in content.questions.values():
        scored = [o for o in q.options if o.score is not None]
        if scored:
            w = min(scored, key=lambda o: o.score)
            worst[q.id] = [w.value] if q.type.value == "multi" else w.value
    result = score_assessment(content, worst, "Town")
    assert result.level is not None and result.level.id == content.levels[0].id
    assert len(result.risks) >= len(content.dimensions)
    assert result.to_json()["findings"][0]["kind"] == "risk"


def test_level_thresholds(content):
    assert level_for(content.levels, 0).id == content.levels[0].id
    assert level_for(content.levels, 100).id == content.levels[-1].id
    assert level_for(content.levels, None) is None


def test_next_level_plan_reaches_the_next_threshold(content):
    dim = content.dimensions[0]
    scored = [q for q in dim.questions if q.scored and q.show_if is None]
    worst = {}
    for q in scored:
        opts = [o for o in q.options if o.score is not None]
        if opts:
            w = min(opts, key=lambda o: o.score)
            worst[q.id] = [w.value] if q.type.value == "multi" else w.value
    before = score_assessment(content, worst).dimension(dim.id)
    plan = before.plan
    assert plan is not None and plan.reachable and plan.changes
    changed = dict(worst)
    for change in plan.changes:
        changed[change.question.id] = change.proposed
    after = score_assessment(content, changed).dimension(dim.id)
    assert after.score >= plan.target.min
    # and it is the fewest: leaving out the last change stays below the threshold
    fewer = dict(worst)
    for change in plan.changes[:-1]:
        fewer[change.question.id] = change.proposed
    assert score_assessment(content, fewer).dimension(dim.id).score < plan.target.min


def test_thin_case_does_not_outrank_by_chance():
    src = [Source(document="004_1abee1b91b2d696e.txt", quote="Creative Valley emerged during")]

    def case(cid: str, dims: dict[str, float]) -> CaseStudy:
        return CaseStudy(id=cid, name=cid, place="p", country="c", type="hub", period="x", summary="s",
                         profile={d: ProfileJudgement(score=s, note="n", sources=src) for d, s in dims.items()},
                         sources=src)

    town = {d: 70.0 for d in ("strategy", "cooperation", "funding", "governance")}
    thin = compare_case(case("thin", {"strategy": 70}), town, {})
    rich = compare_case(case("rich", {"strategy": 75, "cooperation": 65, "funding": 70, "governance": 72}), town, {})
    assert rich.similarity > thin.similarity


def test_check_answers_rejects_unknown_ids(content):
    with pytest.raises(AnswerError, match="No such question"):
        check_answers(content.questions, {"nope": 1})


# --------------------------------------------------------------------------- the town's size


def _scaled_questions() -> list[Question]:
    content = load_content(REPO_ROOT)
    return [q for q in content.questions.values() if q.score_bands_by is not None]


def test_counts_that_depend_on_size_are_scaled_by_population_band():
    ids = {q.id for q in _scaled_questions()}
    assert {"economy_creative_businesses", "coop_joint_projects", "heritage_events_month"} <= ids


@pytest.mark.parametrize("question", _scaled_questions(), ids=lambda q: q.id)
def test_the_same_count_scores_higher_in_a_smaller_town(question: Question):
    content = load_content(REPO_ROOT)
    bands = [o.value for o in content.questions["population_band"].options]  # smallest first
    counts = sorted({b.min for listed in question.all_band_lists for b in listed} | {1, 7, 30})
    strictly_higher = False
    for count in counts:
        scores = [question_score(question, count, {"population_band": band}) for band in bands]
        assert scores == sorted(scores, reverse=True), (count, dict(zip(bands, scores)))
        strictly_higher |= scores[0] > scores[-1]
    assert strictly_higher


def test_a_small_town_is_not_judged_by_a_city_s_count():
    content = load_content(REPO_ROOT)
    q = content.questions["economy_creative_businesses"]
    small = score_assessment(content, {"population_band": "under_10k", q.id: 25})
    city = score_assessment(content, {"population_band": "over_250k", q.id: 25})
    economy = lambda r: next(d for d in r.dimensions if d.dimension.id == "economy")  # noqa: E731
    assert question_score(q, 25, small.answers) == 100 and economy(small).score == 100
    assert economy(city).score is not None and economy(city).score < 50
    # A town whose band is not known is judged by the question's default bands.
    assert question_score(q, 25) == question_score(q, 25, {"population_band": "10k_50k"})


def test_the_plan_to_the_next_level_proposes_the_count_of_the_town_s_band():
    content = load_content(REPO_ROOT)
    answers = {"population_band": "under_10k", "coop_frequency": "formal", "coop_partner_types": ["heritage", "research",
               "public", "civil_society", "creative_business"], "coop_academic": "yes", "coop_public_private": "informal",
               "coop_facilitator": "part_time", "coop_joint_projects": 0}
    result = score_assessment(content, answers)
    plan = next(d for d in result.dimensions if d.dimension.id == "cooperation").plan
    assert plan is not None and plan.target.id == "advanced"
    proposed = [c.proposed for c in plan.changes if c.question.id == "coop_joint_projects"]
    assert proposed == [4]  # full marks for a town under 10,000, not the 6 of a bigger town


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("under_10k: [", "under_1k: ["), r"\[economy_creative_businesses\] score_bands_by: 'population_band' has no option 'under_1k'"),
        (("        over_250k: [{min: 0, score: 0}, {min: 40, score: 25}, ", "        over_250k: [{min: 0, score: 0}, {min: 40, score: 25}, {min: 10, score: 30}, "),
         r"band 'over_250k': the 'min' of its score bands must strictly ascend"),
        (("      question: population_band", "      question: settlement_size"),
         r"\[economy_creative_businesses\] score_bands_by must name a single-choice profile question, not 'settlement_size'"),
    ],
    ids=["unknown band", "bands not ascending", "unknown question"],
)
def test_a_malformed_scaling_is_refused_with_file_and_line(content_copy: Path, edit: tuple[str, str], expected: str):
    path = content_copy / "questions" / "economy.yaml"
    text = path.read_text()
    assert text.count(edit[0]) == 1
    path.write_text(text.replace(*edit))
    with pytest.raises(ContentError, match=r"questions/economy.yaml:\d+: .*" + expected):
        load_content(content_copy)


def test_a_band_left_out_is_refused(content_copy: Path):
    path = content_copy / "questions" / "heritage.yaml"
    lines = [line for line in path.read_text().splitlines(keepends=True) if not line.startswith("        50k_100k: [")]
    path.write_text("".join(lines))
    with pytest.raises(ContentError, match=r"questions/heritage.yaml:\d+: \[heritage_events_month\] score_bands_by: no score bands for '50k_100k'"):
        load_content(content_copy)


# --------------------------------------------------------------------------- an open-ended plan


def test_an_open_ended_plan_is_its_own_answer_and_not_a_short_plan():
    content = load_content(REPO_ROOT)
    open_ended = score_assessment(content, {"strategy_plan": "adopted", "strategy_end": "open_ended", "strategy_years": 0})
    short = score_assessment(content, {"strategy_plan": "adopted", "strategy_end": "end_date", "strategy_years": 2})
    assert "strategy-short-horizon" not in {f.id for f in open_ended.findings}
    assert "strategy_years" not in open_ended.answers  # not asked of an open-ended plan, so not scored as 0 years
    assert "strategy-short-horizon" in {f.id for f in short.findings}
    # Saved before the end-date question existed: the number still counts.
    older = score_assessment(content, {"strategy_plan": "adopted", "strategy_years": 1})
    assert "strategy-short-horizon" in {f.id for f in older.findings}
