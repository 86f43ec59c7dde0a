"""Open, meet, pause and list the deadlines that statutory timescales put on cases.

A deadline kind comes from the case's pinned workflow (`deadlines:`); everything needed later (reminder
rules, escalation, what meets it) is copied onto the document, so a running deadline keeps the rules it
started with. Due dates are worked out in services/deadlines/timing.py; sending reminders and escalations is
the sweep's job (services/deadlines/reminders.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from mongoengine.errors import NotUniqueError

from forms.catalogue import N_
from models.case import NO_DUE, Case
from models.deadline import ACTIVE_STATUSES, CANCELLED, MET, MISSED, OPEN, PAUSED, Deadline
from models.team import Team
from scheduler.calendar import format_date
from scheduler.timescales import reminder_times, shift_for_pause
from services.deadlines.timing import calendar_for, first_action, ms, record_deadline_event, schedule
from services.notifications.send import notify_case, owners_of
from services.pathways.store import definition_for
from services.reports.deadline_counts import recount_deadlines
from workflows import deadline_spec

# How a closed deadline's history entry reads, said in the reader's language from these message ids.
CLOSED = {"met": N_("%(deadline)s: met"), "met late": N_("%(deadline)s: met late"),
          "cancelled": N_("%(deadline)s: cancelled")}
CLOSED_WITH_REASON = {"met": N_("%(deadline)s: met (%(reason)s)"),
                      "met late": N_("%(deadline)s: met late (%(reason)s)"),
                      "cancelled": N_("%(deadline)s: cancelled (%(reason)s)")}

SPEC_FIELDS = ("key", "label", "description", "duration", "basis", "role", "met_by", "repeats", "reminders",
               "escalation")


_index_lock = threading.Lock()
_indexed: set[str] = set()


def ensure_indexes() -> None:
    """Create the deadline indexes once per database before the first insert.

    mongoengine builds indexes lazily and lets other threads use the collection meanwhile; the unique
    one-active-per-kind index must exist before two starts can race.
    """
    name = Deadline._get_db().name
    if name in _indexed:
        return
    with _index_lock:
        if name not in _indexed:
            Deadline.ensure_indexes()
            _indexed.add(name)


def sync_next_due(case_id) -> None:
    """Copy the earliest due date of the case's running deadlines onto the case, for lists sorted by it."""
    first = (Deadline.objects(case_id=case_id, status__in=ACTIVE_STATUSES, due_at__ne=None)
             .order_by("due_at").only("due_at").first())
    Case.objects(pk=case_id).update_one(set__next_due_at=first.due_at if first else NO_DUE)


def spec_as_dict(spec) -> dict:
    """Return a deadline kind (the engine's Deadline or a plain dict) as a plain dict with every field."""
    raw = dict(spec) if isinstance(spec, Mapping) else {f: getattr(spec, f, None) for f in SPEC_FIELDS}
    met_by = raw.get("met_by") or []
    return {
        "key": raw["key"], "label": raw["label"], "description": raw.get("description") or "",
        "duration": dict(raw["duration"]), "basis": raw.get("basis") or "",
        "role": raw.get("role") or "practitioner",
        "met_by": [dict(m) for m in ([met_by] if isinstance(met_by, Mapping) else met_by)],
        "repeats": bool(raw.get("repeats")), "reminders": [dict(r) for r in raw.get("reminders") or ()],
        "escalation": dict(raw.get("escalation") or {}),
    }


def spec_of(deadline: Deadline) -> dict:
    """Return the kind a deadline was started with, to start it again."""
    return {"key": deadline.key, "label": deadline.label, "description": deadline.description,
            "duration": deadline.duration, "basis": deadline.basis_rule, "role": deadline.role,
            "met_by": deadline.met_by, "repeats": deadline.repeats, "reminders": deadline.reminder_rules,
            "escalation": deadline.escalation}


def _workflow_spec(case: Case, key: str):

    return deadline_spec(definition_for(case), key)


