"""Regression tests: redirects after sign-in, server-side session end, idle time-out, throttling, passwords."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from models.audit import AuditEntry
from models.user import User
from services.users import accounts as svc
from services.users.passwords import password_problem
from tests.conftest import DEFAULT_PASSWORD, sign_in

SETTINGS = {"LOGIN_MAX_FAILURES": 3, "LOGIN_LOCKOUT_MINUTES": 15}


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example",
                                    "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                                    "/%00/evil.example", "/ /evil.example"])
def test_next_never_leaves_the_site_and_never_fails(client, make_user, target):
    user = make_user()
    response = client.post(f"/sign-in?next={target}", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_keeps_a_local_path(client, make_user):
    user = make_user()
    response = client.post("/sign-in?next=/deadlines?x=1", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/deadlines?x=1"


def _copy_cookie(app, client):
    thief = app.test_client()
    thief.set_cookie("pathway_session", client.get_cookie("pathway_session").value)
    return thief


def test_a_copied_cookie_stops_working_after_sign_out(app, client, make_user):
    user = make_user(roles=["manager"])
    sign_in(client, user)
    thief = _copy_cookie(app, client)
    assert thief.get("/cases").status_code == 200
    client.post("/sign-out")
    assert thief.get("/cases").status_code == 302
    assert thief.get("/api/v1/cases").status_code in (302, 401)


def test_password_change_ends_every_other_session(app, client, make_user):
    user = make_user(roles=["manager"])
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)
    response = client.post("/account/password", data={"current_password": DEFAULT_PASSWORD,
                                                      "new_password": "violet-harbour-lantern",
                                                      "confirm_password": "violet-harbour-lantern"})
    assert response.status_code == 302
    assert other.get("/cases").status_code == 302
    assert client.get("/cases").status_code == 200


def test_an_idle_session_ends(app, client, make_user):
    app.config["SESSION_IDLE_MINUTES"] = 30
    sign_in(client, make_user(roles=["manager"]))
    assert client.get("/cases").status_code == 200
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - 31 * 60
    response = client.get("/cases")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_session_expires_after_its_lifetime_even_when_used(app, client, make_user):
    sign_in(client, make_user(roles=["manager"]))
    with client.session_transaction() as sess:
        sess["started"] = int(time.time()) - 9 * 3600
    assert client.get("/cases").status_code == 302


def test_wrong_current_passwords_end_the_session(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    for _ in range(4):
        response = client.post("/account/password", data={"current_password": "guess-guess-guess",
                                                          "new_password": "violet-harbour-lantern",
                                                          "confirm_password": "violet-harbour-lantern"})
        assert response.status_code == 422
    response = client.post("/account/password", data={"current_password": "guess-guess-guess",
                                                      "new_password": "violet-harbour-lantern",
                                                      "confirm_password": "violet-harbour-lantern"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    again = client.post("/account/password", data={"current_password": DEFAULT_PASSWORD,
                                                   "new_password": "violet-harbour-lantern",
                                                   "confirm_password": "violet-harbour-lantern"})
    assert again.status_code == 302 and "/sign-in" in again.headers["Location"]
    assert svc.authenticate_user(email=user.email, password=DEFAULT_PASSWORD, now=user.created_at,
                                 client_address="", settings=SETTINGS)
    assert AuditEntry.objects(action="user.sessions_ended").count() == 1


def test_password_change_is_rate_limited(app, client, make_user):
    app.config["PASSWORD_CHANGE_RATE_LIMIT"] = "2 per hour"
    sign_in(client, make_user())
    codes = [client.post("/account/password", data={"current_password": "x"}).status_code for _ in range(3)]
    assert codes[-1] == 429


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "password1234", "123456789012", "Password1234!",
                                      "iloveyou!!!!1234", "pathwaypathway", "abababababab"])
def test_common_and_predictable_passwords_are_refused(password):
    assert password_problem(password)


def test_a_good_password_is_accepted():
    assert password_problem("violet-harbour-lantern") is None


def test_the_new_password_must_differ_from_the_current_one(client, make_user):
    sign_in(client, make_user(must_change_password=True))
    response = client.post("/account/password", data={"current_password": DEFAULT_PASSWORD,
                                                      "new_password": DEFAULT_PASSWORD,
                                                      "confirm_password": DEFAULT_PASSWORD})
    assert response.status_code == 422 and b"different from your current one" in response.data


def test_locked_message_is_the_same_for_unknown_accounts(app, now, make_user):
    user = make_user()
    messages = {}
    for email in (user.email, "nobody@example.org"):
        for _ in range(3):
            with pytest.raises(svc.NotAllowed):
                svc.authenticate_user(email=email, password="wrong", now=now, client_address="10.0.0.9",
                                      settings=SETTINGS)
        with pytest.raises(svc.NotAllowed) as caught:
            svc.authenticate_user(email=email, password="wrong", now=now, client_address="10.0.0.9",
                                  settings=SETTINGS)
        messages[email] = caught.value.message
    assert messages[user.email] == messages["nobody@example.org"] == svc.LOCKED_ERROR


def test_an_attacker_elsewhere_cannot_lock_the_real_user_out(app, now, make_user):
    user = make_user()
    for _ in range(10):
        with pytest.raises(svc.NotAllowed):
            svc.authenticate_user(email=user.email, password="wrong", now=now, client_address="203.0.113.5",
                                  settings=SETTINGS)
    signed = svc.authenticate_user(email=user.email, password=DEFAULT_PASSWORD, now=now,
                                   client_address="192.0.2.10", settings=SETTINGS)
    assert signed.pk == user.pk


def test_the_wait_grows_for_a_client_that_keeps_guessing(app, now, make_user):
    user = make_user()
    at = now
    waits = []
    for _ in range(3):
        for _ in range(3 if not waits else 1):
            with pytest.raises(svc.NotAllowed):
                svc.authenticate_user(email=user.email, password="wrong", now=at, client_address="203.0.113.5",
                                      settings=SETTINGS)
        from models.sign_in import SignInThrottle

        until = SignInThrottle.objects.get().blocked_until
        waits.append(until - at)
        at = until + timedelta(seconds=1)
    assert waits[0] == timedelta(minutes=15) and waits[1] == timedelta(minutes=30) and waits[2] == timedelta(hours=1)


def test_first_admin_password_is_not_printed_or_logged(app_config, capsys, caplog, tmp_path):
    from app import create_app

    app_config["BOOTSTRAP_ADMIN"] = True
    app_config["TESTING"] = False
    application = create_app(app_config)
    secret_file = tmp_path / "instance" / "first-admin-password"
    password = secret_file.read_text().strip()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    captured = capsys.readouterr()
    assert password not in captured.out + captured.err + caplog.text
    assert str(secret_file) in captured.err
    with application.app_context():
        assert User.objects.get(email="admin@pathway.local").must_change_password


def test_trusted_proxy_setting_uses_the_forwarded_client(app_config):
    from app import create_app

    app_config["TRUSTED_PROXY_HOPS"] = 1
    app_config["SIGN_IN_RATE_LIMIT"] = "2 per minute"
    client = create_app(app_config).test_client()
    for _ in range(2):
        client.post("/sign-in", data={"email": "x@example.org", "password": "y"},
                    headers={"X-Forwarded-For": "198.51.100.1"})
    other = client.post("/sign-in", data={"email": "x@example.org", "password": "y"},
                        headers={"X-Forwarded-For": "198.51.100.2"})
    assert other.status_code == 401
    blocked = client.post("/sign-in", data={"email": "x@example.org", "password": "y"},
                          headers={"X-Forwarded-For": "198.51.100.1"})
    assert blocked.status_code == 429


def test_forwarded_headers_are_ignored_by_default(app_config):
    from app import create_app

    app_config["SIGN_IN_RATE_LIMIT"] = "2 per minute"
    client = create_app(app_config).test_client()
    codes = [client.post("/sign-in", data={"email": "x@example.org", "password": "y"},
                         headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
    assert codes[-1] == 429


def test_hsts_in_production_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    app.config["ENV"] = "production"
    assert "max-age=" in client.get("/sign-in").headers["Strict-Transport-Security"]
