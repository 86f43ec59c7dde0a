"""Subject access requests: log one (starting a one-calendar-month deadline), review redactions, release, audited.

Staff log the request on the subject's own record (his case, or the partner's own record). Pathway assembles the
file without anything confidential or from third parties (services/privacy/bundle.py); a manager of the
team reviews it, may withhold further items, and approves; each release of the Word bundle or the JSON export is
audited and meets the deadline.
"""

from __future__ import annotations

from datetime import date, datetime

from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _

from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from forms.parse import compose_date
from models.case import Case
from models.deadline import MET
from models.subject_access import APPROVED, IDENTITY_CHECKS, LOGGED, RELEASED, SubjectAccessRequest
from scheduler.calendar import add_months
from services.audit.trail import record_audit
from services.cases.access import can_change_case, case_for_actor
from services.common.language import date_words
from services.deadlines.timing import local_today
from services.deadlines.tracking import start_deadline, stop_deadline
from services.privacy.bundle import apply_redactions, as_json, assemble_file
from services.privacy.bundle_word import as_docx
from storage.uow import transactional
from wording import N_

DEADLINE_KEY = "subject_access"
# UK GDPR Article 12(3): an answer without undue delay and at the latest within one month of receipt.
DEADLINE_SPEC = {
    "key": DEADLINE_KEY, "label": N_("Answer the subject access request"), "duration": {"months": 1},
    "basis": "One calendar month from receiving the request", "role": "manager",
    "reminders": [{"days_before": 10}, {"days_before": 3}, {"on_due": True}],
    "escalation": {"to": "manager", "after_days": 0, "repeat_every_days": 2},
}
FORMATS = {"docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
           "json": ("application/json", "json")}


def _oid(value) -> ObjectId:
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError):
        raise NotFound(_("There is no such request")) from None


def _manager_of(actor, case: Case) -> bool:
    return actor.has_role("manager") and actor.team == case.team


@transactional
def log_request(case_id, data: dict, *, actor, now: datetime) -> SubjectAccessRequest:
    """Record a subject access request on the subject's own record and start its one-month deadline."""
    case = case_for_actor(case_id, actor)
    if not can_change_case(actor, case) or case.anonymised_at:
        raise NotAllowed(_("You cannot log a request on this record"))
    problems = []
    who = (data.get("requested_by") or "").strip()
    if not who:
        problems.append(FieldProblem("requested_by", _("Enter who made the request"), "Who asked"))
    elif len(who) > 200:
        problems.append(FieldProblem("requested_by", _("Who asked must be 200 characters or fewer"), "Who asked"))
    check = data.get("identity_check") or ""
    if check not in IDENTITY_CHECKS:
        problems.append(FieldProblem("identity_check", _("Select how their identity was checked"), "Identity"))
    received = _received(data, now, problems, opened=local_today(case.created_at))
    # The month runs from each request received: a second one while the first is open would share its deadline,
    # and answering either would close it. The same person asking again is answered by the open request.
    still_open = SubjectAccessRequest.objects(case_id=case.pk, status__in=[LOGGED, APPROVED]).only(
        "received_on").first()
    if still_open is not None:
        problems.append(FieldProblem("requested_by", _(
            "A request received on %(date)s is still open on this record: answer it before logging another",
            date=date_words(still_open.received_on)), "Who asked"))
    if problems:
        raise InvalidInput(problems=problems)
    request = SubjectAccessRequest(
        case_id=case.pk, requested_by=who, on_behalf=bool(data.get("on_behalf")), identity_check=check,
        received_on=received, due_on=add_months(received, 1), logged_by=str(actor.pk), logged_at=now).save()
    start_deadline(case, DEADLINE_KEY, now=now, actor=actor, spec=DEADLINE_SPEC,
                   anchor_label=N_("the request was received"),
                   anchor_at=datetime.combine(received, datetime.min.time()))
    record_audit("sar.logged", actor=actor, now=now, target_type="subject_access", target_id=request.pk,
                 details={"case": str(case.pk), "identity_check": check})
    return request


