"""Views of the case-study library and the side-by-side comparison (a few lines each)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup

from readiness import library, overlay
from readiness.quote_translations import quote_translations
from readiness.report_view import source_references
from readiness.scoring import level_for

from webapp.glossary.routes import quote_language
from webapp.report import service as report_service
from webapp.i18n.countries import COUNTRIES, country_label
from webapp.i18n.locale import base_content, current_language
from webapp.wizard.routes import content, owned

bp = Blueprint("cases", __name__)



def _types() -> dict[str, str]:
    return {k: gettext(v) for k, v in library.CASE_TYPES.items()}


@bp.get("/cases")
def index() -> str:
    # Filtering reads the English content (country names are matched in English, and the
    # filter values stay the same in every language); the page shows the localized wording.
    base, local = base_content(), content()
    options = library.filter_options(base, COUNTRIES)
    filters = library.read_filters(request.args, options)
    shown = [local.case_by_id[c.id] for c in library.filter_cases(base, filters)]
    types = _types()
    lang = current_language()
    options = dataclasses.replace(
        options,
        types=[(value, types[value]) for value, _ in options.types],
        countries=sorted(options.countries, key=lambda name: country_label(name, lang).casefold()),
        dimensions=[(d, local.dimension_by_id[d].title) for d, _ in options.dimensions],
    )
    return render_template("cases/index.html", cases=shown, options=options,
                           filters=filters, total=len(local.cases), types=types,
                           strong=lambda c: [local.dimension_by_id[d].title for d in library.strong_dimensions(c)],
                           country_name=lambda name: country_label(name, lang))


@bp.get("/cases/<case_id>")
def case(case_id: str) -> str:
    found = content().case_by_id.get(case_id) or abort(404)
    return render_template("cases/case.html", case=found, profile=library.case_profile(content(), found),
                           documents=source_references(content()), types=_types(), level_of=_level_of,
                           population=content().questions["population_band"], quotes=_quotes())


@bp.get("/a/<public_id>/compare/<case_id>")
def compare(public_id: str, case_id: str) -> Any:
    assessment = owned(public_id, its_own_page=False)
    found = content().case_by_id.get(case_id) or abort(404)
    if assessment.status != "submitted":
        return redirect(url_for("assess.review", public_id=public_id))
    side = library.side_by_side(content(), report_service.result_for(assessment), found)
    # built from numbers and escaped content text
    chart = overlay.overlay_svg(side.rows, content().levels, found.name, title=gettext(overlay.TITLE, case=found.name),
                                screen=True)
    reasons = [library.reason_text(r, content(), gettext) for r in side.similar.reasons]
    return render_template("cases/compare.html", assessment=assessment, side=side, documents=source_references(content()),
                           chart=Markup(chart) if chart else None, level_of=_level_of, reasons=reasons,
                           quotes=_quotes())


def _quotes() -> dict[str, Any]:
    """How the page shows a quote: in its document's language, then its translation into the page's."""
    return {"translations": quote_translations(content().root, current_language()), "language": quote_language}


def _level_of(score: float | None) -> str:
    level = level_for(content().levels, score)
    return level.label if level else ""

