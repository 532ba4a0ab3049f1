"""The one link to keep, in a real browser (Chromium through Playwright): the town's workspace
link opens everything the town owns; from it a lost resume link is replaced; every new link
is shown once, with its "keep this" card and e-mail, and a refresh of that page makes nothing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import answer_every_question_on_the_page, create_assessment

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def keep_card(page, tmp_path: Path, link: str) -> str:  # type: ignore[no-untyped-def]
    """The page's "keep this" card and e-mail both carry ``link``; the card's text."""
    with page.expect_download() as card:
        page.get_by_role("link", name="Download a “keep this” card").click()
    path = tmp_path / card.value.suggested_filename
    card.value.save_as(path)
    mailto = page.get_by_role("link", name="E-mail it to yourself").get_attribute("href")
    assert mailto.startswith("mailto:?subject=") and link in unquote(mailto)
    text = path.read_text(encoding="utf-8")
    assert link in text and "If it is lost" in text
    return text


def test_the_workspace_link_opens_everything_and_replaces_a_lost_resume_link(browser, live_server: str, tmp_path: Path):
    officer = browser.new_context(accept_downloads=True).new_page()
    resume_link = create_assessment(officer, live_server, town="Óbidos", country="Portugal")
    link_page = officer.url
    assert link_page.endswith("/link")  # post/redirect/get: the page showing the link is a GET
    keep_card(officer, tmp_path, resume_link)
    officer.reload()  # a refresh: the same page, no new assessment, the link not shown again
    assert officer.url == link_page and officer.get_by_label("Resume link").count() == 0
    assert "shown only once" in officer.locator("main").inner_text()

    officer.get_by_role("link", name="Continue the assessment").click()
    while "/step/" in officer.url:
        answer_every_question_on_the_page(officer)
        officer.get_by_role("button", name="Save and continue").or_(
            officer.get_by_role("button", name="Review your answers")).click()
    officer.get_by_role("button", name="Submit and see the results").click()
    officer.get_by_role("button", name="Open the town workspace").click()
    workspace_link = officer.get_by_label("Workspace link").input_value()
    assert "/w/" in workspace_link
    assert "all its assessments" in keep_card(officer, tmp_path, workspace_link)
    officer.reload()
    assert officer.get_by_label("Workspace link").count() == 0

    # on another computer, only the workspace link: the town's assessments, results and report
    elsewhere = browser.new_context(accept_downloads=True).new_page()
    elsewhere.goto(workspace_link)
    assert "/ws/" in elsewhere.url and "/w/" not in elsewhere.url
    elsewhere.get_by_role("link", name="See the results").click()
    assert "/results" in elsewhere.url and "Óbidos" in elsewhere.locator("h1").inner_text()
    elsewhere.go_back()

    # the resume link is lost: a new one from the workspace; the old one stops working
    elsewhere.get_by_role("button", name="New resume link").click()
    new_resume = elsewhere.get_by_label("Resume link").input_value()
    assert new_resume != resume_link and "/r/" in new_resume
    keep_card(elsewhere, tmp_path, new_resume)
    stranger = browser.new_context().new_page()
    assert stranger.goto(resume_link).status == 404
    assert stranger.goto(new_resume).status == 200 and "/a/" in stranger.url
    # and the assessment is still in the town's workspace
    elsewhere.goto(workspace_link)
    assert elsewhere.get_by_role("link", name="See the results").count() == 1

    # a re-assessment from the workspace: its resume link shown once, the workspace lists both
    elsewhere.get_by_role("button", name="Start a re-assessment").click()
    assert "/r/" in elsewhere.get_by_label("Resume link").input_value()
    elsewhere.reload()
    assert elsewhere.get_by_label("Resume link").count() == 0
    elsewhere.goto(workspace_link)
    assert elsewhere.get_by_role("link", name="Continue").count() == 1
    assert elsewhere.get_by_role("link", name="See the results").count() == 1
