"""In-app notifications: what a user has been told, and whether they have read it."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

NOTIFICATION_KINDS = ("info", "reminder", "missed", "escalation", "risk", "task")


class Notification(Document):
    """One message to one user; its text names a case reference and a link, never case content."""

    user_id = me.StringField(required=True)
    kind = me.StringField(choices=NOTIFICATION_KINDS, default="info")
    template = me.StringField(default="")
    subject = me.StringField(required=True, max_length=300)
    body = me.StringField(default="", max_length=2000)
    link = me.StringField(default="", max_length=500)  # a path inside Pathway
    # How to say it again in the reader's language (services/notifications/text.py): {"table": true, "values": ...}
    # for a message of the table, or gettext message ids {"subject": ..., "body": ..., "values": ...}.
    message = me.DictField(default=dict)
    case_id = me.ObjectIdField()
    deadline_id = me.ObjectIdField()
    created_at = me.DateTimeField(required=True)
    read_at = me.DateTimeField()
    emailed = me.BooleanField(default=False)

    meta = {
        "collection": "notifications",
        "indexes": [("user_id", "-created_at"), ("user_id", "read_at")],
    }
