"""Networks of towns: a lead invites member towns; each joins with its own workspace and
chooses what it shares; the side-by-side profiles, the shared risks, the nearest towns and
the network PDF; a town leaving takes its data with it. The CLI uses the same engine."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import BytesIO

from pypdf import PdfReader

from conftest import Wizard, csrf_token, shown_after
from readiness import cli


def weak(q):  # type: ignore[no-untyped-def]
    """The lowest-scoring answer (a town at the start), as a form posts it."""
    from towns import _extreme

    value = _extreme(q, best=False)
    return str(value) if isinstance(value, int) else value


def town_with_workspace(app, content, town: str, chooser) -> Wizard:  # type: ignore[no-untyped-def]
    w = Wizard(app.test_client(), content)
    w.start(town=town, country="Portugal")
    w.answer_all(chooser=chooser)
    assert w.submit().status_code == 302
    page = w.client.get(w.url("results")).get_data(as_text=True)
    opened = w.client.post(w.url("workspace"), data={"csrf_token": csrf_token(page)})
    w.workspace_page = shown_after(w.client, opened)  # type: ignore[attr-defined]  # the new workspace, its link once
    w.workspace = opened.headers["Location"]  # type: ignore[attr-defined]
    return w


def join(w: Wizard, link: str, share: bool) -> str:
    entered = w.client.get(link)
    assert entered.status_code == 302
    page = w.client.get(entered.headers["Location"]).get_data(as_text=True)
    ws_value = re.search(r'name="workspace" value="([0-9a-f]+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "workspace": ws_value} | ({"share": "1"} if share else {})
    joined = w.client.post(entered.headers["Location"], data=data)
    assert joined.status_code == 302, joined.get_data(as_text=True)[:800]
    return joined.headers["Location"]


def test_a_network_of_three_towns_side_by_side_shared_risks_pdf_and_leaving(app, content):
    from conftest import best_value

    obidos = town_with_workspace(app, content, "Óbidos", best_value)
    mizil = town_with_workspace(app, content, "Mizil", weak)
    enguera = town_with_workspace(app, content, "Enguera", weak)

    lead = app.test_client()
    page = lead.get("/networks/new").get_data(as_text=True)
    assert lead.post("/networks/new", data={"csrf_token": csrf_token(page), "name": "  "}).status_code == 400
    created = lead.post("/networks/new", data={"csrf_token": csrf_token(page), "name": "Creative towns <of the Oeste>"})
    html = shown_after(lead, created)  # the network's page, its new links shown once
    net_url = "/net/" + re.search(r'action="/net/([0-9a-f]+)/invite-link"', html).group(1)
    assert "/nj/" not in lead.get(net_url).get_data(as_text=True)
    join_link = re.search(r'id="join-link"[^>]*value="http://localhost(/nj/[^"]+)"', html).group(1)
    assert "Creative towns &lt;of the Oeste&gt;" in html

    join(obidos, join_link, share=True)
    join(mizil, join_link, share=True)
    join(enguera, join_link, share=False)  # scores and levels only

    html = lead.get(net_url).get_data(as_text=True)
    table = html.split('class="scores network-table"')[1].split("</table>")[0]
    assert all(t in table for t in ("Óbidos", "Mizil", "Enguera")) and table.count("<tr>") == len(content.dimensions) + 2
    plan = html.split('id="plan-title"')[1].split("</section>")[0]
    # two towns share their findings, one strong and one weak: no risk is shared by most of them
    assert "From the findings of the 2 towns" in plan
    assert html.count('class="radar radar-small"') == 3
    pairs = html.split('id="pairs-title"')[1].split("</section>")[0]
    assert pairs.index("Mizil</bdi> – <bdi>Enguera") < pairs.index("Óbidos")  # the two weak towns are nearest
    # Enguera shares no findings: none of its answers is on the page
    assert "Findings and answers shared by Enguera" not in html and "Findings and answers shared by Mizil" in html

    # Enguera agrees to share more: now the weak towns' common risks are the network's plan
    ws_page = enguera.client.get(enguera.workspace).get_data(as_text=True)
    share_url = re.search(r'action="(/ws/[0-9a-f]+/networks/[0-9a-f]+/share)"', ws_page).group(1)
    assert enguera.client.post(share_url, data={"csrf_token": csrf_token(ws_page), "share": "1"}).status_code == 302
    html = lead.get(net_url).get_data(as_text=True)
    plan = html.split('id="plan-title"')[1].split("</section>")[0]
    assert "2 of 3 towns: Mizil, Enguera" in plan and "Together:" in plan

    pdf = lead.get(net_url + "/network.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.data)).pages)
    assert "Profiles side by side" in text and "Network action plan" in text and "Mizil, Enguera" in text
    assert "nearest to each other" in text and "Creative towns <of the Oeste>" in text

    # a member town sees the network through its own workspace; a stranger does not
    assert mizil.client.get(net_url).status_code == 200
    assert app.test_client().get(net_url).status_code == 404

    # Enguera leaves: its data leaves with it, everywhere
    ws_page = enguera.client.get(enguera.workspace).get_data(as_text=True)
    leave_url = re.search(r'action="(/ws/[0-9a-f]+/networks/[0-9a-f]+/leave)"', ws_page).group(1)
    assert enguera.client.post(leave_url, data={"csrf_token": csrf_token(ws_page)}).status_code == 302
    html = lead.get(net_url).get_data(as_text=True)
    assert "Enguera" not in html and "2 member towns" in html
    assert enguera.client.get(net_url).status_code == 404
    assert "is in no network" in enguera.client.get(enguera.workspace).get_data(as_text=True)


def test_cli_network_side_by_side_shared_risks_and_nearest(tmp_path, capsys, content):
    def write(name: str, low: bool) -> str:
        answers = {"population_band": "under_10k"}
        for d in content.dimensions:
            for q in d.questions:
                if q.show_if is None and q.type.value in ("single", "scale"):
                    scored = sorted((o for o in q.options if o.score is not None), key=lambda o: o.score)
                    answers[q.id] = scored[0 if low else -1].value
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"town": name, "country": "Italy", "answers": answers}))
        return str(path)

    files = [write("Alto", False), write("Basso", True), write("Medio", True)]
    assert cli.main(["network", *files, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [m["town"] for m in out["members"]] == ["Alto", "Basso", "Medio"]
    assert all(len(m["dimensions"]) == len(content.dimensions) for m in out["members"])
    assert out["shared_risks"] and all(r["towns"] == ["Basso", "Medio"] and r["of"] == 3 for r in out["shared_risks"])
    assert out["nearest"][0]["towns"] == ["Basso", "Medio"] and out["nearest"][0]["distance"] == 0


class _NextDay:
    """Stands for the ``datetime`` module on the following day (what a module reads as today)."""

    class date(dt.date):
        @classmethod
        def today(cls):  # type: ignore[no-untyped-def,override]
            return dt.date.today() + dt.timedelta(days=1)

    class datetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return dt.datetime.now(tz) + dt.timedelta(days=1)

    timedelta, timezone = dt.timedelta, dt.timezone


def test_the_network_report_is_as_of_its_data_so_the_same_data_make_the_same_document(app, content, monkeypatch):
    import readiness.network_view
    import webapp.network.routes
    from sqlalchemy import text as sql

    towns = [town_with_workspace(app, content, name, weak) for name in ("Mizil", "Enguera")]
    lead = app.test_client()
    page = lead.get("/networks/new").get_data(as_text=True)
    html = shown_after(lead, lead.post("/networks/new", data={"csrf_token": csrf_token(page), "name": "Oeste"}))
    net_url = "/net/" + re.search(r'action="/net/([0-9a-f]+)/invite-link"', html).group(1)
    join_link = re.search(r'id="join-link"[^>]*value="http://localhost(/nj/[^"]+)"', html).group(1)
    for w in towns:
        join(w, join_link, share=True)
    engine = app.extensions["readiness_db"].engine
    with engine.begin() as conn:  # submitted on two past days: the report is as of the later one
        for w, day in zip(towns, ("2026-01-10 09:00:00", "2026-03-04 16:30:00")):
            conn.execute(sql("UPDATE assessment SET submitted_at = :d WHERE public_id = :p"), {"d": day, "p": w.public_id})

    def download() -> tuple[bytes, list[tuple[str, str]]]:
        pdf = lead.get(net_url + "/network.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        with engine.connect() as conn:
            rows = conn.execute(sql("SELECT cache_key, CAST(created_at AS TEXT) FROM report_cache "
                                    "WHERE subject LIKE 'n%'")).all()
        return pdf.data, [tuple(r) for r in rows]

    today, cached = download()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(today)).pages)
    assert "as of 4 March 2026" in text
    page = lead.get(net_url).get_data(as_text=True)  # the page says what the PDF says it shows
    assert f"as of 4 March 2026 · questions and rules version {content.version}" in page
    for module in (readiness.network_view, webapp.network.routes):
        monkeypatch.setattr(module, "dt", _NextDay)
    tomorrow, cached_tomorrow = download()
    assert tomorrow == today and cached_tomorrow == cached and len(cached) == 1  # not rendered again


def test_a_member_is_shown_with_the_answers_it_submitted(app, content):
    """An answer written to a member's submitted assessment past the wizard (which refuses
    it) moves neither the network page nor its PDF: a member counts with what it submitted."""
    from sqlalchemy import func, update
    from webapp.models import Answer, Assessment

    mizil = town_with_workspace(app, content, "Mizil", weak)
    lead = app.test_client()
    page = lead.get("/networks/new").get_data(as_text=True)
    html = shown_after(lead, lead.post("/networks/new", data={"csrf_token": csrf_token(page), "name": "Oeste"}))
    net_url = "/net/" + re.search(r'action="/net/([0-9a-f]+)/invite-link"', html).group(1)
    join(mizil, re.search(r'id="join-link"[^>]*value="http://localhost(/nj/[^"]+)"', html).group(1), share=True)
    before = lead.get(net_url).get_data(as_text=True)
    pdf_before = lead.get(net_url + "/network.pdf").data

    engine = app.extensions["readiness_db"].engine
    with engine.begin() as conn:
        aid = conn.execute(Assessment.__table__.select().where(Assessment.public_id == mizil.public_id)).one().id
        moved = conn.execute(update(Answer).where(Answer.assessment_id == aid, Answer.question_id == "strategy_plan")
                             .values(value="adopted", updated_at=func.now())).rowcount
        conn.execute(Answer.__table__.delete().where(Answer.assessment_id == aid, Answer.question_id == "strategy_lead"))
    assert moved == 1
    scores = re.compile(r'<td class="num">(\d+) <span class="level">')
    after = lead.get(net_url).get_data(as_text=True)
    assert scores.findall(after) == scores.findall(before) and scores.findall(before)
    assert lead.get(net_url + "/network.pdf").data == pdf_before
