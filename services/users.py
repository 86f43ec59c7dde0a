"""Create, authenticate and administer users."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from mongoengine.errors import NotUniqueError

from errors import InvalidInput, NotAllowed, NotFound, Problems
from models.user import SEXES, User
from services.audit import record_audit
from services.passwords import check_password, generate_password, hash_password, password_problem
from services.roles import known_roles, with_base_roles
from storage.uow import transactional

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENERIC_SIGN_IN_ERROR = "Enter a correct email address and password"
LOCKED_ERROR = "This account is locked after too many failed sign-ins. Try again later or ask an administrator."


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@transactional
def create_user(
    *, email: str, name: str, roles: list[str], team: str = "", password: str | None = None,
    organisation: str = "", capacity: int | None = None, must_change_password: bool = False,
    actor=None, now: datetime, sex: str = "",
) -> tuple[User, str]:
    """Create a user; return it with its password (generated when none is given)."""
    email = _normalise_email(email)
    problems = Problems()
    if not EMAIL_RE.match(email):
        problems.add("email", "Enter an email address in the correct format, like name@example.org", "Email")
    if not (name or "").strip():
        problems.add("name", "Enter the person's full name", "Name")
    known = known_roles()
    unknown = [role for role in roles if role not in known]
    if not roles:
        problems.add("roles", "Select at least one role", "Roles")
    elif unknown:
        problems.add("roles", f"Unknown role: {', '.join(unknown)}. Roles are: {', '.join(known)}", "Roles")
    roles = with_base_roles(roles)
    generated = password is None
    password = generate_password() if generated else password
    if not generated and (why := password_problem(password)):
        problems.add("password", why, "Password")
    problems.raise_if_any()
    if User.objects(email=email).first():
        raise InvalidInput(problems=[_dupe()])
    user = User(
        email=email, name=name.strip(), roles=list(dict.fromkeys(roles)), team=(team or "").strip(),
        organisation=(organisation or "").strip(), password_hash=hash_password(password),
        must_change_password=must_change_password or generated, created_at=now, sex=sex if sex in SEXES else "",
    )
    if capacity is not None:
        user.capacity = capacity
    try:
        user.save()
    except NotUniqueError:
        raise InvalidInput(problems=[_dupe()]) from None
    record_audit("user.created", actor=actor, now=now, target_type="user", target_id=user.pk,
                 details={"email": email, "roles": user.roles, "team": user.team})
    return user, password


def _dupe():
    from errors import FieldProblem

    return FieldProblem("email", "A user with this email address already exists", "Email")


def authenticate_user(*, email: str, password: str, now: datetime, client_address: str, settings: dict) -> User:
    """Return the user whose credentials these are, counting failures and locking the account; audited."""
    email = _normalise_email(email)
    user = User.objects(email=email).first()
    if user is None or not user.active:
        record_audit("sign_in.failed", now=now, actor_email=email, client_address=client_address,
                     details={"reason": "unknown or inactive account"})
        raise NotAllowed(GENERIC_SIGN_IN_ERROR)
    if user.locked_until and user.locked_until > now:
        record_audit("sign_in.refused_locked", actor=user, now=now, client_address=client_address,
                     target_type="user", target_id=user.pk)
        raise NotAllowed(LOCKED_ERROR)
    if not check_password(user.password_hash, password):
        # Atomic increment: parallel guesses must all count.
        User.objects(pk=user.pk).update_one(inc__failed_sign_ins=1)
        user.reload()
        details = {"failures": user.failed_sign_ins}
        if user.failed_sign_ins >= settings["LOGIN_MAX_FAILURES"]:
            lock_until = now + timedelta(minutes=settings["LOGIN_LOCKOUT_MINUTES"])
            User.objects(pk=user.pk).update_one(set__locked_until=lock_until, set__failed_sign_ins=0)
            details["locked_until"] = lock_until.isoformat()
            record_audit("user.locked", actor=user, now=now, client_address=client_address,
                         target_type="user", target_id=user.pk, details=details)
        record_audit("sign_in.failed", actor=user, now=now, client_address=client_address,
                     target_type="user", target_id=user.pk, details=details)
        raise NotAllowed(GENERIC_SIGN_IN_ERROR)
    User.objects(pk=user.pk).update_one(set__failed_sign_ins=0, unset__locked_until=True, set__last_sign_in_at=now)
    user.reload()
    record_audit("sign_in", actor=user, now=now, client_address=client_address, target_type="user",
                 target_id=user.pk)
    return user


def record_sign_out(*, actor, now: datetime, client_address: str) -> None:
    """Audit a sign-out."""
    record_audit("sign_out", actor=actor, now=now, client_address=client_address, target_type="user",
                 target_id=actor.pk)


def get_user(user_id) -> User:
    """Return a user by id or raise NotFound."""
    user = User.objects(pk=user_id).first() if user_id else None
    if user is None:
        raise NotFound("There is no such user")
    return user


def find_user(email: str) -> User:
    """Return a user by email or raise NotFound."""
    user = User.objects(email=_normalise_email(email)).first()
    if user is None:
        raise NotFound(f"There is no user with the email address {email}")
    return user


def list_users(*, team: str | None = None, role: str | None = None, active: bool | None = None) -> list[User]:
    """Return users, filtered, in name order."""
    query = {}
    if team:
        query["team"] = team
    if role:
        query["roles"] = role
    if active is not None:
        query["active"] = active
    return list(User.objects(**query).order_by("name"))


@transactional
def set_user_active(user: User, active: bool, *, actor=None, now: datetime) -> User:
    """Deactivate or reactivate a user; deactivation ends their sessions."""
    if actor is not None and actor.pk == user.pk and not active:
        raise NotAllowed("You cannot deactivate your own account")
    User.objects(pk=user.pk).update_one(set__active=active, inc__session_version=0 if active else 1)
    user.reload()
    record_audit("user.reactivated" if active else "user.deactivated", actor=actor, now=now,
                 target_type="user", target_id=user.pk, details={"email": user.email})
    return user


@transactional
def update_user(user: User, *, actor=None, now: datetime, **changes) -> User:
    """Change a user's name, team, roles, organisation, capacity or reminder choice; audited."""
    allowed = {"name", "team", "roles", "organisation", "capacity", "email_reminders", "sex"}
    problems = Problems()
    if "roles" in changes:
        roles = changes["roles"]
        if not roles:
            problems.add("roles", "Select at least one role", "Roles")
        elif any(role not in known_roles() for role in roles):
            problems.add("roles", f"Unknown role. Roles are: {', '.join(known_roles())}", "Roles")
        else:
            changes["roles"] = with_base_roles(roles)
    if "capacity" in changes and (not isinstance(changes["capacity"], int) or changes["capacity"] < 0):
        problems.add("capacity", "Capacity must be a whole number, 0 or more", "Capacity")
    if "name" in changes and not str(changes["name"]).strip():
        problems.add("name", "Enter the person's full name", "Name")
    if changes.get("sex", "") not in SEXES:
        problems.add("sex", "Choose man, woman or not recorded", "Sex")
    problems.raise_if_any()
    before = {key: getattr(user, key) for key in changes if key in allowed}
    for key, value in changes.items():
        if key in allowed:
            setattr(user, key, value)
    user.save()
    record_audit("user.updated", actor=actor, now=now, target_type="user", target_id=user.pk,
                 details={"before": before, "after": {key: getattr(user, key) for key in before}})
    return user


