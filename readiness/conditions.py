"""Evaluate condition trees (``all`` / ``any`` / ``not`` over whitelisted comparisons).

Conditions are data in the YAML files; the operators they may use are the keys
of ``OPERATORS`` and nothing else. An answer that is missing or "don't know"
makes every comparison on it false, except ``answered`` / ``unknown``: a rule
must not fire on what the officer does not know (the report lists those as
data gaps instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from .models import DONT_KNOW, AllOf, AnyOf, Condition, Leaf, NotOf

AnswerValue = str | float | int | list[str] | None


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _num(v: Any) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _cmp(fn: Callable[[float, float], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, expected: Any) -> bool:
        a, b = _num(actual), _num(expected)
        return a is not None and b is not None and fn(a, b)

    return compare


# Operator name -> predicate(actual, expected). The only vocabulary rules may use.
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "in": lambda a, b: a in _as_list(b),
    "not_in": lambda a, b: a not in _as_list(b),
    "lt": _cmp(lambda a, b: a < b),
    "lte": _cmp(lambda a, b: a <= b),
    "gt": _cmp(lambda a, b: a > b),
    "gte": _cmp(lambda a, b: a >= b),
    # multi-choice answers (lists)
    "includes": lambda a, b: b in _as_list(a),
    "includes_any": lambda a, b: bool(set(_as_list(a)) & set(_as_list(b))),
    "excludes": lambda a, b: b not in _as_list(a),
    "count_gte": lambda a, b: len(_as_list(a)) >= (_num(b) or 0),
    "count_lte": lambda a, b: len(_as_list(a)) <= (_num(b) or 0),
}
# Operators about whether an answer is known at all; they see missing answers.
PRESENCE_OPERATORS: dict[str, Callable[[bool, Any], bool]] = {
    "answered": lambda known, b: known == bool(b if b is not None else True),
    "unknown": lambda known, b: (not known) == bool(b if b is not None else True),
}
ALL_OPERATORS = frozenset(OPERATORS) | frozenset(PRESENCE_OPERATORS)


def is_known(value: AnswerValue) -> bool:
    if value is None or value == "" or value == []:
        return False
    return value != DONT_KNOW and value != [DONT_KNOW]


@dataclass(frozen=True)
class Facts:
    """What a condition can look at: answers and (once computed) scores."""

    answers: Mapping[str, AnswerValue]
    dimension_scores: Mapping[str, float | None] | None = None
    overall: float | None = None


def evaluate(cond: Condition, facts: Facts) -> bool:
    if isinstance(cond, AllOf):
        return all(evaluate(c, facts) for c in cond.all)
    if isinstance(cond, AnyOf):
        return any(evaluate(c, facts) for c in cond.any)
    if isinstance(cond, NotOf):
        return not evaluate(cond.not_, facts)
    return _leaf(cond, facts)


def _leaf(leaf: Leaf, facts: Facts) -> bool:
    if leaf.answer:
        actual: Any = facts.answers.get(leaf.answer)
        known = is_known(actual)
    elif leaf.dimension:
        if facts.dimension_scores is None:
            raise ValueError("dimension scores are not available in this condition")
        actual = facts.dimension_scores.get(leaf.dimension)
        known = actual is not None
    else:
        actual, known = facts.overall, facts.overall is not None
    if leaf.op in PRESENCE_OPERATORS:
        return PRESENCE_OPERATORS[leaf.op](known, leaf.value)
    if not known:
        return False
    return OPERATORS[leaf.op](actual, leaf.value)


def leaves(cond: Condition) -> list[Leaf]:
    """Every comparison in a tree, for cross-reference checks."""
    if isinstance(cond, AllOf):
        return [leaf for c in cond.all for leaf in leaves(c)]
    if isinstance(cond, AnyOf):
        return [leaf for c in cond.any for leaf in leaves(c)]
    if isinstance(cond, NotOf):
        return leaves(cond.not_)
    return [cond]


def uses_scores(cond: Condition) -> bool:
    return any(leaf.dimension or leaf.overall for leaf in leaves(cond))
