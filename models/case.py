"""Cases, their append-only history, sessions and the workflow versions they are pinned to."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import mongoengine as me

from clock import utcnow
from models.audit import AppendOnlyQuerySet
from models.base import Document, EmbeddedDocument

PRIORITIES = ("standard", "urgent")
RISK_LEVELS = ("low", "medium", "high", "very_high")
CASE_KINDS = ("perpetrator", "partner")
ATTENDANCE = ("attended", "late", "acceptable_absence", "unacceptable_absence", "did_not_happen")
# A case with no dated deadline sorts after every dated one, so "next deadline" is a plain index order.
NO_DUE = datetime(9999, 12, 31)
# The fields case lists sort on; each has an index behind every way a list is scoped (all, a team, a worker).
LIST_SORTS = {"reference": "reference", "person": "person.name", "state": "stage_order", "risk": "risk_rank",
              "deadline": "next_due_at"}
LIST_SCOPES = (("kind", "status"), ("team", "status"), ("allocated_to", "status"))
# The fields case lists filter on: each has an index per scope and sort, so a filtered list is still an index walk.
LIST_FILTERS = ("state", "risk_rank")
# The manager's lists, each as (the fields matched for equality, the order): one index each, ending in _id.
INBOX_MATCH = ("team", "on_waiting_list", "allocated_to", "status", "kind")
INBOX_ORDER = (("priority", -1), ("fields.urgent_requested", -1), ("referred_at", 1), ("_id", 1))
WAITING_MATCH = ("team", "on_waiting_list", "status", "kind")
WAITING_ORDER = (("priority", -1), ("waiting_since", 1), ("_id", 1))
_WORD = re.compile(r"[^\w]+")


def risk_rank(level: str) -> int:
    """Return a risk level's place in order (0 when not assessed), so lists sort by risk in the database."""
    return RISK_LEVELS.index(level) + 1 if level in RISK_LEVELS else 0


def fold(text: str) -> str:
    """Return text without accents and in one case, as names are searched ("Zoë" and "ZOE" are "zoe")."""
    plain = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def name_keys(name: str) -> list[str]:
    """Return the folded words of a name, so a search for the start of any of them is an index range."""
    return sorted({word for word in _WORD.split(fold(name)) if word})


def _index(fields) -> list[str]:
    return [("-" if order < 0 else "") + field for field, order in fields]


class WorkflowVersion(Document):
    """One synced version of a workflow file; cases keep the version they started with."""

    key = me.StringField(required=True)
    version = me.IntField(required=True, min_value=1)
    content_hash = me.StringField(required=True)
    title = me.StringField(default="")
    definition = me.DictField(required=True)
    source = me.StringField(default="")
    synced_at = me.DateTimeField(default=utcnow)

    meta = {
        "collection": "workflow_versions",
        "indexes": [
            {"fields": ["key", "version"], "unique": True},
            {"fields": ["key", "content_hash"], "unique": True},
            # Every page asking for the newest version of each pathway reads them in this order.
            ("key", "-version"),
        ],
    }


class Person(EmbeddedDocument):
    """The person the case is about."""

    name = me.StringField(default="", max_length=200)
    date_of_birth = me.DateField()
    address = me.StringField(default="", max_length=1000)
    ethnicity = me.StringField(default="", max_length=200)
    language = me.StringField(default="", max_length=100)
    interpreter_needed = me.BooleanField(default=False)


class Child(EmbeddedDocument):
    """A child in the family."""

    name = me.StringField(default="", max_length=200)
    date_of_birth = me.DateField()


