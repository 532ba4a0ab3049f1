"""Flask's signed-cookie session, with each cookie's signature checked once per worker.

A browser sends the same cookie with every request until the session changes, and checking
it (the serializer built, the key derived, the HMAC, base64 and zlib undone) was about a
twentieth of a wizard step's save. A cookie whose signature has been checked is kept with
its payload and the time it was signed; the same cookie string again is then only checked
for its age, exactly as itsdangerous would (older than the session lifetime: an empty
session). Anything else -- a new cookie, a changed byte, a cookie signed with another key --
is checked by Flask's own code. Each request gets its own copy of the payload, decoded again
from the kept text, so a change made during one request never reaches another.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

# Cookies kept per worker, the oldest dropped beyond this many: an officer's cookie is a few
# hundred bytes (kept with its payload: ~1 MiB for all), a browser's largest 4 KB (~12 MiB).
COOKIES_KEPT = 1024


class CheckedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        # cookie -> (signed at, in seconds; the payload as the serializer writes it)
        self._checked: dict[str, tuple[int, str]] = {}

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._checked.get(cookie)
        if kept is not None and 0 <= int(time.time()) - kept[0] <= max_age:  # the age itsdangerous accepts
            return self.session_class(self.serializer.loads(kept[1]))
        self._checked.pop(cookie, None)  # new here, or too old: itsdangerous decides (an old one: SignatureExpired)
        serializer = self.get_signing_serializer(app)
        assert serializer is not None  # a secret key is set
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._checked) >= COOKIES_KEPT:
            self._checked.pop(next(iter(self._checked)))
        self._checked[cookie] = (int(signed_at.timestamp()), self.serializer.dumps(data))
        return self.session_class(data)
