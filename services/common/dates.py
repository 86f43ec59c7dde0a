"""Read a posted date that must not be in the future, naming the field and saying what is wrong."""

from __future__ import annotations

from datetime import date, datetime

from errors import Problems

EARLIEST_BIRTH = date(1900, 1, 1)  # a date of birth before it is a slip of the keyboard, not a person
# How a day may be typed into a filter: as the date pages show it (24/11/2026) or as the address bar has it.
TYPED_DAY = ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%d/%m/%y")
# Filters' days: bounded so that "the day after" and every month in between always exist (9999-12-31 has no day
# after, and the year 1 no day before).
FILTER_YEARS = (1900, 2999)


def typed_day(text: str) -> date | None:
    """Return the day typed in one of the usual ways (24/11/2026, 2026-11-24), or None if it is not a real day."""
    for pattern in TYPED_DAY:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def past_date(raw, field: str, label: str, problems: Problems, *, today: date, required: bool = True,
              missing: str = "", invalid: str = "", future: str = "", earliest: date | None = None,
              too_early: str = "") -> date | None:
    """Return the ISO date typed for `label`, or None with a problem added (empty, not a real date, in the future).

    `missing`, `invalid`, `future` and `too_early` (before `earliest`) are the whole messages, translated, when the
    caller has them.
    """
    raw = str(raw or "").strip()
    if not raw:
        if required:
            problems.add(field, missing or f"Enter the {label[:1].lower()}{label[1:]}", label)
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        problems.add(field, invalid or f"{label} must be a real date", label)
        return None
    if value > today:
        problems.add(field, future or f"{label} must be today or in the past", label)
        return None
    if earliest is not None and value < earliest:
        problems.add(field, too_early or f"{label} must be on or after {earliest.isoformat()}", label)
        return None
    return value
