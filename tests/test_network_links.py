"""Network links under the capability model (webapp/access.py, README "Links"): a new lead link,
members' link or workspace link revokes everything obtained through the old one, transitively,
except what the browser making it keeps; a link revoked with its parent counts as a bad link
for the limits; a new link is shown once, after a redirect, and a refresh makes nothing.

Prints ``[figures] network takeover paths tried: N, access left: 0`` (pytest -s).
"""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from conftest import Wizard, csrf_token, shown_after
from webapp.models import Assessment, LinkView

TRIED: list[str] = []


def local(url: str) -> str:
    return url.replace("http://localhost", "")


def post(client: FlaskClient, url: str, page: str, **data: Any) -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client.get(page).get_data(as_text=True)), **data})


class Town:
    """A town with an assessment and its workspace, opened in this browser."""

    def __init__(self, app: Any, content: Any, name: str):
        self.wizard = Wizard(app.test_client(), content)
        assert self.wizard.start(town=name, country="Portugal").status_code == 303
        self.client = self.wizard.client
        opened = post(self.client, self.wizard.url("workspace"), self.wizard.url("link"))
        page = shown_after(self.client, opened)
        self.ws_url = opened.headers["Location"]
        self.ws_link = local(re.search(r'value="(http[^"]+/w/[^"]+)"', page).group(1))
        self.name = name

    @classmethod
    def holding(cls, app: Any, ws_link: str) -> "Town":
        """A browser that opened a town's (leaked) workspace link."""
        town = cls.__new__(cls)
        town.client = app.test_client()
        assert town.client.get(ws_link).status_code == 302
        return town

    def join(self, join_link: str, share: bool = True) -> Any:
        entered = self.client.get(join_link)
        assert entered.status_code == 302, entered.status_code
        page = self.client.get(entered.headers["Location"]).get_data(as_text=True)
        ws_value = re.search(r'name="workspace" value="([0-9a-f]+)"', page).group(1)
        data = {"csrf_token": csrf_token(page), "workspace": ws_value} | ({"share": "1"} if share else {})
        return self.client.post(entered.headers["Location"], data=data)


class Lead:
    def __init__(self, app: Any, name: str = "Creative towns of the Oeste"):
        self.client = app.test_client()
        created = post(self.client, "/networks/new", "/networks/new", name=name)
        self.page = shown_after(self.client, created)
        self.url = created.headers["Location"]
        self.lead_link, self.join_link = links(self.page)


def links(page: str) -> tuple[str | None, str | None]:
    lead = re.search(r'id="lead-link"[^>]*value="http://localhost(/n/[^"]+)"', page)
    join = re.search(r'id="join-link"[^>]*value="http://localhost(/nj/[^"]+)"', page)
    return lead.group(1) if lead else None, join.group(1) if join else None


def member_ids(page: str) -> dict[str, str]:
    """The lead page's "keep" boxes: town -> member id."""
    return {town: mid for mid, town in re.findall(r'name="keep" value="(\d+)" checked><label for="keep-\d+"><bdi>([^<]+)</bdi>', page)}


def denied(client: FlaskClient, urls: list[str]) -> list[tuple[str, int]]:
    TRIED.extend(urls)
    return [(u, code) for u in urls for code in [client.get(u).status_code] if code != 404]


