"""Run a pathway: which steps a user may take on a case now, and what taking one means."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from errors import DefinitionError, FieldProblem, NotAllowed
from wording import N_, say
from workflows.definition import Deadline, State, Step, WorkflowDefinition
from workflows.effects import Effect, expand
from workflows.guards import SUBMITTED, GuardContext, failures
from workflows.inputs import InputSpec, clean_inputs
from workflows.text import english, or_list, role_phrase

SUSPENDED_REASON = N_("The case is suspended. Resume it before doing this.")


@dataclass(frozen=True)
class TransitionOption:
    """A step the case could take from where it is, and whether this actor may take it now."""

    name: str
    label: str
    kind: str
    to: str | None
    allowed: bool
    reasons: tuple[str, ...]
    inputs: tuple[InputSpec, ...]
    copy: Mapping[str, str] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class FireResult:
    """What taking a step means: the new state, the effects to carry out, the cleaned inputs, a history entry."""

    from_state: str | None
    to_state: str
    effects: list[Effect]
    inputs: dict
    history: dict


def context(defn: WorkflowDefinition, case: Mapping, actor: Mapping, language: str = "en") -> GuardContext:
    """Return what guards look at for this case and actor, with the pathway's form labels in the language."""
    labels = defn.form_labels if english(language) else {
        key: defn.text(f"/form_labels/{key}", language, label) for key, label in defn.form_labels.items()}
    return GuardContext(case=case, actor=actor, form_labels=labels, language=language)


def step_label(defn: WorkflowDefinition, step: Step, language: str = "en") -> str:
    """Return a step's label in the language, when its pathway file translates it."""
    if english(language):
        return step.label
    kind = "transitions" if step.kind == "transition" else "events"
    # The steps keep the file's order, so a step's place among them is its place in the file's list (no copy).
    names = list(defn.transitions if kind == "transitions" else defn.events)
    return defn.text(f"/{kind}/{names.index(step.name)}/label", language, step.label) if step.name in names \
        else step.label


def current_state(defn: WorkflowDefinition, case: Mapping) -> State:
    """Return the state the case is in; DefinitionError when the pathway has no such state."""
    name = case.get("state") or defn.initial
    try:
        return defn.states[name]
    except KeyError:
        raise DefinitionError(f"The case is in state '{name}', which pathway '{defn.key}' does not have") from None


def _roles_reason(step: Step, actor: Mapping, language: str) -> str | None:
    if set(step.roles) & set(actor.get("roles") or ()):
        return None
    if not step.roles:
        return say(language, N_("Nobody can do this: no role has been given this step"))
    phrases = [role_phrase(r, language) for r in step.roles]
    who = phrases[0] if len(phrases) == 1 else or_list(phrases, language)
    return say(language, N_("Only %(who)s can do this"), who=who)


def missing_forms(defn: WorkflowDefinition, state: State, case: Mapping, language: str = "en") -> list[str]:
    """Return a sentence for each form the state requires that the case view does not show as done."""
    ctx = context(defn, case, {}, language)
    found = []
    for slot in state.forms:
        status = ctx.form(slot.form).get("status")
        label = ctx.form_label(slot.form)
        if slot.countersigned and status != "countersigned":
            found.append(ctx.say(N_("%(form)s must be countersigned first"), form=label))
        elif slot.required and status not in SUBMITTED:
            found.append(ctx.say(N_("%(form)s must be submitted first"), form=label))
    return found


def reasons(defn: WorkflowDefinition, step: Step, case: Mapping, actor: Mapping, language: str = "en") -> list[str]:
    """Return why the actor may not take the step now, in the language; empty when they may."""
    found = []
    role = _roles_reason(step, actor, language)
    if role:
        found.append(role)
    if case.get("suspended") and not step.while_suspended:
        found.append(say(language, SUSPENDED_REASON))
    shown = defn.in_language(language)  # a guard's own `reason:` as the file translates it (itself in English)
    steps = shown.transitions if step.kind == "transition" else shown.events
    found.extend(failures(steps.get(step.name, step).guards, context(defn, case, actor, language)))
    if step.kind == "transition" and step.check_forms:
        found.extend(missing_forms(defn, current_state(defn, case), case, language))
    return found


def shown_copy(defn: WorkflowDefinition, step: Step, case: Mapping, actor: Mapping) -> dict:
    """Return the step's words for its page, without the warning when its `warning_when` guards do not all hold."""
    words = dict(step.copy)
    # A warning that shows whatever the case says is soon read past: this one only where it applies.
    if step.warning_when and failures(step.warning_when, context(defn, case, actor)):
        words.pop("warning", None)
    return words


def _options(defn: WorkflowDefinition, steps, case: Mapping, actor: Mapping, language: str) -> list[TransitionOption]:
    state = current_state(defn, case)
    if state.terminal:
        return []
    out = []
    for step in steps:
        if state.name not in step.sources:
            continue
        why = reasons(defn, step, case, actor, language)
        out.append(TransitionOption(step.name, step.label, step.kind, step.to, not why, tuple(why), step.inputs,
                                    shown_copy(defn, step, case, actor), step.description))
    return out


def available(defn: WorkflowDefinition, case: Mapping, actor: Mapping, language: str = "en") -> list[TransitionOption]:
    """Return every transition from the case's state, each saying whether the actor may take it and why not."""
    return _options(defn, defn.transitions.values(), case, actor, language)


