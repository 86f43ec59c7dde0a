"""The sweep: one query-driven pass that sends due reminders, records missed deadlines and escalates.

Each deadline carries `next_action_at`, the earliest moment something is due for it, indexed with its status,
so the sweep reads only deadlines that need something now. A deadline is claimed by compare-and-set on its
`action_seq` with `find_one_and_update`, and the same update moves `next_action_at` on and records what is
being sent. Two sweepers therefore never send the same reminder twice, and a sweep after downtime sends the
reminders a deadline missed meanwhile once, as a single catch-up (the latest one).

Each deadline is its own unit of work: the claim, the history entry, the in-app notifications and the queued
email (the outbox) commit together or not at all, so nothing is lost or sent twice if the process dies, and
one malformed deadline is skipped and marked for admins instead of stopping the sweep.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from forms.catalogue import N_
from models.case import Case
from models.deadline import MISSED, OPEN, Deadline
from scheduler.calendar import format_date
from scheduler.timescales import collapse_missed, escalation_times
from services.common.parallel import each_in_threads
from services.deadlines.sweep_errors import database_trouble, mark_error
from services.deadlines.timing import first_action, ms, record_deadline_event
from services.notifications.send import notify_users, owner_users, team_members
from storage.uow import transactional

log = logging.getLogger(__name__)

# Deadlines are independent units of work: a few at once overlap the waits for their durable commits.
SWEEP_WORKERS = 4
SENT_KEPT = 50  # the newest entries of a deadline's `sent` log; older ones stay in the notifications


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: reminders sent, escalations sent, deadlines read, deadlines newly missed."""

    sent: int = 0
    escalated: int = 0
    examined: int = 0
    missed: int = 0
    skipped: int = 0  # claimed by another sweeper first
    failed: int = 0  # could not be processed: logged, marked `sweep_error`, shown to admins


@dataclass(frozen=True)
class Action:
    """One message the sweep owes for a deadline: its kind, the time it was due, how many it stands for."""

    kind: str  # reminder, missed, escalation
    scheduled: datetime
    collapsed: int = 1


def sweep_query(now: datetime) -> dict:
    """Return the MongoDB filter of the deadlines with something due at `now` (served by the status index)."""
    return {"status": {"$in": [OPEN, MISSED]}, "next_action_at": {"$lte": ms(now)}}


def _first_escalation(due: datetime, rule: Mapping) -> datetime:
    return escalation_times(due, {"after_days": rule.get("after_days", 0)})[0]


def plan(doc: Mapping, now: datetime) -> tuple[list[Action], dict]:
    """Return the messages a deadline owes at `now` and the fields to set when it is claimed."""
    status, due = doc["status"], doc.get("due_at")
    reminders = doc.get("reminders") or []
    through, next_escalation = doc.get("reminded_through"), doc.get("next_escalation_at")
    rule = doc.get("escalation") or {}
    every = timedelta(days=rule.get("repeat_every_days") or 0)
    actions: list[Action] = []
    fields: dict = {}
    if status == OPEN and due is not None and due <= now:
        # Missed: no more reminders; the missed notice replaces any still owed.
        status, through = MISSED, max(due, through) if through else due
        fields.update(status=MISSED, missed_at=due)
        actions.append(Action("missed", due))
        next_escalation = _first_escalation(due, rule) if rule else None
        if next_escalation is not None and next_escalation <= due:
            # An escalation due at the deadline itself is the missed notice: managers hear once, not twice.
            next_escalation = next_escalation + every if every else None
    elif status == OPEN:
        owed = [t for t in reminders if (through is None or t > through) and t <= now]
        latest = collapse_missed(owed, now)
        if latest is not None:
            actions.append(Action("reminder", latest, len(owed)))
            through = latest
    if status == MISSED and next_escalation is not None and next_escalation <= now:
        if every:
            passed = (now - next_escalation) // every
            latest = next_escalation + passed * every
            actions.append(Action("escalation", latest, passed + 1))
            next_escalation = latest + every
        else:
            actions.append(Action("escalation", next_escalation))
            next_escalation = None
    fields.update(reminded_through=through, next_escalation_at=next_escalation,
                  next_action_at=first_action(status, due, reminders, through, next_escalation))
    return actions, fields


def _claim(collection, doc: Mapping, actions: list[Action], fields: dict, now: datetime,
           recipients: dict[str, list[str]]) -> bool:
    """Take the deadline for this sweep if nobody changed it since it was read; record what is sent."""
    log_entries = [{"kind": a.kind, "scheduled": a.scheduled, "at": now, "collapsed": a.collapsed,
                    "to": recipients.get(a.kind, [])} for a in actions]
    update = {
        "$set": fields,
        "$inc": {"action_seq": 1, "escalations": sum(a.kind == "escalation" for a in actions)},
        "$push": {"sent": {"$each": log_entries, "$slice": -SENT_KEPT}},
    }
    if doc.get("sweep_error"):
        update["$unset"] = {"sweep_error": ""}  # processed now: whatever was wrong has been put right
    expected = {"_id": doc["_id"], "action_seq": doc.get("action_seq", 0)}
    claimed = collection.find_one_and_update(expected, update, projection={"_id": 1})
    return claimed is not None


