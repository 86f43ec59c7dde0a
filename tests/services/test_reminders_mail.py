"""Email: SMTP to a local sink, the user's choice, failures, nothing personal or confidential in any mail."""

from __future__ import annotations

import email
import email.policy
import logging
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from models.case import Child
from models.form import ConfidentialSubmission
from models.notification import Notification
from services import deadlines as svc
from services.mail import send_mail
from services.notifications import messages, notify_case
from services.reminders import sweep_reminders
from storage.embedded import free_port
from tests.services.test_deadlines import PARTNER, RISK, make_case

PERSON = "Darren Holloway"
CHILD = "Kayleigh Holloway"
SECRET = "She told us he keeps a knife in the car"
START = datetime(2026, 11, 24, 10)


class Sink:
    """Collect every message the SMTP server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    """Run an SMTP sink on a loopback port; return (settings that point at it, the sink)."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings = {"MAIL_ENABLED": True, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": controller.port,
                "MAIL_USE_TLS": False, "MAIL_USERNAME": "", "MAIL_PASSWORD": "",
                "MAIL_FROM": "pathway@example.org",
                "BASE_URL": "https://pathway.example", "HOLIDAY_REGION": "england_wales"}
    yield settings, sink
    controller.stop()


def text_of(message) -> str:
    return f"{message['Subject']}\n{message.get_content()}"


def test_reminder_is_emailed_over_smtp(app, make_user, smtp):
    settings, sink = smtp
    practitioner = make_user(roles=["practitioner"])
    case = make_case(allocated_to=practitioner)
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    assert sweep_reminders(now=datetime(2026, 12, 29, 8), settings=settings).sent == 1
    [message] = sink.messages
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
    assert {m["To"] for m in sink.messages} == {manager.email}
    # In-app still: the missed notice (it replaces the reminders still owed).
    assert [n.template for n in Notification.objects(user_id=str(practitioner.pk))] == ["deadline_missed"]
    assert Notification.objects(user_id=str(manager.pk)).count() == 2  # missed and one escalation


def test_mail_off_is_logged_not_sent(app, smtp, caplog):
    settings, sink = smtp
    with caplog.at_level(logging.INFO, logger="services.mail"):
        sent = send_mail({**settings, "MAIL_ENABLED": False}, to="a@example.org", subject="S", body="B")
    assert sent is False
    assert sink.messages == [] and "a@example.org" in caplog.text


def test_unreachable_server_is_logged_and_in_app_notice_kept(app, make_user, caplog):
    practitioner = make_user(roles=["practitioner"])
    case = make_case(allocated_to=practitioner)
    svc.start_deadline(case, "risk_assessment", now=START, spec=RISK)
    settings = {"MAIL_ENABLED": True, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": free_port(),
                "MAIL_FROM": "p@x.org", "BASE_URL": "https://pathway.example"}
    with caplog.at_level(logging.WARNING, logger="services.mail"):
        assert sweep_reminders(now=datetime(2026, 12, 29, 8), settings=settings).sent == 1
    assert "Could not send mail" in caplog.text
    note = Notification.objects.get(user_id=str(practitioner.pk))
    assert note.emailed is False


def test_subject_is_always_one_line(smtp):
    settings, sink = smtp
    assert send_mail(settings, to="a@example.org", subject="Hello\r\nBcc: evil@example.org", body="B")
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
    assert len(sink.messages) > 2 * len(messages())
    for message in sink.messages:
        text = text_of(message)
        for forbidden in (PERSON, "Holloway", CHILD, "Leanne", SECRET, "knife"):
            assert forbidden not in text, (forbidden, text)
        assert case.reference in text or partner.reference in text
    assert not [m for m in sink.messages if m["To"] == referrer.email and partner.reference in text_of(m)]
    for note in Notification.objects:
        assert "Holloway" not in note.subject + note.body and "knife" not in note.body
