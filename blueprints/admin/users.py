"""User and team administration: accounts, roles, teams, capacity and group-supervision dates."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.access import current_actor, roles_required
from blueprints.admin.base import bp
from blueprints.admin.forms import FORM_ERRORS, failed
from clock import utcnow
from models.user import ROLES
from services.audit.trail import list_audit
from services.deadlines.timing import local_today
from services.users import admin as user_admin
from services.users import teams as team_service
from services.users.accounts import get_user
from services.users.roles import custom_roles, role_labels

ROLE_HINTS = {
    "admin": _l("Forms, workflows, users and teams"),
    "manager": _l("Triage, allocation, waiting list, countersigning for their team"),
    "practitioner": _l("Works the cases allocated to them"),
    "partner_worker": _l("Works partner (victim) cases and their confidential records"),
    "referrer": _l("Makes referrals and follows them – nothing else"),
    "auditor": _l("Reads cases and the audit trail"),
}


def _role_options() -> list[tuple[str, str, str]]:
    extra, labels = custom_roles(), role_labels()
    return [(role, labels[role], str(ROLE_HINTS[role])) for role in ROLES] + [
        (name, labels.get(name, spec["label"]), _("Added by a pathway; also works as %(role)s",
                                                  role=labels[spec["works_as"]].lower()))
        for name, spec in sorted(extra.items())]


def _user_context(values, user=None) -> dict:
    return {"values": values, "user": user, "roles": _role_options(), "teams": team_service.team_choices(),
            "chosen_roles": values.getlist("roles") if hasattr(values, "getlist") else values.get("roles", [])}


@bp.app_template_filter("role_words")
def role_words(roles) -> list[str]:
    """Return roles as their labels, the roles pathway files add included."""
    labels = role_labels()
    return [labels.get(role, role.replace("_", " ")) for role in roles or ()]


@bp.get("/users")
@roles_required("admin")
def users():
    """List users, filtered by name or email, role, team and status."""
    filters = {key: request.args.get(key, "") for key in ("text", "role", "team", "status")}
    return render_template("admin/users.html", users=user_admin.search_users(**filters), filters=filters,
                           roles=role_labels(), teams=team_service.team_choices())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """Create a user; show their one-time password once."""
    values = request.form if request.method == "POST" else {
        "roles": [], "capacity": str(current_app.config.get("DEFAULT_CAPACITY", 15))}
    context = _user_context(values)
    if request.method == "POST":
        try:
            user, password = user_admin.create_account(request.form, actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/user_new.html", exc, **context)
        return render_template("admin/user_password.html", user=user, password=password, created=True)
    return render_template("admin/user_new.html", problems=[], **context)


@bp.route("/users/<user_id>", methods=["GET", "POST"])
@roles_required("admin")
def user(user_id):
    """Change a user's details, roles, team and capacity; deactivate, reactivate or reset their password."""
    account = get_user(user_id)
    values = request.form if request.method == "POST" else {
        "name": account.name, "roles": [r for r in account.roles if r not in account.implied_roles],
        "team": account.team,
        "organisation": account.organisation, "capacity": str(account.capacity), "sex": account.sex,
        "email_reminders": "true" if account.email_reminders else ""}
    context = _user_context(values, account)
    context["history"] = list_audit(actor=current_actor(), target_type="user", target_id=str(account.pk), limit=10)
    if request.method == "POST":
        try:
            user_admin.update_account(user_id, request.form, actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/user.html", exc, **context)
        flash(f"{account.name}'s details are saved", "success")
        return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/user.html", problems=[], **context)


@bp.post("/users/<user_id>/deactivate")
@roles_required("admin")
def deactivate_user(user_id):
    """Deactivate a user: they are signed out everywhere and cannot sign in."""
    account = user_admin.set_account_active(user_id, False, actor=current_actor(), now=utcnow())
    flash(_("%(name)s is deactivated and signed out everywhere", name=account.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<user_id>/reactivate")
@roles_required("admin")
def reactivate_user(user_id):
    """Let a deactivated user sign in again."""
    account = user_admin.set_account_active(user_id, True, actor=current_actor(), now=utcnow())
    flash(_("%(name)s can sign in again", name=account.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<user_id>/reset-password", methods=["GET", "POST"])
@roles_required("admin")
def reset_user_password(user_id):
    """Confirm, then give the user a one-time password and end their sessions."""
    account = get_user(user_id)
    if request.method == "POST":
        account, password = user_admin.force_password_reset(user_id, actor=current_actor(), now=utcnow())
        return render_template("admin/user_password.html", user=account, password=password, created=False)
    return render_template("admin/user_reset.html", user=account)


@bp.get("/teams")
@roles_required("admin")
def teams():
    """List the teams with their members and next supervision date."""
    return render_template("admin/teams.html", rows=team_service.list_teams(), today=local_today(utcnow()))


@bp.route("/teams/new", methods=["GET", "POST"])
@roles_required("admin")
def new_team():
    """Create a team."""
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        try:
            team = team_service.create_team(request.form.to_dict(), actor=current_actor(), now=utcnow())
        except FORM_ERRORS as exc:
            return failed("admin/team_new.html", exc, values=values)
        flash(_("Team %(team)s created. Add its supervision dates.", team=team.name), "success")
        return redirect(url_for("admin.team", key=team.key))
    return render_template("admin/team_new.html", values=values, problems=[])


def _team_context(key: str, values) -> dict:
    team = team_service.get_team(key)
    return {"team": team, "members": team_service.team_members(key), "values": values,
            "dates": team_service.upcoming_supervision(team, local_today(utcnow())),
            "past": sorted((d for d in team.supervision_dates if d < local_today(utcnow())), reverse=True)[:3],
            "closures": sorted(d for d in team.closures if d >= local_today(utcnow()))}


@bp.route("/teams/<key>", methods=["GET", "POST"])
@roles_required("admin")
def team(key):
    """Rename a team and keep its group-supervision dates."""
    values = request.form if request.method == "POST" else {}
    context = _team_context(key, values)
    if request.method == "POST":
        try:
            if request.form.get("action") == "rename":
                team_service.rename_team(key, request.form.to_dict(), actor=current_actor(), now=utcnow())
                flash(_("Team name saved"), "success")
            elif request.form.get("action") == "add_closure":
                team_service.add_closure(key, request.form.to_dict(), actor=current_actor(), now=utcnow())
                flash(_("Closure added"), "success")
            else:
                team_service.add_supervision_date(key, request.form.to_dict(), actor=current_actor(), now=utcnow())
                flash(_("Supervision date added"), "success")
        except FORM_ERRORS as exc:
            return failed("admin/team.html", exc, **context)
        return redirect(url_for("admin.team", key=key))
    return render_template("admin/team.html", problems=[], **context)


@bp.post("/teams/<key>/closures/<day>/remove")
@roles_required("admin")
def remove_closure(key, day):
    """Remove one closure day."""
    team_service.remove_closure(key, day, actor=current_actor(), now=utcnow())
    flash(_("Closure removed"), "success")
    return redirect(url_for("admin.team", key=key))


@bp.post("/teams/<key>/supervision/<day>/remove")
@roles_required("admin")
def remove_supervision(key, day):
    """Remove one supervision date."""
    team_service.remove_supervision_date(key, day, actor=current_actor(), now=utcnow())
    flash(_("Supervision date removed"), "success")
    return redirect(url_for("admin.team", key=key))
