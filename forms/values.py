"""Answer values: options, numbers as people write them, and the comparisons every field type shares."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class Option(NamedTuple):
    """One choice offered by a field: its stored value, its label and its option_meta."""

    value: Any
    label: str
    meta: Mapping

    @property
    def html(self) -> str:
        """Return the value as it travels in HTML."""
        return html_value(self.value)


def format_number(value: float | int) -> str:
    """Return a number as people write it: 3 not 3.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def html_value(value: Any) -> str:
    """Return a stored value as the string an HTML input carries."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return "" if value is None else str(value)


def is_number(value: Any) -> bool:
    """Check for a real number (booleans are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_value(a: Any, b: Any) -> bool:
    """Check two answers for equality without confusing booleans with numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def parse_iso(value: Any) -> date | None:
    """Return the date an ISO `YYYY-MM-DD` string names, or None."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def iso_parts(value: Any) -> tuple[str, str, str]:
    """Return (day, month, year) text for three date inputs from a stored or kept-as-typed date."""
    if not isinstance(value, str) or not value:
        return "", "", ""
    match = _ISO_DATE.fullmatch(value)
    if match:
        year, month, day = match.groups()
        return str(int(day)), str(int(month)), year
    parts = value.rsplit("-", 2)
    if len(parts) == 3:
        year, month, day = parts
        return day, month, year
    return "", "", ""


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


def long_date(day: date) -> str:
    """Return a date as people write it: 12 March 2026."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
