"""Templates' fixed interface texts, `_("…")`, read as a filter and said once per language and text."""

from __future__ import annotations

from jinja2.ext import Extension
from jinja2.lexer import Token

SAY = "say_text"  # the filter a template's `_("…")` becomes
_OPENING, _CLOSING = {"lparen", "lbracket", "lbrace"}, {"rparen", "rbracket", "rbrace"}


class FixedTexts(Extension):
    """Read `_("text")` as `("text" | say_text)` and `_("text", x=…)` as `("text" | say_text(x=…))`.

    A page says about seventy fixed texts, and each call of a template's global goes through Jinja's
    `Context.call`; a filter is called directly. Only a string literal is rewritten (`_(variable)` stays a call),
    so `pybabel extract`, which reads the templates without this extension, still finds every text.
    """

    def filter_stream(self, stream):
        """Rewrite the calls of `_` with a string literal first; leave every other token as it is."""
        tokens, out, opened = list(stream), [], []
        at = 0
        while at < len(tokens):
            token = tokens[at]
            if _fixed_text_call(tokens, at):
                line, text, after = token.lineno, tokens[at + 2], tokens[at + 3]
                out += [Token(line, "lparen", "("), text, Token(line, "pipe", "|"), Token(line, "name", SAY)]
                if after.type == "rparen":
                    out.append(Token(line, "rparen", ")"))
                else:  # its values follow the comma: they become the filter's arguments
                    out.append(Token(line, "lparen", "("))
                    opened.append(True)
                at += 4
                continue
            if token.type in _OPENING:
                opened.append(False)
            elif token.type in _CLOSING and opened and opened.pop():
                out.append(Token(token.lineno, "rparen", ")"))  # the filter's arguments end, then the bracket
            out.append(token)
            at += 1
        return out


def _fixed_text_call(tokens: list, at: int) -> bool:
    """Tell whether tokens[at:] begin `_("text")` or `_("text",` (and `_` is not an attribute)."""
    if tokens[at].type != "name" or tokens[at].value != "_" or (at and tokens[at - 1].type == "dot"):
        return False
    following = tokens[at + 1:at + 4]
    return [t.type for t in following[:2]] == ["lparen", "string"] and len(following) == 3 and \
        following[2].type in ("rparen", "comma")
