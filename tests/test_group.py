"""Group assessment (issue 5): contributors answer separately; spread of views; revocable links."""

from __future__ import annotations

import re

import pytest

from conftest import Wizard, best_value, csrf_token
from readiness import group as group_core


def owner_with_invitation(wizard: Wizard) -> str:
    wizard.start(town="Viareggio", country="Italy")
    page = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    wizard.client.post(wizard.url("group/invite"), data={"csrf_token": csrf_token(page)})
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    return re.search(r'value="http://localhost(/i/[^"]+)"', html).group(1)


def join(app, link: str, role: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    entered = client.get(link)
    assert entered.status_code == 302 and "/i/" not in entered.headers["Location"]
    page = client.get(entered.headers["Location"]).get_data(as_text=True)
    response = client.post(entered.headers["Location"], data={"csrf_token": csrf_token(page), "role": role})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    contribution = response.headers["Location"].split("/c/")[1].split("/")[0]
    return client, contribution


def answer(client, contribution: str, step: str, values: dict):  # type: ignore[no-untyped-def]
    page = client.get(f"/c/{contribution}/step/{step}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "action": "next", **values}
    return client.post(f"/c/{contribution}/step/{step}", data=data)


def test_two_contributors_keep_their_own_answers_and_the_spread_is_right(app, wizard, content):
    link = owner_with_invitation(wizard)
    q = next(q for q in content.dimension_by_id["trust"].questions if q.type.value in ("single", "scale") and q.show_if is None)
    scored = sorted((o for o in q.options if o.score is not None), key=lambda o: o.score)
    low, high = scored[0], scored[-1]
    a, ca = join(app, link, "business")
    b, cb = join(app, link, "civil_society")
    assert answer(a, ca, "trust", {q.id: low.value}).status_code == 302
    assert answer(b, cb, "trust", {q.id: high.value}).status_code == 302
    # each keeps their own answer
    assert f'value="{low.value}" checked' in a.get(f"/c/{ca}/step/trust").get_data(as_text=True)
    assert f'value="{high.value}" checked' in b.get(f"/c/{cb}/step/trust").get_data(as_text=True)
    # no one sees the other's contribution or its answers
    assert a.get(f"/c/{cb}/step/trust").status_code == 404
    assert a.get(f"/c/{cb}").status_code == 404
    mine = a.get(f"/c/{ca}").get_data(as_text=True)
    assert "not shared with you" in mine and "Civil society" not in mine
    # the owner sees the spread: highest minus lowest
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    spread = html.split('class="scores spread-table"')[1].split("</table>")[0]
    row = spread.split("<tbody>")[1].split("</tr>")[0]
    assert str(round(high.score - low.score)) in row and "Business" in row and "Civil society" in row
    # the owner shares: now contributors see the group view with roles
    wizard.client.post(wizard.url("group/share"), data={"csrf_token": csrf_token(html), "share": "1"})
    shared = a.get(f"/c/{ca}").get_data(as_text=True)
    assert "Civil society" in shared and "Where views differ most" in shared


def test_group_result_in_the_core(content):
    q = next(q for q in content.dimension_by_id["trust"].questions if q.type.value in ("single", "scale") and q.show_if is None)
    scored = sorted((o for o in q.options if o.score is not None), key=lambda o: o.score)
    people = [("a", "business", {q.id: scored[0].value}), ("b", "government", {q.id: scored[-1].value}),
              ("c", "education", {})]
    g = group_core.group_result(content, people)
    s = next(s for s in g.spreads if s.question.id == q.id)
    assert [v.contributor.key for v in s.views] == ["a", "b"]
    assert s.range == pytest.approx(scored[-1].score - scored[0].score)
    assert s.stdev == pytest.approx((scored[-1].score - scored[0].score) / 2)
    trust = next(d for d in g.dimensions if d.dimension.id == "trust")
    assert trust.contributors == 2
    assert trust.score == pytest.approx((g.contributors[0].result.dimension("trust").score
                                         + g.contributors[1].result.dimension("trust").score) / 2)
    assert g.spreads == sorted(g.spreads, key=lambda s: -(s.range or 0))


def test_a_revoked_contributor_link_gets_404(app, wizard):
    link = owner_with_invitation(wizard)
    client, contribution = join(app, link, "education")
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    inv = re.search(r'/group/revoke/([0-9a-f]+)"', html).group(1)
    assert wizard.client.post(wizard.url(f"group/revoke/{inv}"), data={"csrf_token": csrf_token(html)}).status_code == 302
    assert app.test_client().get(link).status_code == 404
    assert client.get(f"/c/{contribution}/step/trust").status_code == 404
    assert client.get(f"/c/{contribution}").status_code == 404
    assert client.get(f"/g/{inv}").status_code == 404
    assert "Revoked" in wizard.client.get(wizard.url("group")).get_data(as_text=True)


def test_only_the_owner_manages_the_group(app, wizard, content):
    owner_with_invitation(wizard)
    stranger = app.test_client()
    assert stranger.get(wizard.url("group")).status_code == 404
    page = stranger.get("/start").get_data(as_text=True)
    assert stranger.post(wizard.url("group/invite"), data={"csrf_token": csrf_token(page)}).status_code == 404
    assert wizard.client.post(wizard.url("group/invite")).status_code == 400  # no CSRF token
    assert app.test_client().get("/i/" + "x" * 43).status_code == 404
