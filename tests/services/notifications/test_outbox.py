"""The email outbox: a mail server outage loses nothing, every message goes exactly once, leases, back-off."""

from __future__ import annotations

import collections
import threading
from datetime import datetime, timedelta

import pytest

from models.notification import Notification
from models.outbox import FAILED, PENDING, SENT, OutboxMessage
from services.deadlines import tracking as svc
from services.deadlines.reminders import sweep_reminders
from services.notifications import outbox as outbox_service
from services.notifications.outbox import LEASE, backoff, claim_next, deliver_outbox
from services.notifications.send import notify_user
from storage.uow import transactional
from tests.mail_sink import SinkServer
from tests.services.deadlines.test_deadlines import RISK, make_case

START = datetime(2026, 11, 24, 10)
REMINDER = datetime(2026, 12, 29, 8)  # RISK started at START: the first reminder (7 days before the due day)


@pytest.fixture
def server():
    """An SMTP sink on a loopback port, not started: nothing listens until the test starts it."""
    sink = SinkServer()
    yield sink
    sink.stop()


def queue_reminders(make_user, settings, n: int) -> list[Notification]:
    """Run the real sweep over n due reminders (n cases, five practitioners); return the notifications."""
    people = [make_user(roles=["practitioner"]) for _ in range(5)]
    for i in range(n):
        svc.start_deadline(make_case(allocated_to=people[i % 5]), "risk_assessment", now=START, spec=RISK)
    assert sweep_reminders(now=REMINDER, settings=settings).sent == n
    return list(Notification.objects(template="deadline_reminder"))


def by_message_id(sink) -> collections.Counter:
    return collections.Counter(message["Message-ID"] for message in sink.messages)


def test_mail_server_outage_loses_nothing_and_sends_each_message_once(app, make_user, server):
    settings = server.settings()
    notes = queue_reminders(make_user, settings, 50)
    assert len(notes) == OutboxMessage.objects(status=PENDING).count() == 50
    assert not any(note.emailed for note in notes)

    # The server is down: every attempt fails, nothing is lost, each retry waits longer (30 s, 60 s, 120 s…).
    now, runs = REMINDER, []
    while now < REMINDER + timedelta(minutes=10):
        runs.append(deliver_outbox(now=now, settings=settings))
        now += timedelta(seconds=15)  # the job's interval
    assert sum(run.sent for run in runs) == 0 and sum(run.gave_up for run in runs) == 0
    failing = [run.failed for run in runs if run.failed]
    assert failing == [50] * 5  # at 0 s, 30 s, 90 s, 210 s, 450 s: back-off, not one attempt per run
    assert OutboxMessage.objects(status=PENDING, attempts=5).count() == 50
    message = OutboxMessage.objects.first()
    assert message.next_attempt_at == REMINDER + timedelta(seconds=450) + backoff(5, settings)
    assert "could not be reached" in message.last_error

    # Back after ten minutes: the next attempt delivers every message, once.
    server.start()
    delivered = 0
    while OutboxMessage.objects(status=PENDING).count():
        delivered += deliver_outbox(now=now, settings=settings).sent
        now += timedelta(seconds=15)
    assert now - REMINDER <= timedelta(minutes=16)  # within the 5-minute back-off cap of the server's return
    assert delivered == 50 == len(server.messages)
    counts = by_message_id(server.sink)
    assert len(counts) == 50 and set(counts.values()) == {1}  # no duplicates
    assert set(counts) == {f"<outbox.{m.pk}@example.org>" for m in OutboxMessage.objects}
    assert all(note.reload().emailed for note in notes)

    # Later runs and sweeps send nothing more.
    assert deliver_outbox(now=now + timedelta(hours=1), settings=settings).sent == 0
    assert sweep_reminders(now=REMINDER + timedelta(minutes=20), settings=settings).sent == 0
    assert len(server.messages) == 50


def test_two_deliverers_at_once_send_each_message_once(app, make_user, server):
    server.start()
    settings = server.settings()
    user = make_user()
    for i in range(60):
        notify_user(user, subject=f"Message {i}", body="B", link="/x", now=START, settings=settings)
    start, results = threading.Barrier(2), []

    def deliverer():
        start.wait()
        results.append(deliver_outbox(now=START, settings=settings))

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.sent for result in results) == 60
    counts = by_message_id(server.sink)
    assert len(counts) == 60 and set(counts.values()) == {1}
    assert sorted(m["Subject"] for m in server.messages) == sorted(f"Message {i}" for i in range(60))
    assert OutboxMessage.objects(status=SENT).count() == 60


