"""Tables: an assessment (a town's questionnaire), its answers, cached reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Assessment(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public id in URLs. Not a secret: access needs the session granted by the resume token.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    # sha256 of the resume token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    town: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(80))
    contact_role: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | submitted
    current_step: Mapped[str] = mapped_column(String(32), default="profile")
    content_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Frozen at submission: the content it was scored against (a ContentSnapshot) and the
    # scored result, so that its report stays what it was when the content changes.
    content_digest: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    frozen_result: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    # The peer section of its report as it was at submission (or at the last change of consent),
    # by language: the report does not change when other towns join the pool.
    frozen_peers: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)

    # Issue 5: the town workspace it belongs to (None until the owner opens one), and whether
    # contributors may see each other's individual answers (the owner's choice).
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspace.id", ondelete="SET NULL"), nullable=True, index=True, default=None
    )
    share_contributions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Issue 15: the owner is a voice of the group, with a stakeholder role (readiness.group.ROLES);
    # whether the group's pages and reports may show contributors' names (else roles only).
    owner_role: Mapped[str] = mapped_column(String(32), default="government", server_default="government")
    show_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Capability lineage (webapp/access.py): the link this resume link was made through
    # ("w:<tag>" of the workspace link for a re-assessment; None: made at the start), and for
    # the assessment a workspace was opened from, the resume link it was opened with ("r:<tag>").
    issued_via: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)
    workspace_via: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)
    # The last revision given to any answer of this assessment (answers' revisions come from it).
    answer_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    answers: Mapped[list["Answer"]] = relationship(back_populates="assessment", cascade="all, delete-orphan")


class Answer(Base):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_answer_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    # Bumped on every change: lets a later version detect conflicting edits.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class ContentSnapshot(Base):
    """The content files as they were when an assessment was submitted (one row per digest)."""

    __tablename__ = "content_snapshot"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    files: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportCache(Base):
    """A rendered document (a report variant, the printable questionnaire, a network's
    report), read by every web server. One row per variant of a subject; ``cache_key`` hashes
    what the document was made from (answers, content digest, templates), so a row whose key
    is not the current one is stale and never served."""

    __tablename__ = "report_cache"
    __table_args__ = (UniqueConstraint("subject", "edition", "language", "bilingual", "format",
                                       name="uq_report_cache_variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))  # "a<assessment id>" or "n<network id>"
    # The owner, so that deleting it deletes its documents.
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), nullable=True,
                                                      index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    cache_key: Mapped[str] = mapped_column(String(64), index=True)
    edition: Mapped[str] = mapped_column(String(16))  # summary | full | questionnaire | network
    language: Mapped[str] = mapped_column(String(8))
    bilingual: Mapped[bool] = mapped_column(Boolean)
    format: Mapped[str] = mapped_column(String(8))  # pdf | docx
    size: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class ReportKey(Base):
    """The cache key of a report variant of an assessment, and the ``basis`` it was computed on
    (webapp/report/service.py): while the basis is the same, so is the key, and a download looks
    it up instead of scoring the answers again."""

    __tablename__ = "report_key"
    __table_args__ = (UniqueConstraint("subject", "edition", "language", "bilingual", "format",
                                       name="uq_report_key_variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    edition: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    bilingual: Mapped[bool] = mapped_column(Boolean)
    format: Mapped[str] = mapped_column(String(8))
    basis: Mapped[str] = mapped_column(String(64))
    cache_key: Mapped[str] = mapped_column(String(64))


class ReportJob(Base):
    """A render on the task queue, one per (subject, cache key): its state is what the
    results page shows (queued with its position, rendering, ready, failed)."""

    __tablename__ = "report_job"
    __table_args__ = (UniqueConstraint("subject", "cache_key", name="uq_report_job_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), nullable=True,
                                                      index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    cache_key: Mapped[str] = mapped_column(String(64))
    edition: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    bilingual: Mapped[bool] = mapped_column(Boolean)
    format: Mapped[str] = mapped_column(String(8))
    # The HTML to render, for documents built in the request (the questionnaire, a network's
    # report: milliseconds of Jinja); NULL for a report, which the worker builds from the answers.
    source: Mapped[str | None] = mapped_column(Text, nullable=True, default=None)
    status: Mapped[str] = mapped_column(String(16), index=True)  # queued | rendering | ready | failed | stale
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)


# --------------------------------------------------------------------------- issue 5: workspaces, groups


class Workspace(Base):
    """A town's assessments over time, reached through its own capability link (hashed)."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    town: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Invitation(Base):
    """A contributor link to one assessment (hashed); revoked links give 404."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)
    # Issue 15: one invitation per person: who (a name or a label) and the role they speak for.
    label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    role: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # The link it was made through: "r:<tag>" (a resume link) or "w:<tag>" (a workspace link).
    issued_via: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)


class Contribution(Base):
    """One stakeholder's own answers to an assessment, given with their role."""

    __tablename__ = "contribution"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(120))
    answers: Mapped[Any] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------- issue 15: voices, networks, peers


class AgreedAnswer(Base):
    """The answer the group agreed on one question (recorded by the owner, with a note).
    ``views`` keeps the spread on record: the voices' answers by role when it was agreed."""

    __tablename__ = "agreed_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_agreed_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    views: Mapped[Any] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Network(Base):
    """A network of towns: the lead manages it through one capability link; member towns
    join through another (both hashed)."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)  # the lead's link
    join_token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)  # the members' link
    # The lead link the members' link was made through ("n:<tag>", webapp/access.py); NULL for
    # the one made with the network.
    join_issued_via: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NetworkMember(Base):
    """A town (its workspace) in a network; deleting the row takes its data out of the network."""

    __tablename__ = "network_member"
    __table_args__ = (UniqueConstraint("network_id", "workspace_id", name="uq_network_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    # Scores and levels are always shared; findings and answers only if the town agrees.
    share_details: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The links the town joined through (webapp/access.py): the members' link ("j:<tag>") and
    # its own workspace link ("w:<tag>"); a new one of either ends the membership unless kept.
    joined_via: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)
    workspace_via: Mapped[str | None] = mapped_column(String(20), nullable=True, default=None)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LinkView(Base):
    """A new link waiting to be shown once after a redirect (post/redirect/get): the browser's
    session holds the link masked with ``pad``; the pad lives here until the first view takes it,
    so neither the cookie nor the database alone ever holds the link."""

    __tablename__ = "link_view"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pad: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class PeerEntry(Base):
    """A submitted assessment in the anonymous peer pool (given with consent): only its
    population band, country and dimension scores. Withdrawing consent deletes the row."""

    __tablename__ = "peer_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), unique=True, index=True)
    # One entry per town: a re-assessment's entry replaces the one of the same workspace.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), nullable=True, index=True)
    population_band: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(80))
    scores: Mapped[Any] = mapped_column(JSON)  # dimension id -> score (0-100) or null
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
