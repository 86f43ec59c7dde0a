"""The practitioner's pages: case lists and search, the case page, its actions, sessions and history."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from blueprints.access import client_address, current_actor, roles_required
from blueprints.language import current_language
from blueprints.sessions import reads_with_user
from blueprints.step_form import posted_inputs, typed_values
from clock import utcnow
from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from forms.parse import compose_date
from services.audit.oversight import record_case_read
from services.cases import lists as case_lists
from services.cases import pages as case_pages
from services.cases import sessions as session_service
from services.cases import steps
from services.cases.access import CASE_ROLES, can_change_case, case_for_actor
from services.cases.engine_view import session_counts
from services.cases.facts import state_of
from services.cases.intake import openable_pathways
from services.pathways.store import shown_definition

bp = Blueprint("cases", __name__, url_prefix="/cases")

LIST_ROLES = ("manager", "practitioner", "auditor")
HEADINGS = {"mine": _l("My cases"), "team": _l("Team cases")}



def _practitioner_only(user) -> bool:
    return user.has_role("practitioner") and not user.has_role("manager", "auditor")


@bp.get("")
@roles_required(*LIST_ROLES)
def my_cases():
    """List the cases the user works (practitioners) or may see (managers, auditors); search among them."""
    user, now = current_actor(), utcnow()
    args = {k: request.args.get(k, "") for k in ("scope", "status", "state", "risk", "sort", "dir", "q", "page")}
    team_read = bool(current_app.config.get("PRACTITIONERS_READ_TEAM_CASES", True))
    args["scope"] = case_lists.list_scope(user, args["scope"])
    query = args["q"].strip()
    if query:
        result = {**case_lists.search_cases(actor=user, now=now, query=query, page=args["page"]), "states": [],
                  "sort": "", "direction": "asc", "scope": args["scope"]}
    else:
        result = case_lists.list_cases(actor=user, now=now, scope=args["scope"], status=args["status"] or "open",
                                       state=args["state"], risk=args["risk"], sort=args["sort"] or "deadline",
                                       direction=args["dir"] or "asc", page=args["page"])
    heading = str(HEADINGS.get(args["scope"], _l("Cases")))
    return render_template("cases/list.html", heading=heading, args=args, result=result, query=query,
                           team_read=team_read and _practitioner_only(user), now=now,
                           risk_tags=case_pages.RISK_TAGS, can_open=bool(openable_pathways(user)))


def _case(case_id, user, *, change: bool = False):
    """Return a case the user may open on these pages; referrers and administrators never open a case page."""
    _may_open_cases(user)
    return _audited(case_for_actor(case_id, user, change=change), user)


def _may_open_cases(user) -> None:
    if not user.has_role(*CASE_ROLES):
        raise NotFound(_("There is no such case"))


def _audited(case, user):
    if request.method == "GET":
        # Every read of a case is on the record, so its managers can see who has looked at it.
        record_case_read(case, actor=user, now=utcnow(), what=request.endpoint or "", client_address=client_address())
    return case


def _context(case, user, tab: str) -> dict:
    """Return what every page of a case shows at the top."""
    return {"case": case, "state": state_of(case), "tab": tab, "defn": shown_definition(case),
            "may_change": can_change_case(user, case) and case.status == "open",
            "risk": case_pages.RISK_TAGS.get(case.risk_level)}


@reads_with_user("cases.case_page")
def _case_page_read(user_id: str, values: dict):
    return case_pages.read_page_with_user(user_id, str(values.get("case_id", "")))


@bp.get("/<case_id>")
@login_required
def case_page(case_id):
    """Show a case: summary, actions, forms for this stage, deadlines, sessions, partner support and history."""
    user = current_actor()
    _may_open_cases(user)
    case, records = case_pages.open_case_page(case_id, user, read=g.pop("page_read", None))
    _audited(case, user)
    if case.kind == "partner":
        return redirect(url_for("partner.case_page", case_id=case.pk))
    overview = case_pages.case_overview(case, actor=user, now=utcnow(), records=records)
    return render_template("cases/case.html", **{**_context(case, user, "overview"), **overview},
                           session_types=session_service.session_types_for(case, current_language()),
                           attendance=session_service.ATTENDANCE_TEXT)


@bp.get("/<case_id>/history")
@login_required
def history(case_id):
    """Show the case's whole history as a timeline."""
    user = current_actor()
    case = _case(case_id, user)
    return render_template("cases/history.html", **_context(case, user, "history"),
                           timeline=case_pages.timeline(case, actor=user))


