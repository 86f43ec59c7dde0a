"""The outbox: queue email with the change that causes it; deliver it later, once, with retries.

`queue_email` writes an outbox document inside the caller's unit of work, so a use-case that aborts queues
nothing. `deliver_outbox` (the scheduler's second job, and `flask outbox deliver`) claims due messages one at a
time with `find_one_and_update`, moving their `next_attempt_at` a lease ahead, sends them and marks them sent.
A failure is retried with exponential back-off up to a cap; after the configured number of attempts the message
is "could not deliver" and shown to admins, who can try it again.

Exactly once: a message is claimed by one deliverer at a time, and a message marked sent is never claimed again.
The one window left — the server accepted the mail and the deliverer died before marking it — is closed on the
receiving side: every attempt carries the same Message-ID, derived from the outbox id.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo import ReturnDocument

from models.notification import Notification
from models.outbox import FAILED, PENDING, SENT, OutboxMessage
from services.notifications.mail import DeliveryError, SmtpSession, build_message, log_mail
from storage.uow import after_commit, transactional

log = logging.getLogger(__name__)

# Longer than one SMTP attempt can take (connect plus send, 15 s timeouts), so a live deliverer keeps its claim.
LEASE = timedelta(minutes=5)
BATCH = 500  # messages per run at most; the next run carries on
DEFAULTS = {"OUTBOX_MAX_ATTEMPTS": 40, "OUTBOX_RETRY_SECONDS": 30, "OUTBOX_RETRY_MAX_SECONDS": 300}

_wakers: list[Callable[[], None]] = []


def on_queued(waker: Callable[[], None]) -> None:
    """Register something to call when mail has been queued (the in-process scheduler runs its job early)."""
    if waker not in _wakers:
        _wakers.append(waker)


def forget_wakers() -> None:
    """Drop every registered waker (a scheduler that stops)."""
    _wakers.clear()


def wake_deliverer() -> None:
    """Ask the in-process deliverer, if there is one, to run now."""
    for waker in list(_wakers):
        waker()


def _setting(settings: Mapping, name: str) -> int:
    return int(settings.get(name) or DEFAULTS[name])


def queue_email(*, to: str, subject: str, body: str, now: datetime, user_id: str = "",
                notification_id=None) -> OutboxMessage:
    """Queue one email in the caller's unit of work; it is delivered only if that work commits."""
    message = OutboxMessage(to=to, subject=" ".join(str(subject).split())[:300], body=body, user_id=user_id,
                            notification_id=notification_id, created_at=now, next_attempt_at=now).save()
    # Delivery does not depend on this: the scheduler's job finds the message on its next run anyway.
    after_commit(wake_deliverer)
    return message


def backoff(attempts: int, settings: Mapping) -> timedelta:
    """Return how long to wait after the given number of failed attempts: doubling, capped."""
    first, cap = _setting(settings, "OUTBOX_RETRY_SECONDS"), _setting(settings, "OUTBOX_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(cap, first * 2 ** min(max(attempts - 1, 0), 30)))


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery run did: messages sent, attempts that failed, messages given up on."""

    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def claim_next(now: datetime) -> OutboxMessage | None:
    """Take the oldest due message for this deliverer (a lease), or None when nothing is due."""
    token = uuid.uuid4().hex
    doc = OutboxMessage._get_collection().find_one_and_update(
        {"status": PENDING, "next_attempt_at": {"$lte": now}},
        {"$set": {"next_attempt_at": now + LEASE, "lease_token": token, "last_attempt_at": now},
         "$inc": {"attempts": 1}},
        sort=[("next_attempt_at", 1), ("_id", 1)], return_document=ReturnDocument.AFTER,
    )
    return OutboxMessage._from_son(doc) if doc else None


@transactional
def mark_sent(message: OutboxMessage, *, now: datetime, via: str) -> bool:
    """Record a message as sent and, for real email, its notification as emailed; False if already sent."""
    done = OutboxMessage.objects(pk=message.pk, status__ne=SENT).update_one(
        set__status=SENT, set__sent_at=now, set__sent_via=via, set__lease_token="", set__last_error="")
    if done and via == "smtp" and message.notification_id:
        Notification.objects(pk=message.notification_id).update_one(set__emailed=True)
    return bool(done)


def mark_failed(message: OutboxMessage, error: str, *, now: datetime, settings: Mapping,
                permanent: bool = False) -> bool:
    """Schedule the next attempt with back-off, or give up; return True when the message is given up on."""
    give_up = permanent or message.attempts >= _setting(settings, "OUTBOX_MAX_ATTEMPTS")
    mine = OutboxMessage.objects(pk=message.pk, status=PENDING, lease_token=message.lease_token)
    if give_up:
        mine.update_one(set__status=FAILED, set__failed_at=now, set__last_error=error[:500],
                        set__lease_token="")
    else:
        mine.update_one(set__next_attempt_at=now + backoff(message.attempts, settings),
                        set__last_error=error[:500], set__lease_token="")
    return give_up


def deliver_outbox(*, now: datetime, settings: Mapping, limit: int = BATCH) -> DeliveryResult:
    """Send every message due at `now` (at most `limit`); failures wait and are tried again."""
    sent = failed = gave_up = 0
    session = SmtpSession(settings) if settings.get("MAIL_ENABLED") else None
    try:
        for _ in range(limit):
            message = claim_next(now)
            if message is None:
                break
            try:
                email = build_message(settings, to=message.to, subject=message.subject, body=message.body,
                                      key=str(message.pk))
                if session is None:
                    log_mail(email)
                else:
                    session.send(email)
            except DeliveryError as exc:
                failed += 1
                gave_up += mark_failed(message, str(exc), now=now, settings=settings, permanent=exc.permanent)
                continue
            except Exception as exc:  # noqa: BLE001 - one odd message must not stop the others being delivered
                log.exception("Outbox message %s could not be prepared", message.pk)
                failed += 1
                gave_up += mark_failed(message, f"{type(exc).__name__}: {exc}", now=now, settings=settings)
                continue
            sent += mark_sent(message, now=now, via="smtp" if session is not None else "log")
    finally:
        if session is not None:
            session.close()
    if failed:
        log.warning("Outbox: %s message(s) not delivered this run (%s given up on); %s",
                    failed, gave_up, session.unreachable if session and session.unreachable else "see the admin page")
    return DeliveryResult(sent=sent, failed=failed, gave_up=gave_up)
