"""Compile expressions against a form: names checked, option labels resolved, calculated values inlined."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forms.expr import FUNCTIONS, ExprError, depth, parse
from forms.values import is_number, same_value

__all__ = ["FUNCTIONS", "Scope", "bands_tree", "compile_text", "compile_tree", "refs", "resolve"]

MAX_COMPILED_DEPTH = 250  # evaluating goes one level of Python's stack deeper per step, far below its limit


class Scope:
    """What names an expression may use: fields (name → FieldSpec-like) and compiled calculated values."""

    def __init__(self, fields: Mapping, computed: Mapping[str, list] | None = None,
                 expand: Callable[[str], list[str] | None] | None = None):
        self.fields, self.computed = fields, dict(computed or {})
        self.expand = expand or (lambda name: None)

    def names(self, name: str) -> list[str]:
        """Return the field names one argument stands for (a grid stands for its rows)."""
        rows = self.expand(name)
        if rows is not None:
            missing = [row for row in rows if row not in self.fields]
            if missing:
                raise ExprError(f"refers to the grid “{name}”, whose question “{missing[0]}” cannot be used here")
            return rows
        if name not in self.fields:
            raise ExprError(f"refers to “{name}”, which is not a question of this form")
        return [name]


def resolve(spec: Any, value: Any) -> Any:
    """Return the stored value an option is known by: its value, or its label as shown (any case)."""
    options = getattr(spec, "options", ()) or ()
    if any(same_value(o.value, value) for o in options):
        return value
    if isinstance(value, str):
        for option in options:
            if option.label.strip().casefold() == value.strip().casefold():
                return option.value
        if options:
            shown = ", ".join(f"“{o.label}”" for o in options)
            raise ExprError(f"“{value}” is not an option of “{spec.name}” (options: {shown})")
    return value


def compile_tree(tree: list, scope: Scope) -> list:
    """Return a compiled tree: names checked, option labels resolved, calculated values inlined."""
    kind = tree[0]
    if kind in ("num", "str", "bool", "null"):
        return tree
    if kind == "ref":
        name = tree[1]
        if name in scope.computed:
            return scope.computed[name]
        if scope.expand(name) is not None:
            raise ExprError(f"“{name}” is a grid: use count(…), score(…) or answered(…) with it")
        scope.names(name)
        return tree
    if kind == "call":
        return _call(tree[1], tree[2], scope)
    if kind == "cmp":
        left, right = compile_tree(tree[2], scope), compile_tree(tree[3], scope)
        left, right = _labelled(left, right, scope), _labelled(right, left, scope)
        return ["cmp", tree[1], left, right]
    return [kind] + [compile_tree(t, scope) if isinstance(t, list) else t for t in tree[1:]]


def _labelled(node: list, other: list, scope: Scope) -> list:
    # `q9 = 'Yes'`: the literal is matched against q9's options so admins may write the option as shown.
    if node[0] == "str" and other[0] == "ref" and other[1] in scope.fields:
        return _literal(resolve(scope.fields[other[1]], node[1]))
    return node


def _literal(value: Any) -> list:
    if isinstance(value, bool):
        return ["bool", value]
    if is_number(value):
        return ["num", value]
    return ["str", value]


def _names(args: list, scope: Scope, fn: str) -> list[str]:
    out: list[str] = []
    for arg in args:
        if arg[0] != "ref":
            raise ExprError(f"{fn}(…) takes question names, not calculations")
        out += scope.names(arg[1])
    if not out:
        raise ExprError(f"{fn}(…) needs at least one question")
    return out


def _call(fn: str, args: list, scope: Scope) -> list:
    if fn == "count":
        if len(args) < 2 or args[0][0] not in ("str", "num", "bool"):
            raise ExprError("count(…) needs an option first, then the questions: count('Yes', q1, q2)")
        wanted = args[0][1]
        return ["count", [[name, resolve(scope.fields[name], wanted)] for name in _names(args[1:], scope, fn)]]
    names = _names(args, scope, fn)
    if fn == "score":
        tables = []
        for name in names:
            options = getattr(scope.fields[name], "options", ()) or ()
            scored = [[o.value, o.meta["score"]] for o in options if is_number(o.meta.get("score"))]
            if not scored:
                raise ExprError(f"score(…) needs options with scores, and “{name}” has none")
            tables.append([name, scored])
        return ["score", tables]
    return [fn, names]


def compile_text(text: str, scope: Scope) -> list:
    """Return the compiled tree of an expression's text, or raise ExprError."""
    tree = compile_tree(parse(text), scope)
    # Calculated values are inlined: each short, a chain of them can still be too deep to work out.
    if depth(tree) > MAX_COMPILED_DEPTH:
        raise ExprError(f"builds on calculated values that build on others, more than {MAX_COMPILED_DEPTH} steps "
                        "deep in all: work it out from the questions in fewer steps")
    return tree


def refs(tree: Any) -> set[str]:
    """Return the field names a compiled tree reads."""
    if not isinstance(tree, list) or not tree:
        return set()
    kind = tree[0]
    if kind == "ref":
        return {tree[1]}
    if kind in ("count", "score"):
        return {pair[0] for pair in tree[1]}
    if kind in ("sum", "answered"):
        return set(tree[1])
    return set().union(*(refs(t) for t in tree[1:]))


def bands_tree(of: list, bands: list[Mapping], otherwise: Any) -> list:
    """Return the compiled tree that maps a number to the text of the highest band it reaches."""
    node: list = _literal(otherwise) if otherwise not in (None, "") else ["null"]
    for band in sorted(bands, key=lambda b: b["min"]):
        node = ["if", ["cmp", ">=", of, ["num", band["min"]]], ["str", band["text"]], node]
    return node
