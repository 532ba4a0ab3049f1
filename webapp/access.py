"""Capability links: what each one grants and what a new link revokes. The one place.

There are no accounts: a link is the credential. Three kinds for a town (README, "Links"),
and two for a network of towns (below):

- the **resume link** of an assessment grants that assessment (its pages, answers, results,
  report and exports, its contributor links, a new resume link) and, only while the
  assessment is in no workspace, opening one (which hands out the workspace link);
- the **workspace link** -- the one link to keep -- grants everything the town owns: the
  workspace (history, exports, re-assessments, a new workspace link), every assessment in it
  (and a new resume link for it), and the town's network memberships;
- a **contributor link** (one per person) grants that person's contribution to one group
  assessment (webapp/group.py keeps those grants with ``grant``/``granted_tag`` below and
  checks each link's lineage with ``invitation_usable``).

Opening a link grants this browser access in its session cookie as
``[kind, public_id, via, tag]`` (kind "a" assessment, "w" workspace, "n" a network's lead,
"j" its join page): ``via`` names the link the access came through and ``tag`` is a prefix of
that link's current hash, so the access ends when the link is replaced.

Links made through a link record it (``issued_via``: "r:<tag>" or "w:<tag>"): a re-assessment's
resume link and contributor links. The assessment a workspace was opened from records the
resume link it was opened with (``workspace_via``). A new link therefore revokes everything
obtained through the old one, transitively:

- a new resume link ends every browser's access through the old one, the contributor links
  made through it, and, if the workspace was opened with it, the assessment's place in that
  workspace -- unless this browser also holds the workspace link, which proves it may keep it;
- a new workspace link ends every access through the old one (the workspace and the
  assessments opened through it), the resume links of re-assessments started through it and
  the contributor links made through it, and the town's network memberships made through it
  unless this browser keeps them.

Networks of towns follow the same model (README, "Links"):

- the **lead link** of a network grants its page to the lead's browser and a new members'
  link or lead link; a new lead link ends every lead access through the old one and the
  members' links made through it (``join_issued_via``), and so the memberships made with those;
- the **members' link** grants joining the network with a town workspace this browser holds;
  a membership records both links it was made with (``joined_via``, ``workspace_via``), so a
  new members' link or a new workspace link of the town ends it, unless the browser making
  the new link keeps it (the lead keeps members it knows; the town keeps its networks);
- a member town's browser sees the network's page through its workspace grant, while its
  membership is live.

A resume link never yields a workspace that exists: that needs the workspace link.
Every check reads the session first, so an id this browser was never given (a guess, or
junk such as a NUL byte) never reaches the database.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from flask import abort, current_app, request, session, url_for
from sqlalchemy import delete, select

from webapp import tokens
from webapp.extensions import db
from webapp.models import Assessment, Invitation, LinkView, Network, NetworkMember, Workspace
from webapp.network import store as nstore
from webapp.wizard import store
from webapp.workspace import store as wstore

TAG_LENGTH = 16
SESSION_KEY = "access"
# Most recent grants kept per kind (the cookie stays small).
LIMITS = {"a": 20, "w": 10, "n": 10, "j": 10}


def tag(token_hash: str) -> str:
    return token_hash[:TAG_LENGTH]


def via_resume(a: Assessment) -> str:
    return "r:" + tag(a.token_hash)


def via_workspace(ws: Workspace) -> str:
    return "w:" + tag(ws.token_hash)


def via_lead(net: Network) -> str:
    return "n:" + tag(net.token_hash)


def via_join(net: Network) -> str:
    return "j:" + tag(net.join_token_hash)


# --------------------------------------------------------------------------- lineage (pure)


def resume_link_live(a: Assessment, ws: Workspace | None) -> bool:
    """The resume link works: made at the start, or through the workspace link that is current."""
    return a.issued_via is None or (ws is not None and a.workspace_id == ws.id and a.issued_via == via_workspace(ws))


def invitation_live(inv: Invitation, a: Assessment, ws: Workspace | None) -> bool:
    """Not revoked, and the link it was made through is still the current one."""
    if inv.revoked_at is not None:
        return False
    if inv.issued_via is None:
        return True
    if inv.issued_via.startswith("r:"):
        return inv.issued_via == via_resume(a) and resume_link_live(a, ws)
    return ws is not None and a.workspace_id == ws.id and inv.issued_via == via_workspace(ws)


def join_link_live(net: Network) -> bool:
    """The members' link works: made with the network, or through the lead link that is current."""
    return net.join_issued_via is None or net.join_issued_via == via_lead(net)


