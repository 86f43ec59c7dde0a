"""Checkboxes: any number of answers from a list of labelled options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases
from forms.posted import ABSENT, Getter
from forms.widgets.base import Widget, register
from forms.widgets.radios import choice
from forms.widgets.shapes import INLINE, choices, labelled_points, points_of, write_inline

if TYPE_CHECKING:
    from forms.spec import FieldSpec


@register
class Checkboxes(Widget):
    """Any number of answers from a list; each option may carry a score."""

    name = "checkboxes"
    label = N_("Several choices (checkboxes)")
    hint = N_("Any number of answers from a list; each option may carry a score.")
    asks = ("options", "inline")
    grid_roles = frozenset({"critical"})
    layout = INLINE
    has_options = True
    reads = "list"
    correctable = False

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need an array whose items have labelled oneOf options."""
        items = schema.get("items")
        if schema.get("type") != "array" or not isinstance(items, dict):
            return "the checkboxes widget needs {\"type\": \"array\", \"items\": {\"oneOf\": [...]}}"
        return labelled_points(items.get("oneOf"))

    def points(self, schema: Mapping) -> list[tuple[Any, str]]:
        """Offer the items' oneOf options."""
        return points_of(schema["items"]["oneOf"])

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the ticked options' values, each once, in the order posted."""
        chosen: list = []
        for raw in get(name):
            raw = raw.strip()
            value = choice(spec, raw) if raw else ABSENT
            if value is not ABSENT and value not in chosen:
                chosen.append(value)
        return chosen or ABSENT

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for at least one."""
        if p.question:
            return p.say(N_("Select at least one answer to %(question)s"), question=p.quoted)
        return p.say(N_("Select at least one option for %(obj)s"), obj=p.obj)

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Say how many may be ticked, or that only the options shown may."""
        if kind == "minItems":
            return p.say(N_("Select at least %(count)s options for %(obj)s"), count=expected, obj=p.obj)
        if kind == "maxItems":
            return p.say(N_("Select no more than %(count)s options for %(obj)s"), count=expected, obj=p.obj)
        return p.say(N_("Select only the options shown for %(obj)s"), obj=p.obj)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write an array of distinct strings from the options."""
        prop.update(type="array", uniqueItems=True, items={"type": "string", "oneOf": choices(spec["options"])})

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write "side by side"."""
        write_inline(spec, item)
