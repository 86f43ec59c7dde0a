"""Inputs a user gives when taking a step: their specification and their cleaning."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from errors import Problems
from scheduler.calendar import format_date
from wording import N_, LabelPhrases, date_problem, say

DEFAULT_MAX_LENGTH = 10_000
# MongoDB stores whole numbers as signed 64-bit integers; only ASCII digits count (not "²" or "٣").
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_WHOLE = re.compile(r"[+-]?[0-9]{1,40}", re.ASCII)  # longer: not worth converting
TRUE_WORDS = {"true", "yes", "on", "1", "y"}
FALSE_WORDS = {"false", "no", "off", "0", "n", ""}
CONFIRM = N_("Confirm %(statement)s to continue")
EARLIEST_YEAR = 1900
# What a date input's `not_before` may name, each with what is said of a date before that day.
EARLIEST_DAYS = {"referral": N_("%(label)s must be on or after %(date)s, the day the case was referred")}
CHOSEN = frozenset({"user", "decision", "outcome"})  # kinds picked from a list, not typed


@dataclass(frozen=True)
class InputSpec:
    """One input of a transition or event."""

    name: str
    kind: str
    label: str
    hint: str = ""
    error: str = ""
    required: bool = True
    options: tuple[dict, ...] = ()
    role: str = ""
    no_future: bool = False
    not_before: str = ""  # "referral": no earlier than the day the case was referred (see EARLIEST_DAYS)
    max_days_ahead: int | None = None  # no later than this many days after today
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = DEFAULT_MAX_LENGTH

    @classmethod
    def from_dict(cls, data: Mapping) -> InputSpec:
        """Return the spec described by one `inputs` entry of a workflow file."""
        return cls(
            name=data["name"], kind=data["kind"], label=data["label"], hint=data.get("hint", ""),
            error=data.get("error", ""), required=data.get("required", True),
            options=tuple(dict(o) for o in data.get("options", ())), role=data.get("role", ""),
            no_future=data.get("no_future", False), not_before=data.get("not_before", ""), minimum=data.get("minimum"),
            max_days_ahead=data.get("max_days_ahead"), maximum=data.get("maximum"),
            max_length=data.get("max_length", DEFAULT_MAX_LENGTH),
        )

    def option_values(self) -> list[str]:
        """Return the values a decision or outcome may take."""
        return [o["value"] for o in self.options]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Unclean(ValueError):
    """A value that cannot be cleaned: the marked message for the user, with its values."""

    def __init__(self, marked: str, **values: Any):
        super().__init__(marked)
        self.marked, self.values = marked, values

    def say(self, language: str) -> str:
        """Return the message in a language."""
        return say(language, self.marked, **self.values)


def _clean_one(spec: InputSpec, value: Any, today: date, language: str, earliest: Mapping[str, date]) -> Any:
    """Return the cleaned value, or raise Unclean with the message for the user."""
    kind = spec.kind
    if kind in ("reason", "text", "user"):
        if not isinstance(value, str):
            raise Unclean(N_("%(label)s must be text"), label=spec.label)
        value = value.strip()
        if kind != "user" and len(value) > spec.max_length:
            raise Unclean(N_("%(label)s must be %(max)s characters or fewer"), label=spec.label, max=spec.max_length)
        return value
    if kind in ("decision", "outcome"):
        if value not in spec.option_values():
            words = LabelPhrases(spec.label, language=language)
            raise Unclean(N_("Select one of the options for %(obj)s"),
                          obj=words.quoted if words.question else words.the())
        return value
    if kind == "date":
        return _clean_date(spec, value, today, language, earliest)
    if kind == "number":
        return _clean_number(spec, value)
    return _clean_confirm(spec, value, language)


def _clean_date(spec: InputSpec, value: Any, today: date, language: str, earliest: Mapping[str, date]) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            # Said here, naming the part left out ("must include a month") as the form pages do.
            raise Unclean(date_problem(LabelPhrases(spec.label, language=language), value)) from None
    if value.year < EARLIEST_YEAR:  # a slip of the keyboard, not a day anything on a case happened
        raise Unclean(N_("%(label)s must be in %(year)s or later"), label=spec.label, year=EARLIEST_YEAR)
    if spec.no_future and value > today:
        raise Unclean(N_("%(label)s must be today or in the past"), label=spec.label)
    if spec.max_days_ahead is not None and value > today + timedelta(days=spec.max_days_ahead):
        # A year typed wrong (2036 for 2026) would otherwise set a date no one meant.
        raise Unclean(N_("%(label)s must be on or before %(date)s"), label=spec.label,
                      date=format_date(today + timedelta(days=spec.max_days_ahead), language))
    floor = earliest.get(spec.not_before) if spec.not_before else None
    if floor is not None and value < floor:
        raise Unclean(EARLIEST_DAYS[spec.not_before], label=spec.label, date=format_date(floor, language))
    # ISO text rather than a date object: it is stored as is, and BSON has no bare date type.
    return value.isoformat()


def _clean_number(spec: InputSpec, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or (
            isinstance(value, str) and not _WHOLE.fullmatch(value.strip())):
        raise Unclean(N_("%(label)s must be a whole number"), label=spec.label)
    number = int(value.strip()) if isinstance(value, str) else value
    low = INT_MIN if spec.minimum is None else spec.minimum
    high = INT_MAX if spec.maximum is None else spec.maximum
    if not INT_MIN <= number <= INT_MAX:
        raise Unclean(N_("Enter a number between %(low)s and %(high)s"), low=f"{low:,}", high=f"{high:,}")
    if spec.minimum is not None and number < spec.minimum:
        raise Unclean(N_("%(label)s must be %(minimum)s or more"), label=spec.label, minimum=spec.minimum)
    if spec.maximum is not None and number > spec.maximum:
        raise Unclean(N_("%(label)s must be %(maximum)s or less"), label=spec.label, maximum=spec.maximum)
    return number


def _clean_confirm(spec: InputSpec, value: Any, language: str) -> bool:
    if isinstance(value, bool):
        ticked = value
    elif str(value).strip().lower() in TRUE_WORDS:
        ticked = True
    elif str(value).strip().lower() in FALSE_WORDS:
        ticked = False
    else:
        raise Unclean(missing_message(spec, language))
    if spec.required and not ticked:
        raise Unclean(missing_message(spec, language))
    return ticked


def missing_message(spec: InputSpec, language: str = "en") -> str:
    """Return what to say when a required input is left blank, naming it: "Enter the date of the incident"."""
    if spec.error:
        return spec.error
    if spec.kind == "confirm":  # a box to tick: its label is the statement confirmed
        return say(language, CONFIRM, statement=LabelPhrases(spec.label, language=language).quoted)
    words = LabelPhrases(spec.label, language=language)
    return words.select() if spec.kind in CHOSEN else words.enter()


def clean_inputs(specs, raw: Mapping | None, *, now: datetime, language: str = "en", today: date | None = None,
                 earliest: Mapping[str, date] | None = None) -> dict:
    """Return the cleaned inputs for specs; raise InvalidInput naming every missing or invalid one, in the language.

    Keys in raw that no spec names are dropped. An optional input left blank is None (False for a box to tick).
    `today` is the service's day, which "no later than today" means (now's UTC date when not given); `earliest`
    gives the days a `not_before` names (the case's referral day), each left unchecked when not given.
    """
    raw = raw or {}
    cleaned: dict[str, Any] = {}
    problems = Problems()
    for spec in specs:
        value = raw.get(spec.name)
        if _blank(value) and not (spec.kind == "confirm" and spec.required):
            if spec.required:
                problems.add(spec.name, missing_message(spec, language), spec.label)
            cleaned[spec.name] = False if spec.kind == "confirm" else None
            continue
        try:
            cleaned[spec.name] = _clean_one(spec, value, today or now.date(), language, earliest or {})
        except ValueError as exc:
            problems.add(spec.name, exc.say(language) if isinstance(exc, Unclean) else str(exc), spec.label)
    problems.raise_if_any(message=say(language, N_("Check the answers")))
    return cleaned
