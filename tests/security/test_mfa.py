"""Multi-factor sign-in: enrolment with a QR code, the code after the password, no replay, recovery codes,
admin reset (audited), required per role by configuration."""

from __future__ import annotations

import re
import time

import pyotp

from models.audit import AuditEntry
from tests.conftest import DEFAULT_PASSWORD, sign_in


def _enrol(client, user):
    sign_in(client, user)
    page = client.get("/account/mfa").get_data(as_text=True)
    qr = page.split('class="app-qr-wrapper">', 1)[1].split("</div>", 1)[0]
    assert qr.startswith("<svg") and "<script" not in qr and "http" not in qr.replace("http://www.w3.org", "")
    secret = re.search(r'class="app-mfa-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10
    user.reload()
    assert user.mfa_enabled and codes[0] not in str(user.to_mongo())
    return secret, codes


def test_enrol_then_sign_in_needs_the_code(app, client, make_user):
    user = make_user(roles=["manager"])
    secret, _codes = _enrol(client, user)
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in/code")
    assert client.get("/cases").status_code == 302  # not signed in yet
    assert client.post("/sign-in/code", data={"code": "000000"}).status_code == 422
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/sign-in/code", data={"code": code}).status_code == 302
    assert client.get("/cases").status_code == 200
    assert AuditEntry.objects(action="sign_in.second_factor").count() == 1


def test_a_code_cannot_be_used_twice(app, client, make_user):
    user = make_user(roles=["manager"])
    secret, _ = _enrol(client, user)
    client.post("/sign-out")
    client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post("/sign-in/code", data={"code": code}).status_code == 302
    client.post("/sign-out")
    client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert client.post("/sign-in/code", data={"code": code}).status_code == 422


def test_a_recovery_code_works_once(app, client, make_user):
    user = make_user(roles=["manager"])
    _, codes = _enrol(client, user)
    for expected in (302, 422):
        client.post("/sign-out")
        client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
        assert client.post("/sign-in/code", data={"code": codes[0]}).status_code == expected


def test_too_many_wrong_codes_end_the_pending_sign_in(app, client, make_user):
    user = make_user(roles=["manager"])
    _enrol(client, user)
    client.post("/sign-out")
    client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    for _ in range(4):
        assert client.post("/sign-in/code", data={"code": "123456"}).status_code == 422
    response = client.post("/sign-in/code", data={"code": "123456"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")


def test_required_roles_must_enrol_before_anything_else(app, client, make_user):
    app.config["MFA_REQUIRED_ROLES"] = "manager,referrer"
    sign_in(client, make_user(roles=["manager"]))
    response = client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/mfa")
    other = app.test_client()
    sign_in(other, make_user(roles=["practitioner"]))
    assert other.get("/cases").status_code == 200


def test_production_requires_it_for_staff_by_default():
    from services.users.mfa import required_roles

    assert "manager" in required_roles({"ENV": "production", "MFA_REQUIRED_ROLES": "default"})
    assert "referrer" not in required_roles({"ENV": "production", "MFA_REQUIRED_ROLES": "default"})
    assert required_roles({"ENV": "development", "MFA_REQUIRED_ROLES": "default"}) == ()


def test_an_admin_resets_it_audited_and_the_user_is_signed_out(app, client, make_user):
    user = make_user(roles=["manager"])
    _enrol(client, user)
    admin = make_user(roles=["admin"], team="")
    admin_client = app.test_client()
    sign_in(admin_client, admin)
    assert "Reset multi-factor sign-in" in admin_client.get(f"/admin/users/{user.pk}").get_data(as_text=True)
    assert admin_client.post(f"/admin/users/{user.pk}/reset-mfa").status_code == 302
    user.reload()
    assert not user.mfa_enabled
    assert AuditEntry.objects(action="user.mfa_reset", target_id=str(user.pk)).get().actor_id == str(admin.pk)
    assert client.get("/cases").status_code == 302
