"""The partner-support worker's contact log: confidential, kept apart from the perpetrator's records."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

CONTACT_METHODS = {
    "phone": "Telephone",
    "in_person": "In person",
    "video": "Video call",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
}
CONTACT_OUTCOMES = {
    "spoke": "Spoke with the partner",
    "no_answer": "No answer",
    "message_left": "Safe message left",
    "not_safe": "Not safe to talk",
    "declined": "Declined support",
    "wrong_details": "Contact details not valid",
}
# Outcomes that count as having reached the partner (what the pathway's "partner contacted" deadlines mean).
REACHED = ("spoke",)


class PartnerContact(Document):
    """One contact, or attempt at contact, with a partner (victim or survivor)."""

    case_id = me.ObjectIdField(required=True)  # the partner case, never the perpetrator's
    date = me.DateField(required=True)
    method = me.StringField(required=True, choices=tuple(CONTACT_METHODS))
    outcome = me.StringField(required=True, choices=tuple(CONTACT_OUTCOMES))
    notes = me.StringField(default="", max_length=20000)
    recorded_by = me.StringField(default="")
    recorded_by_name = me.StringField(default="")
    recorded_at = me.DateTimeField(required=True)

    meta = {"collection": "partner_contacts", "indexes": [("case_id", "-date", "-recorded_at")]}
