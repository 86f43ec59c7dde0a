"""How a field's label reads inside a message, and the wording pieces several field types share.

Messages are whole sentences marked with N_ and said through the catalogue in the reader's language, the label
given as a value. English bends the label into the sentence ("Enter the date of birth"); other languages quote it
whole ("Rhowch ateb ar gyfer “Dyddiad geni”"), or use the form's translated error_label as written, because a
label pulled into a Welsh sentence would need mutations and elisions no rule here can make.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forms.catalogue import N_, SOURCE_LANGUAGE, say
from forms.values import format_number
from wording import LabelPhrases

if TYPE_CHECKING:
    from forms.spec import FieldSpec


class Phrases(LabelPhrases):
    """The ways one field's label appears inside a message (its `error_label` when the form gives one)."""

    def __init__(self, spec: FieldSpec, language: str | None = SOURCE_LANGUAGE):
        super().__init__(spec.label, spec.item.get("error_label"), language)


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
    return p.enter()


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
