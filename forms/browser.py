"""Browser data: show_when rules for the page script, and which fields a page renders."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from forms.conditions import holds, operators, shown_names
from forms.spec import FieldSpec
from forms.widgets import html_value, same_value

if TYPE_CHECKING:
    from forms.compiled import CompiledForm


def _html(target: FieldSpec, value: object) -> str:
    """Return a condition value in the form the target's inputs post it."""
    option = next((o for o in target.options if same_value(o.value, value)), None)
    return option.html if option else html_value(value)


def _rule(form: CompiledForm, spec: FieldSpec, repeater: FieldSpec | None) -> dict:
    cond = spec.show_when
    op = operators(cond)[0]
    sibling = repeater.child(cond["field"]) if repeater else None
    target = sibling or form.top_fields[cond["field"]]
    values = cond["in"] if op == "in" else [] if op == "not_empty" else [cond[op]]
    return {
        "field": spec.name,
        "repeater": repeater.name if repeater else None,
        "when": {"field": target.name, "scope": "row" if sibling else "form", "op": op,
                 "values": [_html(target, v) for v in values]},
    }


def conditions(form: CompiledForm) -> dict:
    """Return the show_when rules, in layout order, with values as the inputs post them."""
    rules = []
    for spec in form.fields:
        if spec.show_when:
            rules.append(_rule(form, spec, None))
        for child in spec.children:
            if child.show_when:
                rules.append(_rule(form, child, spec))
    return {"form": form.key, "rules": rules}


def conditions_json(form: CompiledForm) -> str:
    """Return the rules as JSON that is safe inside a <script type="application/json"> element."""
    text = json.dumps(conditions(form), ensure_ascii=False, separators=(",", ":"))
    # Escaped so that no answer-derived text can close the script element or open a comment.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def renders(form: CompiledForm, spec: FieldSpec, answers: Mapping) -> bool:
    """Check whether a page should render a field.

    A condition on a field of the same page (or row) is left to the browser script and, without it, the field
    is shown; a condition on a field of another page is decided here from the saved answers.
    """
    cond = spec.show_when
    if spec.parent is not None:
        repeater = form.top_fields[spec.parent]
        if not renders(form, repeater, answers):
            return False
        if not cond or repeater.child(cond["field"]):
            return True
        page = repeater.page
    else:
        if not cond:
            return True
        page = spec.page
    target = form.top_fields[cond["field"]]
    if target.page == page:
        return renders(form, target, answers)
    data = form.clean(answers)
    return target.name in shown_names(form.fields, data) and holds(cond, data)
