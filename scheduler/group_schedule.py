"""A group's weekly schedule on working days: sessions skip bank holidays and service closures to the next week.

Pure on purpose: dates in, dates out. A group meets on one weekday; a week whose meeting day is closed has no
session (the programme runs a week longer) rather than a session on another day the men cannot make.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from scheduler.calendar import WorkingCalendar
from wording import N_


class Planned(NamedTuple):
    """One planned session: its number and date."""

    number: int
    date: date


class Skipped(NamedTuple):
    """A week with no session, and why."""

    date: date
    reason: str


def first_meeting(start: date, weekday: int) -> date:
    """Return the first date on or after start that falls on weekday (Monday 0)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def weekly_sessions(start: date, weekday: int, count: int, cal: WorkingCalendar, *,
                    first_number: int = 1) -> tuple[list[Planned], list[Skipped]]:
    """Return count weekly sessions from start on weekday, numbered from first_number, and the weeks skipped."""
    if count < 0:
        raise ValueError("count must not be negative")
    if weekday not in cal.WORKING_WEEKDAYS:
        # Every week would be skipped: the search for a working meeting day would never end.
        raise ValueError(f"weekday {weekday} is never a working day")
    planned: list[Planned] = []
    skipped: list[Skipped] = []
    day = first_meeting(start, weekday)
    while len(planned) < count:
        if cal.is_working_day(day):
            planned.append(Planned(first_number + len(planned), day))
        else:
            skipped.append(Skipped(day, cal.holiday_name(day) or N_("Not a working day")))
        day += timedelta(days=7)
    return planned, skipped


def is_intake(number: int, *, rolling: bool, every: int) -> bool:
    """Tell whether new members may join at session number: the first, and every `every` sessions when rolling."""
    if number == 1:
        return True
    return rolling and every > 0 and (number - 1) % every == 0


def programme_week(session_number: int, join_number: int, first_week: int = 1) -> int:
    """Return a member's programme week at a session, counting from the session he joined at."""
    return first_week + session_number - join_number


def last_number(join_number: int, sessions: int, first_week: int = 1) -> int:
    """Return the number of the session that ends a member's programme."""
    return join_number + sessions - first_week