@bp.get("/<case_id>/sessions")
@login_required
def sessions(case_id):
    """Show every session recorded on the case with its attendance."""
    user = current_actor()
    case = _case(case_id, user)
    return render_template("cases/sessions.html", **_context(case, user, "sessions"),
                           sessions=list(reversed(session_service.list_sessions(case))),
                           counts=session_counts(case),
                           session_types=session_service.session_types_for(case, current_language()),
                           attendance=session_service.ATTENDANCE_TEXT, flags=session_service.FLAGS)


@bp.route("/<case_id>/sessions/new", methods=["GET", "POST"])
@login_required
def record_session(case_id):
    """Record a session and its attendance."""
    user = current_actor()
    case = _case(case_id, user, change=True)
    if case.status != "open":
        raise NotAllowed(_("Sessions can only be recorded on an open case"))
    context = {**_context(case, user, "sessions"),
               "session_types": session_service.session_types_for(case, current_language()),
               "attendance": session_service.ATTENDANCE_TEXT, "flags": session_service.FLAGS,
               "hints": session_service.session_hints(case)}
    if request.method == "GET":
        return render_template("cases/record_session.html", values={"flags": []}, problems=[], **context)
    values = {k: request.form.get(k, "") for k in ("session_type", "number", "attendance", "catch_up", "notes",
                                                  "again")}
    values.update({f"date-{p}": request.form.get(f"date-{p}", "").strip() for p in ("day", "month", "year")})
    values["flags"] = request.form.getlist("flags")
    parts = [values[f"date-{p}"] for p in ("day", "month", "year")]
    data = {**values, "date": compose_date(*parts) if any(parts) else ""}
    try:
        session_service.record_session(case, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return render_template("cases/record_session.html", values=values, problems=exc.problems,
                               error_count=len(exc.problems), **context), 422
    flash(_("The session has been recorded"), "success")
    return redirect(url_for("cases.sessions", case_id=case.pk))


@bp.route("/<case_id>/<any(transitions, events):kind>/<name>", methods=["GET", "POST"])
@login_required
def action(case_id, kind, name):
    """Show an action's inputs and confirmation; take it."""
    user = current_actor()
    case = _case(case_id, user, change=True)
    if case.kind == "partner":
        # A partner record's steps also tell the linked case; 307 keeps a POST a POST.
        return redirect(url_for("partner.action", case_id=case.pk, kind=kind, name=name), code=307)
    option = steps.find_step(case, name, event=kind == "events", actor=user)
    back = url_for("cases.case_page", case_id=case.pk)
    context = {"case": case, "option": option, "back": back,
               "caption": _("Case %(reference)s", reference=case.reference),
               "choices": steps.choices_for(case, option)}
    if not option.allowed:
        return render_template("cases/action.html", values={}, problems=[], **context), 403
    if request.method == "GET":
        return render_template("cases/action.html", values={}, problems=[], **context)
    values = typed_values(request.form)
    try:
        steps.take_step(case, name, posted_inputs(option.inputs, request.form), event=kind == "events",
                        actor=user, now=utcnow(), option=option, choices=context["choices"])
    except InvalidInput as exc:
        return render_template("cases/action.html", values=values, problems=exc.problems,
                               error_count=len(exc.problems), **context), 422
    except (Conflict, NotAllowed) as exc:
        conflict = FieldProblem(name, exc.message)
        return render_template("cases/action.html", values=values, problems=[], refused=conflict,
                               **context), exc.status
    flash(_("Done: %(action)s", action=option.label), "success")
    return redirect(back)
