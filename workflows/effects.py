"""Effects: named instructions a transition hands back to its caller, checked here and carried out there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows.guards import GuardContext, failures
from workflows.registry import NAME, Registry, parse_item

EFFECTS = Registry("effect")
effect = EFFECTS.register

INPUT_PREFIX = "input:"
INPUT_REF = {"type": "string", "pattern": "^input:[a-z][a-z0-9_]*$"}
FIELD_NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
PRIORITIES = ("urgent", "normal")
ALL_DEADLINES = "*"


@dataclass(frozen=True)
class Effect:
    """One instruction for the caller, with its parameters resolved against the inputs."""

    name: str
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the effect as plain data."""
        return {"name": self.name, "params": dict(self.params)}


def input_name(ref: str) -> str:
    """Return the input name in an 'input:<name>' reference."""
    return ref[len(INPUT_PREFIX):]


def _value(spec: Any, inputs: Mapping) -> Any:
    """Return a literal, or the input value an 'input:<name>' string refers to."""
    if isinstance(spec, str) and spec.startswith(INPUT_PREFIX):
        return inputs.get(input_name(spec))
    return spec


def _targets(to: Any) -> list[str]:
    return [to] if isinstance(to, str) else list(to)


@effect("assign", params={"type": "object", "required": ["to"], "additionalProperties": False,
                          "properties": {"to": INPUT_REF}},
        refs=lambda p: [("input:user", input_name(p["to"]))])
def assign(params, inputs):
    """Allocate the case to the user chosen in a `user` input."""
    return {"to": _value(params["to"], inputs)}


@effect("unassign")
def unassign(_params, _inputs):
    """Remove the allocated practitioner."""
    return {}


@effect(
    "notify",
    params={"type": "object", "required": ["to", "template"], "additionalProperties": False,
            "properties": {"to": {"oneOf": [NAME, {"type": "array", "minItems": 1, "uniqueItems": True,
                                                   "items": NAME}]},
                           "template": NAME}},
    refs=lambda p: [("notify", t) for t in _targets(p["to"])],
)
def notify(params, _inputs):
    """Send the message `template` to a role in the case's team, the referrer, or the allocated practitioner."""
    return {"to": _targets(params["to"]), "template": params["template"]}


ANCHOR = {"type": "string", "pattern": "^(input|field):[a-z][a-z0-9_]*$|^last_session$"}


def _anchor_refs(params) -> list[tuple[str, str]]:
    if isinstance(params, str):
        return [("deadline", params)]
    refs = [("deadline", params["key"])]
    source, _, name = params["from"].partition(":")
    refs.append(("input:date", name) if source == "input" else ("case_field", name) if source == "field" else ())
    return [r for r in refs if r]


@effect("start_deadline",
        params={"oneOf": [NAME, {"type": "object", "required": ["key", "from"], "additionalProperties": False,
                                 "properties": {"key": NAME, "from": ANCHOR}}]},
        refs=_anchor_refs)
def start_deadline(params, inputs):
    """Open a deadline of the kind `key`, counted from now, or from a date input, a date field or the last session."""
    if isinstance(params, str):
        return {"key": params}
    source, _, name = params["from"].partition(":")
    if source == "input":
        return {"key": params["key"], "from_date": inputs.get(name)}
    if source == "field":
        return {"key": params["key"], "from_field": name}
    return {"key": params["key"], "from_recorded": params["from"]}


@effect(
    "stop_deadline",
    params={"type": "object", "required": ["key", "status"], "additionalProperties": False,
            "properties": {"key": {"oneOf": [NAME, {"const": ALL_DEADLINES}]},
                           "status": {"enum": ["met", "cancelled"]}, "restart": {"type": "boolean"}}},
    refs=lambda p: [] if p["key"] == ALL_DEADLINES else [("deadline", p["key"])],
)
def stop_deadline(params, _inputs):
    """Close the open deadline `key` (every open one for "*") as met or cancelled; with restart, open the next."""
    return {"key": params["key"], "status": params["status"], "restart": params.get("restart", False)}


@effect("pause_deadlines")
def pause_deadlines(_params, _inputs):
    """Stop the clock on every open deadline."""
    return {}


@effect("resume_deadlines")
def resume_deadlines(_params, _inputs):
    """Restart the clock on paused deadlines, moving their due dates on by the time paused."""
    return {}


@effect("set_priority", params={"oneOf": [{"enum": list(PRIORITIES)}, INPUT_REF]},
        refs=lambda p: [("input", input_name(p))] if p.startswith(INPUT_PREFIX) else [])
def set_priority(value, inputs):
    """Set the case's priority (urgent or normal)."""
    return {"value": _value(value, inputs)}


@effect(
    "set_field",
    params={"type": "object", "required": ["field"], "additionalProperties": False,
            "oneOf": [{"required": ["value"]}, {"required": ["input"]}],
            "properties": {"field": FIELD_NAME, "value": {}, "input": NAME}},
    refs=lambda p: [("input", p["input"])] if "input" in p else [],
)
def set_field(params, inputs):
    """Store a value (or an input's value) in the case's fields."""
    value = inputs.get(params["input"]) if "input" in params else params["value"]
    return {"field": params["field"], "value": value}


@effect(
    "open_linked_case",
    params={"type": "object", "required": ["workflow", "relation"], "additionalProperties": False,
            "properties": {"workflow": NAME, "relation": {"enum": ["partner"]}}},
    refs=lambda p: [("workflow", p["workflow"])],
)
def open_linked_case(params, _inputs):
    """Open a case on another pathway linked to this one (a partner record)."""
    return {"workflow": params["workflow"], "relation": params["relation"]}


@effect(
    "record_outcome",
    params={"type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
            "properties": {"input": NAME, "value": NAME}},
    refs=lambda p: [("input", p["input"])] if "input" in p else [],
)
def record_outcome(params, inputs):
    """Record the case's outcome, fixed or taken from an input."""
    return {"value": inputs.get(params["input"]) if "input" in params else params["value"]}


@effect("join_waiting_list")
def join_waiting_list(_params, _inputs):
    """Put the case on the team's waiting list, from now."""
    return {}


@effect("leave_waiting_list")
def leave_waiting_list(_params, _inputs):
    """Take the case off the waiting list."""
    return {}


@effect("endorse", params=NAME)
def endorse(what, _inputs):
    """Record the actor's endorsement of the case as `what` (e.g. urgent)."""
    return {"what": what}


@effect("suspend")
def suspend(_params, _inputs):
    """Mark the case suspended."""
    return {}


@effect("resume")
def resume(_params, _inputs):
    """Mark the case no longer suspended."""
    return {}


def is_conditional(item: Any) -> bool:
    """Return whether an effects-list item is a `{when, then}` block."""
    return isinstance(item, Mapping) and "when" in item and "then" in item


def expand(items, inputs: Mapping, ctx: GuardContext) -> list[Effect]:
    """Return the effects of items, keeping a when-block's effects only when all its guards hold."""
    out: list[Effect] = []
    for item in items or ():
        if is_conditional(item):
            if not failures(item["when"], ctx):
                out.extend(expand(item["then"], inputs, ctx))
            continue
        name, params = parse_item(item)
        out.append(Effect(name, EFFECTS.get(name).func(params, inputs)))
    return out
