"""The delivery job: its own interval, never overlapping, woken when mail is queued; the CLI; its settings."""

from __future__ import annotations

from datetime import datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from clock import utcnow
from config import load_settings
from errors import ConfigurationError
from models.outbox import PENDING, SENT, OutboxMessage
from scheduler import runner
from services.notifications import outbox
from services.notifications.send import notify_user
from tests.mail_sink import SinkServer

START = datetime(2026, 11, 24, 10)


@pytest.fixture
def scheduler(app):
    """The scheduler's jobs, configured but not started."""
    app.config["OUTBOX_INTERVAL_SECONDS"] = 7
    configured = runner._configure(BackgroundScheduler(), app)
    yield configured
    outbox.forget_wakers()


def test_delivery_is_a_second_job_on_its_own_interval_never_overlapping(scheduler):
    sweep, delivery = scheduler.get_job(runner.JOB_ID), scheduler.get_job(runner.OUTBOX_JOB_ID)
    assert sweep is not None and delivery is not None
    assert delivery.trigger.interval.total_seconds() == 7 and sweep.trigger.interval.total_seconds() == 60
    assert delivery.max_instances == 1 and delivery.coalesce is True


def test_the_job_delivers_and_a_run_in_progress_is_not_doubled(app, make_user, scheduler):
    user = make_user()
    notify_user(user, subject="S", body="B", link="/x", now=utcnow())
    job = scheduler.get_job(runner.OUTBOX_JOB_ID).func
    with job.running:  # another run of this process holds the job: this one returns at once
        job()
    assert OutboxMessage.objects.get().status == PENDING
    job()  # mail is off in the tests: the message is written to the log and marked sent
    assert OutboxMessage.objects.get().status == SENT


def test_queued_mail_wakes_the_job(app, make_user, scheduler, monkeypatch):
    woken = []
    job = scheduler.get_job(runner.OUTBOX_JOB_ID).func
    monkeypatch.setattr(job, "wake", lambda: woken.append(True))
    outbox.forget_wakers()
    outbox.on_queued(job.wake)
    notify_user(make_user(), subject="S", body="B", link="/x", now=START)
    assert woken == [True]


def test_flask_outbox_deliver_and_status(app, runner, make_user):
    server = SinkServer()
    server.start()
    try:
        app.config.update(server.settings())
        notify_user(make_user(), subject="S", body="B", link="/x", now=START)
        status = runner.invoke(args=["outbox", "status"])
        assert "Waiting: 1; could not deliver: 0" in status.output
        result = runner.invoke(args=["outbox", "deliver"])
        assert result.exit_code == 0 and "Email sent: 1" in result.output
        assert len(server.messages) == 1
    finally:
        server.stop()


@pytest.mark.parametrize("name", ["OUTBOX_INTERVAL_SECONDS", "OUTBOX_MAX_ATTEMPTS", "OUTBOX_RETRY_SECONDS",
                                  "OUTBOX_RETRY_MAX_SECONDS"])
def test_outbox_settings_must_be_positive(name):
    assert load_settings(environ={f"PATHWAY_{name}": "5"})[name] == 5
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ={f"PATHWAY_{name}": "0"})
    assert f"PATHWAY_{name} must be a whole number of at least 1" in caught.value.message


def test_tests_cannot_send_email_anywhere_but_a_loopback_sink(app, make_user):
    settings = {"MAIL_ENABLED": True, "MAIL_HOST": "smtp.example.org", "MAIL_PORT": 25, "MAIL_FROM": "p@example.org"}
    notify_user(make_user(), subject="S", body="B", link="/x", now=START, settings=settings)
    result = outbox.deliver_outbox(now=START, settings=settings)
    assert (result.sent, result.failed) == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.status == PENDING and "use tests/mail_sink.py" in message.last_error
