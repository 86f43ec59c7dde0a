"""My deadlines, notifications and the email setting through the Flask client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template_string

from clock import utcnow
from models.notification import Notification
from models.user import User
from services.deadlines import lists as deadline_lists
from services.deadlines import tracking as deadline_service
from services.notifications.send import notify_user
from tests.command_log import LOG, count_commands
from tests.services.deadlines.test_deadlines import RISK, RMP, make_case

PERSON = "Darren Holloway"


def _seed(practitioner):
    """Give the practitioner an overdue, a due-this-week and a later deadline (relative to the real clock)."""
    now = utcnow()
    case = make_case(allocated_to=practitioner, person=PERSON, now=now)
    deadline_service.start_deadline(case, "rmp", now=now - timedelta(days=20), spec=RMP)
    # Counted in calendar days, so it is due in two days even when bank holidays follow (at Christmas, 5 working
    # days from 3 days ago can be more than a week away).
    soon = {**RMP, "key": "soon", "label": "Breach decision", "duration": {"days": 5}}
    deadline_service.start_deadline(case, "soon", now=now - timedelta(days=3), spec=soon)
    deadline_service.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    return case


def test_practitioner_sees_own_deadlines_grouped(client, signed_in):
    practitioner = signed_in("practitioner")
    case = _seed(practitioner)
    response = client.get("/deadlines")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "My deadlines" in page and "Overdue (1)" in page and "Due in the next 7 days (1)" in page
    assert "Later (1)" in page and "Breach decision" in page and "Risk assessment" in page
    assert f'href="/cases/{case.pk}"' in page and case.reference in page
    assert "6 weeks after allocation, counted from" in page
    assert PERSON not in page
    assert "Team</a>" not in page  # no team filter for practitioners
    assert client.get("/deadlines?scope=team").status_code == 200


def test_a_partner_worker_s_deadlines_open_her_own_records_and_never_a_page_she_cannot_open(
        client, signed_in, make_user):
    worker = signed_in("partner_worker")
    now = utcnow()
    his = make_case(allocated_to=make_user(roles=["practitioner"]), now=now)
    hers = make_case(kind="partner", parent=his, allocated_to=worker, person="", now=now)
    waiting = make_case(kind="partner", parent=make_case(now=now), person="", now=now)  # not given to her yet
    for case, key in ((his, "tell_partner"), (hers, "first_contact"), (waiting, "first_contact")):
        deadline_service.start_deadline(case, key, now=now, spec={
            **RMP, "key": key, "label": key.replace("_", " ").capitalize(), "role": "partner_worker"})
    page = client.get("/deadlines").get_data(as_text=True)
    # Her worker's deadline on his case opens her record; her record's own opens it too; one not hers yet, nothing.
    assert page.count(f'href="/partner/cases/{hers.pk}"') == 2
    assert f'href="/cases/{waiting.pk}"' not in page and f"/partner/cases/{waiting.pk}" not in page
    assert f'href="/cases/{his.pk}"' not in page and waiting.reference in page
    # Her team hears of the record not yet given to anyone, but it is nobody's deadline until then.
    client.post("/sign-out")
    signed_in("manager")
    team = client.get("/deadlines?scope=team").get_data(as_text=True)
    assert team.count("Partner-support workers, once a manager allocates the record") == 1


def test_manager_sees_the_team_and_can_filter(client, signed_in, make_user):
    practitioner = make_user(roles=["practitioner"], name="Priya Practitioner")
    _seed(practitioner)
    make_user(roles=["manager"], team="south")
    signed_in("manager")
    page = client.get("/deadlines").get_data(as_text=True)
    assert "Team deadlines" in page and "Priya Practitioner" in page and "Overdue (1)" in page
    mine = client.get("/deadlines?scope=mine").get_data(as_text=True)
    assert "My deadlines" in mine and "You have no open deadlines" in mine


@pytest.mark.parametrize("role", ["referrer", "auditor", "admin"])
def test_deadlines_page_is_refused_to_other_roles(client, signed_in, role):
    signed_in(role)
    assert client.get("/deadlines").status_code == 403


def test_deadlines_page_needs_sign_in(client):
    response = client.get("/deadlines")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_navigation_links_to_deadlines(client, signed_in):
    signed_in("practitioner")
    assert 'href="/deadlines"' in client.get("/notifications").get_data(as_text=True)


@pytest.mark.parametrize("role", ["practitioner", "manager", "referrer"])
def test_notifications_list_count_and_open(client, signed_in, make_user, role):
    user = signed_in(role)
    now = utcnow()
    note = notify_user(user, subject="Reminder: Risk assessment due soon", body="Due by Friday.",
                       link="/cases/abc", now=now)
    notify_user(user, subject="Second", body="", link="", now=now)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Reminder: Risk assessment due soon" in page and 'aria-label="2 unread"' in page
    response = client.get(f"/notifications/{note.pk}")
    assert response.status_code == 302 and response.headers["Location"] == "/cases/abc"
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert 'aria-label="1 unread"' in client.get("/notifications").get_data(as_text=True)
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert ' unread"' not in client.get("/notifications").get_data(as_text=True)


def test_notifications_of_others_are_not_found(client, signed_in, make_user):
    other = make_user()
    note = notify_user(other, subject="Theirs", body="", link="/cases/x", now=utcnow())
    signed_in("practitioner")
    assert client.get(f"/notifications/{note.pk}").status_code == 404
    assert client.get("/notifications/nonsense").status_code == 404
    assert "Theirs" not in client.get("/notifications").get_data(as_text=True)
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_a_stored_link_never_leaves_the_site(client, signed_in):
    user = signed_in("practitioner")
    note = notify_user(user, subject="S", body="", link="//evil.example/x", now=utcnow())
    assert client.get(f"/notifications/{note.pk}").headers["Location"] == "/notifications"


def test_email_reminder_setting(client, signed_in):
    user = signed_in("practitioner")
    page = client.get("/account/reminders").get_data(as_text=True)
    assert "Do you want reminders and notifications by email?" in page
    response = client.post("/account/reminders", data={"email_reminders": "no"})
    assert response.status_code == 302 and User.objects.get(pk=user.pk).email_reminders is False
    assert "Emails are off" in client.get("/account/reminders").get_data(as_text=True)
    bad = client.post("/account/reminders", data={})
    assert bad.status_code == 422 and "Select whether you want emails" in bad.get_data(as_text=True)
    client.post("/account/reminders", data={"email_reminders": "yes"})
    assert User.objects.get(pk=user.pk).email_reminders is True


def test_case_deadlines_macro(app, make_user, now):
    case = make_case()
    deadline_service.start_deadline(case, "risk_assessment", now=now, spec=RISK)
    deadline_service.start_deadline(case, "rmp", now=now, spec=RMP)
    deadline_service.stop_deadline(case, "rmp", now=now + timedelta(days=30))
    user = make_user(roles=["manager"])
    with app.test_request_context():
        macro = '{% from "deadlines/_case_deadlines.html" import case_deadlines %}'
        html = render_template_string(macro + "{{ case_deadlines(deadlines) }}",
                                      deadlines=deadline_lists.list_deadlines(actor=user, case=case))
        empty = render_template_string(macro + "{{ case_deadlines([]) }}")
    assert "Risk assessment" in html and "5 January 2027" in html and "govuk-tag--blue" in html
    assert "Met late" in html and "6 weeks after allocation, counted from 24 November 2026" in html
    assert "There are no deadlines on this case." in empty


def test_a_partner_worker_s_deadline_links_are_read_at_once_however_many_cases(client, signed_in, make_user,
                                                                               app_config):
    worker = signed_in("partner_worker")
    now = utcnow()
    for _ in range(3):
        his = make_case(allocated_to=make_user(roles=["practitioner"]), now=now)
        make_case(kind="partner", parent=his, allocated_to=worker, person="", now=now)
        deadline_service.start_deadline(his, "tell_partner", now=now, spec={
            **RMP, "key": "tell_partner", "label": "Tell the partner", "role": "partner_worker"})
    client.get("/deadlines")
    response, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get("/deadlines"))
    assert response.get_data(as_text=True).count('href="/partner/cases/') == 3
    # Her cases once and her partner records once: not one read per deadline.
    assert LOG.targets.count("find cases") <= 3, LOG.targets
