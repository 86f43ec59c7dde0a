"""The outbox: every message that leaves the building, queued with the change that caused it, sent later."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

PENDING, SENT, FAILED = "pending", "sent", "failed"
OUTBOX_STATUSES = (PENDING, SENT, FAILED)
SENT_KEPT_DAYS = 90


class OutboxMessage(Document):
    """One email waiting to be sent, sent, or given up on ("could not deliver").

    A pending message is due at `next_attempt_at`. A deliverer claims it by moving `next_attempt_at` a lease
    ahead and writing its `lease_token` in one `find_one_and_update`: nobody else can claim it until the lease
    runs out, and if the deliverer dies the message simply becomes due again.
    """

    kind = me.StringField(default="email")
    to = me.StringField(required=True)
    subject = me.StringField(required=True, max_length=300)
    body = me.StringField(default="")
    user_id = me.StringField(default="")
    notification_id = me.ObjectIdField()  # its `emailed` flag is set once the mail is delivered
    created_at = me.DateTimeField(required=True)

    status = me.StringField(choices=OUTBOX_STATUSES, default=PENDING)
    attempts = me.IntField(default=0)
    next_attempt_at = me.DateTimeField(required=True)
    lease_token = me.StringField(default="")
    last_attempt_at = me.DateTimeField()
    last_error = me.StringField(default="", max_length=500)
    sent_at = me.DateTimeField()
    sent_via = me.StringField(default="")  # "smtp", or "log" while mail is off
    failed_at = me.DateTimeField()
    retries = me.ListField(me.DictField(), default=list)  # admins' "try again": by, at, attempts before

    meta = {
        "collection": "outbox",
        "indexes": [
            ("status", "next_attempt_at"), ("status", "-failed_at"), "notification_id",
            # Sent mail is kept 90 days (for questions about what went out), then removed by MongoDB itself.
            {"fields": ["sent_at"], "expireAfterSeconds": SENT_KEPT_DAYS * 24 * 3600, "name": "sent_expiry"},
        ],
    }
