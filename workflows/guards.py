"""Guards: named conditions on a case view and an actor, each with a reason in the reader's language."""

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
RISK_LEVELS = ("low", "medium", "high", "very_high")
RISK_WORDS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "very_high": N_("very high")}
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


@guard("is_allocated_practitioner")
def is_allocated_practitioner(_params, ctx):
    """Hold when the actor is the practitioner the case is allocated to."""
    allocated = ctx.case.get("allocated_to")
    if not allocated:
        return Verdict(False, ctx.say(N_("The case has not been allocated to a practitioner")), "")
    ok = str(allocated) == str(ctx.actor.get("id"))
    return Verdict(ok, ctx.say(N_("Only the allocated practitioner can do this")),
                   ctx.say(N_("You are the allocated practitioner")))


def _available(ctx) -> int:
    return int((ctx.case.get("capacity") or {}).get("available_practitioners") or 0)


@guard("within_capacity")
def within_capacity(_params, ctx):
    """Hold when at least one practitioner has space on their caseload."""
    ok = _available(ctx) > 0
    return Verdict(ok, ctx.say(N_("Every practitioner is at full capacity")),
                   ctx.say(N_("A practitioner has space on their caseload")))


@guard("no_capacity")
def no_capacity(_params, ctx):
    """Hold when every practitioner is at full capacity."""
    ok = _available(ctx) == 0
    return Verdict(ok, ctx.say(N_("A practitioner has space on their caseload, so the case can be allocated now")),
                   ctx.say(N_("Every practitioner is at full capacity")))


@guard("risk_level_in", params={"type": "array", "minItems": 1, "uniqueItems": True,
                                "items": {"enum": list(RISK_LEVELS)}})
def risk_level_in(levels, ctx):
    """Hold when the case's current risk level is one of the levels."""
    level = ctx.case.get("risk_level")
    if not level:
        return Verdict(False, ctx.say(N_("The risk level has not been assessed")), "")
    ok = level in levels
    said = {name: say(ctx.language, RISK_WORDS.get(name, name)) for name in (level, *levels)}
    return Verdict(ok, ctx.say(N_("The risk level is %(level)s, not %(levels)s"), level=ctx.words(said[level]),
                               levels=or_list([said[name] for name in levels], ctx.language)),
                   ctx.say(N_("The risk level is %(level)s"), level=ctx.words(said[level])))


@guard(
    "case_field_equals",
    params={"type": "object", "required": ["field", "value"], "additionalProperties": False,
            "properties": {"field": FIELD, "value": {}, "reason": REASON}},
)
def case_field_equals(params, ctx):
    """Hold when a case field (then a top-level case view key of that name) equals `value`."""
    found, value = lookup(ctx.case.get("fields") or {}, params["field"])
    if not found:
        value = lookup(ctx.case, params["field"])[1]
    what, expected = ctx.words(params["field"]), f"“{ctx.words(params['value'])}”"
    return Verdict(value == params["value"],
                   params.get("reason") or ctx.say(N_("%(what)s is not %(expected)s"), what=what, expected=expected),
                   ctx.say(N_("%(what)s is %(expected)s"), what=what, expected=expected))


def _endorsers(ctx, what: str) -> set[str]:
    return {str(u) for u in (ctx.case.get("endorsements") or {}).get(what) or ()}


@guard(
    "endorsed_by",
    params={"type": "object", "required": ["what", "count"], "additionalProperties": False,
            "properties": {"what": NAME, "count": {"type": "integer", "minimum": 1}}},
)
def endorsed_by(params, ctx):
    """Hold when at least `count` different managers have endorsed the case as `what`."""
    have, need = len(_endorsers(ctx, params["what"])), params["count"]
    what = ctx.words(params["what"])
    fail = (ctx.say(N_("This needs endorsing as %(what)s by a manager (%(have)s so far)"), what=what, have=have)
            if need == 1 else ctx.say(N_("This needs endorsing as %(what)s by %(need)s different managers "
                                         "(%(have)s so far)"), what=what, need=need, have=have))
    return Verdict(have >= need, fail, ctx.say(N_("Endorsed as %(what)s by %(have)s of the %(need)s managers needed"),
                                               what=what, have=have, need=need))


@guard("actor_endorsed", params=NAME)
def actor_endorsed(what, ctx):
    """Hold when the actor has already endorsed the case as `what`."""
    ok = str(ctx.actor.get("id")) in _endorsers(ctx, what)
    return Verdict(ok, ctx.say(N_("You have not endorsed this as %(what)s"), what=ctx.words(what)),
                   ctx.say(N_("You have already endorsed this as %(what)s"), what=ctx.words(what)))


@guard(
    "sessions_attended_at_least",
    params={"oneOf": [{"type": "integer", "minimum": 1},
                      {"type": "object", "required": ["count"], "additionalProperties": False,
                       "properties": {"count": {"type": "integer", "minimum": 1},
                                      "include_catch_ups": {"type": "boolean"},
                                      "types": {"type": "array", "minItems": 1, "uniqueItems": True,
                                                "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}}}}]},
)
def sessions_attended_at_least(params, ctx):
    """Hold when at least n sessions (of the given types) were attended; catch-ups count unless told not to."""
    spec = params if isinstance(params, dict) else {"count": params}
    sessions = ctx.case.get("sessions") or {}
    if "types" in spec:
        # e.g. a group programme counts its group sessions, not the assessment or pre-programme ones.
        by_type = sessions.get("attended_by_type") or {}
        catch_ups_by_type = sessions.get("catch_ups_by_type") or {}
        have = sum(int(by_type.get(t) or 0) for t in spec["types"])
        catch_ups = sum(int(catch_ups_by_type.get(t) or 0) for t in spec["types"])
    else:
        have, catch_ups = int(sessions.get("attended") or 0), int(sessions.get("catch_ups") or 0)
    if spec.get("include_catch_ups", True):
        have += catch_ups
    need = spec["count"]
    return Verdict(have >= need, ctx.say(N_("%(have)s of the %(need)s sessions needed have been attended"),
                                         have=have, need=need),
                   ctx.say(N_("At least %(need)s sessions have been attended"), need=need))


@guard("suspended", params={"type": "boolean"})
def suspended(wanted, ctx):
    """Hold when the case's suspension matches `wanted` (true: suspended; false: not suspended)."""
    now = bool(ctx.case.get("suspended"))
    is_, not_ = ctx.say(N_("The case is suspended")), ctx.say(N_("The case is not suspended"))
    return Verdict(now == wanted, not_ if wanted else is_, is_ if wanted else not_)
