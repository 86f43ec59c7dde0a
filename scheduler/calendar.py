"""Working-day calendar and date arithmetic for statutory timescales.

Working days are Monday to Friday, excluding the bank holidays of the UK region (England and Wales share
one list) and any extra closures a service declares. Counting never includes the starting day: one working
day after a Friday is the following Monday, one working day before a Monday is the previous Friday.

Deadline timing (due at the end of the due day, reminders at 08:00) lives in ``scheduler.timescales``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date as babel_date

# England and Wales share bank holidays, so "ENG" serves both.
REGIONS = {"england_wales": "ENG", "scotland": "SCT", "northern_ireland": "NIR"}
CLOSURE_NAME = "Service closure"
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def as_date(value: date | datetime) -> date:
    """Return the calendar date of a date or datetime."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, got {value!r}")


def whole_number(value: object, what: str, *, minimum: int | None = None) -> int:
    """Return value if it is an int (not a bool) of at least minimum, else raise ValueError."""
    # bool is an int subclass; {"days": True} in a timescale definition is a mistake, not 1 day.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, got {value}")
    return value


def format_date(d: date | datetime, language: str | None = None) -> str:
    """Return d as '12 March 2026' (in another language, as babel writes a date there: '12 Mawrth 2026')."""
    # Fixed month names rather than strftime("%B"), which follows the process locale.
    d = as_date(d)
    if language and language != "en":
        return _date_in(d, language)
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


@lru_cache(maxsize=4096)
def _date_in(d: date, language: str) -> str:
    # Babel reads its locale data and parses the pattern on each call; a page says the same few dates again.
    return babel_date(d, "d MMMM y", locale=language)


def add_months(d: date, n: int) -> date:
    """Return d moved by n calendar months, clamped to the end of a shorter month."""
    n = whole_number(n, "months")
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    last_day = (first_of_next - timedelta(days=1)).day
    return date(year, month, min(d.day, last_day))


class WorkingCalendar:
    """Answer working-day questions for one UK region plus a service's own closures."""

    # Monday to Friday (Monday 0): a weekend day is never a working day, whatever the holidays.
    WORKING_WEEKDAYS = range(5)

    def __init__(self, region: str = "england_wales", extra_closures: Iterable[date] = (), time_zone: str = "UTC"):
        if region not in REGIONS:
            raise ValueError(f"unknown region {region!r}; expected one of {sorted(REGIONS)}")
        self.region = region
        # Stored times are naive UTC; the service's days (when a deadline falls due, 08:00 reminders) are local.
        self.tz = ZoneInfo(time_zone)
        self.extra_closures = frozenset(as_date(d) for d in extra_closures)
        self._by_year: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.region!r}, {len(self.extra_closures)} extra closures)"

    def _bank_holidays(self, year: int) -> dict[date, str]:
        """Return the region's bank holidays in year, by date."""
        found = self._by_year.get(year)
        if found is None:
            found = dict(holidays.UK(subdiv=REGIONS[self.region], years=year).items())
            self._by_year[year] = found
        return found

    def holiday_name(self, d: date | datetime) -> str | None:
        """Return why d is closed (bank holiday name or service closure), or None."""
        d = as_date(d)
        if d in self.extra_closures:
            return CLOSURE_NAME
        return self._bank_holidays(d.year).get(d)

    def is_working_day(self, d: date | datetime) -> bool:
        """Return whether d is a weekday that is neither a bank holiday nor a closure."""
        d = as_date(d)
        return (d.weekday() in self.WORKING_WEEKDAYS and d not in self.extra_closures
                and d not in self._bank_holidays(d.year))

    def add_working_days(self, d: date | datetime, n: int) -> date:
        """Return the nth working day after d, or before it when n is negative; n == 0 returns d."""
        n = whole_number(n, "working days")
        day = as_date(d)
        step = timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def subtract_working_days(self, d: date | datetime, n: int) -> date:
        """Return the nth working day before d."""
        return self.add_working_days(d, -whole_number(n, "working days"))

    def next_working_day(self, d: date | datetime) -> date:
        """Return the first working day strictly after d."""
        return self.add_working_days(d, 1)

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Return how many working days b lies after a (negative when b is before a).

        Counts working days in (a, b] forwards and [b, a) backwards, so that
        add_working_days(a, working_days_between(a, b)) == b whenever b is a working day.
        """
        a, b = as_date(a), as_date(b)
        if b >= a:
            return self._count(a + timedelta(days=1), b + timedelta(days=1))
        return -self._count(b, a)

    def _count(self, start: date, stop: date) -> int:
        """Return the number of working days in [start, stop)."""
        count, day = 0, start
        while day < stop:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count


def working_days_before(target: date | datetime, n: int, cal: WorkingCalendar) -> date:
    """Return the date n working days before target (e.g. workbooks due before group supervision)."""
    return cal.subtract_working_days(target, whole_number(n, "working days", minimum=0))


def next_date_after(dates: Iterable[date | datetime], after: date | datetime) -> date | None:
    """Return the earliest of dates strictly after after, or None when there is none."""
    after = as_date(after)
    later = [as_date(d) for d in dates if as_date(d) > after]
    return min(later) if later else None
