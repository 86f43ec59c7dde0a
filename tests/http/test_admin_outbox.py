"""The admins' email delivery page: undelivered mail with "try again", skipped deadlines, the banner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clock import utcnow
from models.audit import AuditEntry
from models.deadline import Deadline
from models.outbox import FAILED, PENDING, SENT, OutboxMessage
from services.deadlines import tracking as svc
from services.deadlines.reminders import sweep_reminders
from services.notifications.outbox import deliver_outbox
from services.notifications.send import notify_user
from tests.conftest import sign_in
from tests.mail_sink import SinkServer
from tests.services.deadlines.test_deadlines import RISK, make_case

START = datetime(2026, 11, 24, 10)


@pytest.fixture
def server():
    sink = SinkServer()
    yield sink
    sink.stop()


@pytest.fixture
def undelivered(app, make_user, server):
    """One email given up on after three attempts while the mail server was down."""
    settings = server.settings(OUTBOX_MAX_ATTEMPTS=3)
    user = make_user(email="kim.practitioner@example.org")
    notify_user(user, subject="Reminder: Risk assessment due 5 January 2027 – case DAO-2026-00042", body="B",
                link="/x", now=START, settings=settings)
    for hours in range(3):
        deliver_outbox(now=START + timedelta(hours=hours), settings=settings)
    message = OutboxMessage.objects.get()
    assert message.status == FAILED
    return message


def test_admins_see_undelivered_email_and_try_it_again(client, make_user, undelivered, server):
    admin = make_user(roles=["admin"], team="")
    sign_in(client, admin)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "1 email could not be delivered" in home and "/admin/email" in home
    page = client.get("/admin/email")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "kim.practitioner@example.org" in html and "DAO-2026-00042" in html
    assert "could not be reached" in html and 'id="count-failed">1<' in html
    assert f"/admin/email/{undelivered.pk}/retry" in html

    response = client.post(f"/admin/email/{undelivered.pk}/retry")
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (PENDING, 0) and message.retries[0]["attempts"] == 3
    entry = AuditEntry.objects.get(action="outbox.retry")
    assert entry.actor_id == str(admin.pk) and entry.target_id == str(message.pk)
    assert "will be tried again" in client.get("/admin/email").get_data(as_text=True)
    assert "could not be delivered" not in client.get("/admin/forms").get_data(as_text=True)

    server.start()
    assert deliver_outbox(now=utcnow(), settings=server.settings()).sent == 1
    assert OutboxMessage.objects.get().status == SENT and len(server.messages) == 1
    # Trying again a message that is no longer undelivered changes nothing.
    client.post(f"/admin/email/{undelivered.pk}/retry")
    assert OutboxMessage.objects.get().status == SENT


def test_try_all_again(client, make_user, undelivered):
    admin = make_user(roles=["admin"], team="")
    sign_in(client, admin)
    client.post("/admin/email/retry")
    assert OutboxMessage.objects.get().status == PENDING
    assert AuditEntry.objects.get(action="outbox.retry_all").details == {"messages": 1}


def test_skipped_deadlines_are_shown_to_admins(client, make_user):
    case = make_case(allocated_to=make_user(roles=["practitioner"]))
    deadline = svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    Deadline._get_collection().update_one({"_id": deadline.pk}, {"$set": {"reminders.0": "soon"}})
    sweep_reminders(now=datetime(2026, 12, 29, 8), settings={"MAIL_ENABLED": False, "BASE_URL": "x"})
    sign_in(client, make_user(roles=["admin"], team=""))
    assert "1 deadline could not be processed" in client.get("/admin/users").get_data(as_text=True)
    html = client.get("/admin/email").get_data(as_text=True)
    assert case.reference in html and "Risk assessment" in html and "TypeError" in html


@pytest.mark.parametrize("role", ["manager", "practitioner", "auditor", "referrer"])
def test_only_admins_see_the_page(client, make_user, undelivered, role):
    sign_in(client, make_user(roles=[role]))
    assert client.get("/admin/email").status_code == 403
    assert client.post(f"/admin/email/{undelivered.pk}/retry").status_code == 403
    assert OutboxMessage.objects.get().status == FAILED


@pytest.mark.parametrize("message_id", ["not-an-id", "0" * 24])
def test_unknown_messages_are_not_found(client, make_user, message_id):
    sign_in(client, make_user(roles=["admin"], team=""))
    assert client.post(f"/admin/email/{message_id}/retry").status_code == 404
