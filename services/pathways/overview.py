"""The read-only workflow pages: pathway files, their synced versions, states, transitions and lint result."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from errors import DefinitionError, NotFound
from models.case import WorkflowVersion
from services.pathways.lint import lint_files
from services.pathways.rule_text import effect_text, guard_text, plain
from services.pathways.store import WORKFLOW_DIR, definition_version
from services.submissions.definitions import published_forms
from services.users.roles import role_labels
from wording import N_, say
from workflows import content_hash, workflow_files
from workflows.diagram import diagram_svg
from workflows.translations import translated
from workflows.yamlio import read_yaml


def lint_workflows(directory: str | Path = WORKFLOW_DIR) -> dict[str, list[str]]:
    """Return the lint lines of `flask workflows check`, grouped by file name."""
    grouped: dict[str, list[str]] = {}
    for line in lint_files(directory):
        name, _, rest = line.partition(": ")
        grouped.setdefault(name, []).append(rest or line)
    return grouped


def list_workflow_files(directory: str | Path = WORKFLOW_DIR, language: str | None = None) -> list[dict]:
    """Return one row per workflow file: its key, title (in a language), synced versions and whether it is synced."""
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
        title = translated(data, "/title", language, data.get("title", key)) if isinstance(data, dict) else ""
        rows.append({"file": path.name, "key": key, "title": title,
                     "versions": stored, "synced": any(v.content_hash == digest for v in stored),
                     "problems": lint.get(path.name, [])})
    for key in sorted(set(WorkflowVersion.objects.distinct("key")) - keys):
        stored = list(WorkflowVersion.objects(key=key).order_by("-version"))
        rows.append({"file": "", "key": key, "title": stored[0].title, "versions": stored, "synced": True,
                     "problems": []})
    return rows


def _roles(roles: Iterable[str], language: str | None = None) -> list[str]:
    labels = role_labels(language)
    return [labels.get(role, role.replace("_", " ")) for role in roles]


def _started_deadlines(effects: Iterable[Any]) -> list[str]:
    found = []
    for effect in effects:
        if isinstance(effect, dict) and "start_deadline" in effect:
            value = effect["start_deadline"]
            found.append(value if isinstance(value, str) else value.get("key", ""))
        elif isinstance(effect, dict) and "then" in effect:
            found += _started_deadlines(effect["then"])
    return found


def describe_workflow(key: str, version: int | None = None, language: str | None = None) -> dict:
    """Return one stored workflow version laid out for reading: diagram, states, transitions, deadlines, lint."""
    versions = list(WorkflowVersion.objects(key=key).order_by("-version"))
    if not versions:
        raise NotFound(_("There is no pathway called %(key)s", key=key))
    stored = next((v for v in versions if version is None or v.version == version), None)
    if stored is None:
        raise NotFound(_("Pathway %(key)s has no version %(version)s", key=key, version=version))
    # The English definition decides; the one in the reader's language is what the page shows.
    defn = definition_version(key, stored.version).in_language(language)
    starts: dict[str, list[str]] = {name: _started_deadlines(state.on_enter) for name, state in defn.states.items()}
    for step in defn.transitions.values():
        if step.to:
            starts.setdefault(step.to, []).extend(_started_deadlines(step.effects))
    states = []
    for name, state in defn.states.items():
        tagged = {tag: _tagged_forms(tag, language) for tag in state.form_tags}
        states.append({
            "name": name, "label": state.label, "public_status": state.public_status,
            "description": state.description, "terminal": state.terminal, "initial": name == defn.initial,
            "forms": [{"form": s.form, "label": defn.form_labels.get(s.form, s.form.replace("_", " ")),
                       "required": s.required or s.countersigned, "countersigned": s.countersigned,
                       "roles": _roles(s.roles, language)} for s in state.forms],
            "tags": tagged,
            "deadlines": [defn.deadlines[k].label for k in dict.fromkeys(starts.get(name, [])) if k in defn.deadlines],
        })
    steps = [_step(defn, step, language) for step in defn.transitions.values()]
    events = [_step(defn, step, language) for step in defn.events.values()]
    deadlines = [{"key": d.key, "label": d.label, "basis": d.basis, "role": _roles([d.role], language)[0],
                  "met_by": ", ".join(plain(m) for m in d.met_by), "repeats": d.repeats,
                  "escalation": plain(d.escalation) if d.escalation else ""} for d in defn.deadlines.values()]
    lint = lint_workflows().get(stored.source, []) if stored.source else []
    return {"stored": stored, "versions": versions, "definition": defn, "svg": diagram_svg(defn, language),
            "states": states,
            "transitions": steps, "events": events, "deadlines": deadlines, "lint": lint,
            "roles": _roles(defn.roles, language)}


def _step(defn, step, language: str | None) -> dict:
    def state_label(name):
        return defn.states[name].label if name in defn.states else name

    def form_label(key):
        return defn.form_labels.get(key, key.replace("_", " "))

    def deadline_label(key):
        return defn.deadlines[key].label if key in defn.deadlines else key.replace("_", " ")

    def subject(key):
        english = (defn.messages.get(key) or {}).get("subject") or key.replace("_", " ")
        return defn.text(f"/messages/{key}/subject", language or "en", english)

    every = len(step.sources) > 1 and set(step.sources) == {n for n, s in defn.states.items() if not s.terminal}
    return {"name": step.name, "label": step.label, "to": state_label(step.to) if step.to else "",
            "from": ([say(language, N_("Any state that is not an end"))] if every
                     else [state_label(s) for s in step.sources]),
            "roles": _roles(step.roles, language),
            "guards": [guard_text(g, language, form_label) for g in step.guards],
            "effects": [effect_text(e, language, deadline_label, form_label, subject) for e in step.effects],
            "inputs": [i.label for i in step.inputs],
            "description": step.description}


def _tagged_forms(tag: str, language: str | None) -> list[str]:
    # A form keeps its translations the same way a pathway file does: `translations: {cy: {"/title": ...}}`.
    return [translated(doc.definition or {}, "/title", language, doc.title) for doc in published_forms(tag)]
