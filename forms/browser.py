"""Browser data: show_when rules for the page script, and which fields a page renders."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from forms.conditions import holds, operators, shown_names
from forms.expr_compile import refs
from forms.spec import FieldSpec
from forms.values import html_value, same_value

if TYPE_CHECKING:
    from forms.compiled import CompiledForm


def _html(target: FieldSpec, value: object) -> str:
    """Return a condition value in the form the target's inputs post it."""
    option = next((o for o in target.options if same_value(o.value, value)), None)
    return option.html if option else html_value(value)


def _rule(form: CompiledForm, spec: FieldSpec, repeater: FieldSpec | None) -> dict:
    cond = spec.show_when
    if "tree" in cond:
        return {"field": spec.name, "repeater": None, "when": {"op": "expr", "tree": cond["tree"]}}
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


def conditions(form: CompiledForm, answers: Mapping | None = None) -> dict:
    """Return the show_when rules in layout order, and what the page needs to work out written calculations.

    `fields` tells the script how to turn the posted text of each question a calculation reads back into the
    stored answer; `saved` holds those answers (from `answers`) for questions on other pages.
    """
    rules = []
    for spec in form.fields:
        if spec.show_when:
            rules.append(_rule(form, spec, None))
        for child in spec.children:
            if child.show_when:
                rules.append(_rule(form, child, spec))
    trees = [r["tree"] for r in form.results] + [r["when"]["tree"] for r in rules if r["when"]["op"] == "expr"]
    names = sorted(set().union(*(refs(t) for t in trees))) if trees else []
    data = form.clean(answers or {})
    return {"form": form.key, "rules": rules,
            "results": [{"key": r["key"], "tree": r["tree"], "colours": r["colours"]} for r in form.results],
            "fields": {n: _reading(form.top_fields[n]) for n in names},
            "saved": {n: data[n] for n in names if n in data}}


def _reading(spec: FieldSpec) -> dict:
    """Return how the script reads a question's inputs back into its stored answer."""
    return {"kind": spec.widget_type.reads, "options": [[o.html, o.value] for o in spec.options]}


def conditions_json(form: CompiledForm, answers: Mapping | None = None) -> str:
    """Return the rules as JSON that is safe inside a <script type="application/json"> element."""
    text = json.dumps(conditions(form, answers), ensure_ascii=False, separators=(",", ":"))
    # Escaped so that no answer-derived text can close the script element or open a comment.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def renders(form: CompiledForm, spec: FieldSpec, answers: Mapping) -> bool:
    """Check whether a page should render a field.

    A condition on a field of the same page (or row) is left to the browser script and, without it, the field
    is shown; a condition on a field of another page is decided here from the saved answers.
    """
    cond = spec.show_when
    if cond and "tree" in cond:
        if any(form.top_fields[n].page == spec.page for n in refs(cond["tree"])):
            return True
        data = form.clean(answers)
        return spec.name in shown_names(form.fields, data)
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
