"""What scoring produces: the result of one assessment and its parts.

Plain frozen dataclasses; ``readiness.scoring`` builds them, ``readiness.priorities``
orders the findings and summarises them, the report and the web app show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .compare import SimilarCase
from .conditions import AnswerValue
from .models import Dimension, Level, Question, Recommendation, Rule, Source
from .numbers import one_decimal


@dataclass(frozen=True)
class Driver:
    """An answer and how far it pulled its dimension up (+) or down (-), in points."""

    question: Question
    value: AnswerValue
    score: float
    effect: float


@dataclass(frozen=True)
class Change:
    question: Question
    current: AnswerValue
    proposed: AnswerValue
    gain: float


@dataclass(frozen=True)
class LevelPlan:
    """The fewest answer changes that would lift a dimension to its next level."""

    target: Level
    changes: list[Change]
    reachable: bool


@dataclass(frozen=True)
class DimensionResult:
    dimension: Dimension
    score: float | None
    level: Level | None
    answered: int
    applicable: int
    drivers: list[Driver]
    plan: LevelPlan | None

    @property
    def id(self) -> str:
        return self.dimension.id

    @property
    def title(self) -> str:
        return self.dimension.title


@dataclass(frozen=True)
class Finding:
    rule: Rule

    id: str = field(init=False)
    kind: str = field(init=False)
    # The recommendations left after those whose ``unless`` rules apply (None: all of them).
    kept: tuple[Recommendation, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.rule.id)
        object.__setattr__(self, "kind", self.rule.kind)

    @property
    def dimension(self) -> str:
        return self.rule.dimension

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def recommendations(self) -> list[Recommendation]:
        return list(self.kept) if self.kept is not None else self.rule.recommendations

    @property
    def sources(self) -> list[Source]:
        return self.rule.sources


@dataclass(frozen=True)
class DataGap:
    question: Question
    dimension_title: str
    reason: str  # "dont_know" or "unanswered"


@dataclass(frozen=True)
class AssessmentResult:
    town: str
    country: str
    version: str
    overall: float | None
    level: Level | None
    dimensions: list[DimensionResult]
    findings: list[Finding]
    similar_cases: list[SimilarCase]
    data_gaps: list[DataGap]
    answers: dict[str, AnswerValue]
    # The main risks, strengths and first actions (readiness.priorities).
    summary: Summary

    @property
    def risks(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "risk"]

    @property
    def strengths(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "strength"]

    def dimension(self, dim_id: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.id == dim_id)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of ``readiness score --json``."""
        return {
            "town": self.town,
            "country": self.country,
            "overall": {"score": one_decimal(self.overall), "level": self.level.label if self.level else None},
            "dimensions": [
                {
                    "id": d.id,
                    "title": d.title,
                    "score": one_decimal(d.score),
                    "level": d.level.label if d.level else None,
                    "answered": d.answered,
                    "applicable": d.applicable,
                }
                for d in self.dimensions
            ],
            "findings": [
                {
                    "id": f.id,
                    "kind": f.kind,
                    "dimension": f.dimension,
                    "severity": f.severity,
                    "title": f.title,
                    "recommendation": f.recommendations[0].action,
                    "recommendations": [r.model_dump() for r in f.recommendations],
                    "sources": [s.model_dump() for s in f.sources],
                }
                for f in self.findings
            ],
            "similar_cases": [
                {"id": s.case.id, "name": s.case.name, "similarity": round(s.similarity, 3), "reasons": [r.to_json() for r in s.reasons]}
                for s in self.similar_cases
            ],
            "data_gaps": [{"question": g.question.id, "reason": g.reason} for g in self.data_gaps],
            "summary": self.summary.to_json(),
            "version": self.version,
        }


@dataclass(frozen=True)
class SummaryAction:
    """One first action: a recommendation of one of the summary's findings."""

    finding: str
    action: str
    lead: str
    horizon: str  # the horizon id ("now", "6-12 months", "1-3 years")
    indicator: str

    def to_json(self) -> dict[str, str]:
        return {
            "finding": self.finding,
            "action": self.action,
            "lead": self.lead,
            "horizon": self.horizon,
            "indicator": self.indicator,
        }


@dataclass(frozen=True)
class Summary:
    risks: tuple["Finding", ...]
    strengths: tuple["Finding", ...]
    actions: tuple[SummaryAction, ...]

    @property
    def findings(self) -> tuple["Finding", ...]:
        """The findings whose actions the summary lists (its risks, or its strengths
        when there is no risk), in rank order."""
        return self.risks or self.strengths

    def to_json(self) -> dict[str, Any]:
        return {
            "risks": [f.id for f in self.risks],
            "strengths": [f.id for f in self.strengths],
            "actions": [a.to_json() for a in self.actions],
        }
