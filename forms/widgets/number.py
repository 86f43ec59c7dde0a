"""Number: any number typed in a box, decimals allowed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases, not_valid, out_of_range
from forms.posted import ABSENT, INT_MAX, INT_MIN, Getter, first, number
from forms.values import is_number
from forms.widgets.base import Widget, register
from forms.widgets.shapes import DECIMAL, write_range

if TYPE_CHECKING:
    from forms.spec import FieldSpec

_NUMERIC = re.compile(r"[+-]?[0-9,]*\.?[0-9]+", re.ASCII)


def _bound(value: Any, default: int) -> str:
    """Return a range bound as people write it, with thousands separators."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        value = default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


@register
class Number(Widget):
    """Any number, with decimals allowed."""

    name = "number"
    label = N_("Number")
    hint = N_("Any number, with decimals allowed.")
    asks = ("range",)
    family = "number"
    numeric = True
    decimals = True
    reads = "number"
    kind_message = N_("Enter a number for %(obj)s")

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need a property of this JSON type."""
        if schema.get("type") == self.name:
            return None
        return f"the {self.name} widget needs {{\"type\": \"{self.name}\"}}"

    def possible(self, value: Any) -> bool:
        """Accept any number."""
        return is_number(value)

    def condition_value(self, text: str, options: tuple, schema: Mapping) -> Any:
        """Return the number a condition names."""
        if DECIMAL.match(text):
            return float(text) if "." in text else int(text)
        raise ValueError("a number")

    def convert(self, raw: str) -> Any:
        """Return the number typed (thousands commas allowed), or None."""
        return number(raw.replace(",", ""))

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the number typed, or the text as typed when it is not one."""
        raw = first(get(name))
        if not raw:
            return ABSENT
        value = self.convert(raw)
        return raw if value is None else value

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Say which number to enter, or which bound it breaks."""
        if kind == "type" and isinstance(value, str) and _NUMERIC.fullmatch(value):
            return p.say(N_("Enter a number between %(low)s and %(high)s for %(obj)s"),
                         low=_bound(spec.min, INT_MIN), high=_bound(spec.max, INT_MAX), obj=p.obj)
        if kind == "type":
            return p.say(self.kind_message, obj=p.obj)
        return out_of_range(p, kind, expected) or not_valid(p)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write the JSON type and the lowest and highest answers."""
        prop["type"] = self.name
        write_range(prop, spec)
