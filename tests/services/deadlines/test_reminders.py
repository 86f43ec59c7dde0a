"""The reminder sweep: scheduled times, catch-up after downtime, concurrent sweepers, missed, escalation."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from models.case import CaseEvent
from models.deadline import Deadline
from models.notification import Notification
from services.deadlines import tracking as svc
from services.deadlines.reminders import plan, sweep_query, sweep_reminders
from tests.services.deadlines.test_deadlines import RISK, make_case

SETTINGS = {"MAIL_ENABLED": False, "BASE_URL": "https://pathway.example", "HOLIDAY_REGION": "england_wales"}
START = datetime(2026, 11, 24, 10)  # RISK from here: due Tue 5 Jan 2027, reminders 29 Dec, 4 Jan, 5 Jan
DUE = datetime(2027, 1, 5, 23, 59, 59)


@pytest.fixture
def team(make_user):
    return {
        "practitioner": make_user(roles=["practitioner"]),
        "managers": [make_user(roles=["manager"]), make_user(roles=["manager"])],
        "other_team_manager": make_user(roles=["manager"], team="south"),
    }


def sweep(at):
    return sweep_reminders(now=at, settings=SETTINGS)


def notes(user, template=None):
    query = {"user_id": str(user.pk)}
    if template:
        query["template"] = template
    return list(Notification.objects(**query).order_by("created_at"))


def _doc(**fields):
    base = {"status": "open", "due_at": DUE, "reminders": [datetime(2026, 12, 29, 8), datetime(2027, 1, 4, 8),
                                                           datetime(2027, 1, 5, 8)],
            "reminded_through": None, "next_escalation_at": None, "escalation": RISK["escalation"]}
    return {**base, **fields}


@pytest.mark.parametrize("doc, now, kinds, next_action", [
    (_doc(), datetime(2026, 12, 29, 7, 59), [], datetime(2026, 12, 29, 8)),
    (_doc(), datetime(2026, 12, 29, 8), [("reminder", datetime(2026, 12, 29, 8), 1)],
     datetime(2027, 1, 4, 8)),
    # Down from before 29 Dec until 4 Jan 09:00: one catch-up reminder stands for both.
    (_doc(), datetime(2027, 1, 4, 9), [("reminder", datetime(2027, 1, 4, 8), 2)], datetime(2027, 1, 5, 8)),
    (_doc(reminded_through=datetime(2027, 1, 5, 8)), datetime(2027, 1, 5, 9), [], DUE),
    # Missed: escalation at the deadline is the missed notice; the next one 3 days on.
    (_doc(), datetime(2027, 1, 6, 0), [("missed", DUE, 1)], DUE + timedelta(days=3)),
    # Down for two weeks past the deadline: one missed notice and one escalation for the four owed.
    (_doc(), datetime(2027, 1, 20), [("missed", DUE, 1), ("escalation", DUE + timedelta(days=12), 4)],
     DUE + timedelta(days=15)),
    (_doc(status="missed", next_escalation_at=DUE + timedelta(days=3)), DUE + timedelta(days=3),
     [("escalation", DUE + timedelta(days=3), 1)], DUE + timedelta(days=6)),
    # No repeat: one escalation, then nothing more to do.
    (_doc(escalation={"to": "manager", "after_days": 2}), datetime(2027, 1, 6, 0), [("missed", DUE, 1)],
     DUE + timedelta(days=2)),
    (_doc(status="missed", escalation={"to": "manager", "after_days": 2},
          next_escalation_at=DUE + timedelta(days=2)),
     DUE + timedelta(days=2), [("escalation", DUE + timedelta(days=2), 1)], None),
    (_doc(escalation={}), datetime(2027, 1, 6, 0), [("missed", DUE, 1)], None),
])
def test_plan(doc, now, kinds, next_action):
    actions, fields = plan(doc, now)
    assert [(a.kind, a.scheduled, a.collapsed) for a in actions] == kinds
    assert fields["next_action_at"] == next_action


def test_reminders_go_out_at_their_times_once(app, team):
    practitioner = team["practitioner"]
    case = make_case(allocated_to=practitioner)
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    assert sweep(datetime(2026, 12, 29, 7, 59)).sent == 0
    assert sweep(datetime(2026, 12, 29, 8, 0)).sent == 1
    assert sweep(datetime(2026, 12, 29, 8, 1)).sent == 0
    assert sweep(datetime(2027, 1, 4, 8)).sent == 1
    assert sweep(datetime(2027, 1, 5, 8)).sent == 1
    reminders = notes(practitioner, "deadline_reminder")
    assert [n.created_at for n in reminders] == [datetime(2026, 12, 29, 8), datetime(2027, 1, 4, 8),
                                                 datetime(2027, 1, 5, 8)]
    assert reminders[0].subject == f"Reminder: Risk assessment due 5 January 2027 – case {case.reference}"
    assert reminders[0].link == f"/cases/{case.pk}"
    assert all(notes(m) == [] for m in team["managers"])


def test_restart_after_downtime_sends_missed_reminders_once(app, team):
    case = make_case(allocated_to=team["practitioner"])
    deadline = svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    result = sweep(datetime(2027, 1, 4, 9, 30))
    assert (result.sent, result.examined) == (1, 1)
    assert sweep(datetime(2027, 1, 4, 9, 31)).examined == 0
    deadline.reload()
    assert deadline.sent[0]["collapsed"] == 2 and deadline.sent[0]["scheduled"] == datetime(2027, 1, 4, 8)
    assert len(notes(team["practitioner"], "deadline_reminder")) == 1


def test_concurrent_sweepers_send_each_reminder_exactly_once(app, team, make_user):
    holders = [make_user(roles=["practitioner"]) for _ in range(5)]
    for i in range(40):
        case = make_case(allocated_to=holders[i % 5])
        svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    at = datetime(2026, 12, 29, 9)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep_reminders(now=at, settings=SETTINGS))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r.sent for r in results) == 40
    assert Notification.objects(template="deadline_reminder").count() == 40
    per_deadline = Notification.objects(template="deadline_reminder").item_frequencies("deadline_id")
    assert set(per_deadline.values()) == {1}
    assert sweep_reminders(now=at, settings=SETTINGS).sent == 0


def test_missed_deadline_tells_managers_and_escalation_repeats(app, team):
    practitioner, managers = team["practitioner"], team["managers"]
    case = make_case(allocated_to=practitioner)
    deadline = svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    result = sweep(datetime(2027, 1, 6, 0, 0))
    assert (result.missed, result.escalated) == (1, 0)
    deadline.reload()
    assert deadline.status == "missed" and deadline.missed_at == DUE
    for user in managers + [practitioner]:
        [missed] = notes(user, "deadline_missed")
        assert missed.subject == f"Overdue: Risk assessment – case {case.reference}"
    assert notes(team["other_team_manager"]) == []
    assert CaseEvent.objects(case_id=case.pk, kind="deadline", label__contains="missed").count() == 1
    assert sweep(DUE + timedelta(days=3) - timedelta(seconds=1)).escalated == 0
    assert sweep(DUE + timedelta(days=3)).escalated == 1
    assert sweep(DUE + timedelta(days=6, hours=1)).escalated == 1
    for manager in managers:
        assert len(notes(manager, "deadline_escalation")) == 2
    assert notes(practitioner, "deadline_escalation") == []
    svc.meet_deadlines_for_form(case, "risk_assessment", now=DUE + timedelta(days=7))
    assert sweep(DUE + timedelta(days=30)).examined == 0
    assert Deadline.objects.get(pk=deadline.pk).late is True


def test_escalation_arrives_in_app_even_without_email(app, team):
    for manager in team["managers"]:
        manager.email_reminders = False
        manager.save()
    case = make_case(allocated_to=team["practitioner"])
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    sweep(DUE + timedelta(days=3))
    for manager in team["managers"]:
        assert sorted(n.template for n in notes(manager)) == ["deadline_escalation", "deadline_missed"]


def test_unallocated_deadline_reminds_the_managers(app, team):
    case = make_case()
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    sweep(datetime(2026, 12, 29, 8))
    assert all(len(notes(m, "deadline_reminder")) == 1 for m in team["managers"])


def test_paused_and_closed_deadlines_are_not_swept(app, team):
    case = make_case(allocated_to=team["practitioner"])
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    svc.pause_deadlines(case, now=datetime(2026, 12, 1))
    assert sweep(datetime(2027, 3, 1)).examined == 0
    svc.resume_deadlines(case, now=datetime(2026, 12, 2))
    svc.cancel_case_deadlines(case, now=datetime(2026, 12, 3))
    assert sweep(datetime(2027, 3, 1)).examined == 0
    assert notes(team["practitioner"]) == []


def test_sweep_query_uses_the_status_index(app, team):
    case = make_case(allocated_to=team["practitioner"])
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    for i in range(20):
        spec = {**RISK, "key": f"k{i}", "duration": {"weeks": 20}}
        svc.start_deadline(make_case(), f"k{i}", now=START, spec=spec)
    plan_ = Deadline._get_collection().find(sweep_query(datetime(2026, 12, 29, 9))).explain()
    assert plan_["executionStats"]["totalDocsExamined"] == 1
    assert "IXSCAN" in str(plan_["queryPlanner"]["winningPlan"])


def test_cli_sweep_prints_the_result(app, runner, team):
    case = make_case(allocated_to=team["practitioner"])
    svc.start_deadline(case, "risk_assessment", now=datetime(2020, 1, 1), spec=RISK)
    result = runner.invoke(args=["scheduler", "sweep"])
    assert result.exit_code == 0, result.output
    assert "deadlines missed: 1" in result.output and "deadlines examined: 1" in result.output
