"""Check a workflow file's data: its schema, its internal references, and its shape as a graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows import separation
from workflows.declarations import check_declarations, fields_set, guard_fact_problems, session_types
from workflows.effects import EFFECTS, is_conditional
from workflows.guards import GUARDS
from workflows.programme import programme_problems
from workflows.registry import parse_item
from workflows.retention_checks import monitoring_form_refs, retention_problems
from workflows.schema_check import Problem, schema_problems
from workflows.translations import translation_problems, untranslated_problems

DEFAULT_MARKS = ("attended", "catch_up", "acceptable_absence", "unacceptable_absence", "late", "concern")
NOTIFY_SPECIAL = ("referrer", "allocated")


@dataclass
class Analysis:
    """Problems found in one file, and the things it names that only the wider system can check."""

    problems: list[Problem] = field(default_factory=list)
    # (path, kind, value) with kind "form", "field" (form.field) or "workflow".
    external: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, path: str, message: str, blocking: bool = True) -> None:
        """Record one problem."""
        self.problems.append(Problem(path, message, blocking))


class _Checker:
    """Walk validated data, checking every reference against what the file declares."""

    def __init__(self, data: Mapping, out: Analysis):
        self.data, self.out = data, out
        self.roles = set(data["roles"])
        self.states = data["states"]
        self.transition_names = {t["name"] for t in data["transitions"]}
        self.event_names = {e["name"] for e in data.get("events", ())}
        self.deadlines = {d["key"] for d in data.get("deadlines", ())}
        self.fields_set = fields_set(data)

    def role(self, path: str, role: str) -> None:
        if role not in self.roles:
            self.out.add(path, f"role '{role}' is not one of this pathway's roles")

    def state(self, path: str, name: str) -> None:
        if name not in self.states:
            self.out.add(path, f"unknown state '{name}'")

    def guards(self, path: str, items) -> None:
        for i, item in enumerate(items or ()):
            self.guard(f"{path}[{i}]", item)

    def guard(self, path: str, item: Any) -> None:
        name, params = parse_item(item)
        if name not in GUARDS:
            self.out.add(path, f"unknown guard '{name}'")
            return
        entry = GUARDS.get(name)
        bad = entry.param_problems(params)
        for sub, message in bad:
            self.out.add(f"{path}.{name}{sub}", message)
        if bad:
            return
        for kind, value in entry.refs(params):
            self.ref(f"{path}.{name}", kind, value, None)
        guard_fact_problems(self, f"{path}.{name}", name, params)
        if entry.nested:
            for i, inner in enumerate(entry.nested(params)):
                self.guard(f"{path}.{name}" + (f"[{i}]" if isinstance(params, list) else ""), inner)

    def effects(self, path: str, items, inputs: Mapping[str, str] | None) -> None:
        for i, item in enumerate(items or ()):
            where = f"{path}[{i}]"
            if is_conditional(item):
                self.guards(f"{where}.when", item["when"])
                self.effects(f"{where}.then", item["then"], inputs)
                continue
            name, params = parse_item(item)
            if name not in EFFECTS:
                self.out.add(where, f"unknown effect '{name}'")
                continue
            entry = EFFECTS.get(name)
            bad = entry.param_problems(params)
            for sub, message in bad:
                self.out.add(f"{where}.{name}{sub}", message)
            if not bad:
                for kind, value in entry.refs(params):
                    self.ref(f"{where}.{name}", kind, value, inputs)
                if name == "notify" and params["template"] not in (self.data.get("messages") or {}):
                    self.out.external.append((f"{where}.notify.template", "message", params["template"]))

    def ref(self, path: str, kind: str, value: str, inputs: Mapping[str, str] | None) -> None:
        if kind == "role":
            self.role(path, value)
        elif kind == "notify":
            if value not in NOTIFY_SPECIAL:
                self.role(path, value)
        elif kind == "deadline":
            if value not in self.deadlines:
                self.out.add(path, f"unknown deadline '{value}'")
        elif kind.startswith("input"):
            if inputs is None:
                self.out.add(path, f"input '{value}' cannot be used here: there are no inputs")
            elif value not in inputs:
                self.out.add(path, f"unknown input '{value}'")
            elif kind == "input:user" and inputs[value] != "user":
                self.out.add(path, f"input '{value}' must be of kind 'user'")
            elif kind == "input:date" and inputs[value] != "date":
                self.out.add(path, f"input '{value}' must be of kind 'date' to count a deadline from it")
        elif kind == "case_field":
            if value not in self.fields_set:
                self.out.add(path, f"no step sets the field '{value}'; add set_field: {{field: {value}, input: ...}} "
                             "to the step that records it")
        else:
            self.out.external.append((path, kind, value))

    def inputs(self, path: str, items) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for i, spec in enumerate(items or ()):
            if spec["name"] in kinds:
                self.out.add(f"{path}[{i}].name", f"duplicate input name '{spec['name']}'")
            kinds[spec["name"]] = spec["kind"]
            if "role" in spec:
                self.role(f"{path}[{i}].role", spec["role"])
        return kinds

    def step(self, path: str, step: Mapping) -> None:
        """Check what transitions and events share: target, roles, inputs, guards, effects."""
        if "to" in step:
            self.state(f"{path}.to", step["to"])
        source = step.get("from", "*")
        if isinstance(source, list):
            for i, name in enumerate(source):
                self.state(f"{path}.from[{i}]", name)
        elif source != "*":
            self.state(f"{path}.from", source)
        for i, role in enumerate(step.get("roles", ())):
            self.role(f"{path}.roles[{i}]", role)
        if not step.get("roles"):
            self.out.add(f"{path}.roles", f"'{step['name']}' has no roles, so nobody can take it", False)
        kinds = self.inputs(f"{path}.inputs", step.get("inputs"))
        self.guards(f"{path}.guards", step.get("guards"))
        if "warning_when" in step:
            self.guards(f"{path}.warning_when", step["warning_when"])
            if not (step.get("copy") or {}).get("warning"):
                self.out.add(f"{path}.warning_when", f"'{step['name']}' has warning_when but no warning to show: "
                             "write the warning under copy.warning, or remove warning_when")
        self.effects(f"{path}.effects", step.get("effects"), kinds)

    def run(self) -> None:
        data = self.data
        self.state("initial", data["initial"])
        for name, state in self.states.items():
            where = f"states.{name}"
            for i, slot in enumerate(state.get("forms", ())):
                self.out.external.append((f"{where}.forms[{i}].form", "form", slot["form"]))
                for j, role in enumerate(slot.get("roles", ())):
                    self.role(f"{where}.forms[{i}].roles[{j}]", role)
            self.effects(f"{where}.on_enter", state.get("on_enter"), None)
        seen: set[str] = set()
        for group in ("transitions", "events"):
            for i, step in enumerate(data.get(group, ())):
                if step["name"] in seen:
                    self.out.add(f"{group}[{i}].name", f"duplicate name '{step['name']}'")
                seen.add(step["name"])
                self.step(f"{group}[{i}]", step)
        for i, step in enumerate(data.get("events", ())):
            for j, state in enumerate(step.get("states", ())):
                self.state(f"events[{i}].states[{j}]", state)
                if self.states.get(state, {}).get("terminal"):
                    self.out.add(f"events[{i}].states[{j}]", f"state '{state}' is terminal; events happen "
                                 "only while a case is open")
        self.check_deadlines()
        self.check_attendance()
        for path, message in programme_problems(data):
            self.out.add(path, message)
        group = (data.get("programme") or {}).get("group") or {}
        self.guards("programme.group.candidates.guards", (group.get("candidates") or {}).get("guards"))
        check_declarations(self)
        for path, message, blocking in retention_problems(data):
            self.out.add(path, message, blocking)
        self.out.external.extend(monitoring_form_refs(data))

    def check_deadlines(self) -> None:
        seen: set[str] = set()
        for i, spec in enumerate(self.data.get("deadlines", ())):
            where = f"deadlines[{i}]"
            if spec["key"] in seen:
                self.out.add(f"{where}.key", f"duplicate deadline '{spec['key']}'")
            seen.add(spec["key"])
            self.role(f"{where}.role", spec["role"])
            if "escalation" in spec:
                self.role(f"{where}.escalation.to", spec["escalation"]["to"])
            listed = isinstance(spec.get("met_by"), list)
            for j, item in enumerate(met_by(spec)):
                ((kind, value),) = item.items()
                at = f"{where}.met_by" + (f"[{j}]" if listed else "")
                known = {"transition": self.transition_names, "event": self.event_names}.get(kind)
                if known is None:
                    self.out.external.append((at, "form", value))
                elif value not in known:
                    self.out.add(at, f"unknown {kind} '{value}'")

    def check_attendance(self) -> None:
        attendance = self.data.get("attendance") or {}
        marks = set(attendance.get("marks", DEFAULT_MARKS))
        seen: set[str] = set()
        for i, rule in enumerate(attendance.get("rules", ())):
            where = f"attendance.rules[{i}]"
            if rule["name"] in seen:
                self.out.add(f"{where}.name", f"duplicate rule '{rule['name']}'")
            seen.add(rule["name"])
            if "mark" in rule and rule["mark"] not in marks:
                self.out.add(f"{where}.mark", f"unknown attendance mark '{rule['mark']}'; use one of "
                             f"{', '.join(sorted(marks))}")
            types = session_types(self.data)
            for j, kind in enumerate(rule.get("session_types", ())):
                if kind not in types:
                    self.out.add(f"{where}.session_types[{j}]", f"unknown session type '{kind}'; use one of "
                                 f"{', '.join(types)}")
            self.effects(f"{where}.effects", rule["effects"], None)


def met_by(spec: Mapping) -> list[dict]:
    """Return a deadline's met_by entries as a list."""
    value = spec.get("met_by") or []
    return [value] if isinstance(value, Mapping) else list(value)


