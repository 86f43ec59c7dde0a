"""The reports' period and how their numbers read: the days asked for, months, rates, medians, month labels."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date
from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput
from services.common.dates import FILTER_YEARS, typed_day
from services.common.language import LOCALES, active_language
from services.deadlines.timing import local_today


def _parse_day(raw: str, field: str, invalid: str, out_of_range: str) -> tuple[date | None, FieldProblem | None]:
    day = typed_day(raw)
    if day is None:
        return None, FieldProblem(field, invalid)
    if not FILTER_YEARS[0] <= day.year <= FILTER_YEARS[1]:
        return None, FieldProblem(field, out_of_range)
    return day, None


MOST_YEARS = 10  # the longest period a report covers


def years_before(day: date, years: int = 1) -> date:
    """Return the first day of a period of whole `years` ending on `day` (a year to 4/12/2026: from 5/12/2025)."""
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - years, day=28)
    return earlier + timedelta(days=1)


def year_before(day: date) -> date:
    """Return the day after the same date a year earlier, so the period spans exactly 12 months."""
    return years_before(day)


def get_period(raw_from: str = "", raw_to: str = "", *, now: datetime) -> tuple[date, date]:
    """Return (first day, last day) of the period asked for; the last 12 months by default."""
    problems = []
    end = local_today(now)  # the service's day, not UTC's
    if raw_to.strip():
        end, problem = _parse_day(raw_to, "to", _("Enter the end date as a real date, like 31/01/2026"),
                                  _("Enter the end date as a date between 1900 and 2999"))
        problems += [problem] if problem else []
    start = year_before(end) if end else None
    if raw_from.strip():
        start, problem = _parse_day(raw_from, "from", _("Enter the start date as a real date, like 31/01/2026"),
                                    _("Enter the start date as a date between 1900 and 2999"))
        # Listed first, as the page asks for it first.
        problems = ([problem] if problem else []) + problems
    if not problems and start > end:
        problems.append(FieldProblem("from", _("The start date must be the same as or before the end date")))
    elif not problems and start < years_before(end, MOST_YEARS):
        # Month by month, a longer period is a table and a chart no one can read.
        problems.append(FieldProblem("from", _("The period can be at most %(years)s years: choose a later start "
                                               "date", years=MOST_YEARS)))
    if problems:
        raise InvalidInput(_("Check the dates of the period"), problems=problems)
    return start, end


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return the period as [first midnight, midnight after the last day)."""
    return datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1),
                                                                          datetime.min.time())


def percent(part: int, whole: int) -> int | None:
    """Return part of whole as a whole percentage, or None when there is nothing to divide by."""
    # Half up, as people round (1 of 8 is 13%): Python's round() takes halves to the even number (12).
    return (200 * part + whole) // (2 * whole) if whole else None


def months(start: date, end: date) -> list[str]:
    """Return every month of the period as "YYYY-MM", first to last."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_label(month: str) -> str:
    """Return "2026-03" as "Mar 2026", in the language of the page."""
    return format_date(date(int(month[:4]), int(month[5:]), 1), "MMM y", locale=LOCALES[active_language()])


def number(value: float) -> str:
    """Return a count of days as words: whole when whole, else to one decimal place."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def median_of_counts(counts: dict[int, int]) -> float | None:
    """Return the median of values given as {value: how many times}, or None when there are none."""
    total = sum(counts.values())
    if not total:
        return None
    wanted, seen, picked = ((total - 1) // 2, total // 2), 0, []
    for value in sorted(counts):
        picked += [value for position in wanted if seen <= position < seen + counts[value]]
        seen += counts[value]
    return sum(picked) / 2
