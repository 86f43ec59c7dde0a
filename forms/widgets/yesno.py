"""Yes or no: two radio buttons stored as true or false."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases
from forms.posted import ABSENT, FALSE, TRUE, Getter, first
from forms.widgets.base import Widget, register
from forms.widgets.shapes import INLINE, write_inline

if TYPE_CHECKING:
    from forms.spec import FieldSpec

_YES, _NO = {"yes", "true", "y"}, {"no", "false", "n"}


@register
class YesNo(Widget):
    """Two answers: yes or no."""

    name = "yesno"
    label = N_("Yes or no")
    hint = N_("Two answers: yes or no.")
    asks = ("inline",)
    grid_roles = frozenset({"critical"})
    layout = INLINE
    has_options = True

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need a boolean."""
        return None if schema.get("type") == "boolean" else "the yesno widget needs {\"type\": \"boolean\"}"

    def points(self, schema: Mapping) -> list[tuple[Any, str]]:
        """Offer Yes and No."""
        return [(True, "Yes"), (False, "No")]

    def parse(self, spec: FieldSpec, name: str, get: Getter, names: list[str]) -> Any:
        """Return true or false from the words a browser or a script posts, or the text as typed."""
        raw = first(get(name))
        if not raw:
            return ABSENT
        word = raw.lower()
        return True if word in TRUE else False if word in FALSE else raw

    def condition_value(self, text: str, options: tuple, schema: Mapping) -> Any:
        """Return true or false from yes or no."""
        word = text.lower()
        if word in _YES | _NO:
            return word in _YES
        raise ValueError("yes or no")

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for yes or no."""
        if p.custom:
            return p.say(N_("Select whether %(noun)s"), noun=p.noun)
        return self.invalid(spec, p, "type", None, None, part)

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Ask for yes or no."""
        return p.say(N_("Select yes or no for %(obj)s"), obj=p.obj)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write a boolean."""
        prop["type"] = "boolean"

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write "side by side"."""
        write_inline(spec, item)
