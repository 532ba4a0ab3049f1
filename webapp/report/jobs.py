"""Persistence of renders: the jobs (their state for the results page) and the cache of
rendered documents. Plain SQLAlchemy, no Flask; one short transaction per call.

Both live in the application database, so every web server and every render worker sees
the same state: a report queued through one server is downloaded through another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from webapp.models import ReportCache, ReportJob, ReportKey, utcnow
from webapp.wizard.store import Sessions

ACTIVE = ("queued", "rendering")


@dataclass(frozen=True)
class Subject:
    """What a document is made from: an assessment or a network (its database id)."""

    kind: str  # "a" (assessment) | "n" (network)
    id: int

    @property
    def name(self) -> str:
        return f"{self.kind}{self.id}"

    def owner(self) -> dict[str, int | None]:
        return {"assessment_id": self.id if self.kind == "a" else None,
                "network_id": self.id if self.kind == "n" else None}


@dataclass(frozen=True)
class Variant:
    """One document of a subject: a report edition in a language (bilingual or not) and a
    format, the printable questionnaire, a network's report."""

    edition: str  # summary | full | questionnaire | network
    language: str
    bilingual: bool = False
    format: str = "pdf"  # pdf | docx

    def columns(self) -> dict[str, object]:
        return {"edition": self.edition, "language": self.language, "bilingual": self.bilingual,
                "format": self.format}


@dataclass(frozen=True)
class JobState:
    status: str  # queued | rendering | ready | failed | refused
    position: int | None = None  # 1: next to render (queued only)
    job_id: int | None = None


# ---------------------------------------------------------------------------- cache


def cached(sessions: Sessions, subject: Subject, key: str) -> bytes | None:
    with sessions() as session:
        return session.scalar(select(ReportCache.body).where(ReportCache.subject == subject.name,
                                                             ReportCache.cache_key == key))


def is_cached(sessions: Sessions, subject: Subject, key: str) -> bool:
    with sessions() as session:
        return session.scalar(select(ReportCache.id).where(ReportCache.subject == subject.name,
                                                           ReportCache.cache_key == key)) is not None


def store(sessions: Sessions, subject: Subject, variant: Variant, key: str, body: bytes, max_bytes: int) -> None:
    """Keep ``body`` as the subject's copy of this variant (replacing an older one), then drop
    the oldest documents of any subject while the cache holds more than ``max_bytes``."""
    where = (ReportCache.subject == subject.name, ReportCache.edition == variant.edition,
             ReportCache.language == variant.language, ReportCache.bilingual == variant.bilingual,
             ReportCache.format == variant.format)
    with sessions.begin() as session:
        session.execute(delete(ReportCache).where(*where))
        session.add(ReportCache(subject=subject.name, **subject.owner(), cache_key=key, **variant.columns(),
                                size=len(body), body=body))
    with sessions.begin() as session:
        total = session.scalar(select(func.coalesce(func.sum(ReportCache.size), 0))) or 0
        if total <= max_bytes:
            return
        oldest = session.execute(select(ReportCache.id, ReportCache.size).order_by(ReportCache.created_at,
                                                                                   ReportCache.id)).all()
        for row_id, size in oldest[:-1]:  # the newest (this one) stays, whatever its size
            if total <= max_bytes:
                break
            session.execute(delete(ReportCache).where(ReportCache.id == row_id))
            total -= size


def cache_size(sessions: Sessions) -> tuple[int, int]:
    """(documents, bytes) in the cache."""
    with sessions() as session:
        n, size = session.execute(select(func.count(), func.coalesce(func.sum(ReportCache.size), 0))).one()
        return int(n), int(size)


# ---------------------------------------------------------------------------- stored keys


def stored_keys(sessions: Sessions, subject: Subject, basis: str) -> dict[Variant, str]:
    """The keys of the subject's variants computed on this basis (one indexed read)."""
    with sessions() as session:
        rows = session.execute(select(ReportKey.edition, ReportKey.language, ReportKey.bilingual, ReportKey.format,
                                      ReportKey.cache_key)
                               .where(ReportKey.subject == subject.name, ReportKey.basis == basis)).all()
        return {Variant(e, lang, bool(b), f): key for e, lang, b, f, key in rows}


