"""Deadlines: due dates on the team's calendar, idempotent starts, meeting, pausing, closing and listing."""

from __future__ import annotations

import itertools
import threading
from datetime import date, datetime, time, timedelta

import pytest
from bson import ObjectId

from errors import NotAllowed
from models.case import Case, CaseEvent
from models.deadline import OPEN, Deadline
from models.notification import Notification
from models.team import Team
from services.deadlines import lists
from services.deadlines import tracking as svc

_refs = itertools.count(1)

RISK = {"key": "risk_assessment", "label": "Risk assessment", "duration": {"weeks": 6},
        "basis": "6 weeks after allocation", "role": "practitioner", "met_by": {"form": "risk_assessment"},
        "reminders": [{"days_before": 7}, {"working_days_before": 1}, {"on_due": True}],
        "escalation": {"to": "manager", "after_days": 0, "repeat_every_days": 3}}
RMP = {"key": "risk_management_plan", "label": "Risk management plan", "duration": {"working_days": 5},
       "basis": "5 working days after high risk", "role": "practitioner", "met_by": [{"form": "action_plan"}],
       "reminders": [{"working_days_before": 2}, {"on_due": True}], "escalation": {"to": "manager"}}
WORKBOOK = {"key": "workbook", "label": "Workbook", "duration": {"working_days_before": "supervision"},
            "basis": "2 working days before the team's next group supervision", "role": "practitioner",
            "met_by": {"event": "complete_workbook"}, "repeats": True,
            "reminders": [{"working_days_before": 2}, {"on_due": True}],
            "escalation": {"to": "manager", "after_days": 1}}
PARTNER = {"key": "partner_first_contact", "label": "First contact with the partner",
           "duration": {"weeks": 2}, "basis": "2 weeks after referral", "role": "partner_worker",
           "met_by": {"event": "partner_contacted"}}


def make_case(*, team="north", allocated_to=None, person="Darren Holloway", kind="perpetrator", referrer=None,
              now=datetime(2026, 11, 24, 10, 0), parent=None, status="open"):
    """Save and return an open DAO case."""
    from models.case import Person

    case = Case(reference=f"DAO-2026-{next(_refs):05d}", workflow_key="dao_pathway", workflow_version=1,
                status=status, team=team, person=Person(name=person), kind=kind, created_at=now,
                allocated_to=str(allocated_to.pk) if allocated_to else "",
                referrer_id=str(referrer.pk) if referrer else "",
                parent_case_id=parent.pk if parent else None)
    case.save()
    return case


@pytest.fixture
def practitioner(make_user):
    return make_user(roles=["practitioner"], name="Priya Practitioner")


@pytest.fixture
def manager(make_user):
    return make_user(roles=["manager"], name="Morgan Manager")


@pytest.mark.parametrize("duration, start, due", [
    ({"weeks": 6}, datetime(2026, 11, 24, 10), datetime(2027, 1, 5, 23, 59, 59)),
    ({"working_days": 5}, datetime(2026, 11, 24, 10), datetime(2026, 12, 1, 23, 59, 59)),
    # Christmas Day and Boxing Day (observed on Monday 28th) are not working days.
    ({"working_days": 5}, datetime(2026, 12, 21, 9), datetime(2026, 12, 30, 23, 59, 59)),
    ({"working_days": 1}, datetime(2026, 12, 31, 16), datetime(2027, 1, 4, 23, 59, 59)),
    # Calendar days are not moved off holidays.
    ({"days": 10}, datetime(2026, 12, 20, 9), datetime(2026, 12, 30, 23, 59, 59)),
    ({"months": 4}, datetime(2026, 10, 31, 9), datetime(2027, 2, 28, 23, 59, 59)),
])
def test_due_dates_follow_the_team_calendar(app, practitioner, duration, start, due):
    case = make_case(allocated_to=practitioner)
    deadline = svc.start_deadline(case, "x", now=start, spec={**RISK, "key": "x", "duration": duration})
    assert deadline.due_at == due
    assert deadline.owner_ids == [str(practitioner.pk)]
    assert deadline.basis.startswith("6 weeks after allocation, counted from ")


@pytest.mark.parametrize("region, due", [("england_wales", date(2027, 1, 4)), ("scotland", date(2027, 1, 5))])
def test_holiday_region_comes_from_the_settings(app, region, due):
    case = make_case()
    deadline = svc.start_deadline(case, "x", now=datetime(2026, 12, 31, 9),
                                  settings={"HOLIDAY_REGION": region},
                                  spec={**RMP, "key": "x", "duration": {"working_days": 1}})
    assert deadline.due_at.date() == due


