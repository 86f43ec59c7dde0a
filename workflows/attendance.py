"""Attendance rules: the effects a pathway gives a session just recorded with its marks."""

from __future__ import annotations

from collections.abc import Mapping

from errors import FieldProblem, InvalidInput
from wording import N_, say
from workflows.checks import DEFAULT_MARKS
from workflows.definition import WorkflowDefinition
from workflows.effects import Effect, expand
from workflows.engine import context


def _counts_towards(counter: str, marks: list[str]) -> bool:
    """Return whether a session with these marks adds one to the counter."""
    if counter == "total":
        return True
    if counter == "catch_ups":
        return "catch_up" in marks
    if counter == "unacceptable_absences":
        return "unacceptable_absence" in marks
    return bool({"attended", "late"} & set(marks)) and "catch_up" not in marks


def _count(sessions: Mapping, counter: str, types) -> int:
    if not types:
        return int(sessions.get(counter) or 0)
    by_type = sessions.get("by_type") or {}
    return sum(int((by_type.get(kind) or {}).get(counter) or 0) for kind in types)


def attendance_effects(defn: WorkflowDefinition, case: Mapping, marks: str | list[str],
                       actor: Mapping | None = None, *, session_type: str | None = None,
                       language: str = "en") -> list[Effect]:
    """Return the effects of the attendance rules for a session just recorded with these marks.

    The case view's `sessions` counts must already include this session (`by_type` holds the counts per
    session type). A rule limited to `session_types` looks only at sessions of those types. A counter rule
    fires once, on the session that takes its counter to `reaches`: later sessions that leave the counter
    where it is (or take it further) do not fire it again.
    """
    marks = [marks] if isinstance(marks, str) else list(marks)
    known = defn.attendance.get("marks", DEFAULT_MARKS)
    bad = [m for m in marks if m not in known]
    if bad:
        raise InvalidInput(problems=[FieldProblem("mark", say(language, N_("'%(mark)s' is not an attendance mark of "
                                                                         "this pathway"), mark=m)) for m in bad])
    sessions = case.get("sessions") or {}
    ctx = context(defn, case, actor or {})
    out: list[Effect] = []
    for rule in defn.attendance.get("rules", ()):
        types = rule.get("session_types")
        if types and session_type not in types:
            continue
        if "mark" in rule and rule["mark"] not in marks:
            continue
        if "counter" in rule and not (_counts_towards(rule["counter"], marks)
                                      and _count(sessions, rule["counter"], types) == rule["reaches"]):
            continue
        out.extend(expand(rule["effects"], {}, ctx))
    return out
