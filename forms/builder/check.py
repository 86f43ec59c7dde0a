"""Check a draft definition in words that name the question, and compare two versions. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from errors import FieldProblem
from forms import check_definition, widgets
from forms.builder.edit import Location, item_at, iter_fields, prop_of, scope_of, split_path
from forms.builder.layout import prune
from forms.builder.shape import ENGLISH_WIDGET_LABELS as WIDGET_LABELS
from forms.expr import rename
from forms.widgets import html_value, options_for

_ITEM = re.compile(r"^layout\.pages\[(\d+)\]\.sections\[(\d+)\]\.items\[(\d+)\](?:\.items\[(\d+)\])?(.*)$")
_PROP = re.compile(r"^schema\.properties\.([A-Za-z0-9_-]+)(?:\.items\.properties\.([A-Za-z0-9_-]+))?(.*)$")
_PAGE = re.compile(r"^layout\.pages\[(\d+)\](.*)$")
_COMPUTED = re.compile(r"^computed\[(\d+)\](.*)$")
_SETTING_WORDS = {"show_when": "its condition", "option_meta": "its option scores", "required": "required",
                  "items": "its rows", "widget": "", "field": ""}
FORM_WORDS = {"key": "The form's key", "title": "The form's title", "tags": "The form's tags",
              "classification": "The classification", "schema.required": "The list of required questions"}


def draft_problems(defn: Mapping) -> list[FieldProblem]:
    """Return what is wrong with a draft; a draft may still have no questions and empty sections."""
    if not any(True for _ in iter_fields(defn)):
        return []
    pruned, sections_back, pages_back = prune(defn)
    return [_name(defn, p.path, p.message, sections_back, pages_back) for p in check_definition(pruned)]


def publish_problems(defn: Mapping) -> list[FieldProblem]:
    """Return what stops a draft from being published."""
    if not any(True for _ in iter_fields(defn)):
        return [FieldProblem("fields", "Add at least one question before publishing")]
    return draft_problems(defn)


def _question(defn: Mapping, path: str) -> str:
    try:
        title = prop_of(defn, path).get("title")
    except (KeyError, TypeError, AttributeError):
        title = None
    return f"Question “{title}”" if title else f"Question “{path}”"


def _setting(rest: str) -> str:
    first = rest.lstrip(".").split(".", 1)[0].split("[", 1)[0]
    return _SETTING_WORDS.get(first, "")


def _name(defn: Mapping, path: str, message: str, sections_back: dict, pages_back: dict) -> FieldProblem:
    """Return an engine finding as a problem that names the question, page or value it is about."""
    if match := _ITEM.match(path):
        pi, si, ii, ci, rest = match.groups()
        page, section = sections_back.get((int(pi), int(si)), (int(pi), int(si)))
        try:
            item = item_at(defn, Location(page, section, int(ii)))
            field = item["field"]
            if ci is not None:
                field = f"{field}.{item['items'][int(ci)]['field']}"
        except (IndexError, KeyError):
            return FieldProblem("fields", f"{path}: {message}")
        return _about(defn, field, rest, message)
    if match := _PROP.match(path):
        name, child, rest = match.groups()
        return _about(defn, f"{name}.{child}" if child else name, rest, message)
    if match := _PAGE.match(path):
        pi, _rest = match.groups()
        index = pages_back.get(int(pi), int(pi))
        pages = defn["layout"]["pages"]
        title = pages[index]["title"] if index < len(pages) else path
        return FieldProblem(f"page-{index}", f"Page “{title}”: {message}")
    if match := _COMPUTED.match(path):
        index, _rest = match.groups()
        entries = defn.get("computed", [])
        key = entries[int(index)]["key"] if int(index) < len(entries) else path
        return FieldProblem(f"computed-{key}", f"Calculated value “{key}”: {message}")
    subject = next((words for prefix, words in FORM_WORDS.items() if path.startswith(prefix)), path or "The form")
    return FieldProblem(path.split(".", 1)[0].split("[", 1)[0] or "form", f"{subject}: {message}")


def _about(defn: Mapping, field: str, rest: str, message: str) -> FieldProblem:
    setting = _setting(rest)
    subject = _question(defn, field) + (f" ({setting})" if setting else "")
    return FieldProblem(field, f"{subject}: {message}", field)


# --- comparing versions ---------------------------------------------------------------------------------------

def _summary(defn: Mapping) -> dict[str, dict[str, Any]]:
    out = {}
    for path, where, item in iter_fields(defn):
        parent, name = split_path(path)
        prop = prop_of(defn, path)
        widget = item.get("widget")
        try:
            options = [(o.html, o.label, o.meta.get("score")) for o in options_for(widget, prop,
                                                                                     item.get("option_meta"))]
        except (KeyError, TypeError):
            options = []
        out[path] = {
            "label": prop.get("title", ""), "widget": widget, "hint": prop.get("description") or "",
            "required": name in scope_of(defn, parent).get("required", []) or bool(item.get("required_when_shown")),
            "options": options if widgets.get(widget) is None or widgets.get(widget).labelled(prop) else [],
            "range": (prop.get("minimum"), prop.get("maximum")),
            "show_when": dict(item.get("show_when") or {}),
            "page": defn["layout"]["pages"][where.page]["title"],
            "other": {k: v for k, v in item.items() if k not in ("field", "widget", "show_when", "option_meta",
                                                                   "required_when_shown", "items")},
        }
    return out


def condition_text(defn: Mapping, path: str, cond: Mapping) -> str:
    """Return a show_when condition in words: “Has support” is Yes."""
    if not cond:
        return ""
    if "expr" in cond:
        return f"“{cond['expr']}” holds"
    parent, _name = split_path(path)
    target = cond["field"]
    siblings = scope_of(defn, parent).get("properties", {}) if parent else {}
    target_path = f"{parent}.{target}" if parent and target in siblings else target
    try:
        prop = prop_of(defn, target_path)
        item = next(i for p, _w, i in iter_fields(defn) if p == target_path)
        labels = {o.html: o.label for o in options_for(item["widget"], prop, item.get("option_meta"))}
    except (KeyError, StopIteration, TypeError):
        prop, labels = {}, {}
    label = prop.get("title", target)

    def word(value: Any) -> str:
        return labels.get(html_value(value), html_value(value))

    if "equals" in cond:
        return f"“{label}” is {word(cond['equals'])}"
    if "not_equals" in cond:
        return f"“{label}” is not {word(cond['not_equals'])}"
    if "in" in cond:
        return f"“{label}” is one of " + ", ".join(word(v) for v in cond["in"])
    return f"“{label}” is answered"


def _renames(old: Mapping, new: Mapping) -> dict[str, str]:
    """Return old path → new path of the questions renamed: gone from one place, and another of its type there now."""
    before = {(where.page, where.section, where.item, where.child): (path, item.get("widget"))
              for path, where, item in iter_fields(old)}
    after_paths = {path for path, _where, _item in iter_fields(new)}
    out = {}
    for path, where, item in iter_fields(new):
        was = before.get((where.page, where.section, where.item, where.child))
        if was and was[0] != path and was[1] == item.get("widget") and was[0] not in after_paths:
            out[was[0]] = path
    return out


def _carried(cond: Mapping, path: str, renames: dict[str, str]) -> dict:
    """Return a condition as it reads once the questions it names are renamed as the builder renames them."""
    carried = dict(cond)
    parent, _name = split_path(path)
    for old_path, new_path in renames.items():
        old_parent, old_name = split_path(old_path)
        new_name = split_path(new_path)[1]
        if "expr" in carried and isinstance(carried["expr"], str):
            carried["expr"] = rename(carried["expr"], old_name, new_name)
        elif carried.get("field") == old_name and old_parent in (parent, None):
            carried["field"] = new_name
    return carried


def _field_changes(old: dict, new: dict, new_defn: Mapping, path: str, renames: dict[str, str]) -> list[str]:
    changes = []
    if old["label"] != new["label"]:
        changes.append(f"question changed from “{old['label']}” to “{new['label']}”")
    if old["widget"] != new["widget"]:
        changes.append(f"type changed from {WIDGET_LABELS.get(old['widget'], old['widget'])} to "
                       f"{WIDGET_LABELS.get(new['widget'], new['widget'])}")
    if old["hint"] != new["hint"]:
        changes.append("hint changed" if old["hint"] and new["hint"] else "hint added" if new["hint"]
                       else "hint removed")
    if old["required"] != new["required"]:
        changes.append("now required" if new["required"] else "no longer required")
    changes += _option_changes(old["options"], new["options"])
    if old["range"] != new["range"]:
        changes.append(f"range changed from {_range(old['range'])} to {_range(new['range'])}")
    # A condition that names a renamed question the same way is the same condition.
    if _carried(old["show_when"], path, renames) != new["show_when"]:
        text = condition_text(new_defn, path, new["show_when"])
        changes.append(f"now shown only when {text}" if text else "now always shown")
    if old["page"] != new["page"]:
        changes.append(f"moved to the page “{new['page']}”")
    if old["other"] != new["other"]:
        changes.append("display settings changed")
    return changes


def _range(bounds: tuple) -> str:
    low, high = bounds
    if low is None and high is None:
        return "no limits"
    return f"{'' if low is None else html_value(low)}–{'' if high is None else html_value(high)}"


def _option_changes(old: list, new: list) -> list[str]:
    out = []
    old_by, new_by = {o[0]: o for o in old}, {o[0]: o for o in new}
    added = [o[1] for v, o in new_by.items() if v not in old_by]
    removed = [o[1] for v, o in old_by.items() if v not in new_by]
    if added:
        out.append("options added: " + ", ".join(f"“{label}”" for label in added))
    if removed:
        out.append("options removed: " + ", ".join(f"“{label}”" for label in removed))
    for value in old_by.keys() & new_by.keys():
        before, after = old_by[value], new_by[value]
        if before[1] != after[1]:
            out.append(f"option “{before[1]}” renamed “{after[1]}”")
        if before[2] != after[2]:
            out.append(f"score of “{after[1]}” changed from {_score(before[2])} to {_score(after[2])}")
    kept_old = [v for v in old_by if v in new_by]
    kept_new = [v for v in new_by if v in old_by]
    if kept_old != kept_new:
        out.append("options reordered")
    return out


def _score(value: Any) -> str:
    return "none" if value is None else html_value(value)


def diff_definitions(old: Mapping | None, new: Mapping) -> dict[str, list]:
    """Return what changed from old to new: questions added, removed and changed, and form settings."""
    before = _summary(old) if old else {}
    after = _summary(new)
    added = [{"path": p, "label": after[p]["label"], "widget": WIDGET_LABELS.get(after[p]["widget"], "")}
             for p in after if p not in before]
    removed = [{"path": p, "label": before[p]["label"], "widget": WIDGET_LABELS.get(before[p]["widget"], "")}
               for p in before if p not in after]
    changed, renames = [], _renames(old, new) if old else {}
    for path in after:
        if path in before:
            found = _field_changes(before[path], after[path], new, path, renames)
            if found:
                changed.append({"path": path, "label": after[path]["label"], "changes": found})
    return {"added": added, "removed": removed, "changed": changed, "form": _form_changes(old, new) if old else []}


def _form_changes(old: Mapping, new: Mapping) -> list[str]:
    out = []
    if old.get("title") != new.get("title"):
        out.append(f"title changed from “{old.get('title')}” to “{new.get('title')}”")
    if (old.get("description") or "") != (new.get("description") or ""):
        out.append("introduction changed")
    if old.get("classification", "standard") != new.get("classification", "standard"):
        out.append(f"classification changed to {new.get('classification', 'standard')}")
    if sorted(old.get("tags", [])) != sorted(new.get("tags", [])):
        out.append("tags changed to " + (", ".join(new.get("tags", [])) or "none"))
    if bool(old.get("repeatable")) != bool(new.get("repeatable")):
        out.append("can now be filled in again on a case" if new.get("repeatable")
                   else "can no longer be filled in again on a case")
    if bool(old.get("countersign")) != bool(new.get("countersign")):
        out.append("now needs a manager's countersignature" if new.get("countersign")
                   else "no longer needs a countersignature")
    old_pages = [p["title"] for p in old["layout"]["pages"]]
    new_pages = [p["title"] for p in new["layout"]["pages"]]
    if old_pages != new_pages:
        out.append("pages changed to " + ", ".join(f"“{t}”" for t in new_pages))
    old_computed = {c["key"]: c for c in old.get("computed", [])}
    new_computed = {c["key"]: c for c in new.get("computed", [])}
    for key in new_computed.keys() - old_computed.keys():
        out.append(f"calculated value “{key}” added")
    for key in old_computed.keys() - new_computed.keys():
        out.append(f"calculated value “{key}” removed")
    for key in old_computed.keys() & new_computed.keys():
        if old_computed[key] != new_computed[key]:
            out.append(f"calculated value “{key}” changed")
    return sorted(out)
