"""Retention: cases listed for a manager's destruction review, and legal holds that stop destruction."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

PENDING, APPROVED, DONE = "pending", "approved", "done"
REVIEW_STATUSES = (PENDING, APPROVED, DONE)


class RetentionReview(Document):
    """A case whose keeping period has run out, waiting for (or past) a manager's approval to destroy it.

    It names no person: the case reference is shown while the case exists and cleared once it is destroyed.
    `approved` means approval was given and destruction must finish; the job finishes any it finds.
    """

    case_id = me.ObjectIdField(required=True)
    case_reference = me.StringField(default="")
    team = me.StringField(default="")
    workflow_key = me.StringField(required=True)
    workflow_version = me.IntField()
    rule = me.StringField(required=True)
    rule_label = me.StringField(default="")
    action = me.StringField(required=True)
    linked = me.StringField(default="destroy")
    counted_from = me.DateTimeField(required=True)
    due_at = me.DateTimeField(required=True)
    listed_at = me.DateTimeField(required=True)
    status = me.StringField(choices=REVIEW_STATUSES, default=PENDING)
    approved_by = me.StringField(default="")
    approved_by_name = me.StringField(default="")
    approved_at = me.DateTimeField()
    done_at = me.DateTimeField()

    meta = {
        "collection": "retention_reviews",
        "indexes": [
            {"fields": ["case_id"], "unique": True, "name": "one_review_per_case"},
            # The review queue, a page at a time in due order: a team's (managers) and every team's (administrators).
            ("status", "team", "due_at", "_id"),
            ("status", "due_at", "_id"),
        ],
    }


class LegalHold(Document):
    """A hold on a case's records (proceedings, a complaint, an inquiry): nothing is destroyed while it stands."""

    case_id = me.ObjectIdField(required=True)
    reason = me.StringField(required=True, max_length=2000)
    placed_by = me.StringField(default="")
    placed_at = me.DateTimeField(required=True)
    lifted_by = me.StringField(default="")
    lifted_at = me.DateTimeField()

    meta = {"collection": "legal_holds", "indexes": [("case_id", "lifted_at")]}
