"""Edit a form definition's fields as plain data: find, add, change, move, remove. Pure: no database, no web."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from errors import FieldProblem, InvalidInput
from forms import widgets
from forms.builder.shape import build_item, build_prop
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.expr import names_in, rename


class EditError(InvalidInput):
    """A change that cannot be made to the definition; names the input or field concerned."""

    def __init__(self, field: str, message: str, label: str = ""):
        super().__init__(message, problems=[FieldProblem(field, message, label)])


@dataclass(frozen=True)
class Location:
    """Where a field's layout item sits: page, section, item and (for a repeater child) child index."""

    page: int
    section: int
    item: int
    child: int | None = None


# --- finding fields -------------------------------------------------------------------------------------------

def iter_fields(defn: Mapping) -> Iterator[tuple[str, Location, Mapping]]:
    """Yield (path, location, layout item) for every field in layout order; children follow their repeater."""
    for pi, page in enumerate(defn["layout"]["pages"]):
        for si, section in enumerate(page["sections"]):
            for ii, item in enumerate(section["items"]):
                if "field" not in item:
                    continue
                yield item["field"], Location(pi, si, ii), item
                repeats = getattr(widgets.get(item.get("widget")), "repeats", False)
                for ci, child in enumerate(item.get("items", []) if repeats else []):
                    if "field" in child:
                        yield f"{item['field']}.{child['field']}", Location(pi, si, ii, ci), child


def locate(defn: Mapping, path: str, *, language: str = SOURCE_LANGUAGE) -> Location:
    """Return where the field at path is in the layout; EditError when there is none."""
    for found, where, _item in iter_fields(defn):
        if found == path:
            return where
    raise EditError("field", say(language, N_("The form has no question called “%(question)s”"), question=path))


def item_at(defn: Mapping, where: Location) -> dict:
    """Return the layout item at a location."""
    item = defn["layout"]["pages"][where.page]["sections"][where.section]["items"][where.item]
    return item["items"][where.child] if where.child is not None else item


def scope_of(defn: Mapping, parent: str | None) -> dict:
    """Return the schema object whose properties hold the fields at this level (the form, or a repeater row)."""
    if parent is None:
        return defn["schema"]
    return defn["schema"]["properties"][parent]["items"]


def prop_of(defn: Mapping, path: str) -> dict:
    """Return the schema property of the field at path."""
    parent, _dot, name = path.rpartition(".")
    return scope_of(defn, parent or None)["properties"][name]


def split_path(path: str) -> tuple[str | None, str]:
    """Return (repeater name or None, field name) of a field path."""
    parent, _dot, name = path.rpartition(".")
    return parent or None, name


def dependants(defn: Mapping, path: str) -> list[str]:
    """Return the paths of fields shown only depending on the field at path."""
    parent, name = split_path(path)
    out = []
    for other, _where, item in iter_fields(defn):
        cond = item.get("show_when")
        if cond and "expr" in cond and other != path and name in names_in(cond["expr"]):
            out.append(other)
            continue
        if not cond or cond.get("field") != name or other == path:
            continue
        other_parent, _name = split_path(other)
        siblings = scope_of(defn, other_parent)["properties"] if other_parent else {}
        # Inside a row a name means a sibling when there is one; otherwise a top-level field.
        refers_to = other_parent if other_parent and name in siblings else None
        if refers_to == parent:
            out.append(other)
    return out


def computed_using(defn: Mapping, name: str) -> list[str]:
    """Return the keys of computed values whose parameters name the field."""
    return [entry["key"] for entry in defn.get("computed", []) if _mentions(entry.get("params", {}), name)]


_WRITTEN = ("expr", "of")  # parameters holding expression text (forms/expr.py), not plain names


def _mentions(value: Any, name: str) -> bool:
    if isinstance(value, str):
        return value == name
    if isinstance(value, Mapping):
        return any(name in names_in(v) if k in _WRITTEN and isinstance(v, str) else _mentions(v, name)
                   for k, v in value.items() if k != "value")
    if isinstance(value, list):
        return any(_mentions(v, name) for v in value)
    return False


def _rename_in(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, dict):
        return {k: (v if k == "value" else rename(v, old, new) if k in _WRITTEN and isinstance(v, str)
                    else _rename_in(v, old, new)) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename_in(v, old, new) for v in value]
    return value


def _set_required(scope: dict, name: str, required: bool) -> None:
    names = [n for n in scope.get("required", []) if n != name]
    if required:
        names.append(name)
    scope["required"] = names


# --- field operations -----------------------------------------------------------------------------------------

