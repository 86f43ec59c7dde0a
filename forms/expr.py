"""A small, safe expression language for calculations, outcomes and conditions (parsed here, never eval'd).

Text such as ``if count('Yes', q1, q2) >= 14 then 'High risk' else 'Standard'`` is parsed into a tree of
plain lists, checked against the form's fields and compiled: option labels become the stored values, names of
calculated values are replaced by their own compiled trees, so a compiled tree needs only the answers to run.
This module reads the text; `forms.expr_compile` checks it against a form and `forms.expr_eval` works it out
(`static/js/form-expr.js` evaluates the same compiled trees in the browser with the same rules).

Compiled nodes: ["num", n] ["str", s] ["bool", b] ["null"] ["ref", name] ["neg", a] ["not", a]
["and", a, b] ["or", a, b] ["cmp", op, a, b] ["arith", op, a, b] ["if", cond, then, else]
["count", [[name, value], ...]] ["score", [[name, [[value, score], ...]], ...]] ["sum", [names]]
["answered", [names]].
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"""\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'[^']*'|"[^"]*"|[‘’][^‘’]*[‘’]|“[^”]*”)"""
                    r"""|(?P<op>>=|<=|!=|==|≠|≥|≤|[-+*/()<>=,])|(?P<name>[A-Za-z_][A-Za-z0-9_.]*))""")
_WORDS = {"and", "or", "not", "if", "then", "else", "true", "false"}
FUNCTIONS = ("count", "score", "sum", "answered")
_SYMBOLS = {"==": "=", "≠": "!=", "≥": ">=", "≤": "<="}
MAX_LENGTH = 4000
# Brackets, "if"s, "not"s and minus signs inside one another: real calculations use a handful, and the parser (like
# every walk over a tree) goes one level of Python's stack deeper for each.
MAX_NESTING = 40
MAX_DEPTH = 100  # operations inside one another, a long chain such as q1 + q2 + … included


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
        self.nesting = -1  # the whole expression is not inside anything

    def nested(self, read) -> list:
        """Return what `read` reads one level further inside; refuse more levels than MAX_NESTING."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExprError(f"has more than {MAX_NESTING} brackets, “not”s or minus signs inside one another")
        node = read()
        self.nesting -= 1
        return node

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
        if depth(node) > MAX_DEPTH:
            raise ExprError(f"has more than {MAX_DEPTH} steps inside one another: add up a long list with "
                            "sum(…), count(…) or score(…), or split it into calculated values")
        return node

    def expr(self) -> list:
        return self.nested(self.choice)

    def choice(self) -> list:
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
            return ["not", self.nested(self.negation)]
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
            return ["neg", self.nested(self.unary)]
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


def depth(tree: Any) -> int:
    """Return how many nodes deep a tree is (counted without recursion, so any tree can be measured)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in node if isinstance(child, list))
    return deepest


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
