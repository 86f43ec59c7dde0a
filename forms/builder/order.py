"""Put a question at any position of the form (or of a repeating group's row). Pure: no database, no web.

Positions count the questions an admin moves: a grid row's comment, critical tick or evidence travels with its
row and has no position of its own. A question landing next to rows of a grid with its options joins the grid;
one landing elsewhere leaves the grid it was in, so every grid stays one run of rows sharing one option list.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from forms.builder.edit import EditError, item_at, iter_fields, locate, prop_of, split_path
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.widgets import options_for


def order(defn: Mapping, parent: str | None = None) -> list[str]:
    """Return the paths of the questions that have a position, in the order the form asks them."""
    return [path for path, _where, item in iter_fields(defn)
            if split_path(path)[0] == parent and not item.get("grid_role")]


def moved_message(defn: Mapping, path: str, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return what the builder says after a move (“… moved to position 3 of 27”) and the question's anchor."""
    paths = order(defn, split_path(path)[0])
    label = prop_of(defn, path).get("title", path)
    if path in paths:
        message = say(language, N_("“%(question)s” moved to position %(position)s of %(count)s"), question=label,
                      position=paths.index(path) + 1, count=len(paths))
    else:
        message = say(language, N_("“%(question)s” moved to its new place"), question=label)
    return {"message": message, "anchor": path.replace(".", "-")}


def _position(text, total: int, language: str) -> int:
    """Return the posted 1-based position as an index; EditError naming the range when it is not one."""
    text = str(text if text is not None else "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 6 and 1 <= int(text) <= total):
        raise EditError("position", say(language, N_("Enter a position from 1 to %(count)s"), count=total),
                        "Position")
    return int(text) - 1


def move_to(defn: Mapping, path: str, position, *, language: str = SOURCE_LANGUAGE) -> dict:
    """Return a copy with the question at path moved to a 1-based position among its level's questions."""
    parent, _name = split_path(path)
    paths = order(defn, parent)
    if path not in paths:
        locate(defn, path, language=language)  # names a missing question
        raise EditError("field", say(language, N_("A grid row's comment or tick moves with its row: move the row's "
                                                  "question")))
    target = _position(position, len(paths), language)
    if paths[target] == path:
        return copy.deepcopy(dict(defn))
    out = copy.deepcopy(dict(defn))
    if parent is not None:
        row = item_at(out, locate(out, parent))["items"]
        names = [split_path(p)[1] for p in paths]
        moving = row.pop(names.index(split_path(path)[1]))
        row.insert(target, moving)
        return out
    unit = _take(out, path)
    others = [p for p in paths if p != path]
    if target < len(others):
        where = locate(out, others[target])
        items = out["layout"]["pages"][where.page]["sections"][where.section]["items"]
        index = _start_of(items, where.item)
    else:
        where = locate(out, others[-1])
        items = out["layout"]["pages"][where.page]["sections"][where.section]["items"]
        index = _end_of(items, where.item)
    items[index:index] = unit
    _fit_grid(out, items, index, len(unit), language)
    return out


def _take(defn: dict, path: str) -> list[dict]:
    """Remove and return the question's layout item with the grid comment, tick or evidence that follow it."""
    where = locate(defn, path)
    items = defn["layout"]["pages"][where.page]["sections"][where.section]["items"]
    end = where.item + 1
    while end < len(items) and items[end].get("grid_role"):
        end += 1
    unit = items[where.item:end]
    del items[where.item:end]
    return unit


def _start_of(items: list, index: int) -> int:
    """Return where something placed before the question at index goes: before the guidance that leads to it."""
    while index > 0 and "field" not in items[index - 1] and not items[index - 1].get("grid"):
        index -= 1
    return index


def _end_of(items: list, index: int) -> int:
    """Return the index just after the question at index and its grid comment or tick."""
    index += 1
    while index < len(items) and items[index].get("grid_role"):
        index += 1
    return index


def _fit_grid(defn: dict, items: list, index: int, size: int, language: str) -> None:
    """Make the moved rows join the grid they landed in, or leave their grid; refuse splitting a grid."""
    unit = items[index:index + size]
    before = items[index - 1].get("grid") if index > 0 else None
    after = items[index + size].get("grid") if index + size < len(items) else None
    own = unit[0].get("grid")
    inside = before is not None and before == after
    candidates = [g for g in ([before] if inside else [own] if own in (before, after) else [before, after]) if g]
    for grid in candidates:
        if _options(defn, unit[0]) == _grid_options(defn, items, grid, index, size):
            for item in unit:
                item["grid"] = grid
            return
    if inside:
        label = prop_of(defn, unit[0]["field"]).get("title", unit[0]["field"])
        raise EditError("position", say(language, N_("“%(question)s” has other options than the grid it would land "
                                                     "in: choose a position before or after the grid"),
                                        question=label), "Position")
    for item in unit:
        item.pop("grid", None)
        item.pop("grid_role", None)


def _grid_options(defn: Mapping, items: list, grid: str, index: int, size: int) -> tuple:
    main = next(item for i, item in enumerate(items)
                if item.get("grid") == grid and not item.get("grid_role") and not index <= i < index + size)
    return _options(defn, main)


def _options(defn: Mapping, item: Mapping) -> tuple:
    try:
        return tuple((o.value, o.label) for o in options_for(
            item["widget"], defn["schema"]["properties"][item["field"]], item.get("option_meta")))
    except (KeyError, TypeError):
        return ()
