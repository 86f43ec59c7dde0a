"""The reports page as a whole: the figures (services/reports/figures.py) and a chart of each, described in words."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.reports.charts import column_chart, hbar_chart, line_chart
from services.reports.figures import get_reports

STAGE_LABELS = (("referred", _l("Referred")), ("accepted", _l("Accepted")), ("started", _l("Started")),
                ("completed", _l("Completed")), ("dropped", _l("Dropped out")))


def funnel_charts(funnel: list[dict]) -> list[dict]:
    """Return one bar chart per pathway with cases referred: how many reached each stage."""
    charts = []
    for row in funnel:
        if not row["referred"]:
            continue
        charts.append({
            "id": f"chart-funnel-{row['key']}", "title": _("Cases at each stage: %(pathway)s", pathway=row["label"]),
            "desc": _("Of %(referred)s cases referred in the period, %(accepted)s were accepted, %(started)s started, "
                      "%(completed)s completed and %(dropped)s dropped out.", referred=row["referred"],
                      accepted=row["accepted"], started=row["started"], completed=row["completed"],
                      dropped=row["dropped"]),
            "kind": "bars", "geometry": hbar_chart([(str(label), row[stage], None) for stage, label in STAGE_LABELS],
                                                   label_width=140)})
    return charts


def on_time_chart(monthly: list[dict]) -> dict:
    """Return the column chart of the share of deadlines met on time in each month."""
    rated = [m for m in monthly if m["rate"] is not None]
    if rated:
        low = min(rated, key=lambda m: m["rate"])
        high = max(rated, key=lambda m: m["rate"])
        summary = _("The highest was %(high)s%% in %(high_month)s and the lowest %(low)s%% in %(low_month)s.",
                    high=high["rate"], high_month=high["label"], low=low["rate"], low_month=low["label"])
    else:
        summary = _("No deadlines came due.")
    return {"id": "chart-on-time", "title": _("Deadlines met on time, by month"),
            "desc": _("The share of deadlines that came due in each month and were met on time; months when none "
                      "came due are marked none.") + " " + summary,
            "kind": "columns", "geometry": column_chart([(m["label"], m["rate"]) for m in monthly], none=_("none"))}


def waiting_chart(history: list[dict]) -> dict | None:
    """Return the line chart of the waiting list's length at the end of each month, if any pathway has one."""
    if not history:
        return None
    first, last = history[0], history[-1]
    most = max(history, key=lambda m: m["waiting"])
    return {"id": "chart-waiting", "title": _("Waiting list length, by month"),
            "desc": _("Cases on the waiting list at the end of each month: %(first)s at the end of %(first_month)s, "
                      "%(last)s at the end of %(last_month)s (or today); the most was %(most)s in %(most_month)s.",
                      first=first["waiting"], first_month=first["label"], last=last["waiting"],
                      last_month=last["label"], most=most["waiting"], most_month=most["label"]),
            "kind": "line", "geometry": line_chart([(m["label"], m["waiting"]) for m in history])}


def caseload_chart(caseload: list[dict]) -> dict | None:
    """Return the bar chart of each team's open cases against its practitioners' capacity."""
    if not caseload:
        return None
    words = "; ".join(_("%(team)s: %(cases)s open cases for a capacity of %(capacity)s", team=r["label"],
                        cases=r["cases"], capacity=r["capacity"]) for r in caseload)
    return {"id": "chart-caseload", "title": _("Caseload against capacity"),
            "desc": _("Open cases held by each team’s practitioners, against their total capacity. %(teams)s.",
                      teams=words),
            "kind": "bars", "outline": _("Capacity"),
            "geometry": hbar_chart([(r["label"], r["cases"], r["capacity"]) for r in caseload],
                                   of=_("%(value)s of %(outline)s"))}


def report_charts(reports: dict) -> dict:
    """Return the charts of the reports page, by table: each with its title, description and geometry."""
    return {"funnel": funnel_charts(reports["funnel"]), "on_time": on_time_chart(reports["monthly"]),
            "waiting": waiting_chart(reports["waiting_history"]), "caseload": caseload_chart(reports["caseload"])}


def get_report_page(*, actor, now: datetime, raw_from: str = "", raw_to: str = "") -> dict:
    """Return the reports page's figures and charts for the period asked for (InvalidInput on bad dates)."""
    reports = get_reports(actor=actor, now=now, raw_from=raw_from, raw_to=raw_to)
    return {**reports, "charts": report_charts(reports)}
