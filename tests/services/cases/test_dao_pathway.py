"""Walk the DAO pathway through the services on the real mongod: referral to closure, and its branches."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from errors import Conflict, InvalidInput, NotAllowed
from models.case import Case, CaseEvent
from models.notification import Notification
from services.referrals import portal as referrals
from services.submissions.filling import countersign_submission
from tests.pathway_steps import fill, fire, north_team, refer


@pytest.fixture
def team(synced, make_team, make_user):
    return north_team(make_team, make_user)


def test_referral_cannot_be_sent_incomplete(team, now):
    case = referrals.start_referral(workflow_key="dao_pathway", actor=team["referrer"], now=now)
    with pytest.raises(InvalidInput) as caught:
        referrals.submit_referral(case, actor=team["referrer"], now=now)
    assert {p.field for p in caught.value.problems} == {"request_for_service", "screening", "consent"}
    assert Case.objects.get(pk=case.pk).status == "draft"


def test_whole_dao_pathway_from_referral_to_closure(team, now):
    m, p = team["manager"], team["practitioner"]
    case = refer(team, now)
    assert case.status == "open" and case.state == "received" and case.reference.startswith(f"DAO-{now.year}-")
    assert case.person.name and case.person.date_of_birth
    assert case.children and all(child.name and child.date_of_birth for child in case.children)
    assert referrals.referral_status(case)["status"] == "Received"
    case = fire(case, "acknowledge", m, now)
    assert case.stage_order == "dao_pathway:0002"  # each step keeps the stage's place: the list's stage order
    case = fire(case, "arrange_consultation", m, now, consultation_date=now.date().isoformat())
    case = fire(case, "accept", m, now)
    assert case.stage_order == "dao_pathway:0004"
    assert referrals.referral_status(case)["status"] == "Accepted"
    case = fire(case, "allocate", m, now, assignee=str(p.pk))
    assert case.state == "allocated" and case.allocated_to == str(p.pk)
    case = fire(case, "begin_assessment", p, now, first_meeting=now.date().isoformat())
    with pytest.raises(NotAllowed):
        fire(case, "further_work_needed", p, now)  # required forms missing
    for key in ("hra_why_engaging", "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs",
                "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control", "sara"):
        fill(case, key, p, now)
    fill(case, "risk_assessment_confidential", p, now)
    ra = fill(case, "risk_assessment", p, now, {"risk_children": "high"})
    case.reload()
    assert case.risk_level in ("high", "very_high")
    with pytest.raises(NotAllowed):
        fire(case, "further_work_needed", p, now)  # not yet countersigned
    countersign_submission(ra, actor=m, now=now)
    case = fire(case, "further_work_needed", p, now)
    assert case.state == "action_plan"
    fill(case, "action_plan", p, now)
    case = fire(case, "start_intervention", p, now, intervention="one_to_one")
    case = fire(case, "finish_intervention", p, now)
    report = fill(case, "post_intervention_report", p, now)
    with pytest.raises(NotAllowed):
        fire(case, "close", m, now, outcome="completed")
    countersign_submission(report, actor=m, now=now)
    case = fire(case, "close", m, now, outcome="completed")
    assert case.status == "closed" and case.outcome == "completed" and case.closed_at == now
    status = referrals.referral_status(case)
    assert status["status"] == "Closed"
    history = [e.name for e in CaseEvent.objects(case_id=case.pk).order_by("at")]
    for step in ("acknowledge", "accept", "allocate", "begin_assessment", "further_work_needed", "close"):
        assert step in history


def test_decline_branch_tells_the_referrer_why(team, now):
    case = refer(team, now)
    case = fire(case, "not_accept", team["manager"], now, reason="Already working with probation",
                consultation_offered="yes")
    assert case.status == "closed" and case.state == "not_accepted"
    status = referrals.referral_status(case)
    assert status == {"status": "Not accepted", "key": "Not accepted", "tag": "red",
                      "detail": "Already working with probation"}


def test_waiting_list_branch_and_urgent_endorsement(team, now):
    team["practitioner"].update(set__capacity=0)
    case = refer(team, now)
    case = fire(case, "acknowledge", team["manager"], now)
    case = fire(case, "arrange_consultation", team["manager"], now, consultation_date=now.date().isoformat())
    case = fire(case, "accept", team["manager"], now)
    with pytest.raises(NotAllowed):
        fire(case, "allocate", team["manager"], now, assignee=str(team["practitioner"].pk))
    case = fire(case, "add_to_waiting_list", team["manager"], now)
    assert case.on_waiting_list and case.waiting_since == now
    assert referrals.referral_status(case)["status"] == "On the waiting list"
    case = fire(case, "endorse_urgent", team["manager"], now, event=True, reason="Child at immediate risk")
    assert case.priority == "standard"
    with pytest.raises(NotAllowed):  # the same manager cannot endorse twice
        fire(case, "endorse_urgent", team["manager"], now, event=True, reason="again")
    case = fire(case, "endorse_urgent", team["manager2"], now, event=True, reason="Agreed")
    assert case.priority == "urgent"
    team["practitioner"].update(set__capacity=15)
    case = fire(case, "allocate_from_waiting_list", team["manager"], now + timedelta(days=3),
                assignee=str(team["practitioner"].pk))
    assert case.state == "allocated" and not case.on_waiting_list


def test_wrong_role_cannot_fire(team, now):
    case = refer(team, now)
    with pytest.raises(NotAllowed):
        fire(case, "acknowledge", team["practitioner"], now)


def test_two_simultaneous_transitions_only_one_wins(team, now):
    case = refer(team, now)
    outcomes, barrier = [], threading.Barrier(2)

    def attempt(name, manager):
        copy = Case.objects.get(pk=case.pk)
        barrier.wait()
        try:
            kwargs = {"reason": "x", "consultation_offered": "no"} if name == "not_accept" else {}
            fire(copy, name, manager, now, **kwargs)
            outcomes.append("won")
        except (Conflict, NotAllowed):
            outcomes.append("lost")

    threads = [threading.Thread(target=attempt, args=("acknowledge", team["manager"])),
               threading.Thread(target=attempt, args=("not_accept", team["manager2"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert CaseEvent.objects(case_id=case.pk, kind="transition").count() == 1


def test_stale_case_object_cannot_fire(team, now):
    case = refer(team, now)
    stale = Case.objects.get(pk=case.pk)
    fire(case, "acknowledge", team["manager"], now)
    with pytest.raises((Conflict, NotAllowed)):
        fire(stale, "not_accept", team["manager"], now, reason="x", consultation_offered="no")


def test_history_is_append_only(team, now):
    case = refer(team, now)
    entry = CaseEvent.objects(case_id=case.pk).first()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        CaseEvent.objects(case_id=case.pk).update(set__label="changed")


def test_duplicate_referral_is_flagged(team, now):
    refer(team, now)
    second = referrals.start_referral(workflow_key="dao_pathway", actor=team["referrer"], now=now)
    fill(second, "request_for_service", team["referrer"], now)
    assert referrals.referral_duplicates(second) == 1


def test_bad_assignee_leaves_the_case_where_it_was(team, now, make_user):
    case = refer(team, now)
    case = fire(case, "acknowledge", team["manager"], now)
    case = fire(case, "arrange_consultation", team["manager"], now, consultation_date=now.date().isoformat())
    case = fire(case, "accept", team["manager"], now)
    outsider = make_user(roles=["practitioner"], team="south")
    with pytest.raises(InvalidInput) as caught:
        fire(case, "allocate", team["manager"], now, assignee=str(outsider.pk))
    assert caught.value.problems[0].field == "assignee"
    case.reload()
    assert case.state == "accepted" and not case.allocated_to


def test_a_date_of_today_is_accepted_just_after_midnight_in_summer(team, now):
    m, p = team["manager"], team["practitioner"]
    case = refer(team, now)
    case = fire(case, "acknowledge", m, now)
    case = fire(case, "arrange_consultation", m, now, consultation_date=now.date().isoformat())
    case = fire(case, "accept", m, now)
    case = fire(case, "allocate", m, now, assignee=str(p.pk))
    # 23:30 UTC on 4 July is 00:30 on 5 July in London: the practitioner's today is the 5th.
    late = now.replace(year=now.year + 1, month=7, day=4, hour=23, minute=30)
    with pytest.raises(InvalidInput) as caught:
        fire(case, "begin_assessment", p, late, first_meeting=f"{late.year}-07-06")
    assert [problem.field for problem in caught.value.problems] == ["first_meeting"]
    case = fire(case, "begin_assessment", p, late, first_meeting=f"{late.year}-07-05")
    step = CaseEvent.objects.get(case_id=case.pk, name="begin_assessment")
    assert case.state != "allocated" and step.inputs["first_meeting"] == f"{late.year}-07-05"


def test_the_social_worker_is_told_of_a_risk_escalation_without_being_sent_to_read_it(team, now):
    m = team["manager"]
    case = refer(team, now)
    case = fire(case, "escalate_risk", m, now, event=True, reason="Police call-out last night")
    told = Notification.objects.get(user_id=str(team["referrer"].pk), template="dao_risk_escalation_referrer")
    assert "Contact the team manager today" in told.body and "Read it now" not in told.body
    assert "Police call-out" not in told.body
    assert Notification.objects(user_id=str(team["manager2"].pk), template="dao_risk_escalation").count() == 1


def test_a_consultation_dated_before_the_referral_is_refused_and_the_case_stays(team, now):
    m = team["manager"]
    case = fire(refer(team, now), "acknowledge", m, now)
    with pytest.raises(InvalidInput) as refused:
        fire(case, "arrange_consultation", m, now, consultation_date="1988-11-24")
    assert [(p.field, p.message) for p in refused.value.problems] == [(
        "consultation_date", "Date of the case consultation must be on or after 24 November 2026, the day the case "
                             "was referred")]
    assert Case.objects.get(pk=case.pk).state == "acknowledged"
    case = fire(case, "arrange_consultation", m, now, consultation_date=now.date().isoformat())  # the day itself
    assert case.state == "consultation"
