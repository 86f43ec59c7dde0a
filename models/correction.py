"""Corrections and objections: what was changed in a person's record, from what, by whom and why."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

CORRECTION_KINDS = ("rectification", "objection")
OBJECTION_OUTCOMES = {
    "upheld": "Upheld: the processing stops",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld: there are compelling grounds to continue (for example safeguarding)",
}


class CaseCorrection(Document):
    """One correction of a case's data (the original is kept here and in the history) or one objection."""

    case_id = me.ObjectIdField(required=True)
    kind = me.StringField(required=True, choices=CORRECTION_KINDS)
    target = me.StringField(default="")  # "person" or "submission"
    submission_id = me.ObjectIdField()
    field = me.StringField(default="")
    label = me.StringField(default="")
    original = me.DynamicField()
    corrected = me.DynamicField()
    requested_by = me.StringField(default="", max_length=200)  # who asked: the person, or staff noticing it
    objection = me.StringField(default="", max_length=5000)
    outcome = me.StringField(default="")
    reason = me.StringField(required=True, max_length=5000)
    confidential = me.BooleanField(default=False)
    by = me.StringField(default="")
    by_name = me.StringField(default="")
    at = me.DateTimeField(required=True)

    meta = {"collection": "case_corrections", "indexes": [("case_id", "-at")]}
