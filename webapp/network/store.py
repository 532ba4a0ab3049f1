"""Persistence of networks of towns: the network (the lead's link and the members' join
link, both stored as sha256 only) and its member towns (workspaces). Plain SQLAlchemy,
no Flask; one short session per call. Leaving deletes the membership row: nothing of
the town stays in the network."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select, update

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


def join(sessions: Sessions, network_id: int, workspace_id: int, share_details: bool,
         joined_via: str | None = None, workspace_via: str | None = None) -> NetworkMember:
    """The town joins (or, already a member, updates what it shares); ``joined_via`` and
    ``workspace_via``: the links it joins through (webapp/access.py), kept as they are if None."""
    with sessions.begin() as session:
        m = session.scalar(select(NetworkMember).where(NetworkMember.network_id == network_id,
                                                       NetworkMember.workspace_id == workspace_id))
        if m is None:
            m = NetworkMember(network_id=network_id, workspace_id=workspace_id)
            session.add(m)
        m.share_details = share_details
        if joined_via is not None:
            m.joined_via = joined_via
        if workspace_via is not None:
            m.workspace_via = workspace_via
        return m


def replace_links(sessions: Sessions, network_id: int, *, join_hash: str, join_issued_via: str | None,
                  kept: set[int], joined_via: str, lead_hash: str | None = None) -> None:
    """New links for the network in one transaction (the old ones stop working at once); the
    members in ``kept`` move to the new members' link (``joined_via``), the others lapse."""
    with sessions.begin() as session:
        net = session.get(Network, network_id)
        assert net is not None
        if lead_hash is not None:
            net.token_hash = lead_hash
        net.join_token_hash, net.join_issued_via = join_hash, join_issued_via
        if kept:
            session.execute(update(NetworkMember).where(NetworkMember.network_id == network_id,
                                                        NetworkMember.id.in_(kept)).values(joined_via=joined_via))


def leave(sessions: Sessions, network_id: int, workspace_id: int) -> bool:
    with sessions.begin() as session:
        return bool(session.execute(delete(NetworkMember).where(NetworkMember.network_id == network_id,
                                                                NetworkMember.workspace_id == workspace_id)).rowcount)
