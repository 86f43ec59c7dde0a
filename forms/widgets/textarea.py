"""Long text: several sentences or paragraphs in a box of a chosen height."""

from __future__ import annotations

from collections.abc import Mapping

from forms.catalogue import N_
from forms.widgets.base import Widget, register


@register
class Textarea(Widget):
    """Several sentences or paragraphs."""

    name = "textarea"
    label = N_("Long text")
    hint = N_("Several sentences or paragraphs.")
    asks = ("rows",)
    grid_roles = frozenset({"comment", "evidence"})
    family = "text"
    layout = {"rows": {"type": "integer", "minimum": 1, "maximum": 40}}

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write the height of the box."""
        if spec.get("rows"):
            item["rows"] = spec["rows"]
