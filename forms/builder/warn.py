"""Warnings for the publish review: calculations and conditions that may no longer mean what the admin meant. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from forms.builder.edit import iter_fields, prop_of
from forms.expr import names_in
from forms.widgets import options_for

_WRITTEN = ("expr", "of")


def _options(defn: Mapping) -> dict[str, tuple[str, ...]]:
    out = {}
    for path, _where, item in iter_fields(defn):
        try:
            out[path] = tuple(o.label for o in options_for(item["widget"], prop_of(defn, path),
                                                           item.get("option_meta")))
        except (KeyError, TypeError):
            out[path] = ()
    return out


def _grids(defn: Mapping) -> dict[str, list[str]]:
    grids: dict[str, list[str]] = {}
    for path, _where, item in iter_fields(defn):
        if item.get("grid") and not item.get("grid_role"):
            grids.setdefault(item["grid"], []).append(path)
    return grids


def _uses(defn: Mapping) -> list[tuple[str, set[str], bool]]:
    """Return (what, question names it reads, whether it counts or adds up a set) for every calculation and
    written condition."""
    grids = _grids(defn)
    out = []
    for entry in defn.get("computed", []):
        params = entry.get("params", {})
        names: set[str] = set(params.get("fields", [])) if isinstance(params.get("fields"), list) else set()
        counts = bool(names)
        for key in _WRITTEN:
            if isinstance(params.get(key), str):
                found = names_in(params[key])
                counts = counts or any(f"{fn}(" in params[key] for fn in ("count", "score", "sum", "answered"))
                names |= found
        for grid in names & grids.keys():
            names |= set(grids[grid])
        label = params.get("label") or entry["key"]
        out.append((f"The calculated value “{label}”", names, counts))
    for path, _where, item in iter_fields(defn):
        cond = item.get("show_when") or {}
        if "expr" in cond:
            title = prop_of(defn, path).get("title", path)
            out.append((f"The condition of “{title}”", names_in(cond["expr"]), False))
    return out


def calculation_warnings(old: Mapping | None, new: Mapping, changed: list[dict]) -> list[str]:
    """Return warnings: a calculation or condition reads a question that changed, or leaves out a new question
    with the same options as the ones it counts."""
    if old is None:
        return []
    warnings = []
    changed_by = {c["path"]: c for c in changed}
    old_options, new_options = _options(old), _options(new)
    added = [p for p in new_options if p not in old_options and "." not in p]
    for what, names, counts in _uses(new):
        for name in sorted(names & changed_by.keys()):
            change = changed_by[name]
            warnings.append(f"{what} uses “{change['label']}”, which changed ({'; '.join(change['changes'])}): "
                            "check it still works out what you mean")
        if not counts:
            continue
        shared = {new_options.get(n) for n in names if new_options.get(n)}
        for path in added:
            if path not in names and new_options[path] and new_options[path] in shared:
                title = prop_of(new, path).get("title", path)
                warnings.append(f"{what} does not include the new question “{title}”, though it has the same "
                                "options as the questions it counts")
    return warnings
