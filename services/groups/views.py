"""What the group pages read: the team's groups, one group, a facilitator's groups, partner contacts due."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from models.case import Case, CaseEvent
from models.deadline import Deadline
from models.group import Group, GroupMember, GroupSession
from models.user import User
from scheduler.group_schedule import last_number
from scheduler.holiday_names import holiday_text
from services.cases.engine_view import session_counts
from services.common.language import active_language
from services.deadlines.lists import labels_in
from services.groups.intake import free_places, intake_plan, upcoming_intakes
from services.groups.members import current_week
from services.groups.register import catch_ups_used, missed_sessions
from services.groups.schedules import (
    MEETS,
    WEEKDAYS,
    can_manage,
    can_run,
    group_programmes,
    local_today,
    pairing_warning,
    programme_sessions,
    skipped_weeks,
    spec_of,
    team_calendar,
)
from services.pathways.store import definition_for, latest_definitions
from workflows.programme import programme_spec


def _meets(group: Group) -> str:
    """Return when a group meets, as "Mondays at 18:30" in the page's language."""
    return str(MEETS[group.weekday]) % {"time": group.start_time}


def _names(ids) -> dict[str, User]:
    return {str(u.pk): u for u in User.objects(pk__in=[i for i in ids if i]).only("name", "sex")}


def _next_session(group: Group, today) -> GroupSession | None:
    return GroupSession.objects(group_id=group.pk, date__gte=today).order_by("date", "start_time").first()


def list_groups(*, actor, now: datetime) -> dict:
    """Return the team's groups (a facilitator also sees the groups they run) with size and next session."""
    query = {"team": actor.team} if actor.has_role("manager", "practitioner", "auditor") else \
        {"facilitator_ids": str(actor.pk)}
    rows = []
    programmes = group_programmes()
    calendars: dict = {}
    for group in Group.objects(**query).order_by("status", "name"):
        spec = spec_of(group)
        upcoming = _next_session(group, local_today(now))
        if upcoming is not None and group.team not in calendars:
            calendars[group.team] = team_calendar(group.team)
        rows.append({"group": group, "spec": spec, "day": WEEKDAYS[group.weekday], "meets": _meets(group),
                     "pathway": programmes.get(group.workflow_key, (group.workflow_key,))[0],
                     "members": GroupMember.objects(group_id=group.pk, status="active").count(),
                     "next": upcoming,
                     # A closure or bank holiday added after the schedule was made: the session must be moved.
                     "next_closed": upcoming is not None and not calendars[group.team].is_working_day(upcoming.date)})
    return {"rows": rows, "can_create": actor.has_role("manager") and bool(programmes),
            "programmes": programmes}


def facilitator_choices(team: str) -> list[User]:
    """Return the team's practitioners who may facilitate a group."""
    return list(User.objects(team=team, roles="practitioner", active=True).order_by("name"))


def _member_rows(group: Group, members, today) -> list[dict]:
    spec = spec_of(group)
    cases = {c.pk: c for c in Case.objects(pk__in=[m.case_id for m in members])}
    rows = []
    for m in members:
        rows.append({"member": m, "case": cases.get(m.case_id), "week": current_week(group, m, today),
                     "last": last_number(m.join_number, spec.sessions, m.first_week)})
    return rows


def get_group_page(group: Group, *, actor, now: datetime) -> dict:
    """Return one group: programme, facilitators, schedule, members, places at the next intakes, who is waiting."""
    spec, today = spec_of(group), local_today(now)
    people = _names(group.facilitator_ids)
    facilitators = [people.get(i) for i in group.facilitator_ids]
    sessions = programme_sessions(group)
    catch_ups = list(GroupSession.objects(group_id=group.pk, kind="catch_up").order_by("date"))
    active = list(GroupMember.objects(group_id=group.pk, status="active").order_by("joined_on", "created_at"))
    former = list(GroupMember.objects(group_id=group.pk, status__ne="active").order_by("-left_on"))
    intakes = [{"session": s, "free": free_places(group, s.number)} for s in upcoming_intakes(group, today)]
    manage = can_manage(actor, group)
    waiting = []
    if manage and intakes:
        waiting = intake_plan(group.team, group.workflow_key, today)["rows"]
    others = [g for g in Group.objects(team=group.team, workflow_key=group.workflow_key, status="running",
                                       pk__ne=group.pk)] if manage else []
    left_cases = []
    if manage:
        rejoin = GroupMember.objects(team=group.team, status="left").distinct("case_id")
        placed = set(GroupMember.objects(team=group.team, status="active").distinct("case_id"))
        left_cases = list(Case.objects(pk__in=[c for c in rejoin if c not in placed], status="open",
                                       workflow_key=group.workflow_key))
    cal = team_calendar(group.team)
    # A closure added after the schedule was made: those sessions need moving.
    language = active_language()
    closed = {s.pk: holiday_text(cal.holiday_name(s.date), language) or _("Not a working day") for s in sessions
              if not s.recorded_at and s.date >= today and not cal.is_working_day(s.date)}
    return {
        "group": group, "spec": spec, "day": WEEKDAYS[group.weekday], "meets": _meets(group),
        "facilitators": facilitators, "closed": closed,
        "pairing_warning": pairing_warning(spec, facilitators), "sessions": sessions, "catch_ups": catch_ups,
        "skipped": skipped_weeks(group), "members": _member_rows(group, active, today),
        "former": _member_rows(group, former, today), "intakes": intakes, "waiting": waiting,
        "others": [{"group": g, "intakes": upcoming_intakes(g, today)} for g in others],
        "left_cases": left_cases, "can_manage": manage, "can_run": can_run(actor, group), "today": today,
        "pathway": group_programmes().get(group.workflow_key, (group.workflow_key,))[0],
    }


