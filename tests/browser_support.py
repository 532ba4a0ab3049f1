"""Shared plumbing for tests that drive Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from webapp import create_app
from webapp.db import upgrade_database

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


def browser_or_skip() -> None:
    """Skip with a reason on a machine without Chromium; fail when CI requires it."""
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium to run the browser tests")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"
    upgrade_database(url)
    # Report jobs run inline when asked for (no worker process): the link queues and renders it.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test-secret-key-0123456789", "QUEUE_EAGER": True,
                      "PRERENDER_REPORT": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["readiness_db"].engine.dispose()


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def answer_every_question_on_the_page(page) -> None:  # type: ignore[no-untyped-def]
    """Pick the first option of every group shown (like a hurried but complete officer).

    Follow-ups appear as their parent is answered (app.js), so the page is read again
    after each answer; hidden follow-ups are left alone."""
    for _ in range(100):
        pending = [f for f in page.locator("form .question:visible fieldset").all()
                   if not f.locator("input:checked").count()]
        if not pending:
            break
        pending[0].locator("input[type=radio], input[type=checkbox]").first.check()
    for number in page.locator("form .question:visible input.input-number").all():
        if not number.input_value():
            number.fill("1")


def create_assessment(page, base: str, town: str = "Ploiești", country: str = "Romania") -> str:  # type: ignore[no-untyped-def]
    """Fill the start form; return the resume link shown."""
    page.goto(base + "/start")
    page.get_by_label("Name of the town or municipality").fill(town)
    page.get_by_label("Country").select_option(country)
    page.get_by_label("10,000 to 50,000").check()
    page.get_by_role("button", name="Create the assessment").click()
    return page.get_by_label("Resume link").input_value()


def next_button(page):  # type: ignore[no-untyped-def]
    return page.locator("button[name=action][value=next]")


def walk_to_results(page, check) -> str:  # type: ignore[no-untyped-def]
    """From the resume link page: every step answered (its error page first), the review,
    the submission, the read-only review and a step refused after it; ``check(name)`` looks
    at each page on the way. Returns the results URL."""
    page.get_by_role("link", name="Continue the assessment").click()
    next_button(page).click()
    check("step with errors")
    while "/step/" in page.url:
        check("step " + page.url.rsplit("/", 1)[1])
        answer_every_question_on_the_page(page)
        next_button(page).click()
    check("review")
    page.get_by_role("button", name="Submit and see the results").click()
    check("results")
    results_url: str = page.url
    # submitted: the answers no longer change; the review is read-only, a step says why
    page.get_by_role("link", name="Review your answers").click()
    check("review, submitted")
    page.goto(results_url.replace("/results", "/step/profile"))
    assert "locked=1" in page.url, page.url
    check("results, answers locked")
    page.goto(results_url)
    page.get_by_role("link", name="Compare side by side").first.click()
    check("compare")
    return results_url


# axe-core impacts that fail a page.
BLOCKING = {"serious", "critical"}


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result.response["violations"]
        if v["impact"] in BLOCKING
    ]