def membership_live(m: NetworkMember, net: Network, ws: Workspace) -> bool:
    """The town is in the network: the members' link and the town's workspace link it joined
    through are both still the current ones."""
    return (m.network_id == net.id and m.workspace_id == ws.id and join_link_live(net)
            and m.joined_via == via_join(net) and m.workspace_via == via_workspace(ws))


# --------------------------------------------------------------------------- the session


def _grants() -> list[list[str]]:
    raw = session.get(SESSION_KEY, [])
    return [g for g in raw if isinstance(g, list) and len(g) == 4 and all(isinstance(x, str) for x in g)] \
        if isinstance(raw, list) else []


def _add(kind: str, public_id: str, via: str, link_tag: str) -> None:
    kept = [g for g in _grants() if g[:3] != [kind, public_id, via]]
    of_kind = [g for g in kept if g[0] == kind]
    drop = of_kind[: max(0, len(of_kind) - LIMITS[kind] + 1)]
    session[SESSION_KEY] = [g for g in kept if g not in drop] + [[kind, public_id, via, link_tag]]


def _held(kind: str, public_id: str) -> list[list[str]]:
    return [g for g in _grants() if g[0] == kind and g[1] == public_id]


def _same(held_tag: str, token_hash: str) -> bool:
    return secrets.compare_digest(held_tag, tag(token_hash))


def _workspace_of(a: Assessment) -> Workspace | None:
    return wstore.by_id(db.sessions, a.workspace_id) if a.workspace_id is not None else None


# --------------------------------------------------------------------------- checks (404 otherwise)


@dataclass(frozen=True)
class AssessmentAccess:
    """This browser's access to an assessment and the link it came through."""

    assessment: Assessment
    workspace: Workspace | None  # the workspace the assessment is in, if any
    through_workspace: bool  # came in through the workspace link (else the resume link)

    @property
    def lineage(self) -> str:
        """``issued_via`` of a link made with this access."""
        if self.through_workspace and self.workspace is not None:
            return via_workspace(self.workspace)
        return via_resume(self.assessment)


def may_hold(public_id: str) -> bool:
    """This browser holds some grant for the assessment (still to be checked): read first,
    so that an id it was never given never reaches the database."""
    return bool(_held("a", public_id))


def assessment(public_id: str, loaded: Assessment | None = None) -> AssessmentAccess:
    """This browser's access to the assessment (``loaded``: already read by the caller)."""
    held = _held("a", public_id)
    if not held:
        abort(404)
    a = loaded or store.by_public_id(db.sessions, public_id) or abort(404)
    ws = _workspace_of(a)
    for _, _, via, held_tag in held:
        if via == "r" and _same(held_tag, a.token_hash) and resume_link_live(a, ws):
            return AssessmentAccess(a, ws, through_workspace=False)
        if ws is not None and via == "w:" + ws.public_id and _same(held_tag, ws.token_hash):
            return AssessmentAccess(a, ws, through_workspace=True)
    abort(404)  # never granted, or the link it came through was replaced since


def _valid_workspace_grant(ws: Workspace) -> bool:
    return any(_same(t, ws.token_hash) for _, _, via, t in _held("w", ws.public_id) if via == "w")


def workspace(ws_id: str) -> Workspace:
    if not _held("w", ws_id):
        abort(404)
    ws = wstore.by_public_id(db.sessions, ws_id) or abort(404)
    if not _valid_workspace_grant(ws):
        abort(404)
    return ws


def holds_workspace(ws: Workspace | None) -> bool:
    """This browser came in through the current link of ``ws``."""
    return ws is not None and _valid_workspace_grant(ws)


def invitation_usable(inv: Invitation | None) -> bool:
    """The contributor link works: not revoked, and the link it was made through is current."""
    if inv is None:
        return False
    a = store.assessment_by_id(db.sessions, inv.assessment_id)
    return a is not None and invitation_live(inv, a, _workspace_of(a))


