"""Walk the community programme through the services on the real mongod: referral to closure, and its branches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from errors import InvalidInput, NotAllowed
from models.case import Case
from models.deadline import Deadline
from services.cases.sessions import record_session
from tests.pathway_steps import active_keys, fill, fire, history

WORKFLOW = "community_programme"


def session(case, actor, now, *, attendance="attended", number=None, days_ago=0):
    data = {"date": (now.date() - timedelta(days=days_ago)).isoformat(), "session_type": "group",
            "attendance": attendance, "number": str(number or "")}
    return record_session(case, data, actor=actor, now=now)


def deadline(case, key):
    return Deadline.objects(case_id=case.pk, key=key).order_by("-started_at").first()


def statuses(case) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for d in Deadline.objects(case_id=case.pk).order_by("started_at"):
        found.setdefault(d.key, []).append(d.status)
    return found



@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north")
    return {
        "manager": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
        "facilitator": make_user(roles=["practitioner"], team="north"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
    }


@pytest.fixture
def referred(team, make_case, now):
    case = make_case(workflow_key=WORKFLOW, actor=team["manager"], person={"name": "Mark Example"})
    fill(case, "community_referral", team["manager"], now)
    case.reload()
    return case


def assessed(case, team, now):
    """Book the assessment, submit the risk assessment and record the assessment."""
    p = team["practitioner"]
    case = fire(case, "book_assessment", team["manager"], now, assessor=str(p.pk),
                appointment_date=(now + timedelta(days=7)).date().isoformat())
    fill(case, "risk_assessment", p, now)
    return fire(case, "record_assessment", p, now + timedelta(days=7), assessed_risk="medium")


def in_group(case, team, now):
    """Take a referred case through assessment and the waiting list into the group."""
    case = fire(assessed(case, team, now), "accept_for_group", team["manager"], now + timedelta(days=8))
    return fire(case, "join_group", team["manager"], now + timedelta(days=30),
                facilitator=str(team["facilitator"].pk), start_date=(now + timedelta(days=30)).date().isoformat())


def test_partner_first_contact_is_due_two_weeks_after_his_first_contact(team, referred, now):
    first = deadline(referred, "partner_first_contact")
    assert first.status == "open" and first.started_at == now
    assert first.due_at.date() == (now + timedelta(weeks=2)).date()
    assert first.owner_ids == [str(team["partner_worker"].pk)]


def test_partner_worker_can_record_the_first_contact(team, referred, now):
    # The partner worker works from the partner's own record; logging a contact there meets the man's deadline.
    from models.case import Case
    from services.partner.records import record_partner_contact

    case = assessed(referred, team, now)
    partner = Case.objects.get(parent_case_id=case.pk)
    partner = fire(partner, "allocate", team["manager"], now, assignee=str(team["partner_worker"].pk))
    when = now + timedelta(days=8)  # the day after the assessment made the partner record
    _contact, told = record_partner_contact(partner, {"date": when.date().isoformat(), "method": "phone",
                                                      "outcome": "spoke"}, actor=team["partner_worker"], now=when)
    assert told
    case.reload()
    assert deadline(case, "partner_first_contact").status == "met"


def test_whole_community_programme_from_referral_to_closure(team, referred, now):
    m, p, f = team["manager"], team["practitioner"], team["facilitator"]
    case = referred
    assert case.status == "open" and case.state == "referred" and case.reference.startswith(f"CP-{now.year}-")
    case = fire(case, "book_assessment", m, now, assessor=str(p.pk),
                appointment_date=(now + timedelta(days=7)).date().isoformat())
    assert case.state == "assessment_booked" and case.allocated_to == str(p.pk)
    assert case.fields["assessment_date"] == (now + timedelta(days=7)).date().isoformat()
    day7 = now + timedelta(days=7)
    with pytest.raises(NotAllowed):
        fire(case, "record_assessment", p, day7, assessed_risk="medium")  # the risk assessment is missing
    fill(case, "risk_assessment", p, day7)
    with pytest.raises(NotAllowed):
        fire(case, "record_assessment", f, day7, assessed_risk="medium")  # not the allocated practitioner
    case = fire(case, "record_assessment", p, day7, assessed_risk="medium")
    assert case.state == "assessed" and case.fields["assessed_risk"] == "medium"

    # Assessed: the partner's record opens so that every decision reaches her.
    assert len(case.linked_case_ids) == 1
    partner = Case.objects.get(pk=case.linked_case_ids[0])
    assert partner.kind == "partner" and partner.workflow_key == "partner_support"
    assert partner.parent_case_id == case.pk and partner.state == "awaiting_allocation"
    assert deadline(partner, "first_contact").status == "open"

    case = fire(case, "accept_for_group", m, day7)
    assert case.state == "waiting_list" and case.on_waiting_list and case.waiting_since == day7
    intake = now + timedelta(weeks=6)
    case = fire(case, "join_group", m, intake, facilitator=str(f.pk), start_date=intake.date().isoformat())
    assert case.state == "group" and not case.on_waiting_list and case.allocated_to == str(f.pk)
    in_group_contact = deadline(case, "partner_contact_in_group")
    assert in_group_contact.status == "open" and in_group_contact.due_at.date() == (intake + timedelta(weeks=9)).date()

    end = intake + timedelta(weeks=36)
    for n in range(1, 36):
        session(case, f, end, number=n, days_ago=7 * (36 - n))
    with pytest.raises(NotAllowed):
        fire(case, "complete_group", f, end, completed_on=end.date().isoformat())  # 35 of the 36 sessions
    session(case, f, end, number=36)
    case = fire(case, "complete_group", f, end, completed_on=end.date().isoformat())
    assert case.state == "follow_up" and case.fields["completed_on"] == end.date().isoformat()
    assert deadline(case, "partner_contact_in_group").status == "cancelled"
    review = deadline(case, "follow_up_review")
    assert review.status == "open" and deadline(case, "partner_update").status == "open"

    closing = end + timedelta(days=180)
    case = fire(case, "close_follow_up", f, closing, outcome="completed")
    assert case.status == "closed" and case.state == "closed" and case.outcome == "completed"
    assert case.closed_at == closing and not case.on_waiting_list
    review.reload()
    assert review.status == "met"
    # Closing cancels every other deadline but starts the 6-year records destruction, which stays open.
    assert active_keys(case) == {"records_destruction"}
    destruction = deadline(case, "records_destruction")
    assert destruction.status == "open" and destruction.started_at == closing
    assert destruction.due_at.date() == closing.date().replace(year=closing.year + 6)
    assert deadline(case, "partner_first_contact").status == "cancelled"
    assert deadline(case, "partner_update").status == "cancelled"
    steps = history(case)
    for step in ("book_assessment", "record_assessment", "accept_for_group", "join_group", "complete_group",
                 "close_follow_up"):
        assert step in steps


def test_drop_out_records_week_and_reason_and_he_can_re_enter(team, referred, now):
    m, f = team["manager"], team["facilitator"]
    case = in_group(referred, team, now)
    start = now + timedelta(days=30)
    for n in range(1, 5):
        session(case, f, start + timedelta(weeks=5), number=n, days_ago=7 * (5 - n))
    with pytest.raises(InvalidInput) as caught:
        fire(case, "drop_out", f, start + timedelta(weeks=5), week=37, reason="x")
    assert caught.value.problems[0].field == "week"
    case = fire(case, "drop_out", f, start + timedelta(weeks=5), week=5, reason="Says the group is a waste of time")
    assert case.state == "dropped_out" and case.status == "open"
    assert case.fields["drop_out_week"] == 5 and case.fields["drop_out_reason"] == "Says the group is a waste of time"
    assert statuses(case)["partner_contact_in_group"] == ["cancelled"]
    assert deadline(case, "partner_update").status == "open"  # she is told within two weeks
    with pytest.raises(NotAllowed):
        fire(case, "re_enter", f, start + timedelta(weeks=6), reason="He asked")  # a manager decides
    case = fire(case, "re_enter", m, start + timedelta(weeks=8), reason="Asked to come back; motivation reviewed")
    assert case.state == "group" and case.fields["re_entered"] is True
    assert case.fields["drop_out_week"] == 5  # the record of the drop-out stays
    assert statuses(case)["partner_contact_in_group"] == ["cancelled", "open"]
    assert len(case.linked_case_ids) == 1 and Case.objects(parent_case_id=case.pk).count() == 1

    case = fire(case, "drop_out", f, start + timedelta(weeks=12), week=9, reason="Stopped coming")
    case = fire(case, "close_dropped_out", m, start + timedelta(weeks=12))
    assert case.status == "closed" and case.outcome == "dropped_out"
    assert active_keys(case) == {"records_destruction"}


def test_unacceptable_absence_starts_the_partner_update(team, referred, now):
    f = team["facilitator"]
    case = in_group(referred, team, now)
    when = now + timedelta(days=37)
    session(case, f, when, number=1, attendance="acceptable_absence")
    assert deadline(case, "partner_update") is None
    session(case, f, when, number=2, attendance="unacceptable_absence")
    update = deadline(case, "partner_update")
    assert update.status == "open" and update.due_at.date() == (when + timedelta(weeks=2)).date()


def test_unsuitable_branch_tells_the_partner_then_closes(team, referred, now):
    m = team["manager"]
    case = assessed(referred, team, now)
    day = now + timedelta(days=8)
    case = fire(case, "not_suitable", m, day, reason="Denies any abuse; not motivated to change")
    assert case.state == "unsuitable" and case.status == "open" and case.outcome == "unsuitable"
    update = deadline(case, "partner_update")
    assert update.status == "open" and update.due_at.date() == (day + timedelta(weeks=2)).date()
    assert len(case.linked_case_ids) == 1  # her record opened at assessment
    case = fire(case, "close_unsuitable", m, day + timedelta(days=5))
    assert case.status == "closed" and case.state == "not_accepted" and case.outcome == "unsuitable"
    assert active_keys(case) == {"records_destruction"}
    assert deadline(case, "partner_update").status == "cancelled"


def test_did_not_attend_assessment_closes_the_case(team, referred, now):
    case = fire(referred, "book_assessment", team["manager"], now, assessor=str(team["practitioner"].pk),
                appointment_date=now.date().isoformat())
    case = fire(case, "did_not_attend", team["practitioner"], now + timedelta(days=1))
    assert case.status == "closed" and case.outcome == "did_not_attend_assessment"
    assert active_keys(case) == {"records_destruction"} and not case.linked_case_ids


def test_referral_form_is_needed_before_the_assessment_is_booked(team, make_case, now):
    case = make_case(workflow_key=WORKFLOW, actor=team["manager"])
    with pytest.raises(NotAllowed):
        fire(case, "book_assessment", team["manager"], now, assessor=str(team["practitioner"].pk),
             appointment_date=now.date().isoformat())
    assert Case.objects.get(pk=case.pk).state == "referred"


def test_a_date_before_the_referral_is_named_with_the_other_mistakes_at_once(team, referred, now):
    from services.cases.steps import take_step

    with pytest.raises(InvalidInput) as refused:
        take_step(referred, "book_assessment", {"appointment_date": "1988-01-01"}, actor=team["manager"], now=now)
    # The assessor left out and the day before the referral, in one answer: not one now and the other next time.
    assert {p.field for p in refused.value.problems} == {"assessor", "appointment_date"}
