"""Submissions: who may fill which form, drafts never lost, optimistic concurrency, submitting, countersigning."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from models.form import submission_class
from services.audit.trail import record_audit
from services.cases import hooks as case_hooks
from services.cases.access import (
    can_change_case,
    can_read_confidential,
    case_for_actor,
    referral_for_referrer,
)
from services.common.language import active_language
from services.deadlines.timing import local_today
from services.submissions.definitions import form_for, get_form, pinned_form
from services.submissions.slots import require_slot
from storage.uow import transactional

REFERRAL_TAG = "referral"  # the forms a referrer fills in on their own referral


def referrer_of(actor, case) -> bool:
    """Tell whether the actor is the referrer of this (perpetrator) case."""
    return actor.has_role("referrer") and case.kind == "perpetrator" and case.referrer_id == str(actor.pk)


def referral_form(doc) -> bool:
    """Tell whether a form version is one a referrer fills in on their own referral."""
    return doc.classification == "standard" and REFERRAL_TAG in (doc.tags or [])


def referrers_own(actor, submission) -> bool:
    """Tell whether a referrer wrote this referral form themselves: staff text on the case never reaches them."""
    return submission.created_by == str(actor.pk) and referral_form(pinned_form(submission))


def case_for_forms(case_id, actor, *, change: bool = False):
    """Return the case for the form pages: the usual case access, or a referrer's own referral."""
    try:
        return case_for_actor(case_id, actor, change=change)
    except (NotFound, NotAllowed):
        if not actor.has_role("referrer"):
            raise
    case = referral_for_referrer(case_id, actor)
    if change and case.status != "draft":
        raise NotAllowed(_("This referral has been sent, so its forms can no longer be changed"))
    return case


def _require_change(case, actor, doc) -> None:
    if not can_change_case(actor, case):
        raise NotAllowed(_("You cannot fill in forms on this case"))
    if doc.classification == "confidential" and not can_read_confidential(actor, case):
        raise NotAllowed(_("You cannot see or fill in confidential records on this case"))
    if case.status == "draft" and not referral_form(doc):
        # A referral not yet sent belongs to its referrer and holds the referral's own forms only.
        raise NotAllowed(_("This form cannot be filled in on a referral that has not been sent"))
    require_slot(case, actor, doc)


def may_fill(case, actor, doc) -> bool:
    """Tell whether the actor may fill in this form version on the case."""
    try:
        _require_change(case, actor, doc)
    except NotAllowed:
        return False
    return True


def open_draft(case, form_key: str, *, actor):
    """Return (form version, the case's open draft of it or None), after checking the actor may fill it."""
    doc = get_form(form_key)
    _require_change(case, actor, doc)
    return doc, submission_class(doc.classification).objects(case_id=case.pk, form_key=form_key,
                                                            status="draft").first()


def start_submission(case, form_key: str, *, actor, now: datetime):
    """Return the case's open draft of the form, or start one on the latest published version."""
    doc = get_form(form_key)
    _require_change(case, actor, doc)
    cls = submission_class(doc.classification)
    existing = cls.objects(case_id=case.pk, form_key=form_key, status="draft").first()
    if existing:
        return existing
    draft = cls(case_id=case.pk, form_key=form_key, form_version=doc.version, classification=doc.classification,
                status="draft", created_at=now, created_by=str(actor.pk), updated_at=now, updated_by=str(actor.pk))
    try:
        draft.save(force_insert=True)
    except NotUniqueError:
        # Someone started the same form on the same case a moment ago: share their draft.
        draft = cls.objects(case_id=case.pk, form_key=form_key, status="draft").first()
        if draft is None:
            raise Conflict("The draft changed while it was being started: try again") from None
    return draft


def answer_problems(submission, answers: dict, *, today, partial: bool) -> list[FieldProblem]:
    """Return the problems with cleaned answers, worded in the reader's language with the form's labels in it."""
    language = active_language()
    form = form_for(submission, language)
    return form.validate(answers, today=today, partial=partial, language=language)


def _page_fields(form, page_key: str):
    page = next((p for p in form.pages if p.key == page_key), None)
    if page is None:
        raise NotFound(_("The form has no page called %(page)s", page=page_key))
    return page.fields


def on_page(problems: list[FieldProblem], names: set[str]) -> list[FieldProblem]:
    """Return the problems that belong to the fields named."""
    return [p for p in problems if p.field.split(".", 1)[0] in names]


