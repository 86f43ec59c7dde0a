"""Create, authenticate and administer users."""

from __future__ import annotations

import re
from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import FieldProblem, InvalidInput, NotAllowed, NotFound, Problems
from forms.catalogue import N_
from models.user import LANGUAGES, SEXES, User
from services.audit.trail import record_audit
from services.notifications.send import notify_user
from services.notifications.text import message_for
from services.users.passwords import generate_password, hash_password, password_problem
from services.users.roles import custom_roles, known_roles, with_base_roles
from services.users.sign_in import (  # noqa: F401 - part of this module's interface
    GENERIC_SIGN_IN_ERROR,
    LOCKED_ERROR,
    authenticate_user,
    change_password,
    record_sign_out,
)
from storage.uow import transactional

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
        problems.add("email", _("Enter an email address in the correct format, like name@example.org")
                     if email else _("Enter an email address"), "Email")
    if not (name or "").strip():
        problems.add("name", _("Enter the person's full name"), "Name")
    custom = custom_roles()  # the pathways' own roles, read once for both uses below
    known = known_roles(custom)
    unknown = [role for role in roles if role not in known]
    if not roles:
        problems.add("roles", _("Select at least one role"), "Roles")
    elif unknown:
        problems.add("roles", _("Unknown role: %(unknown)s. Roles are: %(known)s", unknown=", ".join(unknown),
                                known=", ".join(known)), "Roles")
    roles, implied = with_base_roles(roles, custom)
    generated = password is None
    password = generate_password() if generated else password
    if not generated and (why := password_problem(password, personal=(email.split("@")[0],))):
        problems.add("password", why, "Password")
    problems.raise_if_any()
    if User.objects(email=email).first():
        raise InvalidInput(problems=[_dupe()])
    user = User(
        email=email, name=name.strip(), roles=list(dict.fromkeys(roles)), implied_roles=implied,
        team=(team or "").strip(),
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
    return FieldProblem("email", _("A user with this email address already exists"), "Email")


def get_user(user_id) -> User:
    """Return a user by id or raise NotFound."""
    try:
        user = User.objects(pk=ObjectId(str(user_id))).first() if user_id else None
    except (InvalidId, TypeError):
        user = None  # a mistyped address is "not found", never an error page
    if user is None:
        raise NotFound(_("There is no such user"))
    return user


def find_user(email: str) -> User:
    """Return a user by email or raise NotFound."""
    user = User.objects(email=_normalise_email(email)).first()
    if user is None:
        raise NotFound(_("There is no user with the email address %(email)s", email=email))
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
        raise NotAllowed(_("You cannot deactivate your own account"))
    User.objects(pk=user.pk).update_one(set__active=active, inc__session_version=0 if active else 1)
    user.reload()
    record_audit("user.reactivated" if active else "user.deactivated", actor=actor, now=now,
                 target_type="user", target_id=user.pk, details={"email": user.email})
    return user


def update_user(user: User, *, actor=None, now: datetime, **changes) -> User:
    """Change a user's name, team, roles, organisation, capacity or reminder choice; audited."""
    if "roles" in changes and changes["roles"]:
        # Outside the unit of work: a refused self-grant must stay in the audit trail and reach the other admins.
        check_role_grant(user, list(changes["roles"]), actor=actor, now=now)
    return _update_user(user, actor=actor, now=now, **changes)


@transactional
def _update_user(user: User, *, actor=None, now: datetime, **changes) -> User:
    """Change a user's name, team, roles, organisation, capacity or reminder choice; audited."""
    allowed = {"name", "team", "roles", "implied_roles", "organisation", "capacity", "email_reminders", "sex"}
    problems = Problems()
    if "roles" in changes:
        roles, custom = changes["roles"], custom_roles()
        known = known_roles(custom)
        if not roles:
            problems.add("roles", _("Select at least one role"), "Roles")
        elif any(role not in known for role in roles):
            problems.add("roles", _("Unknown role. Roles are: %(known)s", known=", ".join(known)), "Roles")
        else:
            changes["roles"], changes["implied_roles"] = with_base_roles(roles, custom)
    if "capacity" in changes and (not isinstance(changes["capacity"], int) or changes["capacity"] < 0):
        problems.add("capacity", _("Capacity must be a whole number, 0 or more"), "Capacity")
    if "name" in changes and not str(changes["name"]).strip():
        problems.add("name", _("Enter the person's full name"), "Name")
    if changes.get("sex", "") not in SEXES:
        problems.add("sex", _("Choose man, woman or not recorded"), "Sex")
    problems.raise_if_any()
    before = {key: getattr(user, key) for key in changes if key in allowed}
    for key, value in changes.items():
        if key in allowed:
            setattr(user, key, value)
    user.save()
    record_audit("user.updated", actor=actor, now=now, target_type="user", target_id=user.pk,
                 details={"before": before, "after": {key: getattr(user, key) for key in before}})
    granted = sorted(set(user.roles) - set(before.get("roles", user.roles)))
    if granted:
        record_audit("user.roles_granted", actor=actor, now=now, target_type="user", target_id=user.pk,
                     details={"email": user.email, "granted": granted, "by": actor.email if actor else "command line"})
    return user


# Roles that open case records, victim information included.
CASE_WORKING_ROLES = ("manager", "practitioner", "partner_worker", "auditor")


def check_role_grant(user: User, roles: list[str], *, actor, now: datetime) -> None:
    """Refuse an administrator giving themselves a case-working role: another administrator must; tell them."""
    # A custom role that works as a case-working role is that role too (a facilitator works as a practitioner).
    added = sorted(set(with_base_roles(roles)[0]) - set(user.roles))
    if actor is None or actor.pk != user.pk or not set(added) & set(CASE_WORKING_ROLES):
        return
    record_audit("user.self_grant_refused", actor=actor, now=now, target_type="user", target_id=user.pk,
                 details={"email": user.email, "asked_for": added})

    for admin in User.objects(roles="admin", active=True, pk__ne=user.pk):
        said = message_for(admin, N_("An administrator tried to give themselves a case-working role"),
                           N_("%(name)s (%(email)s) tried to give themselves the role(s) %(roles)s. It was refused: "
                              "another administrator must grant it if it is needed."),
                           name=user.name, email=user.email, roles=", ".join(added))
        notify_user(admin, **said, link=f"/admin/users/{user.pk}", now=now, kind="risk", email=True,
                    template="self_grant")
    raise NotAllowed(_("You cannot give yourself a role that opens case records: ask another administrator. "
                       "The other administrators have been told."))


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


@transactional
def ensure_first_admin(*, now: datetime) -> tuple[User, str] | None:
    """Create the first administrator on an empty database; return it with its one-time password."""
    if User.objects.limit(1).count(with_limit_and_skip=True):
        return None
    try:
        return create_user(email="admin@pathway.local", name="Administrator", roles=["admin"], now=now)
    except InvalidInput:
        return None  # another process created it first


def set_language(user: User, language: str, *, actor, now: datetime) -> User:
    """Remember the language a user reads Pathway in (one of models.user.LANGUAGES)."""
    if language not in LANGUAGES:
        raise InvalidInput(problems=[FieldProblem("language", _("Choose one of: %(languages)s",
                                                                languages=", ".join(LANGUAGES)))])
    if actor is None or str(actor.pk) != str(user.pk):
        raise NotAllowed(_("Only the user can choose the language they read Pathway in"))
    # One field of one document: no unit of work needed, and no history worth auditing.
    User.objects(pk=user.pk).update_one(set__language=language)
    user.language = language
    return user
