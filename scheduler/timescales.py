"""Deadlines, reminders, escalations and pauses computed from statutory timescales.

Conventions (all datetimes are naive and read as UTC, like the rest of the application; days are the service's
days, in the calendar's time zone, Europe/London in production):
- a deadline is due at the END of its due day, 23:59:59 local time; the time of day of the start is ignored;
- an hours timescale ({hours: 24}) is due exactly that many hours after its start;
- calendar-day, week, month and year timescales are not moved off weekends or bank holidays; only
  working-day timescales skip them;
- reminders go out at 08:00 on their day, never after the deadline;
- escalations fire a whole number of days after the deadline instant.

A timescale spec is a one-key dict: {"hours": n}, {"days": n}, {"weeks": n}, {"months": n}, {"years": n} or
{"working_days": n}. A negative n counts backwards ("2 working days before supervision").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta

from scheduler.calendar import WorkingCalendar, add_months, as_date, format_date, whole_number
from wording import N_, say

DUE_TIME = time(23, 59, 59)
REMINDER_TIME = time(8, 0)
DURATION_UNITS = ("hours", "days", "weeks", "months", "years", "working_days")
# Each unit's amount, one and many (the catalogue says them in other languages; English picks by the number).
_UNIT_WORDS = {
    "hours": (N_("%(count)s hour"), N_("%(count)s hours")),
    "days": (N_("%(count)s day"), N_("%(count)s days")),
    "weeks": (N_("%(count)s week"), N_("%(count)s weeks")),
    "months": (N_("%(count)s month"), N_("%(count)s months")),
    "years": (N_("%(count)s year"), N_("%(count)s years")),
    "working_days": (N_("%(count)s working day"), N_("%(count)s working days")),
}
_BASES = {  # (before, after) without and with the anchor's date
    False: (N_("%(amount)s before %(anchor)s"), N_("%(amount)s after %(anchor)s")),
    True: (N_("%(amount)s before %(anchor)s on %(date)s"), N_("%(amount)s after %(anchor)s on %(date)s")),
}
REMINDER_KEYS = ("days_before", "working_days_before", "on_due")
ESCALATION_KEYS = ("after_days", "repeat_every_days", "max_repeats")


def parse_spec(spec: Mapping[str, object]) -> tuple[str, int]:
    """Return (unit, amount) of a one-key timescale spec, or raise ValueError."""
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise ValueError(f"a timescale must have exactly one of {DURATION_UNITS}, got {spec!r}")
    ((unit, amount),) = spec.items()
    if unit not in DURATION_UNITS:
        raise ValueError(f"unknown timescale unit {unit!r}; expected one of {DURATION_UNITS}")
    return unit, whole_number(amount, unit)


def end_of_day(d: date | datetime) -> datetime:
    """Return the last second of d's day, when a deadline on that day falls due."""
    return datetime.combine(as_date(d), DUE_TIME)


def due_day(start: date | datetime, spec: Mapping[str, object], cal: WorkingCalendar) -> date:
    """Return the day a timescale running from start falls due."""
    unit, n = parse_spec(spec)
    day = as_date(start)
    if unit == "hours":
        return as_date(datetime.combine(day, time(0)) + timedelta(hours=n))
    if unit == "working_days":
        return cal.add_working_days(day, n)
    if unit == "months":
        return add_months(day, n)
    if unit == "years":
        return add_months(day, 12 * n)
    return day + timedelta(days=n * 7 if unit == "weeks" else n)


def _zone(cal: WorkingCalendar):
    return getattr(cal, "tz", None) or UTC


def local_date(moment: date | datetime, cal: WorkingCalendar) -> date:
    """Return the service's day a stored (naive UTC) moment falls on."""
    if not isinstance(moment, datetime):
        return moment
    return moment.replace(tzinfo=UTC).astimezone(_zone(cal)).date()


def local_time(day: date, at: time, cal: WorkingCalendar) -> datetime:
    """Return the stored (naive UTC) moment of a local time on a service day."""
    return datetime.combine(day, at, tzinfo=_zone(cal)).astimezone(UTC).replace(tzinfo=None)


def add_duration(start: date | datetime, spec: Mapping[str, object], cal: WorkingCalendar) -> datetime:
    """Return when a timescale running from start is due: the end of its due (local) day, or start + hours."""
    unit, n = parse_spec(spec)
    if unit == "hours":
        moment = start if isinstance(start, datetime) else local_time(start, time(0), cal)
        return moment + timedelta(hours=n)
    return local_time(due_day(local_date(start, cal), spec, cal), DUE_TIME, cal)


