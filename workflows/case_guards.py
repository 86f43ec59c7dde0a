"""Guards on the case's own facts: its allocation, capacity, risk level, fields, endorsements, sessions, suspension."""

from __future__ import annotations

from wording import N_, say
from workflows.guards import FIELD, REASON, Verdict, guard
from workflows.registry import NAME
from workflows.text import lookup, or_list

RISK_LEVELS = ("low", "medium", "high", "very_high")
RISK_WORDS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "very_high": N_("very high")}


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
