"""Persistence of town workspaces (issue 5). Plain SQLAlchemy, no Flask.

Like ``store``: one short session per call, one transaction per write, and
capability tokens stored as sha256 only.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select, update

from webapp.models import Answer, Assessment, NetworkMember, Workspace
from webapp import tokens
from webapp.tokens import hash_token, new_token
from webapp.wizard.store import Sessions


def open_workspace(sessions: Sessions, assessment_id: int, founded_via: str | None = None) -> tuple[Workspace, str | None]:
    """The assessment's workspace; created (with its link token, returned once) if it has none.
    ``founded_via``: the resume link it is opened with (webapp/access.py)."""
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        if a.workspace_id is not None:
            ws = session.get(Workspace, a.workspace_id)
            assert ws is not None
            return ws, None
        token = new_token()
        ws = Workspace(public_id=secrets.token_hex(8), token_hash=hash_token(token), town=a.town, country=a.country)
        session.add(ws)
        session.flush()
        a.workspace_id, a.workspace_via = ws.id, founded_via
        return ws, token


def by_id(sessions: Sessions, workspace_id: int) -> Workspace | None:
    with sessions() as session:
        return session.get(Workspace, workspace_id)


def by_public_id(sessions: Sessions, public_id: str) -> Workspace | None:
    if not public_id or len(public_id) > 32:
        return None
    with sessions() as session:
        return session.scalar(select(Workspace).where(Workspace.public_id == public_id))


def by_token(sessions: Sessions, token: str) -> Workspace | None:
    return tokens.by_token(sessions, Workspace, token)


def rotate_token(sessions: Sessions, workspace_id: int, token: str, kept_memberships: set[int],
                 workspace_via: str) -> None:
    """The workspace's new link ``token`` (the old one stops working at once); the network
    memberships in ``kept_memberships`` move to it (``workspace_via``), the others lapse."""
    with sessions.begin() as session:
        ws = session.get(Workspace, workspace_id)
        assert ws is not None
        ws.token_hash = hash_token(token)
        if kept_memberships:
            session.execute(update(NetworkMember).where(NetworkMember.workspace_id == workspace_id,
                                                        NetworkMember.id.in_(kept_memberships))
                            .values(workspace_via=workspace_via))


def assessments(sessions: Sessions, workspace_id: int) -> list[Assessment]:
    """The workspace's assessments, oldest first."""
    with sessions() as session:
        return list(session.scalars(
            select(Assessment).where(Assessment.workspace_id == workspace_id).order_by(Assessment.created_at, Assessment.id)
        ))


def start_reassessment(sessions: Sessions, workspace_id: int, content_version: str,
                       issued_via: str | None = None) -> tuple[Assessment, str]:
    """A new draft in the workspace, pre-filled with the answers and details of the latest
    submitted assessment (or the latest one if none is submitted); returns it with its resume token."""
    token = new_token()
    with sessions.begin() as session:
        rows = list(session.scalars(
            select(Assessment).where(Assessment.workspace_id == workspace_id).order_by(Assessment.created_at, Assessment.id)
        ))
        assert rows, "a workspace always holds the assessment it was opened from"
        submitted = [a for a in rows if a.status == "submitted"]
        last = (submitted or rows)[-1]
        new = Assessment(
            public_id=secrets.token_hex(8), token_hash=hash_token(token), town=last.town, country=last.country,
            contact_role=last.contact_role, language=last.language, content_version=content_version,
            current_step="profile", workspace_id=workspace_id, issued_via=issued_via,
        )
        session.add(new)
        session.flush()
        for qid, value in session.execute(select(Answer.question_id, Answer.value).where(Answer.assessment_id == last.id)):
            session.add(Answer(assessment_id=new.id, question_id=qid, value=value))
        return new, token
