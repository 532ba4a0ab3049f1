"""Views of the group assessment (issue 5): the owner invites stakeholders through a second,
revocable capability link; each contributor answers separately, with their role.

Contributor access is granted in the session by the invitation link and checked on every
request against the invitation: a revoked link, and every page reached through it, is 404.
Contributors see only their own answers, unless the owner chooses to share them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, ValidationError

from readiness import group as group_core
from readiness.answers import is_visible

from . import access, store
from . import group_store as gstore
from .extensions import db
from .forms import form_data, read_and_check, step_form_class
from .models import Assessment, Contribution
from .routes import answer_label, content, owned
from .steps import PROFILE_STEP, all_steps, shown_questions

bp = Blueprint("group", __name__)

INVITED = "invited"  # session: invitation public ids opened in this browser
CONTRIBUTING = "contributing"  # session: contribution public ids of this browser
MAX_GRANTS = 20


def roles() -> dict[str, str]:
    """The stakeholder roles, in the language of this request."""
    return {k: gettext(v) for k, v in group_core.ROLES.items()}


class JoinForm(FlaskForm):
    role = SelectField(_l("Which group do you speak for?"),
                       validators=[InputRequired(_l("Choose the group you speak for."))], validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice("", gettext("Choose a group"))] + [SelectChoice(k, v) for k, v in roles().items()]

    def validate_role(self, field: Any) -> None:
        if field.data not in group_core.ROLES:
            raise ValidationError(gettext("Choose the group you speak for."))


def _remember(key: str, public_id: str) -> None:
    kept = [p for p in session.get(key, []) if p != public_id]
    session[key] = (kept + [public_id])[-MAX_GRANTS:]


def invited(inv_id: str) -> Any:
    if inv_id not in session.get(INVITED, []):
        abort(404)
    return gstore.active_invitation(db.sessions, inv_id) or abort(404)


def contributing(contribution_id: str) -> Contribution:
    """The contribution, if this browser made it and its invitation is still active; else 404."""
    if contribution_id not in session.get(CONTRIBUTING, []):
        abort(404)
    c = gstore.contribution(db.sessions, contribution_id) or abort(404)
    if not any(i.id == c.invitation_id and i.revoked_at is None for i in gstore.invitations(db.sessions, c.assessment_id)):
        abort(404)
    return c


def _group_view(assessment: Assessment) -> group_core.GroupResult:
    saved = store.load_answers(db.sessions, assessment.id)
    profile = {q.id: saved[q.id] for q in content().bank.profile if q.id in saved}
    people = [(c.public_id, c.role, c.answers or {}) for c in gstore.contributions(db.sessions, assessment.id)]
    return group_core.group_result(content(), people, profile)


def _steps() -> list:
    return [s for s in all_steps(content()) if s.id != PROFILE_STEP]



# --------------------------------------------------------------------------- owner


@bp.get("/a/<public_id>/group")
def owner(public_id: str) -> str:
    assessment = owned(public_id)
    new = session.pop("new_invitation", None) or {}
    link = access.capability_url("group.enter", new["token"]) if new.get("id") == public_id else None
    return render_template("group/owner.html", assessment=assessment, link=link, roles=roles(),
                           invitations=gstore.invitations(db.sessions, assessment.id),
                           counts=gstore.contribution_counts(db.sessions, assessment.id),
                           group=_group_view(assessment), label=answer_label, show_views=True)


@bp.post("/a/<public_id>/group/invite")
def invite(public_id: str) -> Any:
    assessment = owned(public_id)
    _, token = gstore.create_invitation(db.sessions, assessment.id)
    session["new_invitation"] = {"id": public_id, "token": token}
    return redirect(url_for("group.owner", public_id=public_id))


@bp.post("/a/<public_id>/group/revoke/<inv_id>")
def revoke(public_id: str, inv_id: str) -> Any:
    assessment = owned(public_id)
    gstore.revoke(db.sessions, assessment.id, inv_id) or abort(404)
    return redirect(url_for("group.owner", public_id=public_id))


@bp.post("/a/<public_id>/group/revoke/<inv_id>/delete")
def delete_revoked(public_id: str, inv_id: str) -> Any:
    """The owner removes what came in through a revoked link (e.g. a leaked one that was flooded)."""
    assessment = owned(public_id)
    gstore.delete_revoked_contributions(db.sessions, assessment.id, inv_id) is not None or abort(404)
    return redirect(url_for("group.owner", public_id=public_id))


@bp.post("/a/<public_id>/group/share")
def share(public_id: str) -> Any:
    assessment = owned(public_id)
    gstore.set_sharing(db.sessions, assessment.id, request.form.get("share") == "1")
    return redirect(url_for("group.owner", public_id=public_id))


# --------------------------------------------------------------------------- contributors


@bp.get("/i/<token>")
def enter(token: str) -> Any:
    inv = gstore.invitation_by_token(db.sessions, token) or abort(404)
    _remember(INVITED, inv.public_id)
    return redirect(url_for("group.join", inv_id=inv.public_id))


@bp.route("/g/<inv_id>", methods=["GET", "POST"])
def join(inv_id: str) -> Any:
    inv = invited(inv_id)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            c = gstore.create_contribution(db.sessions, inv, form.role.data,
                                           per_invitation=current_app.config["MAX_CONTRIBUTIONS_PER_INVITATION"],
                                           per_assessment=current_app.config["MAX_CONTRIBUTIONS_PER_ASSESSMENT"])
        except gstore.ContributionCap:
            form.role.errors = [gettext("This group assessment has all the contributions it can take. Ask the "
                                        "person who invited you.")]
            return render_template("group/join.html", form=form, town=_town(inv.assessment_id)), 409
        _remember(CONTRIBUTING, c.public_id)
        return redirect(url_for("group.step", contribution_id=c.public_id, step_id=_steps()[0].id))
    return render_template("group/join.html", form=form, town=_town(inv.assessment_id)), 400 if form.errors else 200


def _town(assessment_id: int) -> str:
    a = gstore.assessment_of(db.sessions, assessment_id)
    return f"{a.town}, {a.country}" if a else ""


@bp.route("/c/<contribution_id>/step/<step_id>", methods=["GET", "POST"])
def step(contribution_id: str, step_id: str) -> Any:
    c = contributing(contribution_id)
    steps = _steps()
    current = next((s for s in steps if s.id == step_id), None) or abort(404)
    saved = dict(c.answers or {})
    shown = shown_questions(current, saved)
    form_cls = step_form_class(shown)
    form = form_cls(data=form_data(shown, saved)) if request.method == "GET" else form_cls()
    if request.method == "POST" and form.validate():
        posted = {q.id: form[q.id].data for q in shown}
        values = read_and_check(form, shown, require=False, is_applicable=lambda q: is_visible(q, {**saved, **posted}))
        if values is not None:
            gstore.save_contribution(db.sessions, c.id, values)
            i = steps.index(current) + (-1 if request.form.get("action") == "back" else 1)
            if 0 <= i < len(steps):
                return redirect(url_for("group.step", contribution_id=contribution_id, step_id=steps[i].id))
            return redirect(url_for("group.mine", contribution_id=contribution_id))
    return render_template("group/step.html", contribution=c, step=current, steps=steps, form=form, questions=shown,
                           roles=roles()), 400 if request.method == "POST" else 200


@bp.get("/c/<contribution_id>")
def mine(contribution_id: str) -> str:
    c = contributing(contribution_id)
    assessment = gstore.assessment_of(db.sessions, c.assessment_id)
    shared = bool(assessment and assessment.share_contributions)
    return render_template("group/mine.html", contribution=c, roles=roles(), label=answer_label,
                           steps=_steps(), answers=c.answers or {}, town=_town(c.assessment_id),
                           group=_group_view(assessment) if shared and assessment else None, show_views=shared)
