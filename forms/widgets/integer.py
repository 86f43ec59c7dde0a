"""Whole number: a count or an amount without decimals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.catalogue import N_
from forms.posted import whole_number
from forms.values import is_number
from forms.widgets.base import register
from forms.widgets.number import Number
from forms.widgets.shapes import typed_whole


@register
class Integer(Number):
    """A whole number, like a count of sessions."""

    name = "integer"
    label = N_("Whole number")
    hint = N_("A whole number, like a count of sessions.")
    kind_message = N_("Enter a whole number for %(obj)s")
    decimals = False

    def possible(self, value: Any) -> bool:
        """Accept whole numbers only."""
        return is_number(value) and float(value).is_integer()

    def condition_value(self, text: str, options: tuple, schema: Mapping) -> Any:
        """Return the whole number a condition names."""
        return typed_whole(text)

    def convert(self, raw: str) -> Any:
        """Return the whole number typed, or None."""
        return whole_number(raw)
