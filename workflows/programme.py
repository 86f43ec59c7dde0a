"""A pathway's group programme as data: sessions, intakes, group size, facilitators, and how membership moves cases.

Pure on purpose (no Flask, no database). The `programme.group` block of a pathway file declares how the group runs;
`programme_spec` turns it into a `ProgrammeSpec` the services read, and `programme_problems` lints it, each problem
saying what to write instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Session types a group session may have; services/cases/sessions.py names each of them in words.
GROUP_SESSION_TYPES = ("pre_group", "group", "individual", "post_group", "review")
INTAKE_RULES = ("rolling", "fixed_cohort")
# What the group services can give a pathway step when a man joins, leaves or re-joins a group.
INPUT_SOURCES = {
    "facilitator": "the group's lead facilitator (a user)",
    "first_session": "the date of his first session in the group",
    "week": "the programme week he reached",
    "reason": "the reason typed on the group page",
    "group": "the group's name",
}
STEP_SOURCES = {"join": ("facilitator", "first_session", "group"), "leave": ("week", "reason", "group"),
                "rejoin": ("facilitator", "first_session", "reason", "group")}
DEFAULT_FACILITATORS = 2


@dataclass(frozen=True)
class GroupStep:
    """A pathway transition the group services fire, with where each input's value comes from."""

    transition: str
    inputs: Mapping[str, str] = field(default_factory=dict)

    def values(self, given: Mapping[str, Any]) -> dict:
        """Return the transition's inputs filled from what the group services give."""
        return {name: given.get(source) for name, source in self.inputs.items()}


@dataclass(frozen=True)
class ProgrammeSpec:
    """How a pathway's group programme runs."""

    name: str
    sessions: int
    session_hours: float
    plan: tuple[tuple[str, int], ...]
    intake: str
    intake_every_weeks: int
    max_group_size: int
    max_catch_ups: int | None
    mixed_facilitators: bool
    facilitators: int
    candidate_states: tuple[str, ...]
    candidate_guards: tuple
    join: GroupStep | None
    leave: GroupStep | None
    rejoin: GroupStep | None
    min_partner_contacts: int = 0

    @property
    def rolling(self) -> bool:
        """Tell whether new members join at intake points while the group runs."""
        return self.intake == "rolling"

    def session_type(self, week: int) -> str:
        """Return the type of a member's programme session in week (1-based) following the plan."""
        for kind, count in self.plan:
            if week <= count:
                return kind
            week -= count
        return self.plan[-1][0]


def has_group(programme: Mapping | None) -> bool:
    """Tell whether a programme declares a group."""
    return bool(programme) and isinstance(programme.get("group"), Mapping)


def _step(data: Mapping | None) -> GroupStep | None:
    if not data:
        return None
    return GroupStep(transition=data["transition"], inputs=dict(data.get("inputs") or {}))


def programme_spec(programme: Mapping | None) -> ProgrammeSpec | None:
    """Return the group programme a pathway declares, or None when it runs no group."""
    if not has_group(programme):
        return None
    group = programme["group"]
    sessions = int(programme.get("sessions") or sum(p["sessions"] for p in group.get("plan") or ()) or 1)
    plan = tuple((p["type"], int(p["sessions"])) for p in group.get("plan") or ()) or (("group", sessions),)
    candidates = group.get("candidates") or {}
    return ProgrammeSpec(
        name=programme["name"], sessions=sessions, session_hours=float(programme.get("session_hours") or 2),
        plan=plan, intake=group.get("intake", "fixed_cohort"),
        intake_every_weeks=int(programme.get("intake_every_weeks") or 0),
        max_group_size=int(programme.get("max_group_size") or 0),
        max_catch_ups=programme.get("max_catch_ups"), mixed_facilitators=bool(group.get("mixed_facilitators")),
        facilitators=int(group.get("facilitators") or DEFAULT_FACILITATORS),
        candidate_states=tuple(candidates.get("states") or ()), candidate_guards=tuple(candidates.get("guards") or ()),
        join=_step(group.get("join")), leave=_step(group.get("leave")), rejoin=_step(group.get("rejoin")),
        min_partner_contacts=int(programme.get("min_partner_contacts") or 0),
    )


