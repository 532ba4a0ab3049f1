"""The anonymous peer pool: one row per consenting town (its latest submitted assessment),
holding only the population band, the country and the dimension scores. Withdrawing
consent deletes the town's rows, so it leaves every figure at once. Plain SQLAlchemy."""

from __future__ import annotations

from typing import Mapping

from sqlalchemy import delete, or_, select

from readiness.peers import PeerEntry as CorePeer

from webapp.models import Assessment, PeerEntry
from webapp.wizard.store import Sessions


def _town(a: Assessment) -> object:
    """The rows of the same town: those of any assessment of its workspace (as it is now),
    or the assessment's own without one."""
    if a.workspace_id is not None:
        same = select(Assessment.id).where(Assessment.workspace_id == a.workspace_id)
        return or_(PeerEntry.assessment_id.in_(same), PeerEntry.assessment_id == a.id)
    return PeerEntry.assessment_id == a.id


def join(sessions: Sessions, assessment_id: int, band: str, scores: Mapping[str, float | None]) -> None:
    """Put the assessment in the pool, replacing whatever the same town had there."""
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        session.execute(delete(PeerEntry).where(_town(a)))
        session.add(PeerEntry(assessment_id=a.id, workspace_id=a.workspace_id, population_band=band,
                              country=a.country, scores=dict(scores)))


def withdraw(sessions: Sessions, assessment_id: int) -> None:
    """Take the town out of the pool: every row of it, whichever assessment put it there."""
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        if a is not None:
            session.execute(delete(PeerEntry).where(_town(a)))


def in_pool(sessions: Sessions, assessment_id: int) -> bool:
    with sessions() as session:
        a = session.get(Assessment, assessment_id)
        return a is not None and session.scalar(select(PeerEntry.id).where(_town(a)).limit(1)) is not None


def pool(sessions: Sessions, band: str) -> list[CorePeer]:
    """The pool's entries of one population band (the only ones a town is compared with)."""
    with sessions() as session:
        rows = session.execute(select(PeerEntry, Assessment.workspace_id)
                               .join(Assessment, PeerEntry.assessment_id == Assessment.id)
                               .where(PeerEntry.population_band == band))
        return [CorePeer(_key(ws, r.assessment_id), r.population_band, r.country, r.scores or {}) for r, ws in rows]


def _key(workspace_id: int | None, assessment_id: int) -> str:
    return f"w{workspace_id}" if workspace_id is not None else f"a{assessment_id}"


def town_key(a: Assessment) -> str:
    """The same town, as ``pool`` names it: to leave the town out of its own peers."""
    return _key(a.workspace_id, a.id)
