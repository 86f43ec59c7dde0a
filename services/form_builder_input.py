"""Read the builder's posted question form into a field spec, and back. Pure: no database, no web."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from errors import Problems
from forms import REGISTRY
from forms.widgets import SIMPLE, WIDGETS, html_value, options_for
from services.form_builder_edit import iter_fields, prop_of, scope_of, split_path
from services.form_builder_shape import slug, suggested_key, unique_name

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_INT = re.compile(r"^[+-]?\d+$")
_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
WITH_OPTIONS = ("radios", "select", "checkboxes")
_TRUE, _FALSE = {"yes", "true", "y"}, {"no", "false", "n"}


def _get(data: Mapping, key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").replace("\r\n", "\n").strip()


def _ticked(data: Mapping, key: str) -> bool:
    return _get(data, key).lower() in ("true", "yes", "on", "1")


def _number(text: str, whole: bool, field: str, what: str, problems: Problems) -> int | float | None:
    if not text:
        return None
    if _INT.match(text):
        return int(text)
    if not whole and _NUM.match(text):
        return float(text)
    problems.add(field, f"{what} must be a {'whole ' if whole else ''}number, like 10", what)
    return None


def parse_options(text: str, old: list[tuple[Any, str]], problems: Problems) -> list[dict]:
    """Return options from one-per-line text (“Label” or “Label | score”), keeping old values for old labels."""
    by_label = {label.lower(): value for value, label in old}
    lines = []
    for line in (text or "").split("\n"):
        if line.strip():
            label, _, score_text = line.partition("|")
            lines.append((label.strip(), score_text.strip()))
    # Values of options kept from before are reserved first, so a new option never takes an old one's value.
    taken = {by_label[label.lower()] for label, _s in lines if label.lower() in by_label}
    options, seen = [], set()
    for label, score_text in lines:
        if not label:
            problems.add("options", "Each option needs a label before the “|”", "Options")
            continue
        if label.lower() in seen:
            problems.add("options", f"The option “{label}” is listed twice", "Options")
            continue
        seen.add(label.lower())
        score = _number(score_text, False, "options", f"The score of “{label}”", problems)
        value = by_label.get(label.lower())
        if value is None:
            value = unique_name(slug(label, "option"), taken)
            taken.add(value)
        options.append({"value": value, "label": label, "score": score})
    if len(options) < 2 and not problems.items:
        problems.add("options", "Enter at least 2 options, one on each line", "Options")
    return options


def condition_targets(defn: Mapping, path: str | None, parent: str | None) -> list[tuple[str, str]]:
    """Return (name, label) of the questions a question's visibility may depend on."""
    out = []
    for other, _where, item in iter_fields(defn):
        other_parent, name = split_path(other)
        if other == path or item.get("widget") not in SIMPLE:
            continue
        if other_parent is None or (parent is not None and other_parent == parent):
            out.append((name, prop_of(defn, other).get("title", name)))
    return out


def _target_path(defn: Mapping, parent: str | None, name: str) -> str:
    if parent and name in scope_of(defn, parent)["properties"]:
        return f"{parent}.{name}"
    return name


def condition_value(defn: Mapping, target_path: str, text: str) -> Any:
    """Return the typed answer that text names for the target question; ValueError with advice when none."""
    prop = prop_of(defn, target_path)
    item = next(i for p, _w, i in iter_fields(defn) if p == target_path)
    widget = item["widget"]
    if widget == "yesno":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError("yes or no")
    options = options_for(widget, prop, item.get("option_meta"))
    if options and (widget != "scale" or "oneOf" in prop):
        for option in options:
            if text.lower() in (option.label.lower(), option.html.lower()):
                return option.value
        raise ValueError("one of " + ", ".join(f"“{o.label}”" for o in options))
    if widget in ("integer", "scale"):
        if _INT.match(text):
            return int(text)
        raise ValueError("a whole number")
    if widget == "number":
        if _NUM.match(text):
            return float(text) if "." in text else int(text)
        raise ValueError("a number")
    return text