def test_a_new_lead_link_revokes_the_invitation_links_made_with_the_old_one_and_their_members(app, content):
    lead = Lead(app)
    obidos = Town(app, content, "Óbidos")
    assert obidos.join(lead.join_link).status_code == 302
    # the lead link leaks: the attacker makes a new invitation link and joins a town of its own
    attacker = app.test_client()
    assert attacker.get(lead.lead_link).status_code == 302
    assert attacker.get(lead.url).status_code == 200
    made = post(attacker, lead.url + "/invite-link", lead.url, keep=list(member_ids(attacker.get(lead.url).get_data(as_text=True)).values()))
    _, attackers_join = links(shown_after(attacker, made))
    assert attackers_join and attackers_join != lead.join_link
    fake = Town(app, content, "Fakeville")
    assert fake.join(attackers_join).status_code == 302
    assert fake.client.get(lead.url).status_code == 200
    page = lead.client.get(lead.url).get_data(as_text=True)
    assert "Fakeville" in page and "Óbidos" in page

    # the lead replaces the lead link, keeping only the town it knows
    made = post(lead.client, lead.url + "/lead-link", lead.url, keep=[member_ids(page)["Óbidos"]])
    new_lead, new_join = links(shown_after(lead.client, made))
    assert new_lead and new_join and new_lead != lead.lead_link
    assert denied(attacker, [lead.url, lead.url + "/network.pdf", lead.lead_link]) == []
    assert post(attacker, lead.url + "/invite-link", "/networks/new").status_code == 404
    assert post(attacker, lead.url + "/lead-link", "/networks/new").status_code == 404
    # transitively: the invitation link the attacker made, and the membership made with it
    stranger = Town(app, content, "Enguera")
    assert denied(stranger.client, [attackers_join, lead.join_link]) == []
    assert denied(fake.client, [lead.url, lead.url + "/network.pdf"]) == []
    assert "no longer a member" in fake.client.get(fake.ws_url).get_data(as_text=True)
    page = lead.client.get(lead.url).get_data(as_text=True)
    assert "Fakeville" not in page and "Óbidos" in page and "1 member town" in page
    assert "/n/" not in page and "/nj/" not in page  # the new links were shown once
    # the kept town stays; the new links work
    assert obidos.client.get(lead.url).status_code == 200
    assert stranger.join(new_join).status_code == 302
    assert app.test_client().get(new_lead).status_code == 302


def test_a_new_invitation_link_ends_the_memberships_made_with_the_old_one_that_the_lead_does_not_keep(app, content):
    lead = Lead(app)
    obidos, fake = Town(app, content, "Óbidos"), Town(app, content, "Fakeville")
    assert obidos.join(lead.join_link).status_code == 302
    assert fake.join(lead.join_link).status_code == 302  # the invitation link leaked
    page = lead.client.get(lead.url).get_data(as_text=True)
    assert set(member_ids(page)) == {"Óbidos", "Fakeville"}  # both ticked by default
    made = post(lead.client, lead.url + "/invite-link", lead.url, keep=[member_ids(page)["Óbidos"]])
    _, new_join = links(shown_after(lead.client, made))
    assert denied(fake.client, [lead.url, lead.join_link]) == []
    page = lead.client.get(lead.url).get_data(as_text=True)
    assert "Fakeville" not in page and obidos.client.get(lead.url).status_code == 200
    # a town that was left out joins again with the current link (its lapsed membership comes back)
    assert fake.join(new_join).status_code == 302
    assert fake.client.get(lead.url).status_code == 200
    # a browser that opened the old invitation link before the new one was made cannot use it
    late = Town(app, content, "Enguera")
    entered = late.client.get(new_join)
    assert entered.status_code == 302 and late.client.get(entered.headers["Location"]).status_code == 200
    page = late.client.get(entered.headers["Location"]).get_data(as_text=True)
    post(lead.client, lead.url + "/invite-link", lead.url, keep=list(member_ids(lead.client.get(lead.url).get_data(as_text=True)).values()))
    assert late.client.get(entered.headers["Location"]).status_code == 404
    assert late.client.post(entered.headers["Location"], data={"csrf_token": csrf_token(page), "workspace": "x"}).status_code == 404
    assert {"Óbidos", "Fakeville"} <= set(member_ids(lead.client.get(lead.url).get_data(as_text=True)))


