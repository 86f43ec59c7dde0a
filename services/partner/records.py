"""Partner (victim or survivor) support: partner cases, their contact log and what the perpetrator's side may know.

Everything on a partner case is confidential. The perpetrator's practitioner learns only that a partner case
exists and the partner's risk updates (increased, decreased, no change) – never names, contact or content.
"""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput, NotAllowed, NotFound, Problems
from forms.catalogue import N_
from models.case import Case, CaseEvent, name_keys
from models.partner import CONTACT_METHODS, CONTACT_OUTCOMES, REACHED, PartnerContact
from models.user import User
from services.audit.oversight import record_confidential_read
from services.audit.trail import record_audit
from services.cases.access import can_read_case, case_for_actor, get_case
from services.cases.facts import state_of
from services.cases.history_text import CONTACT_LOGGED
from services.cases.separation import check_assignment
from services.cases.transitions import add_history, transition_options
from services.common.dates import EARLIEST_BIRTH, past_date
from services.common.language import active_language, date_words
from services.common.rows import find_rows
from services.deadlines.timing import local_today
from services.deadlines.tracking import refresh_owners
from services.notifications.send import notify_user
from services.notifications.text import message_for
from services.partner.linked import take_partner_action
from services.pathways.store import definition_for
from storage.uow import transactional


def _manages(actor, case: Case) -> bool:
    return actor.has_role("manager") and case.team == actor.team


def partner_case_for_actor(case_id, actor, *, change: bool = False) -> Case:
    """Return a partner case the actor may open (assigned partner worker, or a manager of the team); else 404."""
    case = get_case(case_id)
    if case.kind != "partner" or not can_read_case(actor, case):
        raise NotFound(_("There is no such partner case"))
    return case_for_actor(case_id, actor, change=change)


def partner_workers(team: str) -> list[User]:
    """Return the team's active partner-support workers, by name."""
    return list(User.objects(team=team, roles="partner_worker", active=True).order_by("name")) if team else []


def is_closed(case: Case) -> bool:
    """Tell whether a partner record is closed (its pathway keeps a closed record reopenable)."""
    return case.status == "closed" or state_of(case)["public"] == "Closed"


RISK_FIELDS = ("at", "inputs", "name")  # what a risk update's row holds, read apart or with the case's records


def risk_event_names(parent: Case) -> list[str]:
    """Return the event names the parent's pathway mirrors from a partner record, and the names it mirrors.

    A risk update is an event of one of these names unless the partner record's pathway declares one its parent's
    pathway does not mirror: the case page reads these with the case's records, and reads apart only then.
    """
    return sorted({name for event in definition_for(parent).events.values() if event.mirrors
                   for name in (event.name, event.mirrors)})


def _risk_updates(parent: Case, linked: Case | None, read: tuple[list[str], list] | None = None) -> list[dict]:
    """Return the risk updates the partner record passed on, newest first, once each (mirrors share a time).

    `read` is (the names read, the events of both cases of those names) when the caller has read them already.
    """
    declared = definition_for(linked).risk_update if linked is not None else {}
    if not declared:
        return []
    # The options' words in the reader's language (the pathway file's translation of them).
    step = definition_for(linked).in_language(active_language()).events.get(declared["event"])
    words = {o["value"]: o["label"] for i in (step.inputs if step else ()) if i.name == declared["input"]
             for o in i.options}
    mirrored = {e.name for e in definition_for(parent).events.values() if e.mirrors == declared["event"]}
    names = {declared["event"], *mirrored}
    if read is not None and names.issubset(read[0]):
        # Newest first, as the read apart sorts them; events of the same time keep the order they were read in.
        events = sorted((e for e in read[1] if e.name in names), key=lambda e: e.at, reverse=True)
    else:
        # Only shown: plain rows of the two fields read.
        events = find_rows(CaseEvent, {"case_id": {"$in": [parent.pk, linked.pk]}, "name": {"$in": list(names)}},
                           fields=("at", "inputs"), sort=[("at", -1)])
    seen, updates = set(), []
    for event in events:
        change = (event.inputs or {}).get(declared["input"])
        if (event.at, change) in seen:
            continue
        seen.add((event.at, change))
        updates.append({"at": event.at, "value": change, "change": words.get(change) or _("Risk update")})
    return updates