def _condition(defn: Mapping, data: Mapping, path: str | None, parent: str | None, problems: Problems):
    target, written = _get(data, "show_when_field"), _get(data, "show_when_expr")
    if written and target:
        problems.add("show_when_expr", "Choose a question above or write a condition, not both", "Condition")
        return None
    if written:
        if parent:
            problems.add("show_when_expr", "A question in a repeating group can only use a question above",
                         "Condition")
            return None
        return {"expr": written}  # the engine checks it and names what is wrong
    if not target:
        return None
    names = {name for name, _label in condition_targets(defn, path, parent)}
    if target not in names:
        problems.add("show_when_field", "Choose a question from the list", "Show this question")
        return None
    operator = _get(data, "show_when_operator") or "equals"
    if operator == "not_empty":
        return {"field": target, "not_empty": True}
    if operator not in ("equals", "not_equals"):
        problems.add("show_when_operator", "Choose how the answer is compared", "Show this question")
        return None
    text = _get(data, "show_when_value")
    target_path = _target_path(defn, parent, target)
    if not text:
        problems.add("show_when_value", "Enter the answer that shows this question", "Answer")
        return None
    try:
        value = condition_value(defn, target_path, text)
    except ValueError as exc:
        label = prop_of(defn, target_path).get("title", target)
        problems.add("show_when_value", f"Enter an answer “{label}” can have: {exc}", "Answer")
        return None
    return {"field": target, operator: value}


def field_spec(defn: Mapping, data: Mapping, *, widget: str, path: str | None = None,
               parent: str | None = None) -> dict:
    """Return the field spec a posted question form describes; InvalidInput naming each wrong input."""
    problems = Problems()
    if widget not in WIDGETS:
        problems.add("widget", "Choose a type of question", "Type")
        problems.raise_if_any()
    spec: dict[str, Any] = {"widget": widget, "label": _get(data, "label"), "hint": _get(data, "hint"),
                            "required": _ticked(data, "required")}
    if not spec["label"]:
        problems.add("label", "Enter the question", "Question")
    old_name = split_path(path)[1] if path else None
    taken = set(scope_of(defn, parent).get("properties", {})) - {old_name}
    name = _get(data, "name")
    if name and not NAME_RE.match(name):
        problems.add("name", "The field name must be lower-case letters, digits and underscores, starting with a "
                             "letter", "Field name")
    elif name in taken:
        problems.add("name", f"There is already a question called “{name}”: choose another name", "Field name")
    spec["name"] = name or old_name or suggested_key(spec["label"], taken)
    labelled = widget == "scale" and bool(path) and "oneOf" in prop_of(defn, path)
    if widget in WITH_OPTIONS or labelled:
        old = []
        if path:
            item = next(i for p, _w, i in iter_fields(defn) if p == path)
            old = [(o.value, o.label) for o in options_for(item["widget"], prop_of(defn, path), {})
                   ] if item["widget"] in WITH_OPTIONS or labelled else []
        text = _get(data, "options") or option_list_text(defn, _get(data, "options_from"))
        spec["options"] = parse_options(text, old, problems)
    if widget in ("number", "integer") or (widget == "scale" and not labelled):
        whole = widget != "number"
        spec["min"] = _number(_get(data, "min"), whole, "min", "The lowest answer", problems)
        spec["max"] = _number(_get(data, "max"), whole, "max", "The highest answer", problems)
        if widget == "scale" and (spec["min"] is None or spec["max"] is None) and not problems.items:
            problems.add("min" if spec["min"] is None else "max", "Enter both ends of the scale, like 1 and 10",
                         "Scale")
        if spec["min"] is not None and spec["max"] is not None and spec["min"] >= spec["max"]:
            problems.add("max", "The highest answer must be more than the lowest", "The highest answer")
    if widget == "text":
        spec["max_length"] = _number(_get(data, "max_length"), True, "max_length", "The longest answer", problems)
    if widget == "textarea":
        spec["rows"] = _number(_get(data, "rows"), True, "rows", "The height", problems)
        if spec["rows"] is not None and not 1 <= spec["rows"] <= 40:
            problems.add("rows", "The height must be between 1 and 40 lines", "Height")
    spec["no_future"] = widget == "date" and _ticked(data, "no_future")
    spec["inline"] = _ticked(data, "inline")
    spec["third_party"] = _ticked(data, "third_party")
    if widget == "file":
        spec["accept"] = _get(data, "accept")
        megabytes = _number(_get(data, "max_megabytes"), False, "max_megabytes", "The largest file", problems)
        spec["max_bytes"] = int(megabytes * 1024 * 1024) if megabytes else None
    if widget == "repeater":
        spec["add_label"] = _get(data, "add_label")
        if not path:
            first = _get(data, "first_child_label")
            if not first:
                problems.add("first_child_label", "Enter the first question asked in each row", "First question")
            spec["first_child"] = {"name": slug(first), "label": first}
    spec["show_when"] = _condition(defn, data, path, parent, problems)
    problems.raise_if_any()
    return spec


