"""Read posted HTML inputs: strings by name, whole numbers, numbers and dates typed in parts or in one box."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from forms.values import parse_iso

ABSENT = object()
# MongoDB stores whole numbers as signed 64-bit integers: anything outside is kept as typed and reported.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_MAX_NUMBER_CHARS = 40  # longer "numbers" stay text, so no conversion ever works on thousands of digits
_SURROGATES = re.compile("[\ud800-\udfff]")

_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)", re.ASCII)
_SHORT_NUMBER = re.compile(r"\d{1,2}", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", re.ASCII)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
TRUE = frozenset({"true", "yes", "on", "1", "y"})
FALSE = frozenset({"false", "no", "off", "0", "n"})

Getter = Callable[[str], list[str]]


def getter(formdata: Any) -> tuple[Getter, list[str]]:
    """Return a function giving every string posted under a name, and the posted names."""
    if hasattr(formdata, "getlist"):
        def get(name: str) -> list[str]:
            return [_storable(v) for v in formdata.getlist(name) if isinstance(v, str)]
    else:
        def get(name: str) -> list[str]:
            value = formdata.get(name)
            if isinstance(value, str):
                return [_storable(value)]
            return [_storable(v) for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
    return get, [k for k in formdata if isinstance(k, str)]


def _storable(text: str) -> str:
    """Return the text without lone surrogates, which no UTF-8 store (MongoDB included) can hold."""
    return _SURROGATES.sub("", text)


def first(values: list[str]) -> str:
    """Return the first non-blank value, stripped, with Windows line ends made plain."""
    for value in values:
        value = value.replace("\r\n", "\n").strip()
        if value:
            return value
    return ""


def whole_number(text: str) -> int | None:
    """Return the ASCII whole number typed, or None when it is not one MongoDB can store."""
    if len(text) > _MAX_NUMBER_CHARS or not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if INT_MIN <= number <= INT_MAX else None


def number(text: str) -> int | float | None:
    """Return the ASCII number typed (whole or decimal), or None when it is not a storable one."""
    whole = whole_number(text)
    if whole is not None or _INTEGER.fullmatch(text):
        return whole
    if len(text) > _MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    return float(text)


def _month(text: str) -> int | None:
    if _SHORT_NUMBER.fullmatch(text):
        return int(text)
    word = text.lower()[:3]
    return _MONTHS.index(word) + 1 if len(text) >= 3 and word in _MONTHS else None


def compose_date(day: str, month: str, year: str) -> str:
    """Return an ISO date from three typed parts, or the parts kept as `year-month-day` when not a real date."""
    month_number = _month(month)
    if _SHORT_NUMBER.fullmatch(day) and month_number and _YEAR.fullmatch(year):
        try:
            return date(int(year), month_number, int(day)).isoformat()
        except ValueError:
            pass
    return f"{year}-{month}-{day}"


def posted_date(name: str, get: Getter) -> Any:
    """Return the date posted as `name-day`/`-month`/`-year` (or in one box), or ABSENT."""
    day, month, year = (first(get(f"{name}-{part}")) for part in ("day", "month", "year"))
    if day or month or year:
        return compose_date(day, month, year)
    raw = first(get(name))
    if not raw:
        return ABSENT
    if parse_iso(raw):
        return raw
    slashed = _SLASHED.fullmatch(raw)
    return compose_date(*slashed.groups()) if slashed else raw
