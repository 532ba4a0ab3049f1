"""Views of the case-study library and the side-by-side comparison (a few lines each)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from readiness import library
from readiness.lint import SEED_DOCUMENTS
from readiness.overlay import overlay_svg
from readiness.scoring import level_for

from . import report_service
from .countries import COUNTRIES
from .routes import content, owned

bp = Blueprint("cases", __name__)


@bp.after_request
def _no_store(response: Response) -> Response:
    # The library is public; a comparison shows a town's scores: keep it out of caches.
    if request.endpoint == "cases.compare":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cases")
def index() -> str:
    options = library.filter_options(content(), COUNTRIES)
    filters = library.read_filters(request.args, options)
    return render_template("cases/index.html", cases=library.filter_cases(content(), filters), options=options,
                           filters=filters, total=len(content().cases), types=library.CASE_TYPES,
                           strong=library.strong_dimensions, dims=content().dimension_by_id)


@bp.get("/cases/<case_id>")
def case(case_id: str) -> str:
    found = content().case_by_id.get(case_id) or abort(404)
    return render_template("cases/case.html", case=found, profile=library.case_profile(content(), found),
                           documents=SEED_DOCUMENTS, types=library.CASE_TYPES, level_of=_level_of,
                           population=content().questions["population_band"])


@bp.get("/a/<public_id>/compare/<case_id>")
def compare(public_id: str, case_id: str) -> Any:
    assessment = owned(public_id)
    found = content().case_by_id.get(case_id) or abort(404)
    if assessment.status != "submitted":
        return redirect(url_for("assess.review", public_id=public_id))
    side = library.side_by_side(content(), report_service.result_for(assessment), found)
    chart = overlay_svg(side.rows, content().levels, found.name)  # built from numbers and escaped content text
    return render_template("cases/compare.html", assessment=assessment, side=side, documents=SEED_DOCUMENTS,
                           chart=Markup(chart) if chart else None, level_of=_level_of)


def _level_of(score: float | None) -> str:
    level = level_for(content().levels, score)
    return level.label if level else ""

