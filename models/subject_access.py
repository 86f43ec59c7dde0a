"""Subject access requests: who asked for whose file, when, and what was released after review."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

LOGGED, APPROVED, RELEASED = "logged", "approved", "released"
SAR_STATUSES = (LOGGED, APPROVED, RELEASED)
IDENTITY_CHECKS = {
    "photo_id": "Photo identification seen",
    "known_in_person": "Known to staff and seen in person",
    "verified_contact": "Confirmed through contact details already held",
    "representative": "Representative's authority and the person's identity checked",
}


class SubjectAccessRequest(Document):
    """A request by a person (or someone acting for them) to see the information Pathway holds about them.

    `case_id` is the subject's own record: a perpetrator's case, or a partner's own record. The deadline runs
    one calendar month from `received_on`, as a Deadline document on that case.
    """

    case_id = me.ObjectIdField(required=True)
    requested_by = me.StringField(required=True, max_length=200)
    on_behalf = me.BooleanField(default=False)
    identity_check = me.StringField(required=True, choices=tuple(IDENTITY_CHECKS))
    received_on = me.DateField(required=True)
    due_on = me.DateField(required=True)
    status = me.StringField(choices=SAR_STATUSES, default=LOGGED)
    logged_by = me.StringField(default="")
    logged_at = me.DateTimeField(required=True)
    # Items the reviewing manager also withholds (beyond what is third-party or confidential by definition),
    # as {"item": "<kind>:<id>[:<field>]", "reason": "..."}.
    redactions = me.ListField(me.DictField(), default=list)
    approved_by = me.StringField(default="")
    approved_at = me.DateTimeField()
    releases = me.ListField(me.DictField(), default=list)  # {"at", "by", "format"}

    meta = {"collection": "subject_access_requests", "indexes": [("case_id", "-logged_at"), ("status", "due_on")]}
