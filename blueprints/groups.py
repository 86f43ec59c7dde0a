"""Group pages: groups and their schedules, intakes, members, the register, My groups, partner contacts, reports."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from blueprints.access import current_actor, roles_required
from clock import utcnow
from errors import Conflict, InvalidInput
from forms.parse import compose_date
from models.case import Case
from services.common.files import readable
from services.common.language import format_date
from services.deadlines.timing import local_today
from services.groups import members, moves, views
from services.groups import register as register_service
from services.groups import schedules as group_service
from services.groups.ical import group_calendar
from services.groups.register_clash import merge_after_clash, opened_with, register_fields
from services.groups.reports import team_group_reports

bp = Blueprint("groups", __name__, url_prefix="/groups")
READERS = ("manager", "practitioner", "auditor")
RUNNERS = ("manager", "practitioner")


def _form(*dates: str) -> tuple[dict, dict]:
    """Return (the data to give the service, the values as typed), composing day/month/year inputs."""
    typed = {k: v for k, v in request.form.items() if k != "csrf_token"}
    data = dict(typed)
    for name in dates:
        parts = [request.form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year")]
        data[name] = compose_date(*parts) if any(parts) else ""
    return data, typed


def _page(template: str, status: int = 200, **context):
    context.setdefault("problems", [])
    context.setdefault("values", {})
    return render_template(f"groups/{template}", **context), status


@bp.app_template_filter("programme_name")
def programme_name(group) -> str:
    """Return the name of the programme a group runs, in the reader's language."""
    return group_service.programme_name(group)


@bp.get("")
@roles_required(*READERS)
def index():
    """List the team's groups."""
    return render_template("groups/list.html", **views.list_groups(actor=current_actor(), now=utcnow()))


