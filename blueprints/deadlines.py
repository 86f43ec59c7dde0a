"""My deadlines, notifications and the email reminder setting."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from blueprints.access import current_actor, roles_required
from clock import utcnow
from scheduler.calendar import format_date
from services.common.language import active_language
from services.deadlines import lists as deadline_lists
from services.notifications import send as notification_service
from services.notifications import text as notification_text
from services.notifications.unread import header_count
from services.users.accounts import update_user

bp = Blueprint("deadlines", __name__)

DEADLINE_ROLES = ("manager", "practitioner", "partner_worker")


@bp.app_template_filter("deadline_basis")
def _deadline_basis(deadline) -> str:
    """Return why a deadline is due when it is, in the page's language."""
    return deadline_lists.basis_in(deadline, active_language())


@bp.app_template_filter("long_date")
def _long_date(value) -> str:
    """Format a date as '12 March 2026'."""
    return format_date(value) if value else ""


@bp.app_context_processor
def _notification_count() -> dict:
    """Give the header the signed-in user's unread notification count."""
    if not getattr(current_user, "is_authenticated", False):
        return {}
    # Kept on the user, who is read for every request: the header costs no read of its own.
    return {"notification_count": header_count(current_user)}


@bp.get("/deadlines")
@roles_required(*DEADLINE_ROLES)
def my_deadlines():
    """List the user's open deadlines (or, for managers, the team's): overdue, due this week, later."""
    user = current_actor()
    default = "team" if user.has_role("manager") else "mine"
    scope = request.args.get("scope", default)
    if scope not in ("mine", "team") or (scope == "team" and not user.has_role("manager")):
        scope = "mine"
    page = deadline_lists.deadline_page(actor=user, scope=scope, now=utcnow())
    return render_template("deadlines/my_deadlines.html", scope=scope, is_manager=user.has_role("manager"), **page)


@bp.get("/notifications")
@login_required
def notifications():
    """List the user's notifications, newest first."""
    found, unread = notification_service.notifications_page(current_user)
    # The count just made, which mended the one kept on the user (as read for this request) if it was off.
    return render_template("deadlines/notifications.html", notification_count=unread,
                           notifications=notification_text.in_reader_language(found, active_language()))


@bp.get("/notifications/<notification_id>")
@login_required
def open_notification(notification_id):
    """Mark a notification read and go where it points."""
    user = current_actor()
    note = notification_service.get_notification(notification_id, user)
    notification_service.mark_read(note, user, now=utcnow())
    # Only paths inside Pathway: a stored link never sends anyone to another site.
    if note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return redirect(url_for("deadlines.notifications"))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    """Mark every notification read."""
    count = notification_service.mark_all_read(current_actor(), now=utcnow())
    flash(ngettext("%(num)s notification marked as read", "%(num)s notifications marked as read", count) if count
          else _("You have no unread notifications"), "success")
    return redirect(url_for("deadlines.notifications"))


@bp.route("/account/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings():
    """Let users choose whether reminders and notifications also come by email."""
    user = current_actor()
    problems = []
    if request.method == "POST":
        choice = request.form.get("email_reminders", "")
        if choice not in ("yes", "no"):
            problems = [{"field": "email_reminders", "message": _("Select whether you want emails")}]
        else:
            update_user(user, actor=user, now=utcnow(), email_reminders=choice == "yes")
            flash(_("Emails are on") if choice == "yes" else _("Emails are off: you will see notifications in "
                                                                 "Pathway only"), "success")
            return redirect(url_for("deadlines.reminder_settings"))
    return render_template("deadlines/reminder_settings.html", problems=problems), 422 if problems else 200
