"""Conditions: when a field is shown, and dropping the answers of hidden fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from forms.expr_eval import evaluate, truthy
from forms.spec import FieldSpec
from forms.values import same_value

OPERATORS = ("equals", "in", "not_equals", "not_empty")


def operators(cond: Mapping) -> list[str]:
    """Return the operators a show_when condition uses (exactly one is allowed)."""
    return [op for op in OPERATORS if op in cond]


def is_empty(value: Any) -> bool:
    """Check whether an answer counts as no answer at all."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | dict) and not value)


def holds(cond: Mapping, values: Mapping) -> bool:
    """Check a show_when condition against the answers in `values`.

    A list answer (checkboxes) equals `v` when `v` is one of its values; a missing answer equals nothing,
    so `not_equals` holds for it. A written condition (compiled `tree`) is true when its value is.
    """
    if "tree" in cond:
        return truthy(evaluate(cond["tree"], values))
    answer = values.get(cond["field"])
    given = [] if is_empty(answer) else answer if isinstance(answer, list) else [answer]
    if "not_empty" in cond:
        return bool(given)
    if "equals" in cond:
        return any(same_value(v, cond["equals"]) for v in given)
    if "in" in cond:
        return any(same_value(v, c) for v in given for c in cond["in"])
    if "not_equals" in cond:
        return not any(same_value(v, cond["not_equals"]) for v in given)
    return True


def _visible(spec: FieldSpec, siblings: set[str], row_shown: set[str], row: Mapping,
             top_shown: set[str], top: Mapping) -> bool:
    cond = spec.show_when
    if not cond:
        return True
    if "tree" in cond:
        return holds(cond, top)
    target = cond["field"]
    if spec.parent is not None and target in siblings:
        return target in row_shown and holds(cond, row)
    return target in top_shown and holds(cond, top)


def clean(fields: Iterable[FieldSpec], answers: Mapping) -> dict:
    """Return the answers of shown fields only; unknown keys, hidden answers and empty values are dropped.

    Fields are visited in layout order, so a condition sees its target's cleaned answer: a field that depends
    on a hidden field is hidden too.
    """
    out: dict = {}
    shown: set[str] = set()
    for spec in fields:
        if not _visible(spec, set(), set(), {}, shown, out):
            continue
        shown.add(spec.name)
        value = answers.get(spec.name)
        if is_empty(value):
            continue
        if spec.repeats and isinstance(value, list):
            value = [_clean_row(spec, row, shown, out) for row in value if isinstance(row, dict)]
            if not value:
                continue
        elif spec.widget_type.keeps and isinstance(value, dict):
            value = _keep_parts(value, spec.widget_type.keeps)
            if not value:
                continue
        out[spec.name] = value
    return out


def _keep_parts(value: Mapping, parts: tuple[str, ...]) -> dict:
    return {k: v for k, v in value.items() if k in parts and not is_empty(v)}


def _clean_row(repeater: FieldSpec, row: Mapping, top_shown: set[str], top: Mapping) -> dict:
    siblings = {c.name for c in repeater.children}
    out: dict = {}
    shown: set[str] = set()
    for child in repeater.children:
        if not _visible(child, siblings, shown, out, top_shown, top):
            continue
        shown.add(child.name)
        value = row.get(child.name)
        if child.widget_type.keeps and isinstance(value, dict):
            value = _keep_parts(value, child.widget_type.keeps)
        if not is_empty(value):
            out[child.name] = value
    return out


def shown_names(fields: Iterable[FieldSpec], answers: Mapping) -> set[str]:
    """Return the names of the top-level fields shown for these answers."""
    cleaned = clean(fields, answers)
    shown: set[str] = set()
    for spec in fields:
        if _visible(spec, set(), set(), {}, shown, cleaned):
            shown.add(spec.name)
    return shown


def shown_in_row(repeater: FieldSpec, row: Mapping, top_shown: set[str], top: Mapping) -> set[str]:
    """Return the names of a repeater row's children shown for this (cleaned) row."""
    siblings = {c.name for c in repeater.children}
    shown: set[str] = set()
    for child in repeater.children:
        if _visible(child, siblings, shown, row, top_shown, top):
            shown.add(child.name)
    return shown
