"""Open cases, fire transitions and events atomically, list what a case can do next."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask_babel import gettext as _
from pymongo import ReturnDocument

from errors import Conflict, NotAllowed
from forms.catalogue import N_
from models.case import Case, CaseEvent, Counter
from services.audit.trail import record_audit
from services.cases.access import can_change_case
from services.cases.effects import apply_effects, check_effects, handler
from services.cases.engine_view import case_view
from services.cases.history import add_history
from services.cases.stages import entering
from services.common.language import active_language
from services.common.rows import find_rows
from services.deadlines.timing import local_today
from services.deadlines.tracking import cancel_case_deadlines
from services.pathways.store import definition_for, latest_definition, latest_version_number
from services.privacy.monitoring import keep_monitoring
from services.reports.cohort import recount_case
from storage.uow import transactional
from workflows import engine

OPEN = {"$ne": "closed"}


def next_reference(workflow_key: str, year: int) -> str:
    """Return the next readable reference for a pathway, e.g. DAO-2026-00042."""

    prefix = latest_definition(workflow_key).reference_prefix
    counter = Counter._get_collection().find_one_and_update(
        {"_id": f"{prefix}-{year}"}, {"$inc": {"value": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return f"{prefix}-{year}-{counter['value']:05d}"



def transition_options(case: Case, actor, *, submissions: dict | None = None, sessions=None,
                       language: str | None = None) -> tuple[list, list]:
    """Return the transitions and events the actor sees on the case, each with whether it is allowed and why not.

    With a `language`, their labels, wording and inputs are in it; the engine says its reasons in that language (by
    default the page's).
    """
    defn = definition_for(case)
    if case.status != "open":
        return [], []
    view, who = case_view(case, submissions=submissions, sessions=sessions), actor.as_actor()
    reasons_in = language or active_language()
    found = (engine.available(defn, view, who, reasons_in), engine.available_events(defn, view, who, reasons_in))
    shown = defn.in_language(language)
    if shown is defn:
        return found

    def in_words(option):
        step = (shown.transitions if option.kind == "transition" else shown.events)[option.name]
        # The warning in the language only where the engine kept it (see engine.shown_copy).
        words = {k: v for k, v in step.copy.items() if k != "warning" or "warning" in option.copy}
        return replace(option, label=step.label, inputs=step.inputs, copy=words, description=step.description)

    return [in_words(o) for o in found[0]], [in_words(o) for o in found[1]]


@transactional
def fire_transition(case: Case, name: str, inputs: dict, *, actor, now: datetime, event: bool = False) -> Case:
    """Fire a transition (or record an event) on the case; only one of two simultaneous firings can win."""
    if not can_change_case(actor, case):
        raise NotAllowed(_("You cannot change this case"))
    if case.status != "open":
        raise NotAllowed(_("This case is closed"))
    defn = definition_for(case)
    run = engine.fire_event if event else engine.fire
    result = run(defn, case_view(case), actor.as_actor(), name, inputs, now=now, language=active_language(),
                 today=local_today(now))
    check_effects(case, result.effects)  # a bad assignee must not leave the case moved on with nobody allocated
    changes = {"inc__revision": 1, "set__updated_at": now}
    if result.to_state != result.from_state:
        changes.update(entering(defn, result.to_state, now))
    # The state and revision in the filter make this a compare-and-set: a concurrent firing changes the revision.
    won = Case.objects(pk=case.pk, revision=case.revision, state=case.state).update_one(**changes)
    if not won:
        raise Conflict(_("Someone else changed this case while you were working on it. Check the case and try again."))
    case.reload()
    step = (defn.events if event else defn.transitions)[name]
    add_history(case, kind="event" if event else "transition", now=now, actor=actor, name=name, label=step.label,
                from_state=result.from_state or "", to_state=result.to_state, inputs=result.inputs,
                comment=str(result.inputs.get("comment") or result.inputs.get("reason") or ""))
    apply_effects(case, result.effects, actor=actor, now=now, inputs=result.inputs)
    if defn.states[result.to_state].terminal:
        # Deadlines the closing itself starts (records destruction after 6 years) outlive the case.
        started = [e.params["key"] for e in result.effects if e.name == "start_deadline"]
        _close(case, now=now, actor=actor, keep=started)
    record_audit(f"case.{'event' if event else 'transition'}", actor=actor, now=now, target_type="case",
                 target_id=case.pk, details={"name": name, "from": result.from_state, "to": result.to_state})
    case.reload()
    return case


def _close(case: Case, *, now: datetime, actor, keep=()) -> None:

    Case.objects(pk=case.pk).update_one(set__status="closed", set__closed_at=now, set__on_waiting_list=False)
    recount_case(case.pk)  # a closed case that started and did not complete dropped out of the funnel
    case.reload()
    keep_monitoring(case)  # counted by the database on the monitoring page, as after its records are destroyed
    cancel_case_deadlines(case, now=now, keep=keep)


@transactional
def open_case(*, workflow_key: str, team: str, person: dict | None = None, actor, now: datetime,
              referrer=None, kind: str = "perpetrator", parent: Case | None = None, status: str = "open") -> Case:
    """Create a case on the newest version of a pathway; an open case enters its initial state now."""

    version = latest_version_number(workflow_key)
    case = Case(
        reference=f"DRAFT-{now:%Y%m%d%H%M%S%f}" if status == "draft" else next_reference(workflow_key, now.year),
        kind=kind, workflow_key=workflow_key, workflow_version=version, status=status, team=team,
        referrer_id=str(referrer.pk) if referrer else "", referrer_name=referrer.name if referrer else "",
        referrer_organisation=referrer.organisation if referrer else "", created_at=now, updated_at=now,
        parent_case_id=parent.pk if parent else None,
    )
    for key, value in (person or {}).items():
        setattr(case.person, key, value)
    case.save()
    opened = N_("Referral started") if status == "draft" else N_("Case opened")
    add_history(case, kind="created", now=now, actor=actor, label=opened, label_key=opened)
    if status == "open":
        start_workflow(case, actor=actor, now=now)
    return case


@transactional
def start_workflow(case: Case, *, actor, now: datetime) -> Case:
    """Put a case into its pathway's initial state and carry out that state's on-enter effects."""
    defn = definition_for(case)
    result = engine.begin(defn, case_view(case), actor.as_actor() if actor else {}, now=now)
    Case.objects(pk=case.pk).update_one(**entering(defn, result.to_state, now), set__status="open",
                                        set__referred_at=case.referred_at or now, inc__revision=1)
    recount_case(case.pk)  # referred now: it joins the cohort of its referral day
    case.reload()
    apply_effects(case, result.effects, actor=actor, now=now, inputs={})
    return case


def list_history(case: Case, *, include_confidential: bool, limit: int | None = None) -> list[CaseEvent]:
    """Return the case's history (the newest `limit` entries first), without confidential ones unless allowed."""
    query = {"case_id": case.pk}
    if not include_confidential:
        query["confidential"] = False
    return find_rows(CaseEvent, query, sort=[("at", -1), ("_id", -1)], limit=limit or 0)


@handler("open_linked_case")
def _open_linked_case(case, params, *, actor, now, inputs):
    # Registered from here because opening a case runs effects in turn: effects cannot import this module.
    if case.linked_case_ids:
        return  # one partner record per case; re-entry keeps the same one
    linked = open_case(workflow_key=params["workflow"], team=case.team, actor=actor, now=now, kind="partner",
                       parent=case)
    Case.objects(pk=case.pk).update_one(add_to_set__linked_case_ids=linked.pk)
    add_history(case, kind="event", now=now, actor=actor, name="linked_case_opened",
                label="Partner-support record opened", label_key=N_("Partner-support record opened"))
