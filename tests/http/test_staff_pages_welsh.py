"""The staff's case page, partner record and deadlines in Welsh: the user's language, no English sentence left."""

from __future__ import annotations

import html
import re

import pytest
from babel.dates import format_date

from models.case import Case
from models.notification import Notification
from models.user import User
from services.partner import records as partner_service
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, walk


@pytest.fixture
def people(synced, make_team, make_user):
    found = make_people(make_team, make_user)
    User.objects(pk__in=[u.pk for u in found.values()]).update(set__language="cy")
    return {key: User.objects.get(pk=user.pk) for key, user in found.items()}


@pytest.fixture
def linked(people, now):
    """Return (a case in risk assessment, its partner record allocated to the partner worker)."""
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    partner_case = partner_service.take_partner_action(
        Case.objects.get(parent_case_id=case.pk), "allocate", {"assignee": str(people["partner_worker"].pk)},
        event=False, actor=people["manager"], now=now)
    return case, partner_case


def welsh_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    body = html.unescape(response.get_data(as_text=True))
    assert re.search(r'<html lang="cy"', body), f"{url} is not marked as Welsh"
    return body


def assert_no_english(body: str, sentences) -> None:
    left = [s for s in sentences if s in body]
    assert not left, f"English left on a Welsh page: {left}"


def test_the_case_page_is_in_welsh(client, people, linked, now):
    case, _partner = linked
    sign_in(client, people["practitioner"])
    body = welsh_page(client, f"/cases/{case.pk}")
    assert "Manylion yr achos" in body and "Risg o niwed difrifol" in body and "Hanes diweddar" in body
    assert "Cymorth i bartneriaid" in body and "Trosolwg" in body and "Cofnodi sesiwn" in body
    assert format_date(case.created_at, "long", locale="cy") in body  # a Welsh month name
    assert_no_english(body, ["Case details", "Risk of serious harm", "Next deadline", "Recent history",
                             "Sessions and attendance", "Record a session", "Partner support", "Who has seen",
                             "Personal data: access requests", "Actions not available yet", "Not assessed",
                             "There is no partner-support record", "No sessions have been recorded",
                             "Due by the end of", "Overdue: "])
    sessions = welsh_page(client, f"/cases/{case.pk}/sessions")
    assert "Sesiynau a phresenoldeb" in sessions
    assert_no_english(sessions, ["Sessions recorded", "Acceptable absences", "No sessions have been recorded"])
    from services.cases.sessions import record_session

    record_session(case, {"date": now.date().isoformat(), "session_type": "individual", "attendance": "attended"},
                   actor=people["manager"], now=now)
    sessions = welsh_page(client, f"/cases/{case.pk}/sessions")
    assert "Sesiwn un-i-un" in sessions and "One-to-one session" not in sessions  # the kind of session too
    form = welsh_page(client, f"/cases/{case.pk}/sessions/new")
    assert "Sesiwn un-i-un" in form and "One-to-one session" not in form


def test_the_partner_record_is_in_welsh(client, people, linked):
    _case, partner_case = linked
    sign_in(client, people["partner_worker"])
    body = welsh_page(client, f"/partner/cases/{partner_case.pk}")
    assert "CYFRINACHOL – NID I’W DDATGELU I’R CYFLAWNWR" in body and "Cofnod cysylltiadau" in body
    assert "Cofnodi cysylltiad" in body and "Gweithiwr cymorth i bartneriaid" in body
    # The pathway's own words (its states, steps, deadlines) come from its file; these are the interface's.
    assert_no_english(body, ["CONFIDENTIAL", "Everything in a partner-support record", "Contact log",
                             "Log a contact", ">Partner-support worker<", "No contact has been logged yet",
                             "Safe contact", "Linked case", "Back to partner cases", "Not recorded"])
    form = welsh_page(client, f"/partner/cases/{partner_case.pk}/contacts/new")
    assert "Sut y cysylltwyd neu y ceisiwyd cysylltu?" in form and "Ffôn" in form
    assert_no_english(form, ["How was contact made", "Telephone", "Spoke with the partner", "Date of the contact"])


def test_the_deadlines_page_is_in_welsh(client, people, linked):
    sign_in(client, people["practitioner"])
    body = welsh_page(client, "/deadlines")
    assert "Fy nherfynau amser" in body and "Dewiswch a yw nodiadau atgoffa’n dod drwy e-bost" in body
    assert_no_english(body, ["My deadlines", "Due by the end of", "Choose whether reminders come by email",
                             "You have no open deadlines", "Overdue", "Due in the next 7 days", "Later ("])
    assert "Fy achosion" in body  # the service navigation too


