"""User service on the real mongod: creation, sign-in, lock-out, deactivation, audit."""

from datetime import timedelta

import pytest

from errors import InvalidInput, NotAllowed
from models.audit import AuditEntry
from models.user import User
from services.users import accounts as svc
from services.users.passwords import check_password

SETTINGS = {"LOGIN_MAX_FAILURES": 3, "LOGIN_LOCKOUT_MINUTES": 15}


def test_create_user_hashes_password_with_argon2(app, now):
    user, password = svc.create_user(email="A@Example.org", name="Ann", roles=["manager"], now=now,
                                     password="a-long-enough-password")
    stored = User.objects.get(pk=user.pk)
    assert stored.email == "a@example.org"
    assert stored.password_hash.startswith("$argon2")
    assert "a-long-enough-password" not in stored.password_hash
    assert check_password(stored.password_hash, password)
    assert AuditEntry.objects(action="user.created", target_id=str(user.pk)).count() == 1


def test_generated_password_must_be_changed(app, now):
    user, password = svc.create_user(email="b@example.org", name="Bea", roles=["referrer"], now=now)
    assert len(password) >= 12
    assert user.must_change_password


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"name": "  "}, "name", "Enter the person's full name"),
        ({"roles": []}, "roles", "Select at least one role"),
        ({"roles": ["superuser"]}, "roles", "Unknown role: superuser"),
        ({"password": "short"}, "password", "Password must be 12 characters or more"),
    ],
)
def test_create_user_rejects_bad_input_naming_the_field(app, now, fields, field, message):
    data = {"email": "c@example.org", "name": "Cy", "roles": ["practitioner"], "password": "long-enough-pass"}
    data.update(fields)
    with pytest.raises(InvalidInput) as caught:
        svc.create_user(now=now, **data)
    problems = {p.field: p.message for p in caught.value.problems}
    assert problems[field].startswith(message)


def test_duplicate_email_is_refused(app, now, make_user):
    make_user(email="dup@example.org")
    with pytest.raises(InvalidInput) as caught:
        make_user(email="DUP@example.org")
    assert caught.value.problems[0].message == "A user with this email address already exists"


def test_sign_in_success_and_failure_are_audited(app, now, make_user):
    user = make_user()
    with pytest.raises(NotAllowed):
        svc.authenticate_user(email=user.email, password="wrong", now=now, client_address="10.0.0.1",
                              settings=SETTINGS)
    signed = svc.authenticate_user(email=user.email, password="correct-horse-battery", now=now,
                                   client_address="10.0.0.1", settings=SETTINGS)
    assert signed.pk == user.pk
    actions = [e.action for e in AuditEntry.objects(actor_id=str(user.pk)).order_by("at")]
    assert "sign_in.failed" in actions and "sign_in" in actions
    failed = AuditEntry.objects(action="sign_in.failed").first()
    assert failed.client_address == "10.0.0.1"


def test_account_locks_after_repeated_failures_then_unlocks(app, now, make_user):
    user = make_user()
    for _ in range(3):
        with pytest.raises(NotAllowed):
            svc.authenticate_user(email=user.email, password="nope", now=now, client_address="", settings=SETTINGS)
    with pytest.raises(NotAllowed) as caught:
        svc.authenticate_user(email=user.email, password="correct-horse-battery", now=now, client_address="",
                              settings=SETTINGS)
    assert caught.value.message == svc.LOCKED_ERROR
    later = now + timedelta(minutes=16)
    assert svc.authenticate_user(email=user.email, password="correct-horse-battery", now=later,
                                 client_address="", settings=SETTINGS).pk == user.pk


def test_unknown_and_inactive_accounts_get_the_same_message(app, now, make_user):
    user = make_user()
    svc.set_user_active(user, False, now=now)
    messages = set()
    for email in (user.email, "nobody@example.org"):
        with pytest.raises(NotAllowed) as caught:
            svc.authenticate_user(email=email, password="correct-horse-battery", now=now, client_address="",
                                  settings=SETTINGS)
        messages.add(caught.value.message)
    assert messages == {svc.GENERIC_SIGN_IN_ERROR}


def test_deactivation_bumps_session_version(app, now, make_user):
    user = make_user()
    before = user.get_id()
    svc.set_user_active(user, False, now=now)
    assert user.get_id() != before
    assert AuditEntry.objects(action="user.deactivated").count() == 1


def test_audit_entries_cannot_be_changed_or_removed(app, now, make_user):
    make_user()
    entry = AuditEntry.objects.first()
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects(action="user.created").update(set__action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.delete()


def test_first_admin_is_created_once(app, now):
    first = svc.ensure_first_admin(now=now)
    assert first is not None and first[0].roles == ["admin"] and first[0].must_change_password
    assert svc.ensure_first_admin(now=now) is None
