"""Each report table as headers and rows of counts, for the downloads: the same figures the page shows."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from errors import NotFound
from services.reports.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from services.reports.figures import get_reports

FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def _blank(value):
    """Return a figure for a table cell: a number as a number (a median shown as "51" too), nothing as None."""
    if isinstance(value, str):
        try:
            return int(value) if value.isdigit() else float(value)
        except ValueError:
            return value
    return value


def report_tables(reports: dict) -> dict[str, dict]:
    """Return every table of the reports, by id: its title, headers and rows (counts and rates only)."""
    tables = {
        "timeliness": (_("Deadlines met on time"), [_("Deadline"), _("Came due"), _("Met on time"), _("Met late"),
                                                    _("Open and overdue"), _("On time (%)")],
                       [[r["label"], r["due"], r["on_time"], r["late"], r["overdue"], _blank(r["rate"])]
                        for r in reports["timeliness"]]),
        "timeliness-by-month": (_("On time by month"), [_("Month"), _("Came due"), _("Met on time"), _("Met late"),
                                                        _("Open and overdue"), _("On time (%)")],
                                [[m["label"], m["due"], m["on_time"], m["late"], m["overdue"], _blank(m["rate"])]
                                 for m in reports["monthly"]]),
        "funnel": (_("Cases at each stage"), [_("Pathway"), _("Referred"), _("Accepted"), _("Started"), _("Completed"),
                                              _("Dropped out"), _("Completed of started (%)")],
                   [[r["label"], r["referred"], r["accepted"], r["started"], r["completed"], r["dropped"],
                     _blank(r["completion_rate"])] for r in reports["funnel"]]),
        "waiting": (_("Waiting list now"), [_("Measure"), _("Value")],
                    [[_("Waiting now"), reports["waiting"]["count"]],
                     [_("Median wait (days)"), _blank(reports["waiting"]["median"])],
                     [_("Longest wait (days)"), _blank(reports["waiting"]["longest"])]]),
        "waiting-history": (_("Waiting list by month"), [_("Month"), _("Waiting at the end of the month")],
                            [[m["label"], m["waiting"]] for m in reports["waiting_history"]]),
        "caseload": (_("Caseload against capacity"), [_("Team"), _("Practitioners"), _("Capacity"), _("Open cases"),
                                                      _("Capacity used (%)"), _("Practitioners at or over capacity")],
                     [[r["label"], r["practitioners"], r["capacity"], r["cases"], _blank(r["used"]),
                       r["at_capacity"]] for r in reports["caseload"]]),
    }
    found = {key: {"id": key, "title": title, "headers": headers, "rows": rows}
             for key, (title, headers, rows) in tables.items()}
    for evaluation in reports["evaluation"]:
        key = f"evaluation-{evaluation['key']}"
        found[key] = {"id": key, "title": _("Evaluation measures (%(pathway)s)", pathway=evaluation["label"]),
                      "headers": [_("Sets completed"), _("Cases"), _("Share (%)")],
                      "rows": [[r["label"], r["count"], _blank(r["share"])] for r in evaluation["rows"]]
                      + [[_("Total"), evaluation["total"], None]]}
    return found


def export_report(*, actor, now: datetime, table: str, fmt: str, raw_from: str = "", raw_to: str = "") -> dict:
    """Return one report table as a download: its file name, content type and bytes (InvalidInput on bad dates)."""
    if fmt not in FORMATS:
        raise NotFound(_("There is no such download"))
    reports = get_reports(actor=actor, now=now, raw_from=raw_from, raw_to=raw_to)
    found = report_tables(reports).get(table)
    if found is None:
        raise NotFound(_("There is no such report table"))
    if fmt == "csv":
        content = csv_bytes(found["headers"], found["rows"])
    else:
        content = xlsx_bytes(found["title"], found["headers"], found["rows"])
    scope = "all-teams" if reports["scope"] == _("All teams") else actor.team
    return {"filename": f"report-{table}-{scope}-{reports['start'].isoformat()}-{reports['end'].isoformat()}.{fmt}",
            "content_type": FORMATS[fmt], "content": content}