def test_break_the_glass_speaks_welsh_and_tells_the_owning_manager_in_welsh(client, people, linked, make_user):
    _case, partner_case = linked
    south = make_user(roles=["manager"], team="south", name="Sue Southmanager")
    User.objects(pk=south.pk).update(set__language="cy")
    sign_in(client, User.objects.get(pk=south.pk))
    url = f"/cases/{partner_case.pk}/break-glass"
    form = welsh_page(client, url)
    assert "Agor cofnod cyfyngedig" in form and "Pam mae angen i chi agor y cofnod hwn?" in form
    assert_no_english(form, ["Open a restricted record", "Why do you need", "one hour"])
    assert "Mae’r cofnod hwn yn perthyn i dîm arall" in form  # another team's manager is told it is another team's
    short = html.unescape(client.post(url, data={"reason": "angen"}).get_data(as_text=True))
    assert "Dywedwch pam mae angen i chi agor y cofnod hwn" in short and "Say why" not in short
    reason = "Cyfarfod MARAC y prynhawn yma: gwirio’r cysylltiad diwethaf"
    response = client.post(url, data={"reason": reason}, follow_redirects=True)
    assert "Rydych wedi agor y cofnod hwn am awr" in html.unescape(response.get_data(as_text=True))
    told = Notification.objects(user_id=str(people["manager"].pk), template="oversight")
    assert any(f"gyda mynediad brys. Eu rheswm: {reason}" in note.body for note in told)
    assert all("read by someone" not in note.subject for note in told)
    sign_in(client, people["manager"])
    seen = welsh_page(client, f"/cases/{partner_case.pk}/seen")
    assert "Pwy sydd wedi gweld y cofnod hwn" in seen and "Agorodd gyda mynediad brys" in seen
    assert_no_english(seen, ["Who has seen this record", "Opened with break-the-glass", "Usual worker", "Reason:"])
    case, _ = linked
    client.get(f"/cases/{case.pk}")  # a read of the case's overview, by its manager
    seen = welsh_page(client, f"/cases/{case.pk}/seen")
    assert "Rheolwr tîm" in seen and "cases.case_page" not in seen and "Team manager" not in seen


def test_the_team_overview_names_overdue_deadlines_in_welsh(client, people, linked, now):
    from datetime import timedelta

    from models.deadline import Deadline
    from services.pathways.store import definition_for

    case, _ = linked
    Deadline.objects(case_id=case.pk, active=True).update(set__due_at=now - timedelta(days=3))
    defn = definition_for(case)
    shown = [(d.label, defn.deadline_label(d.key, d.label, "cy")) for d in Deadline.objects(case_id=case.pk,
                                                                                           active=True)]
    assert shown and all(english != welsh for english, welsh in shown)
    sign_in(client, people["manager"])
    body = welsh_page(client, "/manager/team")
    for english, welsh in shown:
        assert welsh in body and f">{english}<" not in body


def test_an_auditor_of_the_same_team_is_not_told_the_record_is_another_teams(client, people, linked, make_user):
    _, partner_case = linked
    auditor = make_user(roles=["auditor"], team=partner_case.team, name="Alex Auditor")
    sign_in(client, auditor)
    page = html.unescape(client.get(f"/cases/{partner_case.pk}/break-glass").get_data(as_text=True))
    assert "This record holds restricted information" in page and "another team" not in page


def test_the_referral_inbox_names_stages_and_screening_in_welsh(client, people, now):
    case = refer(people, now, person_name="Daniel Marsh")
    sign_in(client, people["manager"])
    body = welsh_page(client, "/manager/referrals")
    assert case.reference in body and "Atgyfeiriad wedi dod i law" in body
    assert_no_english(body, ["Referral received", "Likely to be suitable", "Unlikely to be accepted", "Not complete"])
    review = welsh_page(client, f"/manager/referrals/{case.pk}")
    assert_no_english(review, ["Likely to be suitable", "Unlikely to be accepted", "Every answer is green."])


def test_partner_risk_updates_and_pathways_own_deadlines_read_in_welsh(client, people, linked, now):
    from models.case import CaseEvent
    from services.privacy import subject_access as sar

    case, partner_case = linked
    CaseEvent(case_id=partner_case.pk, at=now, kind="event", name="partner_risk_update",
              inputs={"risk_change": "increased"}).save()
    sar.log_request(case.pk, {"requested_by": "The person themselves", "identity_check": "photo_id",
                              "received_on": now.date().isoformat()}, actor=people["manager"], now=now)
    sign_in(client, people["manager"])
    body = welsh_page(client, f"/cases/{case.pk}")
    assert "Mae’r risg wedi cynyddu" in body and "govuk-tag--red\">Mae’r risg wedi cynyddu" in body
    assert "Ateb y cais am fynediad at ddata gan wrthrych" in body
    assert_no_english(body, ["The risk has increased", "Answer the subject access request"])


def test_refusals_and_missing_pages_are_said_in_welsh(client, people, linked):
    case, _partner = linked
    sign_in(client, people["manager"])
    refused = client.get("/admin/audit")
    assert refused.status_code == 403
    body = html.unescape(refused.get_data(as_text=True))
    assert "Nid oes gennych fynediad i’r dudalen hon" in body and "You do not have access" not in body
    missing = client.get(f"/cases/{case.pk}/forms/nosuchform")
    assert missing.status_code == 404
    body = html.unescape(missing.get_data(as_text=True))
    assert "Nid oes ffurflen o’r enw nosuchform" in body and "There is no form" not in body
