"""Membership: men join a group at an intake from the waiting list, move groups, leave and re-join; places are kept."""

from __future__ import annotations

from datetime import date, datetime

from bson import ObjectId
from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound, Problems
from forms.catalogue import N_
from models.case import Case
from models.group import Group, GroupAttendance, GroupMember, GroupSession
from scheduler.calendar import format_date
from scheduler.group_schedule import last_number, programme_week
from services.audit.trail import record_audit
from services.cases.access import can_change_case
from services.cases.steps import check_inputs
from services.cases.transitions import add_history, fire_transition, transition_options
from services.groups.intake import candidates, free_places, upcoming_intakes, waiting_since
from services.groups.schedules import can_manage, can_run, extend_schedule, group_for, local_today, spec_of
from services.pathways.store import definition_for
from storage.uow import transactional


def _step_inputs(step, group: Group, **given) -> dict:
    values = {"facilitator": group.facilitator_ids[0] if group.facilitator_ids else "", "group": group.name}
    values.update(given)
    return step.values(values)


def _preflight(case: Case, step, inputs: dict, actor, now: datetime) -> bool:
    """Tell whether the pathway step applies to the case now; raise NotAllowed with its reasons when refused."""
    if step is None or step.transition not in definition_for(case).transitions:
        return False
    if not can_change_case(actor, case):
        raise NotAllowed(_("This changes case %(reference)s too, so his allocated practitioner or a team manager "
                           "needs to do it", reference=case.reference))
    option = next((o for o in transition_options(case, actor)[0] if o.name == step.transition), None)
    if option is None:
        return False  # the case is not in a state the step starts from: the group change stands on its own
    if not option.allowed:
        raise NotAllowed(f"{case.reference}: {'; '.join(option.reasons)}")
    check_inputs(case, option, inputs, now=now)  # raises InvalidInput before anything is written
    return True


def _fire(case: Case, step, inputs: dict, *, actor, now: datetime) -> None:
    fire_transition(case, step.transition, inputs, actor=actor, now=now)


def _session(group: Group, session_id, field: str = "session_id") -> GroupSession:
    if not str(session_id or "").strip():
        problems = Problems()
        problems.add(field, _("Choose the intake date"), "Intake")
        problems.raise_if_any()
    session = GroupSession.objects(pk=session_id, group_id=group.pk, kind="programme").first() \
        if ObjectId.is_valid(str(session_id)) else None
    if session is None:
        raise NotFound(_("There is no such session"))
    return session


@transactional
def add_members(group: Group, session_id, case_ids: list[str], *, actor, now: datetime) -> list[GroupMember]:
    """Let men from the waiting list join the group at an intake session, in one go (all or none)."""
    if not can_manage(actor, group):
        raise NotAllowed(_("Only the team's managers can add men to the group"))
    spec = spec_of(group)
    session = _session(group, session_id)
    if session not in upcoming_intakes(group, local_today(now)):
        raise NotAllowed(_("New members cannot join at session %(number)s; choose an intake date",
                           number=session.number))
    waiting = {str(c.pk): c for c in candidates(group.team, group.workflow_key)}
    chosen = [waiting[c] for c in dict.fromkeys(case_ids) if c in waiting]
    problems = Problems()
    if not chosen or len(chosen) != len(set(case_ids)):
        problems.add("case_ids", _("Choose men who are on the waiting list for this programme"), "Men joining")
    elif len(chosen) > free_places(group, session.number):
        problems.add("case_ids", _("The group has %(free)s places at this intake; choose no more than that (the group "
                                   "size is %(size)s)", free=free_places(group, session.number),
                                   size=spec.max_group_size), "Men joining")
    problems.raise_if_any()
    inputs = {c.pk: _step_inputs(spec.join, group, first_session=session.date.isoformat()) if spec.join else {}
              for c in chosen}
    fires = {c.pk: _preflight(c, spec.join, inputs[c.pk], actor, now) for c in chosen}
    extend_schedule(group, last_number(session.number, spec.sessions))
    added = []
    for case in chosen:
        waited = max(0, (session.date - waiting_since(case).date()).days)
        member = GroupMember(group_id=group.pk, case_id=case.pk, team=group.team, join_number=session.number,
                             joined_on=session.date, waited_days=waited, created_at=now, created_by=str(actor.pk))
        try:
            member.save()
        except NotUniqueError:
            raise Conflict(f"{case.reference} has just been placed in a group by someone else. Check the waiting "
                           "list and try again.") from None
        if fires[case.pk]:
            _fire(case, spec.join, inputs[case.pk], actor=actor, now=now)
        _history(case, now=now, actor=actor, label=f"Joins {group.name} on {format_date(session.date)}",
                 key=N_("Joins %(group)s on %(date)s"), values={"group": group.name, "date": {"date": session.date}})
        added.append(member)
    record_audit("group.members_added", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"session": session.number, "cases": [str(c.pk) for c in chosen]})
    return added


