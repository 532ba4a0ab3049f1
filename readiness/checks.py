"""Structural checks of the content, beyond its schema: unique ids, every
reference resolves, operators and source documents are known.

The loader runs them on every load (the app never starts on broken content);
``readiness.lint`` reports them with the editor's further checks.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterable

from .conditions import ALL_OPERATORS, leaves
from .documents import SEED_DOCUMENTS
from .models import DIMENSION_IDS, DONT_KNOW, Condition, Question, Source

if TYPE_CHECKING:
    from .content_model import Content


def _where(content: "Content", key: str, line: int | None) -> str:
    file = content.files.get(key, "?")
    return f"{file}:{line}" if line else file


def question_where(content: "Content", q: Question) -> str:
    key = "_profile" if q.dimension == "profile" else f"_dim_{q.dimension}"
    return _where(content, key, q.line)


def _condition_problems(content: "Content", cond: Condition, where: str, allow_scores: bool) -> list[str]:
    problems = []
    for leaf in leaves(cond):
        if leaf.op not in ALL_OPERATORS:
            problems.append(f"{where}: unknown operator {leaf.op!r} (known: {', '.join(sorted(ALL_OPERATORS))})")
        if leaf.answer:
            q = content.questions.get(leaf.answer)
            if q is None:
                problems.append(f"{where}: condition names unknown question {leaf.answer!r}")
                continue
            for value in leaf.value if isinstance(leaf.value, list) else [leaf.value]:
                if q.options and isinstance(value, str) and q.option(value) is None:
                    problems.append(f"{where}: question {q.id!r} has no option {value!r}")
        elif leaf.dimension and leaf.dimension not in content.dimension_by_id:
            problems.append(f"{where}: condition names unknown dimension {leaf.dimension!r}")
        if (leaf.dimension or leaf.overall) and not allow_scores:
            problems.append(f"{where} may only look at answers, not scores")
    return problems


def _scaling_problems(content: "Content", q: Question) -> list[str]:
    """``score_bands_by`` names a single-choice profile question and lists bands for
    exactly its options: a town of every size gets thresholds, none made up."""
    scaled = q.score_bands_by
    if scaled is None:
        return []
    where = f"{question_where(content, q)}: [{q.id}] score_bands_by"
    by = next((p for p in content.bank.profile if p.id == scaled.question), None)
    if by is None or by.type.value != "single":
        return [f"{where} must name a single-choice profile question, not {scaled.question!r}"]
    options = [o.value for o in by.options if o.value != DONT_KNOW]
    problems = [f"{where}: {scaled.question!r} has no option {v!r}" for v in scaled.bands if v not in options]
    missing = [v for v in options if v not in scaled.bands]
    if missing:
        problems.append(f"{where}: no score bands for {', '.join(repr(v) for v in missing)} of {scaled.question!r}")
    return problems


def structural_problems(content: "Content") -> list[str]:
    problems: list[str] = []
    dim_ids = [d.id for d in content.dimensions]
    if sorted(dim_ids) != sorted(DIMENSION_IDS) or len(dim_ids) != len(set(dim_ids)):
        problems.append(
            f"questions/_bank.yaml: the dimensions must be exactly {', '.join(DIMENSION_IDS)} (got {', '.join(dim_ids)})"
        )
    all_questions = [*content.bank.profile, *(q for d in content.dimensions for q in d.questions)]
    for qid, n in Counter(q.id for q in all_questions).items():
        if n > 1:
            dupes = [question_where(content, q) for q in all_questions if q.id == qid]
            problems.append(f"{dupes[-1]}: [{qid}] duplicate question id (also at {dupes[0]})")
    for q in all_questions:
        problems += _scaling_problems(content, q)
        if q.show_if is not None:
            problems += _condition_problems(content, q.show_if, f"{question_where(content, q)}: [{q.id}] show_if", False)
    for rid, n in Counter(r.id for r in content.rules).items():
        if n > 1:
            problems.append(f"{content.files.get(f'rule:{rid}', '?')}: [{rid}] duplicate rule id")
    for r in content.rules:
        where = f"{_where(content, f'rule:{r.id}', r.line)}: [{r.id}]"
        if r.dimension not in content.dimension_by_id:
            problems.append(f"{where} unknown dimension {r.dimension!r}")
        problems += _condition_problems(content, r.when, f"{where} when", True)
        if r.presupposes is not None:
            problems += _condition_problems(content, r.presupposes, f"{where} presupposes", False)
        for case_id in r.cases:
            if case_id not in content.case_by_id:
                problems.append(f"{where} unknown case study {case_id!r}")
        for other in r.yields_to:
            if other not in content.rule_by_id or other == r.id:
                problems.append(f"{where} yields_to names no other rule: {other!r}")
        for rec in r.recommendations:
            for name, cond in (("done_when", rec.done_when), ("presupposes", rec.presupposes)):
                if cond is not None:
                    problems += _condition_problems(content, cond, f"{where} a recommendation's {name}", False)
            for other in rec.unless:
                if other not in content.rule_by_id or other == r.id:
                    problems.append(f"{where} a recommendation's unless names no other rule: {other!r}")
        if r.recommendations and all(rec.unless for rec in r.recommendations):
            problems.append(f"{where} every recommendation has 'unless': keep one that always applies")
    for cid, n in Counter(c.id for c in content.cases).items():
        if n > 1:
            problems.append(f"cases: [{cid}] duplicate case id")
    for src in all_sources(content):
        if src[1].document not in SEED_DOCUMENTS:
            problems.append(f"{src[0]}: unknown source document {src[1].document!r}")
    return problems


def all_sources(content: "Content") -> Iterable[tuple[str, Source]]:
    for q in content.questions.values():
        for s in q.sources:
            yield f"{question_where(content, q)}: [{q.id}]", s
    for r in content.rules:
        for s in r.sources:
            yield f"{_where(content, f'rule:{r.id}', r.line)}: [{r.id}]", s
    for c in content.cases:
        where = f"{content.files.get(f'case:{c.id}', '?')}: [{c.id}]"
        for s in c.sources:
            yield where, s
        for group in (c.what_they_did, c.resources, c.results, c.difficulties, c.transferable):
            for statement in group:
                for s in statement.sources:
                    yield where, s
        for judgement in c.profile.values():
            for s in judgement.sources if judgement else []:
                yield where, s
