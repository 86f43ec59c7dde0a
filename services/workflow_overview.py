"""The read-only workflow pages: pathway files, their synced versions, states, transitions and lint result."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from errors import DefinitionError, NotFound
from models.case import WorkflowVersion
from services.form_definitions import published_forms
from services.roles import role_labels
from services.workflow_diagram import diagram_svg
from services.workflow_lint import lint_files
from services.workflow_store import WORKFLOW_DIR, definition_version
from workflows import content_hash, workflow_files
from workflows.yamlio import read_yaml


def lint_workflows(directory: str | Path = WORKFLOW_DIR) -> dict[str, list[str]]:
    """Return the lint lines of `flask workflows check`, grouped by file name."""
    grouped: dict[str, list[str]] = {}
    for line in lint_files(directory):
        name, _, rest = line.partition(": ")
        grouped.setdefault(name, []).append(rest or line)
    return grouped


def list_workflow_files(directory: str | Path = WORKFLOW_DIR) -> list[dict]:
    """Return one row per workflow file: its key, title, synced versions and whether the file is synced."""
    lint = lint_workflows(directory)
    rows, keys = [], set()
    for path in workflow_files(directory):
        try:
            data = read_yaml(path)
        except DefinitionError as exc:
            rows.append({"file": path.name, "key": "", "title": path.name, "versions": [], "synced": False,
                         "problems": lint.get(path.name, [exc.message])})
            continue
        key = data.get("key", "") if isinstance(data, dict) else ""
        keys.add(key)
        stored = list(WorkflowVersion.objects(key=key).only("version", "content_hash", "synced_at")
                      .order_by("-version")) if key else []
        digest = content_hash(data) if isinstance(data, dict) else ""
        rows.append({"file": path.name, "key": key, "title": data.get("title", key) if isinstance(data, dict) else "",
                     "versions": stored, "synced": any(v.content_hash == digest for v in stored),
                     "problems": lint.get(path.name, [])})
    for key in sorted(set(WorkflowVersion.objects.distinct("key")) - keys):
        stored = list(WorkflowVersion.objects(key=key).order_by("-version"))
        rows.append({"file": "", "key": key, "title": stored[0].title, "versions": stored, "synced": True,
                     "problems": []})
    return rows


def _roles(roles: Iterable[str]) -> list[str]:
    return [role_labels().get(role, role.replace("_", " ")) for role in roles]


def _rule_text(item: Any) -> str:
    """Return a guard or effect entry as short text: `name` or `name: parameters`."""
    if isinstance(item, str):
        return item.replace("_", " ")
    if isinstance(item, dict) and "when" in item:
        return "when " + ", ".join(map(_rule_text, item["when"])) + ": " + ", ".join(map(_rule_text, item["then"]))
    if isinstance(item, dict) and len(item) == 1:
        ((name, params),) = item.items()
        if isinstance(params, list) and params and all(isinstance(p, dict | str) for p in params):
            # Nested rules (any_of, all_of) read better as rules than as raw parameters.
            return f"{name.replace('_', ' ')}: " + "; ".join(_rule_text(p) for p in params)
        return f"{name.replace('_', ' ')}: {_plain(params)}"
    return str(item)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    return str(value)


def _started_deadlines(effects: Iterable[Any]) -> list[str]:
    found = []
    for effect in effects:
        if isinstance(effect, dict) and "start_deadline" in effect:
            value = effect["start_deadline"]
            found.append(value if isinstance(value, str) else value.get("key", ""))
        elif isinstance(effect, dict) and "then" in effect:
            found += _started_deadlines(effect["then"])
    return found


def describe_workflow(key: str, version: int | None = None) -> dict:
    """Return one stored workflow version laid out for reading: diagram, states, transitions, deadlines, lint."""
    versions = list(WorkflowVersion.objects(key=key).order_by("-version"))
    if not versions:
        raise NotFound(f"There is no pathway called {key}")
    stored = next((v for v in versions if version is None or v.version == version), None)
    if stored is None:
        raise NotFound(f"Pathway {key} has no version {version}")
    defn = definition_version(key, stored.version)
    starts: dict[str, list[str]] = {name: _started_deadlines(state.on_enter) for name, state in defn.states.items()}
    for step in defn.transitions.values():
        if step.to:
            starts.setdefault(step.to, []).extend(_started_deadlines(step.effects))
    states = []
    for name, state in defn.states.items():
        tagged = {tag: _tagged_forms(tag) for tag in state.form_tags}
        states.append({
            "name": name, "label": state.label, "public_status": state.public_status,
            "description": state.description, "terminal": state.terminal, "initial": name == defn.initial,
            "forms": [{"form": s.form, "label": defn.form_labels.get(s.form, s.form.replace("_", " ")),
                       "required": s.required or s.countersigned, "countersigned": s.countersigned,
                       "roles": _roles(s.roles)} for s in state.forms],
            "tags": tagged,
            "deadlines": [defn.deadlines[k].label for k in dict.fromkeys(starts.get(name, [])) if k in defn.deadlines],
        })
    steps = [_step(defn, step) for step in defn.transitions.values()]
    events = [_step(defn, step) for step in defn.events.values()]
    deadlines = [{"key": d.key, "label": d.label, "basis": d.basis, "role": _roles([d.role])[0],
                  "met_by": ", ".join(_plain(m) for m in d.met_by), "repeats": d.repeats,
                  "escalation": _plain(d.escalation) if d.escalation else ""} for d in defn.deadlines.values()]
    lint = lint_workflows().get(stored.source, []) if stored.source else []
    return {"stored": stored, "versions": versions, "definition": defn, "svg": diagram_svg(defn), "states": states,
            "transitions": steps, "events": events, "deadlines": deadlines, "lint": lint,
            "roles": _roles(defn.roles)}


def _step(defn, step) -> dict:
    def state_label(name):
        return defn.states[name].label if name in defn.states else name

    every = len(step.sources) > 1 and set(step.sources) == {n for n, s in defn.states.items() if not s.terminal}
    return {"name": step.name, "label": step.label, "to": state_label(step.to) if step.to else "",
            "from": ["Any state that is not an end"] if every else [state_label(s) for s in step.sources],
            "roles": _roles(step.roles), "guards": [_rule_text(g) for g in step.guards],
            "effects": [_rule_text(e) for e in step.effects], "inputs": [i.label for i in step.inputs],
            "description": step.description}


def _tagged_forms(tag: str) -> list[str]:
    return [doc.title for doc in published_forms(tag)]