def start_deadline(case: Case, key: str, *, now: datetime, actor=None, spec=None,
                   anchor_label: str | None = None, anchor_at: datetime | None = None,
                   settings: Mapping | None = None) -> Deadline:
    """Open a deadline of kind `key` on the case; if one is already open, return it unchanged."""
    ensure_indexes()
    existing = Deadline.objects(case_id=case.pk, key=key, active=True).first()
    if existing is not None:
        return existing
    data = spec_as_dict(spec if spec is not None else _workflow_spec(case, key))
    now, anchor = ms(now), ms(anchor_at or now)
    previous = None
    if data["repeats"]:
        previous = Deadline.objects(case_id=case.pk, key=key, active=False).order_by("-started_at").first()
    team = Team.objects(key=case.team).first() if case.team else None
    cal = calendar_for(settings)
    plan = schedule(data, anchor=anchor, anchor_label=anchor_label, team=team, cal=cal,
                    previous_target=previous.target_date if previous else None)
    due = plan["due_at"]
    # Reminders already in the past when the clock starts would only arrive late and all at once.
    reminders = [t for t in reminder_times(due, data["reminders"], cal) if t > now] if due else []
    deadline = Deadline(
        case_id=case.pk, case_reference=case.reference, case_kind=case.kind, team=case.team,
        workflow_key=case.workflow_key, workflow_version=case.workflow_version, key=key, label=data["label"],
        description=data["description"], role=data["role"], owner_ids=owners_of(case, data["role"]),
        met_by=data["met_by"], repeats=data["repeats"], duration=data["duration"], basis=plan["basis"],
        basis_rule=data["basis"], anchor_label=anchor_label or "", anchor_at=anchor,
        target_date=plan["target_date"],
        started_at=now, started_by=str(actor.pk) if actor is not None else "", due_at=due,
        reminder_rules=data["reminders"], reminders=reminders, escalation=data["escalation"],
        next_action_at=first_action(OPEN, due, reminders, None, None),
    )
    try:
        deadline.save(force_insert=True)
    except NotUniqueError:
        # Started at the same moment elsewhere: the one-active-per-kind index keeps a single deadline.
        return Deadline.objects(case_id=case.pk, key=key, active=True).first()
    sync_next_due(case.pk)
    when = f"due by the end of {format_date(due)}" if due else "waiting for a supervision date"
    said = ((N_("%(deadline)s: started, due by the end of %(date)s"), {"date": {"date": due.isoformat()}}) if due
            else (N_("%(deadline)s: started, waiting for a supervision date"), {}))
    record_deadline_event(case, deadline, now=now, actor=actor, what=f"started, {when}", said=said)
    if due is None:
        notify_case(case, to="manager", template="supervision_dates_needed", now=now,
                    extra={"deadline": deadline.label}, deadline_id=deadline.pk, settings=settings)
    return deadline


def _close(case: Case, query: dict, *, status: str, reason: str, now: datetime, actor=None) -> list[Deadline]:
    """Close the active deadlines matching query as met or cancelled; return those this call closed."""
    if status not in (MET, CANCELLED):
        raise ValueError(f"a deadline is stopped as met or cancelled, not {status!r}")
    now = ms(now)
    closed = []
    for deadline in Deadline.objects(case_id=case.pk, active=True, **query):
        late = deadline.status == MISSED or bool(deadline.due_at and now > deadline.due_at)
        changed = Deadline.objects(pk=deadline.pk, active=True).update_one(
            set__status=status, set__active=False, set__closed_at=now, set__closed_reason=reason,
            set__closed_by=str(actor.pk) if actor is not None else "", set__late=late and status == MET,
            unset__next_action_at=True, inc__action_seq=1,
        )
        if changed:
            deadline.reload()
            what = ("met late" if deadline.late else "met") if status == MET else "cancelled"
            said = CLOSED_WITH_REASON[what] if reason else CLOSED[what]
            what = f"{what} ({reason})" if reason else what
            record_deadline_event(case, deadline, now=now, actor=actor, what=what, said=(said, {"reason": reason}))
            closed.append(deadline)
    if closed:
        sync_next_due(case.pk)
        recount_deadlines({"_id": {"$in": [d.pk for d in closed]}})  # met on time or late, or no longer counted
    return closed


def _restart(case: Case, deadlines: list[Deadline], *, now: datetime, actor, settings) -> None:
    """Open the next deadline of each kind just met, with the rules the met one had."""
    for deadline in deadlines:
        start_deadline(case, deadline.key, now=now, actor=actor, spec=spec_of(deadline), settings=settings)


def stop_deadline(case: Case, key: str, *, status: str = MET, met_by: str = "", now: datetime, actor=None,
                  restart: bool = False, settings: Mapping | None = None) -> Deadline | None:
    """Close the open deadline of kind `key` (every open one for "*"); None when none was open.

    With `restart` (a repeating kind met), the next one of the kind opens from now with the same rules.
    """
    query = {} if key == "*" else {"key": key}
    closed = _close(case, query, status=status, reason=met_by, now=now, actor=actor)
    if restart and status == MET:
        _restart(case, closed, now=now, actor=actor, settings=settings)
    return closed[0] if closed else None


def _meet(case: Case, item: dict, *, now: datetime, actor, settings) -> list[Deadline]:
    ((kind, name),) = item.items()
    met = _close(case, {"__raw__": {"met_by": item}}, status=MET, reason=f"{kind}: {name}", now=now,
                 actor=actor)
    _restart(case, [d for d in met if d.repeats], now=now, actor=actor, settings=settings)
    return met


