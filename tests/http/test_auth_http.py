"""Sign-in, roles, sessions, CSRF, rate limits and error pages through the Flask client."""

from __future__ import annotations

import pytest

from blueprints.access import roles_required
from models.audit import AuditEntry
from services.users.accounts import set_user_active
from tests.conftest import DEFAULT_PASSWORD, sign_in


def test_sign_in_page_renders(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in to Pathway" in response.data
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_wrong_password_shows_an_error_on_the_page(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": "wrong"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a correct email address and password" in page


def test_empty_form_names_what_is_missing(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert "Enter your email address and password" in response.get_data(as_text=True)


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_next_parameter_cannot_send_users_to_another_site(client, make_user):
    user = make_user()
    response = client.post("/sign-in?next=//evil.example/x", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/"


def test_wrong_role_gets_403_not_404_or_500(app, client, make_user):
    @roles_required("admin")
    def admin_only():
        return "secret admin page"

    app.add_url_rule("/_test/admin-only", "admin_only", admin_only)
    sign_in(client, make_user(roles=["referrer"]))
    response = client.get("/_test/admin-only")
    assert response.status_code == 403
    assert b"secret admin page" not in response.data
    assert b"You do not have access to this page" in response.data
    json_response = client.get("/_test/admin-only", headers={"Accept": "application/json"})
    assert json_response.status_code == 403 and json_response.json["error"]["status"] == 403


def test_deactivated_user_is_signed_out_on_next_request(client, make_user, now):
    user = make_user()
    sign_in(client, user)
    assert client.get("/").status_code in (200, 302)
    set_user_active(user, False, now=now)
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_sign_out_is_audited_and_ends_the_session(client, make_user):
    user = make_user()
    sign_in(client, user)
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert AuditEntry.objects(action="sign_out", actor_id=str(user.pk)).count() == 1
    assert "/sign-in" in client.get("/").headers["Location"]


def test_one_time_password_forces_a_change_first(client, make_user):
    user = make_user(must_change_password=True)
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    bad = client.post("/account/password", data={"current_password": DEFAULT_PASSWORD, "new_password": "short",
                                                 "confirm_password": "short"})
    assert bad.status_code == 422 and b"Password must be 12 characters or more" in bad.data
    good = client.post("/account/password", data={"current_password": DEFAULT_PASSWORD,
                                                  "new_password": "a-brand-new-secret",
                                                  "confirm_password": "a-brand-new-secret"})
    assert good.status_code == 302
    assert client.get("/").headers.get("Location", "") != "/account/password"


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_forms_without_a_csrf_token_are_refused(csrf_app_config, app, client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    assert b"The form had expired" in response.data
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    ok = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_sign_in_is_rate_limited(app_config, mongo_uri):
    from app import create_app

    app_config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    application = create_app(app_config)
    client = application.test_client()
    codes = [client.post("/sign-in", data={"email": "x@example.org", "password": "y"}).status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[-1] == 429
    assert b"Too many attempts" in client.post("/sign-in", data={"email": "x@example.org", "password": "y"}).data


def test_unexpected_errors_show_no_stack_trace(app, client):
    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/_test/broken", "broken", broken)
    response = client.get("/_test/broken")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body and "Reference:" in body
    as_json = client.get("/_test/broken", headers={"Accept": "application/json"})
    assert as_json.status_code == 500 and "reference" in as_json.json["error"]


@pytest.mark.parametrize("method, path, status", [("GET", "/no-such-page", 404), ("DELETE", "/sign-in", 405)])
def test_http_errors_use_the_app_layout(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert b"Pathway" in response.data and b"govuk-heading-l" in response.data


def test_too_large_upload_gets_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post("/sign-in", data={"email": "x" * 100, "password": "y"})
    assert response.status_code == 413 and b"The file is too large" in response.data
    page = response.get_data(as_text=True)
    assert "each file must be smaller than 10MB" in page and "capacity limit" not in page


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"]["status"] == "ok"


def test_healthz_is_503_when_the_database_is_down(app_config):
    from app import create_app
    from storage.embedded import free_port

    app_config.update(MONGODB_URI=f"mongodb://127.0.0.1:{free_port()}", MONGODB_TIMEOUT_MS=300)
    response = create_app(app_config).test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"
