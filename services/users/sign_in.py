"""Sign in, sign out and change one's password: throttled per account and client, audited, no enumeration."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pymongo import ReturnDocument

from errors import NotAllowed, Problems
from models.sign_in import SignInThrottle
from models.user import User
from services.audit.trail import record_audit
from services.users.passwords import check_password, hash_password, password_problem

GENERIC_SIGN_IN_ERROR = _l("Enter a correct email address and password")
LOCKED_ERROR = _l("There have been too many failed sign-ins for this account from here. Wait a few minutes and try "
                  "again, or ask an administrator.")
MAX_DELAY = timedelta(hours=24)
# Hashing a throw-away password for unknown accounts makes them take as long as real ones to refuse.
_DUMMY_HASH = None


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def _throttle_key(email: str, client_address: str) -> str:
    return f"{email[:320]}|{client_address or '-'}"


def _delay(failures: int, settings: dict) -> timedelta | None:
    """Return how long to wait after this many failures: nothing, then a base delay doubling each time."""
    over = failures - int(settings["LOGIN_MAX_FAILURES"])
    if over < 0:
        return None
    return min(timedelta(minutes=int(settings["LOGIN_LOCKOUT_MINUTES"])) * (2 ** min(over, 16)), MAX_DELAY)


def _check_dummy(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-account-password")
    check_password(_DUMMY_HASH, password)


def authenticate_user(*, email: str, password: str, now: datetime, client_address: str, settings: dict) -> User:
    """Return the user whose credentials these are; audited.

    Failures are counted per account name and client address, known or not, so the answers never tell
    whether an account exists, and an attacker elsewhere cannot lock the real person out: only the client
    that keeps guessing waits, longer each time.
    """
    email = _normalise(email)
    key = _throttle_key(email, client_address)
    throttle = SignInThrottle.objects(key=key).first()
    user = User.objects(email=email).first()
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        record_audit("sign_in.refused_throttled", actor=user, actor_email=email, now=now,
                     client_address=client_address, target_type="user" if user else "",
                     target_id=user.pk if user else "", details={"until": throttle.blocked_until.isoformat()})
        raise NotAllowed(str(LOCKED_ERROR))
    if user is None or not user.active:
        _check_dummy(password)
        ok = False
    else:
        ok = check_password(user.password_hash, password)
    if not ok:
        _count_failure(key, user, email, now=now, client_address=client_address, settings=settings)
        raise NotAllowed(str(GENERIC_SIGN_IN_ERROR))
    SignInThrottle.objects(key=key).delete()
    User.objects(pk=user.pk).update_one(set__failed_sign_ins=0, unset__locked_until=True, set__last_sign_in_at=now)
    user.reload()
    record_audit("sign_in", actor=user, now=now, client_address=client_address, target_type="user",
                 target_id=user.pk)
    return user


def _count_failure(key: str, user, email: str, *, now: datetime, client_address: str, settings: dict) -> None:
    """Count a failed sign-in atomically (parallel guesses all count) and set the wait it earns."""
    doc = SignInThrottle._get_collection().find_one_and_update(
        {"key": key}, {"$inc": {"failures": 1}, "$set": {"updated_at": now}}, upsert=True,
        return_document=ReturnDocument.AFTER)
    details: dict = {"failures": doc["failures"]}
    if user is None or not user.active:
        details["reason"] = "unknown or inactive account"
    else:
        User.objects(pk=user.pk).update_one(inc__failed_sign_ins=1)
    delay = _delay(doc["failures"], settings)
    if delay is not None:
        until = now + delay
        SignInThrottle.objects(key=key).update_one(set__blocked_until=until)
        details["blocked_until"] = until.isoformat()
    record_audit("sign_in.failed", actor=user if user is not None and user.active else None, actor_email=email,
                 now=now, client_address=client_address, target_type="user" if user else "",
                 target_id=user.pk if user else "", details=details)


def record_sign_out(*, actor, now: datetime, client_address: str) -> None:
    """End every session of the user (a copied cookie stops working too) and audit the sign-out."""
    User.objects(pk=actor.pk).update_one(inc__session_version=1)
    record_audit("sign_out", actor=actor, now=now, client_address=client_address, target_type="user",
                 target_id=actor.pk)


def change_password(user: User, *, current: str, new: str, confirm: str, now: datetime,
                    settings: dict | None = None, client_address: str = "") -> User:
    """Change one's own password after checking the current one; end every other session.

    Wrong current passwords are counted: after the sign-in limit the user's sessions all end, so a stolen
    session cookie cannot be used to guess the password.
    """
    limit = int((settings or {}).get("LOGIN_MAX_FAILURES", 5))
    problems = Problems()
    if not check_password(user.password_hash, current):
        user = _wrong_current_password(user, limit=limit, now=now, client_address=client_address)
        problems.add("current_password", _("Your current password is not correct"), _("Current password"))
    if why := password_problem(new, current_hash=user.password_hash, personal=(user.email.split("@")[0],)):
        problems.add("new_password", why, _("New password"))
    elif new != confirm:
        problems.add("confirm_password", _("The passwords do not match"), _("Confirm new password"))
    problems.raise_if_any()
    User.objects(pk=user.pk).update_one(
        set__password_hash=hash_password(new), set__must_change_password=False, inc__session_version=1,
        set__password_change_failures=0,
    )
    user.reload()
    record_audit("user.password_changed", actor=user, now=now, target_type="user", target_id=user.pk,
                 client_address=client_address)
    return user


def _wrong_current_password(user: User, *, limit: int, now: datetime, client_address: str) -> User:
    User.objects(pk=user.pk).update_one(inc__password_change_failures=1)
    user.reload()
    record_audit("user.password_change_failed", actor=user, now=now, target_type="user", target_id=user.pk,
                 client_address=client_address, details={"failures": user.password_change_failures})
    if user.password_change_failures >= limit:
        User.objects(pk=user.pk).update_one(inc__session_version=1, set__password_change_failures=0)
        record_audit("user.sessions_ended", actor=user, now=now, target_type="user", target_id=user.pk,
                     client_address=client_address, details={"reason": "too many wrong current passwords"})
        raise NotAllowed(_("Too many wrong passwords: you have been signed out. Sign in again to continue."))
    return user