def remember_keys(sessions: Sessions, subject: Subject, basis: str, keys: dict[Variant, str]) -> None:
    """Keep these variants' keys for this basis (replacing those of an older basis)."""
    if not keys:
        return
    try:
        with sessions.begin() as session:
            for variant, key in keys.items():
                session.execute(delete(ReportKey).where(
                    ReportKey.subject == subject.name,
                    *(getattr(ReportKey, name) == value for name, value in variant.columns().items())))
                session.add(ReportKey(subject=subject.name, assessment_id=subject.id, basis=basis, cache_key=key,
                                      **variant.columns()))
    except IntegrityError:
        pass  # another server stored them this very moment: computed from the same basis, the same keys


# ---------------------------------------------------------------------------- jobs


def job(sessions: Sessions, job_id: int) -> ReportJob | None:
    with sessions() as session:
        return session.get(ReportJob, job_id)


def job_for(sessions: Sessions, subject: Subject, key: str) -> ReportJob | None:
    with sessions() as session:
        return session.scalar(select(ReportJob).where(ReportJob.subject == subject.name, ReportJob.cache_key == key))


def queue_position(sessions: Sessions, queued: ReportJob, since: dt.datetime) -> int:
    """1 + the jobs queued before this one (jobs older than ``since`` count as lost)."""
    with sessions() as session:
        ahead = session.scalar(select(func.count()).select_from(ReportJob).where(
            ReportJob.status == "queued", ReportJob.id < queued.id, ReportJob.created_at >= since))
        return int(ahead or 0) + 1


def create_or_requeue(sessions: Sessions, subject: Subject, variant: Variant, key: str,
                      source: str | None = None) -> ReportJob | None:
    """A new queued job for this key, or the existing one set back to queued (it failed, was
    lost, or its document left the cache); None if one is already queued or rendering."""
    now = utcnow()
    try:
        with sessions.begin() as session:
            # the same variant's finished jobs for older answers are of no more use
            session.execute(delete(ReportJob).where(
                ReportJob.subject == subject.name, ReportJob.cache_key != key, ReportJob.status.not_in(ACTIVE),
                *(getattr(ReportJob, name) == value for name, value in variant.columns().items())))
            new = ReportJob(subject=subject.name, **subject.owner(), cache_key=key, **variant.columns(),
                            source=source, status="queued", attempts=0, error="", created_at=now)
            session.add(new)
        return new
    except IntegrityError:
        pass  # a job for this key exists (perhaps created this very moment through another server)
    with sessions.begin() as session:
        existing = session.scalar(select(ReportJob).where(ReportJob.subject == subject.name,
                                                          ReportJob.cache_key == key).with_for_update())
        if existing is None or existing.status in ACTIVE:
            return None
        existing.status, existing.attempts, existing.error, existing.source = "queued", 0, "", source
        existing.created_at, existing.started_at, existing.finished_at = now, None, None
        return existing


def mark_lost(sessions: Sessions, job_id: int) -> bool:
    """A job queued or rendering for too long (no worker will finish it) becomes failed, so
    that it can be asked for again. True if it was changed."""
    with sessions.begin() as session:
        changed = session.execute(update(ReportJob).where(ReportJob.id == job_id, ReportJob.status.in_(ACTIVE))
                                  .values(status="failed", error="lost", finished_at=utcnow())).rowcount
        return bool(changed)


def start(sessions: Sessions, job_id: int, max_attempts: int) -> ReportJob | None:
    """Mark the job rendering (one more attempt); None if there is nothing to do: the job is
    gone, already done, or has had its attempts (then it is marked failed)."""
    with sessions.begin() as session:
        j = session.get(ReportJob, job_id, with_for_update=True)
        if j is None or j.status in ("ready", "stale"):
            return None
        if j.attempts >= max_attempts:
            j.status, j.error, j.finished_at = "failed", "too many attempts", utcnow()
            return None
        j.status, j.attempts, j.started_at = "rendering", j.attempts + 1, utcnow()
        return j


def finish(sessions: Sessions, job_id: int, status: str, error: str = "") -> None:
    with sessions.begin() as session:
        j = session.get(ReportJob, job_id)
        if j is not None:
            j.status, j.error, j.finished_at = status, error[:200], utcnow()
