"""Read helpers for the JSON API."""

from __future__ import annotations

from models.case import Case
from models.deadline import Deadline
from services.access import visible_cases_query
from services.referrals import list_referrals, referral_status


def list_visible_cases(*, actor, limit: int = 100) -> list[Case]:
    """Return the cases the actor may see, most recently changed first."""
    return list(Case.objects(__raw__=visible_cases_query(actor)).order_by("-updated_at").limit(limit))


def case_deadlines(case: Case) -> list:
    """Return the case's deadlines, soonest first."""
    return list(Deadline.objects(case_id=case.pk).order_by("due_at"))


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
