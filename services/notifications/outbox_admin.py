"""What admins see of the outbox and the sweep: counts, messages that could not be delivered, trying again."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from errors import Conflict
from models.outbox import FAILED, PENDING, SENT, OutboxMessage
from services.audit.trail import record_audit
from services.common.lookup import one_by_id
from services.deadlines.sweep_errors import count_sweep_errors, list_sweep_errors
from services.notifications.outbox import wake_deliverer
from storage.uow import after_commit, transactional


def delivery_counts(*, now: datetime) -> dict[str, int]:
    """Return how many messages wait, could not be delivered, were sent in the last day; deadlines skipped."""
    return {
        "waiting": OutboxMessage.objects(status=PENDING).count(),
        "failed": OutboxMessage.objects(status=FAILED).count(),
        "sent_today": OutboxMessage.objects(status=SENT, sent_at__gte=now - timedelta(days=1)).count(),
        "sweep_errors": count_sweep_errors(),
    }


def problem_counts() -> dict[str, int]:
    """Return what needs an admin's attention: undelivered messages and deadlines the sweep skips."""
    return {"failed": OutboxMessage.objects(status=FAILED).count(), "sweep_errors": count_sweep_errors()}


def delivery_overview(*, now: datetime, limit: int = 200) -> dict:
    """Return the counts, the messages that could not be delivered and the deadlines the sweep skips."""
    failed = list(OutboxMessage.objects(status=FAILED).order_by("-failed_at").limit(limit)
                  .only("to", "subject", "attempts", "last_error", "failed_at", "created_at"))
    waiting = list(OutboxMessage.objects(status=PENDING, attempts__gt=0).order_by("next_attempt_at").limit(limit)
                   .only("to", "subject", "attempts", "last_error", "next_attempt_at", "created_at"))
    return {"counts": delivery_counts(now=now), "failed": failed, "retrying": waiting,
            "sweep_errors": list_sweep_errors(limit=limit)}


def _message(message_id) -> OutboxMessage:
    return one_by_id(OutboxMessage, message_id, _("There is no such message"))


@transactional
def retry_message(message_id, *, actor, now: datetime) -> OutboxMessage:
    """Put a message that could not be delivered back in the queue, with a fresh set of attempts (audited)."""
    message = _message(message_id)
    retry = {"by": str(actor.pk), "at": now, "attempts": message.attempts, "error": message.last_error}
    done = OutboxMessage.objects(pk=message.pk, status=FAILED).update_one(
        set__status=PENDING, set__attempts=0, set__next_attempt_at=now, unset__failed_at=True,
        push__retries=retry)
    if not done:
        raise Conflict(_("This message is no longer waiting to be tried again: someone else may have done it"))
    record_audit("outbox.retry", actor=actor, now=now, target_type="outbox", target_id=message.pk,
                 details={"attempts": message.attempts})
    after_commit(wake_deliverer)
    message.reload()
    return message


@transactional
def retry_all_failed(*, actor, now: datetime) -> int:
    """Put every message that could not be delivered back in the queue (after an outage is over); audited."""
    failed = list(OutboxMessage.objects(status=FAILED).only("attempts", "last_error"))
    for message in failed:
        retry = {"by": str(actor.pk), "at": now, "attempts": message.attempts, "error": message.last_error}
        OutboxMessage.objects(pk=message.pk, status=FAILED).update_one(
            set__status=PENDING, set__attempts=0, set__next_attempt_at=now, unset__failed_at=True,
            push__retries=retry)
    if failed:
        record_audit("outbox.retry_all", actor=actor, now=now, target_type="outbox",
                     details={"messages": len(failed)})
        after_commit(wake_deliverer)
    return len(failed)
