"""The team manager's pages: referral inbox, triage, allocation, waiting list and team overview."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.access import client_address, current_actor, roles_required
from blueprints.step_form import posted_inputs, typed_values
from clock import utcnow
from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from services.audit.oversight import record_case_read
from services.cases import steps
from services.triage import lists, team_overview, views

bp = Blueprint("manager", __name__, url_prefix="/manager")



def _choose_message(allocation: dict) -> str:
    """Return the error for an allocation sent without a choice, naming only the choices the page offers."""
    can_wait = allocation["waiting"] is not None and allocation["waiting"].allowed
    if can_wait and allocation["step"] is not None:
        return _("Choose who to allocate the case to, or put it on the waiting list")
    if can_wait:
        return _("Choose to put the case on the waiting list")
    return _("Choose who to allocate the case to")


@bp.get("/referrals")
@roles_required("manager")
def inbox():
    """List the team's new referrals a page at a time: urgent and oldest first, filtered by stage."""
    found = lists.list_inbox(actor=current_actor(), now=utcnow(), state=request.args.get("stage", ""),
                             page=request.args.get("page", 1))
    return render_template("manager/inbox.html", **found)


@bp.get("/waiting-list")
@roles_required("manager")
def waiting_list():
    """List the team's waiting list a page at a time, in priority order with each case's waiting time."""
    found = lists.list_waiting_list(actor=current_actor(), now=utcnow(), priority=request.args.get("priority", ""),
                                    page=request.args.get("page", 1))
    return render_template("manager/waiting_list.html", result=found, **found)


@bp.get("/team")
@roles_required("manager")
def team():
    """Show caseloads against capacity, a page of overdue deadlines and forms waiting for countersignature."""
    overview = team_overview.get_team_overview(actor=current_actor(), now=utcnow(), page=request.args.get("page", 1))
    return render_template("manager/team.html", **overview)


@bp.get("/referrals/<case_id>")
@roles_required("manager")
def referral(case_id):
    """Show one referral with its screening outcome and the decisions the manager can take."""
    review = views.get_referral_review(case_id, actor=current_actor(), now=utcnow())
    # The referral is the case as referred: read as the case page reads it, on the record before it is shown.
    record_case_read(review["case"], actor=current_actor(), now=utcnow(), what=request.endpoint or "",
                     client_address=client_address())
    return render_template("manager/referral.html", show=request.args.get("show", ""), **review)


def _after(case, message: str, *, from_waiting_list: bool = False):
    """Return where to go after a step: back to the list the referral has left, else the referral."""
    flash(message, "success")
    if from_waiting_list:
        return redirect(url_for("manager.waiting_list"))
    if case.status == "closed" or case.allocated_to or case.on_waiting_list:
        return redirect(url_for("manager.inbox"))
    return redirect(url_for("manager.referral", case_id=case.pk))


@bp.route("/referrals/<case_id>/<any(transition, event):kind>/<name>", methods=["GET", "POST"])
@roles_required("manager")
def action(case_id, kind, name):
    """Confirm a step (accept, decline with a reason, mark urgent...), asking for its inputs, and take it."""
    actor = current_actor()
    case = views.get_team_case(case_id, actor=actor)
    try:
        option = views.get_action(case, kind, name, actor=actor)
    except NotFound:
        # Typically a second press after the referral has moved on: say so rather than "page not found".
        flash(_("That action is no longer available on this referral. Check where it is now."), "info")
        return redirect(url_for("manager.referral", case_id=case.pk))
    if any(spec.kind == "user" for spec in option.inputs):
        return redirect(url_for("manager.allocate", case_id=case.pk))
    if not option.allowed:
        flash(" ".join(option.reasons), "info")
        return redirect(url_for("manager.referral", case_id=case.pk))
    context = {"case": case, "option": option, "kind": kind}
    if request.method == "GET":
        return render_template("manager/action.html", values={}, problems=[], **context)
    try:
        case = steps.take_step(case, name, posted_inputs(option.inputs, request.form), event=kind == "event",
                               actor=actor, now=utcnow(), option=option)
    except InvalidInput as exc:
        return render_template("manager/action.html", values=typed_values(request.form), problems=exc.problems,
                               **context), 422
    except (Conflict, NotAllowed) as exc:
        flash(exc.message, "info")
        return redirect(url_for("manager.referral", case_id=case.pk))
    return _after(case, _("Done: %(action)s (%(reference)s)", action=option.label, reference=case.reference))


def _other_problems(found: dict) -> list[FieldProblem]:
    """Return what is wrong with the allocating step's other inputs, so that one round names every problem."""
    step = found["step"]
    if step is None or not step.allowed:
        return []
    try:
        steps.check_inputs(found["case"], step, {**posted_inputs(step.inputs, request.form), found["input"].name: ""},
                           now=utcnow())
    except InvalidInput as exc:
        return [p for p in exc.problems if p.field != found["input"].name]
    return []


@bp.route("/referrals/<case_id>/allocate", methods=["GET", "POST"])
@roles_required("manager")
def allocate(case_id):
    """Allocate the case to a practitioner, shown with their caseload and risk mix, or put it on the waiting list."""
    actor = current_actor()
    found = views.get_allocation(case_id, actor=actor)
    case, step, waiting = found["case"], found["step"], found["waiting"]
    if step is None and waiting is None:
        flash(_("This case cannot be allocated at this stage"), "info")
        return redirect(url_for("manager.referral", case_id=case.pk))
    if request.method == "GET":
        return render_template("manager/allocate.html", chosen="", problems=[], values={}, **found)
    chosen, values = request.form.get("assignee", ""), typed_values(request.form)
    now, was_waiting = utcnow(), case.on_waiting_list
    try:
        if chosen == "waiting_list" and waiting is not None:
            case = steps.take_step(case, waiting.name, {}, actor=actor, now=now)
            message = _("%(reference)s is on the waiting list", reference=case.reference)
        elif chosen and chosen != "waiting_list" and step is not None:
            # The step's other inputs too (a community programme's start date), asked beside the choice.
            inputs = {**posted_inputs(step.inputs, request.form), found["input"].name: chosen}
            case = steps.take_step(case, step.name, inputs, actor=actor, now=now)
            message = _("%(reference)s is allocated to %(name)s", reference=case.reference,
                        name=views.get_user_name(case.allocated_to))
        else:
            raise InvalidInput(problems=[FieldProblem("assignee", _choose_message(found)), *_other_problems(found)])
    except (InvalidInput, NotAllowed, Conflict) as exc:
        # A problem with one of the step's other inputs is said at that input; whatever else stopped it (no choice,
        # nobody with space, someone else was quicker) is said at the choice.
        others = {s.name for s in step.inputs if s.kind != "user"} if step is not None else set()
        problems = [p for p in exc.problems if p.field in others]
        at_choice = [FieldProblem("assignee", p.message) for p in exc.problems if p.field not in others]
        if not problems and not at_choice:
            at_choice = [FieldProblem("assignee", exc.message)]
        status = 409 if isinstance(exc, Conflict) else 422
        return render_template("manager/allocate.html", chosen=chosen, problems=at_choice[:1] + problems,
                               values=values, **found), status
    return _after(case, message, from_waiting_list=was_waiting)