def basis_text(
    spec: Mapping[str, object], anchor_label: str, anchor_date: date | datetime | None = None, language: str = "en"
) -> str:
    """Return a plain-words basis such as '5 working days after the risk level was set to high', in a language."""
    unit, n = parse_spec(spec)
    if not isinstance(anchor_label, str) or not anchor_label.strip():
        raise ValueError("anchor_label must name the event the timescale runs from")
    singular, plural = _UNIT_WORDS[unit]
    amount = say(language, singular if abs(n) == 1 else plural, count=abs(n))
    dated = anchor_date is not None
    sentence = _BASES[dated][n >= 0]
    values = {"date": format_date(anchor_date, language)} if dated else {}
    return say(language, sentence, amount=amount, anchor=say(language, anchor_label.strip()), **values)


def counted_from(basis: str, anchor: date | datetime, language: str = "en") -> str:
    """Return a pathway's basis with the day it is counted from: '6 weeks after allocation, counted from 1 May 2026'."""
    return say(language, N_("%(basis)s, counted from %(date)s"), basis=basis, date=format_date(anchor, language))


def _as_due(due: date | datetime) -> datetime:
    """Return due as a datetime, reading a bare date as the end of that day."""
    return due if isinstance(due, datetime) else end_of_day(due)


def _reminder_day(entry: Mapping[str, object], due_date: date, cal: WorkingCalendar) -> date | None:
    """Return the day one reminder entry falls on, or None for {on_due: false}."""
    if not isinstance(entry, Mapping) or len(entry) != 1:
        raise ValueError(f"a reminder must have exactly one of {REMINDER_KEYS}, got {entry!r}")
    ((key, value),) = entry.items()
    if key == "on_due":
        if not isinstance(value, bool):
            raise ValueError(f"on_due must be true or false, got {value!r}")
        return due_date if value else None
    if key == "days_before":
        return due_date - timedelta(days=whole_number(value, key, minimum=0))
    if key == "working_days_before":
        return cal.subtract_working_days(due_date, whole_number(value, key, minimum=0))
    raise ValueError(f"unknown reminder {key!r}; expected one of {REMINDER_KEYS}")


def reminder_times(
    due: date | datetime, schedule: Iterable[Mapping[str, object]], cal: WorkingCalendar
) -> list[datetime]:
    """Return the sorted, distinct 08:00 reminder times of a schedule, dropping any after due."""
    due = _as_due(due)
    times = set()
    for entry in schedule:
        day = _reminder_day(entry, local_date(due, cal), cal)
        if day is not None:
            times.add(local_time(day, REMINDER_TIME, cal))
    return sorted(t for t in times if t <= due)


def escalation_times(due: date | datetime, escalation: Mapping[str, object]) -> list[datetime]:
    """Return when an overdue deadline escalates: after_days past due, then max_repeats more times.

    {after_days: 0, repeat_every_days: 3, max_repeats: 3} escalates at due, due+3, due+6 and due+9 days.
    """
    unknown = set(escalation) - set(ESCALATION_KEYS)
    if unknown:
        raise ValueError(f"unknown escalation keys {sorted(unknown)}; expected {ESCALATION_KEYS}")
    after = whole_number(escalation.get("after_days", 0), "after_days", minimum=0)
    every = whole_number(escalation.get("repeat_every_days", 0), "repeat_every_days", minimum=0)
    repeats = whole_number(escalation.get("max_repeats", 0), "max_repeats", minimum=0)
    if repeats and not every:
        # Repeats with no interval would all land on the same instant.
        raise ValueError("max_repeats needs a repeat_every_days of at least 1")
    first = _as_due(due) + timedelta(days=after)
    return [first + timedelta(days=every * k) for k in range(repeats + 1)]


def shift_for_pause(due: date | datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """Return due moved later by the calendar days the clock was paused.

    The shift is whole days (resumed date minus paused date) so the deadline stays at the end of a day.
    A pause that starts after the deadline has passed leaves it unchanged: it was already missed.
    """
    due = _as_due(due)
    if resumed_at < paused_at:
        raise ValueError(f"resumed_at {resumed_at} is before paused_at {paused_at}")
    if paused_at >= due:
        return due
    return due + (as_date(resumed_at) - as_date(paused_at))


def collapse_missed(times: Iterable[datetime], now: datetime) -> datetime | None:
    """Return the latest of times not after now (the single catch-up to send), or None."""
    passed = [t for t in times if t <= now]
    return max(passed) if passed else None