def _received(data: dict, now: datetime, problems: list, *, opened: date) -> date | None:
    raw = data.get("received_on")
    if isinstance(raw, date):
        text = raw.isoformat()
    else:
        parts = [data.get(f"received_on-{part}", "") for part in ("day", "month", "year")]
        if raw is None and not any(str(p).strip() for p in parts):
            problems.append(FieldProblem("received_on", _("Enter the date the request was received"),
                                         "Date received"))
            return None
        text = compose_date(*parts) if raw is None else str(raw)
    try:
        received = date.fromisoformat(text)
    except (TypeError, ValueError):
        problems.append(FieldProblem("received_on", _("Enter the date the request was received as a real date"),
                                     "Date received"))
        return None
    if received > local_today(now):
        problems.append(FieldProblem("received_on", _("The date the request was received must be today or in the "
                                                      "past"), "Date received"))
    elif received < opened:  # a request is about this record: it cannot have come before the record was opened
        problems.append(FieldProblem("received_on", _(
            "The date the request was received must be on or after %(date)s, when this record was opened",
            date=date_words(opened)), "Date received"))
    return received


def get_request(request_id, *, actor) -> tuple[SubjectAccessRequest, Case]:
    """Return a request and its record for a manager of the record's team."""
    request = SubjectAccessRequest.objects(pk=_oid(request_id)).first()
    if request is None:
        raise NotFound(_("There is no such request"))
    case = Case.objects(pk=request.case_id).first()
    if case is None or not _manager_of(actor, case):
        raise NotFound(_("There is no such request"))
    return request, case


def preview_file(request_id, *, actor, now: datetime) -> dict:
    """Return the assembled file as the reviewing manager sees it (before their own redactions)."""
    request, case = get_request(request_id, actor=actor)
    data = assemble_file(case, now=now)  # in the reviewing manager's language
    if case.kind == "partner":
        record_audit("confidential.read", actor=actor, now=now, target_type="subject_access", target_id=request.pk,
                     details={"case": str(case.pk)})
    return data


@transactional
def approve_release(request_id, *, withhold: list[str], reason: str, actor, now: datetime) -> SubjectAccessRequest:
    """Approve the file for release, withholding the listed items (each with the reason given)."""
    request, case = get_request(request_id, actor=actor)
    if request.status != LOGGED:
        raise Conflict(_("This request has already been approved"))
    withhold = [item for item in dict.fromkeys(withhold or []) if item]
    reason = (reason or "").strip()
    if withhold and not reason:
        raise InvalidInput(problems=[FieldProblem("reason", _("Enter why the selected items are withheld"))])
    if len(reason) > 2000:
        raise InvalidInput(problems=[FieldProblem("reason", _("The reason must be 2,000 characters or fewer"))])
    changed = SubjectAccessRequest.objects(pk=request.pk, status=LOGGED).update_one(
        set__status=APPROVED, set__approved_by=str(actor.pk), set__approved_at=now,
        set__redactions=[{"item": item, "reason": reason} for item in withhold])
    if not changed:
        raise Conflict(_("This request has already been approved"))
    record_audit("sar.approved", actor=actor, now=now, target_type="subject_access", target_id=request.pk,
                 details={"case": str(case.pk), "withheld": len(withhold)})
    request.reload()
    return request


@transactional
def release_file(request_id, fmt: str, *, actor, now: datetime, client_address: str = "") -> tuple[bytes, str, str]:
    """Return the approved file as (content, content type, file name); audited, and meets the deadline."""
    request, case = get_request(request_id, actor=actor)
    if fmt not in FORMATS:
        raise NotFound(_("There is no such format"))
    if request.status not in (APPROVED, RELEASED):
        raise NotAllowed(_("A manager must review and approve the file before it is released"))
    data = apply_redactions(assemble_file(case, now=now), {r["item"] for r in request.redactions})
    content = as_docx(data) if fmt == "docx" else as_json(data)
    SubjectAccessRequest.objects(pk=request.pk).update_one(
        set__status=RELEASED, push__releases={"at": now, "by": str(actor.pk), "format": fmt})
    stop_deadline(case, DEADLINE_KEY, status=MET, met_by="subject access file released", now=now, actor=actor)
    record_audit("sar.released", actor=actor, now=now, target_type="subject_access", target_id=request.pk,
                 client_address=client_address,
                 details={"case": str(case.pk), "format": fmt, "withheld_on_review": len(request.redactions)})
    content_type, extension = FORMATS[fmt]
    return content, content_type, f"subject-access-{case.reference}.{extension}"