def available_events(defn: WorkflowDefinition, case: Mapping, actor: Mapping,
                     language: str = "en") -> list[TransitionOption]:
    """Return every event possible in the case's state, each saying whether the actor may record it."""
    return _options(defn, defn.events.values(), case, actor, language)


def _met(defn: WorkflowDefinition, kind: str, name: str) -> list[Effect]:
    """Return a stop effect for each deadline met by kind=name; repeating ones ask for the next to open."""
    # Restarting is part of the stop, not a separate start: only a deadline that was open may roll on.
    return [Effect("stop_deadline", {"key": d.key, "status": "met", "restart": d.repeats})
            for d in defn.deadlines.values() if {kind: name} in d.met_by]


def _history(defn, step: Step | None, case, actor, frm, to, inputs, effects, now) -> dict:
    return {
        "type": step.kind if step else "start",
        "name": step.name if step else "start",
        "label": step.label if step else "Case opened",
        "from_state": frm,
        "to_state": to,
        "actor": actor.get("id"),
        "at": now,
        "inputs": dict(inputs),
        "effects": [e.to_dict() for e in effects],
        "workflow": defn.key,
        "workflow_hash": defn.content_hash,
    }


def _fire(defn, steps: Mapping[str, Step], kind: str, case, actor, name, inputs, now, language,
          today) -> FireResult:
    state = current_state(defn, case)
    step = steps.get(name)
    if step is None:
        raise NotAllowed(f"There is no {kind} called '{name}' in {defn.title}")
    label = step_label(defn, step, language)
    if state.terminal or state.name not in step.sources:
        raise NotAllowed(say(language, N_("“%(step)s” cannot be done while the case is at “%(state)s”"), step=label,
                             state=defn.text(f"/states/{state.name}/label", language, state.label)))
    why = reasons(defn, step, case, actor, language)
    if why:
        message = why[0] if len(why) == 1 else say(language, N_("This cannot be done yet"))
        raise NotAllowed(message, problems=[FieldProblem(step.name, r, label) for r in why])
    # The inputs as the reader's page names them: their labels in the language the messages are said in.
    shown = defn.in_language(language) if not english(language) else defn
    specs = (shown.transitions if kind == "transition" else shown.events)[name].inputs
    referred = case.get("referred_on")
    cleaned = clean_inputs(specs, inputs, now=now, language=language, today=today,
                           earliest={"referral": date.fromisoformat(referred)} if referred else None)
    ctx = context(defn, case, actor)
    effects = _met(defn, kind, step.name)
    for effect in expand(step.effects, cleaned, ctx):
        if effect not in effects or effect.name != "stop_deadline":
            effects.append(effect)
    to = step.to or state.name
    if step.to is not None:
        effects.extend(expand(defn.states[to].on_enter, {}, ctx))
    history = _history(defn, step, case, actor, state.name, to, cleaned, effects, now)
    return FireResult(state.name, to, effects, cleaned, history)


def fire(defn: WorkflowDefinition, case: Mapping, actor: Mapping, name: str, inputs: Mapping | None = None,
         *, now: datetime, language: str = "en", today: date | None = None) -> FireResult:
    """Return what taking transition `name` means; raise NotAllowed or InvalidInput when it may not be taken.

    `today` is the service's own day at `now` (its time zone's), against which dates are checked; now's UTC date
    when not given.
    """
    return _fire(defn, defn.transitions, "transition", case, actor, name, inputs, now, language, today)


def fire_event(defn: WorkflowDefinition, case: Mapping, actor: Mapping, name: str,
               inputs: Mapping | None = None, *, now: datetime, language: str = "en",
               today: date | None = None) -> FireResult:
    """Return what recording event `name` means; the state stays unless the event names a `to`."""
    return _fire(defn, defn.events, "event", case, actor, name, inputs, now, language, today)


def begin(defn: WorkflowDefinition, case: Mapping, actor: Mapping, *, now: datetime) -> FireResult:
    """Return the opening of a case: the initial state and its on_enter effects."""
    effects = expand(defn.states[defn.initial].on_enter, {}, context(defn, case, actor))
    history = _history(defn, None, case, actor, None, defn.initial, {}, effects, now)
    return FireResult(None, defn.initial, effects, {}, history)


def deadline_spec(defn: WorkflowDefinition, key: str) -> Deadline:
    """Return the deadline kind `key`; DefinitionError when the pathway has none."""
    try:
        return defn.deadlines[key]
    except KeyError:
        raise DefinitionError(f"Pathway '{defn.key}' has no deadline '{key}'") from None


def deadlines_met_by_form(defn: WorkflowDefinition, form_key: str) -> list[str]:
    """Return the keys of the deadlines a submission of the form meets."""
    return [d.key for d in defn.deadlines.values() if {"form": form_key} in d.met_by]


def form_submitted_effects(defn: WorkflowDefinition, form_key: str) -> list[Effect]:
    """Return the deadline effects of a submission of the form (stop as met; repeating ones restart)."""
    return _met(defn, "form", form_key)


def forms_for_state(defn: WorkflowDefinition, state: str) -> dict[str, Any]:
    """Return the forms expected in a state (with whether each is required) and the form tags it accepts."""
    found = defn.states.get(state)
    if found is None:
        raise DefinitionError(f"Pathway '{defn.key}' has no state '{state}'")
    return {
        "forms": [
            {"form": s.form, "required": s.required or s.countersigned, "countersigned": s.countersigned,
             "roles": list(s.roles), "label": defn.form_labels.get(s.form, "")}
            for s in found.forms
        ],
        "tags": list(found.form_tags),
    }
