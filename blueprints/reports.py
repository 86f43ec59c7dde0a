"""The reports page: timeliness, the funnel, the waiting list and evaluation-measure completion, as counts."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from blueprints.access import current_actor, roles_required
from clock import utcnow
from errors import InvalidInput
from services.reports import get_reports

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
@roles_required("manager", "auditor")
def index():
    """Show the reports for the period asked for (the last 12 months by default)."""
    typed = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    try:
        reports = get_reports(actor=current_actor(), now=utcnow(),
                              raw_from=typed["from"], raw_to=typed["to"])
    except InvalidInput as exc:
        return render_template("reports/index.html", typed=typed, problems=exc.problems, reports=None), 422
    typed = {"from": reports["start"].isoformat(), "to": reports["end"].isoformat()}
    return render_template("reports/index.html", typed=typed, problems=[], reports=reports)
