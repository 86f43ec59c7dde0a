"""Check a state mapping that moves live cases from one version of a pathway to a newer one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workflows.definition import WorkflowDefinition


def migration_problems(old: WorkflowDefinition, new: WorkflowDefinition, mapping: Mapping[str, str],
                       in_use: Iterable[str] = ()) -> list[str]:
    """Return one line per problem with moving cases from `old` to `new` with this state mapping; empty when fine.

    Every state of the old version that the new one lacks and that a live case is in must be mapped; a mapping
    names a state of the old version and a state of the new one that is not an end state.
    """
    lines = []
    if old.key != new.key:
        lines.append(f"the versions belong to different pathways ({old.key}, {new.key})")
    for source, target in sorted(mapping.items()):
        if source not in old.states:
            lines.append(f"{source}={target}: '{source}' is not a state of version being left; its states are "
                         f"{', '.join(old.states)}")
        if target not in new.states:
            lines.append(f"{source}={target}: '{target}' is not a state of the new version; its states are "
                         f"{', '.join(new.states)}")
        elif new.states[target].terminal:
            lines.append(f"{source}={target}: '{target}' is an end state; live cases must stay open, so map "
                         "them to a state they can move on from")
    for state in sorted(set(in_use)):
        if state not in mapping and state not in new.states:
            lines.append(f"{state}: live cases are in '{state}', which the new version does not have; add "
                         f"--map {state}=<one of {', '.join(s for s, v in new.states.items() if not v.terminal)}>")
    return lines
