"""Views: a few lines each (access check, one domain call, render)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext

from readiness.answers import is_visible
from readiness.conditions import AnswerValue
from readiness.content_model import Content
from readiness.export import safe_filename
from readiness.answers import answer_text

from webapp import access
from webapp.peers import service as peers_service
from webapp.report import service as report_service
from webapp.wizard import pages, store
from webapp.extensions import db
from webapp.wizard.forms import StepForm, read_and_check, start_form_class
from webapp.i18n.locale import current_language, default_to, language_posted_with_form, localized_content, speak
from webapp.models import Assessment
from webapp.wizard.steps import (PROFILE_STEP, minutes_to_answer, all_steps, condition_in_words, depends_on_same_step, follow_up_condition, neighbours,
                    shown_questions, step_by_id)

bp = Blueprint("assess", __name__)
bp.add_app_template_global(pages.choice_inputs, "choice_inputs")  # templates/_macros.html
bp.add_app_template_global(pages.question_block, "question_block")  # templates/step.html

def content() -> Content:
    """The content in the language of this request (ids, scores and rules are the same in all)."""
    return localized_content()


def access_to(public_id: str, its_own_page: bool = True) -> access.AssessmentAccess:
    """This browser's access to the assessment (webapp/access.py); 404 without it."""
    granted = access.assessment(public_id)
    _speak(granted.assessment, its_own_page)
    return granted


def _speak(assessment: Assessment, its_own_page: bool) -> None:
    if its_own_page:
        speak(assessment.language)  # pages of an assessment speak its language
    else:
        default_to(assessment.language)


def owned(public_id: str, its_own_page: bool = True) -> Assessment:
    """The assessment, if this browser may open it (webapp/access.py); else 404.

    ``its_own_page``: the wizard, review and results speak the assessment's language (what its
    report says); other pages about it (a comparison, the group) follow the visitor's choice."""
    return access_to(public_id, its_own_page).assessment


def owned_with_answers(public_id: str) -> store.AssessmentWithAnswers:
    """``owned``, with the assessment's answers and their revisions read in the same query."""
    found = store.with_answers(db.sessions, public_id) if access.may_hold(public_id) else None
    _speak(access.assessment(public_id, loaded=found.assessment if found else None).assessment, True)
    assert found is not None
    return found


def resume_url(token: str) -> str:
    return access.capability_url("assess.resume", token)


def render_link_page(granted: access.AssessmentAccess) -> Any:
    """The link page; a new link made by the request that redirected here is shown once."""
    a = granted.assessment
    token = next(iter(access.take_shown("assessment", a.public_id)), None)
    leaves_workspace = a.workspace_via is not None and not (granted.through_workspace or access.holds_workspace(granted.workspace))
    return render_template("link.html", assessment=a, link=resume_url(token) if token else None,
                           leaves_workspace=leaves_workspace,
                           first_step=url_for("assess.step", public_id=a.public_id, step_id=PROFILE_STEP))


def link_made(a: Assessment, token: str) -> Any:
    """Post/redirect/get: the link page shows the new resume link once; a refresh there makes
    nothing (neither another assessment nor another link)."""
    access.show_once("assessment", a.public_id, token)
    return redirect(url_for("assess.link", public_id=a.public_id), 303)


@bp.get("/")
def index() -> str:
    minutes = minutes_to_answer(content())
    return render_template("index.html", dimensions=content().dimensions, minutes=minutes, cases=content().cases)


