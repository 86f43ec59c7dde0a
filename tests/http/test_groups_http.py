"""Group pages through the Flask client: create, intake, register, drop-out, calendar, My groups, reports, access."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta

import pytest

from clock import utcnow
from models.case import CaseSession
from models.group import Group, GroupAttendance, GroupMember, GroupSession
from models.user import User
from scheduler.calendar import format_date
from services.deadlines.timing import local_today
from tests.conftest import sign_in, weekday_on_or_before


@pytest.fixture
def setup(synced, make_team, make_user, make_case, client):
    make_team(key="north")
    people = {
        "manager": make_user(roles=["manager"], team="north"),
        "him": make_user(roles=["practitioner"], team="north", name="Frank Facilitator", sex="male"),
        "her": make_user(roles=["practitioner"], team="north", name="Fiona Facilitator", sex="female"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
    }
    men = [make_case(workflow_key="community_programme", actor=people["manager"], person={"name": f"Man {i}"},
                     state="waiting_list", on_waiting_list=True, waiting_since=datetime(2026, 9, 1) + timedelta(i))
           for i in range(3)]
    return {**people, "men": men}


def create(client, setup, **extra):
    today = weekday_on_or_before(utcnow().date() - timedelta(days=14))
    data = {"workflow_key": "community_programme", "name": "Tuesday group", "venue": "Hope Centre",
            "weekday": str(today.weekday()), "start_time": "18:30", "start_date-day": str(today.day),
            "start_date-month": str(today.month), "start_date-year": str(today.year),
            "facilitator_1": str(setup["him"].pk), "facilitator_2": str(setup["her"].pk), **extra}
    return client.post("/groups/new", data=data)


def test_manager_creates_a_group_and_bad_input_is_kept(client, setup):
    sign_in(client, setup["manager"])
    page = client.get("/groups/new")
    assert page.status_code == 200 and "Living without Violence" in page.get_data(as_text=True)
    # Each programme named once: its name and its pathway's, unless the pathway's title already says it.
    assert ">Living without Violence (Community perpetrator programme)</option>" in page.get_data(as_text=True)
    assert ">Community Domestic Violence Programme (probation)</option>" in page.get_data(as_text=True)
    bad = create(client, setup, name="", start_time="7pm")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Enter a name for the group" in text and 'value="7pm"' in text
    # A group meets on a working day: the weekend is not offered, and a weekend day sent anyway is a field error.
    form = page.get_data(as_text=True)
    assert 'value="5"' not in form and "A working day, Monday to Friday" in form
    weekend = create(client, setup, weekday="6", name="Sunday group")
    text = weekend.get_data(as_text=True)
    assert weekend.status_code == 422 and "Select the day the group meets, from Monday to Friday" in text
    assert 'value="Sunday group"' in text and not Group.objects
    # The first session's date on another day than the group meets is a field error, not moved on quietly.
    other_day = str((weekday_on_or_before(utcnow().date() - timedelta(days=14)).weekday() + 1) % 5)
    wrong_day = create(client, setup, weekday=other_day)
    assert wrong_day.status_code == 422 and "The first session must be on the day the group meets" in \
        wrong_day.get_data(as_text=True) and not Group.objects
    response = create(client, setup)
    assert response.status_code == 302
    group = Group.objects.get()
    page = client.get(f"/groups/{group.pk}").get_data(as_text=True)
    assert "Tuesday group" in page and "Frank Facilitator and Fiona Facilitator" in page
    waiting = client.get("/manager/waiting-list").get_data(as_text=True)
    assert "Next group intake" in waiting and "place 1 of 8" in waiting


def joined(client, setup):
    sign_in(client, setup["manager"])
    create(client, setup)
    group = Group.objects.get()
    first = GroupSession.objects(group_id=group.pk, number=1).get()
    # The first intake is in the past, so the men join at the next one; then move it back for the register.
    intake = GroupSession.objects(group_id=group.pk, intake=True, date__gte=utcnow().date()).first()
    response = client.post(f"/groups/{group.pk}/intake", data={
        "session_id": str(intake.pk), "case_ids": [str(m.pk) for m in setup["men"]]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    GroupMember.objects(group_id=group.pk).update(set__join_number=1, set__joined_on=first.date)
    return group, first


def test_a_register_saved_by_someone_else_meanwhile_is_not_overwritten(client, setup):
    group, first = joined(client, setup)
    url = f"/groups/{group.pk}/sessions/{first.pk}/register"
    men = setup["men"]
    opened = re.search(r'name="revision" value="(\d+)"', client.get(url).get_data(as_text=True)).group(1)
    marks = {f"mark-{m.pk}": "attended" for m in men[:3]}
    assert client.post(url, data={**marks, "revision": opened}).status_code == 302  # a colleague saves first
    assert client.post(url, data={**marks, f"mark-{men[0].pk}": "late", f"note-{men[0].pk}": "Bus was late",
                                  "revision": str(int(opened) + 1)}).status_code == 302
    # This page was opened before both saves: it still shows him as attended, and changes only the second man.
    stale = {**marks, f"mark-{men[1].pk}": "acceptable_absence", "revision": opened}
    refused = client.post(url, data=stale)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Someone else saved this register after you opened it" in page
    # A page without its copy of what it was opened with: every field that differs is shown with what was saved.
    assert "Attendance: Attended late" in page and "Note: Bus was late" in page
    assert f'name="mark-{men[1].pk}" type="radio" value="acceptable_absence" checked' in page  # his typing kept
    assert GroupAttendance.objects.get(case_id=men[0].pk).mark == "late"
    assert GroupAttendance.objects.get(case_id=men[1].pk).mark == "attended"
    fresh = re.search(r'name="revision" value="(\d+)"', page).group(1)
    assert client.post(url, data={**stale, f"mark-{men[0].pk}": "late", f"note-{men[0].pk}": "Bus was late",
                                  "revision": fresh}).status_code == 302  # checked, then saved again
    assert GroupAttendance.objects.get(case_id=men[1].pk).mark == "acceptable_absence"


def saved_register(client, setup):
    """Save the first session's register with every man attended; return (group, session, url, men, marks)."""
    group, first = joined(client, setup)
    url = f"/groups/{group.pk}/sessions/{first.pk}/register"
    men = setup["men"]
    marks = {f"mark-{m.pk}": "attended" for m in men[:3]}
    assert client.post(url, data=marks).status_code == 302
    return group, first, url, men, marks


