"""Persistence of networks of towns: the network (the lead's link and the members' join
link, both stored as sha256 only) and its member towns (workspaces). Plain SQLAlchemy,
no Flask; one short session per call. Leaving deletes the membership row: nothing of
the town stays in the network."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from webapp.models import Network, NetworkMember, Workspace
from webapp import tokens
from webapp.tokens import hash_token, new_token
from webapp.wizard.store import Sessions


def create_network(sessions: Sessions, name: str) -> tuple[Network, str, str]:
    """A new network; returns it with the lead's token and the members' join token (shown once)."""
    lead, join = new_token(), new_token()
    net = Network(public_id=secrets.token_hex(8), token_hash=hash_token(lead), join_token_hash=hash_token(join), name=name)
    with sessions.begin() as session:
        session.add(net)
    return net, lead, join


def by_public_id(sessions: Sessions, public_id: str) -> Network | None:
    if not public_id or len(public_id) > 32:
        return None
    with sessions() as session:
        return session.scalar(select(Network).where(Network.public_id == public_id))


def by_token(sessions: Sessions, token: str) -> Network | None:
    return tokens.by_token(sessions, Network, token)


def by_join_token(sessions: Sessions, token: str) -> Network | None:
    return tokens.by_token(sessions, Network, token, "join_token_hash")


def rotate_join_token(sessions: Sessions, network_id: int) -> str:
    """A new invitation link for member towns: the old one stops working; members stay."""
    return tokens.rotate_token(sessions, Network, network_id, "join_token_hash")


def members(sessions: Sessions, network_id: int) -> list[tuple[NetworkMember, Workspace]]:
    """The member towns, in the order they joined."""
    with sessions() as session:
        rows = session.execute(select(NetworkMember, Workspace).join(Workspace, NetworkMember.workspace_id == Workspace.id)
                               .where(NetworkMember.network_id == network_id).order_by(NetworkMember.id))
        return [(m, w) for m, w in rows]


def networks_of(sessions: Sessions, workspace_id: int) -> list[tuple[NetworkMember, Network]]:
    with sessions() as session:
        rows = session.execute(select(NetworkMember, Network).join(Network, NetworkMember.network_id == Network.id)
                               .where(NetworkMember.workspace_id == workspace_id).order_by(NetworkMember.id))
        return [(m, n) for m, n in rows]


def join(sessions: Sessions, network_id: int, workspace_id: int, share_details: bool) -> NetworkMember:
    """The town joins (or, already a member, updates what it shares)."""
    with sessions.begin() as session:
        m = session.scalar(select(NetworkMember).where(NetworkMember.network_id == network_id,
                                                       NetworkMember.workspace_id == workspace_id))
        if m is None:
            m = NetworkMember(network_id=network_id, workspace_id=workspace_id)
            session.add(m)
        m.share_details = share_details
        return m


def leave(sessions: Sessions, network_id: int, workspace_id: int) -> bool:
    with sessions.begin() as session:
        return bool(session.execute(delete(NetworkMember).where(NetworkMember.network_id == network_id,
                                                                NetworkMember.workspace_id == workspace_id)).rowcount)