@bp.route("/new", methods=["GET", "POST"])
@roles_required("manager")
def new():
    """Create a group: programme, name, venue, day and time, first session, two facilitators."""
    user = current_actor()
    context = {"programmes": group_service.group_programmes(), "programme_choices": views.programme_choices(),
               "people": views.facilitator_choices(user.team),
               "weekdays": group_service.MEETING_DAYS}
    if request.method == "GET":
        return _page("new.html", **context)
    data, typed = _form("start_date")
    try:
        group = group_service.create_group(data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("new.html", 422, values=typed, problems=exc.problems, **context)
    flash(_("%(group)s has been created with its schedule", group=group.name), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


@bp.get("/<group_id>")
@roles_required(*READERS)
def show(group_id):
    """Show one group: its schedule, members and the next intakes."""
    user = current_actor()
    group = group_service.group_for(group_id, user)
    return render_template("groups/group.html", **views.get_group_page(group, actor=user, now=utcnow()))


@bp.route("/<group_id>/intake", methods=["GET", "POST"])
@roles_required("manager")
def intake(group_id):
    """Let men from the waiting list join at an intake, urgent then longest waiting first."""
    user = current_actor()
    group = group_service.group_for(group_id, user, manage=True)
    context = views.get_group_page(group, actor=user, now=utcnow())
    if request.method == "GET":
        chosen = request.args.get("session_id") or (str(context["intakes"][0]["session"].pk)
                                                    if context["intakes"] else "")
        return _page("intake.html", values={"session_id": chosen}, chosen=[], **context)
    case_ids = request.form.getlist("case_ids")
    try:
        added = members.add_members(group, request.form.get("session_id", ""), case_ids, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("intake.html", 422, values=dict(request.form), chosen=case_ids, problems=exc.problems,
                     **context)
    flash(_("%(count)s joined %(group)s", count=len(added), group=group.name), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


@bp.route("/<group_id>/members/<member_id>/leave", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def leave(group_id, member_id):
    """Record that a man has left the group, with the week and the reason."""
    user = current_actor()
    group = group_service.group_for(group_id, user, run=True)
    member = members.get_member(group, member_id)
    context = {"group": group, "member": member, "case": _case(member),
               "week": members.current_week(group, member, group_service.local_today(utcnow()))}
    if request.method == "GET":
        return _page("leave.html", **context)
    data, typed = _form()
    try:
        members.leave_group(group, member_id, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("leave.html", 422, values=typed, problems=exc.problems, **context)
    flash(_("%(reference)s has left the group", reference=context["case"].reference), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


def _case(member):
    return Case.objects(pk=member.case_id).first()


@bp.route("/<group_id>/members/<member_id>/move", methods=["GET", "POST"])
@roles_required("manager")
def move(group_id, member_id):
    """Move a man to another group of the same programme."""
    user = current_actor()
    group = group_service.group_for(group_id, user, manage=True)
    member = members.get_member(group, member_id)
    context = {**views.get_group_page(group, actor=user, now=utcnow()), "member": member, "case": _case(member)}
    if request.method == "GET":
        return _page("move.html", **context)
    data, typed = _form()
    choice = data.get("choice", "")
    data["group_id"], _, data["session_id"] = choice.partition(":")
    try:
        moved = members.move_member(group, member_id, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("move.html", 422, values=typed, problems=exc.problems, **context)
    flash(_("%(reference)s has moved group", reference=context["case"].reference), "success")
    return redirect(url_for("groups.show", group_id=moved.group_id))


@bp.route("/<group_id>/rejoin/<case_id>", methods=["GET", "POST"])
@roles_required("manager")
def rejoin(group_id, case_id):
    """Let a man who left come back at an intake."""
    user = current_actor()
    group = group_service.group_for(group_id, user, manage=True)
    _left, man = members.rejoiner(group, case_id)  # a man who has not left (or a made-up id) is a 404 at once
    context = {**views.get_group_page(group, actor=user, now=utcnow()), "case_id": case_id, "man": man}
    if request.method == "GET":
        return _page("rejoin.html", **context)
    data, typed = _form()
    try:
        members.rejoin_group(group, case_id, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("rejoin.html", 422, values=typed, problems=exc.problems, **context)
    flash(_("He has re-joined the group"), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


@bp.route("/<group_id>/sessions/<session_id>/move", methods=["GET", "POST"])
@roles_required("manager")
def move_session(group_id, session_id):
    """Move one session to another working day."""
    user = current_actor()
    group = group_service.group_for(group_id, user, manage=True)
    context = {"group": group, "session": register_service.get_session(group, session_id)}
    if request.method == "GET":
        return _page("move_session.html", **context)
    data, typed = _form("date")
    try:
        moves.move_session(group, session_id, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("move_session.html", 422, values=typed, problems=exc.problems, **context)
    flash(_("Session %(number)s has moved", number=context["session"].number), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


@bp.route("/<group_id>/sessions/<session_id>/register", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def register(group_id, session_id):
    """Keep the register of one session: every member's attendance and a note, saved at once."""
    user = current_actor()
    group = group_service.group_for(group_id, user, run=True)
    context = register_service.get_register(group, session_id, actor=user)
    held_on = context["session"].date
    if request.method == "GET" and held_on > local_today(utcnow()):
        # Nothing can be recorded before the session is held: the group's page, which says when it is.
        flash(_("Session %(number)s is on %(date)s: its register opens on the day", number=context["session"].number,
                date=format_date(held_on)), "info")
        return redirect(url_for("groups.show", group_id=group.pk))
    if request.method == "GET":
        opened = register_fields(context)
        return _page("register.html", values={**opened, "revision": context["session"].revision}, opened=opened,
                     **context)
    data, typed = _form()
    try:
        saved = register_service.save_register(group, session_id, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("register.html", 422, values=typed, problems=exc.problems,
                     opened=opened_with(typed.get("opened")), **context)
    except Conflict as exc:
        # Their changes are taken into the page, what was changed here stays on top, and the fields both changed
        # show what they saved beside them; saving again is a save of this page against what is saved now.
        context = register_service.get_register(group, session_id, actor=user)
        now_saved = register_fields(context)
        values, clashes = merge_after_clash(opened_with(typed.get("opened")), typed, now_saved)
        return _page("register.html", 409, values={**values, "revision": context["session"].revision},
                     opened=now_saved, clashes=clashes, saved=now_saved, conflict=exc.message, **context)
    done = saved["recorded"] + saved["corrected"]
    flash(ngettext("The register has been saved: %(num)s case updated",
                   "The register has been saved: %(num)s cases updated", done)
          if done else _("The register has been saved; nothing had changed"), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


@bp.route("/<group_id>/members/<member_id>/catch-up", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def catch_up(group_id, member_id):
    """Offer a catch-up session for a session he missed."""
    user = current_actor()
    group = group_service.group_for(group_id, user, run=True)
    member = members.get_member(group, member_id)
    context = {"group": group, "member": member, "case": _case(member),
               "missed": register_service.missed_sessions(group, member),
               "used": register_service.catch_ups_used(member.case_id), "spec": group_service.spec_of(group)}
    if request.method == "GET":
        return _page("catch_up.html", **context)
    data, typed = _form("date")
    try:
        register_service.offer_catch_up(group, member_id, data, actor=user, now=utcnow())
    except InvalidInput as exc:
        return _page("catch_up.html", 422, values=typed, problems=exc.problems, **context)
    flash(_("The catch-up session has been added to the schedule"), "success")
    return redirect(url_for("groups.show", group_id=group.pk))


@bp.get("/<group_id>/calendar.ics")
@roles_required(*READERS)
def calendar(group_id):
    """Download the group's schedule as an iCalendar file."""
    group = group_service.group_for(group_id, current_actor())
    text = group_calendar(group, now=utcnow(), host=request.host.split(":")[0] or "pathway")
    response = Response(text, mimetype="text/calendar")
    # Named by the group, as its manager reads it (werkzeug writes a name in any script as RFC 6266 asks).
    response.headers.set("Content-Disposition", "attachment", filename=f"{readable(group.name, 'group')} sessions.ics")
    return response


@bp.get("/mine")
@roles_required("practitioner")
def mine():
    """Show a facilitator's groups: next sessions, registers to save, catch-ups due, absences."""
    return render_template("groups/mine.html", **views.my_groups(actor=current_actor(), now=utcnow()))


@bp.get("/partner-contacts")
@roles_required("partner_worker")
def partner_contacts():
    """Show the partner contacts due for the men in the team's groups."""
    return render_template("groups/partner_contacts.html", now=utcnow(),
                           **views.partner_contacts(actor=current_actor(), now=utcnow()))


@bp.get("/reports")
@roles_required("manager", "auditor")
def reports():
    """Show attendance, completion, drop-out weeks and waits per group and per cohort."""
    return render_template("groups/reports.html", reports=team_group_reports(current_actor().team),
                           today=group_service.local_today(utcnow()))
