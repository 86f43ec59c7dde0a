"""Oversight pages: who has seen a record, and break-the-glass access with a stated reason."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.access import client_address, current_actor
from clock import utcnow
from errors import InvalidInput, NotFound
from services.audit.oversight import break_glass as grant_break_glass
from services.audit.oversight import may_break_glass, who_has_seen
from services.cases.access import get_case

bp = Blueprint("oversight", __name__)


@bp.app_template_global("may_see_reads")
def may_see_reads(case) -> bool:
    """Tell whether the signed-in user may see who has read the case (its team's managers, auditors)."""
    user = current_user._get_current_object()  # the user itself, not the proxy asked four times
    return user.is_authenticated and (user.has_role("auditor") or (user.has_role("manager") and user.team == case.team))


@bp.get("/cases/<case_id>/seen")
@login_required
def seen(case_id):
    """Show every read of a case and its records, and by whom (the team's managers and auditors)."""
    case = get_case(case_id)
    if not may_see_reads(case):
        raise NotFound(_("There is no such case"))
    return render_template("oversight/seen.html", case=case, rows=who_has_seen(case, actor=current_actor()))


@bp.route("/cases/<case_id>/break-glass", methods=["GET", "POST"])
@login_required
def break_glass(case_id):
    """Open a restricted record by stating why: recorded, and the owning team's managers are told."""
    case = get_case(case_id)
    if not may_break_glass(current_actor(), case):
        raise NotFound(_("There is no such case"))
    reason, problems = "", []
    if request.method == "POST":
        reason = request.form.get("reason", "")
        try:
            grant_break_glass(case, actor=current_actor(), reason=reason, now=utcnow(),
                              client_address=client_address())
        except InvalidInput as exc:
            problems = exc.problems
        else:
            flash(_("You have opened this record for one hour. Your reason is recorded and its team has been told."),
                  "info")
            target = "partner.case_page" if case.kind == "partner" else "cases.case_page"
            return redirect(url_for(target, case_id=case.pk))
    return render_template("oversight/break_glass.html", case=case, reason=reason,
                           problems=problems), 422 if problems else 200
