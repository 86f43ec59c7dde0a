"""Reports per group and per cohort (the men who joined at one intake): attendance, completion, drop-out, waits."""

from __future__ import annotations

from statistics import median

from models.group import Group, GroupAttendance, GroupMember, GroupSession
from scheduler.group_schedule import last_number
from services.groups.schedules import spec_of
from services.reports.period import percent

ATTENDED = ("attended", "late")


def _summary(members: list[GroupMember], marks: list[GroupAttendance], held: set[int], sessions: int) -> dict:
    """Return the figures for a set of members and their marks."""
    total = len(marks)
    attended = sum(1 for a in marks if a.mark in ATTENDED)
    completed = [m for m in members if m.status in ("active", "completed")
                 and last_number(m.join_number, sessions, m.first_week) in held]
    dropped = sorted(m.left_week for m in members if m.status == "left" and m.left_week)
    waits = [m.waited_days for m in members if m.first_week == 1]
    # A man who moved on finishes elsewhere: his sessions here count for attendance, not for completion.
    moved = sum(1 for m in members if m.status == "moved")
    stayed = len(members) - moved
    return {
        "members": len(members), "moved": moved, "marks": total, "attended": attended,
        "attendance_rate": percent(attended, total),
        "completed": len(completed), "completion_rate": percent(len(completed), stayed),
        "dropped_out": len(dropped), "drop_out_weeks": dropped,
        "median_drop_out_week": median(dropped) if dropped else None,
        "median_wait_days": median(waits) if waits else None,
    }


def _during(members: list[GroupMember], marks: list[GroupAttendance], days: dict) -> list[GroupAttendance]:
    """Return the marks each member got while a member this time: a man who left and rejoined is in two cohorts."""
    by_case: dict = {}
    for member in members:
        by_case.setdefault(member.case_id, []).append(member)
    return [a for a in marks if any(
        days.get(a.session_id) is not None and m.joined_on <= days[a.session_id]
        and (m.left_on is None or days[a.session_id] <= m.left_on) for m in by_case.get(a.case_id, ()))]


def _latest(members: list[GroupMember]) -> list[GroupMember]:
    """Return each man once, as he stands now: his latest time in the group (he may have left and rejoined)."""
    found: dict = {}
    for member in sorted(members, key=lambda m: (m.joined_on, m.created_at)):
        found[member.case_id] = member
    return list(found.values())


def group_report(group: Group) -> dict:
    """Return one group's figures, and the same figures for each cohort that joined it."""
    spec = spec_of(group)
    members = list(GroupMember.objects(group_id=group.pk))
    marks = list(GroupAttendance.objects(group_id=group.pk))
    sessions = list(GroupSession.objects(group_id=group.pk).only("number", "date", "kind", "recorded_at"))
    held = {s.number for s in sessions if s.kind == "programme" and s.recorded_at is not None}
    dates = {s.number: s.date for s in sessions if s.kind == "programme"}
    days = {s.pk: s.date for s in sessions}
    cohorts = []
    for number in sorted({m.join_number for m in members}):
        cohort = [m for m in members if m.join_number == number]
        cohorts.append({"number": number, "date": dates.get(number),
                        **_summary(cohort, _during(cohort, marks, days), held, spec.sessions)})
    return {"group": group, "spec": spec, **_summary(_latest(members), marks, held, spec.sessions),
            "cohorts": cohorts}


def team_group_reports(team: str) -> list[dict]:
    """Return the figures of every group of the team."""
    return [group_report(g) for g in Group.objects(team=team).order_by("workflow_key", "name")]
