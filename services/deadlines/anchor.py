"""Find the date a deadline counts from when its pathway says so: a date typed in, a date field, the last session."""

from __future__ import annotations

from datetime import date, datetime, time

from models.case import CaseSession


def _moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(12))
    try:
        # Midday, so the service's day is the day typed in whatever the time zone.
        return datetime.combine(date.fromisoformat(str(value)), time(12)) if value else None
    except ValueError:
        return None


def anchor_for(case, params: dict) -> datetime | None:
    """Return the moment named by a start_deadline effect's `from`, or None to count from now."""
    if params.get("from_date"):
        return _moment(params["from_date"])
    if params.get("from_field"):
        return _moment((case.fields or {}).get(params["from_field"]))
    if params.get("from_recorded") == "last_session":
        last = CaseSession.objects(case_id=case.pk).order_by("-date").only("date").first()
        return _moment(last.date) if last else None
    return None