def holds_any_workspace() -> bool:
    """Some workspace grant is in this browser's session (each still to be checked)."""
    return any(g[0] == "w" for g in _grants())


def held_workspaces() -> list[Workspace]:
    """The town workspaces this browser holds a current grant for."""
    found = []
    for _, ws_id, via, _ in [g for g in _grants() if g[0] == "w"]:
        ws = wstore.by_public_id(db.sessions, ws_id)
        if ws is not None and _valid_workspace_grant(ws):
            found.append(ws)
    return found


# --------------------------------------------------------------------------- opening links


def grant_resume(a: Assessment) -> None:
    _add("a", a.public_id, "r", tag(a.token_hash))


def grant_workspace(ws: Workspace) -> None:
    _add("w", ws.public_id, "w", tag(ws.token_hash))


def open_resume_link(token: str) -> Assessment | None:
    a = store.by_token(db.sessions, token)
    if a is None or not resume_link_live(a, _workspace_of(a)):
        return None
    grant_resume(a)
    return a


def open_workspace_link(token: str) -> Workspace | None:
    ws = wstore.by_token(db.sessions, token)
    if ws is not None:
        grant_workspace(ws)
    return ws


def open_through_workspace(ws: Workspace, public_id: str) -> Assessment | None:
    """An assessment of the workspace, opened with the workspace link."""
    a = next((a for a in wstore.assessments(db.sessions, ws.id) if a.public_id == public_id), None)
    if a is not None:
        _add("a", a.public_id, "w:" + ws.public_id, tag(ws.token_hash))
    return a


# --------------------------------------------------------------------------- making links


def new_resume_link(access: AssessmentAccess) -> str:
    """Replace the resume link (the old one and all obtained through it stop working); this
    browser keeps its access. Returns the new token, to be shown once."""
    a, ws = access.assessment, access.workspace
    keep_place = access.through_workspace or holds_workspace(ws)
    issued_via = via_workspace(ws) if a.issued_via is not None and ws is not None else a.issued_via
    token = store.rotate_token(db.sessions, a.id, issued_via=issued_via, keep_workspace=keep_place)
    grant_resume(store.by_public_id(db.sessions, a.public_id) or abort(404))
    return token


class WorkspaceNeedsItsLink(Exception):
    """The assessment is in a workspace that this browser did not open with its link."""


def open_workspace(access: AssessmentAccess) -> tuple[Workspace, str | None]:
    """The assessment's workspace if this browser holds its link; a new one (and its token,
    to be shown once) if the assessment is in none. A resume link alone never yields a
    workspace that exists."""
    if access.workspace is not None:
        if access.through_workspace or holds_workspace(access.workspace):
            return access.workspace, None
        raise WorkspaceNeedsItsLink()
    ws, token = wstore.open_workspace(db.sessions, access.assessment.id, founded_via=via_resume(access.assessment))
    grant_workspace(ws)
    return ws, token


def new_workspace_link(ws: Workspace, keep_networks: frozenset[str] = frozenset()) -> str:
    """Replace the workspace link; the town's memberships made through the old one end, except
    those in networks (public ids) this browser keeps. Returns the new token, to be shown once."""
    token = tokens.new_token()
    kept = {m.id for m, net, live in networks_of(ws) if live and net.public_id in keep_networks}
    wstore.rotate_token(db.sessions, ws.id, token, kept, "w:" + tag(tokens.hash_token(token)))
    grant_workspace(wstore.by_id(db.sessions, ws.id) or abort(404))
    return token


def start_reassessment(ws: Workspace, content_version: str) -> tuple[Assessment, str]:
    a, token = wstore.start_reassessment(db.sessions, ws.id, content_version, issued_via=via_workspace(ws))
    grant_resume(a)
    return a, token


def capability_url(endpoint: str, token: str) -> str:
    """The full link to hand out: from BASE_URL when configured, else this request's host."""
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, token=token)



# --------------------------------------------------------------------------- networks of towns


def grant_lead(net: Network) -> None:
    _add("n", net.public_id, "n", tag(net.token_hash))


