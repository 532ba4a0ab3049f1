"""Views of the town workspace: history of a town's assessments and re-assessment (issue 5).

Access as defined in webapp/access.py: the workspace link (a capability, stored hashed) is
swapped for a grant in the session, then dropped from the URL. Without a grant every page is
404. A new link is shown once, on the page the request that made it redirects to.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext

from readiness import history as history_core

from webapp import access
from webapp.report import service as report_service
from webapp.workspace import store as wstore
from webapp.extensions import db
from webapp.models import Workspace
from webapp.wizard.routes import access_to, answer_label, content, link_made

bp = Blueprint("workspace", __name__)


def workspace_owned(public_id: str) -> Workspace:
    """The workspace, if this browser came in through its current link; else 404."""
    return access.workspace(public_id)


def workspace_url(token: str) -> str:
    return access.capability_url("workspace.enter", token)


def render_workspace(ws: Workspace) -> str:
    """The workspace page; a link made by the request that redirected here is shown once."""
    rows = wstore.assessments(db.sessions, ws.id)
    submitted = [(a.public_id, a.submitted_at, report_service.result_for(a)) for a in rows if a.status == "submitted"]
    token = next(iter(access.take_shown("workspace", ws.public_id)), None)
    return render_template("workspace/show.html", workspace=ws, assessments=rows, label=answer_label,
                           history=history_core.history(content(), submitted),
                           link=workspace_url(token) if token else None,
                           networks=access.networks_of(ws))


def _link_made(ws: Workspace, token: str) -> Any:
    """Post/redirect/get: a refresh of the page never makes another link."""
    access.show_once("workspace", ws.public_id, token)
    return redirect(url_for("workspace.show", ws_id=ws.public_id), 303)


@bp.post("/a/<public_id>/workspace")
def open_(public_id: str) -> Any:
    try:
        ws, token = access.open_workspace(access_to(public_id))
    except access.WorkspaceNeedsItsLink:
        return render_template("error.html", code=403, title=gettext("Open the workspace with its link"),
                               message=gettext("This assessment is part of a town workspace. Open the workspace with "
                                               "the workspace link: whoever opened the workspace has it.")), 403
    if token is None:
        return redirect(url_for("workspace.show", ws_id=ws.public_id))
    return _link_made(ws, token)


@bp.get("/w/<token>")
def enter(token: str) -> Any:
    ws = access.open_workspace_link(token) or abort(404)
    return redirect(url_for("workspace.show", ws_id=ws.public_id))


@bp.get("/ws/<ws_id>")
def show(ws_id: str) -> str:
    return render_workspace(workspace_owned(ws_id))


@bp.post("/ws/<ws_id>/link")
def new_link(ws_id: str) -> Any:
    ws = workspace_owned(ws_id)
    keep = frozenset(v for v in request.form.getlist("keep_network") if len(v) <= 32)
    token = access.new_workspace_link(ws, keep)  # this browser keeps access; others lose it
    return _link_made(ws, token)


@bp.post("/ws/<ws_id>/reassess")
def reassess(ws_id: str) -> Any:
    assessment, token = access.start_reassessment(workspace_owned(ws_id), content().version)
    return link_made(assessment, token)


@bp.get("/ws/<ws_id>/a/<public_id>")
def open_assessment(ws_id: str, public_id: str) -> Any:
    access.open_through_workspace(workspace_owned(ws_id), public_id) or abort(404)
    return redirect(url_for("assess.continue_", public_id=public_id))


@bp.post("/ws/<ws_id>/a/<public_id>/link")
def new_resume_link(ws_id: str, public_id: str) -> Any:
    """A lost resume link: the workspace's holder makes a new one (the old one stops working)."""
    access.open_through_workspace(workspace_owned(ws_id), public_id) or abort(404)
    return link_made(access_to(public_id).assessment, access.new_resume_link(access_to(public_id)))
