"""Read a posted date that must not be in the future, naming the field and saying what is wrong."""

from __future__ import annotations

from datetime import date

from errors import Problems

EARLIEST_BIRTH = date(1900, 1, 1)  # a date of birth before it is a slip of the keyboard, not a person


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