def _opened(page: str) -> dict:
    fields = json.loads(html.unescape(re.search(r"name=\"opened\" value='([^']*)'", page).group(1)))
    return {"opened": json.dumps(fields),
            "revision": re.search(r'name="revision" value="(\d+)"', page).group(1), **fields}


def test_a_clash_keeps_what_the_other_person_saved_and_names_only_real_clashes(client, setup):
    group, first, url, men, marks = saved_register(client, setup)
    mine = _opened(client.get(url).get_data(as_text=True))  # this page is opened...
    theirs = _opened(client.get(url).get_data(as_text=True))  # ...and so is a colleague's, who saves first
    assert client.post(url, data={**theirs, f"mark-{men[0].pk}": "late", f"concern-{men[0].pk}": "yes",
                                  "facilitator_note": "He raised his voice in the check-in"}).status_code == 302
    # Here only the second man's mark changes: the first man's row and the session notes were not touched.
    refused = client.post(url, data={**mine, f"mark-{men[1].pk}": "acceptable_absence"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409 and "Their changes are now in the form" in page
    assert f'name="mark-{men[0].pk}" type="radio" value="late" checked' in page
    assert f'id="concern-{men[0].pk}" name="concern-{men[0].pk}" type="checkbox" value="yes" checked' in page
    assert ">He raised his voice in the check-in</textarea>" in page
    assert f'name="mark-{men[1].pk}" type="radio" value="acceptable_absence" checked' in page  # his typing kept
    assert "Saved meanwhile" not in page  # nothing was changed by both: no row is flagged, his own least of all
    again = _opened(page)
    assert again["concern-" + str(men[0].pk)] == "yes"
    sent = {**again, f"mark-{men[0].pk}": "late", f"concern-{men[0].pk}": "yes", f"mark-{men[1].pk}":
            "acceptable_absence", "facilitator_note": "He raised his voice in the check-in"}
    assert client.post(url, data=sent).status_code == 302  # saved again as the page now shows it
    assert GroupAttendance.objects.get(case_id=men[0].pk).mark == "late"
    assert GroupAttendance.objects.get(case_id=men[1].pk).mark == "acceptable_absence"
    flagged = CaseSession.objects(pk=GroupAttendance.objects.get(case_id=men[0].pk).case_session_id).get()
    assert flagged.flags == ["concern"]
    assert GroupSession.objects.get(pk=first.pk).facilitator_note == "He raised his voice in the check-in"


def test_a_field_both_changed_shows_what_was_saved_beside_it(client, setup):
    group, first = joined(client, setup)
    url = f"/groups/{group.pk}/sessions/{first.pk}/register"
    men = setup["men"]
    assert client.post(url, data={f"mark-{m.pk}": "attended" for m in men[:3]}).status_code == 302
    mine = _opened(client.get(url).get_data(as_text=True))
    theirs = _opened(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**theirs, f"note-{men[2].pk}": "Left early, unwell",
                                  "facilitator_note": "Short session"}).status_code == 302
    refused = client.post(url, data={**mine, f"note-{men[2].pk}": "Left early", "facilitator_note": "Good session"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 409 and page.count("Saved meanwhile by someone else") == 2
    assert "Note: Left early, unwell" in page and "Short session</p>" in page
    assert f'name="note-{men[2].pk}" type="text" value="Left early"' in page and "Good session</textarea>" in page


def test_intake_register_and_drop_out_pages(client, setup):
    group, first = joined(client, setup)
    sign_in(client, setup["him"])
    page = client.get(f"/groups/{group.pk}/sessions/{first.pk}/register")
    assert page.status_code == 200 and "Man 0" in page.get_data(as_text=True)
    client.get("/language/cy?next=/")
    welsh = client.get(f"/groups/{group.pk}/sessions/{first.pk}/register").get_data(as_text=True)
    assert "Yn bresennol yn hwyr" in welsh and "Attended late" not in welsh  # the marks in the reader's language
    client.get("/language/en?next=/")
    men = setup["men"]
    data = {f"mark-{men[0].pk}": "attended", f"mark-{men[1].pk}": "unacceptable_absence",
            f"note-{men[0].pk}": "Engaged well", "facilitator_note": "Only for us"}
    missing = client.post(f"/groups/{group.pk}/sessions/{first.pk}/register", data=data)
    assert missing.status_code == 422 and "Select the attendance of Man 2" in missing.get_data(as_text=True)
    assert "<title>Error: " in missing.get_data(as_text=True)  # a screen reader hears it first
    assert CaseSession.objects.count() == 0
    data[f"mark-{men[2].pk}"] = "late"
    assert client.post(f"/groups/{group.pk}/sessions/{first.pk}/register", data=data).status_code == 302
    assert client.post(f"/groups/{group.pk}/sessions/{first.pk}/register", data=data).status_code == 302
    assert CaseSession.objects.count() == 3
    mine = client.get("/groups/mine").get_data(as_text=True)
    assert "Only for us" in mine and "Due a catch-up" in mine and "Man 1" in mine
    assert "At or close to the absence limit" in mine
    # A catch-up waiting for its register is named as one, not as the session it makes up for.
    from services.deadlines.timing import calendar_for
    from services.groups import register as register_service

    day = local_today(utcnow())
    while not calendar_for().is_working_day(day) or day == first.date:
        day -= timedelta(days=1)
    assert day > first.date  # the first session is weeks ago: a catch-up comes after the session it makes up for
    register_service.offer_catch_up(group, GroupMember.objects.get(case_id=men[1].pk).pk, {
        "missed_session_id": str(first.pk), "date": day.isoformat()}, actor=setup["him"], now=utcnow())
    unsaved = html.unescape(client.get("/groups/mine").get_data(as_text=True))
    assert f"the catch-up for session 1 on {day.day} {day:%B} {day.year}" in unsaved
    member = GroupMember.objects.get(case_id=men[1].pk)
    left = client.post(f"/groups/{group.pk}/members/{member.pk}/leave", data={"week": "", "reason": ""})
    assert left.status_code == 422 and "Enter the reason he left" in left.get_data(as_text=True)
    assert client.post(f"/groups/{group.pk}/members/{member.pk}/leave",
                       data={"week": "1", "reason": "Moved for work"}).status_code == 302
    member.reload()
    assert member.status == "left" and member.left_week == 1
    # Re-joining names him; a man who has not left, or a made-up id, is not offered the form at all.
    sign_in(client, setup["manager"])
    page = client.get(f"/groups/{group.pk}/rejoin/{men[1].pk}").get_data(as_text=True)
    assert "Man 1 comes back for the rest of the programme" in page
    # The group's page names the man beside his reference: among former members and in the re-join link.
    group_page = html.unescape(client.get(f"/groups/{group.pk}").get_data(as_text=True))
    assert f"Man 1 ({men[1].reference}): left in week 1" in group_page
    assert f"Re-join Man 1 ({men[1].reference})" in group_page
    for other in (men[0].pk, "000000000000000000000000", "nonsense"):
        assert client.get(f"/groups/{group.pk}/rejoin/{other}").status_code == 404


def test_calendar_reports_and_partner_contacts(client, setup):
    group, _ = joined(client, setup)
    ics = client.get(f"/groups/{group.pk}/calendar.ics")
    text = ics.get_data(as_text=True)
    assert ics.mimetype == "text/calendar" and text.startswith("BEGIN:VCALENDAR\r\n")
    assert ics.headers["Content-Disposition"] == 'attachment; filename="Tuesday group sessions.ics"'  # not its id
    assert text.count("BEGIN:VEVENT") == GroupSession.objects(group_id=group.pk).count()
    assert "LOCATION:Hope Centre" in text and "Man 0" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    reports = client.get("/groups/reports").get_data(as_text=True)
    assert "Tuesday group" in reports and "Whole group" in reports
    sign_in(client, setup["partner_worker"])
    contacts = client.get("/groups/partner-contacts")
    assert contacts.status_code == 200 and "Contact with the partner during the group" in contacts.get_data(
        as_text=True)
    # In Welsh, as the pathway file words its deadlines.
    User.objects(pk=setup["partner_worker"].pk).update_one(set__language="cy")
    welsh = html.unescape(client.get("/groups/partner-contacts").get_data(as_text=True))
    assert "Cysylltiad â’r partner yn ystod y grŵp" in welsh and "Contact with the partner during" not in welsh
    assert client.get(f"/groups/{group.pk}").status_code == 403  # the group page is not for the partner side


def test_outsiders_learn_nothing(client, setup, make_user):
    group, first = joined(client, setup)
    sign_in(client, make_user(roles=["manager"], team="south"))
    assert client.get(f"/groups/{group.pk}").status_code == 404
    sign_in(client, make_user(roles=["referrer"], team=""))
    assert client.get("/groups").status_code == 403
    assert client.get(f"/groups/{group.pk}/calendar.ics").status_code == 403
    sign_in(client, make_user(roles=["practitioner"], team="north"))
    assert client.get(f"/groups/{group.pk}/sessions/{first.pk}/register").status_code == 403
    assert client.get("/groups/nonsense").status_code == 404


def test_admin_records_a_facilitators_sex(client, synced, make_team, make_user):
    make_team(key="north")
    person = make_user(roles=["practitioner"], team="north")
    sign_in(client, make_user(roles=["admin"], team=""))
    form = {"name": person.name, "roles": ["practitioner"], "team": "north", "capacity": "15"}
    bad = client.post(f"/admin/users/{person.pk}", data={**form, "sex": "other"})
    assert bad.status_code == 422 and "Choose man, woman or not recorded" in bad.get_data(as_text=True)
    client.post(f"/admin/users/{person.pk}", data={**form, "sex": "male"})
    person.reload()
    assert person.sex == "male"
    assert 'value="male" selected' in client.get(f"/admin/users/{person.pk}").get_data(as_text=True)


def test_a_closure_added_later_flags_the_session_to_move(client, setup, make_user):
    sign_in(client, setup["manager"])
    create(client, setup)
    group = Group.objects.get()
    later = GroupSession.objects(group_id=group.pk, date__gt=utcnow().date()).order_by("date").first()
    sign_in(client, make_user(roles=["admin"], team=""))
    response = client.post("/admin/teams/north", data={"action": "add_closure", "closure-day": str(later.date.day),
                                                       "closure-month": str(later.date.month),
                                                       "closure-year": str(later.date.year)})
    assert response.status_code == 302
    sign_in(client, setup["manager"])
    assert "Closed: Service closure" in client.get(f"/groups/{group.pk}").get_data(as_text=True)
    client.get("/language/cy?next=/")
    assert "Gwasanaeth ar gau" in client.get(f"/groups/{group.pk}").get_data(as_text=True)


def test_a_missing_choice_is_a_field_error_not_an_error_page(client, setup):
    sign_in(client, setup["manager"])
    create(client, setup)
    group = Group.objects.get()
    response = client.post(f"/groups/{group.pk}/intake", data={"case_ids": [str(setup["men"][0].pk)]})
    assert response.status_code == 422 and "Choose the intake date" in response.get_data(as_text=True)
    assert client.post(f"/groups/{group.pk}/sessions/nonsense/move", data={}).status_code == 404


def test_over_long_text_is_a_field_error_that_keeps_what_was_typed(client, setup, make_case):
    sign_in(client, setup["manager"])
    for field, limit, message in (("name", 120, "The group's name must be 120 characters or fewer"),
                                  ("venue", 300, "Where the group meets must be 300 characters or fewer")):
        response = create(client, setup, **{field: "x" * (limit + 1)})
        text = response.get_data(as_text=True)
        assert response.status_code == 422 and message.replace("'", "&#39;") in text and "x" * (limit + 1) in text
    assert not Group.objects
    create(client, setup)
    group = Group.objects.get()
    later = GroupSession.objects(group_id=group.pk, date__gt=utcnow().date()).order_by("date").first()
    day = later.date + timedelta(days=1)
    moved = client.post(f"/groups/{group.pk}/sessions/{later.pk}/move", data={
        "date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year), "reason": "r" * 501})
    assert moved.status_code == 422 and "Why it is moving must be 500 characters or fewer" in moved.get_data(
        as_text=True) and GroupSession.objects.get(pk=later.pk).date == later.date
    case = make_case(allocated_to=setup["manager"])
    today = utcnow().date()
    recorded = client.post(f"/cases/{case.pk}/sessions/new", data={
        "date-day": str(today.day), "date-month": str(today.month), "date-year": str(today.year),
        "session_type": "individual", "attendance": "attended", "notes": "n" * 10_001})
    assert recorded.status_code == 422 and "Notes must be 10,000 characters or fewer" in recorded.get_data(
        as_text=True) and "n" * 10_001 in recorded.get_data(as_text=True)


def test_a_cohort_still_to_start_is_said_to_join_not_to_have_joined(client, setup):
    sign_in(client, setup["manager"])
    create(client, setup)
    group = Group.objects.get()
    intake = GroupSession.objects(group_id=group.pk, intake=True, date__gte=utcnow().date()).first()
    assert client.post(f"/groups/{group.pk}/intake", data={
        "session_id": str(intake.pk), "case_ids": [str(m.pk) for m in setup["men"]]}).status_code == 302
    reports = html.unescape(client.get("/groups/reports").get_data(as_text=True))
    assert f"Joins {format_date(intake.date)} (session {intake.number})" in reports
    assert f"Joined {format_date(intake.date)}" not in reports


def test_the_programme_is_named_in_the_readers_language_on_group_pages(client, setup):
    sign_in(client, setup["manager"])
    create(client, setup)
    group = Group.objects.get()
    client.get("/language/cy?next=/")
    for path in ("/groups", f"/groups/{group.pk}", "/groups/reports"):
        page = html.unescape(client.get(path).get_data(as_text=True))
        assert "Byw heb Drais" in page and "Living without Violence" not in page, path


def test_a_register_changed_later_says_when_it_was_first_saved_and_last_changed(client, setup):
    group, first, url, men, marks = saved_register(client, setup)
    page = client.get(url).get_data(as_text=True)
    today = format_date(local_today(utcnow()))  # as the page shows dates: the service's own day
    assert f"This register was saved on {today}." in page
    # Saved first a week ago (moved back here), changed today.
    week_ago = utcnow() - timedelta(days=7)
    GroupSession.objects(pk=first.pk).update_one(set__recorded_at=week_ago, set__changed_at=week_ago)
    assert f"This register was saved on {format_date(local_today(week_ago))}." in client.get(url).get_data(as_text=True)
    assert client.post(url, data={**marks, f"mark-{men[2].pk}": "late"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert (f"This register was first saved on {format_date(local_today(week_ago))} and last changed on {today}."
            in page)
    # Saving it unchanged changes nothing, the dates included.
    assert client.post(url, data={**marks, f"mark-{men[2].pk}": "late"}).status_code == 302
    assert GroupSession.objects.get(pk=first.pk).recorded_at.date() == week_ago.date()
    assert GroupSession.objects.get(pk=first.pk).changed_at > week_ago


def test_a_future_session_s_register_opens_on_its_day(client, setup):
    group, _first = joined(client, setup)
    later = GroupSession.objects(group_id=group.pk, date__gt=local_today(utcnow())).order_by("date").first()
    response = client.get(f"/groups/{group.pk}/sessions/{later.pk}/register")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/groups/{group.pk}")
    page = html.unescape(client.get(f"/groups/{group.pk}").get_data(as_text=True))
    assert f"Session {later.number} is on" in page and "its register opens on the day" in page


def test_the_groups_list_says_when_the_next_session_falls_on_a_closure(client, setup):
    from models.team import Team

    group, _first = joined(client, setup)
    upcoming = GroupSession.objects(group_id=group.pk, date__gte=local_today(utcnow())).order_by("date").first()
    assert "Service closed: move this session" not in client.get("/groups").get_data(as_text=True)
    Team.objects(key="north").update_one(push__closures=datetime.combine(upcoming.date, datetime.min.time()))
    page = client.get("/groups").get_data(as_text=True)
    assert "Service closed: move this session" in page