def _history(case: Case, *, now, actor, label: str, key: str, values: dict) -> None:
    add_history(case, kind="event", now=now, actor=actor, name="group", label=label, label_key=key,
                label_values=values)


def get_member(group: Group, member_id) -> GroupMember:
    """Return an active member of the group or raise NotFound."""
    member = GroupMember.objects(pk=member_id, group_id=group.pk, status="active").first() \
        if ObjectId.is_valid(str(member_id)) else None
    if member is None:
        raise NotFound(_("He is not a member of this group"))
    return member


def current_week(group: Group, member: GroupMember, today: date) -> int:
    """Return the programme week he has reached: the latest session held up to today (at least his first)."""
    held = GroupSession.objects(group_id=group.pk, kind="programme", number__gte=member.join_number,
                                date__lte=today).order_by("-number").first()
    number = held.number if held else member.join_number
    return max(member.first_week, programme_week(number, member.join_number, member.first_week))


@transactional
def last_week_attended(member: GroupMember) -> int:
    """Return his programme week at the last group session he attended this time in the group (0 if none)."""
    attended = GroupAttendance.objects(group_id=member.group_id, case_id=member.case_id,
                                       mark__in=("attended", "late")).distinct("session_id")
    numbers = [s.number for s in GroupSession.objects(pk__in=attended, kind="programme", date__gte=member.joined_on)
               .only("number")]
    return max((programme_week(n, member.join_number, member.first_week) for n in numbers), default=0)


def leave_group(group: Group, member_id, data: dict, *, actor, now: datetime) -> GroupMember:
    """Record that he has left the group (drop-out): the week and the reason, also on his case."""
    if not can_run(actor, group):
        raise NotAllowed(_("Only the group's facilitators and the team's managers can record a drop-out"))
    spec = spec_of(group)
    member = get_member(group, member_id)
    problems = Problems()
    raw = str(data.get("week") or "").strip()
    reached = current_week(group, member, local_today(now))
    week = reached if not raw else (int(raw) if raw.isdigit() else None)
    if week is None or not 1 <= week <= spec.sessions:
        problems.add("week", _("Enter the week he dropped out as a number from 1 to %(last)s", last=spec.sessions),
                     "Week")
    elif week > reached:  # a week the group has not yet met in cannot be the one he left in
        problems.add("week", _("He has reached week %(week)s: enter week %(week)s or earlier", week=reached), "Week")
    elif week < (attended := last_week_attended(member)):
        problems.add("week", _("He attended the session of week %(attended)s: enter week %(attended)s or later",
                               attended=attended), "Week")
    reason = (data.get("reason") or "").strip()
    if not reason:
        problems.add("reason", _("Enter the reason he left, as he gave it or as observed"), "Reason")
    problems.raise_if_any()
    case = Case.objects(pk=member.case_id).first()
    inputs = _step_inputs(spec.leave, group, week=week, reason=reason) if spec.leave else {}
    fires = _preflight(case, spec.leave, inputs, actor, now)
    won = GroupMember.objects(pk=member.pk, status="active").update_one(
        set__status="left", set__left_on=local_today(now), set__left_week=week, set__left_reason=reason)
    if not won:
        raise Conflict(_("Someone else changed his place in the group. Check the group and try again."))
    if fires:
        _fire(case, spec.leave, inputs, actor=actor, now=now)
    _history(case, now=now, actor=actor, label=f"Left {group.name} in week {week}",
             key=N_("Left %(group)s in week %(week)s"), values={"group": group.name, "week": week})
    record_audit("group.member_left", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"case": str(case.pk), "week": week})
    member.reload()
    return member