def field_values(defn: Mapping, path: str) -> dict[str, str]:
    """Return the text a question form shows for an existing field."""
    parent, name = split_path(path)
    prop = prop_of(defn, path)
    item = next(i for p, _w, i in iter_fields(defn) if p == path)
    widget = item["widget"]
    values = {"widget": widget, "name": name, "label": prop.get("title", ""), "hint": prop.get("description", ""),
              "required": "true" if name in scope_of(defn, parent).get("required", [])
              or item.get("required_when_shown") else "",
              "min": html_value(prop.get("minimum")), "max": html_value(prop.get("maximum")),
              "max_length": html_value(prop.get("maxLength")), "rows": html_value(item.get("rows")),
              "no_future": "true" if item.get("no_future") else "", "inline": "true" if item.get("inline") else "",
              "third_party": "true" if item.get("third_party") else "",
              "accept": item.get("accept", ""), "add_label": item.get("add_label", ""),
              "max_megabytes": html_value(round(item["max_bytes"] / 1024 / 1024, 2)) if item.get("max_bytes") else ""}
    if widget in WITH_OPTIONS or (widget == "scale" and "oneOf" in prop):
        lines = []
        for option in options_for(widget, prop, item.get("option_meta")):
            score = option.meta.get("score")
            lines.append(option.label + (f" | {html_value(score)}" if score is not None else ""))
        values["options"] = "\n".join(lines)
    cond = item.get("show_when") or {}
    if "expr" in cond:
        values["show_when_expr"] = cond["expr"]
    elif cond:
        values["show_when_field"] = cond["field"]
        operator = next((op for op in ("equals", "not_equals", "not_empty") if op in cond), "equals")
        values["show_when_operator"] = operator
        if operator != "not_empty":
            target = _target_path(defn, parent, cond["field"])
            values["show_when_value"] = _value_text(defn, target, cond[operator])
    return values


def _value_text(defn: Mapping, target: str, value: Any) -> str:
    try:
        item = next(i for p, _w, i in iter_fields(defn) if p == target)
        for option in options_for(item["widget"], prop_of(defn, target), item.get("option_meta")):
            if option.html == html_value(value):
                return option.label
    except (StopIteration, KeyError):
        pass
    return html_value(value)


def computed_params(data: Mapping, fields: list[str]) -> tuple[str, str, dict]:
    """Return (key, function, params) from the calculated-value form; InvalidInput naming the wrong input."""
    problems = Problems()
    key, function = _get(data, "computed_key"), _get(data, "function")
    if function not in REGISTRY:
        problems.add("function", "Choose what to calculate", "Calculation")
    params: Any = {}
    text = _get(data, "params")
    if text:
        try:
            params = json.loads(text)
        except ValueError:
            params = None
        if not isinstance(params, dict):
            problems.add("params", "Other settings must be a JSON object, like {\"value\": true}", "Other settings")
            params = {}
    if fields:
        params["fields"] = list(fields)
    problems.raise_if_any()
    return key, function, params



def option_lists(defn: Mapping) -> list[tuple[str, str]]:
    """Return (question path, “Yes / No / Don't know”) for each distinct option list already in the form."""
    seen, out = set(), []
    for path, _where, item in iter_fields(defn):
        if item.get("widget") not in WITH_OPTIONS:
            continue
        text = option_list_text(defn, path)
        if text and text not in seen:
            seen.add(text)
            out.append((path, " / ".join(line.split(" | ")[0] for line in text.split("\n"))))
    return out


def option_list_text(defn: Mapping, path: str) -> str:
    """Return a question's options as the one-per-line text of the options box (empty when it has none)."""
    try:
        item = next(i for p, _w, i in iter_fields(defn) if p == path)
        options = options_for(item["widget"], prop_of(defn, path), item.get("option_meta"))
    except (StopIteration, KeyError, TypeError):
        return ""
    return "\n".join(o.label + (f" | {html_value(o.meta['score'])}" if o.meta.get("score") is not None else "")
                     for o in options)
