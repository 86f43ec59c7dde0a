"""Plain-English error messages for answers, worded in the GOV.UK style."""

from __future__ import annotations

import re
from typing import Any

from forms.spec import FieldSpec
from forms.widgets import format_number

_NUMBERING = re.compile(r"^\s*(\(?[0-9]{1,2}[a-z]?[.)]|\([a-z]\))\s+")
_ARTICLES = ("the ", "a ", "an ", "your ", "their ", "his ", "her ", "any ", "this ", "these ")
_PART_NAMES = {"day": "a day", "month": "a month", "year": "a year"}
_NUMERIC = re.compile(r"[+-]?[0-9,]*\.?[0-9]+", re.ASCII)
# The range MongoDB stores whole numbers in (signed 64-bit), for numbers typed outside it.
_LOWEST, _HIGHEST = -(2**63), 2**63 - 1


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


def _join_or(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _choices(spec: FieldSpec) -> str | None:
    values = [o.html for o in spec.options]
    if values and all(len(v) <= 3 for v in values):
        return _join_or(values)
    if 0 < len(spec.options) <= 6 and all(len(o.label) <= 30 for o in spec.options):
        return _join_or([o.label for o in spec.options])
    return None


def missing(spec: FieldSpec, part: str | None = None) -> str:
    """Return the message for a required answer that was not given."""
    p = Phrases(spec)
    widget = spec.widget
    if widget == "attestation":
        if part == "confirmed":
            return f"Tick the box to confirm the signature for {p.obj}"
        return f"Enter the {'full name' if part == 'full_name' else 'date'} for {p.obj}"
    if widget == "scale":
        return f"Select a rating for {p.obj}"
    if widget in ("radios", "select"):
        return f"Select an answer to {p.quoted}" if p.question else f"Select {p.the()}"
    if widget == "yesno":
        return f"Select whether {p.noun}" if p.custom else f"Select yes or no for {p.obj}"
    if widget == "checkboxes":
        return f"Select at least one answer to {p.quoted}" if p.question else f"Select at least one option for {p.obj}"
    if widget == "repeater":
        return f"Add at least one entry for {p.obj}"
    if widget == "file":
        return f"Upload a file for {p.quoted}" if p.question else f"Upload {p.the()}"
    return f"Enter an answer to {p.quoted}" if p.question else f"Enter {p.the()}"


def future(spec: FieldSpec, part: str | None = None) -> str:
    """Return the message for a date after today where only past dates make sense."""
    p = Phrases(spec)
    if part == "date":
        return f"The date for {p.obj} must be today or in the past"
    return f"{p.subject} must be today or in the past"


def _range(p: Phrases, kind: str, expected: Any) -> str | None:
    bound = format_number(expected) if isinstance(expected, int | float) else str(expected)
    words = {"minimum": f"{bound} or more", "maximum": f"{bound} or less", "exclusiveMinimum": f"more than {bound}",
             "exclusiveMaximum": f"less than {bound}", "multipleOf": f"a multiple of {bound}"}
    return f"{p.subject} must be {words[kind]}" if kind in words else None


def _bound(value: Any, default: int) -> str:
    """Return a range bound as people write it, with thousands separators."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        value = default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def too_long(spec: FieldSpec, limit: int) -> str:
    """Return the message for an answer longer than any field may hold."""
    return f"{Phrases(spec).subject} must be {limit:,} characters or fewer"


def _date_message(p: Phrases, value: Any) -> str:
    parts = value.rsplit("-", 2) if isinstance(value, str) else []
    if len(parts) == 3:
        year, month, day = parts
        gaps = [name for name, text in (("day", day), ("month", month), ("year", year)) if not text]
        if gaps and len(gaps) < 3:
            return f"{p.subject} must include " + " and ".join(_PART_NAMES[g] for g in gaps)
    return f"{p.subject} must be a real date"


def invalid(spec: FieldSpec, kind: str, expected: Any, value: Any, part: str | None = None) -> str:
    """Return the message for an answer that was given but is not acceptable."""
    p = Phrases(spec)
    widget = spec.widget
    if widget == "attestation":
        if part == "date":
            return f"The date for {p.obj} must be a real date"
        return missing(spec, part) if part in ("full_name", "confirmed") else f"Sign {p.obj} again"
    if widget in ("integer", "number"):
        if kind == "type" and isinstance(value, str) and _NUMERIC.fullmatch(value):
            return f"Enter a number between {_bound(spec.min, _LOWEST)} and {_bound(spec.max, _HIGHEST)} for {p.obj}"
        if kind == "type":
            return f"Enter {'a whole number' if widget == 'integer' else 'a number'} for {p.obj}"
        return _range(p, kind, expected) or f"{p.subject} is not a valid answer"
    if widget == "scale" and "oneOf" not in spec.schema:
        return f"{p.subject} must be a whole number from {spec.min} to {spec.max}"
    if widget in ("radios", "select", "scale"):
        listed = _choices(spec)
        return f"{p.subject} must be {listed}" if listed else f"Select one of the options for {p.obj}"
    if widget == "yesno":
        return f"Select yes or no for {p.obj}"
    if widget == "checkboxes":
        if kind == "minItems":
            return f"Select at least {expected} options for {p.obj}"
        if kind == "maxItems":
            return f"Select no more than {expected} options for {p.obj}"
        return f"Select only the options shown for {p.obj}"
    if widget == "date":
        return _date_message(p, value)
    if widget == "repeater":
        if kind == "minItems":
            return f"Add at least {expected} entries for {p.obj}"
        if kind == "maxItems":
            return f"{p.subject} can have no more than {expected} entries"
        return f"{p.subject} is not a valid answer"
    if widget == "file":
        return f"Upload {p.the()} again"
    if kind == "maxLength":
        return f"{p.subject} must be {expected} characters or fewer"
    if kind == "minLength":
        return missing(spec) if expected <= 1 else f"{p.subject} must be {expected} characters or more"
    if kind in ("pattern", "format"):
        return f"Enter {p.the()} in the correct format"
    if kind == "type":
        return f"Enter text for {p.obj}"
    return f"{p.subject} is not a valid answer"
