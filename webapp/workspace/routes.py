"""Views of the town workspace: history of a town's assessments and re-assessment (issue 5).

Access as defined in webapp/access.py: the workspace link (a capability, stored hashed) is
swapped for a grant in the session, then dropped from the URL. Without a grant every page is
404. A new link is shown in the response that made it, once.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext

from readiness import history as history_core

from webapp import access
from webapp.report import service as report_service
from webapp.workspace import store as wstore
from webapp.extensions import db
from webapp.models import Workspace
from webapp.wizard.routes import access_to, answer_label, content, render_link_page

bp = Blueprint("workspace", __name__)


def workspace_owned(public_id: str) -> Workspace:
    """The workspace, if this browser came in through its current link; else 404."""
    return access.workspace(public_id)


def workspace_url(token: str) -> str:
    return access.capability_url("workspace.enter", token)


def render_workspace(ws: Workspace, token: str | None) -> str:
    rows = wstore.assessments(db.sessions, ws.id)
    submitted = [(a.public_id, a.submitted_at, report_service.result_for(a)) for a in rows if a.status == "submitted"]
    from webapp.network import store as network_store  # the networks this town belongs to (webapp/network/)

    return render_template("workspace/show.html", workspace=ws, assessments=rows, label=answer_label,
                           history=history_core.history(content(), submitted),
                           link=workspace_url(token) if token else None,
                           networks=network_store.networks_of(db.sessions, ws.id))


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
    return render_workspace(ws, token)


@bp.get("/w/<token>")
def enter(token: str) -> Any:
    ws = access.open_workspace_link(token) or abort(404)
    return redirect(url_for("workspace.show", ws_id=ws.public_id))


@bp.get("/ws/<ws_id>")
def show(ws_id: str) -> str:
    return render_workspace(workspace_owned(ws_id), None)


@bp.post("/ws/<ws_id>/link")
def new_link(ws_id: str) -> Any:
    token = access.new_workspace_link(workspace_owned(ws_id))  # this browser keeps access; others lose it
    return render_workspace(workspace_owned(ws_id), token)


@bp.post("/ws/<ws_id>/reassess")
def reassess(ws_id: str) -> Any:
    assessment, token = access.start_reassessment(workspace_owned(ws_id), content().version)
    return render_link_page(access_to(assessment.public_id), token, 201)


@bp.get("/ws/<ws_id>/a/<public_id>")
def open_assessment(ws_id: str, public_id: str) -> Any:
    access.open_through_workspace(workspace_owned(ws_id), public_id) or abort(404)
    return redirect(url_for("assess.continue_", public_id=public_id))