def test_reminder_times_skip_bank_holidays_and_the_past(app):
    case = make_case()
    deadline = svc.start_deadline(case, "rmp", now=datetime(2026, 12, 22, 9), spec=RMP)
    # Due Thursday 31 December (23, 24, 29, 30, 31): two working days before it skip the bank holidays.
    assert deadline.due_at == datetime(2026, 12, 31, 23, 59, 59)
    assert deadline.reminders == [datetime(2026, 12, 29, 8), datetime(2026, 12, 31, 8)]
    assert deadline.next_action_at == datetime(2026, 12, 29, 8)
    # A reminder due before the clock started (08:00 today, started at 09:00) is dropped.
    spec = {**RMP, "reminders": [{"working_days_before": 5}, {"on_due": True}]}
    late = svc.start_deadline(make_case(), "rmp", now=datetime(2026, 12, 22, 9), spec=spec)
    assert late.reminders == [datetime(2026, 12, 31, 8)]


def test_anchor_label_gives_a_full_basis(app):
    deadline = svc.start_deadline(make_case(), "rmp", now=datetime(2026, 11, 24, 10), spec=RMP,
                                  anchor_label="the risk was assessed as high",
                                  anchor_at=datetime(2026, 11, 23, 15))
    assert deadline.basis == "5 working days after the risk was assessed as high on 23 November 2026"
    assert deadline.due_at == datetime(2026, 11, 30, 23, 59, 59)


@pytest.mark.parametrize("start, supervision, due", [
    (datetime(2026, 11, 24, 10), [date(2026, 12, 8), date(2027, 1, 12)], date(2026, 12, 4)),
    # Too late for the 8 December workbook day (4 December): the next supervision counts.
    (datetime(2026, 12, 7, 10), [date(2026, 12, 8), date(2027, 1, 12)], date(2027, 1, 8)),
    # Two working days before 29 December skip Christmas and Boxing Day.
    (datetime(2026, 12, 1, 10), [date(2026, 12, 29)], date(2026, 12, 23)),
])
def test_workbook_due_two_working_days_before_supervision(app, start, supervision, due):
    Team(key="north", name="North", supervision_dates=supervision).save()
    deadline = svc.start_deadline(make_case(), "workbook", now=start, spec=WORKBOOK)
    assert deadline.due_at == datetime.combine(due, datetime.max.time()).replace(microsecond=0)
    assert deadline.basis.startswith("2 working days before the team's group supervision on ")


def test_workbook_without_supervision_dates_waits_and_tells_managers(app, manager, now):
    Team(key="north", name="North").save()
    case = make_case()
    deadline = svc.start_deadline(case, "workbook", now=now, spec=WORKBOOK)
    assert deadline.due_at is None and deadline.next_action_at is None
    assert Notification.objects(user_id=str(manager.pk), template="supervision_dates_needed").count() == 1
    team = Team.objects.get(key="north")
    team.supervision_dates = [date(2026, 12, 8)]
    team.save()
    assert svc.reschedule_supervision_deadlines(team, now=now) == 1
    deadline.reload()
    assert deadline.due_at == datetime(2026, 12, 4, 23, 59, 59)
    assert deadline.next_action_at == datetime(2026, 12, 2, 8)


@pytest.mark.parametrize("route", ["meet", "stop_with_restart"])
def test_repeating_workbook_moves_to_the_next_supervision(app, now, route):
    Team(key="north", name="North", supervision_dates=[date(2026, 12, 8), date(2027, 1, 12)]).save()
    case = make_case()
    first = svc.start_deadline(case, "workbook", now=now, spec=WORKBOOK)
    met_at = datetime(2026, 12, 3, 12)
    if route == "meet":
        met = svc.meet_deadlines_for_transition(case, "complete_workbook", now=met_at)
        assert [d.pk for d in met] == [first.pk]
    else:
        assert svc.stop_deadline(case, "workbook", status="met", restart=True, now=met_at).pk == first.pk
    second = Deadline.objects.get(case_id=case.pk, active=True)
    assert second.due_at == datetime(2027, 1, 8, 23, 59, 59)
    assert second.started_at == met_at and second.reminder_rules == WORKBOOK["reminders"]


def test_starting_an_open_kind_again_returns_the_open_one(app, now):
    case = make_case()
    first = svc.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    again = svc.start_deadline(case, "risk_assessment", now=now + timedelta(days=3), spec=RISK)
    assert again.pk == first.pk and Deadline.objects(case_id=case.pk).count() == 1


