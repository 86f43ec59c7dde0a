"""Plain-English error messages for answers, worded in the GOV.UK style by each field's type."""

from __future__ import annotations

from typing import Any

from forms.phrases import Phrases
from forms.spec import FieldSpec

__all__ = ["Phrases", "future", "invalid", "missing", "too_long"]


def missing(spec: FieldSpec, part: str | None = None) -> str:
    """Return the message for a required answer that was not given."""
    return spec.widget_type.missing(spec, Phrases(spec), part)


def future(spec: FieldSpec, part: str | None = None) -> str:
    """Return the message for a date after today where only past dates make sense."""
    p = Phrases(spec)
    if part == "date":
        return f"The date for {p.obj} must be today or in the past"
    return f"{p.subject} must be today or in the past"


def too_long(spec: FieldSpec, limit: int) -> str:
    """Return the message for an answer longer than any field may hold."""
    return f"{Phrases(spec).subject} must be {limit:,} characters or fewer"


def invalid(spec: FieldSpec, kind: str, expected: Any, value: Any, part: str | None = None) -> str:
    """Return the message for an answer that was given but is not acceptable."""
    return spec.widget_type.invalid(spec, Phrases(spec), kind, expected, value, part)