def open_lead_link(token: str) -> Network | None:
    net = nstore.by_token(db.sessions, token)
    if net is not None:
        grant_lead(net)
    return net


def open_join_link(token: str) -> Network | None:
    net = nstore.by_join_token(db.sessions, token)
    if net is None or not join_link_live(net):
        return None
    _add("j", net.public_id, "j", tag(net.join_token_hash))
    return net


def _network_held(kind: str, net_id: str) -> Network | None:
    """The network if this browser holds a grant of ``kind`` for it (read first: an id it was
    never given never reaches the database)."""
    held = _held(kind, net_id)
    return nstore.by_public_id(db.sessions, net_id) if held else None


def leading(net_id: str) -> Network | None:
    """The network, if this browser came in through its current lead link."""
    net = _network_held("n", net_id)
    if net is None:
        return None
    return net if any(via == "n" and _same(t, net.token_hash) for _, _, via, t in _held("n", net_id)) else None


def joining(net_id: str) -> Network | None:
    """The network, if this browser came in through its current members' link."""
    net = _network_held("j", net_id)
    if net is None or not join_link_live(net):
        return None
    return net if any(via == "j" and _same(t, net.join_token_hash) for _, _, via, t in _held("j", net_id)) else None


def live_members(net: Network) -> list[tuple[NetworkMember, Workspace]]:
    """The member towns whose membership still stands (in the order they joined)."""
    return [(m, ws) for m, ws in nstore.members(db.sessions, net.id) if membership_live(m, net, ws)]


def network(net_id: str) -> tuple[Network, bool]:
    """The network and whether this browser is its lead; 404 unless it is the lead's browser or
    holds the current workspace link of a member town."""
    net = leading(net_id)
    if net is not None:
        return net, True
    if holds_any_workspace():
        net = nstore.by_public_id(db.sessions, net_id)
        if net is not None:
            mine = {ws.id for ws in held_workspaces()}
            if any(ws.id in mine for _, ws in live_members(net)):
                return net, False
    abort(404)


def networks_of(ws: Workspace) -> list[tuple[NetworkMember, Network, bool]]:
    """The town's memberships, each with whether it still stands."""
    return [(m, net, membership_live(m, net, ws)) for m, net in nstore.networks_of(db.sessions, ws.id)]


def join_network(net: Network, ws: Workspace, share_details: bool) -> None:
    """The town joins (or joins again, or changes what it shares) with the two current links."""
    nstore.join(db.sessions, net.id, ws.id, share_details, joined_via=via_join(net), workspace_via=via_workspace(ws))


def new_join_link(net: Network, keep_members: frozenset[int] = frozenset()) -> str:
    """Replace the members' link; the memberships made through the old one end, except those the
    lead keeps (member ids). Returns the new token, to be shown once."""
    token = tokens.new_token()
    kept = {m.id for m, _ in live_members(net) if m.id in keep_members}
    nstore.replace_links(db.sessions, net.id, join_hash=tokens.hash_token(token), join_issued_via=via_lead(net),
                         kept=kept, joined_via="j:" + tag(tokens.hash_token(token)))
    return token


def new_lead_link(net: Network, keep_members: frozenset[int] = frozenset()) -> tuple[str, str]:
    """Replace the lead link and with it the members' link (which may have been made through the
    old one); memberships end except those the lead keeps. Returns both new tokens, shown once."""
    lead, join = tokens.new_token(), tokens.new_token()
    kept = {m.id for m, _ in live_members(net) if m.id in keep_members}
    lead_hash, join_hash = tokens.hash_token(lead), tokens.hash_token(join)
    nstore.replace_links(db.sessions, net.id, lead_hash=lead_hash, join_hash=join_hash,
                         join_issued_via="n:" + tag(lead_hash), kept=kept, joined_via="j:" + tag(join_hash))
    grant_lead(nstore.by_public_id(db.sessions, net.public_id) or abort(404))
    return lead, join


# --------------------------------------------------------------------------- which links work (limits)