@transactional
def move_member(group: Group, member_id, data: dict, *, actor, now: datetime) -> GroupMember:
    """Move him to another group of the same programme at one of its intakes; his programme weeks carry over."""
    if not can_manage(actor, group):
        raise NotAllowed(_("Only the team's managers can move men between groups"))
    member = get_member(group, member_id)
    if not data.get("group_id"):
        problems = Problems()
        problems.add("choice", _("Choose the group and intake he moves to"), "Group")
        problems.raise_if_any()
    target = group_for(data.get("group_id"), actor, manage=True)
    if target.pk == group.pk or target.workflow_key != group.workflow_key:
        raise NotAllowed(_("Choose another group of the same programme"))
    session = _session(target, data.get("session_id"), field="choice")
    if session not in upcoming_intakes(target, local_today(now)):
        raise NotAllowed(_("Choose an intake date of the other group"))
    spec = spec_of(group)
    held = GroupSession.objects(group_id=group.pk, kind="programme", number__gte=member.join_number,
                                recorded_at__ne=None).count()
    first_week = min(spec.sessions, member.first_week + held)
    if free_places(target, session.number, first_week) < 1:
        raise NotAllowed(_("%(group)s has no place at that intake", group=target.name))
    extend_schedule(target, last_number(session.number, spec.sessions, first_week))
    case = Case.objects(pk=member.case_id).first()
    moved = GroupMember(group_id=target.pk, case_id=member.case_id, team=group.team, join_number=session.number,
                        first_week=first_week, joined_on=session.date, waited_days=0, created_at=now,
                        created_by=str(actor.pk))
    if not GroupMember.objects(pk=member.pk, status="active").update_one(
            set__status="moved", set__left_on=local_today(now), set__moved_to=target.pk):
        raise Conflict(_("Someone else changed his place in the group. Check the group and try again."))
    moved.save()
    _history(case, now=now, actor=actor, label=f"Moved from {group.name} to {target.name} "
             f"(week {first_week} on {format_date(session.date)})",
             key=N_("Moved from %(group)s to %(target)s (week %(week)s on %(date)s)"),
             values={"group": group.name, "target": target.name, "week": first_week, "date": {"date": session.date}})
    record_audit("group.member_moved", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"case": str(case.pk), "to": str(target.pk)})
    return moved


@transactional
def rejoiner(group: Group, case_id) -> tuple[GroupMember, Case]:
    """Return the place a man left in the team's groups and his case, if he may re-join now (NotFound if not)."""
    case = Case.objects(pk=str(case_id), team=group.team).first() if ObjectId.is_valid(str(case_id)) else None
    if case is None:  # made up, mistyped, or another team's: nothing to say of it
        raise NotFound(_("There is no such case"))
    left = GroupMember.objects(case_id=case.pk, team=group.team, status="left").order_by("-left_on").first()
    if left is None or GroupMember.objects(case_id=case.pk, status="active").first():
        raise NotFound(_("He has not left a group, or is in one now"))
    return left, case


def rejoin_group(group: Group, case_id, data: dict, *, actor, now: datetime) -> GroupMember:
    """Let a man who left come back at an intake, for the rest of his programme."""
    if not can_manage(actor, group):
        raise NotAllowed(_("Only the team's managers can let him re-join"))
    spec = spec_of(group)
    left, case = rejoiner(group, case_id)
    session = _session(group, data.get("session_id"))
    if session not in upcoming_intakes(group, local_today(now)):
        raise InvalidInput(problems=[FieldProblem("session_id", _("Choose an intake date"), _("Intake"))])
    reason = (data.get("reason") or "").strip()
    if not reason:
        problems = Problems()
        problems.add("reason", _("Enter why he is coming back"), "Reason")
        problems.raise_if_any()
    first_week = left.left_week or 1
    if free_places(group, session.number, first_week) < 1:
        raise InvalidInput(problems=[FieldProblem("session_id", _("%(group)s has no place at that intake: choose "
                                                                  "another", group=group.name), _("Intake"))])
    inputs = _step_inputs(spec.rejoin, group, reason=reason, first_session=session.date.isoformat()) \
        if spec.rejoin else {}
    fires = _preflight(case, spec.rejoin, inputs, actor, now)
    extend_schedule(group, last_number(session.number, spec.sessions, first_week))
    member = GroupMember(group_id=group.pk, case_id=case.pk, team=group.team, join_number=session.number,
                         first_week=first_week, joined_on=session.date, created_at=now, created_by=str(actor.pk))
    member.save()
    if fires:
        _fire(case, spec.rejoin, inputs, actor=actor, now=now)
    _history(case, now=now, actor=actor, label=f"Re-joins {group.name} in week {first_week}",
             key=N_("Re-joins %(group)s in week %(week)s"), values={"group": group.name, "week": first_week})
    record_audit("group.member_rejoined", actor=actor, now=now, target_type="group", target_id=group.pk,
                 details={"case": str(case.pk), "week": first_week})
    return member

