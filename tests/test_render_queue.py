"""Reports as jobs on the task queue (webapp/report/queue.py), with a real Celery worker.

The web app here does not run jobs inline: it queues them on an SQLite broker (the
embedded default of ``make run``) and a worker started as ``make worker`` renders them.
A worker's render process killed with kill -9 mid-render loses nothing but that render,
which is retried. The cache keeps each variant, so alternating downloads never re-render.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from flask import Flask

from conftest import Wizard, csrf_token, fresh_database
from flows import choose_language
from processes import children, group_alive
from readiness.settings import RenderSettings
from webapp import create_app
from webapp.models import ReportCache, ReportJob
from webapp.report import jobs
from webapp.report import service as report_service

ROOT = Path(__file__).resolve().parents[1]


class Worker:
    """``celery -A webapp.worker worker`` as ``make worker`` starts it, on this test's database and broker."""

    def __init__(self, env: dict[str, str], log: Path):
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "webapp.worker", "worker", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--concurrency", "1", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True)

    def child(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            kids = children(self.process.pid)
            if kids:
                return kids[0]
            time.sleep(0.05)
        raise AssertionError("the worker has no pool process:\n" + self.log.read_text()[-3000:])

    def stop(self) -> float:
        """SIGTERM; the seconds it took the worker and its pool to be gone."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._out.close()
        return time.monotonic() - started


def worker_env(database_url: str, queue_url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READINESS_", "REDIS_URL", "QUEUE_URL"))}
    env.update(DATABASE_URL=database_url, QUEUE_URL=queue_url, SECRET_KEY="worker-secret-key-0123456789abcdef",
               READINESS_INSTANCE_DIR=str(instance), PYTHONPATH=str(ROOT), REMAP_SIGTERM="SIGQUIT", **extra)
    return env


@pytest.fixture
def queued_app(request: pytest.FixtureRequest, content: Any, monkeypatch: pytest.MonkeyPatch,
               tmp_path: Path) -> Iterator[Flask]:
    """A web app on SQLite that queues report jobs on an SQLite broker (no worker yet)."""
    monkeypatch.setattr("webapp.load_content", lambda directory=None: content)
    app = create_app({"TESTING": True, "DATABASE_URL": fresh_database("sqlite", request, tmp_path),
                      "SECRET_KEY": "test-secret-key-0123456789abcdef", "INSTANCE_DIR": tmp_path,
                      "QUEUE_URL": f"sqla+sqlite:///{tmp_path / 'queue.sqlite3'}", "PRERENDER_REPORT": True})
    yield app
    app.extensions["readiness_db"].engine.dispose()


def start_worker(app: Flask, tmp_path: Path, name: str) -> Worker:
    env = worker_env(app.config["DATABASE_URL"], app.config["QUEUE_URL"], tmp_path / "instance")
    return Worker(env, tmp_path / f"{name}.log")


def job_rows(app: Flask) -> list[ReportJob]:
    with app.extensions["readiness_db"].sessions() as session:
        return list(session.query(ReportJob).order_by(ReportJob.id))


def wait_for(predicate: Any, seconds: float, what: str, worker: Worker) -> None:
    """Poll the job's state until ``predicate`` holds; fail at once if the worker died. The bound
    grows with the machine's load (a render at load 10 on 2 cores takes ~5x as long), so a loaded
    machine waits longer but a job that never gets there still fails."""
    seconds *= max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline or worker.process.poll() is not None:
            raise AssertionError(f"{what} did not happen in {seconds:g} s; worker log:\n"
                                 + worker.log.read_text()[-3000:])
        time.sleep(0.05)


def submitted(app: Flask, content: Any, town: str = "Mizil") -> Wizard:
    wizard = Wizard(app.test_client(), content)
    wizard.start(town=town)
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    return wizard


@pytest.mark.slow
def test_submit_queues_the_summary_the_page_tells_its_state_and_a_killed_render_is_retried(
        queued_app: Flask, content: Any, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    app = queued_app
    first, second = submitted(app, content, "Mizil"), submitted(app, content, "Enguera")

    # No worker yet: the jobs wait, and the page says so (with the place in the queue),
    # refreshing itself without JavaScript; the officer can stop the updates.
    results = second.client.get(second.url("results"))
    page = results.get_data(as_text=True)
    assert "Preparing your report …" in page and "queued, number 2 in line." in page
    assert results.headers["Refresh"] == f"3; url=/a/{second.public_id}/results#report"
    stopped = second.client.get(second.url("results?refresh=0"))
    assert "Refresh" not in stopped.headers and "Check again" in stopped.get_data(as_text=True)
    assert f'href="/a/{second.public_id}/report.pdf" download' not in page  # nothing to download yet
    early = first.client.get(first.url("report.pdf"))
    assert early.status_code == 303 and early.headers["Location"].endswith("/results#report")
    assert [j.status for j in job_rows(app)] == ["queued", "queued"]  # asked again: not queued twice
    assert [(j.edition, j.bilingual, j.format) for j in job_rows(app)] == [("summary", False, "pdf")] * 2

    worker = start_worker(app, tmp_path, "worker")
    try:
        # kill -9 of the pool process that renders: the supervisor puts the job back and starts another.
        wait_for(lambda: job_rows(app)[0].status == "rendering", 120, "the first render", worker)
        victim = worker.child()
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: job_rows(app)[0].status == "ready", 180, "the retried render", worker)
        retried_in = time.monotonic() - killed_at
        assert job_rows(app)[0].attempts == 2, worker.log.read_text()[-2000:]
        assert worker.process.poll() is None and victim not in children(worker.process.pid)
        wait_for(lambda: job_rows(app)[1].status == "ready", 120, "the second render", worker)

        done = first.client.get(first.url("results"))
        assert "Preparing your report" not in done.get_data(as_text=True) and "Refresh" not in done.headers
        assert f'href="/a/{first.public_id}/report.pdf" download' in done.get_data(as_text=True)
        pdf = first.client.get(first.url("report.pdf"))
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert "attachment" in pdf.headers["Content-Disposition"]
        # on demand: the full report goes on the queue when asked for; SIGTERM to the worker
        # while it renders: gone within 10 s, nothing left, the job back on the queue
        assert first.client.get(first.url("report.pdf?edition=full")).status_code == 303
        full_job = lambda: next(j for j in job_rows(app) if j.edition == "full")  # noqa: E731
        wait_for(lambda: full_job().status == "rendering", 120, "the full report's render", worker)
        pool = children(worker.process.pid)
    finally:
        stop_seconds = worker.stop()
    # the bound (10 s; WORKER_SHUTDOWN_SECONDS=2 of it for the render), and no orphan: nothing
    # of the worker's process group (its pool, anything they started) outlives it
    assert stop_seconds < 10, stop_seconds
    assert worker.process.returncode is not None and not group_alive(worker.process.pid)
    assert not [pid for pid in pool if Path(f"/proc/{pid}").exists()]
    restarted = start_worker(app, tmp_path, "worker-again")
    try:
        wait_for(lambda: full_job().status == "ready", 180, "the full report after the restart", restarted)
    finally:
        restarted.stop()
    assert full_job().attempts == 2
    full = first.client.get(first.url("report.pdf?edition=full"))
    assert full.status_code == 200 and full.data.startswith(b"%PDF") and full.data != pdf.data
    with capsys.disabled():
        print(f"\n[figures] queue: render killed mid-job (kill -9 of the worker's render process), retried and "
              f"ready {retried_in:.1f} s later, attempts 2; SIGTERM to the worker mid-render: gone in {stop_seconds:.1f} s, 0 processes left, the render retried by the next worker")


@pytest.mark.slow
def test_a_render_over_its_time_limit_fails_cleanly_and_can_be_asked_for_again(
        queued_app: Flask, content: Any, tmp_path: Path) -> None:
    app = queued_app
    app.config["READINESS_RENDER"] = RenderSettings(timeout=0.3)  # the limits travel with the job
    wizard = submitted(app, content)
    worker = start_worker(app, tmp_path, "slow-worker")
    try:
        wait_for(lambda: job_rows(app)[0].status == "failed", 120, "the time limit", worker)
    finally:
        worker.stop()
    assert job_rows(app)[0].error == "time limit"
    page = wizard.client.get(wizard.url("results?refresh=0")).get_data(as_text=True)
    assert "could not be prepared." in page and "Try again: Summary (PDF)" in page
    again = wizard.client.post(wizard.url("report"), data={"csrf_token": csrf_token(page), "edition": "summary",
                                                           "format": "pdf"})
    assert again.status_code == 302
    job = job_rows(app)[0]
    assert (job.status, job.attempts, job.error) == ("queued", 0, "")


def test_the_memory_limit_turns_a_runaway_render_into_a_memory_error() -> None:
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from webapp.report.queue import limit_memory\n"
            "limit_memory(400)\n"
            "try:\n    bytearray(600 * 1024 * 1024)\nexcept MemoryError:\n    print('refused')\n") % str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "refused", out.stderr


def test_alternating_bilingual_and_plain_downloads_never_render_again(
        app: Flask, content: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs run inline here (QUEUE_EAGER): the count is of renders, wherever they run."""
    renders: list[bool] = []
    real = report_service.render_pdf

    def counting(content: Any, result: Any, meta: Any, fetcher: Any = None) -> bytes:
        renders.append(meta.bilingual)
        return real(content, result, meta, fetcher)

    monkeypatch.setattr(report_service, "render_pdf", counting)
    wizard = Wizard(app.test_client(), content)
    choose_language(wizard.client, "pt")
    wizard.start(town="Óbidos", country="Portugal")
    wizard.answer_all()
    wizard.submit()
    downloads = []
    for _ in range(4):
        for path in ("report.pdf", "report.pdf?bilingual=1"):
            response = wizard.client.get(wizard.url(path))
            assert response.status_code == 200 and response.data.startswith(b"%PDF")
            downloads.append(response.data)
    assert sorted(renders) == [False, True]  # each variant once, then files read from the cache
    assert len(set(downloads)) == 2 and downloads[0] == downloads[2] == downloads[6]
    with app.app_context():
        with app.extensions["readiness_db"].sessions() as session:
            kept = sorted((c.edition, c.bilingual, c.format) for c in session.query(ReportCache))
    assert kept == [("summary", False, "pdf"), ("summary", True, "pdf")]


def test_a_submitted_report_downloads_the_same_file_again_and_a_stale_key_is_never_served(
        app: Flask, content: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[str] = []
    real = report_service.render_pdf
    monkeypatch.setattr(report_service, "render_pdf",
                        lambda *args, **kw: renders.append("pdf") or real(*args, **kw))
    wizard = Wizard(app.test_client(), content)
    wizard.start()
    wizard.answer_all()
    wizard.submit()
    before = wizard.client.get(wizard.url("report.pdf")).data
    assert before.startswith(b"%PDF")
    assert [wizard.client.get(wizard.url("report.pdf")).data for _ in range(3)] == [before] * 3
    assert renders == ["pdf"]
    with app.app_context():
        with app.extensions["readiness_db"].sessions() as session:
            assessment = session.query(ReportCache).one().assessment_id
        stale = jobs.cached(app.extensions["readiness_db"].sessions, jobs.Subject("a", assessment), "0" * 64)
    assert stale is None


def test_the_cache_keeps_within_its_size_bound_dropping_the_oldest(app: Flask) -> None:
    sessions = app.extensions["readiness_db"].sessions
    from webapp.models import Assessment

    with sessions.begin() as session:
        owners = [Assessment(public_id=f"p{i:015d}", token_hash=f"{i:064d}", town="T", country="C",
                             language="en", content_version="1") for i in range(4)]
        session.add_all(owners)
    ids = [a.id for a in owners]
    for n, owner in enumerate(ids):
        jobs.store(sessions, jobs.Subject("a", owner), jobs.Variant("summary", "en"), f"key{n}", b"x" * 1000,
                   max_bytes=2500)
    assert jobs.cache_size(sessions) == (2, 2000)
    assert [jobs.is_cached(sessions, jobs.Subject("a", i), f"key{n}") for n, i in enumerate(ids)] == \
        [False, False, True, True]
    # one subject's variants side by side; a new copy of a variant replaces the old one
    jobs.store(sessions, jobs.Subject("a", ids[3]), jobs.Variant("summary", "en", format="docx"), "d", b"y", 10**6)
    jobs.store(sessions, jobs.Subject("a", ids[3]), jobs.Variant("summary", "en"), "key9", b"z", 10**6)
    assert jobs.cached(sessions, jobs.Subject("a", ids[3]), "key3") is None
    assert jobs.cached(sessions, jobs.Subject("a", ids[3]), "key9") == b"z"
    assert jobs.cached(sessions, jobs.Subject("a", ids[3]), "d") == b"y"


def test_the_printable_questionnaire_goes_through_the_queue_and_its_page_waits_for_it(
        queued_app: Flask, content: Any) -> None:
    """No worker here: the download's page says it is queued and reloads the download's address."""
    wizard = Wizard(queued_app.test_client(), content)
    wizard.start()
    waiting = wizard.client.get(wizard.url("group/questionnaire.pdf"))
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 202 and "Preparing your document …" in page
    assert "The printable questionnaire is queued, number 1 in line." in page
    assert waiting.headers["Refresh"] == f"3; url=/a/{wizard.public_id}/group/questionnaire.pdf"
    assert wizard.client.get(wizard.url("group/questionnaire.pdf")).status_code == 202  # asked again: one job
    assert [(j.edition, j.status, j.source is not None) for j in job_rows(queued_app)] == [
        ("questionnaire", "queued", True)]


def test_a_ready_report_downloads_without_scoring_and_a_changed_answer_is_never_served_stale(
        app: Flask, content: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys of every offered variant are stored at submission: the results page scores the
    answers once, and a download of a ready report scores nothing and loads no answers. A change
    to the basis (an answer saved after submission, a contributor's voice) computes the key
    again: the same file while the document is the same (the answers as submitted), a new
    render when it is not (the group's section), never the old file served for a new key."""
    from webapp.wizard import store

    scorings: list[str] = []
    loads: list[int] = []
    real_score, real_load = report_service.score_assessment, store.load_answers
    monkeypatch.setattr(report_service, "score_assessment", lambda c, a, *rest: scorings.append("s") or real_score(c, a, *rest))
    monkeypatch.setattr(store, "load_answers", lambda sessions, aid: loads.append(aid) or real_load(sessions, aid))
    wizard = Wizard(app.test_client(), content)
    wizard.start()
    wizard.answer_all()
    wizard.submit()
    first = wizard.client.get(wizard.url("report.pdf"))
    assert first.status_code == 200 and first.data.startswith(b"%PDF")

    scorings.clear(), loads.clear()
    results = wizard.client.get(wizard.url("results"))
    assert results.status_code == 200 and f'href="/a/{wizard.public_id}/report.pdf" download' in results.get_data(as_text=True)
    assert len(scorings) == 1, scorings  # the page's own view; its report keys were stored at submission

    scorings.clear(), loads.clear()
    for _ in range(3):
        again = wizard.client.get(wizard.url("report.pdf"))
        assert again.data == first.data
    assert scorings == [] and loads == []  # a look-up and a file read

    # an answer written after submission (the wizard refuses it; here past it) moves the basis: the
    # key is computed again (one scoring) from the answers as submitted: the same key and file
    from sqlalchemy import func, update
    from webapp.models import Answer

    with app.app_context():
        sessions = app.extensions["readiness_db"].sessions
        assessment = store.by_public_id(sessions, wizard.public_id)
        saved = real_load(sessions, assessment.id)
        question = next(q for q in ("strategy_plan",) if q in saved)
        other = "none" if saved[question] != "none" else "adopted"
        with app.extensions["readiness_db"].engine.begin() as conn:
            conn.execute(update(Answer).where(Answer.assessment_id == assessment.id, Answer.question_id == question)
                         .values(value=other, updated_at=func.now()))
    scorings.clear()
    assert wizard.client.get(wizard.url("report.pdf")).data == first.data
    assert scorings, "the moved basis was scored for its key"

    # what does change a submitted report (its group's section is live): two contributors'
    # voices move the basis, the key is new, the report is rendered again, never the old file
    from webapp.group import store as gstore

    with app.app_context():
        for role, answer in (("business", "none"), ("education", "adopted")):
            invitation, _ = gstore.create_invitation(sessions, assessment.id, role=role)
            contribution = gstore.create_contribution(sessions, invitation, role)
            gstore.save_contribution(sessions, contribution.id, {question: answer})
    scorings.clear()
    changed = wizard.client.get(wizard.url("report.pdf"))
    assert changed.status_code == 200 and changed.data.startswith(b"%PDF") and changed.data != first.data
    assert scorings, "the new voices were scored for their key"


def test_the_embedded_queue_stops_waiting_for_a_job_once_the_worker_shuts_down(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker on the SQLite broker waits for jobs in polls of 2 s and made two more on its way
    out of a SIGTERM (2 of its 5.8 s to exit): once it is shutting down, a poll ends at once."""
    import socket

    from celery.worker import state
    from kombu import Connection, Consumer, Queue

    from webapp.report.queue import EmbeddedTransport

    with Connection(f"sqla+sqlite:///{tmp_path / 'queue.sqlite3'}") as conn:
        assert isinstance(conn.transport, EmbeddedTransport)
        with Consumer(conn, [Queue("readiness-reports")], callbacks=[lambda body, message: None]):  # empty
            started = time.monotonic()
            with pytest.raises(socket.timeout):
                conn.drain_events(timeout=0.5)  # nothing to do: it waits its time out
            assert time.monotonic() - started >= 0.5
            monkeypatch.setattr(state, "should_terminate", 1)  # what a SIGTERM's (cold) shutdown sets
            started = time.monotonic()
            with pytest.raises(socket.timeout):
                conn.drain_events(timeout=2.0)
            assert time.monotonic() - started < 0.5
