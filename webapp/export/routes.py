"""Downloads of the export (issue 5): CSV and JSON of a town workspace and of one assessment.

Access exactly as their pages: the workspace grant (``workspace_owned``) or the assessment
grant (``owned``), 404 otherwise; GET only; never cached; always an attachment.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app

from readiness import export as fmt
from readiness.content_model import Content

from webapp.export.exporter import export_csv, export_document
from webapp.extensions import db
from webapp.wizard.routes import owned
from webapp.workspace.routes import workspace_owned

bp = Blueprint("export", __name__)


def _base_content() -> Content:
    return current_app.extensions["readiness_content"]


def _download(body: bytes, filename: str, content_type: str) -> Response:
    # content_type, not mimetype: Werkzeug adds "; charset=utf-8" to a text/* mimetype, which
    # doubled the one given here
    return Response(body, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                      "Cache-Control": "no-store"})


def _json(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@bp.get("/ws/<ws_id>/export.json")
def workspace_json(ws_id: str) -> Response:
    ws = workspace_owned(ws_id)
    doc = export_document(db.sessions, _base_content(), workspace_id=ws.id)
    return _download(_json(doc), fmt.safe_filename(ws.town, "workspace.json"), "application/json")


@bp.get("/ws/<ws_id>/export.csv")
def workspace_csv(ws_id: str) -> Response:
    ws = workspace_owned(ws_id)
    body = export_csv(db.sessions, _base_content(), workspace_id=ws.id)
    return _download(body, fmt.safe_filename(ws.town, "assessments.csv"), "text/csv; charset=utf-8")


@bp.get("/a/<public_id>/export.json")
def assessment_json(public_id: str) -> Response:
    assessment = owned(public_id)
    doc = export_document(db.sessions, _base_content(), assessment_id=assessment.id)
    return _download(_json(doc), fmt.safe_filename(assessment.town, f"{public_id}.json"), "application/json")


@bp.get("/a/<public_id>/export.csv")
def assessment_csv(public_id: str) -> Response:
    assessment = owned(public_id)
    body = export_csv(db.sessions, _base_content(), assessment_id=assessment.id)
    return _download(body, fmt.safe_filename(assessment.town, f"{public_id}.csv"), "text/csv; charset=utf-8")
