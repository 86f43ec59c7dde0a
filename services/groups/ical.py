"""A group's schedule as an iCalendar file (RFC 5545) for facilitators' calendars: dates, times, venue, no names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from models.group import Group, GroupSession
from services.groups.schedules import spec_of

LONDON = ZoneInfo("Europe/London")


def _escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, continuing with a space (RFC 5545 §3.1)."""
    raw, out = line.encode("utf-8"), []
    while len(raw) > 75:
        cut = 75 if not out else 74
        while cut and (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(raw[:cut])
        raw = raw[cut:]
    out.append(raw)
    return "\r\n ".join(part.decode("utf-8") for part in out)


def _utc(day, time_text: str) -> str:
    hours, minutes = (int(x) for x in time_text.split(":"))
    local = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LONDON)
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def group_calendar(group: Group, *, now: datetime, host: str = "pathway") -> str:
    """Return the group's sessions and catch-ups as an iCalendar text; who attends is never in it."""
    spec = spec_of(group)
    length = timedelta(hours=spec.session_hours)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") if now.tzinfo else now.strftime(
        "%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pathway//Group schedule//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(group.name)}"]
    for session in GroupSession.objects(group_id=group.pk).order_by("date", "number"):
        start = _utc(session.date, session.start_time)
        end_local = datetime.strptime(start, "%Y%m%dT%H%M%SZ") + length
        summary = (_("%(group)s: catch-up for session %(number)s", group=group.name, number=session.number)
                   if session.kind == "catch_up" else
                   _("%(group)s: session %(number)s", group=group.name, number=session.number))
        lines += ["BEGIN:VEVENT", f"UID:{session.pk}@{host}", f"DTSTAMP:{stamp}", f"DTSTART:{start}",
                  f"DTEND:{end_local.strftime('%Y%m%dT%H%M%SZ')}", f"SUMMARY:{_escape(summary)}",
                  f"LOCATION:{_escape(group.venue)}", f"SEQUENCE:{max(0, session.revision - 1)}",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