def sources(data: Mapping, step: Mapping) -> list[str]:
    """Return the states a transition may be taken from ("*": every non-terminal state)."""
    source = step["from"]
    if source == "*":
        return [n for n, s in data["states"].items() if not s.get("terminal")]
    return [source] if isinstance(source, str) else list(source)


def event_states(data: Mapping, step: Mapping) -> list[str]:
    """Return the states an event may happen in (default: every non-terminal state)."""
    if "states" in step:
        return list(step["states"])
    return [n for n, s in data["states"].items() if not s.get("terminal")]


def graph_problems(data: Mapping) -> list[Problem]:
    """Return unreachable states, dead ends and transitions from terminal states."""
    states = data["states"]
    edges: dict[str, set[str]] = {name: set() for name in states}
    found = []
    for i, step in enumerate(data["transitions"]):
        for source in sources(data, step):
            if step["from"] != "*" and states.get(source, {}).get("terminal"):
                found.append(Problem(f"transitions[{i}].from", f"state '{source}' is terminal, so "
                                     f"'{step['name']}' can never be taken from it", False))
            edges.setdefault(source, set()).add(step["to"])
    for step in data.get("events", ()):
        if "to" in step:
            for source in event_states(data, step):
                edges.setdefault(source, set()).add(step["to"])
    reached, todo = {data["initial"]}, [data["initial"]]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for name, state in states.items():
        if name not in reached:
            found.append(Problem(f"states.{name}", f"state '{name}' cannot be reached from "
                                 f"'{data['initial']}'", False))
        if not state.get("terminal") and not (edges[name] - {name}):
            found.append(Problem(f"states.{name}", f"state '{name}' is not terminal but has no way out", False))
    return found


def analyse(data: Any) -> Analysis:
    """Return every problem in one workflow file's data; schema problems stop further checks."""
    out = Analysis()
    out.problems.extend(schema_problems(data))
    if out.problems:
        return out
    _Checker(data, out).run()
    for path, message in [*separation.problems(data), *translation_problems(data)]:
        out.add(path, message)
    for path, message in untranslated_problems(data):
        out.add(path, message, blocking=False)  # English stands in for a missing text: worth knowing, not fatal
    if not any(p.blocking for p in out.problems):
        out.problems.extend(graph_problems(data))
    return out