def meet_deadlines_for_form(case: Case, form_key: str, *, now: datetime, actor=None,
                            settings: Mapping | None = None) -> list[Deadline]:
    """Meet the open deadlines a submission of the form satisfies; start repeating ones again."""
    return _meet(case, {"form": form_key}, now=now, actor=actor, settings=settings)


def meet_deadlines_for_transition(case: Case, name: str, *, now: datetime, actor=None,
                                  settings: Mapping | None = None) -> list[Deadline]:
    """Meet the open deadlines a transition (or event) of this name satisfies; start repeating ones again."""
    met = _meet(case, {"transition": name}, now=now, actor=actor, settings=settings)
    return met + _meet(case, {"event": name}, now=now, actor=actor, settings=settings)


def cancel_case_deadlines(case: Case, *, now: datetime, actor=None, keep: Iterable[str] = (),
                          reason: str = "case closed") -> list[Deadline]:
    """Cancel every open deadline of a case (on closure), except the kinds in `keep`."""
    keep = list(keep)
    query = {"key__nin": keep} if keep else {}
    return _close(case, query, status=CANCELLED, reason=reason, now=now, actor=actor)


def pause_deadlines(case: Case, *, now: datetime, actor=None) -> int:
    """Stop the clock on the case's open and missed deadlines; return how many were paused."""
    now = ms(now)
    count = 0
    for status in (OPEN, MISSED):
        count += Deadline.objects(case_id=case.pk, status=status).update(
            set__status=PAUSED, set__paused_from=status, set__paused_at=now, unset__next_action_at=True,
            inc__action_seq=1,
        )
    if count:
        sync_next_due(case.pk)
        record_deadline_event(case, None, now=now, actor=actor, what=f"paused ({count})",
                              said=(N_("Deadlines paused (%(count)s)"), {"count": count}))
    return count


def resume_deadlines(case: Case, *, now: datetime, actor=None) -> int:
    """Restart the clock on paused deadlines, moving due dates, reminders and escalations on by the pause."""
    now = ms(now)
    count = 0
    for deadline in Deadline.objects(case_id=case.pk, status=PAUSED):
        paused_at = deadline.paused_at or now
        days = (now.date() - paused_at.date()).days
        due = shift_for_pause(deadline.due_at, paused_at, now) if deadline.due_at else None
        delta = due - deadline.due_at if due else timedelta(0)
        reminders = [t + delta for t in deadline.reminders]
        through = deadline.reminded_through + delta if deadline.reminded_through else None
        escalation = deadline.next_escalation_at
        escalation = escalation + timedelta(days=days) if escalation else None
        status = deadline.paused_from or OPEN
        changed = Deadline.objects(pk=deadline.pk, status=PAUSED, action_seq=deadline.action_seq).update_one(
            set__status=status, set__due_at=due, set__reminders=reminders, set__reminded_through=through,
            set__next_escalation_at=escalation, set__paused_days=deadline.paused_days + days,
            unset__paused_at=True, set__paused_from="", inc__action_seq=1,
            set__next_action_at=first_action(status, due, reminders, through, escalation),
        )
        count += changed
    if count:
        sync_next_due(case.pk)
        recount_deadlines({"case_id": case.pk})  # their due times moved on by the pause
        record_deadline_event(case, None, now=now, actor=actor, what=f"resumed ({count})",
                              said=(N_("Deadlines resumed (%(count)s)"), {"count": count}))
    return count


def refresh_owners(case: Case) -> int:
    """Point the case's active deadlines at whoever holds each role now; return how many changed."""
    changed = 0
    for deadline in Deadline.objects(case_id=case.pk, active=True).only("role", "owner_ids"):
        owners = owners_of(case, deadline.role)
        if owners != deadline.owner_ids:
            changed += Deadline.objects(pk=deadline.pk).update_one(set__owner_ids=owners)
    return changed


def reschedule_supervision_deadlines(team: Team, *, now: datetime, settings: Mapping | None = None) -> int:
    """Give the team's supervision deadlines that wait for a date their due date; return how many."""
    cal = calendar_for(settings)
    count = 0
    for deadline in Deadline.objects(team=team.key, status=OPEN, due_at=None):
        plan = schedule(spec_of(deadline), anchor=deadline.anchor_at or ms(now), anchor_label=None, team=team,
                        previous_target=None, cal=cal)
        due = plan["due_at"]
        if due is None:
            continue
        reminders = [t for t in reminder_times(due, deadline.reminder_rules, cal) if t > now]
        count += Deadline.objects(pk=deadline.pk, status=OPEN, action_seq=deadline.action_seq).update_one(
            set__due_at=due, set__basis=plan["basis"], set__target_date=plan["target_date"],
            set__reminders=reminders, set__next_action_at=first_action(OPEN, due, reminders, None, None),
            inc__action_seq=1,
        )
        sync_next_due(deadline.case_id)
        recount_deadlines({"_id": deadline.pk})  # it counts from its due time on
    return count
