"""Group assessment (issue 5): contributors answer separately; spread of views; revocable links."""

from __future__ import annotations

import json
import re

import pytest

from conftest import csrf_token
from flows import answer, invite, join, owner_with_invitation
from readiness import cli
from readiness import group as group_core


def test_two_contributors_keep_their_own_answers_and_the_spread_is_right(app, wizard, content):
    link = owner_with_invitation(wizard)
    other = invite(wizard, "Youth association", "civil_society")
    q = next(q for q in content.dimension_by_id["trust"].questions if q.type.value in ("single", "scale") and q.show_if is None)
    scored = sorted((o for o in q.options if o.score is not None), key=lambda o: o.score)
    low, high = scored[0], scored[-1]
    a, ca = join(app, link)
    b, cb = join(app, other)
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
    # the owner sees the spread: highest minus lowest, with who said what
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    item = html.split(f'id="differ-{q.id}"')[1].split("</li>\n")[0]
    assert f"spread {round(high.score - low.score)} points" in item
    assert "Business" in item and "Civil society" in item and "Youth association" in item
    # the owner shares: now contributors see the group view, by role (names only if the owner shows them)
    wizard.client.post(wizard.url("group/share"), data={"csrf_token": csrf_token(html), "share": "1", "names": "0",
                                                        "owner_role": "government"})
    shared = a.get(f"/c/{ca}").get_data(as_text=True)
    assert "Civil society" in shared and "Where views differ" in shared and "Youth association" not in shared


def test_per_person_links_track_who_answered_and_one_person_is_revoked(app, wizard):
    ana_link = owner_with_invitation(wizard, "Ana Costa", "business")
    rui_link = invite(wizard, "Rui", "education")
    assert ana_link != rui_link
    ana, ca = join(app, ana_link)
    assert "your view as Business" in ana.get(f"/c/{ca}/step/strategy").get_data(as_text=True)  # role set by the owner
    assert answer(ana, ca, "strategy", {"strategy_plan": "none"}).status_code == 302
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    people = {m.group(1): m.group(2) for m in re.finditer(r'<bdi>([^<]+)</bdi></strong>.*?<p class="person-status">([^<]+)', html, re.S)}
    assert people["Ana Costa"].startswith("Has answered: 1 question") and people["Rui"].startswith("Has not answered yet")
    # revoke Rui only: his link is dead, Ana's still works
    rui_id = re.search(r'id="person-([0-9a-f]+)">\s*<p class="person-name"><strong><bdi>Rui<', html).group(1)
    wizard.client.post(wizard.url(f"group/revoke/{rui_id}"), data={"csrf_token": csrf_token(html)})
    assert app.test_client().get(rui_link).status_code == 404
    assert ana.get(f"/c/{ca}/step/strategy").status_code == 200
    # a new link for Ana (she lost hers): the old one and the browsers that used it are cut off; her answers stay
    ana_id = re.search(r'id="person-([0-9a-f]+)">\s*<p class="person-name"><strong><bdi>Ana Costa<', html).group(1)
    page = wizard.client.post(wizard.url(f"group/link/{ana_id}"), data={"csrf_token": csrf_token(html)}).get_data(as_text=True)
    new_link = re.search(r'value="http://localhost(/i/[^"]+)"', page).group(1)
    assert new_link != ana_link and app.test_client().get(ana_link).status_code == 404
    assert ana.get(f"/c/{ca}/step/strategy").status_code == 404
    again, same = join(app, new_link)
    assert same == ca and 'value="none" checked' in again.get(f"/c/{ca}/step/strategy").get_data(as_text=True)


