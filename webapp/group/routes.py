"""Views of the group assessment: the owner invites each stakeholder with a link of their
own (a name or label and the role they speak for); each answers separately; the owner is a
voice too, agrees the facts where views differ, and can type in answers given on paper.

Access is the capability model of ``access``: opening a person's link grants this browser
their contribution for as long as that link is current. A new link for the person (or
revoking it) cuts off every browser that came in through the old one; their answers stay.
Contributors see only their own answers, unless the owner chooses to share them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from readiness import group as group_core
from readiness.answers import clean_text, is_visible
from readiness.group_view import group_section

from webapp import access
from webapp.group import service as group_service
from webapp.group import store as gstore
from webapp.extensions import db
from webapp.i18n.locale import language_posted_with_form
from webapp.wizard.forms import form_data, read_and_check, step_form_class
from webapp.models import Assessment, Contribution, Invitation
from webapp.wizard.routes import access_to, answer_label, content, owned
from webapp.wizard.steps import PROFILE_STEP, all_steps, shown_questions

bp = Blueprint("group", __name__)

INVITED = "invited"  # session: "invitation public id.link tag" of the links opened in this browser
CONTRIBUTING = "contributing"  # session: "contribution public id.link tag" of this browser
MAX_GRANTS = 20
LABEL_MAX = 120
NOTE_MAX = 500


def roles() -> dict[str, str]:
    """The stakeholder roles, in the language of this request."""
    return {k: gettext(v) for k, v in group_core.ROLES.items()}


def _role_choices(placeholder: str) -> list[SelectChoice]:
    return [SelectChoice("", placeholder)] + [SelectChoice(k, v) for k, v in roles().items()]


class JoinForm(FlaskForm):
    role = SelectField(_l("Which group do you speak for?"),
                       validators=[InputRequired(_l("Choose the group you speak for."))], validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices(gettext("Choose a group"))

    def validate_role(self, field: Any) -> None:
        if field.data not in group_core.ROLES:
            raise ValidationError(gettext("Choose the group you speak for."))


class InviteForm(FlaskForm):
    label = StringField(_l("Name or label"), validators=[
        InputRequired(_l("Give a name or a label, for example “Chamber of commerce”.")),
        Length(max=LABEL_MAX, message=_l("At most %(max)d characters."))])
    role = SelectField(_l("Speaks for"), validators=[InputRequired(_l("Choose the group this person speaks for."))],
                       validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices(gettext("Choose a group"))

    def validate_label(self, field: Any) -> None:
        field.data = clean_text(field.data or "").strip()
        if not field.data:
            raise ValidationError(gettext("Give a name or a label, for example “Chamber of commerce”."))

    def validate_role(self, field: Any) -> None:
        if field.data not in group_core.ROLES:
            raise ValidationError(gettext("Choose the group this person speaks for."))


class VoiceForm(FlaskForm):
    owner_role = SelectField(_l("You speak for"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_role.choices = [SelectChoice(k, v) for k, v in roles().items()]

    def validate_owner_role(self, field: Any) -> None:
        if field.data not in group_core.ROLES:
            raise ValidationError(gettext("Choose the group you speak for."))


def grant_link(inv: Invitation) -> None:
    access.grant(INVITED, inv.public_id, inv.token_hash, MAX_GRANTS)


def grant_contribution(c: Contribution, inv: Invitation) -> None:
    access.grant(CONTRIBUTING, c.public_id, inv.token_hash, MAX_GRANTS)


def invited(inv_id: str) -> Invitation:
    """The invitation, if this browser opened its current link and it is not revoked; else 404."""
    tag = access.granted_tag(INVITED, inv_id)
    inv = gstore.active_invitation(db.sessions, inv_id) if tag is not None else None
    if inv is None or not access.tag_matches(tag, inv.token_hash) or not access.invitation_usable(inv):
        abort(404)  # revoked, replaced, or made through a link that has been replaced since
    return inv


def contributing(contribution_id: str) -> Contribution:
    """The contribution, if this browser came in through its person's current link; else 404."""
    tag = access.granted_tag(CONTRIBUTING, contribution_id)
    c = gstore.contribution(db.sessions, contribution_id) if tag is not None else None
    inv = gstore.invitation(db.sessions, c.invitation_id) if c is not None else None
    if c is None or inv is None or not access.tag_matches(tag, inv.token_hash) or not access.invitation_usable(inv):
        abort(404)
    return c


def _cap_message() -> str:
    return gettext("This group assessment has all the contributions it can take. Ask the person who invited you.")


def _contribute(inv: Invitation, role: str) -> Contribution:
    """The person's contribution through ``inv`` (``ContributionCap`` beyond the caps)."""
    config = current_app.config
    return gstore.create_contribution(db.sessions, inv, role, per_invitation=config["MAX_CONTRIBUTIONS_PER_INVITATION"],
                                      per_assessment=config["MAX_CONTRIBUTIONS_PER_ASSESSMENT"])


def _group_view(assessment: Assessment) -> group_core.GroupResult:
    return group_service.group_for(content(), assessment)


