"""Hypothesis fuzzing of every form post: never a server error, never an invalid value stored.

Forms fuzzed (each on SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set): the start
form, every wizard step (the profile and the eleven dimensions), the language picker,
resume-link rotation, submit, the group assessment's posts (invite, revoke, share, join,
contributor steps) and the workspace's posts (open, new link, re-assess).

Each post is built like a browser would send it, then mangled: valid option values mixed
with other questions' values, junk text (control characters, right-to-left marks, very
long strings), number edge cases, invalid UTF-8 bytes, repeated and unknown fields,
missing or wrong CSRF tokens, revisions and actions. After every post:

- the status is below 500;
- every stored answer (the assessments' and the contributors') belongs to the bank and
  passes ``readiness.answers.normalise_answer`` unchanged;
- every stored town, country, role, language, step and contributor role is valid.

The ``@given`` functions are defined inside the tests: one app (and database) per test,
shared by its examples on purpose (state accumulates, as on a real server; the checks
hold whatever the state), so Hypothesis's function-scoped-fixture health check does not
apply. ``database=None``: no example database is written into the repository.
Prints ``[figures] fuzzed posts: N, server errors: 0`` per test (pytest -s).
"""

from __future__ import annotations

import io
import re
from typing import Any, Iterable
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from conftest import Wizard, csrf_token
from readiness.answers import COUNTRY_MAX, ROLE_MAX, TOWN_NAME_MAX, AnswerError, clean_text, normalise_answer
from readiness.group import ROLES
from readiness.i18n import LANGUAGES
from readiness.models import QuestionType
from webapp.i18n.countries import COUNTRIES
from webapp.models import Answer, Assessment, Contribution, Workspace

def fuzz_settings(examples: int) -> settings:
    # derandomize: the same examples every run (a fixed seed); print_blob shows how to replay a failure
    return settings(max_examples=examples, deadline=None, database=None, print_blob=True, derandomize=True)

# --------------------------------------------------------------------------- strategies

# Form values are text (any code point a browser can send: no lone surrogates) or raw
# bytes, percent-encoded as they are, so invalid UTF-8 reaches the app too.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
EDGE = st.sampled_from([
    "", " ", "0", "-0", "-1", "1.5", "1,5", "1e309", "-1e309", "1e-320", "NaN", "inf", "-Infinity", "0x10", "1_000",
    "１２", "٣", "9" * 400, "dont_know", "yes", "no", "true", "null", "[]", "{}", "None", "\x00", "\u202e", "\u200f",
    "\ufeff", "\r\n", "\t", "<script>alert(1)</script>", "{{ 7*7 }}", "' OR 1=1 --", "../../etc/passwd",
    "x" * 5000, "\u202eevil\u202c" * 50, "a\x00b\x1bc\x7fd",
])
BYTES = st.binary(max_size=24)
JUNK = st.one_of(ANY_TEXT, EDGE, BYTES)
# Blank to the eye: spaces, controls, zero-width and odd whitespace only.
BLANKISH = st.text(st.sampled_from(" \t\n\r\x00\x0b\x1b\x7f\x85\xa0\u2028\u3000"), min_size=1, max_size=6)
JUNK_NAMES = st.one_of(st.sampled_from(["csrf_token", "action", "revisions", "town", "country", "language", "next",
                                        "role", "share", "population_band", "id", "answers", "__proto__"]),
                       st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))


def option_values(content: Any) -> list[str]:
    return sorted({o.value for q in content.questions.values() for o in q.options})


def value_for(q: Any, all_options: list[str]) -> st.SearchStrategy:
    """Mostly what the question accepts, often what another question accepts, sometimes junk."""
    if q.type == QuestionType.number:
        low, high = int(q.min if q.min is not None else -10), int(q.max if q.max is not None else 10_000)
        good = st.one_of(st.integers(low - 5, high + 5).map(str),
                         st.floats(allow_nan=True, allow_infinity=True).map(repr))
    elif q.type == QuestionType.text:
        good = st.one_of(ANY_TEXT, st.integers(0, q.max_length + 20).map(lambda n: "é" * n))
    else:
        good = st.sampled_from([o.value for o in q.options])
    return st.one_of(good, good, st.sampled_from(all_options), JUNK)


