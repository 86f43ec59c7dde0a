"""Flask's signed-cookie sessions, with each cookie's signature checked and its contents read once per process.

A session's cookie changes only when the session does (SESSION_REFRESH_EACH_REQUEST is off), so the same cookie
comes back page after page, and Flask checks its signature and parses its tagged JSON every time. Here a cookie
checked once is kept with its contents and the time it was signed; each later request still checks its age against
the session lifetime, as the signature check would, and gets its own copy of the contents.
"""

from __future__ import annotations

import copy
from time import time as _now

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from memo import Memo

_KEPT = "pathway.checked_cookies"
_MOST = 2048  # cookies kept per app, forgotten all at once beyond it
_LONGEST = 1024  # characters: a longer cookie (carrying messages to show, say) is checked each time


class CheckedCookieSessions(SecureCookieSessionInterface):
    """Sessions in signed cookies; a cookie whose signature this process has checked is not checked again."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Return the session the request's cookie holds (an empty one for none, a bad or an expired one)."""
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or len(value) > _LONGEST or not app.secret_key:
            return super().open_session(app, request)
        # Keyed by the keys too: a new secret key (or fallbacks) must check every cookie afresh.
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), value)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        # Made on first use, as the app's other caches (the test app's pool forgets them).
        kept = app.extensions.get(_KEPT) or app.extensions.setdefault(_KEPT, Memo(_MOST))

        def checked() -> tuple:
            data, signed = self.get_signing_serializer(app).loads(value, max_age=max_age, return_timestamp=True)
            return data, signed.timestamp()

        try:
            data, signed_at = kept.get(key, checked)  # a bad signature raises, and nothing is kept
        except BadSignature:
            return self.session_class()
        age = _now() - signed_at
        if age > max_age or age < 0:  # as the signature's own check: expired, or signed in the future
            return self.session_class()
        return self.session_class(copy.deepcopy(data))  # the request may change its session: never the kept one


def install(app: Flask) -> None:
    """Use these sessions for the app."""
    app.session_interface = CheckedCookieSessions()
