"""Views of networks of towns: a lead creates a network and invites member towns with a
link; a town joins with its own workspace and chooses what it shares (scores and levels
always; findings and answers if it agrees); it can leave, and its data leaves with it.

Access is the capability model of webapp/access.py (lead link, members' link, and the
town's workspace link for a member town's browser, with their lineage); a new link is shown
once, on the page the request that made it redirects to.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from readiness import network as network_core
from readiness.answers import clean_text, is_visible
from readiness.network_view import NAME_MAX, network_context, network_html
from readiness.report_view import date_words
from readiness.scoring import score_assessment

from webapp import access
from webapp.network import store as nstore
from webapp.workspace import store as wstore
from webapp.extensions import db
from webapp.report import service as documents
from webapp.report.jobs import Subject, Variant
from webapp.models import Network
from webapp.wizard.routes import answer_label, content
from webapp.workspace.routes import workspace_owned

bp = Blueprint("network", __name__)


class NetworkForm(FlaskForm):
    name = StringField(_l("Name of the network"), validators=[
        InputRequired(_l("Give the network a name, for example “Creative towns of the Oeste”.")),
        Length(max=NAME_MAX, message=_l("At most %(max)d characters."))])

    def validate_name(self, field: Any) -> None:
        field.data = clean_text(field.data or "").strip()
        if not field.data:
            raise ValidationError(gettext("Give the network a name, for example “Creative towns of the Oeste”."))


def led(net_id: str) -> Network:
    """The network, if this browser came in through its current lead link; else 404."""
    return access.leading(net_id) or abort(404)


def _kept_members() -> frozenset[int]:
    """The member towns the lead keeps when replacing a link (ticked on the page)."""
    return frozenset(int(v) for v in request.form.getlist("keep") if v.isdigit() and len(v) < 12)


def _result(net: Network) -> tuple[network_core.NetworkResult, dict[int, Any], dt.date]:
    """Each member's latest submitted assessment, scored; what it does not share stays out.
    With the date of the newest submission shown (the network's creation if none): the
    report is "as of" its data, so the same data make the same document."""
    members, details, submitted_at = [], {}, []
    for m, ws in access.live_members(net):
        submitted = [a for a in wstore.assessments(db.sessions, ws.id) if a.status == "submitted"]
        last = submitted[-1] if submitted else None
        if last is not None and last.submitted_at is not None:
            submitted_at.append(_utc(last.submitted_at))
        # Its answers as submitted (frozen, like its own report), scored with the content and in the
        # language of this page, so that every member is measured with the same rules and the
        # page can put them side by side (the PDF names that content version).
        result = score_assessment(content(), *documents.scored_inputs(last)) if last else None
        members.append(network_core.Member(str(m.id), ws.town, ws.country, result, m.share_details))
        if m.share_details and result is not None:
            details[m.id] = result
    as_of = max(submitted_at) if submitted_at else _utc(net.created_at)
    return network_core.network_result(content(), members), details, as_of.date()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)  # SQLite keeps no zone


def _answers_view(result: Any) -> list[dict[str, Any]]:
    rows = []
    for d in content().dimensions:
        rows.append({"title": d.title, "rows": [(q.text, answer_label(q.id, result.answers.get(q.id)))
                                                 for q in d.questions if is_visible(q, result.answers)
                                                 and result.answers.get(q.id) is not None]})
    return rows


@bp.route("/networks/new", methods=["GET", "POST"])
def new() -> Any:
    form = NetworkForm()
    if form.validate_on_submit():
        net, lead, join = nstore.create_network(db.sessions, form.name.data)
        access.grant_lead(net)
        return _links_made(net, lead=lead, join=join)
    return render_template("network/new.html", form=form), 400 if form.errors else 200


def _links_made(net: Network, lead: str = "", join: str = "") -> Any:
    """Post/redirect/get: the network's page shows the new links once (never kept in the cookie)."""
    access.show_once("network", net.public_id, lead, join)
    return redirect(url_for("network.show", net_id=net.public_id), 303)


@bp.get("/n/<token>")
def enter(token: str) -> Any:
    # The token is swapped for a grant in the session, then dropped from the URL.
    net = access.open_lead_link(token) or abort(404)
    return redirect(url_for("network.show", net_id=net.public_id))


@bp.get("/nj/<token>")
def invited(token: str) -> Any:
    net = access.open_join_link(token) or abort(404)
    return redirect(url_for("network.join", net_id=net.public_id))


@bp.route("/net/<net_id>/join", methods=["GET", "POST"])
def join(net_id: str) -> Any:
    net = access.joining(net_id) or abort(404)
    mine = access.held_workspaces()
    error = None
    if request.method == "POST":
        form = FlaskForm()
        chosen = next((ws for ws in mine if ws.public_id == request.form.get("workspace")), None)
        if not form.validate():
            error = gettext("The form expired. Please send it again.")
        elif chosen is None:
            error = gettext("Choose the town workspace that joins the network.")
        else:
            access.join_network(net, chosen, request.form.get("share") == "1")
            return redirect(url_for("network.show", net_id=net_id))
    return render_template("network/join.html", network=net, workspaces=mine, error=error), 400 if error else 200


@bp.get("/net/<net_id>")
def show(net_id: str) -> str:
    net, lead = access.network(net_id)
    lead_link, join_link = (access.take_shown("network", net.public_id) + ["", ""])[:2] if lead else ("", "")
    return _show(net, lead, {"lead": lead_link, "join": join_link})


def _show(net: Network, lead: bool, new: dict[str, str]) -> str:
    """The network's page; ``new``: links just made, shown once (never kept in the cookie)."""
    links = {k: access.capability_url(ep, new[k]) for k, ep in (("lead", "network.enter"), ("join", "network.invited"))
             if new.get(k)}
    result, details, as_of = _result(net)
    wording = content()
    view = network_context(wording, result, net.name, gettext, screen=True)
    shared = {int(m["key"]): m for m in view["members"]}
    extra = {mid: {"risks": [f.title for f in r.risks], "answers": _answers_view(r)} for mid, r in details.items()}
    members = [(m.id, ws.town) for m, ws in access.live_members(net)] if lead else []
    return render_template("network/show.html", network=net, lead=lead, links=links, view=view,
                           shared=shared, details=extra, members=members,
                           join_link_works=access.join_link_live(net),
                           as_of=date_words(as_of, wording.language or "en"), version=wording.version)


@bp.post("/net/<net_id>/invite-link")
def new_invite_link(net_id: str) -> Any:
    net = led(net_id)
    return _links_made(net, join=access.new_join_link(net, _kept_members()))


@bp.post("/net/<net_id>/lead-link")
def new_lead_link(net_id: str) -> Any:
    net = led(net_id)
    lead, join = access.new_lead_link(net, _kept_members())
    return _links_made(net, lead=lead, join=join)


@bp.get("/net/<net_id>/network.pdf")
def pdf(net_id: str) -> Response:
    net, _ = access.network(net_id)
    result, _details, as_of = _result(net)
    language = content().language or "en"
    # rendered by the queue's workers: a file read once it is ready, a page that waits for it before
    html = network_html(content(), result, net.name, language=language, as_of=as_of)
    body, state = documents.cached_or_queued(Subject("n", net.id), Variant("network", language), html)
    if body is None:
        return documents.preparing_page(state, gettext("The network's report"),
                                        url_for("network.show", net_id=net_id))  # type: ignore[return-value]
    filename = "network-" + (re.sub(r"[^A-Za-z0-9]+", "-", net.name).strip("-").lower() or "towns")
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'})


# --------------------------------------------------------------------------- from the town's workspace


@bp.post("/ws/<ws_id>/networks/<net_id>/leave")
def leave(ws_id: str, net_id: str) -> Any:
    ws = workspace_owned(ws_id)
    net = nstore.by_public_id(db.sessions, net_id) or abort(404)
    nstore.leave(db.sessions, net.id, ws.id) or abort(404)
    return redirect(url_for("workspace.show", ws_id=ws_id, _anchor="networks"))


@bp.post("/ws/<ws_id>/networks/<net_id>/share")
def share(ws_id: str, net_id: str) -> Any:
    ws = workspace_owned(ws_id)
    m = next((m for m, net, live in access.networks_of(ws) if live and net.public_id == net_id), None) or abort(404)
    nstore.join(db.sessions, m.network_id, ws.id, request.form.get("share") == "1")  # its links stay as they are
    return redirect(url_for("workspace.show", ws_id=ws_id, _anchor="networks"))