def link_works(endpoint: str, token: str) -> bool:
    """The capability model's answer for a link as opened: it exists and the link it was made
    through is still current (a link whose parent was replaced is as bad as a guess)."""
    if endpoint == "assess.resume":
        a = store.by_token(db.sessions, token)
        return a is not None and resume_link_live(a, _workspace_of(a))
    if endpoint == "workspace.enter":
        return wstore.by_token(db.sessions, token) is not None
    if endpoint == "group.enter":
        from webapp.group import store as group_store

        return invitation_usable(group_store.invitation_by_token(db.sessions, token))
    if endpoint == "network.enter":
        return nstore.by_token(db.sessions, token) is not None
    if endpoint == "network.invited":
        net = nstore.by_join_token(db.sessions, token)
        return net is not None and join_link_live(net)
    return False


# --------------------------------------------------------------------------- a new link, shown once after a redirect
# Post/redirect/get: the request that makes a link redirects to the page that shows it, so a
# refresh never makes another. The link waits masked with a one-time pad: the mask in this
# browser's session, the pad in the database until the first view deletes it. Neither alone
# holds the link, and after that view neither does anything.

SHOWN_KEY = "new_link"
LINK_VIEW_TTL = dt.timedelta(minutes=30)


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(data, pad))


def show_once(kind: str, public_id: str, *links: str) -> None:
    """Keep new links of ``kind`` for ``public_id`` to be shown by the next page that asks."""
    raw = "\n".join(links).encode("utf-8")
    pad = secrets.token_bytes(len(raw))
    view_id = secrets.token_hex(16)
    with db.sessions.begin() as s:
        s.execute(delete(LinkView).where(LinkView.created_at < dt.datetime.now(dt.timezone.utc) - LINK_VIEW_TTL))
        s.add(LinkView(id=view_id, pad=pad.hex()))
    session[SHOWN_KEY] = [kind, public_id, view_id, _xor(raw, pad).hex()]


def take_shown(kind: str, public_id: str) -> list[str]:
    """The new links kept for this page, once: [] if none, already shown or expired."""
    held = session.get(SHOWN_KEY)
    if not (isinstance(held, list) and len(held) == 4 and held[:2] == [kind, public_id]):
        return []
    session.pop(SHOWN_KEY)
    _, _, view_id, masked = held
    if not (isinstance(view_id, str) and isinstance(masked, str)):
        return []
    with db.sessions.begin() as s:
        row = s.execute(select(LinkView.pad, LinkView.created_at).where(LinkView.id == view_id)).first()
        # a second view (or another request with a copy of the cookie) deletes nothing, shows nothing
        if row is None or s.execute(delete(LinkView).where(LinkView.id == view_id)).rowcount != 1:
            return []
        pad, fresh = row
    if fresh.tzinfo is None:
        fresh = fresh.replace(tzinfo=dt.timezone.utc)
    try:
        raw = _xor(bytes.fromhex(masked), bytes.fromhex(pad))
    except (TypeError, ValueError):
        return []
    if dt.datetime.now(dt.timezone.utc) - fresh > LINK_VIEW_TTL or len(raw) != len(bytes.fromhex(pad)):
        return []
    return raw.decode("utf-8", "replace").split("\n")


# --------------------------------------------------------------------------- grants of one link kind
# Used by contributor links, whose access is a single tag: "public_id.tag".


def grant(key: str, public_id: str, token_hash: str, limit: int) -> None:
    """Remember in the session that this browser may open ``public_id`` (the newest ``limit``)."""
    prefix = public_id + "."
    granted = [p for p in session.get(key, []) if not p.startswith(prefix)]
    session[key] = (granted + [prefix + tag(token_hash)])[-limit:]


def granted_tag(key: str, public_id: str) -> str | None:
    """The tag of the link through which this browser was granted ``public_id``, if any
    (read before any database lookup)."""
    prefix = public_id + "."
    return next((p[len(prefix):] for p in session.get(key, []) if p.startswith(prefix)), None)


def tag_matches(held_tag: str, token_hash: str) -> bool:
    """True if the grant was made through the link that is current now (not revoked)."""
    return _same(held_tag, token_hash)


def granted_ids(key: str) -> list[str]:
    """The public ids this browser holds a grant for under ``key`` (each still to be checked)."""
    return [p.rsplit(".", 1)[0] for p in session.get(key, []) if "." in p]
