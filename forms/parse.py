"""Parse HTML form posts into typed answers, keeping what cannot be converted as typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from forms.posted import ABSENT, Getter, compose_date, getter, whole_number
from forms.spec import FieldSpec

__all__ = ["ABSENT", "compose_date", "getter", "parse_field", "parse_fields", "whole_number"]


def parse_fields(fields: Iterable[FieldSpec], formdata: Any) -> dict:
    """Return typed answers for these fields from posted form data; empty inputs give no key."""
    get, names = getter(formdata)
    out = {}
    for spec in fields:
        value = parse_field(spec, spec.name, get, names)
        if value is not ABSENT:
            out[spec.name] = value
    return out


def parse_field(spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
    """Return the typed answer of one field posted under `name`, or ABSENT."""
    return spec.widget_type.parse(spec, name, get, names)
