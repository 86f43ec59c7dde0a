"""Small read helpers every case page shares: the state in words, user names, the next deadlines."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId

from models.case import Case
from models.deadline import ACTIVE_STATUSES, Deadline
from models.user import User
from services.common.language import active_language
from services.pathways.store import definition_for, shown_definition

PUBLIC_TAGS = {"Received": "blue", "Accepted": "turquoise", "Not accepted": "red", "On the waiting list": "yellow",
               "Allocated": "purple", "Work in progress": "green", "Closed": "grey"}


def state_of(case: Case) -> dict:
    """Return the case's state as words: its label, the public status and the tag colour."""
    if case.status == "draft":
        return {"label": "Referral not sent", "public": "Not sent yet", "tag": "grey"}
    state, english = shown_definition(case).states.get(case.state), definition_for(case).states.get(case.state)
    # Callers compare it and colour the tag by it: kept in English (read from the definition, never a copy of it).
    public = english.public_status if english else ""
    return {"label": state.label if state else case.state.replace("_", " ").capitalize(), "public": public,
            "tag": "grey" if case.status == "closed" else PUBLIC_TAGS.get(public, "blue")}


def user_names(ids) -> dict[str, str]:
    """Return user id → name for the ids given (unknown ones are left out)."""
    oids = []
    for value in {str(v) for v in ids if v}:
        try:
            oids.append(ObjectId(value))
        except InvalidId:
            continue
    return {str(u.pk): u.name for u in User.objects(pk__in=oids).only("name")} if oids else {}


@dataclass(frozen=True)
class NextDeadline:
    """What a list row shows of a case's next deadline."""

    case_id: ObjectId
    label: str
    due_at: datetime | None
    status: str
    key: str = ""  # the pathway's name for the deadline, by which its label is found in another language


def next_deadlines(case_ids, role: str | None = None) -> dict:
    """Return case id → its active deadline due first (those without a date come last); only `role`'s if given."""
    found: dict = {}
    # Four fields as plain data: whole deadline documents (with their reminders and history) cost a list ~50 ms.
    cursor = Deadline._get_collection().find(
        {"case_id": {"$in": list(case_ids)}, "status": {"$in": list(ACTIVE_STATUSES)},
         **({"role": role} if role else {})},
        {"case_id": 1, "label": 1, "due_at": 1, "status": 1, "key": 1})
    for doc in cursor:
        deadline = NextDeadline(doc["case_id"], doc.get("label", ""), doc.get("due_at"), doc.get("status", ""),
                                doc.get("key", ""))
        current = found.get(deadline.case_id)
        if current is None or due_key(deadline) < due_key(current):
            found[deadline.case_id] = deadline
    return found


def shown_deadline(case: Case, deadline: NextDeadline | None) -> NextDeadline | None:
    """Return a case's next deadline with its pathway's label in the page's language (its own words otherwise)."""
    if deadline is None:
        return None
    return replace(deadline, label=definition_for(case).deadline_label(deadline.key, deadline.label,
                                                                        active_language()))


def due_key(deadline) -> tuple:
    """Return a sort key that puts deadlines without a date last."""
    return (deadline.due_at is None, deadline.due_at or datetime.max)


def next_deadline(case: Case) -> NextDeadline | None:
    """Return the case's active deadline that is due first."""
    return next_deadlines([case.pk]).get(case.pk)