def test_a_deliverer_that_died_holding_a_message_is_replaced_after_its_lease(app, make_user, server):
    server.start()
    settings = server.settings()
    notify_user(make_user(), subject="S", body="B", link="/x", now=START, settings=settings)
    assert claim_next(START) is not None  # claimed, then the process died before sending
    assert deliver_outbox(now=START + LEASE - timedelta(seconds=1), settings=settings).sent == 0
    assert deliver_outbox(now=START + LEASE, settings=settings).sent == 1
    assert deliver_outbox(now=START + 2 * LEASE, settings=settings).sent == 0  # marked sent: never again
    assert len(server.messages) == 1


def test_a_crash_between_sending_and_recording_resends_with_the_same_message_id(app, make_user, server,
                                                                              monkeypatch):
    server.start()
    settings = server.settings()
    notify_user(make_user(), subject="S", body="B", link="/x", now=START, settings=settings)

    def crash(*args, **kwargs):
        raise SystemExit("the deliverer's process died")

    monkeypatch.setattr(outbox_service, "mark_sent", crash)
    with pytest.raises(SystemExit):
        deliver_outbox(now=START, settings=settings)
    monkeypatch.undo()
    assert deliver_outbox(now=START + LEASE, settings=settings).sent == 1
    # The one window exactly-once cannot close on this side: the receiver sees one Message-ID twice and keeps one.
    first, second = server.messages
    assert first["Message-ID"] == second["Message-ID"] == f"<outbox.{OutboxMessage.objects.get().pk}@example.org>"
    assert deliver_outbox(now=START + 2 * LEASE, settings=settings).sent == 0 and len(server.messages) == 2


def test_gives_up_after_the_configured_attempts(app, make_user, server):
    settings = server.settings(OUTBOX_MAX_ATTEMPTS=3)
    note = notify_user(make_user(), subject="S", body="B", link="/x", now=START, settings=settings)
    now = START
    for _ in range(3):
        deliver_outbox(now=now, settings=settings)
        now += timedelta(hours=1)
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (FAILED, 3) and message.failed_at == START + timedelta(hours=2)
    server.start()
    assert deliver_outbox(now=now, settings=settings).sent == 0  # given up: only an admin sends it again
    assert server.messages == [] and note.reload().emailed is False


class Refusing:
    """An SMTP server that refuses every recipient."""

    messages: list = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 - aiosmtpd's name
        return "550 No such mailbox"


def test_a_refused_address_is_given_up_on_at_once(app, make_user, server):
    server.sink = Refusing()
    server.start()
    settings = server.settings()
    notify_user(make_user(), subject="S", body="B", link="/x", now=START, settings=settings)
    result = deliver_outbox(now=START, settings=settings)
    assert (result.failed, result.gave_up) == (1, 1)
    message = OutboxMessage.objects.get()
    assert message.status == FAILED and "refused" in message.last_error


def test_a_use_case_that_aborts_queues_no_mail(app, make_user):
    user = make_user()

    @transactional
    def tell_then_fail():
        notify_user(user, subject="S", body="B", link="/x", now=START)
        raise RuntimeError("the use-case failed after telling the user")

    with pytest.raises(RuntimeError):
        tell_then_fail()
    assert OutboxMessage.objects.count() == 0 and Notification.objects.count() == 0


def test_backoff_doubles_up_to_the_cap():
    settings = {"OUTBOX_RETRY_SECONDS": 30, "OUTBOX_RETRY_MAX_SECONDS": 300}
    assert [backoff(n, settings).total_seconds() for n in range(1, 8)] == [30, 60, 120, 240, 300, 300, 300]
    assert backoff(10_000, settings).total_seconds() == 300


def test_sent_mail_is_removed_after_90_days(app):
    OutboxMessage.ensure_indexes()
    index = OutboxMessage._get_collection().index_information()["sent_expiry"]
    assert index["key"] == [("sent_at", 1)] and index["expireAfterSeconds"] == 90 * 24 * 3600
