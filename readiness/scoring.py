"""Scoring: content + answers -> result. Pure functions, no I/O.

- A question's score is its option's score (0-100), the capped sum of the
  chosen options' scores (multi), or the band its value falls in (number);
  where the town's size matters the bands are the ones of its population band
  (``score_bands_by`` in the question bank).
  "Don't know", unanswered and hidden questions do not count.
- A dimension's score is the weighted mean of its counted questions.
- The overall score is the mean of the dimension scores; levels come from
  ``rules/levels.yaml``.
- Rules are then evaluated over answers and scores. A risk is reported as a
  risk whatever the averages say.
"""

from __future__ import annotations

from typing import Mapping

from .answers import is_dont_know, is_visible, visible_answers
from .compare import similar_cases
from .conditions import AnswerValue, Facts, evaluate, is_known
from .content_model import Content
from .models import Dimension, Level, Question, QuestionType
from .advice import yields
from .priorities import SEVERITY_ORDER, rank_findings, summarise  # noqa: F401 - SEVERITY_ORDER re-exported
from .results import (  # noqa: F401 - the result types, re-exported
    AssessmentResult,
    Change,
    DataGap,
    DimensionResult,
    Driver,
    Finding,
    LevelPlan,
    Summary,
    SummaryAction,
)


def question_score(q: Question, value: AnswerValue, answers: Mapping[str, AnswerValue] | None = None) -> float | None:
    """The 0-100 score of one answer, or None when it does not count. ``answers`` (the
    town's) choose the score bands of its population band where the question has them."""
    if not q.scored or not is_known(value):
        return None
    if q.type == QuestionType.multi:
        chosen = [q.option(v) for v in value]  # type: ignore[union-attr]
        scores = [o.score for o in chosen if o is not None and o.score is not None]
        return min(100.0, sum(scores)) if scores else None
    if q.type == QuestionType.number:
        number = float(value)  # type: ignore[arg-type]
        bands = [b for b in sorted(q.bands_for(answers or {}), key=lambda b: b.min) if number >= b.min]
        return bands[-1].score if bands else 0.0
    opt = q.option(str(value))
    return opt.score if opt else None


def level_for(levels: list[Level], score: float | None) -> Level | None:
    if score is None:
        return None
    return [lv for lv in levels if score >= lv.min][-1]


def next_level(levels: list[Level], score: float | None) -> Level | None:
    if score is None:
        return levels[0]
    return next((lv for lv in levels if lv.min > score), None)


def _weighted(scored: list[tuple[Question, float]]) -> float | None:
    total = sum(q.weight for q, _ in scored)
    return sum(q.weight * s for q, s in scored) / total if total else None


def score_dimension(content: Content, dim: Dimension, answers: Mapping[str, AnswerValue]) -> DimensionResult:
    applicable = [q for q in dim.questions if q.scored and is_visible(q, answers)]
    scored = [(q, s) for q in applicable if (s := question_score(q, answers.get(q.id), answers)) is not None]
    score = _weighted(scored)
    total_w = sum(q.weight for q, _ in scored)
    drivers = []
    if score is not None and total_w:
        # Effect = how many points this answer moves the dimension away from the middle (50).
        drivers = sorted(
            (Driver(q, answers.get(q.id), s, q.weight * (s - 50) / total_w) for q, s in scored),
            key=lambda d: -abs(d.effect),
        )[:3]
    plan = plan_next_level(content.levels, applicable, answers, score)
    return DimensionResult(
        dimension=dim,
        score=score,
        level=level_for(content.levels, score),
        answered=sum(1 for q in applicable if is_known(answers.get(q.id))),
        applicable=len(applicable),
        drivers=drivers,
        plan=plan,
    )


def _proposal(
    q: Question, points_wanted: float, answers: Mapping[str, AnswerValue]
) -> tuple[AnswerValue, float] | None:
    """The answer to suggest: for a choice, the lowest option worth ``points_wanted``
    (weighted), else the best one; for multi and number questions, the best answer."""
    if q.type == QuestionType.multi:
        ranked = sorted((o for o in q.options if o.score and not o.exclusive), key=lambda o: -(o.score or 0))
        picked, total = [], 0.0
        for o in ranked:
            if total >= 100:
                break
            picked.append(o.value)
            total += o.score or 0
        return ([o.value for o in q.options if o.value in picked], min(total, 100.0)) if picked else None
    if q.type == QuestionType.number:
        bands = q.bands_for(answers)
        if not bands:
            return None
        top = max(bands, key=lambda b: (b.score, -b.min))
        return (int(top.min) if float(top.min).is_integer() else top.min, top.score)
    ranked = sorted((o for o in q.options if o.score is not None), key=lambda o: o.score or 0)
    if not ranked:
        return None
    enough = next((o for o in ranked if q.weight * (o.score or 0) >= points_wanted), ranked[-1])
    return enough.value, enough.score or 0.0