# Only what the summary, its state and the access check read: the rest of a victim's record stays unread.
LINKED_FIELDS = ("kind", "status", "state", "team", "allocated_to", "referrer_id", "created_at", "workflow_key",
                 "workflow_version", "parent_case_id")


def partner_summary(parent: Case, *, actor, found: list | None = None,
                    risk_events: tuple[list[str], list] | None = None) -> dict:
    """Return what the perpetrator's case page may show of its partner case: that it exists and risk updates.

    `found` is the partner record (a list of at most one row of LINKED_FIELDS) when the caller has read it already;
    `risk_events` the names in `risk_event_names` and the events of those names on both cases, when read already.
    """
    if found is None:
        found = find_rows(Case, {"parent_case_id": parent.pk, "kind": "partner"}, fields=LINKED_FIELDS,
                          sort=[("created_at", 1)], limit=1)
    linked = found[0] if found else None
    summary = {"exists": linked is not None, "updates": _risk_updates(parent, linked, risk_events)}
    if linked is not None:
        summary.update(opened_at=linked.created_at, open=not is_closed(linked),
                       assigned=bool(linked.allocated_to), case_id=linked.pk if can_read_case(actor, linked) else None)
    return summary


def _worker(team: str, assignee_id: str) -> User:
    try:
        user = User.objects(pk=ObjectId(str(assignee_id)), active=True).first() if assignee_id else None
    except (InvalidId, TypeError):
        user = None
    if user is None or "partner_worker" not in user.roles or user.team != team:
        raise InvalidInput(problems=[FieldProblem("assignee", _("Choose a partner-support worker in the team"))])
    return user


@transactional
def assign_partner_worker(case: Case, *, assignee_id: str, actor, now: datetime) -> Case:
    """Give a partner case to a partner-support worker of the team and tell them."""
    if case.kind != "partner" or not _manages(actor, case):
        raise NotAllowed(_("Only a manager of the team can assign partner cases"))
    worker = _worker(case.team, assignee_id)
    check_assignment(case, str(worker.pk))
    Case.objects(pk=case.pk).update_one(set__allocated_to=str(worker.pk), set__allocated_at=now,
                                        inc__revision=1, set__updated_at=now)
    case.reload()
    add_history(case, kind="event", now=now, actor=actor, name="assigned", label=f"Assigned to {worker.name}",
                label_key=N_("Assigned to %(name)s"), label_values={"name": worker.name})
    parent = Case.objects(pk=case.parent_case_id).first() if case.parent_case_id else None
    for target in (case, parent):
        if target is not None:
            refresh_owners(target)  # deadlines for "the partner worker" now belong to this worker
    said = message_for(worker, N_("Partner-support record %(reference)s is assigned to you"),
                       N_("A partner-support record has been assigned to you. Make contact safely."),
                       reference=case.reference)
    notify_user(worker, **said, link=f"/partner/cases/{case.pk}", now=now, case_id=case.pk)
    record_audit("partner.assigned", actor=actor, now=now, target_type="case", target_id=case.pk,
                 details={"to": str(worker.pk)})
    return case


@transactional
def update_partner_details(case: Case, data: dict, *, actor, now: datetime) -> Case:
    """Record who the partner is and how to contact them safely."""
    partner_case_for_actor(case.pk, actor, change=True)
    problems = Problems()
    name = (data.get("name") or "").strip()
    if not name:
        problems.add("name", _("Enter the partner's name"), _("Name"))
    elif len(name) > 200:
        problems.add("name", _("Name must be 200 characters or fewer"), _("Name"))
    born = past_date(data.get("date_of_birth"), "date_of_birth", _("Date of birth"), problems,
                     today=local_today(now), required=False,
                     invalid=_("Date of birth must be a real date"),
                     future=_("Date of birth must be today or in the past"), earliest=EARLIEST_BIRTH,
                     too_early=_("Date of birth must be in 1900 or later"))
    safe = (data.get("safe_contact") or "").strip()
    if len(safe) > 2000:
        problems.add("safe_contact", _("Safe contact arrangements must be 2,000 characters or fewer"),
                     _("Safe contact"))
    problems.raise_if_any()
    Case.objects(pk=case.pk).update_one(set__person__name=name, set__name_keys=name_keys(name),
                                        set__person__date_of_birth=born,
                                        set__fields__safe_contact=safe, set__updated_at=now, inc__revision=1)
    case.reload()
    add_history(case, kind="note", now=now, actor=actor, name="partner_details", label="Partner's details updated",
                label_key=N_("Partner's details updated"))
    return case


