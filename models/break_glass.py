"""Emergency access to a restricted record, granted to one person for a short time against a stated reason."""

from __future__ import annotations

import mongoengine as me

from models.base import Document


class BreakGlass(Document):
    """One person's stated reason for opening one restricted case, and until when it holds."""

    case_id = me.ObjectIdField(required=True)
    user_id = me.StringField(required=True)
    reason = me.StringField(required=True, max_length=2000)
    granted_at = me.DateTimeField(required=True)
    expires_at = me.DateTimeField(required=True)

    meta = {"collection": "break_glass", "indexes": [("case_id", "user_id", "-expires_at")]}
