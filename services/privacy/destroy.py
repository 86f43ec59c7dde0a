"""Destroy or anonymise one ended case's records, and remove uploads that no answer keeps.

What stays is an anonymous stub of the case (pathway, team, state, outcome, dates, risk level and the rule's
monitoring categories) and the bare transitions of its history (state names and times), so that counts and
reports still add up. Everything that could identify anyone goes: names, addresses, answers, confidential records,
uploads, notes, messages, notifications, history details, reasons typed into transitions.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import mongoengine
from gridfs import GridFSBucket

from models.case import NO_DUE, Case, Person
from models.deadline import MET
from services.notifications.unread import forget_unread
from services.pathways.store import definition_for
from services.privacy.monitoring import kept_categories
from services.reports.deadline_counts import recount_deadlines
from services.submissions.attachments import BUCKET
from storage.uow import run_in_transaction
from workflows.retention import ANONYMISE, DESTROY, KEEP, rule_for_state

# Collections holding documents about one case, by the field naming it; collections not created yet are skipped.
# Email waiting in (or kept by) the outbox is found through its notification or the case reference it names.
BY_CASE = {
    "submissions": "case_id", "confidential_submissions": "case_id", "partner_contacts": "case_id",
    "notifications": "case_id", "legal_holds": "case_id", "subject_access_requests": "case_id",
    "case_corrections": "case_id",
    # His place in a group (the reason he left) and his register marks with the facilitators' notes about him.
    "group_members": "case_id", "group_attendance": "case_id",
}
# History kinds kept, stripped to state names and times, so the referred → accepted → completed funnel still counts.
SKELETON_KINDS = ("created", "referred", "transition")
_HEX = re.compile(r"^[0-9a-f]{24}$")


def _db():
    return mongoengine.get_db()


def _ids_filter(field: str, ids: list) -> dict:
    # Some collections name the case by ObjectId, others (GridFS metadata, outbox) by its string.
    return {field: {"$in": ids + [str(i) for i in ids]}}


def _strip_case(case: Case, *, action: str, rule_name: str, monitoring: dict, now: datetime) -> None:
    db = _db()
    Case.objects(pk=case.pk).update_one(
        set__reference=f"X-{case.pk}", set__person=Person(), set__name_keys=[], set__children=[], set__referrer_id="",
        set__referrer_name="", set__referrer_organisation="", set__allocated_to="", set__endorsements={},
        set__fields={}, set__referrer_message="", set__monitoring=monitoring, set__anonymised_at=now,
        set__next_due_at=NO_DUE, set__updated_at=now, inc__revision=1)  # its running deadline is met below
    history = db["case_history"]
    history.delete_many({"case_id": case.pk, "kind": {"$nin": list(SKELETON_KINDS)}})
    history.update_many({"case_id": case.pk}, {"$set": {"inputs": {}, "comment": "", "actor_name": ""}})
    sessions = db["case_sessions"]
    if action == DESTROY:
        sessions.delete_many({"case_id": case.pk})
    else:
        sessions.update_many({"case_id": case.pk}, {"$set": {"notes": "", "flags": []}})
    # Deadlines stay for the on-time figures, without anything that points back at the person; the one still
    # running (records destruction) is met by this very change.
    db["deadlines"].update_many({"case_id": case.pk, "active": True}, {"$set": {
        "status": MET, "active": False, "closed_at": now,
        "closed_reason": f"retention: {rule_name}"}, "$unset": {"next_action_at": ""}, "$inc": {"action_seq": 1}})
    db["deadlines"].update_many({"case_id": case.pk}, {"$set": {"case_reference": f"X-{case.pk}", "sent": [],
                                                              "description": ""}})
    recount_deadlines({"case_id": case.pk})  # the one met here counts as met


def _remove_outbox(ids: list, references: list[str]) -> int:
    db = _db()
    notes = [n["_id"] for n in db["notifications"].find(_ids_filter("case_id", ids), {"_id": 1})]
    # A reference followed by another digit is a different case (CP-2026-00001 is not CP-2026-000012).
    patterns = [re.escape(ref) + "(?![0-9])" for ref in references if ref]
    named = [{field: {"$regex": pattern}} for pattern in patterns for field in ("subject", "body")]
    return db["outbox"].delete_many({"$or": [{"notification_id": {"$in": notes}}, *named]}).deleted_count


def _remove_by_case(ids: list, references: list[str]) -> dict:
    db, removed = _db(), {}
    present = set(db.list_collection_names())
    if "outbox" in present:
        count = _remove_outbox(ids, references)
        if count:
            removed["outbox"] = count
    forget_unread(_ids_filter("case_id", ids))  # their readers' header counts, before they go
    for name, field in BY_CASE.items():
        if name in present:
            count = db[name].delete_many(_ids_filter(field, ids)).deleted_count
            if count:
                removed[name] = count
    bucket = GridFSBucket(db, bucket_name=BUCKET)
    files = [f["_id"] for f in db[f"{BUCKET}.files"].find(_ids_filter("metadata.case_id", ids), {"_id": 1})]
    for file_id in files:
        bucket.delete(file_id)  # the file and all its chunks
    if files:
        removed["uploads"] = len(files)
    return removed


def destroy_case_records(case: Case, *, action: str, linked: str, rule_name: str, now: datetime) -> dict:
    """Destroy or anonymise an ended case and (per `linked`) its partner records; return counts removed."""
    partners = [] if linked == KEEP else list(Case.objects(parent_case_id=case.pk))
    targets = [(case, action)] + [(p, ANONYMISE if linked == ANONYMISE else DESTROY) for p in partners]
    rule = _safe_rule(case)
    monitoring = {target.pk: kept_categories(target, rule) for target, _ in targets}
    removed = _remove_by_case([target.pk for target, _ in targets], [target.reference for target, _ in targets])
    for target, what in targets:
        _strip_case(target, action=what, rule_name=rule_name, monitoring=monitoring[target.pk], now=now)
    removed["cases"] = len(targets)
    return removed


def _safe_rule(case: Case):
    try:
        return rule_for_state(definition_for(case).to_dict(), case.state)
    except Exception:  # noqa: BLE001 - a pathway version that no longer loads keeps no monitoring categories
        return None


def _referenced_ids(value, found: set) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and _HEX.match(value["id"]):
            found.add(value["id"])
        for inner in value.values():
            _referenced_ids(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _referenced_ids(inner, found)


def remove_orphan_uploads(*, now: datetime, grace_days: int = 2) -> int:
    """Remove uploaded files no answer or history entry keeps, once older than the grace period; return how many."""
    db = _db()
    kept: set[str] = set()
    for name, field in (("submissions", "answers"), ("confidential_submissions", "answers"),
                        ("case_history", "inputs")):
        for doc in db[name].find({field: {"$ne": {}}}, {field: 1}):
            _referenced_ids(doc.get(field), kept)
    bucket = GridFSBucket(db, bucket_name=BUCKET)
    removed = 0
    cutoff = now - timedelta(days=grace_days)
    for doc in db[f"{BUCKET}.files"].find({"uploadDate": {"$lt": cutoff}}, {"_id": 1}):
        if str(doc["_id"]) not in kept:
            run_in_transaction(bucket.delete, doc["_id"])  # the file and its chunks together
            removed += 1
    return removed
