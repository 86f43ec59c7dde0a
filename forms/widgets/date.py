"""Date: day, month and year typed in three boxes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases
from forms.posted import Getter, posted_date
from forms.values import long_date, parse_iso
from forms.widgets.base import Widget, register
from wording import date_problem

if TYPE_CHECKING:
    from forms.spec import FieldSpec

def date_message(p: Phrases, value: Any) -> str:
    """Return the message for a date that is not a real one, naming the parts left out."""
    return date_problem(p, value)


@register
class Date(Widget):
    """Day, month and year."""

    name = "date"
    label = N_("Date")
    hint = N_("Day, month and year.")
    asks = ("no_future", "min_years_ago")
    # A date of birth: how many years ago it must be at least (16 for someone domestic abuse law covers).
    layout = {"no_future": {"type": "boolean"}, "min_years_ago": {"type": "integer", "minimum": 1, "maximum": 120}}

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need an ISO date string."""
        ok = schema.get("type") == "string" and schema.get("format") == "date"
        return None if ok else "the date widget needs {\"type\": \"string\", \"format\": \"date\"}"

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the ISO date typed, or the parts as typed (`year-month-day`) when it is not a real date."""
        return posted_date(name, get)

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Say which part is missing, or that it is not a real date."""
        return date_message(p, value)

    def display_one(self, spec: FieldSpec, value: Any) -> str:
        """Return the date as people write it: 12 March 2026."""
        day = parse_iso(value)
        return long_date(day) if day else str(value)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write an ISO date string."""
        prop.update(type="string", format="date")

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write "cannot be in the future" and "at least so many years ago"."""
        if spec.get("no_future"):
            item["no_future"] = True
        if spec.get("min_years_ago"):
            item["min_years_ago"] = spec["min_years_ago"]
