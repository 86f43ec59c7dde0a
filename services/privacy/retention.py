"""Retention: list cases whose keeping period has run out for a manager's review, legal holds, approval.

The job never destroys anything on its own: it lists due cases (RetentionReview) and finishes destructions
already approved (after a crash). A manager of the case's team, or an administrator, approves each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from forms.catalogue import N_
from models.case import Case
from models.retention import APPROVED, DONE, PENDING, LegalHold, RetentionReview
from models.user import User
from services.audit.trail import record_audit
from services.common.paging import PAGE_SIZE, page_number, page_result
from services.notifications.send import notify_user
from services.notifications.text import message_for
from services.pathways.store import definition_for
from services.privacy.destroy import destroy_case_records, remove_orphan_uploads
from storage.uow import run_in_transaction, transactional
from workflows.retention import rule_for_state

DUE_BATCH = 500  # ended cases read at a time by the job that lists due ones
QUEUE_FIELDS = {"case_id": 1, "case_reference": 1, "rule_label": 1, "due_at": 1}


@dataclass
class RetentionRun:
    """What one run of the retention job did."""

    listed: int = 0
    finished: int = 0
    orphans_removed: int = 0


def _oid(value) -> ObjectId:
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError):
        raise NotFound(_("There is no such record")) from None


def _rule(case: Case, cache: dict | None = None):
    key = (case.workflow_key, case.workflow_version, case.state)
    if cache is not None and key in cache:
        return cache[key]
    try:
        rule = rule_for_state(definition_for(case).to_dict(), case.state)
    except NotFound:
        rule = None  # the pathway version is gone: nothing can say how long to keep it, so it is kept
    if cache is not None:
        cache[key] = rule
    return rule


def _counted_from(case: Case) -> datetime | None:
    return case.state_entered_at or case.closed_at


def on_hold(case_id) -> bool:
    """Tell whether a legal hold stands on the case."""
    return LegalHold.objects(case_id=case_id, lifted_at=None).count() > 0


def held_among(case_ids: list) -> set:
    """Return which of these cases a legal hold stands on, in one read."""
    if not case_ids:
        return set()
    return set(LegalHold._get_collection().distinct("case_id", {"case_id": {"$in": list(case_ids)},
                                                                "lifted_at": None}))


def retention_status(case: Case) -> dict | None:
    """Return the rule an ended case follows and when its records fall due, or None while it runs or is kept."""
    target = Case.objects(pk=case.parent_case_id).first() if case.kind == "partner" and case.parent_case_id else case
    if target is None or target.status != "closed":
        return None
    rule, start = _rule(target), _counted_from(target)
    if rule is None or start is None:
        return None
    return {"label": rule.label, "basis": rule.basis, "due_at": rule.due_at(start),
            "action": rule.action if target is case else rule.linked}


def list_due_cases(*, now: datetime) -> int:
    """List each ended case whose keeping period has run out (and is not on hold) for review; return how many."""
    listed, teams, rules = 0, set(), {}
    # The shortest keeping period a rule can name is one month: younger closures cannot be due.
    ended = Case.objects(status="closed", kind="perpetrator", anonymised_at=None,
                         closed_at__lte=now - timedelta(days=28))
    fields = ("id", "reference", "team", "workflow_key", "workflow_version", "state", "state_entered_at", "closed_at")
    # Read a batch of ended cases at a time, with their reviews and holds in one read each: a read per case made
    # the nightly job's cost grow with every case ever closed, and holding every id at once its memory.
    for batch in _batches(ended.only(*fields), DUE_BATCH):
        ids = [case.pk for case in batch]
        skipped = held_among(ids) | set(RetentionReview._get_collection().distinct(
            "case_id", {"case_id": {"$in": ids}}))
        for case in batch:
            if case.pk in skipped:
                continue
            rule, start = _rule(case, rules), _counted_from(case)
            if rule is None or start is None or rule.due_at(start) > now:
                continue
            review = RetentionReview(
                case_id=case.pk, case_reference=case.reference, team=case.team, workflow_key=case.workflow_key,
                workflow_version=case.workflow_version, rule=rule.name, rule_label=rule.label, action=rule.action,
                linked=rule.linked, counted_from=start, due_at=rule.due_at(start), listed_at=now)
            try:
                review.save(force_insert=True)
            except NotUniqueError:
                continue  # another scheduler listed it a moment ago
            listed += 1
            teams.add(case.team)
    for team in sorted(teams):
        _tell_managers(team, now=now)
    return listed


def _batches(items, size: int):
    """Yield lists of at most `size` of the items, in their order."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tell_managers(team: str, *, now: datetime) -> None:
    """Tell the team's managers that records wait for their review; the message names no case or person."""
    for manager in User.objects(team=team, roles="manager", active=True):
        said = message_for(manager, N_("Records are due for destruction review"),
                           N_("The keeping period of some of your team's closed cases has run out. Review them: "
                              "nothing is destroyed until a manager approves it."))
        notify_user(manager, **said, link="/retention/", now=now, kind="task")


