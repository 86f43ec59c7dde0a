"""Groups that run a pathway's programme: their sessions, members and the register of each session."""

from __future__ import annotations

import mongoengine as me

from models.base import Document

GROUP_STATUSES = ("running", "finished", "cancelled")
SESSION_KINDS = ("programme", "catch_up")
MEMBER_STATUSES = ("active", "left", "moved", "completed")


class Group(Document):
    """One group of a pathway's programme, run by a team at one venue on one day and time."""

    team = me.StringField(required=True)
    workflow_key = me.StringField(required=True)
    name = me.StringField(required=True, max_length=120)
    venue = me.StringField(required=True, max_length=300)
    weekday = me.IntField(required=True, min_value=0, max_value=6)  # Monday 0, like date.weekday()
    start_time = me.StringField(required=True, regex=r"^([01]\d|2[0-3]):[0-5]\d$")
    start_date = me.DateField(required=True)
    facilitator_ids = me.ListField(me.StringField(), default=list)
    status = me.StringField(choices=GROUP_STATUSES, default="running")
    # Copied from the pathway when the group is created, so a later change to the file leaves running groups alone.
    programme = me.DictField(default=dict)
    created_at = me.DateTimeField(required=True)
    created_by = me.StringField(default="")

    meta = {"collection": "groups", "indexes": [("team", "workflow_key", "status"), "facilitator_ids"]}


class GroupSession(Document):
    """One meeting of a group: a programme session on the schedule, or a catch-up for named members."""

    group_id = me.ObjectIdField(required=True)
    number = me.IntField(required=True, min_value=1)  # programme sessions 1, 2, …; catch-ups share their number
    kind = me.StringField(choices=SESSION_KINDS, default="programme")
    date = me.DateField(required=True)
    start_time = me.StringField(required=True)
    moved_from = me.DateField()
    moved_reason = me.StringField(default="", max_length=500)
    intake = me.BooleanField(default=False)  # new members may join at this session
    for_case_ids = me.ListField(me.ObjectIdField(), default=list)  # catch-ups: whom it is for
    missed_session_id = me.ObjectIdField()  # catch-ups: the session it makes up for
    recorded_at = me.DateTimeField()  # the register's first save
    recorded_by = me.StringField(default="")
    changed_at = me.DateTimeField()  # its latest save that changed something
    # Seen by the group's facilitators and the team's managers only, never on a case.
    facilitator_note = me.StringField(default="", max_length=10000)
    revision = me.IntField(default=1)

    meta = {"collection": "group_sessions", "indexes": [
        ("group_id", "kind", "number"), ("group_id", "date"),
        # One programme session per number: two requests growing a rolling group's schedule cannot both add it.
        {"fields": ["group_id", "number"], "unique": True, "partialFilterExpression": {"kind": "programme"},
         "name": "one_programme_session_per_number"},
    ]}


class GroupMember(Document):
    """One man's place in a group, from the intake he joined at until he leaves, moves or completes."""

    group_id = me.ObjectIdField(required=True)
    case_id = me.ObjectIdField(required=True)
    team = me.StringField(required=True)
    status = me.StringField(choices=MEMBER_STATUSES, default="active")
    join_number = me.IntField(required=True, min_value=1)  # the session he joins at
    first_week = me.IntField(default=1, min_value=1)  # his programme week at that session (later after a move)
    joined_on = me.DateField(required=True)
    waited_days = me.IntField(default=0, min_value=0)  # from joining the waiting list to his first session
    left_on = me.DateField()
    left_week = me.IntField(min_value=1)
    left_reason = me.StringField(default="", max_length=2000)
    moved_to = me.ObjectIdField()
    created_at = me.DateTimeField(required=True)
    created_by = me.StringField(default="")

    meta = {"collection": "group_members", "indexes": [
        ("group_id", "status"), ("case_id", "status"),
        # The men of a team placed in (or gone from) its groups, read from the index alone for the intake lists.
        ("team", "status", "case_id"),
        # A man is in one group at a time, even when two managers place him at the same moment.
        {"fields": ["case_id"], "unique": True, "partialFilterExpression": {"status": "active"},
         "name": "one_active_membership"},
    ]}


class GroupAttendance(Document):
    """One member's mark on one group session's register; one per member and session, so a resave changes nothing."""

    session_id = me.ObjectIdField(required=True)
    group_id = me.ObjectIdField(required=True)
    case_id = me.ObjectIdField(required=True)
    mark = me.StringField(required=True)
    note = me.StringField(default="", max_length=2000)
    case_session_id = me.ObjectIdField(required=True)
    recorded_at = me.DateTimeField(required=True)
    recorded_by = me.StringField(default="")

    meta = {"collection": "group_attendance",
            "indexes": [{"fields": ["session_id", "case_id"], "unique": True}, ("group_id", "case_id")]}