@transactional
def save_draft(submission, answers: dict, *, revision: int, page: str | None = None, actor, now: datetime,
               check_page: bool = False):
    """Save answers into the draft even when some are wrong; return (submission, problems).

    With `page`, the page's answers replace what the draft held for that page's fields (an emptied input
    clears its answer); without it, the answers are merged over the draft's. A stale `revision` raises
    Conflict carrying the stored answers: someone saved in between and nothing is overwritten silently.
    `check_page` also reports the page's missing answers ("Save and continue").
    """
    case = case_for_forms(submission.case_id, actor, change=True)
    _require_change(case, actor, pinned_form(submission))
    if submission.status != "draft":
        raise Conflict("This form has already been submitted and can no longer be changed")
    form = form_for(submission)
    merged = dict(submission.answers or {})
    names: set[str] = set()
    if page is not None:
        names = {f.name for f in _page_fields(form, page)}
        merged = {k: v for k, v in merged.items() if k not in names}
    merged.update(answers or {})
    cleaned = form.clean(merged)
    today = local_today(now)
    problems = answer_problems(submission, cleaned, today=today, partial=not (check_page and page is not None))
    if page is not None:
        problems = on_page(problems, names)
    update = {"set__answers": cleaned, "set__computed": form.compute(cleaned), "set__updated_at": now,
              "set__updated_by": str(actor.pk), "inc__revision": 1, "set__language": active_language()}
    if page is not None:
        update["add_to_set__visited_pages"] = page
    _conditional_update(submission, revision, update)
    submission.reload()
    return submission, problems


def _conditional_update(submission, revision: int, update: dict) -> None:
    """Apply an update only if nobody saved since `revision`; raise Conflict otherwise."""
    cls = type(submission)
    if cls.objects(pk=submission.pk, status="draft", revision=revision).update_one(**update):
        return
    current = cls.objects(pk=submission.pk).first()
    if current is None:
        raise NotFound(_("There is no such form"))
    if current.status != "draft":
        raise Conflict("This form has already been submitted and can no longer be changed",
                       current=dict(current.answers or {}))
    raise Conflict("This form was changed by someone else since you opened it", current=dict(current.answers or {}))


@transactional
def submit_submission(submission, *, revision: int, actor, now: datetime):
    """Check every answer and submit the form; on problems raise InvalidInput and keep the draft as it was."""
    case = case_for_forms(submission.case_id, actor, change=True)
    _require_change(case, actor, pinned_form(submission))
    if submission.status != "draft":
        raise Conflict("This form has already been submitted")
    if submission.revision != revision:
        # What would be checked is not what the person saw: let them look again first.
        raise Conflict("This form was changed by someone else since you opened it",
                       current=dict(submission.answers or {}))
    form = form_for(submission)
    cleaned = form.clean(dict(submission.answers or {}))
    problems = answer_problems(submission, cleaned, today=local_today(now), partial=False)
    if problems:
        raise InvalidInput("Some answers need correcting before the form can be submitted", problems=problems)
    _conditional_update(submission, revision, {
        "set__status": "submitted", "set__answers": cleaned, "set__computed": form.compute(cleaned),
        "set__countersign_required": bool(form.countersign), "set__submitted_at": now,
        "set__submitted_by": str(actor.pk), "set__updated_at": now, "set__updated_by": str(actor.pk),
        "inc__revision": 1, "set__language": active_language(),
    })
    submission.reload()
    case_hooks.form_submitted(case, submission, actor=actor, now=now)
    return submission


def countersign_refusal(submission, case, actor) -> str | None:
    """Return why the actor may not countersign the submission, or None when they may."""
    if not (actor.has_role("manager") and case.team == actor.team):
        return _("Only a manager of the case's team can countersign")
    if submission.classification == "confidential" and not can_read_confidential(actor, case):
        return _("You cannot see confidential records on this case")
    if submission.submitted_by == str(actor.pk):
        return _("Someone other than the person who submitted the form must countersign it")
    return None


def may_countersign(submission, case, actor) -> bool:
    """Check whether the form waits for a countersignature the actor may give (the view offers the button)."""
    return submission.awaiting_countersignature and countersign_refusal(submission, case, actor) is None


@transactional
def countersign_submission(submission, *, actor, now: datetime, comment: str = ""):
    """Countersign a submitted form as a manager of the case's team (never one's own submission)."""
    case = case_for_actor(submission.case_id, actor)
    refusal = countersign_refusal(submission, case, actor)
    if refusal:
        raise NotAllowed(refusal)
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise InvalidInput(problems=[FieldProblem("comment", _("The comment must be 5,000 characters or fewer"))])
    changed = type(submission).objects(pk=submission.pk, status="submitted", countersign_required=True).update_one(
        set__status="countersigned", set__countersigned_at=now, set__countersigned_by=str(actor.pk),
        set__countersign_comment=comment, inc__revision=1,
    )
    if not changed:
        raise Conflict(_("This form is not waiting for a countersignature"))
    submission.reload()
    record_audit("submission.countersigned", actor=actor, now=now, target_type="submission",
                 target_id=submission.pk, details={"case": str(case.pk), "form": submission.form_key})
    case_hooks.form_countersigned(case, submission, actor=actor, now=now)
    return submission