def _steps() -> list:
    return [s for s in all_steps(content()) if s.id != PROFILE_STEP]


# --------------------------------------------------------------------------- owner


def _owner_page(assessment: Assessment, invite_form: InviteForm | None = None,
                voice_form: VoiceForm | None = None, new: dict | None = None) -> tuple[str, int]:
    new = new or {}  # a new link is shown in the answer to the post that made it, once
    link = access.capability_url("group.enter", new["token"]) if new.get("token") else None
    invitations = gstore.invitations(db.sessions, assessment.id)
    answered = {c.invitation_id: c for c in gstore.contributions(db.sessions, assessment.id)}
    group = _group_view(assessment)
    section = group_section(group, gettext, show_names=True)  # the owner sees who said what
    forms = [f for f in (invite_form, voice_form) if f is not None]
    status = 400 if any(f.errors for f in forms) else 200
    return render_template("group/owner.html", assessment=assessment, link=link, link_for=new.get("inv"),
                           roles=roles(), invitations=invitations, answered=answered,
                           counts=gstore.contribution_counts(db.sessions, assessment.id), group=group, section=section,
                           invite_form=invite_form or InviteForm(formdata=None),
                           voice_form=voice_form or VoiceForm(formdata=None, owner_role=assessment.owner_role),
                           label=answer_label, show_views=True, usable=access.invitation_usable,
                           agree_url=lambda qid: url_for("group.agree", public_id=assessment.public_id, question_id=qid)), status


@bp.get("/a/<public_id>/group")
def owner(public_id: str) -> Any:
    return _owner_page(owned(public_id, its_own_page=False))


@bp.post("/a/<public_id>/group/invite")
def invite(public_id: str) -> Any:
    assessment = owned(public_id, its_own_page=False)
    form = InviteForm()
    if not form.validate():
        return _owner_page(assessment, invite_form=form)
    inv, token = gstore.create_invitation(db.sessions, assessment.id, form.label.data, form.role.data,
                                          issued_via=access_to(public_id, its_own_page=False).lineage)
    return _owner_page(assessment, new={"token": token, "inv": inv.public_id})


@bp.post("/a/<public_id>/group/link/<inv_id>")
def new_person_link(public_id: str, inv_id: str) -> Any:
    granted = access_to(public_id, its_own_page=False)
    token = gstore.rotate_invitation(db.sessions, granted.assessment.id, inv_id, issued_via=granted.lineage) or abort(404)
    return _owner_page(granted.assessment, new={"token": token, "inv": inv_id})


@bp.post("/a/<public_id>/group/revoke/<inv_id>")
def revoke(public_id: str, inv_id: str) -> Any:
    assessment = owned(public_id, its_own_page=False)
    gstore.revoke(db.sessions, assessment.id, inv_id) or abort(404)
    return redirect(url_for("group.owner", public_id=public_id))


@bp.post("/a/<public_id>/group/revoke/<inv_id>/delete")
def delete_revoked(public_id: str, inv_id: str) -> Any:
    """The owner removes what came in through a revoked link (e.g. a leaked one that was flooded)."""
    assessment = owned(public_id, its_own_page=False)
    gstore.delete_revoked_contributions(db.sessions, assessment.id, inv_id) is not None or abort(404)
    return redirect(url_for("group.owner", public_id=public_id))


@bp.post("/a/<public_id>/group/share")
def share(public_id: str) -> Any:
    assessment = owned(public_id, its_own_page=False)
    form = VoiceForm(owner_role=assessment.owner_role)
    if not form.validate():
        return _owner_page(assessment, voice_form=form)
    gstore.set_voice(db.sessions, assessment.id, form.owner_role.data, request.form.get("names") == "1",
                     request.form.get("share") == "1")
    return redirect(url_for("group.owner", public_id=public_id))


@bp.post("/a/<public_id>/group/paper/<inv_id>")
def paper(public_id: str, inv_id: str) -> Any:
    """The owner types in the answers a person gave on the printed questionnaire."""
    assessment = owned(public_id, its_own_page=False)
    inv = next((i for i in gstore.invitations(db.sessions, assessment.id)
                if i.public_id == inv_id and i.revoked_at is None and i.role), None) or abort(404)
    try:
        c = _contribute(inv, inv.role)
    except gstore.ContributionCap:
        abort(409)
    grant_contribution(c, inv)
    return redirect(url_for("group.step", contribution_id=c.public_id, step_id=_steps()[0].id))


def _spread_of(assessment: Assessment, question_id: str) -> group_core.QuestionSpread:
    group = _group_view(assessment)
    return next((s for s in group.spreads if s.question.id == question_id), None) or abort(404)