def plan_next_level(
    levels: list[Level], applicable: list[Question], answers: Mapping[str, AnswerValue], score: float | None
) -> LevelPlan | None:
    """Greedy: change the answers with the largest possible gain first until the next
    threshold is crossed; with fixed weights that takes the fewest changes.

    Unknown answers count here as zero, so the plan is conservative: the real
    score, which leaves unknowns out, ends at least as high.
    """
    target = next_level(levels, score)
    if target is None or not applicable:
        return None
    total_w = sum(q.weight for q in applicable)
    current = {q.id: question_score(q, answers.get(q.id), answers) or 0.0 for q in applicable}
    needed = target.min * total_w - sum(q.weight * current[q.id] for q in applicable)
    candidates = []
    for q in applicable:
        best = _proposal(q, float("inf"), answers)
        if best is not None and best[1] > current[q.id]:
            candidates.append((q.weight * (best[1] - current[q.id]), q))
    changes: list[Change] = []
    for _, q in sorted(candidates, key=lambda c: -c[0]):
        if needed <= 0:
            break
        base = q.weight * current[q.id]
        value, new_score = _proposal(q, needed + base, answers)  # type: ignore[misc]
        gain = q.weight * new_score - base
        changes.append(Change(q, answers.get(q.id), value, gain / total_w))
        needed -= gain
    return LevelPlan(target=target, changes=changes, reachable=needed <= 0)


def find_data_gaps(content: Content, answers: Mapping[str, AnswerValue]) -> list[DataGap]:
    gaps = []
    for dim in content.dimensions:
        for q in dim.questions:
            if not is_visible(q, answers):
                continue
            v = answers.get(q.id)
            if is_dont_know(v):
                gaps.append(DataGap(q, dim.title, "dont_know"))
            elif v is None and q.scored:
                gaps.append(DataGap(q, dim.title, "unanswered"))
    return gaps


def evaluate_rules(content: Content, facts: Facts) -> list[Finding]:
    """The findings whose rules apply, in content order (``rank_findings`` orders them).

    Each piece of advice once (``readiness.advice.yields``): a dimension's generic risk
    is left out when a specific risk of the same dimension, at least as severe, applies,
    and a rule is left out when a rule it yields to (``yields_to``) applies; a
    recommendation is left out when a rule in its ``unless`` applies or when the answers
    say it is done or under way (``done_when``).
    """
    fired = [Finding(rule) for rule in content.rules if evaluate(rule.when, facts)]
    ids = {f.id for f in fired}
    kept = []
    for f in fired:
        if _yields(f, fired):
            continue
        recs = tuple(r for r in f.rule.recommendations if not ids.intersection(r.unless)
                     and not (r.done_when is not None and evaluate(r.done_when, facts)))
        kept.append(f if len(recs) == len(f.rule.recommendations) or not recs else Finding(f.rule, kept=recs))
    return kept


def _yields(f: Finding, fired: list[Finding]) -> bool:
    return any(other is not f and yields(f.rule, other.rule) for other in fired)


def score_assessment(
    content: Content, answers: Mapping[str, AnswerValue], town: str = "", country: str = ""
) -> AssessmentResult:
    """Score one town's answers (already normalised) against the content."""
    answers = visible_answers(content.questions, answers)
    dims = [score_dimension(content, d, answers) for d in content.dimensions]
    known = [d.score for d in dims if d.score is not None]
    overall = sum(known) / len(known) if known else None
    facts = Facts(answers=answers, dimension_scores={d.id: d.score for d in dims}, overall=overall)
    findings = rank_findings(evaluate_rules(content, facts), dims)
    return AssessmentResult(
        town=town,
        country=country,
        version=content.version,
        overall=overall,
        level=level_for(content.levels, overall),
        dimensions=dims,
        findings=findings,
        similar_cases=similar_cases(content, answers, {d.id: d.score for d in dims}),
        data_gaps=find_data_gaps(content, answers),
        answers=dict(answers),
        summary=summarise(findings),
    )
