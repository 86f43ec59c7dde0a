"""Rectification and objection: a recorded correction keeps the original in the history with who and why.

Submitted forms are never edited silently: a correction changes one answer (or one of the person's details),
and the case history and the correction record keep the original value, the new one, who changed it and why.
An objection to processing is recorded with its outcome and reason.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from forms.catalogue import N_
from forms.parse import parse_fields
from models.case import Case, name_keys
from models.correction import OBJECTION_OUTCOMES, CaseCorrection
from services.audit.trail import record_audit
from services.cases.access import can_change_case, can_read_confidential, case_for_actor
from services.cases.history_text import OBJECTION_RECORDED, term
from services.cases.transitions import add_history
from services.common.language import active_language
from services.deadlines.timing import local_today
from services.pathways.store import definition_for
from services.reports.fields import refresh_evaluation
from services.submissions.definitions import form_for
from services.submissions.reads import read_submission
from storage.uow import transactional

PERSON_FIELDS = {"name": "Name", "date_of_birth": "Date of birth", "address": "Address", "ethnicity": "Ethnicity",
                 "language": "Language"}
# Answers that can be corrected on their own: a single typed value.


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _reason(data: dict, missing: str = "") -> str:
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise InvalidInput(problems=[FieldProblem("reason", missing or _("Enter why the record is being corrected"),
                                                  "Why")])
    if len(reason) > 5000:
        raise InvalidInput(problems=[FieldProblem("reason", _("The reason must be 5,000 characters or fewer"), "Why")])
    return reason


def _changeable(case_id, actor) -> Case:
    case = case_for_actor(case_id, actor, change=True)
    if case.anonymised_at:
        raise NotAllowed(_("This record has been destroyed under its retention rule"))
    return case


def _save(case: Case, *, actor, now: datetime, confidential: bool, **fields) -> CaseCorrection:
    correction = CaseCorrection(case_id=case.pk, by=str(actor.pk), by_name=actor.name, at=now,
                                confidential=confidential, **fields).save()
    record_audit(f"record.{correction.kind}", actor=actor, now=now, target_type="case", target_id=case.pk,
                 details={"correction": str(correction.pk), "field": correction.field,
                          "submission": str(correction.submission_id or "")})
    return correction


@transactional
def correct_person(case_id, data: dict, *, actor, now: datetime) -> CaseCorrection:
    """Correct one of the person's details on the case, keeping the original in the history."""
    case = _changeable(case_id, actor)
    field = data.get("field") or ""
    if field not in PERSON_FIELDS:
        raise InvalidInput(problems=[FieldProblem("field", _("Select the detail to correct"), "Detail")])
    raw = (data.get("value") or "").strip()
    value: object = raw
    if field == "date_of_birth":
        try:
            value = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise InvalidInput(problems=[FieldProblem("value", _("Enter the date of birth as a real date, for "
                                                        "example 1988-03-14"), "Correct value")]) from None
    elif len(raw) > 1000:
        raise InvalidInput(problems=[FieldProblem("value", _("The value must be 1,000 characters or fewer"))])
    reason = _reason(data)
    original = getattr(case.person, field)
    if _plain(original) == _plain(value):
        raise InvalidInput(problems=[FieldProblem("value", _("Enter a value different from the one recorded"),
                                                  "Correct value")])
    keys = {"set__name_keys": name_keys(value)} if field == "name" else {}
    Case.objects(pk=case.pk).update_one(**{f"set__person__{field}": value}, **keys, set__updated_at=now,
                                        inc__revision=1)
    add_history(case, kind="correction", now=now, actor=actor, name=f"person.{field}",
                label=f"{PERSON_FIELDS[field]} corrected", label_key=N_("%(field)s corrected"),
                label_values={"field": term("person", field)},
                inputs={"original": _plain(original), "corrected": _plain(value)}, comment=reason,
                confidential=case.kind == "partner")
    return _save(case, actor=actor, now=now, confidential=case.kind == "partner", kind="rectification",
                 target="person", field=field, label=PERSON_FIELDS[field], original=_plain(original),
                 corrected=_plain(value), requested_by=(data.get("requested_by") or "").strip()[:200],
                 reason=reason)


def correctable_answers(submission) -> list:
    """Return the submitted form's questions that can be corrected one by one."""
    form = form_for(submission)
    return [f for f in form.fields if f.widget_type.correctable]


