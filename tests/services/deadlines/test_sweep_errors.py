"""A robust sweep: each deadline is its own unit of work; a malformed one is skipped, marked, shown, cleared."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from models.deadline import Deadline
from models.notification import Notification
from models.outbox import OutboxMessage
from services.deadlines import reminders
from services.deadlines import tracking as svc
from services.deadlines.reminders import sweep_reminders
from services.deadlines.sweep_errors import list_sweep_errors
from services.notifications.outbox_admin import delivery_counts
from tests.services.deadlines.test_deadlines import RISK, make_case

SETTINGS = {"MAIL_ENABLED": False, "BASE_URL": "https://pathway.example", "HOLIDAY_REGION": "england_wales"}
START = datetime(2026, 11, 24, 10)
REMINDER = datetime(2026, 12, 29, 8)


@pytest.fixture
def due(make_user):
    """Sixty deadlines with a reminder due at REMINDER, on sixty cases."""
    people = [make_user(roles=["practitioner"]) for _ in range(4)]
    return [svc.start_deadline(make_case(allocated_to=people[i % 4]), "risk_assessment", now=START, spec=RISK)
            for i in range(60)]


def reminded(deadline) -> int:
    return Notification.objects(deadline_id=deadline.pk, template="deadline_reminder").count()


def test_one_malformed_deadline_is_skipped_marked_and_the_other_59_are_sent(app, due, caplog):
    bad = due[17]
    reminders_as_stored = Deadline._get_collection().find_one({"_id": bad.pk})["reminders"]
    # A hand-edited record: a reminder time that is not a date.
    Deadline._get_collection().update_one({"_id": bad.pk}, {"$set": {"reminders.0": "the week before"}})
    with caplog.at_level(logging.ERROR, logger="services.deadlines.reminders"):
        result = sweep_reminders(now=REMINDER, settings=SETTINGS)
    assert (result.sent, result.failed, result.examined) == (59, 1, 60)
    assert str(bad.pk) in caplog.text
    assert [reminded(d) for d in due if d.pk != bad.pk] == [1] * 59 and reminded(bad) == 0
    assert OutboxMessage.objects.count() == 59
    [problem] = list_sweep_errors()
    assert problem["id"] == str(bad.pk) and problem["case_reference"] == bad.case_reference
    assert "TypeError" in problem["message"] and problem["since"] == problem["at"] == REMINDER
    assert delivery_counts(now=REMINDER)["sweep_errors"] == 1
    stored = Deadline.objects.get(pk=bad.pk)
    assert stored.action_seq == bad.action_seq and stored.reminded_through is None  # never claimed

    # The next sweep tries it again (still broken) and sends nothing twice.
    later = REMINDER.replace(hour=9)
    again = sweep_reminders(now=later, settings=SETTINGS)
    assert (again.sent, again.failed) == (0, 1)
    [problem] = list_sweep_errors()
    assert (problem["since"], problem["at"]) == (REMINDER, later)

    # Put right: the next sweep sends its reminder once and the mark goes.
    Deadline._get_collection().update_one({"_id": bad.pk}, {"$set": {"reminders": reminders_as_stored}})
    fixed = sweep_reminders(now=later.replace(hour=10), settings=SETTINGS)
    assert (fixed.sent, fixed.failed) == (1, 0)
    assert reminded(bad) == 1 and list_sweep_errors() == []
    assert [reminded(d) for d in due] == [1] * 60 and OutboxMessage.objects.count() == 60


def test_a_marked_deadline_closed_in_the_meantime_loses_its_mark(app, due):
    bad = due[0]
    Deadline._get_collection().update_one({"_id": bad.pk}, {"$set": {"due_at": "5 January"}})
    assert sweep_reminders(now=REMINDER, settings=SETTINGS).failed == 1
    Deadline._get_collection().update_one({"_id": bad.pk}, {"$set": {"status": "cancelled"},
                                                            "$unset": {"next_action_at": ""}})
    assert sweep_reminders(now=REMINDER.replace(hour=9), settings=SETTINGS).failed == 0
    assert list_sweep_errors() == []


def test_a_failure_after_the_claim_undoes_the_claim_history_notifications_and_mail(app, due, monkeypatch):
    bad, real = due[5], reminders.notify_users

    def failing(users, **kwargs):
        sent = real(users, **kwargs)  # the notifications and their mail are written...
        if kwargs.get("deadline_id") == bad.pk:
            raise ValueError("the message table is broken")  # ...then the use-case fails
        return sent

    monkeypatch.setattr(reminders, "notify_users", failing)
    result = sweep_reminders(now=REMINDER, settings=SETTINGS)
    assert (result.sent, result.failed) == (59, 1)
    stored = Deadline.objects.get(pk=bad.pk)
    assert stored.action_seq == bad.action_seq and stored.sent == [] and stored.reminded_through is None
    assert reminded(bad) == 0 and OutboxMessage.objects.count() == 59
    assert stored.sweep_error["message"] == "ValueError: the message table is broken"

    monkeypatch.setattr(reminders, "notify_users", real)
    assert sweep_reminders(now=REMINDER.replace(hour=9), settings=SETTINGS).sent == 1
    assert reminded(bad) == 1 and OutboxMessage.objects.count() == 60 and list_sweep_errors() == []


def test_units_run_side_by_side_at_most_n_at_once_and_errors_come_back():
    import threading
    import time

    from services.common.parallel import each_in_threads

    lock, active, peak = threading.Lock(), [0], [0]

    def work(n):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.01)
        with lock:
            active[0] -= 1
        if n == 7:
            raise ValueError("seven")
        return n * 2

    outcomes = {item: (result, error) for item, result, error in each_in_threads(range(20), work, workers=3)}
    assert sorted(outcomes) == list(range(20)) and peak[0] <= 3
    assert outcomes[3] == (6, None) and str(outcomes[7][1]) == "seven" and outcomes[7][0] is None


def test_a_deadline_whose_mark_itself_is_malformed_is_still_marked(app, due):
    bad = due[3]
    Deadline._get_collection().update_one({"_id": bad.pk}, {"$set": {"due_at": "soon", "sweep_error": "odd"}})
    assert sweep_reminders(now=REMINDER, settings=SETTINGS).failed == 1
    [problem] = list_sweep_errors()
    assert problem["id"] == str(bad.pk) and problem["since"] == REMINDER
