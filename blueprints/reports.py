"""The reports page: timeliness, the funnel, the waiting list and evaluation-measure completion, as counts."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user

from blueprints.access import roles_required
from errors import InvalidInput
from services.reports import get_reports

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
@roles_required("manager", "auditor")
def index():
    """Show the reports for the period asked for (the last 12 months by default)."""
    typed = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    try:
        reports = get_reports(actor=current_user._get_current_object(), now=datetime.utcnow(),
                              raw_from=typed["from"], raw_to=typed["to"])
    except InvalidInput as exc:
        return render_template("reports/index.html", typed=typed, problems=exc.problems, reports=None), 422
    typed = {"from": reports["start"].isoformat(), "to": reports["end"].isoformat()}
    return render_template("reports/index.html", typed=typed, problems=[], reports=reports)
