"""Groups on the real mongod: schedules across Christmas and Easter, places, catch-up limits, the register."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from bson import ObjectId

from errors import InvalidInput, NotAllowed, NotFound
from models.case import Case, CaseEvent, CaseSession
from models.deadline import Deadline
from models.group import Group, GroupAttendance, GroupMember, GroupSession
from services.groups import intake as groups_intake
from services.groups import members as groups_members
from services.groups import moves as groups_moves
from services.groups import register as groups_register
from services.groups import schedules as groups
from tests.command_log import count_commands


@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north", closures=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    return {
        "manager": make_user(roles=["manager"], team="north"),
        "him": make_user(roles=["practitioner"], team="north", name="Frank Facilitator", sex="male"),
        "her": make_user(roles=["practitioner"], team="north", name="Fiona Facilitator", sex="female"),
        "other_man": make_user(roles=["practitioner"], team="north", name="Fred Facilitator", sex="male"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
    }


def new_group(team, now, workflow_key="community_programme", start="2027-01-04", weekday=0, **extra):
    data = {"workflow_key": workflow_key, "name": "Monday evening group", "venue": "Hope Centre, Room 2",
            "weekday": str(weekday), "start_time": "18:30", "start_date": start,
            "facilitator_1": str(team["him"].pk), "facilitator_2": str(team["her"].pk), **extra}
    return groups.create_group(data, actor=team["manager"], now=now)


def waiting(make_case, team, n, workflow_key="community_programme", state="waiting_list", **fields):
    found = []
    for i in range(n):
        since = datetime(2026, 9, 1) + timedelta(days=i)
        found.append(make_case(workflow_key=workflow_key, actor=team["manager"], person={"name": f"Man {i + 1}"},
                               state=state, on_waiting_list=True, waiting_since=since, **fields))
    return found


def dates(group):
    return [s.date for s in groups.programme_sessions(group)]


def test_schedule_skips_christmas_new_year_and_team_closures(team, now):
    group = new_group(team, now, start="2026-12-04", weekday=4)  # Fridays; Christmas Day is a Friday in 2026
    got = dates(group)
    assert got[:5] == [date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18), date(2027, 1, 8),
                       date(2027, 1, 15)]
    assert len(got) == 36 and all(d.weekday() == 4 for d in got)
    skipped = {s["date"]: s["reason"] for s in groups.skipped_weeks(group)}
    assert skipped[date(2026, 12, 25)] == "Christmas Day"
    assert skipped[date(2027, 1, 1)] == "New Year's Day"
    tuesday = new_group(team, now, start="2026-12-15", weekday=1)  # the team is closed 29–31 December
    assert dates(tuesday)[:3] == [date(2026, 12, 15), date(2026, 12, 22), date(2027, 1, 5)]


def test_schedule_skips_good_friday_and_easter_monday(team, now):
    friday = new_group(team, now, start="2027-03-12", weekday=4)
    assert dates(friday)[:3] == [date(2027, 3, 12), date(2027, 3, 19), date(2027, 4, 2)]  # not Good Friday
    monday = new_group(team, now, start="2027-03-22", weekday=0)
    assert dates(monday)[:2] == [date(2027, 3, 22), date(2027, 4, 5)]


def test_rolling_intakes_every_six_weeks_and_fixed_cohort_only_at_the_start(team, now):
    rolling = groups.programme_sessions(new_group(team, now))
    assert [s.number for s in rolling if s.intake][:4] == [1, 7, 13, 19]
    cohort = groups.programme_sessions(new_group(team, now, workflow_key="probation_cdvp"))
    assert len(cohort) == 30 and [s.number for s in cohort if s.intake] == [1]


def test_same_sex_facilitators_need_confirming_when_the_programme_asks_for_a_mixed_pair(team, now):
    with pytest.raises(InvalidInput) as raised:
        new_group(team, now, facilitator_2=str(team["other_man"].pk))
    assert raised.value.problems[0].field == "confirm_pairing"
    assert "Both facilitators are men" in raised.value.problems[0].message
    assert new_group(team, now, facilitator_2=str(team["other_man"].pk), confirm_pairing="yes").pk
    # The DAO group does not ask for a mixed pair.
    assert new_group(team, now, workflow_key="dao_pathway", facilitator_2=str(team["other_man"].pk)).pk


def test_group_fields_are_checked_and_named(team, now):
    with pytest.raises(InvalidInput) as raised:
        groups.create_group({"workflow_key": "partner_support", "start_time": "7pm", "start_date": "2027-02-30"},
                            actor=team["manager"], now=now)
    fields = {p.field for p in raised.value.problems}
    assert {"workflow_key", "name", "venue", "weekday", "start_time", "start_date", "facilitator_1"} <= fields


@pytest.mark.parametrize(("weekday", "day"), [(5, "Saturday"), (6, "Sunday")])
def test_a_group_meets_on_a_working_day(team, now, weekday, day):
    with pytest.raises(InvalidInput) as raised:
        new_group(team, now, weekday=weekday)
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("weekday", "Select the day the group meets, from Monday to Friday")], day
    assert not Group.objects(name="Monday evening group")


def test_capacity_urgent_first_and_the_next_intake(team, make_case, now):
    group = new_group(team, now)
    men = waiting(make_case, team, 10)
    Case.objects(pk=men[9].pk).update_one(set__priority="urgent")
    plan = groups_intake.intake_plan("north", "community_programme", now.date())
    assert plan["rows"][0]["case"].pk == men[9].pk  # urgent first, then the longest waiting
    assert [r["place"] for r in plan["rows"][:8]] == list(range(1, 9))
    first = groups.programme_sessions(group)[0]
    assert plan["rows"][8]["session"].number == 7  # no place at the first intake: he waits for the next
    with pytest.raises(InvalidInput):
        groups_members.add_members(group, first.pk, [str(m.pk) for m in men[:9]], actor=team["manager"], now=now)
    assert GroupMember.objects.count() == 0  # all or none
    groups_members.add_members(group, first.pk, [str(m.pk) for m in men[:8]], actor=team["manager"], now=now)
    assert groups_intake.free_places(group, 1) == 0 and groups_intake.free_places(group, 7) == 0
    case = Case.objects.get(pk=men[0].pk)
    assert case.state == "group" and case.allocated_to == str(team["him"].pk) and not case.on_waiting_list
    assert case.fields["group_start_date"] == "2027-01-04"
    member = GroupMember.objects.get(case_id=men[0].pk)
    assert member.waited_days == (date(2027, 1, 4) - date(2026, 9, 1)).days


def test_drop_out_frees_a_place_at_the_next_intake_and_he_can_rejoin(team, make_case, now):
    group = new_group(team, now)
    men = waiting(make_case, team, 9)
    sessions = groups.programme_sessions(group)
    groups_members.add_members(group, sessions[0].pk, [str(m.pk) for m in men[:8]], actor=team["manager"], now=now)
    later = datetime(2027, 1, 19, 20)  # after session 3
    groups_register.save_register(group, sessions[0].pk, register(men[:8], *["attended"] * 8), actor=team["him"],
                                  now=later)
    member = GroupMember.objects.get(case_id=men[2].pk)
    groups_members.leave_group(group, member.pk, {"reason": "Started a new job on Monday evenings"},
                               actor=team["him"], now=later)
    member.reload()
    assert (member.status, member.left_week) == ("left", 3)
    case = Case.objects.get(pk=men[2].pk)
    assert case.state == "dropped_out" and case.fields["drop_out_week"] == 3
    assert groups_intake.free_places(group, 7) == 1
    plan = groups_intake.intake_plan("north", "community_programme", later.date())
    assert plan["rows"][0]["case"].pk == men[8].pk and plan["rows"][0]["session"].number == 7
    groups_members.add_members(group, sessions[6].pk, [str(men[8].pk)], actor=team["manager"], now=later)
    assert Case.objects.get(pk=men[8].pk).state == "group"
    # A rolling group's schedule grows so the newcomer does all 36 sessions.
    assert len(groups.programme_sessions(group)) == 42
    with pytest.raises(InvalidInput) as refused:
        groups_members.rejoin_group(group, men[2].pk, {"session_id": str(sessions[12].pk), "reason": "Back"},
                                    actor=team["manager"], now=later)  # no place until someone leaves
    assert [p.field for p in refused.value.problems] == ["session_id"]
    other = GroupMember.objects.get(case_id=men[0].pk)
    groups_members.leave_group(group, other.pk, {"reason": "Moved away", "week": "3"}, actor=team["manager"],
                               now=later)
    back = groups_members.rejoin_group(group, men[2].pk, {"session_id": str(sessions[12].pk), "reason": "Ready"},
                                       actor=team["manager"], now=later)
    assert back.first_week == 3 and Case.objects.get(pk=men[2].pk).state == "group"
    from services.groups.reports import group_report

    report = group_report(group)
    # He is one man, back in the group: counted once, and not as a drop-out; the other man who left is.
    assert report["members"] == 9 and report["dropped_out"] == 1 and report["drop_out_weeks"] == [3]
    rejoined = next(c for c in report["cohorts"] if c["number"] == 13)
    # Nothing of his new time in the group has happened yet: no attendance to speak of.
    assert rejoined["members"] == 1 and rejoined["marks"] == 0 and rejoined["attendance_rate"] is None


def test_a_drop_out_week_cannot_be_before_a_session_he_attended(team, make_case, now):
    group = new_group(team, now)
    men = waiting(make_case, team, 2)
    sessions = groups.programme_sessions(group)
    groups_members.add_members(group, sessions[0].pk, [str(m.pk) for m in men], actor=team["manager"], now=now)
    later = datetime(2027, 1, 19, 20)  # after session 3
    for session in sessions[:3]:
        groups_register.save_register(group, session.pk, register(men, "attended", "late"), actor=team["him"],
                                      now=later)
    member = GroupMember.objects.get(case_id=men[1].pk)
    with pytest.raises(InvalidInput) as refused:
        groups_members.leave_group(group, member.pk, {"week": "2", "reason": "Stopped coming"}, actor=team["him"],
                                   now=later)
    assert refused.value.problems[0].message == "He attended the session of week 3: enter week 3 or later"
    with pytest.raises(InvalidInput) as refused:  # the group has met only three times
        groups_members.leave_group(group, member.pk, {"week": "9", "reason": "Stopped coming"}, actor=team["him"],
                                   now=later)
    assert refused.value.problems[0].message == "He has reached week 3: enter week 3 or earlier"
    groups_members.leave_group(group, member.pk, {"week": "3", "reason": "Stopped coming"}, actor=team["him"],
                               now=later)
    assert GroupMember.objects.get(pk=member.pk).left_week == 3


def test_a_man_past_the_absence_limit_is_said_to_have_reached_it_in_the_readers_language(app, team, make_case,
                                                                                         now):
    from flask_babel import force_locale

    from models.case import CaseSession
    from services.groups.views import _absence_warnings
    from services.pathways.store import definition_for

    case = waiting(make_case, team, 1)[0]
    for number in (1, 2, 3):
        CaseSession(case_id=case.pk, date=now.date(), session_type="group", number=number,
                    attendance="unacceptable_absence", recorded_at=now).save()
    defn = definition_for(case)
    assert "Reached with 3 unacceptable absences: A third absence without good reason goes to the manager" in \
        _absence_warnings(case, defn)
    with app.test_request_context(), force_locale("cy"):
        welsh = _absence_warnings(case, defn)
    assert any("Mae trydydd absenoldeb heb reswm da yn mynd at y rheolwr" in w for w in welsh), welsh


def cdvp_cohort(team, make_case, now, n=3):
    group = new_group(team, now, workflow_key="probation_cdvp", start="2026-11-02")
    men = waiting(make_case, team, n, workflow_key="probation_cdvp", state="pre_programme",
                  fields={"referral_information_sent": True})
    first = groups.programme_sessions(group)[0]
    groups_members.add_members(group, first.pk, [str(m.pk) for m in men], actor=team["manager"],
                               now=datetime(2026, 10, 20, 9))
    return group, men


def register(men, *marks):
    return {f"mark-{m.pk}": mark for m, mark in zip(men, marks, strict=True)}


def test_register_records_every_member_and_starts_the_breach_decision(team, make_case, now):
    group, men = cdvp_cohort(team, make_case, now)
    first = groups.programme_sessions(group)[0]
    data = {**register(men, "attended", "late", "unacceptable_absence"), f"note-{men[0].pk}": "Took part well",
            "facilitator_note": "Group dynamics: quiet start"}
    assert groups_register.save_register(group, first.pk, data, actor=team["him"], now=now) == {
        "recorded": 3, "corrected": 0}
    assert [s.attendance for s in CaseSession.objects(case_id__in=[m.pk for m in men]).order_by("case_id")] == [
        "attended", "late", "unacceptable_absence"]
    assert CaseSession.objects.get(case_id=men[0].pk).notes == "Took part well"
    assert Deadline.objects(case_id=men[2].pk, key="breach_decision", active=True).count() == 1
    assert Deadline.objects(case_id=men[0].pk, key="breach_decision").count() == 0
    # Saving the same register again changes nothing.
    counts = (CaseSession.objects.count(), CaseEvent.objects.count(), Deadline.objects.count())
    assert groups_register.save_register(group, first.pk, data, actor=team["her"], now=now + timedelta(hours=1)) \
        == {"recorded": 0, "corrected": 0}
    assert (CaseSession.objects.count(), CaseEvent.objects.count(), Deadline.objects.count()) == counts
    assert GroupSession.objects.get(pk=first.pk).facilitator_note == "Group dynamics: quiet start"


def test_register_is_all_or_nothing(team, make_case, now):
    group, men = cdvp_cohort(team, make_case, now)
    first = groups.programme_sessions(group)[0]
    with pytest.raises(InvalidInput) as raised:
        groups_register.save_register(group, first.pk, register(men[:2], "attended", "attended"),
                                      actor=team["him"], now=now)
    assert [p.field for p in raised.value.problems] == [f"mark-{men[2].pk}"]
    assert CaseSession.objects.count() == 0 and GroupAttendance.objects.count() == 0
    future = groups.programme_sessions(group)[5]
    with pytest.raises(NotAllowed):
        groups_register.save_register(group, future.pk, register(men, *["attended"] * 3), actor=team["him"],
                                      now=now)
    with pytest.raises(NotAllowed):
        groups_register.save_register(group, first.pk, register(men, *["attended"] * 3),
                                      actor=team["other_man"], now=now)  # not a facilitator of this group


def test_a_failure_part_way_through_a_save_records_nobody(team, make_case, now, monkeypatch):
    group, men = cdvp_cohort(team, make_case, now)
    first = groups.programme_sessions(group)[0]
    data = register(men, "unacceptable_absence", "unacceptable_absence", "unacceptable_absence")
    real, calls = groups_register.apply_session, []

    def failing(case, fields, **kw):
        calls.append(case.pk)
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return real(case, fields, **kw)

    before = (CaseEvent.objects.count(), Deadline.objects.count())
    monkeypatch.setattr(groups_register, "apply_session", failing)
    with pytest.raises(RuntimeError):
        groups_register.save_register(group, first.pk, data, actor=team["him"], now=now)
    # The first two men's sessions, history and breach deadlines were rolled back with the rest.
    assert (CaseSession.objects.count(), GroupAttendance.objects.count()) == (0, 0)
    assert (CaseEvent.objects.count(), Deadline.objects.count()) == before
    assert GroupSession.objects.get(pk=first.pk).recorded_at is None
    monkeypatch.setattr(groups_register, "apply_session", real)
    assert groups_register.save_register(group, first.pk, data, actor=team["him"], now=now)["recorded"] == 3
    assert Deadline.objects(key="breach_decision", active=True).count() == 3


def test_correcting_a_mark_fires_only_the_new_rules(team, make_case, now):
    group, men = cdvp_cohort(team, make_case, now, n=1)
    first = groups.programme_sessions(group)[0]
    groups_register.save_register(group, first.pk, register(men, "attended"), actor=team["him"], now=now)
    groups_register.save_register(group, first.pk, register(men, "unacceptable_absence"), actor=team["him"],
                                  now=now)
    assert CaseSession.objects.get(case_id=men[0].pk).attendance == "unacceptable_absence"
    assert Deadline.objects(case_id=men[0].pk, key="breach_decision").count() == 1


def test_a_concern_or_note_added_later_is_what_the_history_says_not_a_mark_corrected_to_itself(team, make_case,
                                                                                                  now):
    group, men = cdvp_cohort(team, make_case, now, n=1)
    first = groups.programme_sessions(group)[0]
    groups_register.save_register(group, first.pk, register(men, "attended"), actor=team["him"], now=now)
    data = {**register(men, "attended"), f"concern-{men[0].pk}": "yes", f"note-{men[0].pk}": "Raised his voice"}
    groups_register.save_register(group, first.pk, data, actor=team["him"], now=now)
    labels = [e.label for e in CaseEvent.objects(case_id=men[0].pk, name__startswith="attendance")]
    assert labels == ["Group session: a concern about his behaviour noted",
                      "Group session: the note on his case changed"]
    assert CaseSession.objects.get(case_id=men[0].pk).flags == ["concern"]


def test_catch_ups_within_the_programme_limit(team, make_case, now):
    group, men = cdvp_cohort(team, make_case, now, n=1)
    sessions = groups.programme_sessions(group)[:4]
    member = GroupMember.objects.get(case_id=men[0].pk)
    for s in sessions:
        when = datetime.combine(s.date, datetime.min.time()) + timedelta(hours=20)
        groups_register.save_register(group, s.pk, register(men, "acceptable_absence"), actor=team["him"], now=when)
    assert len(groups_register.missed_sessions(group, member)) == 4
    with pytest.raises(InvalidInput) as blank:
        groups_register.offer_catch_up(group, member.pk, {"missed_session_id": str(sessions[3].pk), "date": ""},
                                       actor=team["her"], now=now)
    assert [p.message for p in blank.value.problems] == ["Enter the date of the catch-up"]
    offered = []
    for s in sessions[:3]:
        offered.append(groups_register.offer_catch_up(
            group, member.pk, {"missed_session_id": str(s.pk), "date": "2026-11-26"}, actor=team["her"], now=now))
    with pytest.raises(NotAllowed, match="3 catch-up sessions"):
        groups_register.offer_catch_up(group, member.pk, {"missed_session_id": str(sessions[3].pk),
                                                          "date": "2026-11-26"}, actor=team["her"], now=now)
    groups_register.save_register(group, offered[0].pk, register(men, "attended"), actor=team["her"],
                                  now=datetime(2026, 11, 26, 20))
    from services.cases.engine_view import session_counts

    counts = session_counts(Case.objects.get(pk=men[0].pk))
    assert counts["catch_ups"] == 1 and counts["catch_ups_by_type"] == {"group": 1}


def test_moving_a_session_keeps_it_between_its_neighbours_on_a_working_day(team, now):
    group = new_group(team, now)
    second = groups.programme_sessions(group)[1]
    for day, words in (("2027-01-16", "not a working day"), ("2027-01-19", "between the sessions")):
        with pytest.raises(InvalidInput) as raised:
            groups_moves.move_session(group, second.pk, {"date": day, "reason": "Venue"}, actor=team["manager"],
                                      now=now)
        assert words in raised.value.problems[0].message
    with pytest.raises(InvalidInput) as raised:  # where it is already: nothing would move
        groups_moves.move_session(group, second.pk, {"date": second.date.isoformat(), "reason": "Venue"},
                                  actor=team["manager"], now=now)
    assert "is already on" in raised.value.problems[0].message
    with pytest.raises(InvalidInput) as raised:  # the date first, as the page asks it first
        groups_moves.move_session(group, second.pk, {"date": "", "reason": ""}, actor=team["manager"], now=now)
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("date", "Enter the new date"), ("reason", "Say why the session is moving")]
    moved = groups_moves.move_session(group, second.pk, {"date": "2027-01-13", "reason": "Venue closed"},
                                actor=team["manager"], now=now)
    assert (moved.date, moved.moved_from) == (date(2027, 1, 13), date(2027, 1, 11))
    with pytest.raises(NotAllowed):
        groups_moves.move_session(group, second.pk, {"date": "2027-01-14", "reason": "x"}, actor=team["him"], now=now)


def test_icalendar_export_folds_escapes_and_uses_utc(team, now):
    from services.groups.ical import group_calendar

    group = new_group(team, now, start="2027-06-28", name="Groupe du lundi – café, thé; et «amis» " * 3,
                      venue="Salle 2; Maison de l'Espoir, 14 rue du Marché")
    text = group_calendar(group, now=now)
    lines = text.split("\r\n")
    assert text.endswith("\r\n") and all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "LOCATION:Salle 2\\; Maison de l'Espoir\\, 14 rue du Marché" in unfolded
    assert "DTSTART:20270628T173000Z" in unfolded  # 18:30 British Summer Time
    assert "DTSTART:20271101T183000Z" in unfolded  # 18:30 GMT after the clocks go back
    assert unfolded.count("BEGIN:VEVENT") == 36 and "Man" not in unfolded


def test_a_man_is_in_one_group_at_a_time(team, make_case, now):
    from mongoengine.errors import NotUniqueError

    first, second = new_group(team, now), new_group(team, now, start="2027-01-05", weekday=1)
    man = waiting(make_case, team, 1)[0]
    groups_members.add_members(first, groups.programme_sessions(first)[0].pk, [str(man.pk)], actor=team["manager"],
                               now=now)
    with pytest.raises(InvalidInput):  # he is no longer waiting
        groups_members.add_members(second, groups.programme_sessions(second)[0].pk, [str(man.pk)],
                                   actor=team["manager"], now=now)
    with pytest.raises(NotUniqueError):  # and the database refuses a second place even if two managers race
        GroupMember(group_id=second.pk, case_id=man.pk, team="north", join_number=1, joined_on=date(2027, 1, 5),
                    created_at=now).save()


def test_moving_group_carries_his_weeks_and_reports_count_per_cohort(team, make_case, now):
    from services.groups.reports import group_report

    first = new_group(team, now, start="2026-11-02")
    other = new_group(team, now, start="2026-12-01", weekday=1)
    # Referred before the group began (a start date before his referral is refused).
    men = waiting(make_case, team, 3, referred_at=datetime(2026, 9, 1))
    groups_members.add_members(first, groups.programme_sessions(first)[0].pk, [str(m.pk) for m in men],
                               actor=team["manager"], now=datetime(2026, 10, 20, 9))
    for s in groups.programme_sessions(first)[:3]:
        marks = register(men, "attended", "late", "unacceptable_absence" if s.number == 2 else "attended")
        evening = datetime.combine(s.date, datetime.min.time()) + timedelta(hours=21)
        groups_register.save_register(first, s.pk, marks, actor=team["him"], now=evening)
    member = GroupMember.objects.get(case_id=men[0].pk)
    moved = groups_members.move_member(first, member.pk, {
        "group_id": str(other.pk), "session_id": str(groups.programme_sessions(other)[0].pk)},
        actor=team["manager"], now=now)
    assert (moved.first_week, moved.join_number) == (4, 1)
    assert GroupMember.objects.get(pk=member.pk).status == "moved"
    assert Case.objects.get(pk=men[0].pk).state == "group"  # the case stays in the group state
    report = group_report(first)
    assert (report["members"], report["moved"], report["marks"], report["attended"]) == (3, 1, 9, 8)
    assert report["attendance_rate"] == 89 and report["completed"] == 0 and report["median_wait_days"] == 61
    assert [c["number"] for c in report["cohorts"]] == [1]


def test_planning_intakes_costs_the_same_commands_with_two_groups_or_six(team, make_case, now, app_config):
    waiting(make_case, team, 12)
    database, found = app_config["MONGODB_DB"], []
    for weekday in range(6):
        new_group(team, now, weekday=weekday % 5, name=f"Group {weekday}",
                  start=(date(2027, 1, 4) + timedelta(days=weekday % 5)).isoformat())  # each on its own day
        if weekday in (1, 5):
            groups_intake.intake_plan("north", "community_programme", now.date())  # any schedule growth first
            plan, commands = count_commands(database, lambda: groups_intake.intake_plan(
                "north", "community_programme", now.date()))
            found.append((len(plan["slots"]), sorted(commands)))
    (slots_two, two), (slots_six, six) = found
    assert slots_six > slots_two > 0
    assert six == two, (two, six)


def test_guarded_candidates_cost_no_read_per_man(team, make_case, now, app_config):
    # The pathway's candidate guards read only his case's fields: his forms and attendance are not read.
    new_group(team, now, workflow_key="dao_pathway", name="DAO group")
    database, found = app_config["MONGODB_DB"], []
    for count in (2, 8):
        while len(Case.objects(workflow_key="dao_pathway", state="intervention")) < count:
            waiting(make_case, team, 1, workflow_key="dao_pathway", state="intervention",
                    fields={"intervention": "group"})
        waiting(make_case, team, 1, workflow_key="dao_pathway", state="intervention",
                fields={"intervention": "one_to_one"})
        groups_intake.intake_plan("north", "dao_pathway", now.date())  # any schedule growth first
        plan, commands = count_commands(database, lambda: groups_intake.intake_plan(
            "north", "dao_pathway", now.date()))
        found.append((plan, sorted(commands)))
    (plan_two, two), (plan_eight, eight) = found
    guarded = {c.pk for c in Case.objects(workflow_key="dao_pathway", fields__intervention="group")}
    assert {row["case"].pk for row in plan_eight["rows"]} == guarded and len(guarded) == 7
    assert len(plan_two["rows"]) == 2 and plan_eight["rows"][0]["case"].person.name
    assert eight == two, (two, eight)


def test_a_re_join_of_a_made_up_or_another_team_s_case_says_there_is_no_such_case(team, make_case, now):
    group = new_group(team, now)
    (him,) = waiting(make_case, team, 1)
    elsewhere = make_case(workflow_key="community_programme", team="south", actor=team["manager"])
    for made_up in ("not-an-id", str(ObjectId()), str(elsewhere.pk)):
        with pytest.raises(NotFound) as refused:
            groups_members.rejoiner(group, made_up)
        assert str(refused.value) == "There is no such case", made_up
    # A case of the team that never left a group is told apart.
    with pytest.raises(NotFound) as refused:
        groups_members.rejoiner(group, him.pk)
    assert str(refused.value) == "He has not left a group, or is in one now"
