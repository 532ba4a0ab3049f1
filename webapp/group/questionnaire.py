"""The printable questionnaire as the web serves it: rendered once per language, content
and town, then kept in a small per-app cache (the questionnaire holds no answers)."""

from __future__ import annotations

from collections import OrderedDict

from flask import current_app

from readiness.questionnaire import questionnaire_pdf as render

from webapp.models import Assessment
from webapp.report.service import content

CACHE_SIZE = 16


def questionnaire_pdf(assessment: Assessment) -> bytes:
    localized = content(assessment)
    key = (assessment.language, localized.digest, assessment.town)
    cache: OrderedDict = current_app.extensions.setdefault("readiness_questionnaires", OrderedDict())
    pdf = cache.get(key)
    if pdf is None:
        pdf = render(localized, assessment.language, assessment.town)
        cache[key] = pdf
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    cache.move_to_end(key)
    return pdf