@st.composite
def fields_for(draw: Any, questions: Iterable[Any], all_options: list[str]) -> list[tuple[str, Any]]:
    """The question fields of a form: each left out, sent once or sent several times."""
    fields: list[tuple[str, Any]] = []
    for q in questions:
        times = draw(st.sampled_from([0, 1, 1, 1, 2] if q.type != QuestionType.multi else [0, 1, 2, 3]))
        fields += [(q.id, draw(value_for(q, all_options))) for _ in range(times)]
    return fields


@st.composite
def envelope(draw: Any, actions: tuple[str, ...] = ("next", "back", "save")) -> dict[str, Any]:
    """What surrounds the fields: the CSRF token (mostly valid), the action, extra fields."""
    return {
        "csrf": draw(st.sampled_from(["valid"] * 6 + ["missing", "junk"])),
        "action": draw(st.one_of(st.sampled_from([*actions, "missing"]), JUNK)),
        "extra": draw(st.lists(st.tuples(JUNK_NAMES, JUNK), max_size=3)),
    }


def path_segment(real: str) -> st.SearchStrategy:
    """Usually the real id, sometimes junk (quoted into the path)."""
    return st.one_of(st.just(real), st.just(real), st.just(real),
                     ANY_TEXT.filter(bool).map(lambda s: quote(s, safe="")))


# --------------------------------------------------------------------------- posting and checking


class Fuzzer:
    """Sends mangled posts and checks the database after each one."""

    def __init__(self, app: Any, content: Any):
        self.app = app
        self.content = content
        self.sessions = app.extensions["readiness_db"].sessions
        self.posts = 0
        self.server_errors = 0
        # Invalid rows seen so far: each post is blamed only for those it added, so that
        # Hypothesis shrinks to the post that stores a bad value, not to any later one.
        self.known_bad: set[str] = set()
        with app.test_request_context():
            from webapp.wizard.steps import all_steps

            self.step_ids = {s.id for s in all_steps(content)}

    def post(self, client: Any, url: str, fields: list[tuple[str, Any]], env: dict[str, Any], token: str) -> Any:
        data = list(fields)
        if env["csrf"] == "valid":
            data.append(("csrf_token", token))
        elif env["csrf"] == "junk":
            data.append(("csrf_token", "x" * 20))
        if env["action"] != "missing":
            data.append(("action", env["action"]))
        data += env["extra"]
        body = urlencode(data)
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        response.get_data()
        self.posts += 1
        if response.status_code >= 500:
            self.server_errors += 1
        assert response.status_code < 500, (url, response.status_code, data[:6])
        bad = set(self.invalid_stored())
        added, self.known_bad = sorted(bad - self.known_bad), self.known_bad | bad
        assert added == [], (url, response.status_code, data[:6])
        return response

    def invalid_stored(self) -> list[str]:
        bad: list[str] = []
        questions = self.content.questions
        with self.sessions() as s:
            answers = [(f"assessment {a}", qid, v) for a, qid, v in s.execute(
                select(Answer.assessment_id, Answer.question_id, Answer.value))]
            for c in s.scalars(select(Contribution)):
                if c.role not in ROLES:
                    bad.append(f"contribution {c.public_id}: role {c.role!r}")
                if not isinstance(c.answers, dict):
                    bad.append(f"contribution {c.public_id}: answers {c.answers!r}")
                    continue
                answers += [(f"contribution {c.public_id}", qid, v) for qid, v in c.answers.items()]
            for a in s.scalars(select(Assessment)):
                bad += [f"assessment {a.public_id}: {p}" for p in self.bad_details(a.town, a.country, a.contact_role)]
                if a.language not in LANGUAGES:
                    bad.append(f"assessment {a.public_id}: language {a.language!r}")
                if a.current_step not in self.step_ids or a.status not in ("draft", "submitted"):
                    bad.append(f"assessment {a.public_id}: step {a.current_step!r}, status {a.status!r}")
            for w in s.scalars(select(Workspace)):
                bad += [f"workspace {w.public_id}: {p}" for p in self.bad_details(w.town, w.country, "")]
        for owner, qid, value in answers:
            q = questions.get(qid)
            if q is None:
                bad.append(f"{owner}: {qid!r} is not in the bank")
                continue
            try:
                ok = value is not None and normalise_answer(q, value) == value
            except AnswerError:
                ok = False
            if not ok:
                bad.append(f"{owner}: {qid} = {value!r}")
        return bad

    @staticmethod
    def bad_details(town: str, country: str, role: str) -> list[str]:
        bad = []
        if not town or clean_text(town) != town or len(town) > TOWN_NAME_MAX:
            bad.append(f"town {town!r}")
        if country not in COUNTRIES or len(country) > COUNTRY_MAX:
            bad.append(f"country {country!r}")
        if role is None or clean_text(role) != role or len(role) > ROLE_MAX:
            bad.append(f"role {role!r}")
        return bad

    def figures(self, capsys: Any, what: str) -> None:
        kind = self.app.config["DATABASE_URL"].split(":")[0]
        with capsys.disabled():
            print(f"\n[figures] fuzzed posts: {self.posts}, server errors: {self.server_errors} ({what}, {kind})")


