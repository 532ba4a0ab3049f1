"""Anonymised peers: figures only from 5 towns, never for fewer; the town is never its own
peer; withdrawing consent removes the town from every figure. Consent is off by default."""

from __future__ import annotations

import pytest

from conftest import csrf_token
from readiness import peers


def entry(key: str, band: str = "10k_50k", country: str = "Portugal", score: float | None = 50.0):  # type: ignore[no-untyped-def]
    return peers.PeerEntry(key, band, country, {"strategy": score, "funding": None})


def test_figures_appear_only_from_five_towns_and_never_for_fewer():
    four = [entry(f"w{i}", score=10.0 * i) for i in range(4)]
    (band,) = peers.peer_groups(four, "me", "10k_50k", "Portugal", ["strategy", "funding"])
    assert not band.enough and band.dimensions == {"strategy": None, "funding": None}
    five = four + [entry("w9", score=90.0)]
    (band,) = peers.peer_groups(five, "me", "10k_50k", "Portugal", ["strategy", "funding"])
    assert band.enough and band.dimensions["strategy"] == peers.Spread(5, 10.0, 20.0, 30.0)
    assert band.dimensions["funding"] is None  # nobody scored it: no figure of fewer than 5 towns
    assert band.label == peers.BAND_COUNTRY  # all five are in the same country: one table, labelled so
    (band, country) = peers.peer_groups(five + [entry("w6", country="Italy")], "me", "10k_50k", "Portugal", ["strategy"])
    assert (band.label, band.towns, country.label, country.towns) == (peers.BAND, 6, peers.BAND_COUNTRY, 5)
    # the town itself is not its own peer: with it, 5 entries are 4 peers
    (mine,) = peers.peer_groups(five, "w9", "10k_50k", "Portugal", ["strategy"])
    assert mine.towns == 4 and not mine.enough
    # other bands never count; another country makes no country group
    mixed = five[:4] + [entry("w8", band="under_10k"), entry("w7", country="Italy")]
    groups = peers.peer_groups(mixed, "me", "10k_50k", "Portugal", ["strategy"])
    assert [g.towns for g in groups] == [5]


@pytest.fixture
def pool_of(app):  # type: ignore[no-untyped-def]
    """Put n towns (each an assessment of its own) in the pool; returns their assessment ids."""
    from webapp.peers import store as peers_store
    from webapp.wizard import store
    from webapp.extensions import db

    def add(n: int, score: float = 40.0) -> list[int]:
        ids = []
        with app.app_context():
            for i in range(n):
                a, _ = store.create_assessment(db.sessions, store.TownDetails(f"Peer {i}", "Romania"), "v",
                                               {"population_band": "10k_50k"})
                peers_store.join(db.sessions, a.id, "10k_50k", {"strategy": score + i, "funding": score})
                ids.append(a.id)
        return ids
    return add


def peer_part(html: str) -> str:
    return html.split('id="peers-title"')[1].split("</section>")[0]


def test_the_results_page_shows_peers_from_five_towns_and_withdrawal_removes_a_town(app, wizard, pool_of):
    from webapp.peers import store as peers_store
    from webapp.extensions import db

    wizard.start(town="Mizil", country="Romania")
    wizard.answer_all(overrides={"population_band": "10k_50k"})
    review = wizard.client.get(wizard.url("review")).get_data(as_text=True)
    assert 'name="peers" value="1" aria-describedby="peers-help">' in review  # not ticked by default
    wizard.client.post(wizard.url("submit"), data={"csrf_token": csrf_token(review)})
    with app.app_context():
        assert peers_store.pool(db.sessions, "10k_50k") == []  # no consent, no entry

    peers_ids = pool_of(4)
    part = peer_part(wizard.client.get(wizard.url("results")).get_data(as_text=True))
    assert "Not enough towns yet" in part and "Peers&#39; median" not in part and "is not in the peer pool" in part

    pool_of(1, score=80.0)  # the fifth town
    part = peer_part(wizard.client.get(wizard.url("results")).get_data(as_text=True))
    assert "median</th>" in part and "5 peer towns." in part
    row = part.split("Funding")[1].split("</tr>")[0]
    assert ">40<" in row and "40–40" in row  # funding 40, 40, 40, 40, 80: median 40, quartiles 40 and 40
    row = part.split("Strategy")[1].split("</tr>")[0]
    assert ">42<" in row and "41–43" in row  # strategy 40, 41, 42, 43, 80

    def report_chapter() -> str:
        with app.test_request_context():
            from readiness.report import build_report_html
            from webapp.report import service as report_service
            from webapp.wizard.store import by_public_id

            assessment = by_public_id(db.sessions, wizard.public_id)
            html = build_report_html(report_service.content(assessment), report_service.result_for(assessment),
                                     report_service.meta_for(assessment, edition="full"))
        return html.split('id="peers"')[1].split("</section>")[0]

    # The report of a submitted assessment stays what it was: its peer section is the one of the
    # day it was submitted (no peers then), while the results page shows today's pool ...
    assert "Compared with peer towns" in report_chapter() and "Not enough towns yet" in report_chapter()
    # ... until the officer acts on the pool (joins it): the report then has today's figures.
    page = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    wizard.client.post(wizard.url("peers"), data={"csrf_token": csrf_token(page), "peers": "1"})
    chapter = report_chapter()
    assert "Compared with peer towns" in chapter and "41–43" in chapter and "5 peer towns." in chapter

    # one peer withdraws: it leaves every figure at once
    with app.app_context():
        peers_store.withdraw(db.sessions, peers_ids[0])
    part = peer_part(wizard.client.get(wizard.url("results")).get_data(as_text=True))
    assert "Not enough towns yet" in part

    # Mizil consents from the results page, then withdraws: it enters and leaves the others' figures
    page = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    wizard.client.post(wizard.url("peers"), data={"csrf_token": csrf_token(page), "peers": "1"})
    with app.app_context():
        assert len(peers_store.pool(db.sessions, "10k_50k")) == 5
    assert "is in the anonymous peer pool" in peer_part(wizard.client.get(wizard.url("results")).get_data(as_text=True))
    assert "Not enough towns yet" in peer_part(wizard.client.get(wizard.url("results")).get_data(as_text=True))  # not its own peer
    page = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    wizard.client.post(wizard.url("peers"), data={"csrf_token": csrf_token(page), "peers": "0"})
    with app.app_context():
        assert len(peers_store.pool(db.sessions, "10k_50k")) == 4
