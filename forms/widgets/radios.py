"""Radio buttons: one answer from a short list of labelled options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases, listed_choices
from forms.posted import ABSENT, Getter, first
from forms.widgets.base import Widget, register
from forms.widgets.shapes import INLINE, choices, labelled_points, points_of, write_inline

if TYPE_CHECKING:
    from forms.spec import FieldSpec


def choice(spec: FieldSpec, raw: str) -> Any:
    """Return the stored value of the option posted as `raw`, or the text as posted."""
    for option in spec.options:
        if option.html == raw:
            return option.value
    return raw


def not_an_option(spec: FieldSpec, p: Phrases) -> str:
    """Return the message for an answer that is none of the options."""
    listed = listed_choices(spec, p.language)
    if listed:
        return p.say(N_("%(subject)s must be %(choices)s"), subject=p.subject, choices=listed)
    return p.say(N_("Select one of the options for %(obj)s"), obj=p.obj)


@register
class Radios(Widget):
    """One answer from a short list; each option may carry a score."""

    name = "radios"
    label = N_("One choice from a list (radio buttons)")
    hint = N_("One answer from a short list; each option may carry a score.")
    asks = ("options", "inline")
    family = "choice"
    layout = INLINE
    has_options = True

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need a string or number property with labelled oneOf options."""
        if schema.get("type") not in (None, "string", "integer", "number"):
            return f"the {self.name} widget needs a string or number property with \"oneOf\" options"
        return labelled_points(schema.get("oneOf"))

    def points(self, schema: Mapping) -> list[tuple[Any, str]]:
        """Offer the oneOf options."""
        return points_of(schema["oneOf"])

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return the chosen option's value."""
        raw = first(get(name))
        return choice(spec, raw) if raw else ABSENT

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask to select one."""
        return p.select()

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """List the options when they are few and short."""
        return not_an_option(spec, p)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write a string with oneOf options."""
        prop.update(type="string", oneOf=choices(spec["options"]))

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write "side by side"."""
        if "inline" in self.asks:
            write_inline(spec, item)