def _audiences(case: Case, deadline: Deadline, actions: list[Action], managers_of: dict) -> dict[str, list]:
    """Return who hears of each owed message, and the deadline's current holders under "owners"."""
    owners = owner_users(case, deadline.role)
    found = {"owners": owners}
    if not actions:
        return found
    if case.team not in managers_of:
        managers_of[case.team] = team_members(case.team, "manager")  # once per team per sweep
    managers = managers_of[case.team]
    rule = deadline.escalation or {}
    to = rule.get("to") or "manager"
    escalate_to = managers if to == "manager" else owner_users(case, to)
    for action in actions:
        if action.kind == "reminder":
            # A deadline nobody holds yet must still reach someone: the team's managers.
            found["reminder"] = owners or managers
        elif action.kind == "missed":
            # Escalating on the day it is missed: the missed notice is that escalation.
            found["missed"] = owners + managers + (escalate_to if rule and not rule.get("after_days") else [])
        else:
            found["escalation"] = escalate_to or managers
    return found


TEMPLATES = {"reminder": "deadline_reminder", "missed": "deadline_missed",
             "escalation": "deadline_escalation"}


def sweep_reminders(*, now: datetime, settings: Mapping, limit: int | None = None) -> SweepResult:
    """Send every reminder and escalation due at `now`, and record deadlines that became missed.

    Each deadline is one unit of work: its claim, history, notifications and queued email commit together. A
    deadline that cannot be processed is logged, marked with `sweep_error` for admins and skipped; the rest
    carry on. Marked deadlines are looked at again on every sweep, and the mark goes once one succeeds.
    """
    now = ms(now)
    collection = Deadline._get_collection()
    cursor = collection.find(sweep_query(now), batch_size=500)
    if limit:
        cursor = cursor.limit(limit)
    counts = {"reminder": 0, "missed": 0, "escalation": 0}
    examined = skipped = failed = 0
    caches: dict = {"cases": {}, "managers": {}}
    seen = set()
    marked = collection.find({"sweep_error.at": {"$exists": True}}, batch_size=100)

    def due_docs():
        for doc in itertools.chain(cursor, (d for d in marked if d["_id"] not in seen)):
            seen.add(doc["_id"])
            yield doc

    def work(doc):
        return _sweep_one(doc, now=now, settings=settings, caches=caches)

    for doc, done, exc in each_in_threads(due_docs(), work, workers=SWEEP_WORKERS):
        examined += 1
        if exc is not None:
            if database_trouble(exc) or not isinstance(exc, Exception):
                raise exc  # not this document's fault: the whole sweep runs again at the next interval
            failed += 1  # one malformed deadline must not stop the others
            mark_error(collection, doc, exc, now)
        elif done is None:
            skipped += 1
        else:
            for kind in done:
                counts[kind] += 1
    return SweepResult(sent=counts["reminder"], escalated=counts["escalation"], examined=examined,
                       missed=counts["missed"], skipped=skipped, failed=failed)


@transactional
def _sweep_one(doc: Mapping, *, now: datetime, settings: Mapping, caches: dict) -> list[str] | None:
    """Claim one deadline and send what it owes, in one unit of work; None when another sweeper had it."""
    if doc.get("status") not in (OPEN, MISSED) or not _due(doc.get("next_action_at"), now):
        # A marked deadline that was put right (met, cancelled, or moved on): nothing to send, the mark goes.
        Deadline._get_collection().update_one({"_id": doc["_id"]}, {"$unset": {"sweep_error": ""}})
        return []
    actions, fields = plan(doc, now)
    deadline = Deadline._from_son(doc)
    cases = caches["cases"]
    case = cases.get(doc["case_id"])
    if case is None:
        case = cases[doc["case_id"]] = Case.objects(pk=doc["case_id"]).first()
    users = _audiences(case, deadline, actions, caches["managers"]) if case is not None else {}
    to = {kind: [str(u.pk) for u in found] for kind, found in users.items()}
    if case is not None:
        fields["owner_ids"] = to.pop("owners")  # keep "my deadlines" in step with allocation
    if not _claim(Deadline._get_collection(), doc, actions, fields, now, to):
        return None
    if case is None:
        log.warning("Deadline %s belongs to a case that no longer exists; nothing sent", doc["_id"])
        return []
    for action in actions:
        _deliver(case, deadline, action, users[action.kind], now=now, settings=settings)
    return [action.kind for action in actions]


def _due(moment, now: datetime) -> bool:
    return isinstance(moment, datetime) and moment <= now


def _deliver(case: Case, deadline: Deadline, action: Action, users: list, *, now: datetime,
             settings: Mapping) -> None:
    """Send one owed message to its users; a missed deadline also goes into the case's history."""
    extra = {"deadline": deadline.label, "due": format_date(deadline.due_at) if deadline.due_at else "",
             "basis": deadline.basis}
    notify_users(users, case=case, template=TEMPLATES[action.kind], now=now, extra=extra,
                 deadline_id=deadline.pk, settings=settings)
    if action.kind == "missed":
        record_deadline_event(case, deadline, now=now, what="missed: not done by the end of the due day",
                              said=(N_("%(deadline)s: missed: not done by the end of the due day"), {}))
