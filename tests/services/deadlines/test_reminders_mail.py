"""Email: queued by the sweep, delivered over SMTP to a local sink; the user's choice, failures, nothing
personal or confidential in any mail."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from models.case import Child
from models.form import ConfidentialSubmission
from models.notification import Notification
from models.outbox import PENDING, SENT, OutboxMessage
from services.deadlines import tracking as svc
from services.deadlines.reminders import sweep_reminders
from services.notifications.outbox import deliver_outbox
from services.notifications.send import messages, notify_case, notify_user
from storage.embedded import free_port
from tests.mail_sink import SinkServer
from tests.services.deadlines.test_deadlines import PARTNER, RISK, make_case

PERSON = "Darren Holloway"
CHILD = "Kayleigh Holloway"
SECRET = "She told us he keeps a knife in the car"
START = datetime(2026, 11, 24, 10)


@pytest.fixture
def smtp():
    """Run an SMTP sink on a loopback port; return (settings that point at it, the sink)."""
    server = SinkServer()
    server.start()
    yield server.settings(), server.sink
    server.stop()


def text_of(message) -> str:
    return f"{message['Subject']}\n{message.get_content()}"


def test_reminder_is_emailed_over_smtp(app, make_user, smtp):
    settings, sink = smtp
    practitioner = make_user(roles=["practitioner"])
    case = make_case(allocated_to=practitioner)
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    at = datetime(2026, 12, 29, 8)
    assert sweep_reminders(now=at, settings=settings).sent == 1
    assert sink.messages == []  # the sweep only queues: mail goes out from the outbox
    assert deliver_outbox(now=at, settings=settings).sent == 1
    [message] = sink.messages
    queued = OutboxMessage.objects.get()
    assert message["Message-ID"] == f"<outbox.{queued.pk}@example.org>" and queued.status == SENT
    assert message["To"] == practitioner.email and message["From"] == "pathway@example.org"
    assert message["Subject"] == f"Reminder: Risk assessment due 5 January 2027 – case {case.reference}"
    body = message.get_content()
    assert f"https://pathway.example/cases/{case.pk}" in body
    assert "6 weeks after allocation, counted from 24 November 2026" in body
    assert "https://pathway.example/account/reminders" in body
    assert Notification.objects.get(user_id=str(practitioner.pk)).emailed is True


def test_no_email_for_users_who_turned_it_off(app, make_user, smtp):
    settings, sink = smtp
    practitioner = make_user(roles=["practitioner"])
    practitioner.email_reminders = False
    practitioner.save()
    manager = make_user(roles=["manager"])
    case = make_case(allocated_to=practitioner)
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    sweep_reminders(now=datetime(2027, 1, 9), settings=settings)
    deliver_outbox(now=datetime(2027, 1, 9), settings=settings)
    assert {m["To"] for m in sink.messages} == {manager.email}
    # In-app still: the missed notice (it replaces the reminders still owed).
    assert [n.template for n in Notification.objects(user_id=str(practitioner.pk))] == ["deadline_missed"]
    assert Notification.objects(user_id=str(manager.pk)).count() == 2  # missed and one escalation


def test_mail_off_is_logged_and_marked_sent_not_sent(app, make_user, smtp, caplog):
    settings, sink = smtp
    user = make_user()
    note = notify_user(user, subject="S", body="B", link="/x", now=START, settings=settings)
    with caplog.at_level(logging.INFO, logger="services.notifications.mail"):
        result = deliver_outbox(now=START, settings={**settings, "MAIL_ENABLED": False})
    assert result.sent == 1 and sink.messages == [] and user.email in caplog.text
    queued = OutboxMessage.objects.get()
    assert (queued.status, queued.sent_via) == (SENT, "log")
    note.reload()
    assert note.emailed is False  # nothing was emailed
    assert deliver_outbox(now=START, settings=settings).sent == 0 and sink.messages == []


def test_unreachable_server_is_logged_and_in_app_notice_kept(app, make_user, caplog):
    practitioner = make_user(roles=["practitioner"])
    case = make_case(allocated_to=practitioner)
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    settings = {"MAIL_ENABLED": True, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": free_port(),
                "MAIL_FROM": "p@x.org", "BASE_URL": "https://pathway.example"}
    at = datetime(2026, 12, 29, 8)
    assert sweep_reminders(now=at, settings=settings).sent == 1
    with caplog.at_level(logging.WARNING, logger="services.notifications.outbox"):
        assert deliver_outbox(now=at, settings=settings).failed == 1
    assert "could not be reached" in caplog.text
    note = Notification.objects.get(user_id=str(practitioner.pk))
    assert note.emailed is False
    queued = OutboxMessage.objects.get()
    assert (queued.status, queued.attempts) == (PENDING, 1) and "could not be reached" in queued.last_error


def test_subject_is_always_one_line(app, make_user, smtp):
    settings, sink = smtp
    notify_user(make_user(), subject="Hello\r\nBcc: evil@example.org", body="B", link="/x", now=START,
                settings=settings)
    assert deliver_outbox(now=START, settings=settings).sent == 1
    [message] = sink.messages
    assert message["Subject"] == "Hello Bcc: evil@example.org" and message["Bcc"] is None


def test_no_email_names_the_person_or_carries_confidential_text(app, make_user, smtp):
    settings, sink = smtp
    practitioner = make_user(roles=["practitioner"])
    make_user(roles=["manager"])
    worker = make_user(roles=["partner_worker"])
    referrer = make_user(roles=["referrer"], team="")
    case = make_case(allocated_to=practitioner, person=PERSON, referrer=referrer)
    case.children = [Child(name=CHILD)]
    case.fields = {"notes": SECRET}
    case.save()
    partner = make_case(kind="partner", parent=case, allocated_to=worker, person="Leanne Holloway")
    ConfidentialSubmission(case_id=case.pk, form_key="risk_assessment_confidential", form_version=1,
                           classification="confidential", status="submitted", answers={"information": SECRET},
                           created_at=START).save()
    # Every message in the table, to everyone it can go to, with every placeholder filled in.
    extra = {"deadline": "Risk assessment", "due": "5 January 2027", "basis": "6 weeks after allocation",
             "form": "Risk assessment", "state": "Allocated", "by": "Morgan Manager"}
    for template in messages():
        notify_case(case, to=["allocated", "manager", "referrer", "partner_worker"], template=template,
                    now=START, extra=extra, settings=settings)
        notify_case(partner, to=["allocated", "manager", "referrer"], template=template, now=START,
                    extra=extra, settings=settings)
    # And a whole deadline life: reminders, missed, escalations.
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    svc.start_deadline(case, "partner_first_contact", now=START, spec=PARTNER)
    for day in range(0, 70, 1):
        sweep_reminders(now=START + timedelta(days=day, hours=-2), settings=settings)
    deliver_outbox(now=START + timedelta(days=70), settings=settings, limit=10_000)
    assert len(sink.messages) > 2 * len(messages())
    for message in sink.messages:
        text = text_of(message)
        for forbidden in (PERSON, "Holloway", CHILD, "Leanne", SECRET, "knife"):
            assert forbidden not in text, (forbidden, text)
        assert case.reference in text or partner.reference in text
    assert not [m for m in sink.messages if m["To"] == referrer.email and partner.reference in text_of(m)]
    for note in Notification.objects:
        assert "Holloway" not in note.subject + note.body and "knife" not in note.body
