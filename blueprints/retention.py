"""Retention review: the cases due for destruction, approval, legal holds."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.access import current_actor, roles_required
from clock import utcnow
from errors import InvalidInput
from services.privacy import retention as service
from services.privacy.monitoring import monitoring_counts

bp = Blueprint("retention", __name__, url_prefix="/retention")



@bp.get("/")
@roles_required("manager", "admin")
def queue():
    """List the cases whose keeping period has run out, oldest due first."""
    return render_template("retention/queue.html",
                           **service.review_queue(actor=current_actor(), page=request.args.get("page", 1)))


@bp.get("/monitoring")
@roles_required("manager", "admin", "auditor")
def monitoring():
    """Show ended cases counted by outcome and monitoring category, destroyed records included."""
    return render_template("retention/monitoring.html", **monitoring_counts(actor=current_actor()))


@bp.route("/<review_id>", methods=["GET", "POST"])
@roles_required("manager", "admin")
def review(review_id):
    """Show one due case's rule; approve its destruction or place a legal hold."""
    actor, now = current_actor(), utcnow()
    found = service.get_review(review_id, actor=actor)
    problems, reason = [], ""
    if request.method == "POST":
        try:
            if request.form.get("decision") == "hold":
                reason = request.form.get("reason", "")
                service.place_legal_hold(found.case_id, reason=reason, actor=actor, now=now)
                flash(_("Legal hold placed: nothing will be destroyed until it is lifted"), "success")
            elif request.form.get("decision") == "lift":
                service.lift_legal_hold(found.case_id, actor=actor, now=now)
                flash(_("Legal hold lifted"), "success")
            else:
                service.approve_destruction(review_id, actor=actor, now=now, confirm=bool(request.form.get("confirm")))
                flash(_("The records have been destroyed; the audit trail records your approval"), "success")
                return redirect(url_for("retention.queue"))
            return redirect(url_for("retention.review", review_id=review_id))
        except InvalidInput as exc:
            problems = exc.problems
    return render_template("retention/review.html", review=found, held=service.on_hold(found.case_id),
                           problems=problems, reason=reason), 422 if problems else 200
