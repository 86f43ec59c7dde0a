"""Read helpers for the JSON API."""

from __future__ import annotations

from datetime import datetime

from models.case import Case
from models.deadline import Deadline
from services.cases.access import can_read_confidential, visible_cases_query
from services.cases.engine_view import case_submissions, latest_submissions, left_unread
from services.cases.transitions import transition_options
from services.common.rows import find_rows
from services.referrals.portal import list_referrals, referral_status
from services.submissions.results import case_results

SUMMARY_FIELDS = ("reference", "kind", "workflow_key", "workflow_version", "state", "status", "priority", "risk_level",
                  "team", "person", "referred_at", "allocated_at", "closed_at")


def list_visible_cases(*, actor, page: int = 1, limit: int = 100) -> dict:
    """Return one page of the cases the actor may see, by reference (an index walk), with the total."""
    query = {"$and": [visible_cases_query(actor), {"status": {"$in": ["open", "closed"]}}]}
    total = Case.objects(__raw__=query).count()
    pages = max(1, -(-total // limit))
    page = min(max(1, page), pages)
    cases = list(Case.objects(__raw__=query).only(*SUMMARY_FIELDS).order_by("+reference", "+id")
                 .skip((page - 1) * limit).limit(limit))
    return {"cases": cases, "page": page, "pages": pages, "total": total}


def case_deadlines(case: Case) -> list:
    """Return the case's deadlines, soonest first."""
    return find_rows(Deadline, {"case_id": case.pk}, sort=[("due_at", 1)])


def case_detail(case: Case, *, actor, now: datetime) -> dict:
    """Return the steps the actor sees on a case, its deadlines and its submitted forms' results.

    The submissions are read once, as the case page reads them, for both the steps' guards and the results.
    """
    stored = case_submissions(case, left_out=left_unread(can_read_confidential(actor, case)))
    transitions, events = transition_options(case, actor, submissions=latest_submissions(case, stored))
    return {"transitions": transitions, "events": events, "deadlines": case_deadlines(case),
            "submissions": case_results(case, actor=actor, now=now, stored=stored)}


def referral_statuses(*, actor) -> list[dict]:
    """Return the referrer's sent referrals with their public status only."""
    rows = []
    for case in list_referrals(actor=actor):
        if case.status == "draft":
            continue
        status = referral_status(case)
        rows.append({"id": str(case.pk), "reference": case.reference, "status": status["status"],
                     "detail": status["detail"], "referred_at": case.referred_at})
    return rows
