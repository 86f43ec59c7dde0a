"""The practitioner's pages: case lists and search, the case page, its actions, sessions and history."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from blueprints.access import client_address, current_actor, roles_required
from clock import utcnow
from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from forms.parse import compose_date
from models.user import User
from services import case_lists, case_pages
from services import cases as case_service
from services import sessions as session_service
from services.access import CASE_ROLES, can_change_case, case_for_actor
from services.audit import record_audit
from services.case_facts import state_of
from services.intake import openable_pathways
from services.oversight import record_confidential_read
from services.workflow_store import definition_for
from workflows.inputs import clean_inputs

bp = Blueprint("cases", __name__, url_prefix="/cases")

LIST_ROLES = ("manager", "practitioner", "auditor")



def _practitioner_only(user) -> bool:
    return user.has_role("practitioner") and not user.has_role("manager", "auditor")


@bp.get("")
@roles_required(*LIST_ROLES)
def my_cases():
    """List the cases the user works (practitioners) or may see (managers, auditors); search among them."""
    user, now = current_actor(), utcnow()
    args = {k: request.args.get(k, "") for k in ("scope", "status", "state", "risk", "sort", "dir", "q", "page")}
    team_read = bool(current_app.config.get("PRACTITIONERS_READ_TEAM_CASES", True))
    if _practitioner_only(user):
        args["scope"] = args["scope"] if args["scope"] == "team" and team_read else "mine"
    else:
        args["scope"] = "all"
    query = args["q"].strip()
    if query:
        result = {**case_lists.search_cases(actor=user, now=now, query=query, page=args["page"]), "states": [],
                  "sort": "", "direction": "asc", "scope": args["scope"]}
    else:
        result = case_lists.list_cases(actor=user, now=now, scope=args["scope"], status=args["status"] or "open",
                                       state=args["state"], risk=args["risk"], sort=args["sort"] or "deadline",
                                       direction=args["dir"] or "asc", page=args["page"])
    heading = {"mine": "My cases", "team": "Team cases"}.get(args["scope"], "Cases")
    return render_template("cases/list.html", heading=heading, args=args, result=result, query=query,
                           team_read=team_read and _practitioner_only(user), now=now,
                           risk_tags=case_pages.RISK_TAGS, can_open=bool(openable_pathways(user)))


def _case(case_id, user, *, change: bool = False):
    """Return a case the user may open on these pages; referrers and administrators never open a case page."""
    if not user.has_role(*CASE_ROLES):
        raise NotFound("There is no such case")
    case = case_for_actor(case_id, user, change=change)
    if case.kind == "partner" and request.method == "GET":
        # Everything on a partner record is victim information: each page of it read is audited.
        record_confidential_read(case, actor=user, now=utcnow(), what=request.endpoint or "",
                                 client_address=client_address())
    elif request.method == "GET":
        # Every read of a case is on the record, so its managers can see who has looked at it.
        record_audit("case.read", actor=user, now=utcnow(), target_type="case", target_id=case.pk,
                     client_address=client_address(), details={"what": request.endpoint or ""})
    return case


def _context(case, user, tab: str) -> dict:
    """Return what every page of a case shows at the top."""
    return {"case": case, "state": state_of(case), "tab": tab, "defn": definition_for(case),
            "may_change": can_change_case(user, case) and case.status == "open",
            "risk": case_pages.RISK_TAGS.get(case.risk_level)}


@bp.get("/<case_id>")
@login_required
def case_page(case_id):
    """Show a case: summary, actions, forms for this stage, deadlines, sessions, partner support and history."""
    user = current_actor()
    case = _case(case_id, user)
    if case.kind == "partner":
        return redirect(url_for("partner.case_page", case_id=case.pk))
    overview = case_pages.case_overview(case, actor=user, now=utcnow())
    return render_template("cases/case.html", **{**_context(case, user, "overview"), **overview},
                           session_types=session_service.session_types_for(case),
                           attendance=session_service.ATTENDANCE_LABELS)


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
                           counts=case_service.session_counts(case),
                           session_types=session_service.session_types_for(case),
                           attendance=session_service.ATTENDANCE_LABELS, flags=session_service.FLAGS)


@bp.route("/<case_id>/sessions/new", methods=["GET", "POST"])
@login_required
def record_session(case_id):
    """Record a session and its attendance."""
    user = current_actor()
    case = _case(case_id, user, change=True)
    if case.status != "open":
        raise NotAllowed("Sessions can only be recorded on an open case")
    context = {**_context(case, user, "sessions"), "session_types": session_service.session_types_for(case),
               "attendance": session_service.ATTENDANCE_LABELS, "flags": session_service.FLAGS,
               "hints": session_service.session_hints(case)}
    if request.method == "GET":
        return render_template("cases/record_session.html", values={"flags": []}, problems=[], **context)
    values = {k: request.form.get(k, "") for k in ("session_type", "number", "attendance", "catch_up", "notes")}
    values.update({f"date-{p}": request.form.get(f"date-{p}", "").strip() for p in ("day", "month", "year")})
    values["flags"] = request.form.getlist("flags")
    parts = [values[f"date-{p}"] for p in ("day", "month", "year")]
    data = {**values, "date": compose_date(*parts) if any(parts) else ""}
    try:
        session_service.record_session(case, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return render_template("cases/record_session.html", values=values, problems=exc.problems,
                               error_count=len(exc.problems), **context), 422
    flash("The session has been recorded", "success")
    return redirect(url_for("cases.sessions", case_id=case.pk))


def user_choices(case, spec) -> list[dict]:
    """Return the people a `user` input may name: the team's members holding the input's role, with workload."""
    role = spec.role or ("partner_worker" if case.kind == "partner" else "practitioner")
    if role == "practitioner":
        rows = case_service.available_practitioners(case.team)
        return [{"id": str(r["user"].pk), "name": r["user"].name, "available": r["available"],
                 "hint": f"{r['open']} open case{'s' if r['open'] != 1 else ''} of {r['capacity']}"
                         + (" – at capacity" if not r["available"] else "")
                         + ("; risk: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(r["risks"].items()))
                            if r["risks"] else "")} for r in rows]
    users = User.objects(team=case.team, roles=role, active=True).order_by("name")
    return [{"id": str(u.pk), "name": u.name, "available": True, "hint": ""} for u in users]


def raw_inputs(specs, form) -> dict:
    """Return the posted inputs as the engine takes them (dates from their three parts)."""
    out = {}
    for spec in specs:
        if spec.kind == "date":
            parts = [form.get(f"{spec.name}-{p}", "").strip() for p in ("day", "month", "year")]
            out[spec.name] = compose_date(*parts) if any(parts) else ""
        elif spec.kind == "confirm":
            out[spec.name] = "yes" if form.get(spec.name) else ""
        else:
            out[spec.name] = form.get(spec.name, "")
    return out


def check_inputs(case, specs, raw: dict, choices: dict) -> None:
    """Raise InvalidInput naming every input that is missing, wrong, or names someone who cannot be chosen."""
    problems = []
    try:
        clean_inputs(specs, raw, now=utcnow())
    except InvalidInput as exc:
        problems = list(exc.problems)
    named = {p.field for p in problems}
    for spec in specs:
        value = raw.get(spec.name)
        allowed = {c["id"] for c in choices.get(spec.name, [])}
        if spec.kind == "user" and spec.name not in named and value and value not in allowed:
            problems.append(FieldProblem(spec.name, "Choose one of the people listed", spec.label))
    if problems:
        raise InvalidInput("Check the answers", problems=problems)


@bp.route("/<case_id>/<any(transitions, events):kind>/<name>", methods=["GET", "POST"])
@login_required
def action(case_id, kind, name):
    """Show an action's inputs and confirmation; take it."""
    user = current_actor()
    case = _case(case_id, user, change=True)
    if case.kind == "partner":
        # A partner record's steps also tell the linked case; 307 keeps a POST a POST.
        return redirect(url_for("partner.action", case_id=case.pk, kind=kind, name=name), code=307)
    transitions, events = case_service.transition_options(case, user)
    option = next((o for o in (transitions if kind == "transitions" else events) if o.name == name), None)
    if option is None:
        raise NotFound("This action is not available on this case")
    back = url_for("cases.case_page", case_id=case.pk)
    context = {"case": case, "option": option, "back": back, "caption": f"Case {case.reference}",
               "choices": {s.name: user_choices(case, s) for s in option.inputs if s.kind == "user"}}
    if not option.allowed:
        return render_template("cases/action.html", values={}, problems=[], **context), 403
    if request.method == "GET":
        return render_template("cases/action.html", values={}, problems=[], **context)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        raw = raw_inputs(option.inputs, request.form)
        check_inputs(case, option.inputs, raw, context["choices"])
        case_service.fire_transition(case, name, raw, actor=user, now=utcnow(), event=kind == "events")
    except InvalidInput as exc:
        return render_template("cases/action.html", values=values, problems=exc.problems,
                               error_count=len(exc.problems), **context), 422
    except (Conflict, NotAllowed) as exc:
        conflict = FieldProblem(name, exc.message)
        return render_template("cases/action.html", values=values, problems=[], refused=conflict,
                               **context), exc.status
    flash(f"Done: {option.label}", "success")
    return redirect(back)
