"""Workflow definitions: reading files, checking them and building the objects the engine walks."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from errors import DefinitionError, FieldProblem
from memo import Memo
from wording import say
from workflows.checks import analyse, event_states, met_by, sources
from workflows.inputs import InputSpec
from workflows.separation import declared
from workflows.text import set_role_phrase
from workflows.translations import localise, translated
from workflows.yamlio import read_yaml

FILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FormSlot:
    """A form expected in a state."""

    form: str
    required: bool = False
    countersigned: bool = False
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class State:
    """One state of a pathway."""

    name: str
    label: str
    public_status: str
    description: str = ""
    terminal: bool = False
    forms: tuple[FormSlot, ...] = ()
    form_tags: tuple[str, ...] = ()
    on_enter: tuple = ()


@dataclass(frozen=True)
class Step:
    """A transition (moves the case on) or an event (happens alongside, state unchanged unless `to`)."""

    kind: str
    name: str
    label: str
    sources: tuple[str, ...]
    to: str | None
    roles: tuple[str, ...]
    guards: tuple = ()
    inputs: tuple[InputSpec, ...] = ()
    effects: tuple = ()
    copy: Mapping[str, str] = field(default_factory=dict)
    warning_when: tuple = ()  # guards that must hold for copy's warning to be shown
    description: str = ""
    check_forms: bool = True
    while_suspended: bool = False
    partner_side: bool = False
    mirrors: str = ""


@dataclass(frozen=True)
class Deadline:
    """A kind of deadline: how long, for whom, what meets it, reminders and escalation."""

    key: str
    label: str
    duration: Mapping[str, Any]
    basis: str
    role: str
    met_by: tuple[Mapping[str, str], ...] = ()
    repeats: bool = False
    reminders: tuple[Mapping[str, Any], ...] = ()
    escalation: Mapping[str, Any] | None = None
    description: str = ""


@dataclass(frozen=True, eq=False)
class WorkflowDefinition:
    """A checked pathway, ready for the engine."""

    key: str
    title: str
    description: str
    roles: tuple[str, ...]
    initial: str
    states: Mapping[str, State]
    transitions: Mapping[str, Step]
    events: Mapping[str, Step]
    deadlines: Mapping[str, Deadline]
    attendance: Mapping[str, Any]
    programme: Mapping[str, Any]
    form_labels: Mapping[str, str]
    content_hash: str
    reference_prefix: str = ""
    intake: Mapping[str, Any] = field(default_factory=dict)
    reports: Mapping[str, Any] = field(default_factory=dict)
    risk_level: Mapping[str, Any] = field(default_factory=dict)
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    contact_log: Mapping[str, str] = field(default_factory=dict)
    risk_update: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    separation: tuple[tuple[str, str], ...] = ()  # (rule, reason) from workflows/separation.py
    _data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """Return the file's content as plain data; load_definition rebuilds an equal definition from it."""
        return copy.deepcopy(dict(self._data))

    def text(self, pointer: str, language: str | None, english: str) -> str:
        """Return one of the file's texts in a language (its `translations`), or the English given."""
        return translated(self._data, pointer, language, english)

    def in_language(self, language: str | None) -> WorkflowDefinition:
        """Return the definition to show in a language: its texts translated, its content (and hash) unchanged."""
        if not (self._data.get("translations") or {}).get(language or ""):
            return self
        def build() -> WorkflowDefinition:
            # Built without the checks (the English was checked) and without registering role phrases again.
            shown = _build(localise(self._data, language), source=self.source)
            return replace(shown, content_hash=self.content_hash, _data=self._data)

        return _shown.get((self.content_hash, self.source, language), build)

    def stage_rank(self, state: str) -> int:
        """Return a state's place in the pathway's order of stages, as its file lists them (0: no state)."""
        for place, name in enumerate(self.states, start=1):
            if name == state:
                return place
        return 0

    def deadline_label(self, key: str, label: str, language: str | None) -> str:
        """Return a started deadline's label in a language: the file's translation while it has the file's words."""
        kind = self.deadlines.get(key)
        if kind is None:  # one Pathway itself starts (a subject access request's month): the catalogue's words
            return say(language, label)
        # A deadline started with other words (an older file, a label of its own) keeps them.
        if kind.label != label:
            return label
        return self.in_language(language).deadlines[key].label

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkflowDefinition) and other.content_hash == self.content_hash

    def __hash__(self) -> int:
        return hash(self.content_hash)