def page_token(client: Any, url: str) -> tuple[str, str]:
    html = client.get(url).get_data(as_text=True)
    return html, csrf_token(html)


def revisions_of(html: str) -> str | None:
    m = re.search(r'name="revisions" value="([^"]*)"', html)
    return m.group(1) if m else None


# --------------------------------------------------------------------------- tests


def test_fuzz_start_form(app, content, capsys):
    app.config["LIMIT_NEW_ASSESSMENTS"] = "10000 per minute"  # this test is about what is stored, not limits
    fuzz = Fuzzer(app, content)
    client = app.test_client()
    _, token = page_token(client, "/start")
    population = content.questions["population_band"]
    towns = st.one_of(st.sampled_from(["Mizil", "Óbidos", "Enguera"]), BLANKISH, JUNK)
    valid_country = st.sampled_from(COUNTRIES)
    countries = st.one_of(valid_country, valid_country, st.sampled_from(["", "Atlantis", "romania", "Romania "]), JUNK)

    @fuzz_settings(60)
    @given(st.lists(st.tuples(st.just("town"), towns), max_size=2), st.lists(st.tuples(st.just("country"), countries), max_size=2),
           st.lists(st.tuples(st.just("contact_role"), st.one_of(ANY_TEXT, EDGE, BLANKISH)), max_size=2),
           fields_for([population], option_values(content)), envelope(["next"]))
    def run(town: list, country: list, role: list, profile: list, env: dict) -> None:
        response = fuzz.post(client, "/start", town + country + role + profile, env, token)
        assert response.status_code in (200, 303, 400), response.status_code

    run()
    fuzz.figures(capsys, "start form")
    assert fuzz.posts >= 60


def test_fuzz_every_wizard_step(app, content, capsys):
    fuzz = Fuzzer(app, content)
    wizard = Wizard(app.test_client(), content)
    assert wizard.start().status_code == 303
    with app.test_request_context():
        from webapp.wizard.steps import all_steps

        steps = all_steps(content)
    all_options = option_values(content)

    @st.composite
    def step_post(draw: Any) -> tuple[Any, list, str, dict, str]:
        step = draw(st.sampled_from(steps))
        others = draw(st.lists(st.sampled_from(list(content.questions.values())), max_size=2))
        revisions = draw(st.sampled_from(["shown", "shown", "missing", "junk", "zeros"]))
        return step, draw(fields_for(list(step.questions) + others, all_options)), revisions, draw(envelope()), \
            draw(path_segment(step.id))

    @fuzz_settings(80)
    @given(step_post())
    def run(post: tuple) -> None:
        step, fields, revisions, env, step_id = post
        html, token = page_token(wizard.client, wizard.url(f"step/{step.id}"))
        shown = revisions_of(html)
        if revisions == "shown" and shown is not None:
            fields = fields + [("revisions", shown)]
        elif revisions == "junk":
            fields = fields + [("revisions", "a:1,b:x,,:" + "9" * 20)]
        elif revisions == "zeros" and shown is not None:
            fields = fields + [("revisions", re.sub(r":\d+", ":0", shown))]
        response = fuzz.post(wizard.client, wizard.url(f"step/{step_id}"), fields, env, token)
        assert response.status_code in (302, 400, 404, 409), response.status_code

    run()
    # and the same officer can still finish: fuzzing left the assessment usable
    wizard.answer_all()
    assert wizard.submit().status_code == 302
    fuzz.figures(capsys, "wizard steps")
    assert fuzz.posts >= 80


