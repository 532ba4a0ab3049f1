"""Persistence of group assessments (issue 5): contributor links and contributions.
Plain SQLAlchemy, no Flask; one short session per call; tokens stored as sha256 only.
"""

from __future__ import annotations

import secrets
from typing import Mapping

from sqlalchemy import delete, func, select

from readiness.conditions import AnswerValue

from .models import Assessment, Contribution, Invitation, utcnow
from .store import Sessions, hash_token, new_token


def create_invitation(sessions: Sessions, assessment_id: int) -> tuple[Invitation, str]:
    token = new_token()
    inv = Invitation(public_id=secrets.token_hex(8), assessment_id=assessment_id, token_hash=hash_token(token))
    with sessions.begin() as session:
        session.add(inv)
    return inv, token


def invitations(sessions: Sessions, assessment_id: int) -> list[Invitation]:
    with sessions() as session:
        return list(session.scalars(select(Invitation).where(Invitation.assessment_id == assessment_id).order_by(Invitation.id)))


def active_invitation(sessions: Sessions, public_id: str) -> Invitation | None:
    """The invitation, unless unknown or revoked."""
    if not public_id or len(public_id) > 32:
        return None
    with sessions() as session:
        return session.scalar(select(Invitation).where(Invitation.public_id == public_id, Invitation.revoked_at.is_(None)))


def invitation_by_token(sessions: Sessions, token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    with sessions() as session:
        return session.scalar(
            select(Invitation).where(Invitation.token_hash == hash_token(token), Invitation.revoked_at.is_(None))
        )


def revoke(sessions: Sessions, assessment_id: int, public_id: str) -> bool:
    with sessions.begin() as session:
        inv = session.scalar(select(Invitation).where(Invitation.public_id == public_id, Invitation.assessment_id == assessment_id))
        if inv is None:
            return False
        inv.revoked_at = inv.revoked_at or utcnow()
        return True


def assessment_of(sessions: Sessions, assessment_id: int) -> Assessment | None:
    with sessions() as session:
        return session.get(Assessment, assessment_id)


def set_sharing(sessions: Sessions, assessment_id: int, share: bool) -> None:
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        a.share_contributions = share


class ContributionCap(Exception):
    """The invitation (or its assessment) has as many contributions as it may have."""


def create_contribution(sessions: Sessions, invitation: Invitation, role: str,
                        per_invitation: int | None = None, per_assessment: int | None = None) -> Contribution:
    """A new contribution through ``invitation``; ``ContributionCap`` beyond the caps."""
    c = Contribution(public_id=secrets.token_hex(8), invitation_id=invitation.id,
                     assessment_id=invitation.assessment_id, role=role, answers={})
    with sessions.begin() as session:
        # The assessment's row lock (SQLite: BEGIN IMMEDIATE) serialises the count and the insert.
        session.get(Assessment, invitation.assessment_id, with_for_update=True)
        counted = select(func.count()).select_from(Contribution)
        if per_invitation is not None and session.scalar(
                counted.where(Contribution.invitation_id == invitation.id)) >= per_invitation:
            raise ContributionCap("this contributor link has reached its number of contributions")
        if per_assessment is not None and session.scalar(
                counted.where(Contribution.assessment_id == invitation.assessment_id)) >= per_assessment:
            raise ContributionCap("this group assessment has reached its number of contributions")
        session.add(c)
    return c


def contribution_counts(sessions: Sessions, assessment_id: int) -> dict[int, int]:
    """Contributions per invitation id of one assessment."""
    with sessions() as session:
        rows = session.execute(select(Contribution.invitation_id, func.count()).where(
            Contribution.assessment_id == assessment_id).group_by(Contribution.invitation_id))
        return {inv_id: n for inv_id, n in rows}


def delete_revoked_contributions(sessions: Sessions, assessment_id: int, public_id: str) -> int | None:
    """Delete every contribution made through a revoked link of this assessment; how many
    (None: no such revoked link; an active link's contributions are never deleted here)."""
    with sessions.begin() as session:
        inv = session.scalar(select(Invitation).where(Invitation.public_id == public_id,
                                                      Invitation.assessment_id == assessment_id,
                                                      Invitation.revoked_at.is_not(None)))
        if inv is None:
            return None
        return session.execute(delete(Contribution).where(Contribution.invitation_id == inv.id)).rowcount


def contribution(sessions: Sessions, public_id: str) -> Contribution | None:
    if not public_id or len(public_id) > 32:
        return None
    with sessions() as session:
        return session.scalar(select(Contribution).where(Contribution.public_id == public_id))


def contributions(sessions: Sessions, assessment_id: int) -> list[Contribution]:
    with sessions() as session:
        return list(session.scalars(select(Contribution).where(Contribution.assessment_id == assessment_id).order_by(Contribution.id)))


def save_contribution(sessions: Sessions, contribution_id: int, values: Mapping[str, AnswerValue]) -> None:
    """Set the given answers of one contributor (``None`` deletes), in one transaction."""
    with sessions.begin() as session:
        c = session.get(Contribution, contribution_id, with_for_update=True)
        assert c is not None
        answers = dict(c.answers or {})
        for qid, value in values.items():
            if value is None:
                answers.pop(qid, None)
            else:
                answers[qid] = value
        c.answers = answers  # a new dict: the JSON column sees the change
        c.updated_at = utcnow()
