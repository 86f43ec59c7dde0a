"""The reports page as a whole: the figures (services/reports.py) and a chart of each, described in words."""

from __future__ import annotations

from datetime import datetime

from services.charts import column_chart, hbar_chart, line_chart
from services.reports import get_reports

STAGE_LABELS = (("referred", "Referred"), ("accepted", "Accepted"), ("started", "Started"),
                ("completed", "Completed"), ("dropped", "Dropped out"))


def funnel_charts(funnel: list[dict]) -> list[dict]:
    """Return one bar chart per pathway with cases referred: how many reached each stage."""
    charts = []
    for row in funnel:
        if not row["referred"]:
            continue
        charts.append({
            "id": f"chart-funnel-{row['key']}", "title": f"Cases at each stage: {row['label']}",
            "desc": (f"Of {row['referred']} cases referred in the period, {row['accepted']} were accepted, "
                     f"{row['started']} started, {row['completed']} completed and {row['dropped']} dropped out."),
            "kind": "bars", "geometry": hbar_chart([(label, row[stage], None) for stage, label in STAGE_LABELS],
                                                   label_width=140)})
    return charts


def on_time_chart(monthly: list[dict]) -> dict:
    """Return the column chart of the share of deadlines met on time in each month."""
    rated = [m for m in monthly if m["rate"] is not None]
    if rated:
        low = min(rated, key=lambda m: m["rate"])
        high = max(rated, key=lambda m: m["rate"])
        summary = (f" The highest was {high['rate']}% in {high['label']} and the lowest {low['rate']}% in "
                   f"{low['label']}.")
    else:
        summary = " No deadlines came due."
    return {"id": "chart-on-time", "title": "Deadlines met on time, by month",
            "desc": ("The share of deadlines that came due in each month and were met on time; months when none "
                     "came due are marked none." + summary),
            "kind": "columns", "geometry": column_chart([(m["label"], m["rate"]) for m in monthly])}


def waiting_chart(history: list[dict]) -> dict | None:
    """Return the line chart of the waiting list's length at the end of each month, if any pathway has one."""
    if not history:
        return None
    first, last = history[0], history[-1]
    most = max(history, key=lambda m: m["waiting"])
    return {"id": "chart-waiting", "title": "Waiting list length, by month",
            "desc": (f"Cases on the waiting list at the end of each month: {first['waiting']} at the end of "
                     f"{first['label']}, {last['waiting']} at the end of {last['label']} (or today); the most was "
                     f"{most['waiting']} in {most['label']}."),
            "kind": "line", "geometry": line_chart([(m["label"], m["waiting"]) for m in history])}


def caseload_chart(caseload: list[dict]) -> dict | None:
    """Return the bar chart of each team's open cases against its practitioners' capacity."""
    if not caseload:
        return None
    words = "; ".join(f"{r['label']}: {r['cases']} open cases for a capacity of {r['capacity']}" for r in caseload)
    return {"id": "chart-caseload", "title": "Caseload against capacity",
            "desc": f"Open cases held by each team's practitioners, against their total capacity. {words}.",
            "kind": "bars", "outline": "Capacity",
            "geometry": hbar_chart([(r["label"], r["cases"], r["capacity"]) for r in caseload])}


def report_charts(reports: dict) -> dict:
    """Return the charts of the reports page, by table: each with its title, description and geometry."""
    return {"funnel": funnel_charts(reports["funnel"]), "on_time": on_time_chart(reports["monthly"]),
            "waiting": waiting_chart(reports["waiting_history"]), "caseload": caseload_chart(reports["caseload"])}


def get_report_page(*, actor, now: datetime, raw_from: str = "", raw_to: str = "") -> dict:
    """Return the reports page's figures and charts for the period asked for (InvalidInput on bad dates)."""
    reports = get_reports(actor=actor, now=now, raw_from=raw_from, raw_to=raw_to)
    return {**reports, "charts": report_charts(reports)}
