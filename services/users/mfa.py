"""Multi-factor sign-in: TOTP enrolment with a QR code, codes checked once, hashed recovery codes, admin reset."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput, NotAllowed
from models.user import User
from services.audit.trail import record_audit

ISSUER = "Pathway"
RECOVERY_CODES = 10
MAX_FAILURES = 5
STAFF_ROLES = ("admin", "manager", "practitioner", "partner_worker", "auditor")


def required_roles(settings) -> tuple[str, ...]:
    """Return the roles that must sign in with a second factor (default: staff in production, none otherwise)."""
    raw = str(settings.get("MFA_REQUIRED_ROLES") or "").strip()
    if raw == "" or raw == "default":
        return STAFF_ROLES if settings.get("ENV") == "production" else ()
    if raw == "none":
        return ()
    return tuple(role.strip() for role in raw.split(",") if role.strip())


def mfa_required(user: User, settings) -> bool:
    """Tell whether this user must set up multi-factor sign-in before using the service."""
    return user.has_role(*required_roles(settings))


def new_secret() -> str:
    """Return a fresh TOTP secret to enrol (kept in the session until confirmed)."""
    return pyotp.random_base32()


def qr_svg(secret: str, email: str) -> str:
    """Return the enrolment QR code as inline SVG (no script, no outside service)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#0b0c0c", light="#ffffff",
                                                  svgclass="app-qr", title="QR code for your authenticator app")


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _hash_code(code: str) -> str:
    # Recovery codes are random with 50 bits each: a fast keyed hash is enough, and no clear copy is kept.
    return hashlib.sha256(b"pathway-recovery:" + _digits(code).encode()).hexdigest()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    for drift in (-1, 0, 1):  # a phone clock a little off still works
        at = now.timestamp() + drift * totp.interval
        if hmac.compare_digest(totp.at(at), code):
            return int(at // totp.interval)
    return None


def enable_mfa(user: User, *, secret: str, code: str, now: datetime, client_address: str = "") -> list[str]:
    """Turn multi-factor sign-in on once a code from the new secret checks; return the recovery codes (once)."""
    if not secret:
        raise InvalidInput(problems=[FieldProblem("code", _("Start setting up again: the set-up had expired"))])
    step = _matching_step(secret, _digits(code), now)
    if step is None:
        raise InvalidInput(problems=[FieldProblem("code",
                                                  _("Enter the 6-digit code your authenticator app shows now"))])
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    User.objects(pk=user.pk).update_one(
        set__mfa_secret=secret, set__mfa_enabled_at=now, set__mfa_last_step=step, set__mfa_failures=0,
        set__mfa_recovery_hashes=[_hash_code(c) for c in codes], inc__session_version=1)
    user.reload()
    record_audit("user.mfa_enabled", actor=user, now=now, target_type="user", target_id=user.pk,
                 client_address=client_address)
    return codes


def check_second_factor(user: User, code: str, *, now: datetime, client_address: str = "") -> str:
    """Check a TOTP code (each usable once) or a recovery code (used up); return which; audited.

    Too many wrong codes end the pending sign-in: the password must be given again.
    """
    typed = _digits(code)
    if user.mfa_enabled and len(typed) == 6 and typed.isdigit():
        step = _matching_step(user.mfa_secret, typed, now)
        # Atomic "newer than the last step used": a code seen over someone's shoulder cannot be replayed.
        if step is not None and User.objects(pk=user.pk, mfa_last_step__lt=step).update_one(
                set__mfa_last_step=step, set__mfa_failures=0):
            record_audit("sign_in.second_factor", actor=user, now=now, client_address=client_address,
                         target_type="user", target_id=user.pk, details={"method": "totp"})
            return "totp"
    elif user.mfa_enabled and typed:
        hashed = _hash_code(typed)
        if User.objects(pk=user.pk, mfa_recovery_hashes=hashed).update_one(pull__mfa_recovery_hashes=hashed,
                                                                           set__mfa_failures=0):
            user.reload()
            record_audit("sign_in.recovery_code_used", actor=user, now=now, client_address=client_address,
                         target_type="user", target_id=user.pk, details={"left": len(user.mfa_recovery_hashes)})
            return "recovery"
    User.objects(pk=user.pk).update_one(inc__mfa_failures=1)
    user.reload()
    record_audit("sign_in.second_factor_failed", actor=user, now=now, client_address=client_address,
                 target_type="user", target_id=user.pk, details={"failures": user.mfa_failures})
    if user.mfa_failures >= MAX_FAILURES:
        User.objects(pk=user.pk).update_one(set__mfa_failures=0)
        raise NotAllowed(_("Too many wrong codes: sign in again with your password"))
    raise InvalidInput(problems=[FieldProblem("code", _("Enter the code from your authenticator app, or a "
                                                        "recovery code"))])


def reset_mfa(user: User, *, actor, now: datetime) -> User:
    """Turn a user's multi-factor sign-in off (lost phone) as an administrator; their sessions end; audited."""
    if actor is not None and actor.pk == user.pk:
        raise NotAllowed(_("Another administrator must reset your own multi-factor sign-in"))
    User.objects(pk=user.pk).update_one(set__mfa_secret="", unset__mfa_enabled_at=True, set__mfa_last_step=0,
                                        set__mfa_recovery_hashes=[], set__mfa_failures=0, inc__session_version=1)
    user.reload()
    record_audit("user.mfa_reset", actor=actor, now=now, target_type="user", target_id=user.pk,
                 details={"email": user.email})
    return user
