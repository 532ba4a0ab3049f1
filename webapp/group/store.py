"""Persistence of group assessments: per-person contributor links, contributions, the
owner's voice settings and agreed answers. Plain SQLAlchemy, no Flask; one short session
per call; tokens stored as sha256 only.
"""

from __future__ import annotations

import secrets
from typing import Mapping

from sqlalchemy import delete, func, select

from readiness.conditions import AnswerValue

from webapp.models import AgreedAnswer, Assessment, Contribution, Invitation, utcnow
from webapp import tokens
from webapp.tokens import hash_token, new_token
from webapp.wizard.store import Sessions


def create_invitation(sessions: Sessions, assessment_id: int, label: str = "", role: str = "",
                      issued_via: str | None = None) -> tuple[Invitation, str]:
    """A link for one person (``label``: a name or a description), speaking for ``role``;
    ``issued_via``: the link it is made through (webapp/access.py)."""
    token = new_token()
    inv = Invitation(public_id=secrets.token_hex(8), assessment_id=assessment_id, token_hash=hash_token(token),
                     label=label, role=role, issued_via=issued_via)
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
    return tokens.by_token(sessions, Invitation, token, "token_hash", Invitation.revoked_at.is_(None))


def revoke(sessions: Sessions, assessment_id: int, public_id: str) -> bool:
    with sessions.begin() as session:
        inv = session.scalar(select(Invitation).where(Invitation.public_id == public_id, Invitation.assessment_id == assessment_id))
        if inv is None:
            return False
        inv.revoked_at = inv.revoked_at or utcnow()
        return True


def rotate_invitation(sessions: Sessions, assessment_id: int, public_id: str,
                      issued_via: str | None = None) -> str | None:
    """A new link for the same person: the old one stops working, their answers stay."""
    token = new_token()
    with sessions.begin() as session:
        inv = session.scalar(select(Invitation).where(Invitation.public_id == public_id,
                                                      Invitation.assessment_id == assessment_id,
                                                      Invitation.revoked_at.is_(None)))
        if inv is None:
            return None
        inv.token_hash, inv.issued_via = hash_token(token), issued_via
    return token


def invitation(sessions: Sessions, invitation_id: int) -> Invitation | None:
    with sessions() as session:
        return session.get(Invitation, invitation_id)


def contribution_of(sessions: Sessions, invitation_id: int) -> Contribution | None:
    """The person's contribution (one per invitation), if they started."""
    with sessions() as session:
        return session.scalar(select(Contribution).where(Contribution.invitation_id == invitation_id).order_by(Contribution.id))


def set_voice(sessions: Sessions, assessment_id: int, owner_role: str, show_names: bool, share: bool) -> None:
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        a.owner_role, a.show_names, a.share_contributions = owner_role, show_names, share


def agreed_answers(sessions: Sessions, assessment_id: int) -> list[AgreedAnswer]:
    with sessions() as session:
        return list(session.scalars(select(AgreedAnswer).where(AgreedAnswer.assessment_id == assessment_id)
                                    .order_by(AgreedAnswer.id)))


def set_agreed(sessions: Sessions, assessment_id: int, question_id: str, value: AnswerValue, note: str,
               views: list) -> None:
    """Record (or replace) the agreed answer of a question, with the views at that moment."""
    with sessions.begin() as session:
        row = session.scalar(select(AgreedAnswer).where(AgreedAnswer.assessment_id == assessment_id,
                                                        AgreedAnswer.question_id == question_id))
        if row is None:
            row = AgreedAnswer(assessment_id=assessment_id, question_id=question_id)
            session.add(row)
        row.value, row.note, row.views, row.created_at = value, note, views, utcnow()


def clear_agreed(sessions: Sessions, assessment_id: int, question_id: str) -> None:
    with sessions.begin() as session:
        session.execute(delete(AgreedAnswer).where(AgreedAnswer.assessment_id == assessment_id,
                                                   AgreedAnswer.question_id == question_id))


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
    """The person's contribution: with a per-person link (it has a role) their existing one;
    else (an old shared link: one per person who joined) a new one, ``ContributionCap``
    beyond the caps."""
    with sessions.begin() as session:
        # The assessment's row lock (SQLite: BEGIN IMMEDIATE) serialises the count and the insert.
        session.get(Assessment, invitation.assessment_id, with_for_update=True)
        if invitation.role:
            c = session.scalar(select(Contribution).where(Contribution.invitation_id == invitation.id).order_by(Contribution.id))
            if c is not None:
                return c
        counted = select(func.count()).select_from(Contribution)
        if per_invitation is not None and session.scalar(
                counted.where(Contribution.invitation_id == invitation.id)) >= per_invitation:
            raise ContributionCap("this contributor link has reached its number of contributions")
        if per_assessment is not None and session.scalar(
                counted.where(Contribution.assessment_id == invitation.assessment_id)) >= per_assessment:
            raise ContributionCap("this group assessment has reached its number of contributions")
        c = Contribution(public_id=secrets.token_hex(8), invitation_id=invitation.id,
                         assessment_id=invitation.assessment_id, role=role, answers={})
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
