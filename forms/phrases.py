"""How a field's label reads inside a message, and the wording pieces several field types share.

Messages are whole sentences marked with N_ and said through the catalogue in the reader's language, the label
given as a value. English bends the label into the sentence ("Enter the date of birth"); other languages quote it
whole ("Rhowch ateb ar gyfer “Dyddiad geni”"), or use the form's translated error_label as written, because a
label pulled into a Welsh sentence would need mutations and elisions no rule here can make.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.values import format_number

if TYPE_CHECKING:
    from forms.spec import FieldSpec

_NUMBERING = re.compile(r"^\s*(\(?[0-9]{1,2}[a-z]?[.)]|\([a-z]\))\s+")
_ARTICLES = ("the ", "a ", "an ", "your ", "their ", "his ", "her ", "any ", "this ", "these ")
# A label that is itself an instruction ("Describe the assaults") reads wrongly bent into one: "Enter the describe…".
_INSTRUCTIONS = ("describe", "give", "list", "tell", "explain", "write", "record", "state", "enter", "select",
                 "tick", "choose", "provide", "outline", "note", "detail", "summarise", "summarize", "include",
                 "add", "say", "indicate", "specify", "identify", "confirm", "rate", "please")
_LONGEST_QUOTED = 100  # characters of a label quoted in a message; a longer one is cut short


def _text(label: str) -> str:
    """Return the label without its question number or trailing colon."""
    return _NUMBERING.sub("", label.strip()).rstrip(":").strip() or label.strip()


def _is_acronym(word: str) -> bool:
    return sum(ch.isupper() for ch in word) >= 2


@lru_cache(maxsize=4096)  # labels repeat on every validation of their form
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

    def __init__(self, spec: FieldSpec, language: str | None = SOURCE_LANGUAGE):
        override = spec.item.get("error_label")
        text = override or _text(spec.label)
        self.language = language or SOURCE_LANGUAGE
        self.custom = bool(override)
        shown = text if len(text) <= _LONGEST_QUOTED else text[:_LONGEST_QUOTED - 1].rstrip() + "…"
        self.quoted = f"“{shown}”"
        if self.language != SOURCE_LANGUAGE:
            self.question = not override
            self.noun = self.obj = self.subject = self._the = text if override else self.quoted
            return
        # Questions and instructions ("Please tick ...", "Describe ...") are quoted whole rather than bent into a
        # sentence, and so is a label too long to read inside one.
        first = text.split(maxsplit=1)[0].lower().rstrip(",:") if text.split() else ""
        self.question = not override and (text.endswith("?") or len(text.split()) > 10 or first in _INSTRUCTIONS
                                          or len(text) > _LONGEST_QUOTED)
        self.noun = text if override else _lower(text)
        self.obj = self.quoted if self.question else text
        self.subject = f"The answer to {self.quoted}" if self.question else text[:1].upper() + text[1:]
        self._the = self.noun if self.noun.lower().startswith(_ARTICLES) else f"the {self.noun}"

    def the(self) -> str:
        """Return the noun with an article: 'the date of birth'."""
        return self._the

    def say(self, marked: str, **values: Any) -> str:
        """Return a marked message in this field's language, with its values filled in."""
        return say(self.language, marked, **values)


def join_or(values: list[str], language: str | None = SOURCE_LANGUAGE) -> str:
    """Return values joined as people list alternatives: 'a, b or c'."""
    if len(values) == 1:
        return values[0]
    return say(language, N_("%(items)s or %(last)s"), items=", ".join(values[:-1]), last=values[-1])


def listed_choices(spec: FieldSpec, language: str | None = SOURCE_LANGUAGE) -> str | None:
    """Return a field's options as a short 'a, b or c', or None when they are too many or too long."""
    values = [o.html for o in spec.options]
    if values and all(len(v) <= 3 for v in values):
        return join_or(values, language)
    if 0 < len(spec.options) <= 6 and all(len(o.label) <= 30 for o in spec.options):
        return join_or([o.label for o in spec.options], language)
    return None


_BOUNDS = {"minimum": N_("%(subject)s must be %(bound)s or more"),
           "maximum": N_("%(subject)s must be %(bound)s or less"),
           "exclusiveMinimum": N_("%(subject)s must be more than %(bound)s"),
           "exclusiveMaximum": N_("%(subject)s must be less than %(bound)s"),
           "multipleOf": N_("%(subject)s must be a multiple of %(bound)s")}


def out_of_range(p: Phrases, kind: str, expected: Any) -> str | None:
    """Return the message for a number outside a JSON Schema bound, or None for another kind of problem."""
    bound = format_number(expected) if isinstance(expected, int | float) else str(expected)
    return p.say(_BOUNDS[kind], subject=p.subject, bound=bound) if kind in _BOUNDS else None


def enter_answer(p: Phrases) -> str:
    """Return the message asking for a typed answer."""
    if p.question:
        return p.say(N_("Enter an answer to %(question)s"), question=p.quoted)
    return p.say(N_("Enter %(the)s"), the=p.the())


def not_valid(p: Phrases) -> str:
    """Return the message for an answer that is wrong in a way no other message names."""
    return p.say(N_("%(subject)s is not a valid answer"), subject=p.subject)


def text_problem(spec: FieldSpec, p: Phrases, kind: str, expected: Any) -> str:
    """Return the message for a typed answer that breaks its schema (length, pattern, format, type)."""
    if kind == "maxLength":
        return p.say(N_("%(subject)s must be %(count)s characters or fewer"), subject=p.subject, count=expected)
    if kind == "minLength":
        if expected <= 1:
            return enter_answer(p)
        return p.say(N_("%(subject)s must be %(count)s characters or more"), subject=p.subject, count=expected)
    if kind in ("pattern", "format"):
        return p.say(N_("Enter %(the)s in the correct format"), the=p.the())
    if kind == "type":
        return p.say(N_("Enter text for %(obj)s"), obj=p.obj)
    return not_valid(p)
