"""Email delivery for admins: what is waiting, what could not be delivered (try again), what the sweep skips."""

from __future__ import annotations

from flask import flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from pymongo.errors import PyMongoError

from blueprints.access import current_actor, roles_required
from blueprints.admin.base import bp
from clock import utcnow
from errors import Conflict
from services.notifications import outbox_admin


@bp.get("/email")
@roles_required("admin")
def outbox():
    """Show the email outbox: counts, messages that could not be delivered, deadlines the sweep skips."""
    return render_template("admin/outbox.html", overview=outbox_admin.delivery_overview(now=utcnow()))


@bp.post("/email/<message_id>/retry")
@roles_required("admin")
def retry_email(message_id):
    """Put a message that could not be delivered back in the queue."""
    try:
        message = outbox_admin.retry_message(message_id, actor=current_actor(), now=utcnow())
    except Conflict as exc:
        flash(exc.message, "info")
    else:
        flash(_("The email to %(to)s will be tried again within a minute", to=message.to), "success")
    return redirect(url_for("admin.outbox"))


@bp.post("/email/retry")
@roles_required("admin")
def retry_all_email():
    """Put every message that could not be delivered back in the queue."""
    count = outbox_admin.retry_all_failed(actor=current_actor(), now=utcnow())
    flash(ngettext("%(num)s email will be tried again within a minute",
                   "%(num)s emails will be tried again within a minute", count) if count
          else _("There was no email waiting to be tried again"), "success" if count else "info")
    return redirect(url_for("admin.outbox"))


@bp.app_context_processor
def delivery_problems() -> dict:
    """Give admins' pages the count of undelivered email and skipped deadlines, for the banner."""
    if not has_request_context() or request.blueprint != "admin" or request.endpoint == "admin.outbox" \
            or not getattr(current_user, "is_authenticated", False) or not current_user.has_role("admin"):
        return {}
    try:
        return {"delivery_problems": outbox_admin.problem_counts()}
    except PyMongoError:  # the page being shown matters more than the banner
        return {}
