"""Steps on a partner record and on its linked perpetrator case: the partner-side events, mirrored steps, deadlines.

What the partner said stays on the partner record: only choices and dates reach the perpetrator's side.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask_babel import gettext as _

from errors import Conflict, NotAllowed, NotFound
from forms.catalogue import N_
from models.case import Case
from models.deadline import ACTIVE_STATUSES, Deadline
from services.audit.trail import record_audit
from services.cases.effects import apply_effects
from services.cases.engine_view import case_view
from services.cases.stages import entering
from services.cases.transitions import add_history, fire_transition
from services.common.language import active_language
from services.deadlines.lists import shown_in_language
from services.deadlines.timing import local_today
from services.pathways.store import definition_for
from storage.uow import transactional
from workflows import engine


def _uid(actor) -> str:
    return str(actor.pk)


def is_assigned_worker(actor, case: Case) -> bool:
    """Tell whether the actor is the partner-support worker the record is assigned to."""
    return actor.has_role("partner_worker") and case.allocated_to == _uid(actor)


@transactional
def take_partner_action(case: Case, name: str, inputs: dict, *, event: bool, actor, now: datetime) -> Case:
    """Take a step of the partner record; a contact or risk update is also recorded on the linked case."""
    case = fire_transition(case, name, inputs, actor=actor, now=now, event=event)
    # The perpetrator pathway's file says which of its partner-side events this one stands for (`mirrors`).
    parent = _parent(case)
    mirrored = [s.name for s in definition_for(parent).events.values() if s.mirrors == name] if parent else []
    target = mirrored[0] if event and mirrored else None
    option = next((o for o in parent_events(case, actor=actor, mirrored=True) if o.name == target), None)
    if option is not None and option.allowed:
        # The linked pathway names its inputs its own way: pass each on by kind (the date, the decision).
        given = {spec.kind: inputs.get(spec.name) for spec in _own_step(case, name).inputs}
        mapped = {spec.name: inputs.get(spec.name, given.get(spec.kind)) for spec in option.inputs}
        fire_parent_event(case, target, mapped, actor=actor, now=now, own_history=False)
    return case


def _own_step(case: Case, name: str):
    return definition_for(case).events[name]


def _parent(case: Case) -> Case | None:
    return Case.objects(pk=case.parent_case_id).first() if case.parent_case_id else None


def parent_events(case: Case, *, actor, mirrored: bool = False) -> list:
    """Return the events of the linked perpetrator case that the partner worker records from the partner case.

    Those mirrored from the partner record's own events are left out unless `mirrored`.
    """
    parent = _parent(case)
    if parent is None or parent.status != "open" or not is_assigned_worker(actor, case):
        return []
    defn = definition_for(parent)
    options = engine.available_events(defn, case_view(parent), actor.as_actor(), active_language())
    own, shown = set(definition_for(case).events), defn.in_language(active_language())
    # Offered in the page's language: labels, inputs and wording from the pathway file's translations.
    return [replace(o, label=shown.events[o.name].label, inputs=shown.events[o.name].inputs,
                    copy=dict(shown.events[o.name].copy), description=shown.events[o.name].description)
            for o in options if defn.events[o.name].partner_side
            and (mirrored or defn.events[o.name].mirrors not in own)]


@transactional
def fire_parent_event(case: Case, name: str, inputs: dict, *, actor, now: datetime,
                      own_history: bool = True) -> Case:
    """Record an event of the linked perpetrator case for the partner worker; its free text stays here."""
    parent = _parent(case)
    if parent is None or not is_assigned_worker(actor, case):
        raise NotAllowed(_("Only the partner-support worker of this record can do this"))
    if case.status != "open" or parent.status != "open":
        raise NotAllowed(_("The linked case is closed"))
    defn = definition_for(parent)
    step = defn.events.get(name)
    if step is None or not step.partner_side:
        raise NotFound(_("There is no such action on the linked case"))
    result = engine.fire_event(defn, case_view(parent), actor.as_actor(), name, inputs, now=now,
                               language=active_language(), today=local_today(now))
    changes = {"inc__revision": 1, "set__updated_at": now}
    if result.to_state != result.from_state:
        changes.update(entering(defn, result.to_state, now))
    if not Case.objects(pk=parent.pk, revision=parent.revision, state=parent.state).update_one(**changes):
        raise Conflict(_("The linked case changed while you were working. Try again."))
    parent.reload()
    # What the partner said must not reach the perpetrator's side: only choices and dates go to its history.
    shared = {s.name: result.inputs.get(s.name) for s in step.inputs if s.kind in ("decision", "outcome", "date")}
    add_history(parent, kind="event", now=now, actor=actor, name=name, label=step.label, from_state=result.from_state,
                to_state=result.to_state, inputs=shared)
    if own_history:
        add_history(case, kind="event", now=now, actor=actor, name=name, label=f"On the linked case: {step.label}",
                    label_key=N_("On the linked case: %(step)s"),
                    label_values={"step": {"step": "events", "name": name, "workflow": parent.workflow_key,
                                           "version": parent.workflow_version}},
                    inputs=result.inputs, comment=str(result.inputs.get("reason") or ""), confidential=True)
    apply_effects(parent, result.effects, actor=actor, now=now, inputs=result.inputs)
    record_audit("case.event", actor=actor, now=now, target_type="case", target_id=parent.pk,
                 details={"name": name, "via": str(case.pk)})
    return parent


def parent_deadlines(case: Case) -> list[Deadline]:
    """Return the active deadlines of the linked case that are for the partner worker."""
    if not case.parent_case_id:
        return []
    # Named as the linked case's pathway names them, in the page's language (as her own deadlines are).
    return shown_in_language(Deadline.objects(case_id=case.parent_case_id, role="partner_worker",
                                              status__in=ACTIVE_STATUSES).order_by("due_at"))