@transactional
def correct_answer(submission_id, formdata, *, actor, now: datetime, client_address: str = "") -> CaseCorrection:
    """Correct one answer of a submitted form, keeping the original in the history; confidential stays hidden."""
    submission = read_submission(submission_id, actor=actor, now=now, client_address=client_address)
    case = _changeable(submission.case_id, actor)
    if not can_change_case(actor, case):
        raise NotAllowed(_("You cannot correct records on this case"))
    if submission.status == "draft":
        raise NotAllowed(_("A draft is changed by editing it, not by a correction"))
    name = formdata.get("field") or ""
    spec = next((f for f in correctable_answers(submission) if f.name == name), None)
    if spec is None:
        raise InvalidInput(problems=[FieldProblem("field", _("Select the answer to correct"), "Answer")])
    reason = _reason(formdata)
    form = form_for(submission)
    value = parse_fields([spec], formdata).get(name)
    answers = dict(submission.answers or {})
    original = answers.get(name)
    if value == original:
        raise InvalidInput(problems=[FieldProblem(name, _("Enter an answer different from the one recorded"))])
    changed = form.clean({**answers, name: value} if value is not None else
                         {k: v for k, v in answers.items() if k != name})
    # Stored answers come from the English form; the problems speak the reader's language.
    language = active_language()
    found = form_for(submission, language).validate(changed, today=local_today(now), language=language)
    problems = [p for p in found if p.field.split(".")[0] == name]
    if problems:
        raise InvalidInput(problems=problems)
    type(submission).objects(pk=submission.pk).update_one(
        set__answers=changed, set__computed=form.compute(changed), set__updated_at=now,
        set__updated_by=str(actor.pk), inc__revision=1)
    refresh_evaluation(case, definition_for(case), submission.form_key)
    confidential = submission.classification == "confidential"
    add_history(case, kind="correction", now=now, actor=actor, name=f"{submission.form_key}.{name}",
                label=f"Answer corrected: {spec.label}", label_key=N_("Answer corrected: %(question)s"),
                label_values={"question": {"question": name, "form": submission.form_key,
                                           "version": submission.form_version}},
                inputs={"original": _plain(original), "corrected": _plain(value),
                        "submission": str(submission.pk)}, comment=reason, confidential=confidential)
    return _save(case, actor=actor, now=now, confidential=confidential, kind="rectification", target="submission",
                 submission_id=submission.pk, field=name, label=spec.label, original=_plain(original),
                 corrected=_plain(value), requested_by=(formdata.get("requested_by") or "").strip()[:200],
                 reason=reason)


@transactional
def record_objection(case_id, data: dict, *, actor, now: datetime) -> CaseCorrection:
    """Record a person's objection to how their information is used, with its outcome and the reason for it."""
    case = _changeable(case_id, actor)
    problems = []
    text = (data.get("objection") or "").strip()
    if not text:
        problems.append(FieldProblem("objection", _("Enter what the person objects to"), "Objection"))
    outcome = data.get("outcome") or ""
    if outcome not in OBJECTION_OUTCOMES:
        problems.append(FieldProblem("outcome", _("Select the outcome of the objection"), "Outcome"))
    reason = (data.get("reason") or "").strip()
    if not reason:
        problems.append(FieldProblem("reason", _("Enter the reason for the outcome"), "Reason"))
    if problems:
        raise InvalidInput(problems=problems)
    reason = _reason(data)
    add_history(case, kind="objection", now=now, actor=actor, name="objection",
                label=f"Objection recorded: {OBJECTION_OUTCOMES[outcome].split(':')[0].lower()}", comment=reason,
                label_key=OBJECTION_RECORDED.get(outcome, ""),
                confidential=case.kind == "partner")
    return _save(case, actor=actor, now=now, confidential=case.kind == "partner", kind="objection",
                 objection=text[:5000], outcome=outcome, reason=reason,
                 requested_by=(data.get("requested_by") or "").strip()[:200])


def list_corrections(case: Case, *, actor) -> list[CaseCorrection]:
    """Return the case's corrections and objections the actor may see (confidential ones only if allowed)."""
    found = CaseCorrection.objects(case_id=case.pk).order_by("-at")
    return [c for c in found if not c.confidential or can_read_confidential(actor, case)]


def get_submission_for_correction(submission_id, *, actor, now: datetime):
    """Return a submitted form the actor may correct, with its case."""
    submission = read_submission(submission_id, actor=actor, now=now)
    case = _changeable(submission.case_id, actor)
    if submission.status == "draft":
        raise NotFound(_("There is no such submitted form"))
    return submission, case
