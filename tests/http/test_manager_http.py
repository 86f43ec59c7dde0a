"""The team manager's pages through the Flask client: inbox, triage, urgent, allocation, waiting list, team."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from clock import utcnow
from models.case import Case, CaseEvent
from models.form import Submission
from models.user import User
from services.audit.chain import inbox
from services.audit.oversight import who_has_seen
from services.cases.transitions import fire_transition
from services.deadlines.timing import local_today
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import sign_in

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"


def fill(case, key, actor, now, overrides=None):
    sub = start_submission(case, key, actor=actor, now=now)
    data = {**json.loads((ANSWERS / f"{key}.json").read_text()), **(overrides or {})}
    sub, _ = save_draft(sub, data, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def now():
    """Return the real time: the pages count waiting days up to the moment they are shown."""
    return utcnow().replace(microsecond=0)


@pytest.fixture
def people(synced, make_team, make_user, client):
    make_team(key="north")
    make_team(key="south", name="South Team")
    people = {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services"),
        "manager": make_user(roles=["manager"], team="north", name="Morgan Manager"),
        "manager2": make_user(roles=["manager"], team="north", name="Jordan Deputy"),
        "south": make_user(roles=["manager"], team="south"),
        "practitioner": make_user(roles=["practitioner"], team="north", name="Priya Practitioner"),
    }
    sign_in(client, people["manager"])
    return people


def refer(people, now, screening=None, **rfs):
    case = referrals.start_referral(workflow_key="dao_pathway", actor=people["referrer"], team="north", now=now)
    fill(case, "request_for_service", people["referrer"], now, rfs)
    fill(case, "screening", people["referrer"], now, screening)
    fill(case, "consent", people["referrer"], now)
    return referrals.submit_referral(case, actor=people["referrer"], now=now)


def fire(case, name, actor, now, **inputs):
    return fire_transition(Case.objects.get(pk=case.pk), name, inputs, actor=actor, now=now)


def to_accepted(case, people, now):
    # The consultation on the day of the referral: never before it.
    for name, inputs in (("acknowledge", {}), ("arrange_consultation",
                                               {"consultation_date": local_today(now).isoformat()}), ("accept", {})):
        case = fire(case, name, people["manager"], now, **inputs)
    return case


def test_manager_lands_on_the_inbox_with_urgent_and_oldest_first(client, people, now):
    old = refer(people, now - timedelta(days=8), person_name="Adam Older")
    new = refer(people, now - timedelta(days=1), person_name="Ben Newer")
    urgent = refer(people, now, person_name="Carl Urgent", urgent=True, urgent_reason="Threats to the children")
    assert client.get("/").headers["Location"].endswith("/manager/referrals")
    page = text(client.get("/manager/referrals"))
    assert '<h1 class="govuk-heading-l">Referrals</h1>' in page
    assert page.index(urgent.reference) < page.index(old.reference) < page.index(new.reference)
    assert "Urgent requested" in page and "8 days ago" in page and "Likely to be suitable" in page
    assert "moj-sub-navigation" in page


def test_the_inbox_filters_by_stage(client, people, now):
    first = fire(refer(people, now), "acknowledge", people["manager"], now)
    second = refer(people, now)
    page = text(client.get("/manager/referrals?stage=acknowledged"))
    assert first.reference in page and second.reference not in page
    assert 'aria-current="page">Acknowledged' in page


@pytest.mark.parametrize("path", ["/manager/referrals", "/manager/waiting-list", "/manager/team"])
@pytest.mark.parametrize("role", ["referrer", "practitioner", "partner_worker", "auditor", "admin"])
def test_only_managers_open_the_managers_pages(client, make_user, people, path, role):
    client.post("/sign-out")
    sign_in(client, make_user(roles=[role], team="north"))
    assert client.get(path).status_code == 403


def test_another_teams_manager_cannot_open_or_act_on_a_referral(client, people, now):
    case = refer(people, now)
    client.post("/sign-out")
    sign_in(client, people["south"])
    for path in ("", "/transition/acknowledge", "/allocate", "/event/endorse_urgent"):
        assert client.get(f"/manager/referrals/{case.pk}{path}").status_code == 404
    assert client.post(f"/manager/referrals/{case.pk}/transition/acknowledge").status_code == 404
    assert Case.objects.get(pk=case.pk).state == "received"
    assert case.reference not in text(client.get("/manager/referrals"))


def test_review_shows_the_referral_red_screening_and_a_possible_duplicate(client, people, now):
    first = refer(people, now)
    case = refer(people, now, screening={"q2_recent_incident": "no_historical_only"})
    page = text(client.get(f"/manager/referrals/{case.pk}"))
    assert "Unlikely to be accepted</strong>" in page and "historical abuse" in page
    assert "Possible duplicate" in page and first.reference in page
    assert "Daniel Okafor-Reeve" in page and "Maya Okafor-Reeve" in page and "Child Protection Plan" in page
    assert "Acknowledge the referral" in page and "Do not accept the referral" in page
    assert "Endorse as urgent" in page and "Mark as urgent" not in page  # the pathway's own name for the step
    assert 'aria-current="page">Request for Service' in page
    screening = text(client.get(f"/manager/referrals/{case.pk}?show=screening"))
    assert "Red</strong>" in screening and "Green</strong>" in screening and "Daniel Okafor-Reeve" in screening
    history = text(client.get(f"/manager/referrals/{case.pk}?show=history"))
    assert "moj-timeline" in history and "Referral sent" in history
    person = text(client.get(f"/manager/referrals/{case.pk}?show=person"))
    assert "14 Larkspur Close" in person and "23 July 1989" in person


def test_acknowledging_warns_only_when_the_screening_has_a_red_answer(client, people, now):
    case = refer(people, now, screening={"q2_recent_incident": "no_historical_only"})
    base = f"/manager/referrals/{case.pk}"
    confirm = text(client.get(f"{base}/transition/acknowledge"))
    assert "The screening form has a red answer, so the referral is unlikely to be accepted." in confirm
    assert "govuk-button--warning" in confirm
    User.objects(pk=people["manager"].pk).update_one(set__language="cy")
    welsh = text(client.get(f"{base}/transition/acknowledge"))
    assert "Mae ateb coch ar y ffurflen sgrinio, felly" in welsh
    # The red answer's own guidance in Welsh too, on the referral's page.
    review = text(client.get(base))
    assert "Nid yw’r rhan fwyaf o achosion o gam-drin hanesyddol yn gymwys" in review
    assert "historical abuse" not in review


def test_triage_acknowledge_consultation_accept_and_allocate(client, people, now):
    case = refer(people, now)
    base = f"/manager/referrals/{case.pk}"
    confirm = text(client.get(f"{base}/transition/acknowledge"))
    # Every screening answer is green: no warning, and the button is not a warning's red one.
    assert "Acknowledge referral" in confirm and "red answer" not in confirm and "govuk-warning-text" not in confirm
    assert "govuk-button--warning" not in confirm
    response = client.post(f"{base}/transition/acknowledge", data={"next_steps": "I will call you on Friday"})
    assert response.status_code == 302 and response.headers["Location"].endswith(base)
    review = text(client.get(base))
    assert f"Done: Acknowledge the referral ({case.reference})" in review
    # What the social worker now reads on their referral's page, where the manager reads the referral too.
    assert "What the referrer sees" in review and "I will call you on Friday" in review
    case.reload()
    assert case.state == "acknowledged" and case.fields["next_steps"] == "I will call you on Friday"

    # The hint's example is a day the question takes: a week ahead, never one before the referral.
    ahead = local_today(utcnow()) + timedelta(days=7)
    assert f"For example, {ahead.day} {ahead.month} {ahead.year}" in text(
        client.get(f"{base}/transition/arrange_consultation"))
    wrong = client.post(f"{base}/transition/arrange_consultation",
                        data={"consultation_date-day": "31", "consultation_date-month": "2",
                              "consultation_date-year": "2026"})
    body = text(wrong)
    assert wrong.status_code == 422 and 'href="#consultation_date-day"' in body and "real date" in body
    assert 'value="31"' in body and 'value="2026"' in body  # nothing typed is lost
    on = local_today(utcnow()) + timedelta(days=3)  # after the referral, whichever clock made it
    client.post(f"{base}/transition/arrange_consultation",
                data={"consultation_date-day": on.day, "consultation_date-month": on.month,
                      "consultation_date-year": on.year})
    assert Case.objects.get(pk=case.pk).fields["consultation_date"] == on.isoformat()
    shown = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(base))).split())
    assert f"Case consultation {on.day} {on.strftime('%B')} {on.year}" in shown
    client.post(f"{base}/transition/accept", data={"notes": "Risk assessment and one-to-one work"})
    assert Case.objects.get(pk=case.pk).state == "accepted"

    page = text(client.get(base))
    assert "Allocate the case" in page
    allocation = text(client.get(f"{base}/allocate"))
    assert "Priya Practitioner" in allocation and "0 of 15" in allocation and "Has space" in allocation
    empty = client.post(f"{base}/allocate", data={})
    assert empty.status_code == 422 and 'href="#assignee"' in text(empty)
    # The message names only the choices offered: with a practitioner free, the waiting list is not one.
    assert 'id="assignee-waiting"' not in allocation
    assert "Choose who to allocate the case to" in text(empty) and "waiting list" not in text(empty).split(
        "govuk-error-summary__list")[1].split("</ul>")[0]
    done = client.post(f"{base}/allocate", data={"assignee": str(people["practitioner"].pk)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/manager/referrals")
    case.reload()
    assert case.state == "allocated" and case.allocated_to == str(people["practitioner"].pk)
    assert "is allocated to Priya Practitioner" in text(client.get("/manager/referrals"))
    assert case.reference not in text(client.get("/manager/referrals"))


def test_declining_needs_a_reason_and_offers_a_consultation(client, people, now):
    case = refer(people, now)
    url = f"/manager/referrals/{case.pk}/transition/not_accept"
    page = text(client.get(url))
    assert "Is a case consultation offered to the social worker?" in page and "This closes the referral" in page
    missing = client.post(url, data={"reason": " "})
    body = text(missing)
    assert missing.status_code == 422 and 'href="#reason"' in body and 'href="#consultation_offered"' in body
    done = client.post(url, data={"reason": "He is already on a probation programme", "consultation_offered": "yes"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/manager/referrals")
    case.reload()
    assert case.status == "closed" and case.fields["consultation_offered"] == "yes"
    assert referrals.referral_status(case)["detail"] == "He is already on a probation programme"
    closed = text(client.get(f"/manager/referrals/{case.pk}"))
    assert "This referral is closed: not accepted" in closed and "What to do next" not in closed


def test_marking_urgent_needs_two_different_managers(client, people, now):
    case = refer(people, now)
    url = f"/manager/referrals/{case.pk}/event/endorse_urgent"
    assert client.post(url, data={"reason": "Children at immediate risk"}).status_code == 302
    case.reload()
    assert case.priority == "standard" and "Endorsed by 1 of 2 managers" in text(
        client.get(f"/manager/referrals/{case.pk}"))
    again = client.get(url)  # the same manager cannot endorse twice
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/manager/referrals/{case.pk}")
    client.post("/sign-out")
    sign_in(client, people["manager2"])
    client.post(url, data={"reason": "Agreed"})
    assert Case.objects.get(pk=case.pk).priority == "urgent"
    row = text(client.get("/manager/referrals"))
    assert ">Urgent</strong>" in row


def test_waiting_list_when_everyone_is_full_then_allocate_from_it(client, people, now):
    people["practitioner"].update(set__capacity=0)
    older = to_accepted(refer(people, now - timedelta(days=30)), people, now - timedelta(days=30))
    newer = to_accepted(refer(people, now), people, now)
    allocation = text(client.get(f"/manager/referrals/{older.pk}/allocate"))
    assert "every practitioner is at full capacity" in allocation
    assert "Full" in allocation and 'value="waiting_list"' in allocation
    practitioner = str(people["practitioner"].pk)
    refused = client.post(f"/manager/referrals/{older.pk}/allocate", data={"assignee": practitioner})
    assert refused.status_code == 422 and Case.objects.get(pk=older.pk).state == "accepted"
    client.post(f"/manager/referrals/{older.pk}/allocate", data={"assignee": "waiting_list"})
    Case.objects(pk=older.pk).update_one(set__waiting_since=now - timedelta(days=17))
    client.post(f"/manager/referrals/{newer.pk}/allocate", data={"assignee": "waiting_list"})
    page = text(client.get("/manager/waiting-list"))
    assert page.index(older.reference) < page.index(newer.reference)
    assert "2 weeks, 3 days" in page and "0 days" in page
    people["practitioner"].update(set__capacity=15)
    done = client.post(f"/manager/referrals/{older.pk}/allocate", data={"assignee": practitioner})
    assert done.status_code == 302 and done.headers["Location"].endswith("/manager/waiting-list")
    older.reload()
    assert older.state == "allocated" and not older.on_waiting_list
    after = text(client.get("/manager/waiting-list"))
    assert f"{older.reference} is allocated to Priya Practitioner" in after  # the message, not a row
    assert f'">{older.reference}</a>' not in after and f'">{newer.reference}</a>' in after


def test_a_step_that_is_no_longer_possible_leads_back_to_the_referral(client, people, now):
    case = refer(people, now)
    fire(case, "acknowledge", people["manager2"], now)
    response = client.post(f"/manager/referrals/{case.pk}/transition/acknowledge", data={})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/manager/referrals/{case.pk}")
    assert "no longer available" in text(client.get(f"/manager/referrals/{case.pk}"))
    assert CaseEvent.objects(case_id=case.pk, name="acknowledge").count() == 1


def test_team_overview_shows_caseloads_and_countersignatures(client, people, now):
    case = to_accepted(refer(people, now), people, now)
    case = fire(case, "allocate", people["manager"], now, assignee=str(people["practitioner"].pk))
    case = fire(case, "begin_assessment", people["practitioner"], now, first_meeting=now.date().isoformat())
    sub = fill(case, "risk_assessment", people["practitioner"], now)
    page = text(client.get("/manager/team"))
    assert '<h1 class="govuk-heading-l">Team overview</h1>' in page
    assert "Priya Practitioner" in page and "1 high" in page and "Has space" in page
    assert "Risk assessment" in page and f"/cases/{case.pk}/submissions/{sub.pk}" in page
    assert "No deadline is overdue" in page


def test_reading_a_referral_is_audited_as_a_read_of_the_case(client, people, now):
    case = refer(people, now)
    waiting = inbox().count_documents({"action": "case.read", "target_id": str(case.pk)})
    for show in ("", "?show=person"):
        assert client.get(f"/manager/referrals/{case.pk}{show}").status_code == 200
    reads = list(inbox().find({"action": "case.read", "target_id": str(case.pk)}))
    assert len(reads) == waiting + 2
    assert {r["actor_id"] for r in reads[-2:]} == {str(people["manager"].pk)}
    assert {r["details"]["what"] for r in reads[-2:]} == {"manager.referral"}
    seen = who_has_seen(Case.objects.get(pk=case.pk), actor=people["manager2"])
    assert [row["what"] for row in seen] == ["Opened the case (the referral)"] * 2
    client.post("/sign-out")
    sign_in(client, people["south"])
    assert client.get(f"/manager/referrals/{case.pk}").status_code == 404  # refused: nothing read, nothing recorded
    assert inbox().count_documents({"action": "case.read", "target_id": str(case.pk)}) == 0  # sealed by then


def test_a_screening_form_s_outcome_reads_in_words_in_the_reader_s_language(client, people, now):
    case = refer(people, now, screening={"q2_recent_incident": "no_historical_only"})
    screening = Submission.objects.get(case_id=case.pk, form_key="screening")
    sign_in(client, people["referrer"])
    page = text(client.get(f"/cases/{case.pk}/submissions/{screening.pk}"))
    assert "Form version" not in page  # which version it was made in is for staff, nothing a referrer acts on
    assert "Screening outcome" in page and "Unlikely to be accepted; " in page and "historical abuse" in page
    assert "Outcome – outcome" not in page and "unlikely to be accepted</dd>" not in page
    User.objects(pk=people["referrer"].pk).update_one(set__language="cy")
    welsh = text(client.get(f"/cases/{case.pk}/submissions/{screening.pk}"))
    assert "Canlyniad y sgrinio" in welsh and "Annhebygol o gael ei dderbyn; " in welsh
    assert "historical abuse" not in welsh and "Unlikely to be accepted" not in welsh  # the guidance in Welsh too


def test_a_waiting_man_joins_the_group_with_the_date_his_allocation_step_asks_for(client, people, now, make_case):
    case = make_case(workflow_key="community_programme", actor=people["manager"], state="waiting_list",
                     on_waiting_list=True, waiting_since=now, referred_at=now)
    listed = text(client.get("/manager/waiting-list"))
    # A man waits for his group's next intake, not only for a practitioner with space.
    assert "for their group’s next intake" in listed and "while every practitioner was at full capacity" not in listed
    base = f"/manager/referrals/{case.pk}/allocate"
    page = text(client.get(base))
    assert "Date of his first group session" in page and 'name="start_date-day"' in page
    chosen = str(people["practitioner"].pk)
    blank = text(client.post(base, data={}))  # nothing given: both problems named in one round
    assert 'href="#assignee"' in blank and 'href="#start_date-day"' in blank
    missing = client.post(base, data={"assignee": chosen})
    body = text(missing)
    # Said at the date, not at the choice, and the choice is kept.
    assert missing.status_code == 422 and 'href="#start_date-day"' in body
    assert f'value="{chosen}" aria-describedby="assignee-hint" checked' in body
    day = local_today(now) + timedelta(days=7)
    done = client.post(base, data={"assignee": chosen, "start_date-day": day.day, "start_date-month": day.month,
                                   "start_date-year": day.year})
    assert done.status_code == 302, text(done)
    case.reload()
    assert case.state == "group" and case.allocated_to == chosen and not case.on_waiting_list
    assert case.fields["group_start_date"] == day.isoformat()
