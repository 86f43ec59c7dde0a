"""The reports page (timeliness, the funnel, waits, caseloads, evaluation measures, as counts) and its downloads."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from blueprints.access import current_actor, no_store, roles_required
from clock import utcnow
from errors import InvalidInput
from services.reports.page import get_report_page
from services.reports.tables import export_report

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
@roles_required("manager", "auditor")
def index():
    """Show the reports for the period asked for (the last 12 months by default)."""
    typed = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    try:
        reports = get_report_page(actor=current_actor(), now=utcnow(),
                              raw_from=typed["from"], raw_to=typed["to"])
    except InvalidInput as exc:
        return render_template("reports/index.html", typed=typed, problems=exc.problems, reports=None), 422
    typed = {"from": _shown(reports["start"]), "to": _shown(reports["end"])}
    return render_template("reports/index.html", typed=typed, problems=[], reports=reports)


@bp.get("/download/<table>.<fmt>")
@roles_required("manager", "auditor")
def download(table: str, fmt: str):
    """Send one report table as CSV or XLSX, for the same period and scope as the page."""
    found = export_report(actor=current_actor(), now=utcnow(), table=table, fmt=fmt,
                          raw_from=request.args.get("from", ""), raw_to=request.args.get("to", ""))
    return no_store(Response(found["content"], mimetype=found["content_type"].split(";")[0],
                             content_type=found["content_type"],
                             headers={"Content-Disposition": f'attachment; filename="{found["filename"]}"'}))


def _shown(day) -> str:
    """Return a day as the date fields show one: 1/12/2025."""
    return f"{day.day}/{day.month}/{day.year}"
