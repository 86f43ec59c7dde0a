"""The personal-data page of a record: its subject access requests, corrections, objections and legal hold."""

from __future__ import annotations

from datetime import datetime

from models.correction import OBJECTION_OUTCOMES
from models.subject_access import IDENTITY_CHECKS, SubjectAccessRequest
from services.access import can_change_case, case_for_actor
from services.rectification import PERSON_FIELDS, list_corrections
from services.retention import on_hold, retention_status
from services.submission_reads import list_submissions


def personal_data_overview(case_id, *, actor, now: datetime) -> dict:
    """Return what the record's personal-data page shows to the actor."""
    case = case_for_actor(case_id, actor)
    manager = actor.has_role("manager") and actor.team == case.team
    submitted = [s for s in list_submissions(case, actor=actor) if s.status != "draft"]
    return {
        "case": case, "may_change": can_change_case(actor, case) and not case.anonymised_at, "is_manager": manager,
        "requests": list(SubjectAccessRequest.objects(case_id=case.pk).order_by("-logged_at")),
        "corrections": list_corrections(case, actor=actor), "held": on_hold(case.pk),
        "retention": retention_status(case), "submissions": submitted,
        "identity_checks": IDENTITY_CHECKS, "person_fields": PERSON_FIELDS, "objection_outcomes": OBJECTION_OUTCOMES,
        "now": now,
    }
