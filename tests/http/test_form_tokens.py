"""Each session's form token is signed once per process and still checks; with a time limit, each page signs anew."""

from __future__ import annotations

import pytest
from flask_wtf import csrf as flask_wtf_csrf

from tests.conftest import DEFAULT_PASSWORD


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


@pytest.fixture
def signings(monkeypatch):
    """Count the form tokens signed (the session cookie, a dict, is signed by the same class)."""
    made = []
    serializer = flask_wtf_csrf.URLSafeTimedSerializer
    original = serializer.dumps

    def dumps(self, obj, *args, **kwargs):
        if isinstance(obj, str):
            made.append(obj)
        return original(self, obj, *args, **kwargs)

    monkeypatch.setattr(serializer, "dumps", dumps)
    return made


def _token(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_a_session_token_is_signed_once_and_still_lets_its_forms_in(csrf_app_config, app, client, make_user,
                                                                    signings):
    user = make_user()
    tokens = [_token(client.get("/sign-in").get_data(as_text=True)) for _ in range(3)]
    # The first page made the session's token and signed it; the second signed it again and kept it.
    assert tokens[1] == tokens[2] and len(signings) == 2
    assert client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD,
                                         "csrf_token": tokens[2]}).status_code == 302
    # Another session has its own token, never this one.
    other = app.test_client()
    assert _token(other.get("/sign-in").get_data(as_text=True)) != tokens[2]
    # Every form of a page carries the same token as its header's.
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    found = {part.split('"')[0] for part in page.split('name="csrf_token" value="')[1:]}
    assert len(found) == 1


def test_a_token_made_for_another_session_is_refused(csrf_app_config, app, client, make_user):
    user = make_user()
    other = app.test_client()
    theirs = _token(other.get("/sign-in").get_data(as_text=True))
    theirs = _token(other.get("/sign-in").get_data(as_text=True))  # the kept one
    client.get("/sign-in")
    refused = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": theirs})
    assert refused.status_code == 400


def test_with_a_time_limit_each_page_signs_its_token_anew(csrf_app_config, app, client, signings, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)  # the time inside a token counts then
    for _ in range(3):
        client.get("/sign-in")
    assert len(signings) == 3
