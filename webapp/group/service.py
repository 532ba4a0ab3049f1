"""The group of an assessment as the engine sees it: the owner's voice, the contributors'
voices and the agreed answers, read from the database and given to readiness.group.
Used by the group pages, the results page and the report (no views here)."""

from __future__ import annotations

from readiness import group as group_core
from readiness.content_model import Content
from readiness.group_view import group_section
from readiness.catalogs import ui_translations

from webapp.group import store as gstore
from webapp.wizard import store
from webapp.extensions import db
from webapp.models import Assessment

OWNER_KEY = "owner"


def voices(content: Content, assessment: Assessment) -> tuple[list[group_core.Voice], dict]:
    """The owner first (their own answers, with their role), then each contributor with answers."""
    saved = store.load_answers(db.sessions, assessment.id)
    profile_ids = {q.id for q in content.bank.profile}
    profile = {k: v for k, v in saved.items() if k in profile_ids}
    owner = {k: v for k, v in saved.items() if k not in profile_ids}
    labels = {i.id: i.label for i in gstore.invitations(db.sessions, assessment.id)}
    people = [group_core.Voice(OWNER_KEY, assessment.owner_role or "government", owner)] if owner else []
    for c in gstore.contributions(db.sessions, assessment.id):
        if c.answers:  # revoking a link stops the person's access; answers given stay in the group
            people.append(group_core.Voice(c.public_id, c.role, c.answers, labels.get(c.invitation_id, "")))
    return people, profile


def agreements(assessment: Assessment) -> dict[str, group_core.Agreement]:
    return {a.question_id: group_core.Agreement(a.value, a.note) for a in gstore.agreed_answers(db.sessions, assessment.id)}


def group_for(content: Content, assessment: Assessment) -> group_core.GroupResult:
    people, profile = voices(content, assessment)
    return group_core.group_result(content, people, profile, agreements(assessment), assessment.town, assessment.country)


def has_group(assessment: Assessment) -> bool:
    """True once at least one contributor has answered: the owner and they make a group."""
    return any(c.answers for c in gstore.contributions(db.sessions, assessment.id))


def section_for(content: Content, assessment: Assessment, language: str | None = None) -> dict | None:
    """"Where views differ" for the results page and the report, in the assessment's language."""
    if not has_group(assessment):
        return None
    group = group_for(content, assessment)
    if len(group.contributors) < 2:
        return None
    return group_section(group, ui_translations(language or assessment.language).gettext, show_names=assessment.show_names)
