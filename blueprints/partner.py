"""The partner-support worker's pages: their partner cases, the contact log, confidential forms, risk updates."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from blueprints.access import client_address, current_actor, roles_required
from blueprints.step_form import posted_inputs, typed_values
from clock import utcnow
from errors import Conflict, FieldProblem, InvalidInput, NotAllowed
from forms.parse import compose_date
from models.case import Case
from services.audit.oversight import record_confidential_read
from services.audit.trail import record_audit
from services.cases import lists as case_lists
from services.cases import pages as case_pages
from services.cases import steps
from services.cases import transitions as case_service
from services.cases.access import can_change_case
from services.cases.facts import state_of
from services.common.language import active_language
from services.deadlines.lists import list_deadlines
from services.partner import linked
from services.partner import records as service
from services.partner.words import CONTACT_METHOD_TEXT, CONTACT_OUTCOME_TEXT

bp = Blueprint("partner", __name__, url_prefix="/partner")

ROLES = ("partner_worker", "manager")
def _date_from(form, name: str) -> str:
    parts = [form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")]
    return compose_date(*parts) if any(parts) else ""


@bp.get("")
@roles_required(*ROLES)
def my_cases():
    """List the partner cases the user works (or, for managers, the team's)."""
    status = request.args.get("status", "open")
    status = status if status in ("open", "closed", "all") else "open"
    result = case_lists.list_partner_cases(actor=current_actor(), status=status, page=request.args.get("page", 1))
    rows = result["rows"]
    # The list names partners: who saw which names is part of the record.
    record_audit("confidential.listed", actor=current_actor(), now=utcnow(), target_type="case",
                 client_address=client_address(), details={"cases": [str(r["case"].pk) for r in rows][:500]})
    return render_template("partner/list.html", rows=rows, result=result, status=status, now=utcnow())


@bp.get("/cases/<case_id>")
@login_required
def case_page(case_id):
    """Show a partner case: details, contact log, confidential forms, actions, deadlines and history."""
    user, now = current_actor(), utcnow()
    case = service.partner_case_for_actor(case_id, user)
    parent = Case.objects(pk=case.parent_case_id).first() if case.parent_case_id else None
    may_change = can_change_case(user, case) and case.status == "open"
    transitions, events = (case_service.transition_options(case, user, language=active_language()) if may_change
                           else ([], []))
    # Contacts are recorded through the contact log, which takes those steps itself.
    logged = set(service.contact_log_events(case))
    options = [(o, "transitions") for o in transitions] + [(o, "events") for o in events if o.name not in logged]
    names = case_pages.user_names([case.allocated_to, parent.allocated_to if parent else ""])
    return render_template(
        "partner/case.html", case=case, parent=parent, state=state_of(case), may_change=may_change,
        contacts=service.list_partner_contacts(case, actor=user, now=now, client_address=client_address()),
        tasks=case_pages.case_tasks(case, actor=user, every_confidential_form=True),
        allowed=[(o, k) for o, k in options if o.allowed], blocked=[(o, k) for o, k in options if not o.allowed],
        linked_events=linked.parent_events(case, actor=user), deadlines=list_deadlines(actor=user, case=case),
        parent_deadlines=linked.parent_deadlines(case), timeline=case_pages.timeline(case, actor=user),
        worker=names.get(case.allocated_to, ""), parent_practitioner=names.get(parent.allocated_to, "") if parent
        else "", workers=service.partner_workers(case.team) if user.has_role("manager") else [],
        methods=CONTACT_METHOD_TEXT, outcomes=CONTACT_OUTCOME_TEXT, now=now,
    )


@bp.route("/cases/<case_id>/contacts/new", methods=["GET", "POST"])
@login_required
def record_contact(case_id):
    """Log a contact, or an attempt at contact, with the partner."""
    user = current_actor()
    case = service.partner_case_for_actor(case_id, user, change=True)
    context = {"case": case, "methods": CONTACT_METHOD_TEXT, "outcomes": CONTACT_OUTCOME_TEXT}
    if request.method == "GET":
        return render_template("partner/record_contact.html", values={}, problems=[], **context)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    data = {**values, "date": _date_from(request.form, "date")}
    try:
        _contact, told = service.record_partner_contact(case, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return render_template("partner/record_contact.html", values=values, problems=exc.problems,
                               error_count=len(exc.problems), **context), 422
    flash(_("The contact has been logged and the linked case's deadlines updated") if told
          else _("The contact has been logged"), "success")
    return redirect(url_for("partner.case_page", case_id=case.pk))


@bp.route("/cases/<case_id>/details", methods=["GET", "POST"])
@login_required
def details(case_id):
    """Record the partner's name, date of birth and safe contact arrangements."""
    user = current_actor()
    case = service.partner_case_for_actor(case_id, user, change=True)
    born = case.person.date_of_birth
    values = {"name": case.person.name, "safe_contact": (case.fields or {}).get("safe_contact", ""),
              "date_of_birth-day": str(born.day) if born else "", "date_of_birth-month": str(born.month) if born
              else "", "date_of_birth-year": str(born.year) if born else ""}
    if request.method == "GET":
        record_confidential_read(case, actor=user, now=utcnow(), what="partner details",
                                 client_address=client_address())
        return render_template("partner/details.html", case=case, values=values, problems=[])
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        service.update_partner_details(case, {**values, "date_of_birth": _date_from(request.form, "date_of_birth")},
                                       actor=user, now=utcnow())
    except InvalidInput as exc:
        return render_template("partner/details.html", case=case, values=values, problems=exc.problems,
                               error_count=len(exc.problems)), 422
    flash(_("The partner's details have been saved"), "success")
    return redirect(url_for("partner.case_page", case_id=case.pk))


def _action_page(case, name: str, *, event: bool = False, linked: bool = False):
    """Show a step's inputs and confirmation on a partner case (its own, or one of the linked case); take it."""
    user = current_actor()
    option = steps.find_step(case, name, event=event, actor=user, linked=linked)
    back = url_for("partner.case_page", case_id=case.pk)
    context = {"case": case, "option": option, "back": back,
               "caption": _("Partner support %(reference)s", reference=case.reference),
               "choices": steps.choices_for(case, option), "confidential_banner": True}
    if not option.allowed:
        return render_template("cases/action.html", values={}, problems=[], **context), 403
    if request.method == "GET":
        return render_template("cases/action.html", values={}, problems=[], **context)
    values = typed_values(request.form)
    try:
        steps.take_step(case, name, posted_inputs(option.inputs, request.form), event=event, linked=linked,
                        actor=user, now=utcnow(), option=option, choices=context["choices"])
    except InvalidInput as exc:
        return render_template("cases/action.html", values=values, problems=exc.problems,
                               error_count=len(exc.problems), **context), 422
    except (Conflict, NotAllowed) as exc:
        return render_template("cases/action.html", values=values, problems=[],
                               refused=FieldProblem(option.name, exc.message), **context), exc.status
    flash(_("Done: %(action)s", action=option.label), "success")
    return redirect(back)


@bp.route("/cases/<case_id>/<any(transitions, events):kind>/<name>", methods=["GET", "POST"])
@login_required
def action(case_id, kind, name):
    """Take a step of the partner record (allocate, a contact, a risk update, close)."""
    case = service.partner_case_for_actor(case_id, current_actor(), change=True)
    return _action_page(case, name, event=kind == "events")


@bp.route("/cases/<case_id>/linked/<name>", methods=["GET", "POST"])
@login_required
def linked_event(case_id, name):
    """Record, from the partner case, an event of the linked case (an escalation, an incident)."""
    case = service.partner_case_for_actor(case_id, current_actor(), change=True)
    return _action_page(case, name, linked=True)


@bp.post("/cases/<case_id>/assign")
@roles_required("manager")
def assign(case_id):
    """Give the partner case to another partner-support worker of the team."""
    user = current_actor()
    case = service.partner_case_for_actor(case_id, user, change=True)
    service.assign_partner_worker(case, assignee_id=request.form.get("assignee", ""), actor=user,
                                  now=utcnow())
    flash(_("The partner-support worker has been assigned"), "success")
    return redirect(url_for("partner.case_page", case_id=case.pk))
