"""Guards: the registry, the context a guard reads, and the guards on forms and roles (case facts: case_guards.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from wording import N_, say
from workflows.registry import NAME, Registry, parse_item
from workflows.text import cap, lookup, or_list, role_phrase, words

GUARDS = Registry("guard")
guard = GUARDS.register

SUBMITTED = ("submitted", "countersigned")
FIELD = {"type": "string", "pattern": "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$"}
REASON = {"type": "string", "minLength": 1}
GUARD_ITEM = {"oneOf": [NAME, {"type": "object", "minProperties": 1, "maxProperties": 1}]}


class Verdict(NamedTuple):
    """A guard's answer: whether it holds, why not, and why it does (the last one serves `not`)."""

    ok: bool
    fail: str
    passed: str


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the case view, the actor, the pathway's form labels and the reader's language."""

    case: Mapping
    actor: Mapping
    form_labels: Mapping[str, str] = field(default_factory=dict)  # in the language, when the pathway has it
    language: str = "en"

    def form(self, key: str) -> Mapping:
        """Return the case view's entry for a form, or an empty mapping."""
        return (self.case.get("forms") or {}).get(key) or {}

    def form_label(self, key: str) -> str:
        """Return the noun phrase naming a form in sentences, e.g. 'the risk assessment'."""
        return self.form_labels.get(key) or say(self.language, N_("the %(name)s"), name=key.replace("_", " "))

    def say(self, marked: str, **values: Any) -> str:
        """Return a marked sentence in the reader's language, its first letter in upper case."""
        return cap(say(self.language, marked, **values))

    def words(self, value: Any) -> str:
        """Return a value as the reader would say it."""
        return words(value, self.language)


def evaluate(item: Any, ctx: GuardContext) -> Verdict:
    """Return the verdict of one guard item (a bare name or a one-key mapping)."""
    name, params = parse_item(item)
    return GUARDS.get(name).func(params, ctx)


def failures(items, ctx: GuardContext) -> list[str]:
    """Return the reason of every guard in items that does not hold."""
    return [v.fail for v in (evaluate(item, ctx) for item in items or ()) if not v.ok]


def _form_refs(params) -> list[tuple[str, str]]:
    return [("form", params["form"]), ("field", f"{params['form']}.{params.get('field', '')}")]


def _answer(params, ctx, source: str, path: str) -> tuple[Verdict | None, Any]:
    """Return (a 'not submitted' verdict, None) or (None, the submitted form's value at path)."""
    entry = ctx.form(params["form"])
    if entry.get("status") not in SUBMITTED:
        return _submitted(False, ctx, params["form"]), None
    return None, lookup(entry.get(source) or {}, path)[1]


def _submitted(ok: bool, ctx, key: str) -> Verdict:
    label = ctx.form_label(key)
    return Verdict(ok, ctx.say(N_("%(form)s has not been submitted"), form=label),
                   ctx.say(N_("%(form)s has been submitted"), form=label))


def _compare(ok: bool, params, ctx, what: str, expected: str) -> Verdict:
    label = ctx.form_label(params["form"])
    custom = params.get("reason")
    return Verdict(
        ok,
        custom or ctx.say(N_("In %(form)s, %(what)s is not %(expected)s"), form=label, what=what, expected=expected),
        ctx.say(N_("In %(form)s, %(what)s is %(expected)s"), form=label, what=what, expected=expected),
    )


def _answer_to(ctx, field: str) -> str:
    return say(ctx.language, N_("the answer to “%(question)s”"), question=ctx.words(field))


@guard("form_submitted", params=NAME, refs=lambda p: [("form", p)])
def form_submitted(key, ctx):
    """Hold when the form is submitted or countersigned."""
    return _submitted(ctx.form(key).get("status") in SUBMITTED, ctx, key)


@guard("form_countersigned", params=NAME, refs=lambda p: [("form", p)])
def form_countersigned(key, ctx):
    """Hold when the form has been countersigned by a manager."""
    label = ctx.form_label(key)
    ok = ctx.form(key).get("status") == "countersigned"
    return Verdict(ok, ctx.say(N_("%(form)s has not been countersigned"), form=label),
                   ctx.say(N_("%(form)s has been countersigned"), form=label))


@guard(
    "answer_equals",
    params={"type": "object", "required": ["form", "field", "value"], "additionalProperties": False,
            "properties": {"form": NAME, "field": FIELD, "value": {}, "reason": REASON}},
    refs=_form_refs,
)
def answer_equals(params, ctx):
    """Hold when a submitted form's answer at `field` equals `value`."""
    early, value = _answer(params, ctx, "answers", params["field"])
    if early:
        return early
    return _compare(value == params["value"], params, ctx, _answer_to(ctx, params["field"]),
                    f"“{ctx.words(params['value'])}”")


@guard(
    "answer_in",
    params={"type": "object", "required": ["form", "field", "values"], "additionalProperties": False,
            "properties": {"form": NAME, "field": FIELD, "values": {"type": "array", "minItems": 1},
                           "reason": REASON}},
    refs=_form_refs,
)
def answer_in(params, ctx):
    """Hold when a submitted form's answer at `field` is one of `values`."""
    early, value = _answer(params, ctx, "answers", params["field"])
    if early:
        return early
    return _compare(value in params["values"], params, ctx, _answer_to(ctx, params["field"]),
                    or_list(params["values"], ctx.language))


@guard(
    "computed_equals",
    params={"type": "object", "required": ["form", "path", "value"], "additionalProperties": False,
            "properties": {"form": NAME, "path": FIELD, "value": {}, "reason": REASON}},
    refs=lambda p: [("form", p["form"])],
)
def computed_equals(params, ctx):
    """Hold when a value the server computed for a submitted form (dotted `path`) equals `value`."""
    early, value = _answer(params, ctx, "computed", params["path"])
    if early:
        return early
    what = say(ctx.language, N_("the %(name)s"), name=ctx.words(params["path"].rsplit(".", 1)[-1]))
    return _compare(value == params["value"], params, ctx, what, f"“{ctx.words(params['value'])}”")


@guard("has_role", params=NAME, refs=lambda p: [("role", p)])
def has_role(role, ctx):
    """Hold when the actor holds the role."""
    ok = role in (ctx.actor.get("roles") or ())
    who = role_phrase(role, ctx.language)
    return Verdict(ok, ctx.say(N_("This needs %(role)s"), role=who), ctx.say(N_("You are %(role)s"), role=who))
