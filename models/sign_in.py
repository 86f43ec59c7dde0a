"""Failed sign-in counters per account and client, for progressive delays instead of hard lock-outs."""

from __future__ import annotations

import mongoengine as me

from models.base import Document


class SignInThrottle(Document):
    """Failures of one account name from one client address; drops out a day after the last one."""

    key = me.StringField(required=True, unique=True)  # "email|client address"; unknown emails too
    failures = me.IntField(default=0)
    blocked_until = me.DateTimeField()
    updated_at = me.DateTimeField(required=True)

    meta = {"collection": "sign_in_throttles",
            "indexes": [{"fields": ["updated_at"], "expireAfterSeconds": 24 * 3600}]}
