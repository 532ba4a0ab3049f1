"""The report as the web app serves it: scored, rendered once, cached by key.

Importing ``readiness.report`` imports WeasyPrint (~0.4 s): done once, when
the app module is imported, never per request.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from readiness.content import Content
from readiness.report import ReportMeta, render_pdf, report_cache_key, report_context
from readiness.scoring import AssessmentResult, score_assessment

from . import store
from .render_slots import render_slot
from .extensions import db
from .models import Assessment

def content(assessment: Assessment | None = None) -> Content:
    """The content in the assessment's language (its report too)."""
    base: Content = current_app.extensions["readiness_content"]
    return base.for_language(assessment.language) if assessment is not None else base

def result_for(assessment: Assessment) -> AssessmentResult:
    answers = store.load_answers(db.sessions, assessment.id)
    return score_assessment(content(assessment), answers, assessment.town, assessment.country)

def meta_for(assessment: Assessment, bilingual: bool = False) -> ReportMeta:
    created = (assessment.submitted_at or assessment.updated_at or dt.datetime.now(dt.timezone.utc)).date()
    return ReportMeta(
        town=assessment.town,
        country=assessment.country,
        assessment_id=assessment.public_id,
        created=created,
        contact_role=assessment.contact_role,
        language=assessment.language,
        bilingual=bilingual and assessment.language != "en",
    )

def report_pdf(assessment: Assessment, bilingual: bool = False) -> bytes:
    """The PDF for the assessment's current answers: from the cache, or rendered and cached."""
    result, meta = result_for(assessment), meta_for(assessment, bilingual)
    key = report_cache_key(content(assessment), result, meta)
    pdf = store.cached_report(db.sessions, assessment.id, key)
    if pdf is None:
        config = current_app.config
        with render_slot(config["RENDER_SLOT_DIR"], config["MAX_CONCURRENT_RENDERS"]):
            pdf = render_pdf(content(assessment), result, meta)
        store.store_report(db.sessions, assessment.id, key, pdf)
    return pdf


def results_view(assessment: Assessment) -> dict:
    """The view model of the results page: the same one the PDF report is built from."""
    return report_context(content(assessment), result_for(assessment), meta_for(assessment))
