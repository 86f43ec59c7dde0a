"""How a field's label reads inside a message, and the wording pieces several field types share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from forms.values import format_number

if TYPE_CHECKING:
    from forms.spec import FieldSpec

_NUMBERING = re.compile(r"^\s*(\(?[0-9]{1,2}[a-z]?[.)]|\([a-z]\))\s+")
_ARTICLES = ("the ", "a ", "an ", "your ", "their ", "his ", "her ", "any ", "this ", "these ")


def _text(label: str) -> str:
    """Return the label without its question number or trailing colon."""
    return _NUMBERING.sub("", label.strip()).rstrip(":").strip() or label.strip()


def _is_acronym(word: str) -> bool:
    return sum(ch.isupper() for ch in word) >= 2


def _lower(text: str) -> str:
    """Return the label as it reads mid-sentence: 'Date of birth' → 'date of birth', 'DA Officer' kept."""
    words = text.split(" ")
    long_words = [w for w in words if len(w) > 3 and w[:1].isalpha()]
    title_case = len(words) > 1 and bool(long_words) and all(w[:1].isupper() for w in long_words)
    out = []
    for index, word in enumerate(words):
        if not _is_acronym(word) and (index == 0 or title_case):
            word = word[:1].lower() + word[1:]
        out.append(word)
    return " ".join(out)


class Phrases:
    """The ways one field's label appears inside a message."""

    def __init__(self, spec: FieldSpec):
        override = spec.item.get("error_label")
        text = override or _text(spec.label)
        self.custom = bool(override)
        # Questions and instructions ("Please tick ...") are quoted whole rather than bent into a sentence.
        self.question = not override and (text.endswith("?") or len(text.split()) > 10
                                          or text.lower().startswith("please "))
        self.noun = text if override else _lower(text)
        self.quoted = f"“{text}”"
        self.obj = self.quoted if self.question else text
        self.subject = f"The answer to {self.quoted}" if self.question else text[:1].upper() + text[1:]

    def the(self) -> str:
        """Return the noun with an article: 'the date of birth'."""
        return self.noun if self.noun.lower().startswith(_ARTICLES) else f"the {self.noun}"


def join_or(values: list[str]) -> str:
    """Return values joined as people list alternatives: 'a, b or c'."""
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def listed_choices(spec: FieldSpec) -> str | None:
    """Return a field's options as a short 'a, b or c', or None when they are too many or too long."""
    values = [o.html for o in spec.options]
    if values and all(len(v) <= 3 for v in values):
        return join_or(values)
    if 0 < len(spec.options) <= 6 and all(len(o.label) <= 30 for o in spec.options):
        return join_or([o.label for o in spec.options])
    return None


def out_of_range(p: Phrases, kind: str, expected: Any) -> str | None:
    """Return the message for a number outside a JSON Schema bound, or None for another kind of problem."""
    bound = format_number(expected) if isinstance(expected, int | float) else str(expected)
    words = {"minimum": f"{bound} or more", "maximum": f"{bound} or less", "exclusiveMinimum": f"more than {bound}",
             "exclusiveMaximum": f"less than {bound}", "multipleOf": f"a multiple of {bound}"}
    return f"{p.subject} must be {words[kind]}" if kind in words else None


def text_problem(spec: FieldSpec, p: Phrases, kind: str, expected: Any) -> str:
    """Return the message for a typed answer that breaks its schema (length, pattern, format, type)."""
    if kind == "maxLength":
        return f"{p.subject} must be {expected} characters or fewer"
    if kind == "minLength":
        if expected <= 1:
            return f"Enter an answer to {p.quoted}" if p.question else f"Enter {p.the()}"
        return f"{p.subject} must be {expected} characters or more"
    if kind in ("pattern", "format"):
        return f"Enter {p.the()} in the correct format"
    if kind == "type":
        return f"Enter text for {p.obj}"
    return f"{p.subject} is not a valid answer"