def test_fuzz_language_picker(app, content, capsys):
    fuzz = Fuzzer(app, content)
    wizard = Wizard(app.test_client(), content)
    assert wizard.start().status_code == 303
    other = Wizard(app.test_client(), content)
    assert other.start(town="Enguera", country="Spain").status_code == 303
    targets = st.sampled_from(["/", "/start", wizard.url("step/profile"), other.url("step/profile"), wizard.url("review"),
                               "/a/", "/a/x", "//evil.example", "/\\evil", "/a/" + "x" * 40 + "/step/profile"])
    # paths that start like a local one and may not end like one (the classic open-redirect tricks)
    paths = st.builds(str.__add__, st.sampled_from(["/", "/a/", "//", " /", "/\t/", "/\n", "/\r\n", "/\\", "/%0d%0a"]),
                      st.one_of(ANY_TEXT, BLANKISH, EDGE))
    offered = st.sampled_from(sorted(LANGUAGES))

    @fuzz_settings(60)
    @given(st.one_of(offered, offered, offered, st.sampled_from(["de", "EN", ""]), JUNK),
           st.one_of(targets, paths, paths, JUNK, st.none()),
           st.lists(st.tuples(st.sampled_from(["language", "next"]), JUNK), max_size=2), envelope(["next"]))
    def run(language: Any, next_: Any, repeated: list, env: dict) -> None:
        _, token = page_token(wizard.client, wizard.url("review"))
        fields = [("language", language)] + ([("next", next_)] if next_ is not None else []) + repeated
        response = fuzz.post(wizard.client, "/language", fields, env, token)
        assert response.status_code in (302, 400), response.status_code
        # the target as a browser reads it (tabs and newlines dropped, leading controls and
        # spaces trimmed): always on this site
        location = re.sub(r"[\t\n\r]", "", response.headers.get("Location", "")).lstrip("".join(map(chr, range(33))))
        assert not re.match(r"^([a-z][a-z0-9+.-]*:)?[/\\]{2}(?!localhost/)", location, re.I), location

    run()
    fuzz.figures(capsys, "language picker")
    assert fuzz.posts >= 60


def test_fuzz_link_rotation_and_submit(app, content, capsys):
    fuzz = Fuzzer(app, content)
    wizard = Wizard(app.test_client(), content)
    assert wizard.start().status_code == 303
    half_done = Wizard(app.test_client(), content)
    assert half_done.start(town="Enguera", country="Spain").status_code == 303
    wizard.answer_all()

    @fuzz_settings(40)
    @given(st.sampled_from(["link", "submit"]), st.sampled_from([wizard, half_done]), st.data(),
           st.lists(st.tuples(JUNK_NAMES, JUNK), max_size=3), envelope(["next"]))
    def run(form: str, officer: Wizard, data: Any, fields: list, env: dict) -> None:
        public_id = data.draw(path_segment(officer.public_id))
        _, token = page_token(officer.client, officer.url("review"))
        response = fuzz.post(officer.client, f"/a/{public_id}/{form}", fields, env, token)
        assert response.status_code in (200, 302, 303, 400, 404), response.status_code
        # the officer keeps access through every new link this browser asked for
        assert officer.client.get(officer.url("review")).status_code == 200

    run()
    fuzz.figures(capsys, "link rotation, submit")
    assert fuzz.posts >= 40


def _location_id(response: Any, prefix: str) -> str:
    m = re.search(prefix + r"([0-9a-f]+)", response.headers.get("Location", ""))
    assert m, response.headers.get("Location")
    return m.group(1)