def content_hash(data: Mapping) -> str:
    """Return the sha256 of data's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _step(kind: str, data: Mapping, spec: Mapping) -> Step:
    return Step(
        kind=kind,
        name=spec["name"],
        label=spec["label"],
        sources=tuple(sources(data, spec) if kind == "transition" else event_states(data, spec)),
        to=spec.get("to"),
        roles=tuple(spec.get("roles", ())),
        guards=tuple(spec.get("guards", ())),
        inputs=tuple(InputSpec.from_dict(i) for i in spec.get("inputs", ())),
        effects=tuple(spec.get("effects", ())),
        copy=dict(spec.get("copy", {})),
        warning_when=tuple(spec.get("warning_when", ())),
        description=spec.get("description", ""),
        check_forms=spec.get("check_forms", True),
        # Events are what happens while a case is suspended (escalation, resumption), so they default to allowed.
        while_suspended=spec.get("while_suspended", kind == "event"),
        partner_side=spec.get("partner_side", False),
        mirrors=spec.get("mirrors", ""),
    )


def _state(name: str, spec: Mapping) -> State:
    return State(
        name=name,
        label=spec["label"],
        public_status=spec["public_status"],
        description=spec.get("description", ""),
        terminal=spec.get("terminal", False),
        forms=tuple(
            FormSlot(s["form"], s.get("required", False), s.get("countersigned", False), tuple(s.get("roles", ())))
            for s in spec.get("forms", ())
        ),
        form_tags=tuple(spec.get("form_tags", ())),
        on_enter=tuple(spec.get("on_enter", ())),
    )


def _deadline(spec: Mapping) -> Deadline:
    return Deadline(
        key=spec["key"],
        label=spec["label"],
        duration=dict(spec["duration"]),
        basis=spec["basis"],
        role=spec["role"],
        met_by=tuple(dict(m) for m in met_by(spec)),
        repeats=spec.get("repeats", False),
        reminders=tuple(dict(r) for r in spec.get("reminders", ())),
        escalation=dict(spec["escalation"]) if "escalation" in spec else None,
        description=spec.get("description", ""),
    )


_loaded = Memo(256)  # (content hash, source) → the definition
_shown = Memo(256)  # (content hash, source, language) → the definition with its texts in that language


def load_definition(data: Mapping, *, source: str = "") -> WorkflowDefinition:
    """Return the definition described by data; raise DefinitionError naming every broken path."""
    try:
        memo_key = (content_hash(data), source)
    except (TypeError, ValueError):
        memo_key = None
    # Definitions are immutable and fully decided by their content: checking the same file twice is wasted work.
    return _loaded.get(memo_key, lambda: _load(data, source=source))


def _load(data: Mapping, *, source: str) -> WorkflowDefinition:
    blocking = [p for p in analyse(data).problems if p.blocking]
    if blocking:
        where = source or (data.get("key") if isinstance(data, Mapping) else "") or "workflow"
        raise DefinitionError(
            f"{where}: {len(blocking)} problem(s) in the workflow definition",
            problems=[FieldProblem(p.path, p.message) for p in blocking],
        )
    data = copy.deepcopy(dict(data))
    for role, spec in (data.get("custom_roles") or {}).items():
        labels = {language: translated(data, f"/custom_roles/{role}/label", language, "")
                  for language in data.get("translations") or {}}
        set_role_phrase(role, spec["label"], {language: label for language, label in labels.items() if label})
    return _build(data, source=source)


def _build(data: Mapping, *, source: str) -> WorkflowDefinition:
    return WorkflowDefinition(
        key=data["key"],
        title=data["title"],
        description=data.get("description", ""),
        roles=tuple(data["roles"]),
        initial=data["initial"],
        states={name: _state(name, spec) for name, spec in data["states"].items()},
        transitions={t["name"]: _step("transition", data, t) for t in data["transitions"]},
        events={e["name"]: _step("event", data, e) for e in data.get("events", ())},
        deadlines={d["key"]: _deadline(d) for d in data.get("deadlines", ())},
        attendance=dict(data.get("attendance", {})),
        programme=dict(data.get("programme", {})),
        form_labels=dict(data.get("form_labels", {})),
        content_hash=content_hash(data),
        reference_prefix=data.get("reference_prefix") or data["key"].split("_")[0][:4].upper(),
        intake=dict(data.get("intake", {})),
        reports=dict(data.get("reports", {})),
        risk_level=dict(data.get("risk_level", {})),
        messages=dict(data.get("messages", {})),
        contact_log=dict(data.get("contact_log", {})),
        risk_update=dict(data.get("risk_update", {})),
        source=source,
        separation=declared(data),
        _data=data,
    )


def load_file(path: str | Path) -> WorkflowDefinition:
    """Return the definition in one YAML file."""
    path = Path(path)
    return load_definition(read_yaml(path), source=path.name)


def workflow_files(directory: str | Path) -> list[Path]:
    """Return the workflow files in a directory, sorted by name."""
    return sorted(p for p in Path(directory).iterdir() if p.suffix in FILE_SUFFIXES and p.is_file())


def load_directory(directory: str | Path) -> dict[str, WorkflowDefinition]:
    """Return every definition in a directory by key; raise DefinitionError on a broken file or a reused key."""
    found: dict[str, WorkflowDefinition] = {}
    for path in workflow_files(directory):
        defn = load_file(path)
        if defn.key in found:
            raise DefinitionError(f"{path.name}: key '{defn.key}' is also used by {found[defn.key].source}")
        found[defn.key] = defn
    return found