def test_the_owner_types_in_paper_answers_as_a_contributor(app, wizard):
    owner_with_invitation(wizard, "Workshop: museum director", "education")
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    inv = re.search(r'/group/paper/([0-9a-f]+)"', html).group(1)
    response = wizard.client.post(wizard.url(f"group/paper/{inv}"), data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302 and "/c/" in response.headers["Location"]
    contribution = response.headers["Location"].split("/c/")[1].split("/")[0]
    assert answer(wizard.client, contribution, "strategy", {"strategy_plan": "mentioned"}).status_code == 302
    html = wizard.client.get(wizard.url("group")).get_data(as_text=True)
    assert "Has answered: 1 question" in html


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
    assert (trust.lowest, trust.highest) == (g.contributors[0].result.dimension("trust").score,
                                             g.contributors[1].result.dimension("trust").score)
    assert g.spreads == sorted(g.spreads, key=lambda s: -(s.range or 0))


def test_contradictory_facts_are_scored_by_the_median_or_the_agreed_answer_never_the_mean(content):
    """0 and 67 and 100 on "is there a strategy": the median answer (67), not 56; 0 and 100: the
    cautious lower middle answer (0), not 50; an agreed answer wins and the basis says so."""
    three = [("o", "government", {"strategy_plan": "own"}), ("b", "business", {"strategy_plan": "none"}),
             ("e", "education", {"strategy_plan": "adopted"})]
    g = group_core.group_result(content, three)
    assert g.consolidated.answers["strategy_plan"] == "own" and g.basis["strategy_plan"] == group_core.MEDIAN
    two = group_core.group_result(content, three[1:])
    assert two.consolidated.answers["strategy_plan"] == "none"
    agreed = group_core.group_result(content, three[1:], agreed={"strategy_plan": group_core.Agreement("mentioned", "council minutes")})
    assert agreed.consolidated.answers["strategy_plan"] == "mentioned" and agreed.basis["strategy_plan"] == group_core.AGREED
    # the spread stays on record after agreeing, but it is no longer an open disagreement
    s = next(s for s in agreed.spreads if s.question.id == "strategy_plan")
    assert s.range == 100 and s.agreed.note == "council minutes" and not s.is_disagreement
    assert two.finding is not None and two.finding.questions == 1 and agreed.finding is None
    one = group_core.group_result(content, [("o", "government", {"strategy_plan": "own"}), ("b", "business", {})])
    assert one.basis["strategy_plan"] == group_core.SINGLE and one.finding is None


def write_voice(tmp_path, name: str, role: str, answers: dict, town: str = "Mizil"):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"town": town, "country": "Romania", "role": role,
                                "answers": {"population_band": "10k_50k", **answers}}))
    return str(path)


def test_cli_group_prints_the_consolidated_result_and_the_disagreements(tmp_path, capsys):
    files = [write_voice(tmp_path, "mayor", "government", {"strategy_plan": "adopted", "trust_sharing": "events"}),
             write_voice(tmp_path, "voice_b7", "business", {"strategy_plan": "none", "trust_sharing": "events"}),
             write_voice(tmp_path, "school", "education", {"strategy_plan": "mentioned"})]
    assert cli.main(["group", *files, "--json", "-o", str(tmp_path / "group.pdf")]) == 0
    out = json.loads(capsys.readouterr().out)
    top = out["disagreements"][0]
    assert top["question"] == "strategy_plan" and top["spread"] == 100
    assert top["answers"] == [{"role": "government", "value": "adopted"}, {"role": "business", "value": "none"},
                              {"role": "education", "value": "mentioned"}]
    assert all(d["question"] != "trust_sharing" for d in out["disagreements"])  # they agree there
    strategy = next(d for d in out["consolidated"]["dimensions"] if d["id"] == "strategy")
    assert strategy["score"] == 33 and strategy["lowest"] == 0 and strategy["highest"] == 100  # median, not 44
    assert {"question": "strategy_plan", "basis": "median"} in out["consolidated"]["questions"]
    assert out["finding"]["questions"] == 1 and out["finding"]["sources"][0]["document"].startswith("002_")
    text = pdf_text(tmp_path / "group.pdf")
    assert "Where views differ" in text and "The stakeholder group disagrees on facts" in text
    assert "Business" in text and "voice_b7" not in text  # by role, never by file or person name


