"""Capability tokens as the database keeps them: a 256-bit secret handed out once, of
which only the sha256 is stored. One lookup and one rotation for every kind of link
(resume, workspace, network lead and join, contributor); what a link grants is
webapp/access.py's business."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

# Longer than any token we issue (43 characters): anything longer is not looked up.
MAX_TOKEN = 100

Row = TypeVar("Row")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def by_token(sessions: sessionmaker[Session], model: type[Row], token: str, column: str = "token_hash",
             *where: Any) -> Row | None:
    """The row of ``model`` whose ``column`` holds this token's hash (and that meets ``where``)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    with sessions() as session:
        return session.scalar(select(model).where(getattr(model, column) == hash_token(token), *where))


def rotate_token(sessions: sessionmaker[Session], model: type[Any], row_id: int, column: str = "token_hash") -> str:
    """A new token for the row: the old link stops working at once."""
    token = new_token()
    with sessions.begin() as session:
        row = session.get(model, row_id)
        assert row is not None
        setattr(row, column, hash_token(token))
    return token