def _absence_warnings(case: Case, defn) -> list[str]:
    """Return the attendance rules one more unacceptable absence would set off (or has set off)."""
    count = session_counts(case)["unacceptable_absences"]
    found = []
    for index, rule in enumerate(defn.attendance.get("rules") or ()):
        if rule.get("counter") == "unacceptable_absences" and "reaches" in rule:
            said = defn.text(f"/attendance/rules/{index}/label", active_language(), rule.get("label") or "") \
                or rule["name"]
            if count == rule["reaches"] - 1:
                found.append(_("One more unacceptable absence: %(rule)s", rule=said))
            elif count >= rule["reaches"]:
                found.append(ngettext("Reached with %(num)s unacceptable absence: %(rule)s",
                                      "Reached with %(num)s unacceptable absences: %(rule)s", count, rule=said))
    return found


def my_groups(*, actor, now: datetime) -> dict:
    """Return a facilitator's groups: next sessions, registers to save, catch-ups due, men near the absence limit."""
    today = local_today(now)
    found = []
    for group in Group.objects(facilitator_ids=str(actor.pk), status="running").order_by("name"):
        spec = spec_of(group)
        upcoming = list(GroupSession.objects(group_id=group.pk, date__gte=today).order_by("date")[:3])
        unsaved = list(GroupSession.objects(group_id=group.pk, date__lte=today, recorded_at=None)
                       .order_by("date"))
        catch_ups, near = [], []
        members = list(GroupMember.objects(group_id=group.pk, status="active"))
        cases = {c.pk: c for c in Case.objects(pk__in=[m.case_id for m in members])}
        for member in members:
            case = cases.get(member.case_id)
            if case is None:
                continue
            missed = missed_sessions(group, member)
            used = catch_ups_used(member.case_id)
            if missed:
                catch_ups.append({"member": member, "case": case, "missed": missed, "used": used,
                                  "limit": spec.max_catch_ups,
                                  "allowed": spec.max_catch_ups is None or used < spec.max_catch_ups})
            warnings = _absence_warnings(case, definition_for(case))
            if warnings:
                near.append({"case": case, "warnings": warnings})
        notes = list(GroupSession.objects(group_id=group.pk, facilitator_note__ne="").order_by("-date")[:3])
        found.append({"group": group, "spec": spec, "upcoming": upcoming, "unsaved": unsaved,
                      "catch_ups": catch_ups, "near": near, "notes": notes})
    return {"groups": found}


def _contact_steps(defn) -> set[str]:
    """Return the steps that meet the pathway's partner-worker deadlines (what counts as a contact)."""
    names = set()
    for spec in defn.deadlines.values():
        if spec.role == "partner_worker":
            for item in spec.met_by:
                names.update(v for k, v in item.items() if k in ("event", "transition"))
    return names


def partner_contacts(*, actor, now: datetime) -> dict:
    """Return, for the partner-support worker, the partner contacts due for the team's group members."""
    rows = []
    members = list(GroupMember.objects(team=actor.team, status="active"))
    groups = {g.pk: g for g in Group.objects(pk__in=list({m.group_id for m in members}))}
    cases = {c.pk: c for c in Case.objects(pk__in=[m.case_id for m in members], status="open")}
    for member in members:
        case, group = cases.get(member.case_id), groups.get(member.group_id)
        if case is None or group is None:
            continue
        defn = definition_for(case)
        partners = list(Case.objects(pk__in=case.linked_case_ids, kind="partner").only("allocated_to", "reference"))
        due = list(Deadline.objects(case_id__in=[case.pk] + [p.pk for p in partners], role="partner_worker",
                                    active=True).order_by("due_at"))
        steps = _contact_steps(defn)
        since = datetime.combine(member.joined_on, datetime.min.time())
        made = CaseEvent.objects(case_id=case.pk, name__in=list(steps), at__gte=since).count() if steps else 0
        spec = spec_of(group)
        mine = [p for p in partners if p.allocated_to == str(actor.pk)]
        rows.append({"case": case, "group": group, "due": due, "labels": labels_in(due, active_language()),
                     "made": made, "needed": spec.min_partner_contacts,
                     "partner_case": mine[0] if mine else None,
                     "week": current_week(group, member, local_today(now))})
    rows.sort(key=lambda r: (r["due"][0].due_at if r["due"] and r["due"][0].due_at else datetime.max))
    return {"rows": rows}


def programme_choices() -> list[tuple[str, str]]:
    """Return (workflow key, what to call its programme) for choosing one: its name and its pathway's, once each."""
    language, found = active_language(), []
    for key, defn in sorted(latest_definitions().items()):
        spec = programme_spec(defn.programme)
        if spec is None:
            continue
        title = defn.text("/title", language, defn.title) or key
        name = defn.text("/programme/name", language, spec.name)
        # "Community Domestic Violence Programme (probation)" already names its programme.
        found.append((key, title if spec.name.casefold() in (defn.title or "").casefold() else f"{name} ({title})"))
    return found
