"""The report as the web app serves it: each variant rendered once, by a worker of the
task queue (webapp/report/queue.py), kept in the database's cache and served from it.

A variant's key covers what its document depends on (readiness.report.report_cache_key:
answers, content digest, templates, translations) plus its edition, bilingual flag and
format, so a changed answer makes a new document, and the variants of the same answers
(summary, full, bilingual, DOCX) are kept side by side. The questionnaire and a network's
report are built as HTML in the request (milliseconds) and keyed by that HTML.

WeasyPrint is imported only where a PDF is made (readiness.pdf, loaded by the queue's
workers at start, webapp/worker.py): web workers import this module and never load it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Iterable

from flask import Response, current_app, g, has_app_context, render_template, request
from sqlalchemy import and_, false, func, or_, select

from readiness.content_model import Content
from readiness.report import (ReportMeta, catalog_hash, render_html_to_pdf, render_pdf, report_cache_key,
                              report_context, template_version)
from readiness.report_changes import PreviousAssessment
from readiness.scoring import AssessmentResult, score_assessment
from readiness.snapshot import content_files, content_from_files

from webapp.wizard import store
from webapp.workspace import store as wstore
from webapp.extensions import db
from webapp import limits
from webapp.models import AgreedAnswer, Answer, Assessment, Contribution, Invitation, ReportJob
from webapp.report import jobs, queue
from webapp.report.jobs import JobState, Subject, Variant


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
    """What to keep at submission: today's content, the answers and town as scored, and the
    result scored with them (``assessment.frozen_result``: its public JSON and the inputs)."""
    base: Content = current_app.extensions["readiness_content"]
    answers = store.load_answers(db.sessions, assessment.id)
    result = score_assessment(base, answers, assessment.town, assessment.country)
    return store.Frozen(base.digest, base.version, content_files(base),
                        {**result.to_json(), FROZEN_INPUTS: {"answers": answers, "town": assessment.town,
                                                             "country": assessment.country}})


# The key of the scoring's inputs in assessment.frozen_result (older submissions have none).
FROZEN_INPUTS = "scored_inputs"


def _frozen_inputs(assessment: Assessment) -> tuple[dict, str, str] | None:
    frozen = assessment.frozen_result if assessment.status == "submitted" else None
    kept = frozen.get(FROZEN_INPUTS) if isinstance(frozen, dict) else None
    return (dict(kept["answers"]), kept["town"], kept["country"]) if kept else None


def scored_inputs(assessment: Assessment) -> tuple[dict, str, str]:
    """(answers, town, country) that the assessment's result is scored from: for a submitted
    one, those it was submitted with (frozen_result: the wizard refuses changes after the
    submission, and whatever writes to its rows past it changes neither its results nor its
    report); for a draft (and a submission made before the inputs were kept), the saved answers."""
    return _frozen_inputs(assessment) or (store.load_answers(db.sessions, assessment.id), assessment.town,
                                          assessment.country)


def result_for(assessment: Assessment, worded_for: Assessment | None = None) -> AssessmentResult:
    """Score the assessment's answers with its content (in the language of ``worded_for``,
    default its own): a submitted assessment with the content and answers it was submitted with.

    Scored once per request (or worker job) for the same answers: the results page, its
    report keys and its peer figures all ask for it."""
    answers, town, country = scored_inputs(assessment)
    language = (worded_for or assessment).language
    scored_with = content(assessment, language)
    memo: dict | None = g.setdefault("readiness_results", {}) if has_app_context() else None
    memo_key = (assessment.id, scored_with.digest, language, town, country,
                json.dumps(answers, sort_keys=True, default=str))
    if memo is not None and memo_key in memo:
        return memo[memo_key]
    result = score_assessment(scored_with, answers, town, country)
    if memo is not None:
        memo[memo_key] = result
    return result


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
        answers, town, country = scored_inputs(last)
        rescored = score_assessment(now_content, answers, town, country)
    return PreviousAssessment(_day(last.submitted_at or last.updated_at), then, rescored)


def _peers_section(assessment: Assessment, language: str, live: bool = False) -> dict | None:
    """The peer section of the report: for a submitted assessment as it was frozen at submission
    (or at the officer's last change of consent); the live figures for a draft, for the results
    page (``live``), and for a submission made before sections were frozen."""
    from webapp.peers import service as peers_service  # the anonymous peers

    frozen = assessment.frozen_peers or {}
    if not live and assessment.status == "submitted" and language in frozen:
        return frozen[language]
    return peers_service.section_for(content(assessment).for_language(language), assessment, result_for(assessment),
                                     language)


def freeze_peers(assessment: Assessment) -> None:
    """Keep the peer section of the submitted assessment's report as it is now, in its language
    and in English (the bilingual summary): the report then stays what it was when other towns
    join or leave the pool. Called at submission and when the officer joins or leaves the pool."""
    sections = {lang: _peers_section(assessment, lang, live=True) for lang in {assessment.language, "en"}}
    with db.sessions.begin() as session:
        row = session.get(Assessment, assessment.id)
        if row is not None:
            row.frozen_peers = sections
    assessment.frozen_peers = sections


def meta_for(assessment: Assessment, bilingual: bool = False, with_previous: bool = True,
             edition: str = "summary", live_peers: bool = False) -> ReportMeta:
    from webapp.group import service as group_service  # the group's voices

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
        peers=_peers_section(assessment, assessment.language, live_peers),
        # the English part of a bilingual report has these sections in English too
        group_en=group_service.section_for(english, assessment, "en") if both else None,
        peers_en=_peers_section(assessment, "en", live_peers) if both else None,
    )


def report_docx(assessment: Assessment) -> bytes:
    """The summary as an editable DOCX."""
    from readiness.report_docx import build_docx

    return build_docx(content(assessment), result_for(assessment), meta_for(assessment))


# --------------------------------------------------------------------------- variants and their state

REPORT_EDITIONS = ("summary", "full")


def subject_of(assessment: Assessment) -> Subject:
    return Subject("a", assessment.id)


def report_variant(assessment: Assessment, edition: str = "summary", bilingual: bool = False,
                   format: str = "pdf") -> Variant:
    """A variant of the assessment's report; bilingual is the summary PDF only (the full
    report and the DOCX stay in one language)."""
    edition = edition if edition in REPORT_EDITIONS else "summary"
    both = bilingual and assessment.language != "en" and edition == "summary" and format == "pdf"
    return Variant(edition, assessment.language, both, format if format in ("pdf", "docx") else "pdf")


def offered_variants(assessment: Assessment) -> list[Variant]:
    """What the results page offers: the summary, the full report, the DOCX, and the bilingual
    summary for a report not in English."""
    offered = [report_variant(assessment), report_variant(assessment, "full"),
               report_variant(assessment, format="docx")]
    if assessment.language != "en":
        offered.append(report_variant(assessment, bilingual=True))
    return offered


def report_keys(assessment: Assessment, variants: Iterable[Variant]) -> dict[Variant, str]:
    """The cache key of each variant of the current answers (scored once for all of them)."""
    result, meta = result_for(assessment), meta_for(assessment)
    base = content(assessment)
    keys = {}
    for v in variants:
        core = report_cache_key(base, result, dataclasses.replace(meta, edition=v.edition, bilingual=v.bilingual))
        keys[v] = hashlib.sha256(f"{core}|{v.format}".encode()).hexdigest()
    return keys


def basis(assessment: Assessment) -> str:
    """A digest of everything a report variant's key depends on, read without scoring: the
    assessment's columns that reach the report (town, language, voice settings, submission,
    frozen content and peers; not its link, whose rotation changes no document), its answers
    (how many, the last change), its group (contributions, agreed
    answers, invitations), the earlier assessments of its workspace (the previous one), and the
    report's templates and translations. While it is the same, so is each variant's key
    (stored in report_key), so a download of a ready report is a look-up and a file read.
    Conservative: a change that does not alter the document only costs one scoring."""
    a = assessment
    # the workspace's assessments before this one (the previous one is among them: previous_for),
    # none without a workspace (NULL would match every loose one); a later one, such as a draft
    # re-assessment being edited, changes nothing in this one's report, so neither its basis
    town = (and_(Assessment.workspace_id == a.workspace_id,
                 or_(Assessment.created_at < a.created_at,
                     and_(Assessment.created_at == a.created_at, Assessment.id < a.id)))
            if a.workspace_id is not None else false())
    with db.sessions() as session:
        related = session.execute(select(
            select(func.count()).where(Answer.assessment_id == a.id).scalar_subquery(),
            select(func.max(Answer.updated_at)).where(Answer.assessment_id == a.id).scalar_subquery(),
            select(func.count()).where(Contribution.assessment_id == a.id).scalar_subquery(),
            select(func.max(Contribution.updated_at)).where(Contribution.assessment_id == a.id).scalar_subquery(),
            select(func.count()).where(AgreedAnswer.assessment_id == a.id).scalar_subquery(),
            select(func.max(AgreedAnswer.created_at)).where(AgreedAnswer.assessment_id == a.id).scalar_subquery(),
            select(func.count()).where(Invitation.assessment_id == a.id).scalar_subquery(),
            select(func.max(Invitation.created_at)).where(Invitation.assessment_id == a.id).scalar_subquery(),
            select(func.count(Invitation.revoked_at)).where(Invitation.assessment_id == a.id).scalar_subquery(),
            select(func.count()).where(town).scalar_subquery(),
            select(func.max(Assessment.updated_at)).where(town).scalar_subquery(),
        )).one()
    own = (a.id, a.answer_revision, a.share_contributions, a.status, a.submitted_at, a.language, a.town, a.country,
           a.contact_role, a.owner_role, a.show_names, a.content_digest, a.content_version, a.workspace_id,
           a.frozen_peers)
    code = (content(a).digest, template_version(), catalog_hash(a.language), catalog_hash("en"))
    blob = json.dumps([own, list(related), code], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def keys_for(assessment: Assessment, variants: Iterable[Variant]) -> dict[Variant, str]:
    """The cache key of each variant: looked up when it was stored on the same basis, else
    computed (scoring once) and stored. The basis is read before the keys are computed, so a
    change made meanwhile leaves the stored keys under a basis that is already out of date."""
    wanted = list(variants)
    subject = subject_of(assessment)
    on = basis(assessment)
    known = jobs.stored_keys(db.sessions, subject, on)
    missing = [v for v in wanted if v not in known]
    if missing:
        computed = report_keys(assessment, missing)
        jobs.remember_keys(db.sessions, subject, on, computed)
        known.update(computed)
    return {v: known[v] for v in wanted}


def state(subject: Subject, key: str) -> JobState | None:
    """Where a document stands: ready, queued (with its position), rendering, failed; None if
    nobody asked for it yet (or its copy left the cache)."""
    if jobs.is_cached(db.sessions, subject, key):
        return JobState("ready")
    job = jobs.job_for(db.sessions, subject, key)
    if job is None or job.status in ("ready", "stale"):  # ready: rendered, but since evicted
        return None
    queued_since, rendering_since = queue.lost_before(current_app.config)
    lost = ((job.status == "queued" and _aware(job.created_at) < queued_since)
            or (job.status == "rendering" and job.started_at is not None and _aware(job.started_at) < rendering_since))
    if lost and jobs.mark_lost(db.sessions, job.id):
        return JobState("failed", job_id=job.id)
    if job.status == "queued":
        return JobState("queued", jobs.queue_position(db.sessions, job, queued_since), job.id)
    return JobState(job.status, job_id=job.id)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)  # SQLite keeps no zone


def request_render(subject: Subject, variant: Variant, key: str, source: str | None = None) -> JobState:
    """Put this document on the render queue unless it is ready or already on it.

    A new job counts against the report-job limits per subject and per client; past them the
    state is "refused" (the officer is told to wait) and nothing is queued."""
    current = state(subject, key)
    if current is not None and current.status in ("ready", "queued", "rendering"):
        return current
    if not (limits.take("REPORT_JOBS_PER_ASSESSMENT", subject.name)
            and limits.take("REPORT_JOBS_PER_CLIENT", limits.client_address())):
        return JobState("refused")
    job = jobs.create_or_requeue(db.sessions, subject, variant, key, source)
    if job is not None:
        queue.enqueue(job.id)
    return state(subject, key) or JobState("queued")


def after_submission(assessment: Assessment) -> None:
    """The report of a just submitted assessment: its peer figures frozen, the keys of every
    variant the results page offers stored (so that page and the downloads need no scoring),
    and the summary queued so that it is ready by the time the officer asks for it."""
    freeze_peers(assessment)
    assessment = _assessment(assessment.id) or assessment  # as stored: its basis has the new updated_at
    offered = offered_variants(assessment)
    keys = keys_for(assessment, offered)
    if current_app.config["PRERENDER_REPORT"]:
        request_render(subject_of(assessment), offered[0], keys[offered[0]])


def request_report(assessment: Assessment, variant: Variant) -> JobState:
    key = keys_for(assessment, [variant])[variant]
    return request_render(subject_of(assessment), variant, key)


def cached_report(assessment: Assessment, variant: Variant) -> bytes | None:
    """This variant of the current answers, if it is ready: a read, never a render (nor a
    scoring, while the variant's stored key is on the current basis)."""
    key = keys_for(assessment, [variant])[variant]
    return jobs.cached(db.sessions, subject_of(assessment), key)


def html_key(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def cached_or_queued(subject: Subject, variant: Variant, source: str) -> tuple[bytes | None, JobState]:
    """A document made from HTML built in the request (the questionnaire, a network's report):
    its cached copy, else its job's state after asking for it."""
    key = html_key(source)
    body = jobs.cached(db.sessions, subject, key)
    if body is not None:
        return body, JobState("ready")
    job_state = request_render(subject, variant, key, source)
    body = jobs.cached(db.sessions, subject, key)  # ready at once when jobs run inline (tests)
    return body, JobState("ready") if body is not None else job_state


# --------------------------------------------------------------------------- in the worker


def render_job(job: ReportJob) -> str:
    """Render a job's document into the cache (in a worker): "ready", or "stale" if the answers
    changed since it was queued (its document would be for answers nobody has any more)."""
    variant = Variant(job.edition, job.language, job.bilingual, job.format)
    subject = Subject(job.subject[0], int(job.subject[1:]))
    if job.source is not None:
        body = render_html_to_pdf(job.source)
    else:
        assessment = _assessment(job.assessment_id)
        if assessment is None or assessment.language != job.language:
            return "stale"
        if report_keys(assessment, [variant])[variant] != job.cache_key:
            return "stale"
        meta = meta_for(assessment, variant.bilingual, edition=variant.edition)
        if variant.format == "docx":
            from readiness.report_docx import build_docx

            body = build_docx(content(assessment), result_for(assessment), meta)
        else:
            body = render_pdf(content(assessment), result_for(assessment), meta)
    max_bytes = int(current_app.config["REPORT_CACHE_MAX_MB"]) * 1024 * 1024
    jobs.store(db.sessions, subject, variant, job.cache_key, body, max_bytes)
    return "ready"


def _assessment(assessment_id: int | None) -> Assessment | None:
    if assessment_id is None:
        return None
    with db.sessions() as session:
        return session.get(Assessment, assessment_id)


def results_view(assessment: Assessment) -> dict:
    """The view model of the results page: the same one the PDF report is built from.
    (The page does not show the comparison with a previous assessment: not scored here.)"""
    return report_context(content(assessment), result_for(assessment),
                          meta_for(assessment, with_previous=False, live_peers=True))


def report_states(assessment: Assessment) -> list[tuple[Variant, JobState | None]]:
    """Each variant the results page offers, with where it stands. The summary is asked for
    when it was not (submitted before the queue existed, or its copy left the cache)."""
    offered = offered_variants(assessment)
    keys = keys_for(assessment, offered)
    subject = subject_of(assessment)
    states = [(v, state(subject, keys[v])) for v in offered]
    if current_app.config["PRERENDER_REPORT"] and states[0][1] is None:
        states[0] = (offered[0], request_render(subject, offered[0], keys[offered[0]]))
    return states


def preparing_page(job_state: JobState, name: str, back: str) -> Response:
    """The page a download shows while its document is prepared (202): it reloads the download's
    own address without JavaScript (a Refresh header), so the file arrives by itself when ready."""
    again = request.full_path.rstrip("?")
    waiting = job_state.status in ("queued", "rendering") and request.args.get("refresh") != "0"
    response = current_app.make_response((render_template(
        "preparing.html", state=job_state, name=name, again=again, back=back, updating=waiting,
        stop=request.path + "?refresh=0"), 202))
    if waiting:
        response.headers["Refresh"] = f"3; url={again}"
    return response
