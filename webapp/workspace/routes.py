"""Views of the town workspace: history of a town's assessments and re-assessment (issue 5).

Access works like the resume link: the workspace link (a capability, stored
hashed) is swapped for a grant in the session, then dropped from the URL.
Without a grant every page is 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, session, url_for

from readiness import history as history_core

from webapp import access
from webapp.report import service as report_service
from webapp.workspace import store as wstore
from webapp.extensions import db
from webapp.models import Workspace
from webapp.wizard.routes import answer_label, content, grant, owned

bp = Blueprint("workspace", __name__)

GRANTED = "granted_workspaces"
MAX_GRANTS = 10


def grant_workspace(ws: Workspace) -> None:
    access.grant(GRANTED, ws.public_id, ws.token_hash, MAX_GRANTS)


def workspace_owned(public_id: str) -> Workspace:
    """The workspace, if this browser came in through its current link; else 404."""
    tag = access.granted_tag(GRANTED, public_id)
    ws = wstore.by_public_id(db.sessions, public_id) if tag is not None else None
    if ws is None or not access.tag_matches(tag, ws.token_hash):
        abort(404)
    return ws


def workspace_url(token: str) -> str:
    return access.capability_url("workspace.enter", token)


@bp.post("/a/<public_id>/workspace")
def open_(public_id: str) -> Any:
    assessment = owned(public_id)
    ws, token = wstore.open_workspace(db.sessions, assessment.id)
    grant_workspace(ws)
    if token:
        session["new_workspace_link"] = {"id": ws.public_id, "token": token}
    return redirect(url_for("workspace.show", ws_id=ws.public_id))


@bp.get("/w/<token>")
def enter(token: str) -> Any:
    ws = wstore.by_token(db.sessions, token) or abort(404)
    grant_workspace(ws)
    return redirect(url_for("workspace.show", ws_id=ws.public_id))


@bp.get("/ws/<ws_id>")
def show(ws_id: str) -> str:
    ws = workspace_owned(ws_id)
    rows = wstore.assessments(db.sessions, ws.id)
    submitted = [(a.public_id, a.submitted_at, report_service.result_for(a)) for a in rows if a.status == "submitted"]
    new = session.pop("new_workspace_link", None) or {}  # the link is shown once
    link = workspace_url(new["token"]) if new.get("id") == ws_id else None
    from webapp.network import store as network_store  # the networks this town belongs to (webapp/network/)

    return render_template("workspace/show.html", workspace=ws, assessments=rows, label=answer_label,
                           history=history_core.history(content(), submitted), link=link,
                           networks=network_store.networks_of(db.sessions, ws.id))


@bp.post("/ws/<ws_id>/link")
def new_link(ws_id: str) -> Any:
    ws = workspace_owned(ws_id)
    session["new_workspace_link"] = {"id": ws_id, "token": wstore.rotate_token(db.sessions, ws.id)}
    grant_workspace(wstore.by_public_id(db.sessions, ws_id) or abort(404))  # this browser keeps access
    return redirect(url_for("workspace.show", ws_id=ws_id))


@bp.post("/ws/<ws_id>/reassess")
def reassess(ws_id: str) -> Any:
    ws = workspace_owned(ws_id)
    assessment, token = wstore.start_reassessment(db.sessions, ws.id, content().version)
    grant(assessment)
    session["new_link"] = {"id": assessment.public_id, "token": token}
    return redirect(url_for("assess.link", public_id=assessment.public_id))


@bp.get("/ws/<ws_id>/a/<public_id>")
def open_assessment(ws_id: str, public_id: str) -> Any:
    ws = workspace_owned(ws_id)
    assessment = next((a for a in wstore.assessments(db.sessions, ws.id) if a.public_id == public_id), None)
    grant(assessment or abort(404))
    return redirect(url_for("assess.continue_", public_id=public_id))
