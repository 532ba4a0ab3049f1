"""The report as the web app serves it: scored, rendered once, cached by key.

Importing ``readiness.report`` imports WeasyPrint (~0.4 s): done once, when
the app module is imported, never per request.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from readiness.content_model import Content
from readiness.report import ReportMeta, render_pdf, report_cache_key, report_context
from readiness.report_changes import PreviousAssessment
from readiness.scoring import AssessmentResult, score_assessment
from readiness.snapshot import content_files, content_from_files

from webapp.wizard import store
from webapp.workspace import store as wstore
from webapp.extensions import db
from webapp.models import Assessment
from webapp.report.slots import render_slot


def content(assessment: Assessment | None = None, language: str | None = None) -> Content:
    """The content an assessment is scored with, in its language (its report too): the
    current content, or for a submitted assessment the content it was submitted with."""
    base: Content = current_app.extensions["readiness_content"]
    if assessment is None:
        return base
    frozen = _frozen_content(assessment.content_digest) if assessment.content_digest else None
    return (frozen or base).for_language(language or assessment.language)


def _frozen_content(digest: str) -> Content | None:
    """The snapshot a submission was scored with (loaded once per process and digest);
    None when it is today's content, or when no snapshot was kept (older submissions)."""
    base: Content = current_app.extensions["readiness_content"]
    if digest == base.digest:
        return None
    loaded: dict[str, Content | None] = current_app.extensions.setdefault("readiness_snapshots", {})
    if digest not in loaded:
        files = store.snapshot_files(db.sessions, digest)
        loaded[digest] = content_from_files(files) if files else None
    return loaded[digest]


def frozen_for(assessment: Assessment) -> store.Frozen:
    """What to keep at submission: today's content and the result scored with it."""
    base: Content = current_app.extensions["readiness_content"]
    answers = store.load_answers(db.sessions, assessment.id)
    result = score_assessment(base, answers, assessment.town, assessment.country)
    return store.Frozen(base.digest, base.version, content_files(base), result.to_json())


def result_for(assessment: Assessment, worded_for: Assessment | None = None) -> AssessmentResult:
    """Score the assessment's answers with its content (in the language of ``worded_for``,
    default its own): a submitted assessment with the content it was submitted with."""
    answers = store.load_answers(db.sessions, assessment.id)
    language = (worded_for or assessment).language
    return score_assessment(content(assessment, language), answers, assessment.town, assessment.country)


def _day(moment: dt.datetime | None) -> dt.date:
    return (moment or dt.datetime.now(dt.timezone.utc)).date()


def previous_for(assessment: Assessment) -> PreviousAssessment | None:
    """The town's last submitted assessment before this one, in the same workspace."""
    if assessment.workspace_id is None:
        return None
    town = wstore.assessments(db.sessions, assessment.workspace_id)  # oldest first
    position = next((i for i, a in enumerate(town) if a.id == assessment.id), len(town))
    earlier = [a for a in town[:position] if a.status == "submitted"]
    if not earlier:
        return None
    last = earlier[-1]
    then = result_for(last, worded_for=assessment)
    # Scored on other questions and rules? Then also with this assessment's content, so the
    # report can tell the town's changes from the content's.
    now_content = content(assessment)
    rescored = None
    if content(last).digest != now_content.digest:
        answers = store.load_answers(db.sessions, last.id)
        rescored = score_assessment(now_content, answers, last.town, last.country)
    return PreviousAssessment(_day(last.submitted_at or last.updated_at), then, rescored)


def meta_for(assessment: Assessment, bilingual: bool = False, with_previous: bool = True,
             edition: str = "summary") -> ReportMeta:
    from webapp.group import service as group_service  # the group's voices
    from webapp.peers import service as peers_service  # the anonymous peers

    both = bilingual and assessment.language != "en"
    english = content(assessment).for_language("en")
    return ReportMeta(
        town=assessment.town,
        country=assessment.country,
        assessment_id=assessment.public_id,
        created=_day(assessment.submitted_at or assessment.updated_at),
        contact_role=assessment.contact_role,
        language=assessment.language,
        bilingual=bilingual and assessment.language != "en",
        edition=edition,
        previous=previous_for(assessment) if with_previous else None,
        group=group_service.section_for(content(assessment), assessment),
        peers=peers_service.section_for(content(assessment), assessment, result_for(assessment)),
        # the English part of a bilingual report has these sections in English too
        group_en=group_service.section_for(english, assessment, "en") if both else None,
        peers_en=peers_service.section_for(english, assessment, result_for(assessment), "en") if both else None,
    )


def report_docx(assessment: Assessment) -> bytes:
    """The summary as an editable DOCX (built in a few milliseconds: not cached)."""
    from readiness.report_docx import build_docx

    return build_docx(content(assessment), result_for(assessment), meta_for(assessment))


def report_pdf(assessment: Assessment, bilingual: bool = False, edition: str = "summary") -> bytes:
    """The PDF for the assessment's current answers: from the cache, or rendered and cached."""
    result, meta = result_for(assessment), meta_for(assessment, bilingual, edition=edition)
    key = report_cache_key(content(assessment), result, meta)
    pdf = store.cached_report(db.sessions, assessment.id, key)
    if pdf is None:
        config = current_app.config
        with render_slot(config["RENDER_SLOT_DIR"], config["MAX_CONCURRENT_RENDERS"]):
            pdf = render_pdf(content(assessment), result, meta)
        store.store_report(db.sessions, assessment.id, key, pdf)
    return pdf


def results_view(assessment: Assessment) -> dict:
    """The view model of the results page: the same one the PDF report is built from.
    (The page does not show the comparison with a previous assessment: not scored here.)"""
    return report_context(content(assessment), result_for(assessment), meta_for(assessment, with_previous=False))
