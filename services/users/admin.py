"""User administration from the admin pages: read the posted forms, then use services.users.accounts. Audited there."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput, NotAllowed, Problems
from models.team import Team
from models.user import SEXES, User
from services.users.accounts import (
    EMAIL_RE,
    check_role_grant,
    create_user,
    get_user,
    reset_password,
    set_user_active,
    update_user,
)
from services.users.roles import known_roles
from storage.uow import transactional

# Roles whose work is organised by team: caseloads, allocation, supervision.
TEAM_ROLES = ("manager", "practitioner", "partner_worker")


def _roles(data) -> list[str]:
    values = data.getlist("roles") if hasattr(data, "getlist") else data.get("roles", [])
    return [v for v in ([values] if isinstance(values, str) else values) if v]


def _common(data, problems: Problems) -> dict:
    roles = _roles(data)
    team = (data.get("team") or "").strip()
    changes = {"name": (data.get("name") or "").strip(), "roles": roles, "team": team,
               "organisation": (data.get("organisation") or "").strip()}
    known = known_roles()
    if any(role not in known for role in roles):
        problems.add("roles", _("Choose roles from the list"), "Roles")
    if team and not Team.objects(key=team).first():
        problems.add("team", _("Choose a team from the list"), "Team")
    if not team and any(role in TEAM_ROLES for role in roles):
        problems.add("team", _("Choose the team of this manager, practitioner or partner-support worker"), "Team")
    changes["sex"] = (data.get("sex") or "").strip()
    if changes["sex"] not in SEXES:
        problems.add("sex", _("Choose man, woman or not recorded"), "Sex")
    capacity = (data.get("capacity") or "").strip()
    if capacity:
        if not (capacity.isascii() and capacity.isdigit()) or len(capacity) > 4 or int(capacity) > 500:
            problems.add("capacity", _("Enter the number of open cases as a whole number, like 15"), "Capacity")
        else:
            changes["capacity"] = int(capacity)
    return changes


@transactional
def create_account(data, *, actor, now: datetime) -> tuple[User, str]:
    """Create a user with a one-time password they must change at first sign-in; return both."""
    problems = Problems()
    if not EMAIL_RE.match((data.get("email") or "").strip()):
        problems.add("email", _("Enter an email address in the correct format, like name@example.org")
                     if (data.get("email") or "").strip() else _("Enter an email address"), "Email")
    changes = _common(data, problems)
    if not changes["name"]:
        problems.add("name", _("Enter the person's full name"), "Name")
    if not changes["roles"]:
        problems.add("roles", _("Select at least one role"), "Roles")
    problems.raise_if_any()
    return create_user(email=data.get("email", ""), name=changes["name"], roles=changes["roles"],
                       team=changes["team"], organisation=changes["organisation"],
                       capacity=changes.get("capacity"), sex=changes["sex"], actor=actor, now=now)


def update_account(user_id: str, data, *, actor, now: datetime) -> User:
    """Change a user's name, roles, team, organisation and capacity."""
    # Before the unit of work: a refused self-grant must stay in the audit trail and reach the other admins.
    user, roles = get_user(user_id), _common(data, Problems()).get("roles") or []
    if not (actor.pk == user.pk and "admin" not in roles):  # dropping one's own admin role is refused below
        check_role_grant(user, roles, actor=actor, now=now)
    return _update_account(user_id, data, actor=actor, now=now)


@transactional
def _update_account(user_id: str, data, *, actor, now: datetime) -> User:
    user = get_user(user_id)
    problems = Problems()
    changes = _common(data, problems)
    if "capacity" not in changes and (data.get("capacity") or "").strip() == "":
        changes["capacity"] = user.capacity
    problems.raise_if_any()
    if actor.pk == user.pk and "admin" in user.roles and "admin" not in changes["roles"]:
        raise InvalidInput(problems=[FieldProblem("roles", _("You cannot remove your own administrator role: ask "
                                                             "another administrator"), "Roles")])
    changes["email_reminders"] = str(data.get("email_reminders", "")).lower() in ("true", "on", "yes", "1")
    return update_user(user, actor=actor, now=now, **changes)


@transactional
def set_account_active(user_id: str, active: bool, *, actor, now: datetime) -> User:
    """Deactivate (signing them out everywhere) or reactivate a user."""
    user = get_user(user_id)
    if user.active == active:
        raise NotAllowed(_("%(name)s is already active", name=user.name) if active
                         else _("%(name)s is already deactivated", name=user.name))
    return set_user_active(user, active, actor=actor, now=now)


@transactional
def force_password_reset(user_id: str, *, actor, now: datetime) -> tuple[User, str]:
    """Give a user a new one-time password, ending their sessions; return the user and the password."""
    user = get_user(user_id)
    if not user.active:
        raise NotAllowed(_("Reactivate the account before resetting its password"))
    password = reset_password(user, actor=actor, now=now)
    return user, password


def search_users(*, text: str = "", role: str = "", team: str = "", status: str = "") -> list[User]:
    """Return users matching the filters, by name."""
    query = User.objects
    if role in known_roles():
        query = query.filter(roles=role)
    if team:
        query = query.filter(team=team)
    if status in ("active", "deactivated"):
        query = query.filter(active=status == "active")
    text = text.strip().lower()
    users = list(query.order_by("name"))
    if text:
        users = [u for u in users if text in u.name.lower() or text in u.email.lower()]
    return users
