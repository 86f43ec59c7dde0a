"""Short text: one line typed in a box."""

from __future__ import annotations

from collections.abc import Mapping

from forms.catalogue import N_
from forms.widgets.base import Widget, register


@register
class Text(Widget):
    """A name, a reference or a short answer on one line."""

    name = "text"
    label = N_("Short text")
    hint = N_("A name, a reference or a short answer on one line.")
    asks = ("max_length",)
    grid_roles = frozenset({"comment", "evidence"})
    family = "text"

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write a string, with the longest answer when one is given."""
        prop["type"] = "string"
        if spec.get("max_length"):
            prop["maxLength"] = spec["max_length"]