@bp.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    icon = Path(current_app.static_folder or "", "favicon.svg").read_bytes()  # read whole: no open file left behind
    return Response(icon, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/start", methods=["GET", "POST"])
def start() -> Any:
    switched = language_posted_with_form()
    population = content().questions["population_band"]
    form = start_form_class(population)()
    if switched:  # what was typed comes back in the new language, not yet checked
        return render_template("start.html", form=form, population=population)
    if form.is_submitted():
        # Both checks run, so that every error is reported at once (never in two rounds).
        valid = form.validate()
        values = read_and_check(form, [population], require=True, is_applicable=lambda q: True)
        if valid and values is not None:
            details = store.TownDetails(form.town.data, form.country.data, form.contact_role.data or "")
            try:
                assessment, token = store.create_assessment(db.sessions, details, content().version, values,
                                                            language=current_language())
            except store.STORAGE_FAULTS:
                # the database cannot write (disk full, read-only): the form comes back as typed
                return render_template("start.html", form=form, population=population, storage_fault=True), 503
            access.grant_resume(assessment)
            return link_made(assessment, token)
    return render_template("start.html", form=form, population=population), 400 if form.errors else 200


@bp.get("/a/<public_id>/link")
def link(public_id: str) -> Any:
    return render_link_page(access_to(public_id))


@bp.post("/a/<public_id>/link")
def new_link(public_id: str) -> Any:
    token = access.new_resume_link(access_to(public_id))  # this browser keeps access; others lose it
    return link_made(access_to(public_id).assessment, token)


@bp.get("/r/<token>")
def resume(token: str) -> Any:
    # The token is swapped for access in the session cookie, then dropped from the URL.
    # Bad tokens are rate-limited per client by webapp/limits.py; a valid one never is.
    assessment = access.open_resume_link(token) or abort(404)
    return redirect(url_for("assess.continue_", public_id=assessment.public_id))


@bp.get("/a/<public_id>")
def continue_(public_id: str) -> Any:
    assessment = owned(public_id)
    if assessment.status == "submitted":
        return redirect(url_for("assess.results", public_id=public_id))
    return redirect(url_for("assess.step", public_id=public_id, step_id=assessment.current_step))


@bp.route("/a/<public_id>/step/<step_id>", methods=["GET", "POST"])
def step(public_id: str, step_id: str) -> Any:
    found = owned_with_answers(public_id)
    assessment, saved, saved_revisions = found.assessment, found.answers, found.revisions
    if assessment.status == "submitted":
        return answers_locked(public_id)
    switched = language_posted_with_form()
    if switched:
        store.set_language(db.sessions, assessment.id, switched)
        speak(switched)
    current = step_by_id(content(), step_id) or abort(404)
    shown = shown_questions(current, saved)
    if request.method == "GET":
        form = StepForm.saved(shown, saved)
        return _render_step(assessment, current, form, shown, encode_revisions(shown, saved_revisions), saved)

    form = StepForm.posted(shown, request.form)  # its CSRF token was checked before the view (CSRFProtect)
    # A language chosen on this page: its answers are saved like "Save", then it comes back translated.
    action = "language" if switched else request.form.get("action", "next")
    posted_revisions = request.form.get(REVISIONS_FIELD)
    posted = {q.id: form[q.id].data for q in shown}
    values = read_and_check(form, shown, require=(action == "next"),
                            is_applicable=lambda q: is_visible(q, {**saved, **posted}))
    if values is None:
        return _render_step(assessment, current, form, shown, posted_revisions, saved), 400
    previous, following = neighbours(content(), step_id)
    target = {"back": previous, "next": following}.get(action)
    try:
        store.save_answers(db.sessions, assessment.id, values, current_step=target.id if target else step_id,
                           expected_revisions=decode_revisions(posted_revisions))
    except store.AlreadySubmitted:  # submitted since this page's read: nothing was saved
        return answers_locked(public_id)
    except store.STORAGE_FAULTS:
        # the database cannot write (disk full, read-only): the page comes back as typed
        return _render_step(assessment, current, form, shown, posted_revisions, saved, storage_fault=True), 503
    except store.EditConflict as conflict:
        # Someone else saved this step meanwhile: show what changed, keep what this officer typed.
        for qid, now in conflict.changed.items():
            form[qid].errors = [
                gettext("Someone else changed this answer while you were editing (it is now “%(answer)s”). "
                        "Send the page again to keep your answer.", answer=answer_label(qid, now))
                if now is not None else
                gettext("Someone else changed this answer while you were editing (they cleared it). "
                        "Send the page again to keep your answer.")]
        _, now = store.load_answers_and_revisions(db.sessions, assessment.id)
        revisions = encode_revisions(shown, now)
        return _render_step(assessment, current, form, shown, revisions, saved), 409
    if action == "save":
        return redirect(url_for("assess.link", public_id=public_id, saved=1))
    if target is None:
        return redirect(url_for("assess.review", public_id=public_id) if action == "next"
                        else url_for("assess.step", public_id=public_id, step_id=step_id))
    return redirect(url_for("assess.step", public_id=public_id, step_id=target.id))


def answers_locked(public_id: str) -> Any:
    """A submitted assessment's answers no longer change (its report is frozen with them): its
    step pages and a second submission lead to the results, which say so. A re-assessment is
    how a town updates its answers."""
    return redirect(url_for("assess.results", public_id=public_id, locked=1), 303)


def _render_step(assessment: Assessment, current: Any, form: Any, shown: list, revisions: str | None,
                 saved: dict, storage_fault: bool = False) -> str:
    wording = content()  # the request's language is settled by now: looked up once
    conditional = {q.id: condition_in_words(q, wording) for q in shown if depends_on_same_step(q, current)}
    show_if = {q.id: follow_up_condition(q, current, saved) for q in shown}
    errors = [(q, form[q.id].errors[0]) for q in shown if form[q.id].errors]
    steps = all_steps(wording)
    # One url_for for the whole step list: the step id is the URL's last part, percent-encoded.
    url = url_for("assess.step", public_id=assessment.public_id, step_id="_")[:-1]
    if not errors and not storage_fault and revisions is not None:  # a page without a message
        page = pages.step_page(current, steps, shown, form, conditional, show_if, assessment, revisions, url)
        if page is not None:
            return page
    step_urls = {s.id: url + quote(s.id, safe="") for s in steps}
    return render_template("step.html", macros=pages.macros(), assessment=assessment, step=current, form=form, questions=shown,
                           conditional=conditional, show_if=show_if, errors=errors, steps=steps, step_urls=step_urls,
                           revisions=revisions, storage_fault=storage_fault)


# The step form carries the revisions of its answers as they were when it was shown
# ("question_id:revision,..."), so that a save can detect an edit made meanwhile by
# someone else (store.EditConflict). Without the field (an old page), no check is made.
REVISIONS_FIELD = "revisions"
_REVISION_ITEM = re.compile(r"([A-Za-z0-9_.-]{1,64}):([0-9]{1,9})")


def encode_revisions(shown: list, revisions: dict[str, int]) -> str:
    return ",".join(f"{q.id}:{revisions.get(q.id, 0)}" for q in shown)


def decode_revisions(raw: str | None) -> dict[str, int] | None:
    if raw is None or len(raw) > 10_000:
        return None
    items = [_REVISION_ITEM.fullmatch(item) for item in raw.split(",")] if raw else []
    if not all(items):
        return None
    return {m.group(1): int(m.group(2)) for m in items if m}


@bp.get("/a/<public_id>/review")
def review(public_id: str) -> str:
    assessment = owned(public_id)
    answers = store.load_answers(db.sessions, assessment.id)
    groups = []
    for s in all_steps(content()):
        applicable = [q for q in s.questions if is_visible(q, answers)]
        groups.append({"step": s, "rows": [(q, answers.get(q.id)) for q in applicable]})
    missing = [(g["step"], q) for g in groups for q, v in g["rows"] if v is None and q.required]
    unanswered = [(g["step"], q) for g in groups for q, v in g["rows"] if v is None and not q.required]
    return render_template("review.html", assessment=assessment, groups=groups, missing=missing,
                           in_peer_pool=peers_service.in_pool(assessment),
                           unanswered=unanswered, label=answer_label, steps=all_steps(content()))


@bp.post("/a/<public_id>/submit")
def submit(public_id: str) -> Any:
    assessment = owned(public_id)
    if assessment.status == "submitted":  # submitted once: its frozen content, date and report stay
        return answers_locked(public_id)
    answers = store.load_answers(db.sessions, assessment.id)
    missing = [q for s in all_steps(content()) for q in s.questions
               if q.required and answers.get(q.id) is None and is_visible(q, answers)]
    if missing:
        return redirect(url_for("assess.review", public_id=public_id, incomplete=1))
    store.mark_submitted(db.sessions, assessment.id, report_service.frozen_for(assessment))
    # the anonymous peer pool, only with the officer's consent (a tick, off by default)
    peers_service.set_consent(assessment, report_service.result_for(assessment), request.form.get("peers") == "1")
    # as submitted (frozen content, in the peer pool or not): its report's peer figures and keys
    # are kept, and the summary queued
    report_service.after_submission(owned(public_id))
    return redirect(url_for("assess.results", public_id=public_id))


@bp.post("/a/<public_id>/peers")
def peer_consent(public_id: str) -> Any:
    """Join the anonymous peer pool after submitting, or withdraw: the town leaves every figure."""
    assessment = owned(public_id)
    if assessment.status != "submitted":
        abort(404)
    peers_service.set_consent(assessment, report_service.result_for(assessment), request.form.get("peers") == "1")
    report_service.freeze_peers(assessment)  # the officer's own act: the report says so from now on
    return redirect(url_for("assess.results", public_id=public_id, _anchor="peers-title"))


@bp.get("/a/<public_id>/results")
def results(public_id: str) -> Any:
    assessment = owned(public_id)
    if assessment.status != "submitted":
        return redirect(url_for("assess.review", public_id=public_id))
    reports = report_service.report_states(assessment)
    preparing = any(s is not None and s.status in ("queued", "rendering") for _, s in reports)
    updating = preparing and request.args.get("refresh") != "0"  # the officer may stop the updates (WCAG 2.2.1)
    # the content it was submitted with: its version and cases, as in its report
    page = render_template("results.html", assessment=assessment, view=report_service.results_view(assessment),
                           content=report_service.content(assessment), reports=reports, preparing=preparing,
                           updating=updating)
    response = current_app.make_response(page)
    if updating:  # reloads without JavaScript until the report is ready (not a timed meta refresh: axe)
        response.headers["Refresh"] = f"{REFRESH_SECONDS}; url={url_for('assess.results', public_id=public_id)}#report"
    return response


REFRESH_SECONDS = 3


@bp.post("/a/<public_id>/report")
def prepare_report(public_id: str) -> Any:
    """Queue a variant of the report again (one that failed): a form, no JavaScript."""
    assessment = owned(public_id)
    if assessment.status != "submitted":
        abort(404)
    report_service.request_report(assessment, _variant(assessment, request.form))
    return redirect(url_for("assess.results", public_id=public_id, _anchor="report"))


def _variant(assessment: Assessment, args: Any, format: str = "pdf") -> Any:
    return report_service.report_variant(assessment, args.get("edition", "summary"), args.get("bilingual") == "1",
                                         args.get("format", format))


@bp.get("/a/<public_id>/report.pdf")
def report(public_id: str) -> Response:
    """A ready report is a read from the cache; one that is not goes on the queue and the
    officer sees its state on the results page."""
    return _download(public_id, "pdf")


@bp.get("/a/<public_id>/summary.docx")
def report_docx(public_id: str) -> Response:
    return _download(public_id, "docx")


def _download(public_id: str, format: str) -> Response:
    assessment = owned(public_id)
    if assessment.status != "submitted":
        abort(404)
    variant = _variant(assessment, {**request.args, "format": format})
    body = report_service.cached_report(assessment, variant)
    if body is None:
        report_service.request_report(assessment, variant)
        body = report_service.cached_report(assessment, variant)  # ready at once when jobs run inline (tests)
    if body is None:
        return redirect(url_for("assess.results", public_id=public_id, _anchor="report"), 303)  # type: ignore[return-value]
    suffix = "-".join(x for x in ("full" if variant.edition == "full" else "",
                                  f"{assessment.language}-en" if variant.bilingual else "") if x)
    filename = safe_filename(assessment.town, suffix, format)
    return Response(body, mimetype=DOCX_TYPE if format == "docx" else "application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def answer_label(question_id: str, value: AnswerValue) -> str:
    """An answer as the officer saw it, in the page's language (readiness.answers.answer_text)."""
    return answer_text(content().questions[question_id], value, gettext)
