"""The session cookie: what it grants is checked on every request, also when the same cookie
was accepted before (webapp/sessions.py checks each cookie's signature once per worker)."""

from __future__ import annotations

import copy
import datetime as dt
import time

from flask import Flask


def _page(client, wizard) -> int:  # type: ignore[no-untyped-def]
    return client.get(wizard.url("step/profile")).status_code


def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _one_character_changed(base64_text: str) -> str:
    # The middle character: all six of its bits are data. The last character of a base64 text
    # may carry padding bits the decoder ignores, so changing it can leave the bytes as they were.
    middle = len(base64_text) // 2
    replacement = "A" if base64_text[middle] != "A" else "B"
    return base64_text[:middle] + replacement + base64_text[middle + 1:]


def test_a_cookie_changed_after_the_genuine_one_was_accepted_grants_nothing(app: Flask, client, wizard) -> None:
    wizard.start()
    genuine = _session_cookie(client)
    assert _page(client, wizard) == 200 and _page(client, wizard) == 200  # the same cookie, accepted twice
    payload, _, signature = genuine.rpartition(".")
    for forged in (payload + "." + _one_character_changed(signature),
                   _one_character_changed(payload) + "." + signature,
                   genuine + "x"):
        client.set_cookie("session", forged)
        assert _page(client, wizard) == 404, forged
    client.set_cookie("session", genuine)
    assert _page(client, wizard) == 200


def test_a_cookie_signed_with_another_key_grants_nothing(app: Flask, client, wizard) -> None:
    wizard.start()
    genuine = _session_cookie(client)
    assert _page(client, wizard) == 200
    other = Flask("other")
    other.config.update(SECRET_KEY="another-secret-key-0123456789abcdef")
    with other.test_request_context():
        serializer = app.session_interface.get_signing_serializer(other)
        assert serializer is not None
        data = app.session_interface.get_signing_serializer(app).loads(genuine)  # type: ignore[union-attr]
        client.set_cookie("session", serializer.dumps(data))
    assert _page(client, wizard) == 404


def test_a_cookie_older_than_the_session_lifetime_grants_nothing_even_when_accepted_before(
        app: Flask, client, wizard, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=1)
    wizard.start()
    assert _page(client, wizard) == 200
    signed = time.time()
    monkeypatch.setattr(time, "time", lambda: signed + 1800)  # half an hour later: still good
    assert _page(client, wizard) == 200
    monkeypatch.setattr(time, "time", lambda: signed + 3700)  # past the lifetime
    assert _page(client, wizard) == 404


def test_what_one_request_changes_in_its_session_never_reaches_another_with_the_same_cookie(app: Flask) -> None:
    app.config["SECRET_KEY"] = "test-secret-key-0123456789abcdef"
    interface = app.session_interface
    with app.test_request_context():
        cookie = interface.get_signing_serializer(app).dumps({"lang": "pt", "access": [["a", "x", "r", "t"]]})  # type: ignore[union-attr]
    opened = []
    for _ in range(3):
        with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
            session = interface.open_session(app, ctx.request)
            assert session is not None
            opened.append(copy.deepcopy(dict(session)))
            session["lang"] = "it"
            session["access"].append(["a", "y", "r", "u"])
    assert opened == [{"lang": "pt", "access": [["a", "x", "r", "t"]]}] * 3


def test_a_worker_keeps_a_bounded_number_of_cookies_and_a_dropped_one_still_works(app: Flask, client, wizard,
                                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("webapp.sessions.COOKIES_KEPT", 3)
    wizard.start()
    mine = _session_cookie(client)
    assert _page(client, wizard) == 200
    with app.test_request_context():
        serializer = app.session_interface.get_signing_serializer(app)
        assert serializer is not None
        others = [serializer.dumps({"lang": "pt", "n": n}) for n in range(10)]  # other browsers' cookies
    for cookie in others:
        with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
            assert app.session_interface.open_session(app, ctx.request)["lang"] == "pt"  # type: ignore[index]
    assert len(app.session_interface._checked) <= 3  # type: ignore[attr-defined]
    client.set_cookie("session", mine)
    assert _page(client, wizard) == 200  # checked again, as on its first request