def run_retention(*, now: datetime, orphan_grace_days: int = 2) -> RetentionRun:
    """Run the retention job once: list due cases, finish approved destructions, remove orphaned uploads."""
    result = RetentionRun(listed=list_due_cases(now=now))
    for review in RetentionReview.objects(status=APPROVED):
        if on_hold(review.case_id):
            # A hold placed since the approval wins: the case goes back to the queue for a new decision.
            RetentionReview.objects(pk=review.pk, status=APPROVED).update_one(set__status=PENDING)
            continue
        run_in_transaction(_finish, review, now=now)
        result.finished += 1
    result.orphans_removed = remove_orphan_uploads(now=now, grace_days=orphan_grace_days)
    return result


def _may_review(actor, team: str) -> bool:
    return actor.has_role("admin") or (actor.has_role("manager") and actor.team == team)


def review_queue(*, actor, page=1) -> dict:
    """Return a page of the cases waiting for a destruction decision that the actor may decide, oldest due first."""
    if not actor.has_role("manager", "admin"):
        raise NotAllowed(_("Only managers and administrators review records for destruction"))
    query = {"status": PENDING} if actor.has_role("admin") else {"status": PENDING, "team": actor.team}
    reviews = RetentionReview._get_collection()
    total = reviews.count_documents(query)
    page, pages = page_number(page, total)
    # Read in the index's order (status[, team], due_at, _id), so a page is a range of it however long the queue.
    found = list(reviews.find(query, QUEUE_FIELDS).sort([("due_at", 1), ("_id", 1)])
                 .skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    held = held_among([son["case_id"] for son in found])
    rows = [{"id": son["_id"], "case_reference": son.get("case_reference", ""), "rule_label": son.get("rule_label", ""),
             "due_at": son["due_at"], "held": son["case_id"] in held} for son in found]
    return {"rows": rows, "total": total, "result": page_result(page, pages, total)}


def get_review(review_id, *, actor) -> RetentionReview:
    """Return one review the actor may decide."""
    review = RetentionReview.objects(pk=_oid(review_id)).first()
    if review is None or not _may_review(actor, review.team):
        raise NotFound(_("There is no such review"))
    return review


@transactional
def approve_destruction(review_id, *, actor, now: datetime, confirm: bool) -> RetentionReview:
    """Approve the destruction a rule calls for and carry it out, in one atomic change; a legal hold stops it.

    The approval, the destruction of every record and the audit entry commit together or not at all.
    """
    review = get_review(review_id, actor=actor)
    if not confirm:
        raise InvalidInput(problems=[FieldProblem(
            "confirm", _("Confirm that these records can be destroyed: it cannot be undone"))])
    if on_hold(review.case_id):
        raise NotAllowed(_("A legal hold stands on these records: lift it before they can be destroyed"))
    approved = RetentionReview.objects(pk=review.pk, status=PENDING).update_one(
        set__status=APPROVED, set__approved_by=str(actor.pk), set__approved_by_name=actor.name,
        set__approved_at=now)
    if not approved:
        raise Conflict(_("Someone else has already decided about these records"))
    review.reload()
    return _finish(review, now=now)


def _finish(review: RetentionReview, *, now: datetime) -> RetentionReview:
    case = Case.objects(pk=review.case_id).first()
    summary = destroy_case_records(case, action=review.action, linked=review.linked, rule_name=review.rule,
                                   now=now) if case is not None else {}
    RetentionReview.objects(pk=review.pk, status=APPROVED).update_one(
        set__status=DONE, set__done_at=now, set__case_reference="")
    # The one lasting record: what, when, whose approval, which rule; ids and counts only, nothing personal.
    record_audit("retention.destroyed", now=now, actor_email="", target_type="case", target_id=review.case_id,
                 details={"rule": review.rule, "workflow": review.workflow_key, "action": review.action,
                          "linked": review.linked, "approved_by": review.approved_by,
                          "approved_at": review.approved_at.isoformat() if review.approved_at else "",
                          "due_at": review.due_at.isoformat(), "removed": summary})
    review.reload()
    return review


@transactional
def place_legal_hold(case_id, *, reason: str, actor, now: datetime) -> LegalHold:
    """Stop a case's records being destroyed until the hold is lifted."""
    case = Case.objects(pk=_oid(case_id)).first()
    if case is None or not _may_review(actor, case.team):
        raise NotFound(_("There is no such case"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(problems=[FieldProblem("reason", _("Enter why the records must be kept"))])
    if len(reason) > 2000:
        raise InvalidInput(problems=[FieldProblem("reason", _("The reason must be 2,000 characters or fewer"))])
    hold = LegalHold(case_id=case.pk, reason=reason, placed_by=str(actor.pk), placed_at=now).save()
    record_audit("retention.hold_placed", actor=actor, now=now, target_type="case", target_id=case.pk,
                 details={"hold": str(hold.pk)})
    return hold


@transactional
def lift_legal_hold(case_id, *, actor, now: datetime) -> int:
    """Lift every hold on a case; return how many were lifted."""
    case = Case.objects(pk=_oid(case_id)).first()
    if case is None or not _may_review(actor, case.team):
        raise NotFound(_("There is no such case"))
    lifted = LegalHold.objects(case_id=case.pk, lifted_at=None).update(set__lifted_at=now,
                                                                      set__lifted_by=str(actor.pk))
    if lifted:
        record_audit("retention.hold_lifted", actor=actor, now=now, target_type="case", target_id=case.pk)
    return lifted