@transactional
def record_partner_contact(case: Case, data: dict, *, actor, now: datetime) -> tuple[PartnerContact, bool]:
    """Log a contact (or attempt) with the partner; return it and whether the linked case was told it happened."""
    partner_case_for_actor(case.pk, actor, change=True)
    if case.status != "open":
        raise NotAllowed(_("This partner case is closed"))
    problems = Problems()
    when = past_date(data.get("date"), "date", _("Date of the contact"), problems, today=local_today(now),
                     missing=_("Enter the date of the contact"),
                     invalid=_("Date of the contact must be a real date"),
                     future=_("Date of the contact must be today or in the past"), earliest=EARLIEST_BIRTH,
                     too_early=_("Date of the contact must be in 1900 or later"))
    # In the form's own words, before the pathway's step says it of "the day the case was referred".
    opened = case.referred_at or case.created_at
    if when is not None and opened is not None and when < local_today(opened):
        problems.add("date", _("Date of the contact must be on or after %(date)s, the day this record was opened",
                               date=date_words(local_today(opened))), _("Date of the contact"))
    method, outcome = data.get("method") or "", data.get("outcome") or ""
    if method not in CONTACT_METHODS:
        problems.add("method", _("Select how the contact was made"), _("Method"))
    if outcome not in CONTACT_OUTCOMES:
        problems.add("outcome", _("Select the outcome of the contact"), _("Outcome"))
    notes = (data.get("notes") or "").strip()
    if len(notes) > 20000:
        problems.add("notes", _("Notes must be 20,000 characters or fewer"), _("Notes"))
    problems.raise_if_any()
    contact = PartnerContact(case_id=case.pk, date=when, method=method, outcome=outcome, notes=notes,
                             recorded_by=str(actor.pk), recorded_by_name=actor.name, recorded_at=now).save()
    add_history(case, kind="note", now=now, actor=actor, name="partner_contact",
                label=f"Contact logged: {CONTACT_OUTCOMES[outcome].lower()}", label_key=CONTACT_LOGGED.get(outcome, ""),
                confidential=True)
    record_audit("partner.contact_recorded", actor=actor, now=now, target_type="case", target_id=case.pk,
                 details={"contact": str(contact.pk)})
    # The partner record's file names the events its contact log records: contact made, or only tried.
    name = definition_for(case).contact_log.get("reached" if outcome in REACHED else "not_reached")
    if not name:
        return contact, False
    _transitions, events = transition_options(case, actor)
    option = next((o for o in events if o.name == name and o.allowed), None)
    if option is None:
        return contact, False
    dates = [spec.name for spec in option.inputs if spec.kind == "date"]
    take_partner_action(case, name, {n: when.isoformat() for n in dates}, event=True, actor=actor, now=now)
    return contact, True


def contact_log_events(case: Case) -> list[str]:
    """Return the partner record's events its contact log takes itself (its file's `contact_log`)."""
    return list(definition_for(case).contact_log.values())


def list_partner_contacts(case: Case, *, actor, now: datetime, client_address: str = "") -> list[PartnerContact]:
    """Return the partner case's contact log, newest first; every read is written to the audit trail."""

    partner_case_for_actor(case.pk, actor)
    # Victim information: audited as every read of a partner record is (chained at once, unusual readers alerted).
    record_confidential_read(case, actor=actor, now=now, what="contact log", client_address=client_address,
                             details={"case": str(case.pk)})
    return list(PartnerContact.objects(case_id=case.pk).order_by("-date", "-recorded_at"))
