"""A small, safe expression language for calculations, outcomes and conditions (parsed here, never eval'd).

Text such as ``if count('Yes', q1, q2) >= 14 then 'High risk' else 'Standard'`` is parsed into a tree of
plain lists, checked against the form's fields and compiled: option labels become the stored values, names of
calculated values are replaced by their own compiled trees, so a compiled tree needs only the answers to run.
`static/js/form-expr.js` evaluates the same compiled trees in the browser with the same rules.

Compiled nodes: ["num", n] ["str", s] ["bool", b] ["null"] ["ref", name] ["neg", a] ["not", a]
["and", a, b] ["or", a, b] ["cmp", op, a, b] ["arith", op, a, b] ["if", cond, then, else]
["count", [[name, value], ...]] ["score", [[name, [[value, score], ...]], ...]] ["sum", [names]]
["answered", [names]].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from forms.widgets import format_number, is_number, same_value

_TOKEN = re.compile(r"""\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'[^']*'|"[^"]*"|[‘’][^‘’]*[‘’]|“[^”]*”)"""
                    r"""|(?P<op>>=|<=|!=|==|≠|≥|≤|[-+*/()<>=,])|(?P<name>[A-Za-z_][A-Za-z0-9_.]*))""")
_WORDS = {"and", "or", "not", "if", "then", "else", "true", "false"}
FUNCTIONS = ("count", "score", "sum", "answered")
_SYMBOLS = {"==": "=", "≠": "!=", "≥": ">=", "≤": "<="}
MAX_LENGTH = 4000


class ExprError(ValueError):
    """Raised when an expression cannot be understood; the message says what and where."""


def tokens(text: str) -> list[tuple[str, Any]]:
    """Return the tokens of an expression."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("is empty: write a calculation such as count('Yes', q1, q2)")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"is longer than {MAX_LENGTH} characters")
    out, at = [], 0
    text = text.rstrip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            raise ExprError(f"cannot read “{text[at:].strip()[:20]}” (at character {at + 1})")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "num":
            value = float(value) if "." in value else int(value)
        elif kind == "str":
            value = value[1:-1]
        elif kind == "op":
            value = _SYMBOLS.get(value, value)
        elif value.lower() in _WORDS:
            kind, value = "word", value.lower()
        out.append((kind, value))
        at = match.end()
    return out


class _Parser:
    """Recursive descent over the tokens; every node is a plain list."""

    def __init__(self, text: str):
        self.items = tokens(text)
        self.at = 0

    def peek(self, kind: str, value: Any = None) -> bool:
        if self.at >= len(self.items):
            return False
        k, v = self.items[self.at]
        return k == kind and (value is None or v == value)

    def take(self, kind: str, value: Any = None) -> Any:
        if not self.peek(kind, value):
            found = self.items[self.at][1] if self.at < len(self.items) else "the end"
            raise ExprError(f"expected {value or kind} but found “{found}”")
        self.at += 1
        return self.items[self.at - 1][1]

    def parse(self) -> list:
        node = self.expr()
        if self.at < len(self.items):
            raise ExprError(f"has something left over: “{self.items[self.at][1]}”")
        return node

    def expr(self) -> list:
        if self.peek("word", "if"):
            self.take("word", "if")
            cond = self.expr()
            self.take("word", "then")
            then = self.expr()
            other = ["null"]
            if self.peek("word", "else"):
                self.take("word", "else")
                other = self.expr()
            return ["if", cond, then, other]
        return self.binary(0)

    _LEVELS = (("word", ("or",)), ("word", ("and",)))

    def binary(self, level: int) -> list:
        if level == 2:
            return self.negation()
        kind, words = self._LEVELS[level]
        node = self.binary(level + 1)
        while self.peek(kind) and self.items[self.at][1] in words:
            op = self.take(kind)
            node = [op, node, self.binary(level + 1)]
        return node

    def negation(self) -> list:
        if self.peek("word", "not"):
            self.take("word", "not")
            return ["not", self.negation()]
        node = self.additive()
        for op in ("=", "!=", "<", "<=", ">", ">="):
            if self.peek("op", op):
                self.take("op", op)
                return ["cmp", op, node, self.additive()]
        return node

    def additive(self) -> list:
        node = self.term()
        while self.peek("op", "+") or self.peek("op", "-"):
            node = ["arith", self.take("op"), node, self.term()]
        return node

    def term(self) -> list:
        node = self.unary()
        while self.peek("op", "*") or self.peek("op", "/"):
            node = ["arith", self.take("op"), node, self.unary()]
        return node

    def unary(self) -> list:
        if self.peek("op", "-"):
            self.take("op", "-")
            return ["neg", self.unary()]
        return self.atom()

    def atom(self) -> list:
        if self.peek("num"):
            return ["num", self.take("num")]
        if self.peek("str"):
            return ["str", self.take("str")]
        if self.peek("word", "true") or self.peek("word", "false"):
            return ["bool", self.take("word") == "true"]
        if self.peek("op", "("):
            self.take("op", "(")
            node = self.expr()
            self.take("op", ")")
            return node
        name = self.take("name")
        if not self.peek("op", "("):
            return ["ref", name]
        if name not in FUNCTIONS:
            raise ExprError(f"“{name}” is not a function (use {', '.join(FUNCTIONS)})")
        self.take("op", "(")
        args = [self.expr()]
        while self.peek("op", ","):
            self.take("op", ",")
            args.append(self.expr())
        self.take("op", ")")
        return ["call", name, args]


def parse(text: str) -> list:
    """Return the syntax tree of an expression, or raise ExprError."""
    return _Parser(text).parse()


# --- compiling against a form --------------------------------------------------------------------------------

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
    return compile_tree(parse(text), scope)


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


# --- evaluating -----------------------------------------------------------------------------------------------

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


def bands_tree(of: list, bands: list[Mapping], otherwise: Any) -> list:
    """Return the compiled tree that maps a number to the text of the highest band it reaches."""
    node: list = _literal(otherwise) if otherwise not in (None, "") else ["null"]
    for band in sorted(bands, key=lambda b: b["min"]):
        node = ["if", ["cmp", ">=", of, ["num", band["min"]]], ["str", band["text"]], node]
    return node


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


def names_in(text: str) -> set[str]:
    """Return the names an expression's text uses (questions, grids, calculated values), or none if unreadable."""
    try:
        items = tokens(text)
    except ExprError:
        return set()
    # A name followed by "(" is a function; a question or value may still be called "score".
    return {value for i, (kind, value) in enumerate(items)
            if kind == "name" and items[i + 1:i + 2] != [("op", "(")]}


def rename(text: str, old: str, new: str) -> str:
    """Return the expression's text with the name `old` replaced by `new`, leaving quoted text alone."""
    out, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            return text  # unreadable: left for the check to report
        piece = match.group(0)
        if match.lastgroup == "name" and match.group("name") == old:
            piece = piece.replace(old, new)
        out.append(piece)
        at = match.end()
    return "".join(out)