@transactional
def reset_password(user: User, *, actor=None, now: datetime) -> str:
    """Give a user a new one-time password that must be changed at next sign-in; end their sessions."""
    password = generate_password()
    User.objects(pk=user.pk).update_one(
        set__password_hash=hash_password(password), set__must_change_password=True, inc__session_version=1,
        set__failed_sign_ins=0, unset__locked_until=True,
    )
    user.reload()
    record_audit("user.password_reset", actor=actor, now=now, target_type="user", target_id=user.pk)
    return password


def change_password(user: User, *, current: str, new: str, confirm: str, now: datetime) -> User:
    """Change one's own password after checking the current one."""
    problems = Problems()
    if not check_password(user.password_hash, current):
        problems.add("current_password", "Your current password is not correct", "Current password")
    if why := password_problem(new):
        problems.add("new_password", why, "New password")
    elif new != confirm:
        problems.add("confirm_password", "The passwords do not match", "Confirm new password")
    problems.raise_if_any()
    User.objects(pk=user.pk).update_one(
        set__password_hash=hash_password(new), set__must_change_password=False, inc__session_version=1
    )
    user.reload()
    record_audit("user.password_changed", actor=user, now=now, target_type="user", target_id=user.pk)
    return user


@transactional
def ensure_first_admin(*, now: datetime) -> tuple[User, str] | None:
    """Create the first administrator on an empty database; return it with its one-time password."""
    if User.objects.limit(1).count(with_limit_and_skip=True):
        return None
    try:
        return create_user(email="admin@pathway.local", name="Administrator", roles=["admin"], now=now)
    except InvalidInput:
        return None  # another process created it first
