"""Move live cases to a newer version of their pathway, with a state mapping the linter has checked."""

from __future__ import annotations

from datetime import datetime

from errors import DefinitionError, FieldProblem
from models.case import Case
from services.audit import record_audit
from services.cases import add_history
from services.workflow_store import definition_version, latest_version
from workflows.migration import migration_problems

LIVE = ("open",)


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


def migrate_cases(key: str, mapping: dict[str, str], *, actor=None, now: datetime,
                  to_version: int | None = None) -> int:
    """Move every live case of the pathway to the newer version, mapping states; return how many moved."""

    plan = plan_migration(key, mapping, to_version=to_version)
    moved = 0
    for case, state in plan["moves"]:
        changes = {"set__workflow_version": plan["to_version"], "inc__revision": 1, "set__updated_at": now}
        if state != case.state:
            changes.update(set__state=state, set__state_entered_at=now)
        # The version in the filter keeps a case changed meanwhile (or moved by another run) from moving twice.
        if Case.objects(pk=case.pk, workflow_version=case.workflow_version, state=case.state).update_one(**changes):
            moved += 1
            add_history(case, kind="event", now=now, actor=actor, name="workflow_migrated",
                        label=f"Moved to version {plan['to_version']} of the pathway", from_state=case.state,
                        to_state=state)
    record_audit("workflow.migrated", actor=actor, now=now, target_type="workflow", target_id=key,
                 details={"to_version": plan["to_version"], "moved": moved, "mapping": dict(mapping)})
    return moved
