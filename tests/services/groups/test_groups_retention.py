"""Destroying a man's records at the end of retention also removes his place in groups and his register marks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.group import GroupAttendance, GroupMember, GroupSession
from services.groups import members as groups_members
from services.groups import register as groups_register
from services.groups import schedules as groups
from services.privacy import retention
from tests.pathway_steps import fire

SIX_YEARS = timedelta(days=2192)


def test_group_records_go_with_his_case(synced, make_team, make_user, make_case, now):
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north")
    lead = make_user(roles=["practitioner"], team="north", sex="male")
    other = make_user(roles=["practitioner"], team="north", sex="female")
    group = groups.create_group({
        "workflow_key": "community_programme", "name": "Monday group", "venue": "Hope Centre", "weekday": "0",
        "start_time": "18:30", "start_date": "2026-11-30", "facilitator_1": str(lead.pk),
        "facilitator_2": str(other.pk)}, actor=manager, now=now)
    man = make_case(workflow_key="community_programme", actor=manager, person={"name": "Quillon Farthingale"},
                    state="waiting_list", on_waiting_list=True, waiting_since=datetime(2026, 9, 1))
    first = groups.programme_sessions(group)[0]
    groups_members.add_members(group, first.pk, [str(man.pk)], actor=manager, now=now)
    held = datetime(2026, 11, 30, 21)
    groups_register.save_register(group, first.pk, {f"mark-{man.pk}": "attended",
                                                    f"note-{man.pk}": "Farthingale talked about his temper"},
                                  actor=lead, now=held)
    member = GroupMember.objects.get(case_id=man.pk)
    groups_members.leave_group(group, member.pk, {"reason": "Farthingale moved away"}, actor=lead, now=held)
    man.reload()
    case = fire(man, "withdraw", manager, held, outcome="moved_away", reason="Moved out of the area")
    later = held + SIX_YEARS + timedelta(days=1)
    retention.run_retention(now=later)
    (row,) = retention.review_queue(actor=manager)["rows"]
    retention.approve_destruction(row["id"], actor=manager, now=later + timedelta(hours=1), confirm=True)
    assert GroupMember.objects(case_id=case.pk).count() == 0
    assert GroupAttendance.objects(case_id=case.pk).count() == 0
    assert GroupSession.objects(group_id=group.pk).count() > 0  # the group's own schedule stays
    assert date(2026, 11, 30) in [s.date for s in GroupSession.objects(group_id=group.pk)]