def test_a_new_workspace_link_ends_the_memberships_made_with_the_old_one_that_the_town_does_not_keep(app, content):
    """A leaked workspace link joined the town to a stranger's network, sharing its answers;
    the town's new workspace link takes it out (and keeps the network it chose)."""
    ours, theirs = Lead(app, "Oeste"), Lead(app, "Harvest")
    obidos = Town(app, content, "Óbidos")
    assert obidos.join(ours.join_link).status_code == 302
    attacker = Town.holding(app, obidos.ws_link)
    assert attacker.join(theirs.join_link, share=True).status_code == 302
    assert "Óbidos" in theirs.client.get(theirs.url).get_data(as_text=True)

    ws_page = obidos.client.get(obidos.ws_url).get_data(as_text=True)
    kept = re.findall(r'name="keep_network" value="([0-9a-f]+)" checked><label[^>]*><bdi>([^<]+)</bdi>', ws_page)
    assert {name for _, name in kept} == {"Oeste", "Harvest"}
    made = post(obidos.client, obidos.ws_url + "/link", obidos.ws_url,
                keep_network=[nid for nid, name in kept if name == "Oeste"])
    assert "/w/" in shown_after(obidos.client, made)
    assert "Óbidos" not in theirs.client.get(theirs.url).get_data(as_text=True)
    assert "Óbidos" in ours.client.get(ours.url).get_data(as_text=True)
    assert denied(attacker.client, [obidos.ws_url, theirs.url, ours.url]) == []
    ws_page = obidos.client.get(obidos.ws_url).get_data(as_text=True)
    assert "no longer a member" in ws_page.split("Harvest")[1][:400]
    assert obidos.client.get(ours.url).status_code == 200


def test_a_link_revoked_with_its_parent_counts_as_a_bad_link(app, content):
    """A re-assessment's resume link dies with the workspace link it was made through, an
    invitation link with the lead link: opening them again and again is guessing."""
    app.config["LIMIT_BAD_LINKS"] = "4 per minute"
    town = Town(app, content, "Mizil")
    made = post(town.client, town.ws_url + "/reassess", town.ws_url)
    child = local(re.search(r'value="(http[^"]+/r/[^"]+)"', shown_after(town.client, made)).group(1))
    lead = Lead(app)
    made = post(lead.client, lead.url + "/invite-link", lead.url)
    _, child_join = links(shown_after(lead.client, made))
    post(town.client, town.ws_url + "/link", town.ws_url)  # the re-assessment's link goes with the old one
    post(lead.client, lead.url + "/lead-link", lead.url)  # and the invitation link made with the old lead link
    guesser = app.test_client()
    codes = [guesser.get(link, environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code
             for link in [child, child_join, child, child_join, child]]
    assert codes == [404, 404, 404, 404, 429], codes


def test_a_new_link_is_shown_once_after_a_redirect_and_a_refresh_makes_nothing(app, content):
    officer = Wizard(app.test_client(), content)
    page = officer.client.get("/start").get_data(as_text=True)
    created = officer.client.post("/start", data={"csrf_token": csrf_token(page), "town": "Mizil",
                                                  "country": "Romania", "population_band": "10k_50k"})
    assert created.status_code == 303 and created.headers["Location"].endswith("/link")
    cookie = officer.client.get_cookie("session").value  # the link waits, masked: not in the cookie
    first = officer.client.get(created.headers["Location"])
    link = re.search(r'value="http[^"]+/r/([^"]+)"', first.get_data(as_text=True)).group(1)
    assert link not in cookie and link not in repr(app.session_interface.get_signing_serializer(app).loads(cookie))
    # a refresh shows the page without the link and makes no other assessment
    again = officer.client.get(created.headers["Location"])
    assert again.status_code == 200 and "/r/" not in again.get_data(as_text=True)
    with app.app_context():
        sessions = app.extensions["readiness_db"].sessions
        with sessions() as s:
            assert s.scalar(select(func.count()).select_from(Assessment)) == 1
            assert s.scalar(select(func.count()).select_from(LinkView)) == 0  # the pad went with the view
    # a copy of the cookie taken before the view shows nothing either
    copy = app.test_client()
    copy.set_cookie("session", cookie)
    assert "/r/" not in copy.get(created.headers["Location"]).get_data(as_text=True)
    assert app.test_client().get("/r/" + link).status_code == 302  # and the link works


def test_figures(capsys):
    with capsys.disabled():
        print(f"\n[figures] network takeover paths tried: {len(TRIED)} requests with a leaked or replaced lead, "
              "invitation or workspace link (direct and transitive), access left: 0")
