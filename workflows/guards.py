"""Guards: named conditions on a case view and an actor, each with a reason in plain English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from workflows.registry import NAME, Registry, parse_item
from workflows.text import cap, lookup, or_list, role_phrase, words

GUARDS = Registry("guard")
guard = GUARDS.register

SUBMITTED = ("submitted", "countersigned")
RISK_LEVELS = ("low", "medium", "high", "very_high")
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
    """What a guard may look at: the case view, the actor and the pathway's form labels."""

    case: Mapping
    actor: Mapping
    form_labels: Mapping[str, str] = field(default_factory=dict)

    def form(self, key: str) -> Mapping:
        """Return the case view's entry for a form, or an empty mapping."""
        return (self.case.get("forms") or {}).get(key) or {}

    def form_label(self, key: str) -> str:
        """Return the noun phrase naming a form in sentences, e.g. 'the risk assessment'."""
        return self.form_labels.get(key) or "the " + key.replace("_", " ")


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
        label = cap(ctx.form_label(params["form"]))
        return Verdict(False, f"{label} has not been submitted", f"{label} has been submitted"), None
    return None, lookup(entry.get(source) or {}, path)[1]


def _compare(ok: bool, params, ctx, what: str, expected: str) -> Verdict:
    label = ctx.form_label(params["form"])
    custom = params.get("reason")
    return Verdict(
        ok,
        custom or f"In {label}, {what} is not {expected}",
        f"In {label}, {what} is {expected}",
    )


@guard("form_submitted", params=NAME, refs=lambda p: [("form", p)])
def form_submitted(key, ctx):
    """Hold when the form is submitted or countersigned."""
    label = cap(ctx.form_label(key))
    ok = ctx.form(key).get("status") in SUBMITTED
    return Verdict(ok, f"{label} has not been submitted", f"{label} has been submitted")


@guard("form_countersigned", params=NAME, refs=lambda p: [("form", p)])
def form_countersigned(key, ctx):
    """Hold when the form has been countersigned by a manager."""
    label = cap(ctx.form_label(key))
    ok = ctx.form(key).get("status") == "countersigned"
    return Verdict(ok, f"{label} has not been countersigned", f"{label} has been countersigned")


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
    what = f"the answer to “{words(params['field'])}”"
    return _compare(value == params["value"], params, ctx, what, f"“{words(params['value'])}”")


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
    what = f"the answer to “{words(params['field'])}”"
    return _compare(value in params["values"], params, ctx, what, or_list(params["values"]))


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
    what = f"the {words(params['path'].rsplit('.', 1)[-1])}"
    return _compare(value == params["value"], params, ctx, what, f"“{words(params['value'])}”")


@guard("has_role", params=NAME, refs=lambda p: [("role", p)])
def has_role(role, ctx):
    """Hold when the actor holds the role."""
    ok = role in (ctx.actor.get("roles") or ())
    return Verdict(ok, f"This needs {role_phrase(role)}", f"You are {role_phrase(role)}")


@guard("is_allocated_practitioner")
def is_allocated_practitioner(_params, ctx):
    """Hold when the actor is the practitioner the case is allocated to."""
    allocated = ctx.case.get("allocated_to")
    if not allocated:
        return Verdict(False, "The case has not been allocated to a practitioner", "")
    ok = str(allocated) == str(ctx.actor.get("id"))
    return Verdict(ok, "Only the allocated practitioner can do this", "You are the allocated practitioner")


def _available(ctx) -> int:
    return int((ctx.case.get("capacity") or {}).get("available_practitioners") or 0)


@guard("within_capacity")
def within_capacity(_params, ctx):
    """Hold when at least one practitioner has space on their caseload."""
    ok = _available(ctx) > 0
    return Verdict(ok, "Every practitioner is at full capacity", "A practitioner has space on their caseload")


@guard("no_capacity")
def no_capacity(_params, ctx):
    """Hold when every practitioner is at full capacity."""
    ok = _available(ctx) == 0
    return Verdict(ok, "A practitioner has space on their caseload, so the case can be allocated now",
                   "Every practitioner is at full capacity")


@guard("risk_level_in", params={"type": "array", "minItems": 1, "uniqueItems": True,
                                "items": {"enum": list(RISK_LEVELS)}})
def risk_level_in(levels, ctx):
    """Hold when the case's current risk level is one of the levels."""
    level = ctx.case.get("risk_level")
    if not level:
        return Verdict(False, "The risk level has not been assessed", "")
    ok = level in levels
    return Verdict(ok, f"The risk level is {words(level)}, not {or_list(levels)}",
                   f"The risk level is {words(level)}")


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
    what, expected = cap(words(params["field"])), f"“{words(params['value'])}”"
    return Verdict(value == params["value"], params.get("reason") or f"{what} is not {expected}",
                   f"{what} is {expected}")


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
    who = "a manager" if need == 1 else f"{need} different managers"
    return Verdict(have >= need, f"This needs endorsing as {words(params['what'])} by {who} ({have} so far)",
                   f"Endorsed as {words(params['what'])} by {have} of the {need} managers needed")


@guard("actor_endorsed", params=NAME)
def actor_endorsed(what, ctx):
    """Hold when the actor has already endorsed the case as `what`."""
    ok = str(ctx.actor.get("id")) in _endorsers(ctx, what)
    return Verdict(ok, f"You have not endorsed this as {words(what)}",
                   f"You have already endorsed this as {words(what)}")


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
    return Verdict(have >= need, f"{have} of the {need} sessions needed have been attended",
                   f"At least {need} sessions have been attended")


@guard("suspended", params={"type": "boolean"})
def suspended(wanted, ctx):
    """Hold when the case's suspension matches `wanted` (true: suspended; false: not suspended)."""
    now = bool(ctx.case.get("suspended"))
    is_, not_ = "The case is suspended", "The case is not suspended"
    return Verdict(now == wanted, not_ if wanted else is_, is_ if wanted else not_)


@guard("not", params=GUARD_ITEM, nested=lambda p: [p])
def not_(item, ctx):
    """Hold when the inner guard does not."""
    inner = evaluate(item, ctx)
    return Verdict(not inner.ok, inner.passed, inner.fail)


def _join(reasons: list[str], word: str) -> str:
    reasons = [r.rstrip(".") for r in reasons if r]
    if not reasons:
        return ""
    return (f", {word} ").join([reasons[0]] + [r[:1].lower() + r[1:] for r in reasons[1:]])


@guard("any_of", params={"type": "array", "minItems": 1, "items": GUARD_ITEM}, nested=list)
def any_of(items, ctx):
    """Hold when at least one of the guards holds."""
    verdicts = [evaluate(item, ctx) for item in items]
    passed = [v.passed for v in verdicts if v.ok]
    return Verdict(bool(passed), _join([v.fail for v in verdicts], "and"), passed[0] if passed else "")


@guard("all_of", params={"type": "array", "minItems": 1, "items": GUARD_ITEM}, nested=list)
def all_of(items, ctx):
    """Hold when every one of the guards holds."""
    verdicts = [evaluate(item, ctx) for item in items]
    fails = [v.fail for v in verdicts if not v.ok]
    return Verdict(not fails, _join(fails, "and") if fails else "", _join([v.passed for v in verdicts], "and"))
