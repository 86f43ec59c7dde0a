"""Conditions on the builder's question form: which questions a question may depend on, typed answers, and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from errors import Problems
from forms import widgets
from forms.builder.edit import iter_fields, prop_of, scope_of, split_path
from forms.builder.posted import posted_text
from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.expr import ExprError, parse
from forms.widgets import html_value, options_for


def condition_targets(defn: Mapping, path: str | None, parent: str | None) -> list[tuple[str, str]]:
    """Return (name, label) of the questions a question's visibility may depend on."""
    out = []
    for other, _where, item in iter_fields(defn):
        other_parent, name = split_path(other)
        if other == path or item.get("widget") not in widgets.simple():
            continue
        if other_parent is None or (parent is not None and other_parent == parent):
            out.append((name, prop_of(defn, other).get("title", name)))
    return out


def condition_answers(defn: Mapping, path: str | None, parent: str | None) -> list[dict]:
    """Return, for each possible target question with options, its label and (value to post, option label) pairs.

    The posted value names the question too (“q9_pregnant=yes”), so one list can hold every question's answers.
    """
    out = []
    for name, label in condition_targets(defn, path, parent):
        options = _options_of(defn, target_path(defn, parent, name))
        if options:
            out.append({"name": name, "label": label,
                        "options": [(f"{name}={o.html}", o.label) for o in options]})
    return out


def _options_of(defn: Mapping, target: str) -> tuple:
    try:
        item = next(i for p, _w, i in iter_fields(defn) if p == target)
        return options_for(item["widget"], prop_of(defn, target), item.get("option_meta"))
    except (StopIteration, KeyError, TypeError):
        return ()


def target_path(defn: Mapping, parent: str | None, name: str) -> str:
    """Return the path a condition's field name means from where the question stands."""
    if parent and name in scope_of(defn, parent)["properties"]:
        return f"{parent}.{name}"
    return name


def condition_value(defn: Mapping, target_path: str, text: str) -> Any:
    """Return the typed answer that text names for the target question; ValueError with advice when none."""
    prop = prop_of(defn, target_path)
    item = next(i for p, _w, i in iter_fields(defn) if p == target_path)
    widget = item["widget"]
    return widgets.get(widget).condition_value(text, options_for(widget, prop, item.get("option_meta")), prop)


def parse_condition(defn: Mapping, data: Mapping, path: str | None, parent: str | None, problems: Problems, *,
                    language: str = SOURCE_LANGUAGE):
    """Return the `show_when` a posted question form describes, or None; problems name each wrong input."""
    target, written = posted_text(data, "show_when_field"), posted_text(data, "show_when_expr")
    if written and target:
        problems.add("show_when_expr", say(language, N_("Choose a question above or write a condition, not both")),
                     "Condition")
        return None
    if written:
        if parent:
            problems.add("show_when_expr", say(language, N_("A question in a repeating group can only use a question "
                                                            "above")),
                         "Condition")
            return None
        try:
            parse(written)  # read now, so a mistake shows with the page's other problems
        except ExprError as exc:
            problems.add("show_when_expr", say(language, N_("The condition %(problem)s"), problem=exc), "Condition")
            return None
        return {"expr": written}  # the engine checks the names it uses when the draft is saved
    if not target:
        return None
    names = {name for name, _label in condition_targets(defn, path, parent)}
    if target not in names:
        problems.add("show_when_field", say(language, N_("Choose a question from the list")), "Show this question")
        return None
    operator = posted_text(data, "show_when_operator") or "equals"
    if operator == "not_empty":
        return {"field": target, "not_empty": True}
    if operator not in ("equals", "not_equals"):
        problems.add("show_when_operator", say(language, N_("Choose how the answer is compared")), "Show this question")
        return None
    text = posted_text(data, "show_when_value")
    path_of_target = target_path(defn, parent, target)
    chosen, _equals, option = posted_text(data, "show_when_option").partition("=")
    if _options_of(defn, path_of_target):
        # Chosen from the target's options; a typed answer is still read for clients that post one.
        if chosen == target:
            text = option
        elif not text:
            problems.add("show_when_option", say(language, N_("Choose the answer that shows this question")),
                         "Answer")
            return None
    elif not text:
        problems.add("show_when_value", say(language, N_("Enter the answer that shows this question")), "Answer")
        return None
    try:
        value = condition_value(defn, path_of_target, text)
    except ValueError as exc:
        label = prop_of(defn, path_of_target).get("title", target)
        problems.add("show_when_value", say(language, N_("Enter an answer “%(question)s” can have: %(problem)s"),
                                            question=label, problem=exc), "Answer")
        return None
    return {"field": target, operator: value}


def condition_form_values(defn: Mapping, parent: str | None, cond: Mapping) -> dict[str, str]:
    """Return the text the question form shows for a question's existing condition."""
    if "expr" in cond:
        return {"show_when_expr": cond["expr"]}
    if not cond:
        return {}
    operator = next((op for op in ("equals", "not_equals", "not_empty") if op in cond), "equals")
    values = {"show_when_field": cond["field"], "show_when_operator": operator}
    if operator != "not_empty":
        target = target_path(defn, parent, cond["field"])
        if _options_of(defn, target):
            values["show_when_option"] = f"{cond['field']}={html_value(cond[operator])}"
        else:
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
