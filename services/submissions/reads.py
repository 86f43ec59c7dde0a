"""Reading submissions: what an actor may see of a case's forms, audited reads, a form's progress."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _

from errors import NotAllowed, NotFound
from models.form import ConfidentialSubmission, Submission
from services.audit.oversight import note_read
from services.audit.trail import record_audit
from services.cases.access import can_read_case, can_read_confidential
from services.submissions.filling import case_for_forms, on_page, referrer_of, referrers_own


def referrer_submissions(case) -> dict:
    """Return the referrer's own referral forms on the case, the most relevant per form key."""
    return referrer_forms(case)[0]


def referrer_forms(case) -> tuple[dict, dict]:
    """Return the referrer's referral forms on the case by form key: the most relevant, and changes begun.

    A change begun is a draft the referrer opened on a part already completed and has not finished: what was
    completed is still what the referral holds.
    """
    found: dict = {}
    drafts: dict = {}
    rank = {"countersigned": 2, "submitted": 2, "draft": 1}
    for sub in Submission.objects(case_id=case.pk, created_by=case.referrer_id).order_by("created_at"):
        current = found.get(sub.form_key)
        if sub.status == "draft":
            drafts[sub.form_key] = sub
        if current is None or rank[sub.status] >= rank[current.status]:
            found[sub.form_key] = sub
    changes = {key: draft for key, draft in drafts.items() if found[key] is not draft}
    return found, changes


def list_submissions(case, *, actor) -> list:
    """Return the case's submissions the actor may know of, newest first (confidential ones only if allowed)."""
    if not can_read_case(actor, case):
        if not referrer_of(actor, case):
            raise NotAllowed(_("You do not have access to this case"))
        return [s for s in Submission.objects(case_id=case.pk, created_by=str(actor.pk)).order_by("-created_at")
                if referrers_own(actor, s)]
    found = list(Submission.objects(case_id=case.pk))
    if can_read_confidential(actor, case):
        found += list(ConfidentialSubmission.objects(case_id=case.pk))
    return sorted(found, key=lambda s: s.created_at, reverse=True)


def find_submission(submission_id):
    """Return the submission with this id, or None; no access check: callers check before showing anything."""
    try:
        oid = ObjectId(str(submission_id))
    except (InvalidId, TypeError):
        return None
    return Submission.objects(pk=oid).first() or ConfidentialSubmission.objects(pk=oid).first()


def read_submission(submission_id, *, actor, now: datetime, client_address: str = ""):
    """Return a submission the actor may read; every read of a confidential one is audited."""
    submission = find_submission(submission_id)
    if submission is None:
        raise NotFound(_("There is no such form"))
    case = case_for_forms(submission.case_id, actor)
    if not can_read_case(actor, case) and not referrers_own(actor, submission):
        raise NotFound(_("There is no such form"))  # a referrer sees the forms they wrote on their referral only
    if submission.classification == "confidential":
        if not can_read_confidential(actor, case):
            record_audit("confidential.refused", actor=actor, now=now, target_type="submission",
                         target_id=submission.pk, client_address=client_address,
                         details={"case": str(case.pk), "form": submission.form_key})
            raise NotAllowed(_("This record is confidential"))
        record_audit("confidential.read", actor=actor, now=now, target_type="submission", target_id=submission.pk,
                     client_address=client_address, details={"case": str(case.pk), "form": submission.form_key})

        note_read(case, actor=actor, now=now)
    return submission


def page_statuses(form, submission, *, today) -> dict[str, str]:
    """Return page key → not_started / in_progress / completed, for the task list."""
    answers = form.clean(dict(submission.answers or {}))
    problems = form.validate(answers, today=today, partial=False)
    visited = set(submission.visited_pages or [])
    out = {}
    for page in form.pages:
        names = {f.name for f in page.fields}
        answered = bool(names & set(answers))
        if page.key not in visited and not answered:
            out[page.key] = "not_started"
        elif page.key in visited and not on_page(problems, names):
            out[page.key] = "completed"
        else:
            out[page.key] = "in_progress"
    return out
