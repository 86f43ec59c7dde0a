"""Evaluate compiled expression trees (forms.expr_compile) for a set of answers; form-expr.js mirrors this."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.expr import ExprError
from forms.values import format_number, is_number, same_value


def truthy(value: Any) -> bool:
    """Check a value as a condition: nothing, false, 0, empty text and empty lists are false."""
    if isinstance(value, bool):
        return value
    if is_number(value):
        return value != 0
    if isinstance(value, str | list):
        return len(value) > 0
    return value is not None


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, list):
        return any(same_value(x, b) for x in a)
    if isinstance(b, list):
        return any(same_value(a, x) for x in b)
    return same_value(a, b)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "=":
        return _equal(a, b)
    if op == "!=":
        return not _equal(a, b)
    if not ((is_number(a) and is_number(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _arith(op: str, a: Any, b: Any) -> Any:
    if not (is_number(a) and is_number(b)):
        return None
    if op == "/":
        return None if b == 0 else a / b
    return {"+": a + b, "-": a - b, "*": a * b}[op]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not (value.strip() if isinstance(value, str)
                                                                          else value))


def evaluate(tree: list, answers: Mapping) -> Any:
    """Return the value of a compiled tree for these answers (a missing answer is null)."""
    kind = tree[0]
    if kind in ("num", "str", "bool"):
        return tree[1]
    if kind == "null":
        return None
    if kind == "ref":
        return answers.get(tree[1])
    if kind == "neg":
        value = evaluate(tree[1], answers)
        return -value if is_number(value) else None
    if kind == "not":
        return not truthy(evaluate(tree[1], answers))
    if kind == "and":
        return truthy(evaluate(tree[1], answers)) and truthy(evaluate(tree[2], answers))
    if kind == "or":
        return truthy(evaluate(tree[1], answers)) or truthy(evaluate(tree[2], answers))
    if kind == "cmp":
        return _compare(tree[1], evaluate(tree[2], answers), evaluate(tree[3], answers))
    if kind == "arith":
        return _arith(tree[1], evaluate(tree[2], answers), evaluate(tree[3], answers))
    if kind == "if":
        return evaluate(tree[2] if truthy(evaluate(tree[1], answers)) else tree[3], answers)
    if kind == "count":
        return sum(1 for name, wanted in tree[1] if _equal(answers.get(name), wanted))
    if kind == "score":
        total = 0
        for name, table in tree[1]:
            value = answers.get(name)
            for option, points in table:
                if _equal(value, option):
                    total += points
        return total
    if kind == "sum":
        return sum(v for v in (answers.get(n) for n in tree[1]) if is_number(v))
    if kind == "answered":
        return sum(1 for n in tree[1] if not _empty(answers.get(n)))
    raise ExprError(f"“{kind}” is not a known step")


def result_text(value: Any) -> str:
    """Return a calculated value as people read it (form-expr.js writes it the same way)."""
    if value is None:
        return "Not known yet"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if is_number(value):
        return format_number(round(value, 2))
    if isinstance(value, list):
        return ", ".join(result_text(v) for v in value)
    return value if isinstance(value, str) else ""
