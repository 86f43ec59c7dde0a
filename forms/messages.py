"""Error messages for answers, worded in the GOV.UK style by each field's type, in the reader's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.phrases import Phrases
from forms.spec import FieldSpec
from scheduler.calendar import format_date

__all__ = ["Phrases", "future", "in_row", "invalid", "missing", "not_placed", "too_long", "too_recent"]


def missing(spec: FieldSpec, part: str | None = None, language: str | None = SOURCE_LANGUAGE) -> str:
    """Return the message for a required answer that was not given."""
    return spec.widget_type.missing(spec, Phrases(spec, language), part)


def future(spec: FieldSpec, part: str | None = None, language: str | None = SOURCE_LANGUAGE) -> str:
    """Return the message for a date after today where only past dates make sense."""
    p = Phrases(spec, language)
    if part == "date":
        return p.say(N_("The date for %(signature)s must be today or in the past"), signature=p.named())
    return p.say(N_("%(subject)s must be today or in the past"), subject=p.subject)


def too_recent(spec: FieldSpec, latest: date, language: str | None = SOURCE_LANGUAGE) -> str:
    """Return the message for a date later than the latest its question takes (a date of birth too recent)."""
    p = Phrases(spec, language)
    return p.say(N_("%(subject)s must be on or before %(date)s"), subject=p.subject,
                 date=format_date(latest, language))


def too_long(spec: FieldSpec, limit: int, language: str | None = SOURCE_LANGUAGE) -> str:
    """Return the message for an answer longer than any field may hold."""
    p = Phrases(spec, language)
    return p.say(N_("%(subject)s must be %(count)s characters or fewer"), subject=p.subject, count=f"{limit:,}")


def invalid(spec: FieldSpec, kind: str, expected: Any, value: Any, part: str | None = None,
            language: str | None = SOURCE_LANGUAGE) -> str:
    """Return the message for an answer that was given but is not acceptable."""
    return spec.widget_type.invalid(spec, Phrases(spec, language), kind, expected, value, part)


def in_row(message: str, row: int, language: str | None = SOURCE_LANGUAGE) -> str:
    """Return a message about one row of a repeating group, saying which row."""
    return say(language, N_("%(message)s (row %(row)s)"), message=message, row=row)


def not_placed(language: str | None = SOURCE_LANGUAGE) -> str:
    """Return the message for problems that belong to no one question."""
    return say(language, N_("Some answers are not valid: check the answers and try again"))
