"""The peer figures of an assessment for the results page and the full report, and the
consent given at submission (off by default) or withdrawn later."""

from __future__ import annotations

from readiness.content_model import Content
from readiness.catalogs import ui_translations
from readiness.peers import peer_groups, peer_section
from readiness.scoring import AssessmentResult

from webapp.peers import store as peers_store
from webapp.extensions import db
from webapp.models import Assessment

BAND_QUESTION = "population_band"


def set_consent(assessment: Assessment, result: AssessmentResult, consent: bool) -> None:
    band = result.answers.get(BAND_QUESTION)
    if consent and isinstance(band, str):
        peers_store.join(db.sessions, assessment.id, band, {d.id: d.score for d in result.dimensions})
    else:
        peers_store.withdraw(db.sessions, assessment.id)


def section_for(content: Content, assessment: Assessment, result: AssessmentResult,
                language: str | None = None) -> dict | None:
    """None for a draft; else the groups (each says whether it has enough towns to show)."""
    band = result.answers.get(BAND_QUESTION)
    if assessment.status != "submitted" or not isinstance(band, str):
        return None
    groups = peer_groups(peers_store.pool(db.sessions, band), peers_store.town_key(assessment), band,
                         assessment.country, [d.id for d in content.dimensions])
    return peer_section(groups, {d.id: d.score for d in result.dimensions}, {d.id: d.title for d in content.dimensions},
                        ui_translations(language or assessment.language).gettext, peers_store.in_pool(db.sessions, assessment.id))


def in_pool(assessment: Assessment) -> bool:
    return peers_store.in_pool(db.sessions, assessment.id)
