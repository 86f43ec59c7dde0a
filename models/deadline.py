"""Deadlines: one document per statutory timescale running on a case, swept for reminders and escalation."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

OPEN, PAUSED, MISSED, MET, CANCELLED = "open", "paused", "missed", "met", "cancelled"
ACTIVE_STATUSES = (OPEN, PAUSED, MISSED)
DEADLINE_STATUSES = ACTIVE_STATUSES + (MET, CANCELLED)


class Deadline(Document):
    """A timescale on a case: when it is due, who it is for, and which reminders and escalations went out.

    `next_action_at` is the earliest moment the sweep has something to do (a reminder, marking it missed, an
    escalation); it is unset when nothing is pending, so the sweep's query only ever touches due documents.
    `action_seq` is bumped by every change: the sweep claims a document by compare-and-set on it.
    """

    case_id = me.ObjectIdField(required=True)
    case_reference = me.StringField(default="")
    case_kind = me.StringField(default="perpetrator")
    team = me.StringField(default="")
    workflow_key = me.StringField(default="")
    workflow_version = me.IntField()

    key = me.StringField(required=True, max_length=60)
    label = me.StringField(required=True, max_length=300)
    description = me.StringField(default="")
    role = me.StringField(default="practitioner", max_length=60)
    owner_ids = me.ListField(me.StringField(), default=list)
    met_by = me.ListField(me.DictField(), default=list)
    repeats = me.BooleanField(default=False)

    duration = me.DictField(default=dict)
    basis = me.StringField(default="")  # the plain-English reason for this due date, with its dates
    basis_rule = me.StringField(default="")  # the workflow's basis, as written there
    anchor_label = me.StringField(default="")
    anchor_at = me.DateTimeField()
    target_date = me.DateTimeField()  # the supervision a "before supervision" deadline counts back from
    started_at = me.DateTimeField(required=True)
    started_by = me.StringField(default="")
    due_at = me.DateTimeField()  # unset while it waits for a supervision date

    status = me.StringField(choices=DEADLINE_STATUSES, default=OPEN)
    active = me.BooleanField(default=True)  # open, paused or missed; one active deadline per kind per case
    reminder_rules = me.ListField(me.DictField(), default=list)  # as in the workflow file, for restarts
    reminders = me.ListField(me.DateTimeField(), default=list)
    reminded_through = me.DateTimeField()  # every reminder at or before this has been handled
    escalation = me.DictField(default=dict)
    next_escalation_at = me.DateTimeField()
    escalations = me.IntField(default=0)
    # What the sweep sent: kind, scheduled, at, to, collapsed.
    sent = me.ListField(me.DictField(), default=list)
    next_action_at = me.DateTimeField()
    action_seq = me.IntField(default=0)
    # Set by the sweep when it could not process this document (message, since, at); shown to admins and
    # removed by the first sweep that succeeds.
    sweep_error = me.DictField()

    paused_at = me.DateTimeField()
    paused_from = me.StringField(default="")  # the status to return to on resume
    paused_days = me.IntField(default=0)
    missed_at = me.DateTimeField()
    closed_at = me.DateTimeField()
    closed_by = me.StringField(default="")
    closed_reason = me.StringField(default="")  # what met it ("form:risk_assessment") or why it was cancelled
    late = me.BooleanField(default=False)
    # The on-time counter it counts in (services/reports/deadline_counts.py), to move it by the difference.
    report_counted = me.DictField()

    meta = {
        "collection": "deadlines",
        "indexes": [
            ("status", "next_action_at"),
            {"fields": ["case_id", "key"], "unique": True, "partialFilterExpression": {"active": True},
             "name": "one_active_per_kind"},
            ("case_id", "started_at"),
            ("owner_ids", "active", "due_at"),
            ("team", "active", "due_at"),
            # The timeliness report counts the deadlines that came due in a period from this index alone, for every
            # team or for one (services/reports/queries.py TIMELINESS_INDEX); team last, so team lists keep theirs.
            ("due_at", "status", "late", "key", "label", "team"),
            ("team", "active", "status", "due_at", "_id"),  # the team's overdue deadlines, oldest first
            {"fields": ["sweep_error.at"], "sparse": True},
        ],
    }

    @property
    def is_active(self) -> bool:
        """Tell whether the deadline still runs (open, paused or missed)."""
        return self.status in ACTIVE_STATUSES
