"""The pages of the group, networks and peers in Debian's Chromium: axe finds no serious or
critical violation, and at 390 px wide (a phone) nothing scrolls sideways. The data is put in
the database directly; the browser comes in through the capability links, like a user."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from browser_support import violations
from towns import strong_answers, weak_answers
from webapp import create_app
from webapp.db import upgrade_database

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("VOICES_SCREENSHOTS", "")

# How far the page's own content (inside <main>) reaches past the viewport, in px. The shared
# header is measured by the wizard's phone-layout tests, not here.
OVERFLOW = """() => { const main = document.querySelector('main'), w = document.documentElement.clientWidth;
  return Math.max(0, Math.ceil(main.getBoundingClientRect().right - w), main.scrollWidth - main.clientWidth) }"""


@pytest.fixture
def seeded(tmp_path: Path, content) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'voices.sqlite3'}"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test-secret-key-0123456789"})
    from webapp.group import store as group_store
    from webapp.network import store as network_store
    from webapp.peers import store as peers_store
    from webapp.wizard import store
    from webapp.workspace import store as workspace_store
    from webapp.extensions import db

    links: dict[str, Any] = {}
    with app.app_context():
        def town(name: str, answers: dict) -> tuple[Any, str, str]:
            a, token = store.create_assessment(db.sessions, store.TownDetails(name, "Portugal"), content.version,
                                               {"population_band": answers["population_band"]})
            store.save_answers(db.sessions, a.id, answers)
            store.mark_submitted(db.sessions, a.id)
            ws, ws_token = workspace_store.open_workspace(db.sessions, a.id)
            return a, token, ws, ws_token

        strong, weak = strong_answers(content), weak_answers(content)
        a, links["resume"], home, links["workspace"] = town("Óbidos", strong)
        inv, links["invitation"] = group_store.create_invitation(db.sessions, a.id, "Ana Costa (chamber)", "business")
        c = group_store.create_contribution(db.sessions, inv, "business")
        group_store.save_contribution(db.sessions, c.id, {k: v for k, v in weak.items() if k != "population_band"})
        links["assessment"] = a.public_id
        net, links["lead"], links["join"] = network_store.create_network(db.sessions, "Creative towns of the Oeste")
        members = [home] + [town(name, weak)[2] for name in ("Caldas da Rainha", "Peniche")]
        for ws in members:
            network_store.join(db.sessions, net.id, ws.id, share_details=True)
        for i in range(5):
            p, _ = store.create_assessment(db.sessions, store.TownDetails(f"Peer {i}", "Portugal"), content.version,
                                           {"population_band": strong["population_band"]})
            peers_store.join(db.sessions, p.id, strong["population_band"], {d.id: 20.0 * (i % 5) for d in content.dimensions})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", **links}
    server.shutdown()
    app.extensions["readiness_db"].engine.dispose()


def test_group_network_and_peer_pages_are_accessible_and_fit_a_phone(browser, seeded):
    base = seeded["base"]
    found: dict[str, list[str]] = {}
    wide: dict[str, int] = {}
    desktop = browser.new_context()
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    contributor = browser.new_context(viewport={"width": 390, "height": 844})
    pages = {ctx: ctx.new_page() for ctx in (desktop, phone, contributor)}

    def visit(name: str, path: str, contexts=(desktop, phone)) -> None:  # type: ignore[no-untyped-def]
        for ctx in contexts:
            page = pages[ctx]
            response = page.goto(base + path)
            assert response is not None and response.ok, (name, response.status if response else None)
            if ctx is desktop:
                found[name] = violations(page)
            else:
                wide[name] = page.evaluate(OVERFLOW)
            if SHOTS:  # to look at them: VOICES_SCREENSHOTS=DIR
                page.screenshot(path=f"{SHOTS}/{name.replace(' ', '-')}-{'desktop' if ctx is desktop else 'phone'}.png",
                                full_page=True)

    for ctx in (desktop, phone):
        pages[ctx].goto(base + "/r/" + seeded["resume"])
        pages[ctx].goto(base + "/w/" + seeded["workspace"])
        pages[ctx].goto(base + "/n/" + seeded["lead"])
    a = seeded["assessment"]
    visit("results with where views differ and peers", f"/a/{a}/results")
    visit("group owner page", f"/a/{a}/group")
    visit("agree the answer", f"/a/{a}/group/agree/strategy_plan")
    visit("start a network", "/networks/new")
    net = pages[desktop]
    net.goto(base + "/w/" + seeded["workspace"])
    visit("workspace with its networks", net.url.replace(base, ""))
    net.goto(base + "/n/" + seeded["lead"])
    net_path = net.url.replace(base, "")
    visit("network page", net_path)
    visit("network join page", "/nj/" + seeded["join"])
    # the contributor's personal link: the join page, then a step of their own questionnaire
    visit("contributor join page", "/i/" + seeded["invitation"], contexts=(contributor,))
    pages[contributor].get_by_role("button", name="Start answering").click()
    wide["contributor step"] = pages[contributor].evaluate(OVERFLOW)
    assert "/c/" in pages[contributor].url
    assert pages[desktop].goto(pages[contributor].url).status == 404  # not this browser's

    assert {name: v for name, v in found.items() if v} == {}
    assert {name: px for name, px in wide.items() if px > 0} == {}
    assert len(found) >= 6 and len(wide) >= 7