def test_fuzz_group_posts(app, content, capsys):
    fuzz = Fuzzer(app, content)
    owner = Wizard(app.test_client(), content)
    assert owner.start().status_code == 303
    _, token = page_token(owner.client, owner.url("group"))
    invited = owner.client.post(owner.url("group/invite"), data={"csrf_token": token, "label": "Chamber", "role": "business"})
    assert invited.status_code == 200
    link = re.search(r'value="http://localhost(/i/[^"]+)"', invited.get_data(as_text=True))
    assert link, "the owner page shows no invitation link"
    contributor = app.test_client()
    inv_id = _location_id(contributor.get(link.group(1)), "/g/")
    _, ctoken = page_token(contributor, f"/g/{inv_id}")
    joined = contributor.post(f"/g/{inv_id}", data={"csrf_token": ctoken, "role": "business"})
    contribution_id = _location_id(joined, "/c/")
    with app.test_request_context():
        from webapp.wizard.steps import all_steps

        steps = all_steps(content)[1:]
    all_options = option_values(content)
    invitations = [inv_id]

    @st.composite
    def group_post(draw: Any) -> tuple[str, Any, list, dict]:
        form = draw(st.sampled_from(["contribute"] * 4 + ["join", "share", "invite", "revoke"]))
        if form == "contribute":
            step = draw(st.sampled_from(steps))
            url = f"/c/{draw(path_segment(contribution_id))}/step/{draw(path_segment(step.id))}"
            return form, url, draw(fields_for(step.questions, all_options)), draw(envelope())
        if form == "join":
            roles = st.lists(st.tuples(st.just("role"), st.one_of(st.sampled_from(sorted(ROLES)), JUNK)), max_size=2)
            return form, f"/g/{draw(path_segment(inv_id))}", draw(roles), draw(envelope(["next"]))
        if form == "share":
            share = st.lists(st.tuples(st.just("share"), st.one_of(st.sampled_from(["1", "0"]), JUNK)), max_size=2)
            return form, owner.url("group/share"), draw(share), draw(envelope(["next"]))
        if form == "revoke":  # never the contributor's own invitation: it would end the contributor's posts
            target = draw(st.one_of(st.integers(0, 3), ANY_TEXT.filter(bool).map(lambda s: quote(s, safe=""))))
            return form, target, [], draw(envelope(["next"]))
        person = st.lists(st.tuples(st.sampled_from(["label", "role"]), st.one_of(ANY_TEXT, st.sampled_from(sorted(ROLES)))),
                          max_size=3)
        return form, owner.url("group/invite"), draw(person), draw(envelope(["next"]))

    @fuzz_settings(80)
    @given(group_post())
    def run(post: tuple) -> None:
        form, url, fields, env = post
        if form == "revoke":  # an index into the other invitations (resolved now: they change), or junk
            others = invitations[1:] or ["0" * 16]
            url = owner.url(f"group/revoke/{others[url % len(others)] if isinstance(url, int) else url}")
        client = contributor if form in ("contribute", "join") else owner.client
        response = fuzz.post(client, url, fields, env, ctoken if client is contributor else token)
        assert response.status_code in (200, 302, 400, 404), response.status_code
        if form == "invite" and response.status_code == 200:
            page = owner.client.get(owner.url("group")).get_data(as_text=True)
            invitations[:] = [inv_id] + [i for i in re.findall(r"/group/revoke/([0-9a-f]+)", page) if i != inv_id]

    run()
    fuzz.figures(capsys, "group posts")
    assert fuzz.posts >= 80


def test_fuzz_workspace_posts(app, content, capsys):
    fuzz = Fuzzer(app, content)
    owner = Wizard(app.test_client(), content)
    assert owner.start().status_code == 303
    owner.answer_all()
    assert owner.submit().status_code == 302
    _, token = page_token(owner.client, owner.url("results"))
    opened = owner.client.post(owner.url("workspace"), data={"csrf_token": token})
    ws_id = opened.headers["Location"].rsplit("/", 1)[1]  # the new workspace (303 to its page)

    @fuzz_settings(40)
    @given(st.sampled_from(["open", "link", "reassess"]), path_segment(ws_id), path_segment(owner.public_id),
           st.lists(st.tuples(JUNK_NAMES, JUNK), max_size=3), envelope(["next"]))
    def run(form: str, ws: str, public_id: str, fields: list, env: dict) -> None:
        url = f"/a/{public_id}/workspace" if form == "open" else f"/ws/{ws}/{form}"
        response = fuzz.post(owner.client, url, fields, env, token)
        assert response.status_code in (200, 302, 303, 400, 404), response.status_code

    run()
    fuzz.figures(capsys, "workspace posts")
    assert fuzz.posts >= 40