@bp.route("/a/<public_id>/group/agree/<question_id>", methods=["GET", "POST"])
def agree(public_id: str, question_id: str) -> Any:
    """Record the answer the group agreed on a question where views differ, with a note."""
    assessment = owned(public_id, its_own_page=False)
    spread = _spread_of(assessment, question_id)
    q = spread.question
    form_cls = step_form_class([q])
    saved = {q.id: spread.agreed.value} if spread.agreed else {}
    form = form_cls(data=form_data([q], saved)) if request.method == "GET" else form_cls()
    note = (spread.agreed.note if spread.agreed else "") if request.method == "GET" else request.form.get("note", "")
    note_error = None
    if request.method == "POST" and form.validate():
        values = read_and_check(form, [q], require=True, is_applicable=lambda _q: True)
        note = clean_text(note).strip()
        if len(note) > NOTE_MAX:
            note_error = gettext("At most %(max)d characters.", max=NOTE_MAX)
        elif values is not None:
            views = [{"role": v.contributor.role, "value": v.value} for v in spread.views]
            gstore.set_agreed(db.sessions, assessment.id, q.id, values[q.id], note, views)
            return redirect(url_for("group.owner", public_id=public_id, _anchor="differ-" + q.id))
    section = group_section(group_core.GroupResult(_group_view(assessment).contributors, [], None, [spread]), gettext,
                            show_names=True)
    return render_template("group/agree.html", assessment=assessment, q=q, form=form, note=note, note_error=note_error,
                           item=section["differ"][0] if section["differ"] else None, note_max=NOTE_MAX,
                           agreed=spread.agreed), 400 if request.method == "POST" else 200


@bp.post("/a/<public_id>/group/agree/<question_id>/clear")
def clear_agreement(public_id: str, question_id: str) -> Any:
    assessment = owned(public_id, its_own_page=False)
    gstore.clear_agreed(db.sessions, assessment.id, question_id)
    return redirect(url_for("group.owner", public_id=public_id, _anchor="differ-" + question_id))


@bp.get("/a/<public_id>/group/questionnaire.pdf")
def questionnaire(public_id: str) -> Response:
    """The questionnaire on paper, for a workshop with stakeholders who will not use the web."""
    from webapp.group import questionnaire as questionnaire_service

    from webapp.report.service import preparing_page

    assessment = owned(public_id)
    pdf, state = questionnaire_service.questionnaire_pdf(assessment)
    if pdf is None:
        return preparing_page(state, gettext("The printable questionnaire"),
                              url_for("group.owner", public_id=public_id))  # type: ignore[return-value]
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="cluster-readiness-questionnaire.pdf"'})


# --------------------------------------------------------------------------- contributors


@bp.get("/i/<token>")
def enter(token: str) -> Any:
    # The token is swapped for a grant in the session, then dropped from the URL.
    inv = gstore.invitation_by_token(db.sessions, token)
    if not access.invitation_usable(inv):
        abort(404)
    assert inv is not None
    grant_link(inv)
    return redirect(url_for("group.join", inv_id=inv.public_id))


@bp.route("/g/<inv_id>", methods=["GET", "POST"])
def join(inv_id: str) -> Any:
    inv = invited(inv_id)
    form = JoinForm()
    if inv.role:  # a personal link: the owner said whom it is for and which group they speak for
        confirm = FlaskForm()
        if confirm.validate_on_submit():
            try:
                c = _contribute(inv, inv.role)
            except gstore.ContributionCap:
                return render_template("group/join.html", form=confirm, town=_town(inv.assessment_id), invitation=inv,
                                       roles=roles(), cap=_cap_message()), 409
            grant_contribution(c, inv)
            return redirect(url_for("group.step", contribution_id=c.public_id, step_id=_steps()[0].id))
        return render_template("group/join.html", form=confirm, town=_town(inv.assessment_id), invitation=inv,
                               roles=roles()), 400 if confirm.errors else 200
    if form.validate_on_submit():
        try:
            c = _contribute(inv, form.role.data)
        except gstore.ContributionCap:
            form.role.errors = [_cap_message()]
            return render_template("group/join.html", form=form, town=_town(inv.assessment_id), invitation=None,
                                   roles=roles()), 409
        grant_contribution(c, inv)
        return redirect(url_for("group.step", contribution_id=c.public_id, step_id=_steps()[0].id))
    return render_template("group/join.html", form=form, town=_town(inv.assessment_id), invitation=None,
                           roles=roles()), 400 if form.errors else 200


def _town(assessment_id: int) -> str:
    a = gstore.assessment_of(db.sessions, assessment_id)
    return f"{a.town}, {a.country}" if a else ""


@bp.route("/c/<contribution_id>/step/<step_id>", methods=["GET", "POST"])
def step(contribution_id: str, step_id: str) -> Any:
    c = contributing(contribution_id)
    switched = language_posted_with_form()  # the page's answers are saved, it comes back translated
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
            if switched:
                return redirect(url_for("group.step", contribution_id=contribution_id, step_id=step_id))
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
    section = (group_section(_group_view(assessment), gettext, show_names=assessment.show_names)
               if shared and assessment else None)
    return render_template("group/mine.html", contribution=c, roles=roles(), label=answer_label,
                           steps=_steps(), answers=c.answers or {}, town=_town(c.assessment_id), section=section)
