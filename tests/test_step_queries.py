"""What a wizard step asks of the database (counted with SQLAlchemy's engine events; not timed).

A step page reads the assessment together with its answers in one query, on one connection;
a save adds one write transaction and nothing else: the page's lookups are not run again
after the post (it answers with a redirect). The counts are behaviour: a second lookup
creeping into every step is what made a step cost twice a bare page (bench/bench_step.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import event

from conftest import csrf_token

STEP = "cooperation"
# The save's write transaction: the assessment's row (its lock and revision counter) read with
# the step's existing answers, the assessment's new counter and step, the rows written (added,
# changed, removed: one statement each).
SAVE_STATEMENTS_AT_MOST = 5


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    connections: int = 0

    @property
    def selects(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]


@contextmanager
def counting(app: Flask) -> Iterator[Counted]:
    engine = app.extensions["readiness_db"].engine
    counted = Counted()

    def statement(conn, cursor, sql, params, context, executemany):  # type: ignore[no-untyped-def]
        if sql.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            counted.statements.append(sql)

    def checkout(*_):  # type: ignore[no-untyped-def]
        counted.connections += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "checkout", checkout)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "checkout", checkout)


def test_a_step_page_reads_the_assessment_and_its_answers_in_one_query(app, wizard):
    wizard.start()
    assert wizard.post_step("profile", {"population_band": "10k_50k"}, action="save").status_code == 302
    with counting(app) as counted:
        page = wizard.client.get(wizard.url(f"step/{STEP}"))
    assert page.status_code == 200
    assert len(counted.statements) == 1, counted.statements
    assert "answer" in counted.statements[0] and "assessment" in counted.statements[0]  # the join
    assert counted.connections == 1


def test_a_save_is_one_read_and_one_write_transaction_and_no_lookups_after_it(app, wizard):
    wizard.start()
    page = wizard.client.get(wizard.url(f"step/{STEP}")).get_data(as_text=True)
    revisions = re.search(r'name="revisions" value="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    with counting(app) as counted:
        response = wizard.client.post(wizard.url(f"step/{STEP}"), data={
            "csrf_token": csrf_token(page), "revisions": revisions, "action": "save",
            "coop_frequency": "meetings", "coop_joint_projects": "3"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    reads = [s for s in counted.statements if " JOIN answer" in s and "public_id" in s]
    assert len(reads) == 1, counted.statements  # the page's one lookup, not repeated after the save
    assert len(counted.statements) <= 1 + SAVE_STATEMENTS_AT_MOST, counted.statements
    assert len(counted.selects) == 2, counted.selects  # the lookup, and the step's answers inside the save
    assert counted.connections == 2  # the read, then the save's own transaction

    # and the answers are there
    again = wizard.client.get(wizard.url(f"step/{STEP}")).get_data(as_text=True)
    assert re.search(r'value="meetings"[^>]*checked', again)


def test_a_step_sent_back_with_a_wrong_answer_reads_once_and_writes_nothing(app, wizard):
    wizard.start()
    page = wizard.client.get(wizard.url(f"step/{STEP}")).get_data(as_text=True)
    with counting(app) as counted:
        response = wizard.client.post(wizard.url(f"step/{STEP}"), data={
            "csrf_token": csrf_token(page), "action": "save", "coop_joint_projects": "many"})
    assert response.status_code == 400
    assert len(counted.statements) == 1, counted.statements
    assert counted.connections == 1
