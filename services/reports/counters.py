"""The counters' collection the reports add up: one small document per metric, day (or month), team and pathway.

Shared by the waiting list's counters (services/reports/counts.py), the cohort's (services/reports/cohort.py) and the
on-time figures' (services/reports/deadline_counts.py). Counters are kept per day and per month, for the team and for
all teams (team `*`), so a report reads the months inside its period and the days at its edges.
"""

from __future__ import annotations

from datetime import date, timedelta

from pymongo import ASCENDING

from models.case import Case

COLLECTION = "report_counts"
# Named here rather than imported from services.reports.fields, which the submission hooks import.
KEY = ("metric", "day", "team", "pathway")
ALL_TEAMS = "*"


def counts():
    """Return the counters' collection."""
    return Case._get_db()[COLLECTION]


def ensure_counts_index() -> None:
    """Create the unique index every counter is found and summed by (idempotent; run at start-up)."""
    counts().create_index([(field, ASCENDING) for field in KEY], unique=True, name="counter_key")


def add(metric: str, *, team: str, pathway: str, day: date | str, by: int) -> None:
    """Add `by` to one counter (created at 0 when missing), inside the caller's transaction when there is one."""
    if by:
        when = day if isinstance(day, str) else day.isoformat()  # a day, or a month ("2026-03")
        counts().update_one({"metric": metric, "day": when, "team": team or "", "pathway": pathway or ""},
                            {"$inc": {"n": by}}, upsert=True)


def period_days(start: date, end: date) -> list[dict]:
    """Return the filters of the counters of a period: whole months by their month, the edges by their days."""
    found, months, first = [], [], date(start.year, start.month, 1)
    while first <= end:
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        low, high = max(first, start), min(following - timedelta(days=1), end)
        if low == first and high == following - timedelta(days=1):
            months.append(first.isoformat()[:7])
        else:  # within one month, so the range never takes in a month's own counter
            found.append({"day": {"$gte": low.isoformat(), "$lte": high.isoformat()}})
        first = following
    return ([{"day": {"$in": months}}] if months else []) + found
