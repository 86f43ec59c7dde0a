"""A rolling community group through the UI in headless Chromium, with axe-core on every page visited.

A manager creates the group and 8 men join at its first intake; three weeks on, a facilitator keeps three
registers (one man's unacceptable absence sets off his pathway's absence rule), one man drops out in week 3, and
the manager lets the next waiting man join at the next intake.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from models.case import Case, CaseSession
from models.deadline import Deadline
from models.group import Group, GroupMember, GroupSession
from tests.browser_fixtures import assert_accessible, new_tab, sign_in_browser
from tests.conftest import DEFAULT_PASSWORD, service_today, weekday_on_or_after

pytestmark = pytest.mark.browser


def _tab(browser, base_url, user):
    tab = new_tab(browser, base_url)
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    sign_in_browser(tab, user.email, DEFAULT_PASSWORD)
    tab.wait_for_load_state()
    return tab


def _go(tab, path):
    tab.goto(path)
    assert_accessible(tab)


def _submit(tab, button):
    tab.get_by_role("button", name=button).click()
    tab.wait_for_load_state()
    assert_accessible(tab)


def _three_weeks_pass(group: Group) -> None:
    """Move the group's dates back so that its third session is today (the test cannot wait three weeks)."""
    third = GroupSession.objects.get(group_id=group.pk, number=3, kind="programme")
    shift = third.date - service_today()
    for session in GroupSession.objects(group_id=group.pk):
        session.update(set__date=session.date - shift)
    Group.objects(pk=group.pk).update_one(set__start_date=group.start_date - shift)
    for member in GroupMember.objects(group_id=group.pk):
        member.update(set__joined_on=member.joined_on - shift)


def test_rolling_group_intake_registers_drop_out_and_next_intake(browser, live_server, synced, make_team,
                                                                  make_user, make_case):
    make_team(key="north")
    manager = make_user(roles=["manager"], team="north", name="Morgan Manager")
    lead = make_user(roles=["practitioner"], team="north", name="Frank Facilitator", sex="male")
    second = make_user(roles=["practitioner"], team="north", name="Fiona Facilitator", sex="female")
    make_user(roles=["partner_worker"], team="north")
    men = [make_case(workflow_key="community_programme", actor=manager, person={"name": f"Waiting Man {i + 1}"},
                     state="waiting_list", on_waiting_list=True, waiting_since=datetime(2026, 6, 1) + timedelta(i))
           for i in range(9)]
    # The first session today, or on Monday at the weekend: an intake still to come, so the men join at it.
    today = weekday_on_or_after(service_today())

    boss = _tab(browser, live_server, manager)
    _go(boss, "/groups")
    boss.get_by_role("link", name="Create a group").click()
    assert_accessible(boss)
    boss.select_option("#workflow_key", "community_programme")
    boss.fill("#name", "Thursday evening group")
    boss.fill("#venue", "Hope Centre, Room 2")
    boss.select_option("#weekday", str(today.weekday()))
    boss.fill("#start_time", "18:30")
    boss.fill("#start_date-day", str(today.day))
    boss.fill("#start_date-month", str(today.month))
    boss.fill("#start_date-year", str(today.year))
    boss.select_option("#facilitator_1", str(lead.pk))
    boss.select_option("#facilitator_2", str(second.pk))
    _submit(boss, "Create group")
    assert boss.get_by_role("heading", name="Thursday evening group").is_visible()
    group = Group.objects.get()

    boss.get_by_role("link", name="add men from the waiting list").first.click()
    assert_accessible(boss)
    for man in men[:8]:
        boss.check(f"input[name='case_ids'][value='{man.pk}']")
    _submit(boss, "Add to the group")
    assert "8 joined Thursday evening group" in boss.content()
    assert GroupMember.objects(group_id=group.pk, status="active").count() == 8
    assert {c.state for c in Case.objects(pk__in=[m.pk for m in men[:8]])} == {"group"}

    _three_weeks_pass(group)
    facilitator = _tab(browser, live_server, second)
    _go(facilitator, "/groups/mine")
    absent, leaver = men[1], men[4]
    for number in (1, 2, 3):
        session = GroupSession.objects.get(group_id=group.pk, number=number, kind="programme")
        _go(facilitator, f"/groups/{group.pk}/sessions/{session.pk}/register")
        for man in men[:8]:
            mark = "unacceptable_absence" if (number == 2 and man == absent) else "attended"
            facilitator.check(f"input[name='mark-{man.pk}'][value='{mark}']")
        facilitator.fill(f"#note-{men[0].pk}", f"Spoke about week {number}'s topic")
        facilitator.fill("#facilitator_note", f"Session {number}: the group settled quickly")
        _submit(facilitator, "Save the register")
        assert "The register has been saved: 8 cases updated" in facilitator.content()
    assert CaseSession.objects(case_id__in=[m.pk for m in men[:8]]).count() == 24
    # His pathway's rule for an absence without good reason: the partner must be told within two weeks.
    assert Deadline.objects(case_id=absent.pk, key="partner_update", active=True).count() == 1
    assert Deadline.objects(case_id=men[0].pk, key="partner_update").count() == 0
    _go(facilitator, f"/cases/{absent.pk}")
    assert "Tell the partner" in facilitator.content()

    # The lead facilitator holds the men's cases (the pathway allocates them to him when they join).
    responsible = _tab(browser, live_server, lead)
    _go(responsible, f"/groups/{group.pk}")
    member = GroupMember.objects.get(group_id=group.pk, case_id=leaver.pk)
    responsible.goto(f"/groups/{group.pk}/members/{member.pk}/leave")
    assert_accessible(responsible)
    assert responsible.input_value("#week") == "3"
    responsible.fill("#reason", "Started night shifts and cannot come on Thursdays")
    _submit(responsible, "Record drop-out")
    member.reload()
    assert (member.status, member.left_week) == ("left", 3)
    leaver_case = Case.objects.get(pk=leaver.pk)
    assert leaver_case.state == "dropped_out" and leaver_case.fields["drop_out_week"] == 3

    _go(boss, "/manager/waiting-list")
    assert "place 1 of 1" in boss.content()
    _go(boss, f"/groups/{group.pk}")
    boss.get_by_role("link", name="add men from the waiting list").first.click()
    assert_accessible(boss)
    boss.check(f"input[name='case_ids'][value='{men[8].pk}']")
    _submit(boss, "Add to the group")
    newcomer = GroupMember.objects.get(group_id=group.pk, case_id=men[8].pk)
    assert newcomer.join_number == 7 and Case.objects.get(pk=men[8].pk).state == "group"
    _go(boss, "/groups/reports")
    assert "Thursday evening group" in boss.content()
    assert not boss.errors and not facilitator.errors and not responsible.errors