def test_cli_group_refuses_a_file_without_a_known_role(tmp_path, capsys):
    files = [write_voice(tmp_path, "a", "government", {}), write_voice(tmp_path, "b", "mayor", {})]
    assert cli.main(["group", *files]) == 2
    assert "'role' must be one of government, business, education, civil_society" in capsys.readouterr().err


def pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


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
    assert "Link revoked" in wizard.client.get(wizard.url("group")).get_data(as_text=True)


def test_only_the_owner_manages_the_group(app, wizard, content):
    owner_with_invitation(wizard)
    stranger = app.test_client()
    assert stranger.get(wizard.url("group")).status_code == 404
    page = stranger.get("/start").get_data(as_text=True)
    assert stranger.post(wizard.url("group/invite"), data={"csrf_token": csrf_token(page)}).status_code == 404
    assert wizard.client.post(wizard.url("group/invite")).status_code == 400  # no CSRF token
    assert app.test_client().get("/i/" + "x" * 43).status_code == 404


def test_a_group_that_disagrees_gets_the_section_the_finding_and_agreed_scoring(app, wizard, content):
    """The owner (government) says the strategy is adopted, a business voice says there is none:
    the results page and the report show where views differ, by role, with the finding; the
    owner records the agreed answer and the consolidated result scores it."""
    wizard.start(town="Viareggio", country="Italy")
    link = invite(wizard, "Ana Costa", "business")
    wizard.answer_all(overrides={"strategy_plan": "adopted"})
    assert wizard.submit().status_code == 302
    ana, ca = join(app, link)
    assert answer(ana, ca, "strategy", {"strategy_plan": "none"}).status_code == 302

    results = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    section = results.split('id="differ-title"')[1].split("</section>")[0]
    assert "The stakeholder group disagrees on facts" in section
    item = section.split('id="differ-strategy_plan"')[1].split("</li>\n")[0]
    assert "spread 100 points" in item and "Local or regional government" in item and "Business" in item
    assert "Ana Costa" not in results  # roles only, unless the owner shows names
    with app.test_request_context():
        from readiness.report import build_report_html
        from webapp.report import service as report_service
        from webapp.wizard.store import by_public_id
        from webapp.extensions import db

        assessment = by_public_id(db.sessions, wizard.public_id)
        meta = report_service.meta_for(assessment)
        html = build_report_html(report_service.content(assessment), report_service.result_for(assessment), meta)
    chapter = html.split('id="group"')[1].split("</section>")[0]
    assert "Where views differ" in chapter and "The stakeholder group disagrees on facts" in chapter
    assert "practitioners and policy makers need to develop a shared understanding" in chapter
    assert meta.group["median"] >= 1 and meta.group["agreed"] == 0

    # agreeing the fact: the answer and a note; the spread stays on record
    page = wizard.client.get(wizard.url("group/agree/strategy_plan"))
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    bad = wizard.client.post(wizard.url("group/agree/strategy_plan"), data={"csrf_token": token, "note": "kept"})
    assert bad.status_code == 400 and "kept</textarea>" in bad.get_data(as_text=True)  # the note is not lost
    done = wizard.client.post(wizard.url("group/agree/strategy_plan"),
                              data={"csrf_token": token, "strategy_plan": "mentioned", "note": "Council, 3 March"})
    assert done.status_code == 302
    results = wizard.client.get(wizard.url("results")).get_data(as_text=True)
    item = results.split('id="differ-strategy_plan"')[1].split("</li>\n")[0]
    assert "spread 100 points" in item and "Agreed:</strong> Mentioned" in item and "Council, 3 March" in item
    assert "The stakeholder group disagrees on facts" not in results
    assert "Agreed answers: 1 ·" in results


def test_the_printable_questionnaire_is_a_pdf_of_every_question(wizard, content):
    wizard.start(town="Viareggio", country="Italy")
    response = wizard.client.get(wizard.url("group/questionnaire.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.data)).pages)
    assert "Viareggio" in text and "I speak for" in text
    for d in content.dimensions:
        assert " ".join(d.questions[0].text.split())[:40] in text
