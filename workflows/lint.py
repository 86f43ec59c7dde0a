"""Lint workflow definitions against each other and against the forms and roles the system knows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from errors import DefinitionError
from workflows.checks import analyse
from workflows.declarations import partner_pathways, step_role_problems
from workflows.definition import WorkflowDefinition, workflow_files
from workflows.effects import is_conditional
from workflows.registry import parse_item
from workflows.yamlio import read_yaml


def _unpack(name: str, item) -> tuple[str, object]:
    if isinstance(item, WorkflowDefinition):
        return item.source or item.key, item.to_dict()
    return name, item


def _external(label: str, path: str, kind: str, value: str, known_forms, workflows: set,
              known_messages) -> str | None:
    if kind == "message":
        if known_messages is None or value in known_messages:
            return None
        return (f"{label}: {path}: unknown message '{value}'; add it under messages: in this file, or name one of "
                "the general messages in templates/deadlines/messages.yaml")
    if kind == "form" and value not in known_forms:
        return f"{label}: {path}: unknown form '{value}'"
    if kind == "field" and isinstance(known_forms, Mapping):
        form, _, field = value.partition(".")
        fields = known_forms.get(form)
        top = field.split(".", 1)[0]
        if fields is not None and top and top not in fields:
            return f"{label}: {path}: form '{form}' has no field '{top}'"
    if kind == "workflow" and value not in workflows:
        return f"{label}: {path}: unknown workflow '{value}'"
    return None


def lint(definitions: Mapping[str, WorkflowDefinition | Mapping], *, known_forms: Collection[str],
         known_roles: Collection[str], known_messages: Collection[str] | None = None,
         context: Mapping[str, WorkflowDefinition | Mapping] | None = None) -> list[str]:
    """Return one line per problem, as '<file or key>: <path>: <message>'; empty when all is well.

    Values may be loaded definitions or raw file data (so broken files can be linted too). known_forms may
    map each form key to its field names, in which case guards naming a form's field are checked as well.
    """
    unpacked = [_unpack(name, item) for name, item in definitions.items()]
    # Stored pathways the files may name (a partner record) are read for references, never reported on.
    known = unpacked + [_unpack(name, item) for name, item in (context or {}).items()]
    workflows = {data.get("key") for _, data in known if isinstance(data, Mapping)}
    partners = partner_pathways(dict(known))
    partner_events = {e.get("name") for _, data in known if isinstance(data, Mapping) and data.get("key") in partners
                      for e in data.get("events") or () if isinstance(e, Mapping)}
    lines: list[str] = []
    for label, data in unpacked:
        analysis = analyse(data)
        lines.extend(f"{label}: {p.path}: {p.message}" for p in analysis.problems)
        if not any(p.blocking for p in analysis.problems):
            lines.extend(f"{label}: {path}: {message}" for path, message in
                         step_role_problems(data, data["key"] in partners, partner_events))
        for path, kind, value in analysis.external:
            line = _external(label, path, kind, value, known_forms, workflows, known_messages)
            if line:
                lines.append(line)
        if isinstance(data, Mapping) and isinstance(data.get("roles"), list):
            own = set(data.get("custom_roles") or {}) if isinstance(data.get("custom_roles"), Mapping) else set()
            known = ", ".join(sorted({*known_roles, *own}))
            lines.extend(f"{label}: roles[{i}]: unknown role '{role}'; the roles that exist are {known} (a service "
                         "adds its own under custom_roles: with a label and the role it works as)"
                         for i, role in enumerate(data["roles"]) if role not in known_roles and role not in own)
    return lines


def lint_paths(paths: Iterable[str | Path], *, known_forms: Collection[str],
               known_roles: Collection[str], known_messages: Collection[str] | None = None,
               context: Mapping | None = None) -> list[str]:
    """Return lint lines for workflow files, including unreadable files and keys used by two files."""
    lines: list[str] = []
    raw: dict[str, object] = {}
    owner: dict[object, str] = {}
    for path in map(Path, paths):
        try:
            data = read_yaml(path)
        except DefinitionError as exc:
            lines.append(exc.message)
            continue
        key = data.get("key") if isinstance(data, Mapping) else None
        if key is not None and key in owner:
            lines.append(f"{path.name}: key: '{key}' is also the key of {owner[key]}")
        owner.setdefault(key, path.name)
        raw[path.name] = data
    others = {k: v for k, v in (context or {}).items() if k not in owner}
    return lines + lint(raw, known_forms=known_forms, known_roles=known_roles, known_messages=known_messages,
                        context=others)


def lint_directory(directory: str | Path, *, known_forms: Collection[str],
                   known_roles: Collection[str], known_messages: Collection[str] | None = None) -> list[str]:
    """Return lint lines for every workflow file in a directory."""
    return lint_paths(workflow_files(directory), known_forms=known_forms, known_roles=known_roles,
                      known_messages=known_messages)


def _templates(items) -> set[str]:
    found: set[str] = set()
    for item in items or ():
        if is_conditional(item):
            found |= _templates(item["then"])
            continue
        name, params = parse_item(item)
        if name == "notify":
            found.add(params["template"])
    return found


def notify_templates(defn: WorkflowDefinition) -> set[str]:
    """Return every message template a pathway's notify effects name, so each can be checked to exist."""
    found: set[str] = set()
    for state in defn.states.values():
        found |= _templates(state.on_enter)
    for step in [*defn.transitions.values(), *defn.events.values()]:
        found |= _templates(step.effects)
    for rule in defn.attendance.get("rules", ()):
        found |= _templates(rule["effects"])
    return found
