"""A session cookie's signature is checked once per process; its age, its keys and its contents are still honoured."""

from __future__ import annotations

import time

from itsdangerous import URLSafeTimedSerializer

from blueprints import cookie_sessions
from blueprints.cookie_sessions import CheckedCookieSessions


def _cookie(client, app) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _count_checks(monkeypatch) -> list:
    checks = []
    real = URLSafeTimedSerializer.loads

    def loads(self, *args, **kwargs):
        checks.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", loads)
    return checks


def test_a_cookie_checked_once_is_not_checked_again(app, client, signed_in, monkeypatch):
    signed_in("manager")
    client.get("/manager/referrals")  # the first page after signing in may still add to the session
    cookie = _cookie(client, app)
    checks = _count_checks(monkeypatch)
    for _ in range(3):
        assert client.get("/manager/referrals").status_code == 200
    assert _cookie(client, app) == cookie and len(checks) == 1


def test_a_changed_cookie_is_refused(app, client, signed_in):
    signed_in("manager")
    cookie = _cookie(client, app)
    assert client.get("/manager/referrals").status_code == 200
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
    assert client.get("/manager/referrals").status_code == 302  # signed out


def test_a_kept_cookie_still_expires_with_the_session_lifetime(app, client, signed_in, monkeypatch):
    signed_in("manager")
    client.get("/manager/referrals")
    assert client.get("/manager/referrals").status_code == 200  # checked and kept
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 5
    monkeypatch.setattr(cookie_sessions, "_now", lambda: later)  # the cookie's clock alone: its own check must act
    answer = client.get("/manager/referrals")
    assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]


def test_a_new_secret_key_checks_every_cookie_afresh(app, client, signed_in, monkeypatch):
    signed_in("manager")
    client.get("/manager/referrals")
    assert client.get("/manager/referrals").status_code == 200  # this cookie is kept now
    monkeypatch.setattr(app, "secret_key", "another key altogether, after a leak")
    assert client.get("/manager/referrals").status_code == 302


def test_each_request_gets_its_own_copy_of_the_contents(app):
    interface = CheckedCookieSessions()
    cookie = interface.get_signing_serializer(app).dumps({"_flashes": [("info", "Saved")]})
    headers = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}"}
    with app.test_request_context("/", headers=headers) as context:
        first = interface.open_session(app, context.request)
        first["_flashes"].append(("info", "only for this request"))  # as flash() adds to the list it finds
    with app.test_request_context("/", headers=headers) as context:
        second = interface.open_session(app, context.request)
    assert second["_flashes"] == [("info", "Saved")]
