"""Move live cases to a newer version of their pathway, with a state mapping the linter has checked."""

from __future__ import annotations

from datetime import datetime

from errors import DefinitionError, FieldProblem
from forms.catalogue import N_
from models.case import Case
from models.deadline import CANCELLED, MISSED, OPEN, Deadline
from models.team import Team
from scheduler.timescales import reminder_times
from services.audit.trail import record_audit
from services.cases.stages import entering, stage_order
from services.cases.transitions import add_history
from services.deadlines.timing import calendar_for, first_action, ms, record_deadline_event, schedule
from services.deadlines.tracking import owners_of, spec_as_dict, spec_of, stop_deadline, sync_next_due
from services.pathways.store import definition_version, latest_version
from services.reports.cohort import recount_case
from services.reports.deadline_counts import recount_deadlines
from storage.uow import transactional
from workflows.migration import migration_problems

LIVE = ("open",)
RULE_FIELDS = ("label", "description", "duration", "basis", "role", "met_by", "repeats", "reminders", "escalation")


def plan_migration(key: str, mapping: dict[str, str], *, to_version: int | None = None) -> dict:
    """Return what moving the pathway's live cases would do; DefinitionError naming every problem."""
    target = to_version or latest_version(key).version
    new = definition_version(key, target)
    cases = list(Case.objects(workflow_key=key, status__in=LIVE, workflow_version__lt=target)
                 .only("id", "state", "workflow_version"))
    lines = []
    for version in sorted({c.workflow_version for c in cases}):
        old = definition_version(key, version)
        in_use = {c.state for c in cases if c.workflow_version == version}
        applicable = {s: t for s, t in mapping.items() if s in old.states}
        lines += [f"v{version} → v{target}: {line}" for line in migration_problems(old, new, applicable, in_use)]
    unknown = [s for s in mapping if not any(s in definition_version(key, v).states
                                             for v in {c.workflow_version for c in cases} or {target})]
    lines += [f"{s}={mapping[s]}: no live case's version has a state '{s}'" for s in unknown]
    if lines:
        raise DefinitionError(f"The cases of {key} cannot be moved to version {target}",
                              problems=[FieldProblem("map", line) for line in lines])
    moves = [(c, mapping.get(c.state, c.state)) for c in cases]
    return {"key": key, "to_version": target, "moves": moves}


def _carry_deadline(case: Case, deadline: Deadline, new, version: int, *, now: datetime, actor) -> None:
    """Give a running deadline the new version's rules (due date counted again from its start), or cancel it."""
    spec = new.deadlines.get(deadline.key)
    if spec is None:
        stop_deadline(case, deadline.key, status=CANCELLED, now=now, actor=actor,
                      met_by=f"version {version} of the pathway has no such deadline")
        return
    rules = spec_as_dict(spec)
    changes = {"set__workflow_version": version}
    if {k: rules[k] for k in RULE_FIELDS} != {k: spec_of(deadline)[k] for k in RULE_FIELDS}:
        team = Team.objects(key=case.team).first() if case.team else None
        cal = calendar_for()
        plan = schedule(rules, anchor=deadline.anchor_at or deadline.started_at, anchor_label=deadline.anchor_label
                        or None, team=team, previous_target=None, cal=cal)
        due = plan["due_at"]
        reminders = [t for t in reminder_times(due, rules["reminders"], cal) if t > now] if due else []
        status = deadline.status
        if status == MISSED and due and due > now:
            status = OPEN  # the new rules give more time: it is running again, not missed
        changes.update(
            set__label=rules["label"], set__description=rules["description"], set__role=rules["role"],
            set__owner_ids=owners_of(case, rules["role"]), set__met_by=rules["met_by"],
            set__repeats=rules["repeats"], set__duration=rules["duration"], set__basis=plan["basis"],
            set__basis_rule=rules["basis"], set__due_at=due, set__reminder_rules=rules["reminders"],
            set__reminders=reminders, set__escalation=rules["escalation"], set__status=status,
            set__next_action_at=first_action(status, due, reminders, None, deadline.next_escalation_at),
            inc__action_seq=1)
    Deadline.objects(pk=deadline.pk).update_one(**changes)
    recount_deadlines({"_id": deadline.pk})  # its due time, label or status may have changed
    if len(changes) > 1:
        deadline.reload()
        when = f"due by the end of {deadline.due_at:%d %B %Y}" if deadline.due_at else "waiting for a date"
        said = ((N_("%(deadline)s: given the rules of version %(version)s, due by the end of %(date)s"),
                 {"version": version, "date": {"date": deadline.due_at.date().isoformat()}}) if deadline.due_at
                else (N_("%(deadline)s: given the rules of version %(version)s, waiting for a date"),
                      {"version": version}))
        record_deadline_event(case, deadline, now=now, actor=actor,
                              what=f"given the rules of version {version}, {when}", said=said)


@transactional
def _move(case: Case, state: str, new, version: int, *, actor, now: datetime) -> bool:
    """Move one case and its running deadlines to the new version, all or nothing."""
    # The new version may list its stages in another order: the case's place is the new version's either way.
    changes = {"set__workflow_version": version, "inc__revision": 1, "set__updated_at": now,
               "set__stage_order": stage_order(new, state)}
    if state != case.state:
        changes.update(entering(new, state, now))
    # The version in the filter keeps a case changed meanwhile (or moved by another run) from moving twice.
    if not Case.objects(pk=case.pk, workflow_version=case.workflow_version, state=case.state).update_one(**changes):
        return False
    add_history(case, kind="event", now=now, actor=actor, name="workflow_migrated",
                label=f"Moved to version {version} of the pathway",
                label_key=N_("Moved to version %(version)s of the pathway"), label_values={"version": version},
                from_state=case.state, to_state=state)
    recount_case(case.pk)  # the state it is mapped to may be a drop-out state
    for deadline in Deadline.objects(case_id=case.pk, active=True):
        _carry_deadline(case, deadline, new, version, now=now, actor=actor)
    sync_next_due(case.pk)
    return True


def migrate_cases(key: str, mapping: dict[str, str], *, actor=None, now: datetime,
                  to_version: int | None = None) -> int:
    """Move every live case of the pathway to the newer version, mapping states; return how many moved."""
    plan = plan_migration(key, mapping, to_version=to_version)
    new = definition_version(key, plan["to_version"])
    now = ms(now)
    moved = sum(_move(case, state, new, plan["to_version"], actor=actor, now=now) for case, state in plan["moves"])
    record_audit("workflow.migrated", actor=actor, now=now, target_type="workflow", target_id=key,
                 details={"to_version": plan["to_version"], "moved": moved, "mapping": dict(mapping)})
    return moved