def _choices(names) -> str:
    return ", ".join(sorted(names)) or "(none)"


def programme_problems(data: Mapping) -> list[tuple[str, str]]:
    """Return (path, message) for each problem in a schema-valid file's `programme.group`; empty when none."""
    programme = data.get("programme") or {}
    if not has_group(programme):
        return []
    group, found = programme["group"], []
    where = "programme.group"
    states = data.get("states") or {}
    transitions = {t["name"]: t for t in data.get("transitions") or ()}
    if not programme.get("max_group_size"):
        found.append(("programme.max_group_size", "a programme run as a group needs its largest group size; "
                      "write max_group_size: 8 (the number of places) under programme"))
    rule = group.get("intake", "fixed_cohort")
    if rule == "rolling" and not programme.get("intake_every_weeks"):
        found.append((f"{where}.intake", "a rolling group needs to know how often it takes new members; write "
                      "intake_every_weeks: 6 under programme, or intake: fixed_cohort"))
    if rule == "fixed_cohort" and programme.get("intake_every_weeks"):
        found.append(("programme.intake_every_weeks", "a fixed cohort takes everyone at the first session; "
                      "remove intake_every_weeks, or write intake: rolling under programme.group"))
    plan = group.get("plan") or ()
    for i, part in enumerate(plan):
        if part["type"] not in GROUP_SESSION_TYPES:
            found.append((f"{where}.plan[{i}].type", f"unknown session type '{part['type']}'; write one of "
                          f"{_choices(GROUP_SESSION_TYPES)}"))
    total = sum(p["sessions"] for p in plan)
    if plan and programme.get("sessions") and total != programme["sessions"]:
        found.append((f"{where}.plan", f"the plan has {total} sessions but the programme has "
                      f"{programme['sessions']}; make the plan's sessions add up to {programme['sessions']}"))
    if not plan and not programme.get("sessions"):
        found.append(("programme.sessions", "a group needs its number of sessions; write sessions: 12 under "
                      "programme, or a plan under programme.group"))
    for i, state in enumerate((group.get("candidates") or {}).get("states") or ()):
        if state not in states:
            found.append((f"{where}.candidates.states[{i}]", f"unknown state '{state}'; write one of "
                          f"{_choices(states)}"))
    for kind in ("join", "leave", "rejoin"):
        step = group.get(kind)
        if step:
            found.extend(_step_problems(f"{where}.{kind}", kind, step, transitions))
    return found


def _step_problems(where: str, kind: str, step: Mapping, transitions: Mapping) -> list[tuple[str, str]]:
    name = step["transition"]
    spec = transitions.get(name)
    if spec is None:
        return [(f"{where}.transition", f"unknown transition '{name}'; write one of {_choices(transitions)}")]
    found = []
    declared = {i["name"]: i for i in spec.get("inputs") or ()}
    allowed = STEP_SOURCES[kind]
    for input_name, source in (step.get("inputs") or {}).items():
        if input_name not in declared:
            found.append((f"{where}.inputs.{input_name}", f"transition '{name}' has no input '{input_name}'; "
                          f"write one of {_choices(declared)}"))
        if source not in allowed:
            found.append((f"{where}.inputs.{input_name}", f"a group {kind} cannot give '{source}'; write one of "
                          f"{_choices(allowed)}"))
    mapped = set(step.get("inputs") or {})
    for input_name, spec_input in declared.items():
        if spec_input.get("required", True) and input_name not in mapped:
            found.append((f"{where}.inputs", f"transition '{name}' needs '{input_name}', which the group page "
                          f"cannot give; map it to one of {_choices(allowed)}, or leave out {kind} so that the "
                          "case is moved on its own page"))
    return found
