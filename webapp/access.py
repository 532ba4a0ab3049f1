"""Capability links and the access they grant to this browser (no accounts).

Opening a link (resume, workspace) grants the browser access through its session
cookie. The grant carries a tag of the link's current hash, so making a new link
revokes every browser that came in through the old one.
"""

from __future__ import annotations

import secrets

from flask import current_app, request, session, url_for

TAG_LENGTH = 16


def _tag(token_hash: str) -> str:
    return token_hash[:TAG_LENGTH]


def grant(key: str, public_id: str, token_hash: str, limit: int) -> None:
    """Remember in the session that this browser may open ``public_id`` (the newest ``limit``)."""
    prefix = public_id + "."
    granted = [p for p in session.get(key, []) if not p.startswith(prefix)]
    session[key] = (granted + [prefix + _tag(token_hash)])[-limit:]


def granted_tag(key: str, public_id: str) -> str | None:
    """The tag of the link through which this browser was granted ``public_id``, if any.

    Checked before any database lookup: an id this browser was never given (a
    guess, or junk such as a NUL byte) never reaches the database."""
    prefix = public_id + "."
    return next((p[len(prefix):] for p in session.get(key, []) if p.startswith(prefix)), None)


def tag_matches(tag: str, token_hash: str) -> bool:
    """True if the grant was made through the link that is current now (not revoked)."""
    return secrets.compare_digest(tag, _tag(token_hash))


def capability_url(endpoint: str, token: str) -> str:
    """The full link to hand out: from BASE_URL when configured, else this request's host."""
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, token=token)


def granted_ids(key: str) -> list[str]:
    """The public ids this browser holds a grant for under ``key`` (each still to be checked)."""
    return [p.rsplit(".", 1)[0] for p in session.get(key, []) if "." in p]
