"""Parse HTML form posts into typed answers, keeping what cannot be converted as typed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from forms.spec import FieldSpec, parse_iso

ABSENT = object()
MAX_ROWS = 200  # a crafted post must not make the server build thousands of rows
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
_TRUE = {"true", "yes", "on", "1", "y"}
_FALSE = {"false", "no", "off", "0", "n"}

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


def whole_number(text: str) -> int | None:
    """Return the ASCII whole number typed, or None when it is not one MongoDB can store."""
    if len(text) > _MAX_NUMBER_CHARS or not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if INT_MIN <= number <= INT_MAX else None


def _number(text: str) -> int | float | None:
    """Return the ASCII number typed (whole or decimal), or None when it is not a storable one."""
    whole = whole_number(text)
    if whole is not None or _INTEGER.fullmatch(text):
        return whole
    if len(text) > _MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    return float(text)


def parse_fields(fields: Iterable[FieldSpec], formdata: Any) -> dict:
    """Return typed answers for these fields from posted form data; empty inputs give no key."""
    get, names = getter(formdata)
    out = {}
    for spec in fields:
        value = parse_field(spec, spec.name, get, names)
        if value is not ABSENT:
            out[spec.name] = value
    return out


def _first(values: list[str]) -> str:
    """Return the first non-blank value, stripped, with Windows line ends made plain."""
    for value in values:
        value = value.replace("\r\n", "\n").strip()
        if value:
            return value
    return ""


def parse_field(spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
    """Return the typed answer of one field posted under `name`, or ABSENT."""
    widget = spec.widget
    if widget == "repeater":
        return _rows(spec, name, get, names)
    if widget == "attestation":
        return _attestation(name, get)
    if widget == "file":
        return _file(name, get)
    if widget == "date":
        return _date(name, get)
    if widget == "checkboxes":
        chosen: list = []
        for raw in get(name):
            raw = raw.strip()
            value = _choice(spec, raw) if raw else ABSENT
            if value is not ABSENT and value not in chosen:
                chosen.append(value)
        return chosen or ABSENT
    raw = _first(get(name))
    if not raw:
        return ABSENT
    if widget == "integer":
        number = whole_number(raw)
        return raw if number is None else number
    if widget == "number":
        number = _number(raw.replace(",", ""))
        return raw if number is None else number
    if widget == "yesno":
        word = raw.lower()
        return True if word in _TRUE else False if word in _FALSE else raw
    if widget in ("radios", "select", "scale"):
        return _choice(spec, raw)
    return raw


def _choice(spec: FieldSpec, raw: str) -> Any:
    for option in spec.options:
        if option.html == raw:
            return option.value
    # An integer scale accepts any whole number so that an out-of-range one is reported, not lost.
    if spec.widget == "scale" and "oneOf" not in spec.schema and whole_number(raw) is not None:
        return whole_number(raw)
    return raw


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


def _date(name: str, get: Getter) -> Any:
    day, month, year = (_first(get(f"{name}-{part}")) for part in ("day", "month", "year"))
    if day or month or year:
        return compose_date(day, month, year)
    raw = _first(get(name))
    if not raw:
        return ABSENT
    if parse_iso(raw):
        return raw
    slashed = _SLASHED.fullmatch(raw)
    return compose_date(*slashed.groups()) if slashed else raw


def _attestation(name: str, get: Getter) -> Any:
    out: dict = {}
    full_name = _first(get(f"{name}-full_name"))
    if full_name:
        out["full_name"] = full_name
    signed = _date(f"{name}-date", get)
    if signed is not ABSENT:
        out["date"] = signed
    confirmed = _first(get(f"{name}-confirmed")).lower()
    if confirmed in _TRUE:
        out["confirmed"] = True
    return out or ABSENT


def _file(name: str, get: Getter) -> Any:
    """Return the current file's record from the hidden inputs the template writes beside the file input."""
    file_id = _first(get(f"{name}-id"))
    if not file_id or _first(get(f"{name}-remove")).lower() in _TRUE:
        return ABSENT
    out: dict = {"id": file_id, "filename": _first(get(f"{name}-filename"))}
    content_type = _first(get(f"{name}-content_type"))
    if content_type:
        out["content_type"] = content_type
    size = _first(get(f"{name}-size"))
    if size:
        number = whole_number(size)
        out["size"] = size if number is None else number
    return out


def _rows(spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
    pattern = re.compile(rf"{re.escape(name)}-(\d{{1,4}})-.+", re.ASCII)
    indexes = sorted({int(m.group(1)) for n in names if (m := pattern.fullmatch(n))})[:MAX_ROWS]
    rows = []
    for index in indexes:
        row = {}
        for child in spec.children:
            value = parse_field(child, f"{name}-{index}-{child.name}", get, names)
            if value is not ABSENT:
                row[child.name] = value
        if row:
            rows.append(row)
    return rows or ABSENT