def add_field(defn: Mapping, spec: Mapping, *, page: int, section: int, parent: str | None = None,
              language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy of the definition with a new field at the end of a section (or of a repeater's row)."""
    out = copy.deepcopy(dict(defn))
    scope = scope_of(out, parent)
    if spec["name"] in scope.get("properties", {}):
        raise EditError("name", say(language, N_("There is already a question called “%(name)s” here: choose another "
                                                 "name"), name=spec["name"]))
    scope.setdefault("properties", {})[spec["name"]] = build_prop(spec)
    _set_required(scope, spec["name"], bool(spec.get("required")) and not spec.get("show_when"))
    item = build_item(spec)
    if parent is not None:
        item_at(out, locate(out, parent, language=language))["items"].append(item)
    else:
        try:
            out["layout"]["pages"][page]["sections"][section]["items"].append(item)
        except (IndexError, TypeError):
            raise EditError("where", say(language, N_("Choose a page and section for the question"))) from None
    return out


def update_field(defn: Mapping, path: str, spec: Mapping, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the field at path changed (and renamed, with conditions that name it following)."""
    out = copy.deepcopy(dict(defn))
    parent, old_name = split_path(path)
    where = locate(out, path, language=language)
    scope = scope_of(out, parent)
    new_name = spec["name"]
    if new_name != old_name and new_name in scope["properties"]:
        raise EditError("name", say(language, N_("There is already a question called “%(name)s” here: choose another "
                                                 "name"), name=new_name))
    old_prop = scope["properties"][old_name]
    old_item = item_at(out, where)
    prop, item = build_prop(spec, old_prop), build_item(spec, old_item)
    scope["properties"] = {(new_name if k == old_name else k): (prop if k == old_name else v)
                           for k, v in scope["properties"].items()}
    scope["required"] = [n for n in scope.get("required", []) if n != old_name]
    _set_required(scope, new_name, bool(spec.get("required")) and not spec.get("show_when"))
    container = out["layout"]["pages"][where.page]["sections"][where.section]["items"]
    if where.child is not None:
        container[where.item]["items"][where.child] = item
    else:
        container[where.item] = item
        _share_grid_options(out, item, prop)
    if new_name != old_name:
        for other in dependants(defn, path):
            cond = item_at(out, locate(out, other))["show_when"]
            if "expr" in cond:
                cond["expr"] = rename(cond["expr"], old_name, new_name)
            else:
                cond["field"] = new_name
        if parent is None:
            for entry in out.get("computed", []):
                if "params" in entry:
                    entry["params"] = _rename_in(entry["params"], old_name, new_name)
    return out


def _share_grid_options(defn: dict, item: Mapping, prop: Mapping) -> None:
    """Give every question of the item's grid the item's options: a grid's questions share one option list."""
    if not item.get("grid") or item.get("grid_role"):
        return
    props = defn["schema"]["properties"]
    for other, _where, other_item in iter_fields(defn):
        if other_item.get("grid") != item["grid"] or other_item.get("grid_role") or other == item["field"]:
            continue
        for key in ("oneOf", "items", "type", "minimum", "maximum"):
            if key in prop:
                props[other][key] = copy.deepcopy(prop[key])
        if item.get("option_meta"):
            other_item["option_meta"] = copy.deepcopy(item["option_meta"])
        else:
            other_item.pop("option_meta", None)


def move_field(defn: Mapping, path: str, direction: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the field moved one place up or down; at a section's edge it moves to the next one."""
    out = copy.deepcopy(dict(defn))
    where = locate(out, path, language=language)
    step = -1 if direction == "up" else 1
    pages = out["layout"]["pages"]
    if where.child is not None:
        row = pages[where.page]["sections"][where.section]["items"][where.item]["items"]
        target = where.child + step
        if 0 <= target < len(row):
            row[where.child], row[target] = row[target], row[where.child]
        return out
    items = pages[where.page]["sections"][where.section]["items"]
    target = where.item + step
    if 0 <= target < len(items):
        items[where.item], items[target] = items[target], items[where.item]
        return out
    slots = [(pi, si) for pi, page in enumerate(pages) for si in range(len(page["sections"]))]
    position = slots.index((where.page, where.section)) + step
    if 0 <= position < len(slots):
        item = items.pop(where.item)
        pi, si = slots[position]
        neighbour = pages[pi]["sections"][si]["items"]
        if step < 0:
            neighbour.append(item)
        else:
            neighbour.insert(0, item)
    return out


def remove_field(defn: Mapping, path: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy without the field; refused while other questions or calculations depend on it."""
    parent, name = split_path(path)
    waiting = dependants(defn, path)
    if waiting:
        labels = ", ".join(f"“{prop_of(defn, p).get('title', p)}”" for p in waiting)
        raise EditError("field", f"{labels} {'is' if len(waiting) == 1 else 'are'} shown only depending on the "
                                 "answer to this question: change that first")
    using = computed_using(defn, name) if parent is None else []
    if using:
        raise EditError("field", say(language, N_("The calculated value “%(key)s” uses this question: remove it first"),
                                     key=using[0]))
    out = copy.deepcopy(dict(defn))
    where = locate(out, path, language=language)
    container = out["layout"]["pages"][where.page]["sections"][where.section]["items"]
    if where.child is not None:
        row = container[where.item]["items"]
        if len(row) == 1:
            raise EditError("field", say(language, N_("A repeating group needs at least one question: remove the group "
                                                      "instead")))
        row.pop(where.child)
    else:
        container.pop(where.item)
    scope = scope_of(out, parent)
    del scope["properties"][name]
    scope["required"] = [n for n in scope.get("required", []) if n != name]
    return out
