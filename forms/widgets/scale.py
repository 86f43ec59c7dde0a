"""Rating scale: one point from a range of whole numbers, or from labelled points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases
from forms.posted import ABSENT, Getter, first, whole_number
from forms.widgets.base import Widget, register
from forms.widgets.radios import choice, not_an_option
from forms.widgets.shapes import INLINE, choices, labelled_points, points_of, typed_whole, write_inline, write_range

if TYPE_CHECKING:
    from forms.spec import FieldSpec

MAX_SCALE_POINTS = 21


@register
class Scale(Widget):
    """A number between two ends, like 1 to 10."""

    name = "scale"
    label = N_("Rating scale")
    hint = N_("A number between two ends, like 1 to 10.")
    asks = ("range", "inline")
    layout = INLINE
    has_options = True
    needs_ends = True

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need a whole-number range of at most 21 points, or labelled oneOf points."""
        if "oneOf" in schema:
            problem = labelled_points(schema["oneOf"])
            if problem is None and len(schema["oneOf"]) > MAX_SCALE_POINTS:
                return f"a scale can have at most {MAX_SCALE_POINTS} points"
            return problem
        low, high = schema.get("minimum"), schema.get("maximum")
        if schema.get("type") != "integer" or not isinstance(low, int) or not isinstance(high, int):
            return "the scale widget needs {\"type\": \"integer\", \"minimum\": a, \"maximum\": b} or labelled " \
                   "\"oneOf\" points"
        if not 0 < high - low + 1 <= MAX_SCALE_POINTS:
            return f"a scale needs between 1 and {MAX_SCALE_POINTS} points from minimum to maximum"
        return None

    def asks_for(self, prop: Mapping) -> tuple[str, ...]:
        """Ask for labelled points when the scale has them, else for its two ends."""
        return ("options", "inline") if "oneOf" in prop else self.asks

    def condition_value(self, text: str, options: tuple, schema: Mapping) -> Any:
        """Return the labelled point a condition names, or the whole number on a range."""
        return super().condition_value(text, options, schema) if "oneOf" in schema else typed_whole(text)

    def labelled(self, schema: Mapping) -> bool:
        """Only labelled points are options; a range's points are its numbers."""
        return "oneOf" in schema

    def points(self, schema: Mapping) -> list[tuple[Any, str]]:
        """Offer the labelled points, or every whole number from minimum to maximum."""
        if "oneOf" in schema:
            return points_of(schema["oneOf"])
        return [(n, str(n)) for n in range(schema["minimum"], schema["maximum"] + 1)]

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the chosen point; any whole number is kept so that one out of range is reported, not lost."""
        raw = first(get(name))
        if not raw:
            return ABSENT
        value = choice(spec, raw)
        if value == raw and "oneOf" not in spec.schema and whole_number(raw) is not None:
            return whole_number(raw)
        return value

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for a rating."""
        return p.say(N_("Select a rating for %(obj)s"), obj=p.obj)

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Give the range, or the labelled points."""
        if "oneOf" not in spec.schema:
            return p.say(N_("%(subject)s must be a whole number from %(low)s to %(high)s"), subject=p.subject,
                         low=spec.min, high=spec.max)
        return not_an_option(spec, p)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write labelled points (their own values, no single type) or a whole-number range."""
        if spec.get("options"):
            prop["oneOf"] = choices(spec["options"])
        else:
            prop["type"] = "integer"
            write_range(prop, spec)

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write "side by side"."""
        write_inline(spec, item)