@pytest.mark.parametrize("value", ["x" * 10_001, "1e309", "\x00", "dont_know", "\u202e"])
def test_the_checker_itself_catches_an_invalid_stored_answer(app, content, value):
    """The invariant is not vacuous: a bad value put straight into the database is reported."""
    fuzz = Fuzzer(app, content)
    wizard = Wizard(app.test_client(), content)
    wizard.start()
    assert fuzz.invalid_stored() == []
    with fuzz.sessions.begin() as s:
        assessment = s.scalar(select(Assessment).where(Assessment.public_id == wizard.public_id))
        s.add(Answer(assessment_id=assessment.id, question_id="coop_joint_projects", value=value))
    assert fuzz.invalid_stored() != []


# --------------------------------------------------------------------------- bodies that are not forms

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(ANY_TEXT, children, max_size=4)),
    max_leaves=12,
)


@st.composite
def not_a_form(draw: Any) -> tuple[str, Any, dict[str, Any]]:
    """A JSON body (any value, or one nested thousands deep), a multipart body with a file
    in place of a field, or a body of another type: what a script, not a browser, sends."""
    kind = draw(st.sampled_from(["json", "json", "deep", "file", "other"]))
    if kind == "json":
        return kind, json_dumps(draw(JSON_VALUES)), {"content_type": "application/json"}
    if kind == "deep":
        depth = draw(st.integers(100, 50_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return kind, opener * depth + "1" + closer * depth, {"content_type": "application/json"}
    if kind == "file":
        field = draw(JUNK_NAMES)
        content = draw(st.binary(max_size=200))
        return kind, {field: (io.BytesIO(content), draw(st.sampled_from(["town.txt", "a.json", "x"])))}, \
            {"content_type": "multipart/form-data"}
    return kind, draw(st.binary(max_size=200)), {"content_type": draw(st.sampled_from(
        ["text/plain", "application/xml", "application/octet-stream", "text/csv"]))}


def json_dumps(value: Any) -> str:
    import json

    return json.dumps(value)


def test_fuzz_every_post_route_with_bodies_that_are_not_forms(app, content, capsys):
    """JSON (with a valid CSRF header), deep nesting, files and other types on every POST
    route, with this browser's real ids: 415 or 400, never a 500, nothing stored."""
    from flows import snapshot

    fuzz = Fuzzer(app, content)
    owner = Wizard(app.test_client(), content)
    assert owner.start().status_code == 303
    owner.answer_all()
    assert owner.submit().status_code == 302
    html, token = page_token(owner.client, owner.url("results"))
    opened = owner.client.post(owner.url("workspace"), data={"csrf_token": token})
    ws_id = opened.headers["Location"].rsplit("/", 1)[1]  # the new workspace (303 to its page)
    ids = {"public_id": owner.public_id, "ws_id": ws_id, "step_id": "profile"}
    urls = sorted({re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", lambda m: ids.get(m.group(1), "x" * 16), r.rule)
                   for r in app.url_map.iter_rules() if "POST" in r.methods})
    before = snapshot(app)
    kinds: dict[str, int] = {}

    @fuzz_settings(80)
    @given(st.sampled_from(urls), not_a_form())
    def run(url: str, body: tuple) -> None:
        kind, data, options = body
        response = owner.client.post(url, data=data, headers={"X-CSRFToken": token}, **options)
        response.get_data()
        fuzz.posts += 1
        kinds[kind] = kinds.get(kind, 0) + 1
        assert response.status_code in (400, 413, 415), (url, kind, response.status_code)
        assert snapshot(app) == before, (url, kind)

    run()
    with capsys.disabled():
        print(f"\n[figures] posts that are not forms: {fuzz.posts} on {len(urls)} POST routes "
              f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), server errors: 0, rows changed: 0")
    assert fuzz.posts >= 80