class Case(Document):
    """A case routed through one pathway; `revision` makes every state change atomic."""

    reference = me.StringField(required=True, unique=True)
    kind = me.StringField(choices=CASE_KINDS, default="perpetrator")
    workflow_key = me.StringField(required=True)
    workflow_version = me.IntField(required=True)
    status = me.StringField(choices=("draft", "open", "closed"), default="draft")  # draft: referral not yet sent
    state = me.StringField(default="")
    state_entered_at = me.DateTimeField()
    # The case list's stage order: "pathway:place of the state in the pathway's stages" (services/cases/stages.py).
    stage_order = me.StringField(default="")
    person = me.EmbeddedDocumentField(Person, default=Person)
    children = me.EmbeddedDocumentListField(Child, default=list)
    referrer_id = me.StringField(default="")
    referrer_name = me.StringField(default="")
    referrer_organisation = me.StringField(default="")
    team = me.StringField(default="")
    allocated_to = me.StringField(default="")  # user id of the practitioner / partner worker
    priority = me.StringField(choices=PRIORITIES, default="standard")
    risk_level = me.StringField(choices=RISK_LEVELS + ("",), default="")
    risk_rank = me.IntField(default=0)  # kept with risk_level (see risk_rank())
    name_keys = me.ListField(me.StringField(), default=list)  # kept with person.name (see name_keys())
    endorsements = me.DictField(default=dict)  # {"urgent": [manager ids]}
    on_waiting_list = me.BooleanField(default=False)
    waiting_since = me.DateTimeField()
    suspended = me.BooleanField(default=False)
    suspended_at = me.DateTimeField()
    fields = me.DictField(default=dict)  # values set by workflow effects (decisions, outcome...)
    outcome = me.StringField(default="")
    referrer_message = me.StringField(default="")  # what the referrer is told (e.g. reason not accepted)
    linked_case_ids = me.ListField(me.ObjectIdField(), default=list)
    parent_case_id = me.ObjectIdField()  # a partner case points at the perpetrator's case
    referred_at = me.DateTimeField()
    allocated_at = me.DateTimeField()
    closed_at = me.DateTimeField()
    created_at = me.DateTimeField(required=True)
    updated_at = me.DateTimeField()
    revision = me.IntField(default=1)
    # The earliest due date of the case's running deadlines (NO_DUE when none), kept in the same unit of work
    # as every deadline start, stop, pause and resume.
    next_due_at = me.DateTimeField(default=NO_DUE)
    # Every state the case has moved into and every transition it has taken, added to in the same unit of work
    # as each history entry: the reports' funnel counts stages from these without reading the history.
    passed_states = me.ListField(me.StringField(), default=list)
    taken_transitions = me.ListField(me.StringField(), default=list)
    # The evaluation stages (the pathway file's `reports.evaluation`) whose measures were completed.
    evaluation_done = me.ListField(me.StringField(), default=list)
    # What the case is counted as in the funnel and evaluation counters (services/reports/cohort.py).
    report_counted = me.DictField()
    # Set when the retention rule has been applied: nothing personal is left, only `monitoring` categories.
    anonymised_at = me.DateTimeField()
    monitoring = me.DictField(default=dict)

    meta = {
        "collection": "cases",
        "indexes": [
            *[(*scope, field, "_id") for scope in LIST_SCOPES for field in LIST_SORTS.values()],
            *[(*scope, kept, field, "_id") for scope in LIST_SCOPES for kept in LIST_FILTERS
              for field in LIST_SORTS.values() if field != kept],
            "name_keys",
            (*INBOX_MATCH, *_index(INBOX_ORDER)),
            (*INBOX_MATCH, "state", *_index(INBOX_ORDER)),
            (*WAITING_MATCH, *_index(WAITING_ORDER)),
            ("referrer_id", "-created_at"),
            # The search by date of birth, and the duplicate check (its name is matched in any case, which no
            # index on the name narrows: storage/retired_indexes.py).
            "person.date_of_birth",
            # The waiting report counts the waits from this index alone, for every team or for one
            # (services/reports/queries.py waiting_pipeline); other team queries on the list use WAITING_MATCH's.
            ("on_waiting_list", "status", "kind", "team", "waiting_since"),
            # The caseload report counts open cases per worker from this index alone (caseload_pipeline).
            ("status", "kind", "allocated_to", "team"),
            "parent_case_id",
        ],
    }

    def clean(self):
        """Keep the risk order and the name's search keys in step with what they come from on every save."""
        self.risk_rank = risk_rank(self.risk_level)
        self.name_keys = name_keys(self.person.name if self.person else "")


class CaseEvent(Document):
    """One entry of a case's history: never edited, never removed."""

    case_id = me.ObjectIdField(required=True)
    at = me.DateTimeField(required=True)
    actor_id = me.StringField(default="")
    actor_name = me.StringField(default="")
    kind = me.StringField(required=True)  # created, referred, transition, event, form, session, note, deadline
    name = me.StringField(default="")
    label = me.StringField(default="")  # in English, as audits, exports and subject access give it
    # The same words as a message id and its values, so pages say them in the reader's language.
    label_key = me.StringField(default="")
    label_values = me.DictField(default=dict)
    from_state = me.StringField(default="")
    to_state = me.StringField(default="")
    inputs = me.DictField(default=dict)
    comment = me.StringField(default="")
    # Entries about confidential records are hidden from those who may not see them.
    confidential = me.BooleanField(default=False)

    meta = {
        "collection": "case_history",
        "queryset_class": AppendOnlyQuerySet,
        # A case's history newest first, entries of the same instant by id (the case page's newest few): the index
        # gives that order, so the page reads those few entries, not the whole history sorted. The last two serve
        # the waiting list's history in the reports: moves into and out of its states. (case_id, name) finds a
        # case's entries of a few names (the partner record's risk updates on the case page) without fetching the
        # rest of its history, however long it has grown.
        "indexes": [("case_id", "at", "_id"), ("kind", "to_state", "at"), ("kind", "from_state", "at"),
                    ("case_id", "name")],
    }

    def save(self, *args, **kwargs):
        """Insert once; refuse to overwrite history."""
        if self.pk is not None:
            raise PermissionError("Case history is append-only.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Refuse: history is never removed."""
        raise PermissionError("Case history is append-only.")


class CaseSession(Document):
    """A session (group, one-to-one, pre-group...) recorded on a case, with attendance."""

    case_id = me.ObjectIdField(required=True)
    date = me.DateField(required=True)
    session_type = me.StringField(required=True, max_length=50)
    number = me.IntField(min_value=0)
    attendance = me.StringField(required=True, choices=ATTENDANCE)
    catch_up = me.BooleanField(default=False)
    notes = me.StringField(default="", max_length=10000)
    flags = me.ListField(me.StringField(max_length=50), default=list)  # behaviour / concern flags
    recorded_by = me.StringField(default="")
    recorded_at = me.DateTimeField(required=True)

    meta = {"collection": "case_sessions", "indexes": [("case_id", "date")]}


class Counter(Document):
    """Sequences for readable references (DAO-2026-00042)."""

    key = me.StringField(primary_key=True)
    value = me.IntField(default=0)

    meta = {"collection": "counters"}
