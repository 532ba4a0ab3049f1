"""Reading and writing assessments. Plain SQLAlchemy, no Flask.

Each function opens its own short session and transaction, so no request ever
holds a database lock longer than one read or one step's save. Every write is
one transaction: a step's answers are saved together or not at all. Resume
tokens are 256-bit secrets of which only the sha256 is stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import Engine, Select, bindparam, delete, insert, null, select, type_coerce, union_all, update
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.orm import Session, class_mapper, make_transient_to_detached, sessionmaker

from readiness.conditions import AnswerValue

from webapp.db import ONE_READ
from webapp import tokens
from webapp.models import Answer, Assessment, ContentSnapshot, utcnow
from webapp.tokens import hash_token, new_token

Sessions = sessionmaker[Session]


def _engine(sessions: Sessions) -> Engine:
    """The engine the sessions are bound to: the hot paths below use it directly, without a session."""
    return sessions.kw["bind"]

# What a database that cannot store (disk full, read-only, unreachable) raises: the views
# answer 503 and keep what was typed. PostgreSQL reports a read-only database (a standby,
# default_transaction_read_only) as an InternalError ("cannot execute UPDATE in a read-only
# transaction"), not an OperationalError.
STORAGE_FAULTS = (OperationalError, InternalError)


@dataclass(frozen=True)
class TownDetails:
    town: str
    country: str
    contact_role: str = ""


def create_assessment(
    sessions: Sessions, details: TownDetails, content_version: str, first_answers: Mapping[str, AnswerValue],
    language: str = "en",
) -> tuple[Assessment, str]:
    """Create an assessment; return it with the raw resume token (shown once)."""
    token = new_token()
    assessment = Assessment(
        public_id=secrets.token_hex(8),
        token_hash=hash_token(token),
        town=details.town,
        country=details.country,
        contact_role=details.contact_role,
        content_version=content_version,
        current_step="profile",
        language=language,
    )
    with sessions.begin() as session:
        session.add(assessment)
        session.flush()
        for qid, value in first_answers.items():
            if value is not None:
                session.add(Answer(assessment_id=assessment.id, question_id=qid, value=value))
    return assessment, token


def by_public_id(sessions: Sessions, public_id: str) -> Assessment | None:
    if not public_id or len(public_id) > 32:
        return None
    with sessions() as session:
        return session.scalar(select(Assessment).where(Assessment.public_id == public_id))


@dataclass(frozen=True)
class AssessmentWithAnswers:
    assessment: Assessment
    answers: dict[str, AnswerValue]
    revisions: dict[str, int]  # each answer's revision (bumped on every change)


_ASSESSMENTS = Assessment.__table__
_ANSWERS = Answer.__table__
_ASSESSMENT_COLUMNS = tuple(c.key for c in _ASSESSMENTS.c)
_NEW_ASSESSMENT = class_mapper(Assessment).class_manager.new_instance
# Built once: constructing the statement cost as much as running it. Core, not the ORM: the
# session, its identity map and the ORM's row loading were half of the read's time; the row
# becomes an Assessment below (what the session would have handed out after closing).
# The assessment's row once, then one row per answer (UNION ALL: one statement, so one snapshot):
# an outer join repeated the assessment's columns on every answer's row, each converted again
# (its dates, its JSON), which made the read grow by ~5 us per answer (0.55 ms at 77 answers).
_ANSWER_COLUMNS = (_ANSWERS.c.question_id, _ANSWERS.c.value, _ANSWERS.c.revision)
_WITH_ANSWERS = union_all(
    select(*_ASSESSMENTS.c, *(type_coerce(null(), c.type).label(f"answer_{c.key}") for c in _ANSWER_COLUMNS))
    .where(_ASSESSMENTS.c.public_id == bindparam("public_id")),
    select(*(null() for _ in _ASSESSMENTS.c), *_ANSWER_COLUMNS)
    .select_from(_ASSESSMENTS.join(_ANSWERS, _ANSWERS.c.assessment_id == _ASSESSMENTS.c.id))
    .where(_ASSESSMENTS.c.public_id == bindparam("public_id")),
)


def with_answers(sessions: Sessions, public_id: str) -> AssessmentWithAnswers | None:
    """The assessment with its answers and their revisions: one read, one query, so that a page
    never pairs an assessment or old values with newer revisions."""
    if not public_id or len(public_id) > 32:
        return None
    engine = _engine(sessions)
    # One statement (one snapshot): on SQLite without BEGIN and ROLLBACK around it, and in WAL
    # mode it never waits for a save (db.py).
    with engine.connect().execution_options(**{ONE_READ: True}) as conn:
        rows = conn.execute(_WITH_ANSWERS, {"public_id": public_id}).all()
    width = len(_ASSESSMENT_COLUMNS)
    head = next((row for row in rows if row[width] is None), None)  # the assessment's own row
    if head is None:
        return None
    # What the ORM's loading does: a new instance (no __init__), its columns set, then marked as
    # loaded and detached, as if read by a session that has closed.
    assessment = _NEW_ASSESSMENT()
    assessment.__dict__.update(zip(_ASSESSMENT_COLUMNS, head[:width]))
    make_transient_to_detached(assessment)
    answered = [row[width:] for row in rows if row[width] is not None]
    return AssessmentWithAnswers(assessment, {qid: value for qid, value, _ in answered},
                                 {qid: revision for qid, _, revision in answered})


def assessment_by_id(sessions: Sessions, assessment_id: int) -> Assessment | None:
    with sessions() as session:
        return session.get(Assessment, assessment_id)


def by_token(sessions: Sessions, token: str) -> Assessment | None:
    return tokens.by_token(sessions, Assessment, token)


def rotate_token(sessions: Sessions, assessment_id: int, issued_via: str | None = None,
                 keep_workspace: bool = False) -> str:
    """Issue a new resume link; the old one stops working. ``issued_via``: the link it is
    made through (webapp/access.py). If the assessment opened its workspace with the old
    link, it leaves the workspace unless ``keep_workspace``."""
    token = new_token()
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        a.token_hash = hash_token(token)
        a.issued_via = issued_via
        if a.workspace_via is not None:
            if keep_workspace:
                a.workspace_via = "r:" + a.token_hash[:16]  # access.via_resume of the new link
            else:
                a.workspace_id, a.workspace_via = None, None
    return token


def load_answers(sessions: Sessions, assessment_id: int) -> dict[str, AnswerValue]:
    with sessions() as session:
        rows = session.execute(select(Answer.question_id, Answer.value).where(Answer.assessment_id == assessment_id))
        return {qid: value for qid, value in rows}


class EditConflict(Exception):
    """Answers changed by another save since the form was shown; nothing was saved.

    ``changed`` maps each such question to its value now (None: now unanswered)."""

    def __init__(self, changed: Mapping[str, AnswerValue]):
        self.changed = dict(changed)
        super().__init__(f"changed meanwhile: {', '.join(sorted(self.changed))}")


class AlreadySubmitted(Exception):
    """The assessment was submitted: its answers no longer change (a re-assessment does)."""


def load_answers_and_revisions(sessions: Sessions, assessment_id: int) -> tuple[dict[str, AnswerValue], dict[str, int]]:
    """The answers and each one's revision (bumped on every change), read together in one
    query so that a form never pairs old values with newer revisions."""
    with sessions() as session:
        rows = session.execute(select(Answer.question_id, Answer.value, Answer.revision)
                               .where(Answer.assessment_id == assessment_id)).all()
        return {qid: value for qid, value, _ in rows}, {qid: revision for qid, _, revision in rows}


# A save's statements, built once (building one cost about as much as running it). The first
# reads the assessment's revision counter and the step's existing answers together, and takes
# the assessment's row lock on PostgreSQL (FOR UPDATE OF assessment; SQLite: BEGIN IMMEDIATE).
def _lock_and_existing(count: int) -> Select:
    # One statement per number of questions, with a parameter each: an "expanding" IN list is
    # rewritten on every execution (a twentieth of a save).
    found = _LOCKS.get(count)
    if found is None:
        found = _LOCKS[count] = (
            select(_ASSESSMENTS.c.answer_revision, _ASSESSMENTS.c.status, _ANSWERS.c.id, _ANSWERS.c.question_id,
                   _ANSWERS.c.value, _ANSWERS.c.revision)
            .select_from(_ASSESSMENTS.outerjoin(_ANSWERS, (_ANSWERS.c.assessment_id == _ASSESSMENTS.c.id)
                                                & _ANSWERS.c.question_id.in_([bindparam(f"q{i}") for i in range(count)])))
            .where(_ASSESSMENTS.c.id == bindparam("aid"))
            .with_for_update(of=_ASSESSMENTS)
        )
    return found


_LOCKS: dict[int, Select] = {}
_TOUCH = (update(_ASSESSMENTS).where(_ASSESSMENTS.c.id == bindparam("aid"))
          .values(updated_at=bindparam("now"), answer_revision=bindparam("counter")))
_TOUCH_AND_MOVE = (update(_ASSESSMENTS).where(_ASSESSMENTS.c.id == bindparam("aid"))
                   .values(updated_at=bindparam("now"), answer_revision=bindparam("counter"),
                           current_step=bindparam("step")))
_ADD = insert(_ANSWERS)
_CHANGE = (update(_ANSWERS).where(_ANSWERS.c.id == bindparam("row_id"))
           .values(value=bindparam("new_value"), revision=bindparam("new_revision"), updated_at=bindparam("now")))
_REMOVE = delete(_ANSWERS).where(_ANSWERS.c.id.in_(bindparam("row_ids", expanding=True)))


def save_answers(
    sessions: Sessions,
    assessment_id: int,
    values: Mapping[str, AnswerValue],
    current_step: str | None = None,
    details: TownDetails | None = None,
    expected_revisions: Mapping[str, int] | None = None,
) -> None:
    """Save one step's answers atomically: set the given values, delete the ``None`` ones.

    ``expected_revisions``: the answers' revisions when the form was shown (0: unanswered).
    If another save has since changed an answer that this save would set to something
    else, nothing is saved and ``EditConflict`` says which: a conflicting edit is
    detected, never silently overwritten, also when an answer was cleared and given again.
    A submitted assessment's answers are not changed: ``AlreadySubmitted``, nothing saved.
    """
    now = utcnow()
    # Plain statements on one connection, not a session and the ORM's unit of work: a save is a
    # handful of rows, and the session's bookkeeping cost more than the writes.
    with _engine(sessions).begin() as conn:
        # Saves to one assessment are serialised: SQLite through BEGIN IMMEDIATE (db.py),
        # PostgreSQL through the row lock the first statement takes, so the read-check-write
        # below is never interleaved.
        if details is not None:
            conn.execute(update(_ASSESSMENTS).where(_ASSESSMENTS.c.id == assessment_id).values(
                town=details.town, country=details.country, contact_role=details.contact_role))
        rows = conn.execute(_lock_and_existing(len(values)),
                            {"aid": assessment_id, **{f"q{i}": qid for i, qid in enumerate(values)}}).all()
        assert rows, "no such assessment"
        if rows[0][1] == "submitted":  # read under the row's lock: a submission that came first wins
            raise AlreadySubmitted(assessment_id)
        existing = {qid: (row_id, value, revision) for _, _, row_id, qid, value, revision in rows if row_id is not None}
        if expected_revisions is not None:
            changed = {
                qid: row[1] if row else None
                for qid, value in values.items()
                for row in [existing.get(qid)]
                if (row[2] if row else 0) != expected_revisions.get(qid, 0) and (row[1] if row else None) != value
            }
            if changed:
                raise EditConflict(changed)
        # Revisions come from one counter per assessment (answers written elsewhere have 1), so an
        # answer cleared and given again never gets back a revision that a stale page holds.
        counter = max(rows[0][0] or 0, 1)
        added, updated, deleted = [], [], []
        for qid, value in values.items():
            row = existing.get(qid)
            if value is None:
                if row is not None:
                    deleted.append(row[0])
            elif row is None:
                counter += 1
                added.append({"assessment_id": assessment_id, "question_id": qid, "value": value, "revision": counter,
                              "updated_at": now})
            elif row[1] != value:
                counter += 1
                updated.append({"row_id": row[0], "new_value": value, "new_revision": counter, "now": now})
        conn.execute(_TOUCH_AND_MOVE if current_step else _TOUCH,
                     {"aid": assessment_id, "now": now, "counter": counter, "step": current_step})
        if added:
            conn.execute(_ADD, added)
        if updated:
            conn.execute(_CHANGE, updated)
        if deleted:
            conn.execute(_REMOVE, {"row_ids": deleted})


@dataclass(frozen=True)
class Frozen:
    """What a submission keeps: the content it was scored against and the scored result."""

    digest: str
    version: str
    files: Mapping[str, str]
    result: Mapping[str, object]


def mark_submitted(sessions: Sessions, assessment_id: int, frozen: Frozen | None = None) -> None:
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        a.status = "submitted"
        a.submitted_at = utcnow()
        if frozen is not None:
            if session.get(ContentSnapshot, frozen.digest) is None:
                session.add(ContentSnapshot(digest=frozen.digest, version=frozen.version, files=dict(frozen.files)))
            a.content_digest, a.content_version = frozen.digest, frozen.version
            a.frozen_result = dict(frozen.result)


def snapshot_files(sessions: Sessions, digest: str) -> dict[str, str] | None:
    with sessions() as session:
        row = session.get(ContentSnapshot, digest)
        return dict(row.files) if row is not None else None


def set_language(sessions: Sessions, assessment_id: int, language: str) -> None:
    with sessions.begin() as session:
        a = session.get(Assessment, assessment_id)
        assert a is not None
        a.language = language
