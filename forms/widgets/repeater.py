"""Repeating group: the same questions asked in each of several rows (children, incidents)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_
from forms.phrases import Phrases, not_valid
from forms.posted import ABSENT, Getter
from forms.widgets.base import Widget, get, register

if TYPE_CHECKING:
    from forms.spec import FieldSpec

MAX_ROWS = 200  # a crafted post must not make the server build thousands of rows


@register
class Repeater(Widget):
    """The same questions asked for each of several things, like children or incidents."""

    name = "repeater"
    label = N_("Repeating group (rows of questions)")
    hint = N_("The same questions asked for each of several things, like children or incidents.")
    asks = ("add_label",)
    layout = {"items": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/item"}},
              "add_label": {"$ref": "#/$defs/text"}}
    simple = False
    in_rows = False
    repeats = True
    correctable = False

    def shape_problem(self, schema: Mapping) -> str | None:
        """Need an array of objects with properties (one row's questions)."""
        items = schema.get("items")
        ok = schema.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object" \
            and isinstance(items.get("properties"), dict) and items["properties"]
        return None if ok else "the repeater widget needs {\"type\": \"array\", \"items\": {\"type\": \"object\", " \
                               "\"properties\": {...}}}"

    def item_problem(self, item: Mapping) -> str | None:
        """Need the layout of one row."""
        return None if "items" in item else "a repeater needs \"items\": the layout of one row"

    def parse(self, spec: FieldSpec, name: str, get_posted: Getter, names: list[str]) -> Any:
        """Return the rows posted as `name-<index>-<child>`, in index order, leaving out empty ones."""
        pattern = re.compile(rf"{re.escape(name)}-(\d{{1,4}})-.+", re.ASCII)
        indexes = sorted({int(m.group(1)) for n in names if (m := pattern.fullmatch(n))})[:MAX_ROWS]
        rows = []
        for index in indexes:
            row = {}
            for child in spec.children:
                value = get(child.widget).parse(child, f"{name}-{index}-{child.name}", get_posted, names)
                if value is not ABSENT:
                    row[child.name] = value
            if row:
                rows.append(row)
        return rows or ABSENT

    def missing(self, spec: FieldSpec, p: Phrases, part: str | None) -> str:
        """Ask for an entry."""
        return p.say(N_("Add at least one entry for %(obj)s"), obj=p.obj)

    def invalid(self, spec: FieldSpec, p: Phrases, kind: str, expected: Any, value: Any, part: str | None) -> str:
        """Say how many entries it needs or may have."""
        if kind == "minItems":
            return p.say(N_("Add at least %(count)s entries for %(obj)s"), count=expected, obj=p.obj)
        if kind == "maxItems":
            return p.say(N_("%(subject)s can have no more than %(count)s entries"), subject=p.subject, count=expected)
        return not_valid(p)

    def build_prop(self, spec: Mapping, prop: dict, old: Mapping | None) -> None:
        """Write an array of rows, keeping the rows' questions already built, or starting with the first one."""
        row = copy.deepcopy(old.get("items")) if old and old.get("type") == "array" else None
        if not isinstance(row, dict) or row.get("type") != "object":
            first = spec.get("first_child") or {"name": "details", "label": "Details"}
            row = {"type": "object", "properties": {first["name"]: {"type": "string", "title": first["label"]}},
                   "required": []}
        prop.update(type="array", items=row)

    def build_item(self, spec: Mapping, item: dict, old: Mapping | None) -> None:
        """Write the row's layout (kept, or the first question as short text) and the add button's words."""
        kept = (old or {}).get("items") if (old or {}).get("widget") == self.name else None
        first = (spec.get("first_child") or {"name": "details"})["name"]
        item["items"] = copy.deepcopy(kept) if kept else [{"field": first, "widget": "text"}]
        if spec.get("add_label"):
            item["add_label"] = spec["add_label"]
