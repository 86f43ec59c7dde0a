"""Walk the probation CDVP pathway through the services on the real mongod: referral to closure, and its branches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from errors import InvalidInput, NotAllowed
from models.case import Case
from models.deadline import Deadline
from models.notification import Notification
from services.cases.sessions import record_session
from tests.pathway_steps import active_keys, fill, fire, history

WORKFLOW = "probation_cdvp"


def session(case, actor, now, *, session_type="group", attendance="attended", number=None, catch_up=False,
            days_ago=0):
    data = {"date": (now.date() - timedelta(days=days_ago)).isoformat(), "session_type": session_type,
            "attendance": attendance, "number": str(number or ""), "catch_up": catch_up}
    return record_session(case, data, actor=actor, now=now)


def deadline(case, key, **query):
    return Deadline.objects(case_id=case.pk, key=key, **query).order_by("-started_at").first()



@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north")
    return {
        "manager": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
    }


@pytest.fixture
def referred(team, make_case, now):
    return make_case(workflow_key=WORKFLOW, actor=team["manager"], person={"name": "Carl Example"})


def assess(case, team, now, risk=None):
    """Allocate a case manager and submit the assessment forms."""
    p = team["practitioner"]
    case = fire(case, "allocate_case_manager", team["manager"], now, assignee=str(p.pk))
    assert case.state == "assessment" and case.allocated_to == str(p.pk)
    for key in ("sara", "cdvp_statements"):
        fill(case, key, p, now)
    fill(case, "risk_assessment", p, now, risk)
    case.reload()
    return case


SUITABLE = {"sara_moderate_high": True, "can_participate": True, "statement_of_understanding": True,
            "no_exclusion": True}


def into_group(case, team, now, record_pre_group=True):
    """Take an assessed case through pre-programme work into the group programme."""
    p = team["practitioner"]
    case = fire(case, "assess_suitable", p, now, **SUITABLE)
    for n in range(1, 4 if record_pre_group else 1):
        session(case, p, now, session_type="pre_group", number=n, days_ago=10 - n)
    for key in ("quality_of_life", "evaluation_measures"):
        fill(case, key, p, now)
    case = fire(case, "send_referral_information", p, now, event=True, programmes_team=True, womens_safety=True)
    return fire(case, "start_programme", p, now, pre_programme_sessions=3, behaviour_described=True,
                start_date=now.date().isoformat())


def test_whole_cdvp_pathway_from_referral_to_closure(team, referred, now):
    m, p = team["manager"], team["practitioner"]
    case = referred
    assert case.status == "open" and case.state == "referred" and case.reference.startswith(f"CDVP-{now.year}-")
    assert case.workflow_key == WORKFLOW
    with pytest.raises(NotAllowed):
        fire(case, "allocate_case_manager", p, now, assignee=str(p.pk))  # managers allocate
    case = fire(case, "allocate_case_manager", m, now, assignee=str(p.pk))
    assert deadline(case, "risk_review").status == "open"
    with pytest.raises(NotAllowed):
        fire(case, "assess_suitable", p, now, **SUITABLE)  # the SARA and the statements are missing
    fill(case, "sara", p, now)
    with pytest.raises(NotAllowed):
        fire(case, "assess_suitable", p, now, **SUITABLE)  # the statements are still missing
    fill(case, "cdvp_statements", p, now)
    fill(case, "risk_assessment", p, now)
    case.reload()
    assert case.risk_level == "high"  # the highest cell of the fixture's risk grid
    assert not case.linked_case_ids
    case = fire(case, "assess_suitable", p, now, **SUITABLE)
    assert case.state == "pre_programme"
    # High risk of harm: a risk management plan within 5 working days.
    plan = deadline(case, "risk_management_plan")
    assert plan.status == "open" and plan.owner_ids == [str(p.pk)]

    # Accepted: the Women's Safety Worker's record opens as a linked partner case.
    case.reload()
    assert len(case.linked_case_ids) == 1
    partner = Case.objects.get(pk=case.linked_case_ids[0])
    assert partner.kind == "partner" and partner.workflow_key == "partner_support"
    assert partner.parent_case_id == case.pk and partner.team == case.team and partner.status == "open"
    assert partner.state == "awaiting_allocation" and deadline(partner, "first_contact").status == "open"
    assert "linked_case_opened" in history(case)

    case = fire(case, "record_risk_management_plan", p, now, event=True, plan_date=now.date().isoformat())
    assert deadline(case, "risk_management_plan").status == "met"

    for n in range(1, 4):
        session(case, p, now, session_type="pre_group", number=n, days_ago=10 - n)
    for key in ("quality_of_life", "evaluation_measures"):
        fill(case, key, p, now)
    start = {"pre_programme_sessions": 3, "behaviour_described": True, "start_date": now.date().isoformat()}
    with pytest.raises(NotAllowed) as caught:
        fire(case, "start_programme", p, now, **start)  # the referral information has not been sent
    assert any("referral information" in str(r) for r in caught.value.problems)
    case = fire(case, "send_referral_information", p, now, event=True, programmes_team=True, womens_safety=True)
    assert case.fields["referral_information_sent"] is True
    case = fire(case, "start_programme", p, now, **start)
    assert case.state == "group_programme" and case.fields["pre_programme_sessions"] == 3

    for n in range(1, 31):
        session(case, p, now, number=n, days_ago=30 - n)
    case = fire(case, "complete_programme", p, now, end_date=now.date().isoformat())
    assert case.state == "post_programme" and case.fields["programme_end_date"] == now.date().isoformat()
    third = deadline(case, "third_evaluation")
    assert third.status == "open" and third.due_at.date() == now.date().replace(month=5, year=now.year + 1)

    with pytest.raises(NotAllowed):
        fire(case, "complete_post_programme", p, now, second_measures=True, final_review=True,
             prevention_sessions=True)  # the feedback sheet is missing
    fill(case, "feedback_sheet", p, now)
    case = fire(case, "complete_post_programme", p, now, second_measures=True, final_review=True,
                prevention_sessions=True)
    assert case.state == "follow_up"
    later = now + timedelta(days=60)
    case = fire(case, "record_booster", p, later, event=True, session_date=later.date().isoformat())
    assert case.fields["last_booster_date"] == later.date().isoformat()

    six_months = now + timedelta(days=180)  # the day before the due date
    case = fire(case, "close_after_follow_up", p, six_months, third_measures_date=six_months.date().isoformat(),
                outcome="completed")
    assert case.status == "closed" and case.state == "closed" and case.outcome == "completed"
    assert case.closed_at == six_months and case.fields["third_measures_date"] == six_months.date().isoformat()
    third.reload()
    assert third.status == "met" and not third.late
    assert not active_keys(case)
    assert deadline(case, "risk_review").status == "cancelled"
    steps = history(case)
    for step in ("allocate_case_manager", "assess_suitable", "send_referral_information", "start_programme",
                 "complete_programme", "complete_post_programme", "close_after_follow_up"):
        assert step in steps
    with pytest.raises(NotAllowed):
        fire(case, "withdraw", m, six_months, outcome="other", reason="closed already")


@pytest.mark.parametrize("outcome", ["low_risk", "severe_mental_illness", "complete_denial", "will_not_sign",
                                     "cannot_participate"])
def test_not_suitable_closes_without_the_forms(team, referred, now, outcome):
    p = team["practitioner"]
    case = fire(referred, "allocate_case_manager", team["manager"], now, assignee=str(p.pk))
    case = fire(case, "assess_unsuitable", p, now, outcome=outcome, reason="Assessed at interview")
    assert case.status == "closed" and case.state == "not_accepted" and case.outcome == outcome
    assert not active_keys(case) and deadline(case, "risk_review").status == "cancelled"
    assert not case.linked_case_ids  # no partner record for a man never accepted
    assert "assess_unsuitable" in history(case)


def test_assessment_refuses_a_missing_confirmation(team, referred, now):
    case = assess(referred, team, now)
    with pytest.raises(InvalidInput) as caught:
        fire(case, "assess_suitable", team["practitioner"], now, **{**SUITABLE, "no_exclusion": False})
    assert "no_exclusion" in {p.field for p in caught.value.problems}
    case.reload()
    assert case.state == "assessment"


def test_unacceptable_absence_starts_the_breach_decision_clock(team, referred, now):
    m, p, pw = team["manager"], team["practitioner"], team["partner_worker"]
    case = into_group(assess(referred, team, now), team, now)
    session(case, p, now, number=1, attendance="acceptable_absence")
    assert deadline(case, "breach_decision") is None
    session(case, p, now, number=2, attendance="unacceptable_absence")
    breach = deadline(case, "breach_decision")
    assert breach.status == "open" and breach.started_at == now and breach.owner_ids == [str(p.pk)]
    assert breach.due_at.date() == (now + timedelta(days=10)).date()
    # Shared with the Women's Safety Worker (the members of the partner_worker role in the team).
    assert Notification.objects(user_id=str(pw.pk), template="cdvp_unacceptable_absence").count() == 1
    # A second absence while the decision is pending keeps the one clock.
    session(case, p, now + timedelta(days=7), number=3, attendance="unacceptable_absence")
    assert Deadline.objects(case_id=case.pk, key="breach_decision").count() == 1
    case = fire(case, "record_breach_decision", m, now + timedelta(days=8), event=True, decision="warning",
                reason="Final warning; the victim's safety plan was reviewed first")
    breach.reload()
    assert breach.status == "met" and not breach.late
    assert case.fields["last_breach_decision"] == "warning" and case.state == "group_programme"


def test_drop_out_re_entry_and_closure_after_dropping_out(team, referred, now):
    m, p = team["manager"], team["practitioner"]
    case = into_group(assess(referred, team, now), team, now)
    partner_ids = list(case.linked_case_ids)
    assert len(partner_ids) == 1
    for n in range(1, 6):
        session(case, p, now, number=n, days_ago=10 - n)
    with pytest.raises(InvalidInput):
        fire(case, "drop_out", p, now, session=31, reason="x")  # the programme has 30 sessions
    case = fire(case, "drop_out", p, now, session=6, reason="Stopped attending after losing his job")
    assert case.state == "dropped_out" and case.status == "open"
    assert case.fields["drop_out_session"] == 6 and case.fields["drop_out_reason"].startswith("Stopped")
    assert deadline(case, "breach_decision").status == "open"
    with pytest.raises(NotAllowed):
        fire(case, "rejoin_programme", p, now, reason="He asked")  # only a manager lets him rejoin
    case = fire(case, "record_breach_decision", m, now + timedelta(days=2), event=True, decision="breach_action",
                reason="Breach laid; the court continued the order")
    assert deadline(case, "breach_decision").status == "met"
    case = fire(case, "rejoin_programme", m, now + timedelta(days=3), reason="The court continued the order")
    assert case.state == "group_programme" and case.fields["rejoined"] is True
    assert case.linked_case_ids == partner_ids  # re-entry keeps the same partner record
    assert Case.objects(kind="partner", parent_case_id=case.pk).count() == 1

    later = now + timedelta(days=20)
    case = fire(case, "drop_out", p, later, session=8, reason="Stopped attending again")
    case = fire(case, "close_dropped_out", m, later, outcome="order_revoked", reason="Breached; order revoked")
    assert case.status == "closed" and case.outcome == "order_revoked" and not active_keys(case)
    assert deadline(case, "breach_decision").status == "cancelled"
    assert [n for n in history(case) if n in ("drop_out", "rejoin_programme", "close_dropped_out")] == \
        ["drop_out", "rejoin_programme", "drop_out", "close_dropped_out"]


def test_pre_programme_sessions_do_not_count_towards_the_group(team, referred, now):
    p = team["practitioner"]
    case = into_group(assess(referred, team, now), team, now)  # 3 pre-programme sessions attended
    for n in range(1, 28):
        session(case, p, now, number=n, days_ago=30 - n)
    with pytest.raises(NotAllowed):  # 27 group sessions of the 30
        fire(case, "complete_programme", p, now, end_date=now.date().isoformat())


def test_an_attended_catch_up_counts_once(team, referred, now):
    p = team["practitioner"]
    # No pre-programme sessions recorded here, so only the group's own sessions count.
    case = into_group(assess(referred, team, now), team, now, record_pre_group=False)
    for n in range(1, 29):
        session(case, p, now, number=n, days_ago=30 - n)
    session(case, p, now, number=29, catch_up=True)
    with pytest.raises(NotAllowed):  # 28 group sessions and 1 catch-up make 29 of the 30
        fire(case, "complete_programme", p, now, end_date=now.date().isoformat())
    session(case, p, now, number=30)
    case = fire(case, "complete_programme", p, now, end_date=now.date().isoformat())
    assert case.state == "post_programme"


def test_manager_can_close_the_case_at_any_point(team, referred, now):
    case = into_group(assess(referred, team, now), team, now)
    case = fire(case, "withdraw", team["manager"], now, outcome="transferred", reason="Moved to another area")
    assert case.status == "closed" and case.outcome == "transferred" and not active_keys(case)
    partner = Case.objects.get(pk=case.linked_case_ids[0])
    assert partner.status == "open"  # her support does not end because his case does