def test_concurrent_starts_leave_one_open_deadline(app, now):
    case = make_case()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def start():
        try:
            barrier.wait()
            results.append(svc.start_deadline(case, "risk_assessment", now=now, spec=RISK).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Deadline.objects(case_id=case.pk, active=True).count() == 1
    assert len(set(results)) == 1


@pytest.mark.parametrize("met_at, late", [
    (datetime(2026, 12, 1, 12), False),
    (datetime(2027, 1, 6, 9), True),
])
def test_meeting_by_form_records_whether_it_was_late(app, now, met_at, late):
    case = make_case()
    svc.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    assert svc.meet_deadlines_for_form(case, "sara", now=met_at) == []
    [met] = svc.meet_deadlines_for_form(case, "risk_assessment", now=met_at)
    assert (met.status, met.late, met.active, met.next_action_at) == ("met", late, False, None)
    assert met.closed_reason == "form: risk_assessment"
    assert CaseEvent.objects(case_id=case.pk, kind="deadline").count() == 2


def test_stop_and_cancel(app, now):
    case = make_case()
    svc.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    svc.start_deadline(case, "rmp", now=now, spec=RMP)
    svc.start_deadline(case, "records", now=now, spec={**RMP, "key": "records"})
    assert svc.stop_deadline(case, "absent", now=now) is None
    stopped = svc.stop_deadline(case, "rmp", status="cancelled", met_by="risk lowered", now=now)
    assert stopped.status == "cancelled" and stopped.closed_reason == "risk lowered"
    cancelled = svc.cancel_case_deadlines(case, now=now, keep=["records"])
    assert [d.key for d in cancelled] == ["risk_assessment"]
    assert Deadline.objects.get(case_id=case.pk, key="records").status == "open"
    with pytest.raises(ValueError):
        svc.stop_deadline(case, "records", status="missed", now=now)


def test_pause_and_resume_shift_due_date_and_reminders(app, now):
    case = make_case()
    deadline = svc.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    assert svc.pause_deadlines(case, now=datetime(2026, 12, 1, 10)) == 1
    deadline.reload()
    assert deadline.status == "paused" and deadline.next_action_at is None
    assert svc.resume_deadlines(case, now=datetime(2026, 12, 11, 9)) == 1
    deadline.reload()
    assert deadline.status == "open" and deadline.paused_days == 10
    assert deadline.due_at == datetime(2027, 1, 15, 23, 59, 59)
    assert deadline.reminders == [datetime(2027, 1, 8, 8), datetime(2027, 1, 14, 8), datetime(2027, 1, 15, 8)]
    assert deadline.next_action_at == datetime(2027, 1, 8, 8)


def test_pausing_a_missed_deadline_keeps_it_missed_and_delays_escalation(app, now):
    from services.deadlines.reminders import sweep_reminders

    case = make_case()
    deadline = svc.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    sweep_reminders(now=datetime(2027, 1, 6, 9), settings={"MAIL_ENABLED": False, "BASE_URL": "http://x"})
    deadline.reload()
    assert deadline.status == "missed" and deadline.next_escalation_at == datetime(2027, 1, 8, 23, 59, 59)
    svc.pause_deadlines(case, now=datetime(2027, 1, 7, 9))
    svc.resume_deadlines(case, now=datetime(2027, 1, 12, 9))
    deadline.reload()
    assert deadline.status == "missed" and deadline.due_at == datetime(2027, 1, 5, 23, 59, 59)
    assert deadline.next_escalation_at == deadline.next_action_at == datetime(2027, 1, 13, 23, 59, 59)


def test_owners_follow_allocation_and_partner_cases(app, make_user, now):
    practitioner = make_user(roles=["practitioner"])
    worker = make_user(roles=["partner_worker"])
    other_worker = make_user(roles=["partner_worker"])
    case = make_case()
    deadline = svc.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    partner = svc.start_deadline(case, "partner_first_contact", now=now, spec=PARTNER)
    assert deadline.owner_ids == []
    # Before a partner worker is assigned, the team's partner workers all hold it.
    assert sorted(partner.owner_ids) == sorted([str(worker.pk), str(other_worker.pk)])
    Case.objects(pk=case.pk).update_one(set__allocated_to=str(practitioner.pk))
    make_case(kind="partner", parent=case, allocated_to=worker)
    case.reload()
    assert svc.refresh_owners(case) == 2
    assert Deadline.objects.get(pk=deadline.pk).owner_ids == [str(practitioner.pk)]
    assert Deadline.objects.get(pk=partner.pk).owner_ids == [str(worker.pk)]


def test_list_deadlines_mine_team_and_case(app, make_user, now):
    mine = make_user(roles=["practitioner"])
    colleague = make_user(roles=["practitioner"])
    boss = make_user(roles=["manager"])
    referrer = make_user(roles=["referrer"], team="")
    elsewhere = make_user(roles=["manager"], team="south")
    a, b = make_case(allocated_to=mine), make_case(allocated_to=colleague)
    svc.start_deadline(a, "rmp", now=now, spec=RMP)
    svc.start_deadline(a, "risk_assessment", now=now, spec=RISK)
    svc.start_deadline(b, "rmp", now=now, spec=RMP)
    svc.stop_deadline(a, "rmp", now=now)
    assert [d.key for d in lists.list_deadlines(actor=mine)] == ["risk_assessment"]
    assert len(lists.list_deadlines(actor=boss, scope="team")) == 2
    assert lists.list_deadlines(actor=elsewhere, scope="team") == []
    assert [d.status for d in lists.list_deadlines(actor=mine, case=a)] == ["open", "met"]
    with pytest.raises(NotAllowed):
        lists.list_deadlines(actor=mine, scope="team")
    with pytest.raises(NotAllowed):
        lists.list_deadlines(actor=referrer)
    with pytest.raises(NotAllowed):
        lists.list_deadlines(actor=elsewhere, case=a)
    # A case allocated after its deadline started is the holder's at once.
    c = make_case()
    svc.start_deadline(c, "rmp", now=now, spec=RMP)
    Case.objects(pk=c.pk).update_one(set__allocated_to=str(colleague.pk))
    assert sorted(d.case_reference for d in lists.list_deadlines(actor=colleague)) == [b.reference, c.reference]


def test_group_deadlines(app, now):
    case = make_case()
    overdue = svc.start_deadline(case, "a", now=now - timedelta(days=20), spec={**RMP, "key": "a"})
    soon = svc.start_deadline(case, "b", now=now - timedelta(days=2), spec={**RMP, "key": "b"})
    later = svc.start_deadline(case, "c", now=now, spec={**RISK, "key": "c"})
    groups = lists.group_deadlines([overdue, soon, later], now)
    assert [[d.key for d in groups[k]] for k in ("overdue", "this_week", "later")] == [["a"], ["b"], ["c"]]


@pytest.mark.parametrize(("hour", "days", "group"), [
    (9, 7, "this_week"),  # due at the end of the day a week today: in the week all day long
    (22, 7, "this_week"),  # in the evening (UTC 22:00 is 22:00 in winter in London)
    (9, 8, "later"),
    (9, 0, "this_week"),  # due tonight: not overdue yet
])
def test_the_next_7_days_run_to_the_end_of_the_seventh_day(app, hour, days, group):
    now = datetime(2026, 11, 24, hour)
    due = datetime.combine(date(2026, 11, 24) + timedelta(days=days), time(23, 59, 59))
    deadline = Deadline(case_id=ObjectId(), key="k", label="K", status=OPEN, due_at=due)
    groups = lists.group_deadlines([deadline], now)
    assert [k for k, found in groups.items() if found] == [group]


def test_the_next_7_days_follow_the_service_clock_in_summer(app):
    # 23:30 UTC on 29 March 2027 is already 30 March in London (BST): the week runs to the end of 6 April there.
    now = datetime(2027, 3, 29, 23, 30)
    last = datetime(2027, 4, 6, 22, 59, 59)  # the end of 6 April, London time, stored as UTC
    inside = Deadline(case_id=ObjectId(), key="in", label="In", status=OPEN, due_at=last)
    outside = Deadline(case_id=ObjectId(), key="out", label="Out", status=OPEN, due_at=last + timedelta(days=1))
    groups = lists.group_deadlines([inside, outside], now)
    assert [d.key for d in groups["this_week"]] == ["in"] and [d.key for d in groups["later"]] == ["out"]


def test_spec_comes_from_the_pinned_workflow(app, now):
    from services.pathways.store import latest_version
    from services.pathways.sync import sync_workflows

    sync_workflows(now=now)
    case = make_case()
    case.workflow_version = latest_version("dao_pathway").version
    case.save()
    deadline = svc.start_deadline(case, "risk_assessment", now=now)
    assert deadline.label == "Risk assessment" and deadline.due_at == datetime(2027, 1, 5, 23, 59, 59)
    assert deadline.met_by == [{"form": "risk_assessment"}]
