"""The printable questionnaire as the web serves it: its HTML is built in the request
(milliseconds) and rendered by the render queue's workers; the PDF is kept in the
database's document cache, keyed by that HTML (language, content, town)."""

from __future__ import annotations

from readiness.questionnaire import questionnaire_html

from webapp.models import Assessment
from webapp.report.jobs import JobState, Subject, Variant
from webapp.report.service import cached_or_queued, content


def questionnaire_pdf(assessment: Assessment) -> tuple[bytes | None, JobState]:
    """The PDF if it is ready, else None and the state of its job (queued on the first ask)."""
    html = questionnaire_html(content(assessment), assessment.language, assessment.town)
    return cached_or_queued(Subject("a", assessment.id), Variant("questionnaire", assessment.language), html)
