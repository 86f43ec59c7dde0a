"""Form definitions (versioned) and submissions (pinned to the version they were made with)."""

from __future__ import annotations

import json

import mongoengine as me
from mongoengine.base import BaseField

from clock import utcnow
from models.base import Document

FORM_STATUSES = ("draft", "published", "retired")
SUBMISSION_STATUSES = ("draft", "submitted", "countersigned")
CLASSIFICATIONS = ("standard", "confidential")


class JSONObjectField(BaseField):
    """A JSON object stored as JSON text.

    Form definitions are JSON Schema, whose keys start with "$" ("$schema", "$ref", "$defs"), which MongoDB
    documents cannot portably hold as field names; as text they round-trip exactly.
    """

    def to_mongo(self, value):
        """Return the object as JSON text."""
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def to_python(self, value):
        """Return the object from stored JSON text."""
        return json.loads(value) if isinstance(value, str) else value

    def prepare_query_value(self, op, value):
        """Return JSON text for updates such as set__definition."""
        return self.to_mongo(value) if isinstance(value, dict) else super().prepare_query_value(op, value)

    def validate(self, value):
        """Check that the value is a JSON object."""
        if not isinstance(value, dict):
            self.error("must be a JSON object")
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            self.error("must hold only JSON values")


class PlainDictField(me.DictField):
    """A DictField of plain values: reading it never walks it looking for referenced documents to load.

    mongoengine's DictField searches every value for references on the first read of each document, which cost as
    much as loading the document; answers and results hold only plain values. Changes are still tracked.
    """

    @property
    def _auto_dereference(self):
        return False


class FormDefinition(Document):
    """One version of one form: JSON Schema + layout, immutable once published."""

    key = me.StringField(required=True, regex=r"^[a-z][a-z0-9_]*$", max_length=80)
    version = me.IntField(required=True, min_value=1)
    status = me.StringField(required=True, choices=FORM_STATUSES, default="draft")
    title = me.StringField(required=True, max_length=300)
    classification = me.StringField(choices=CLASSIFICATIONS, default="standard")
    tags = me.ListField(me.StringField(max_length=50), default=list)
    definition = JSONObjectField(required=True)  # the whole document: schema, layout, computed...
    source = me.StringField(default="")  # "file:forms/definitions/x.json", "builder", "import"
    content_hash = me.StringField(default="")
    created_at = me.DateTimeField(default=utcnow)
    created_by = me.StringField(default="")
    updated_at = me.DateTimeField()
    published_at = me.DateTimeField()
    published_by = me.StringField(default="")
    retired_at = me.DateTimeField()
    revision = me.IntField(default=1)  # optimistic concurrency for builder edits of a draft
    # The draft as it was before the last builder change, and what that change was: one step of undo.
    undo_definition = JSONObjectField(null=True)
    undo_action = me.StringField(default="")

    meta = {
        "collection": "form_definitions",
        "indexes": [
            {"fields": ["key", "version"], "unique": True},
            ("key", "-version"),
            ("status", "tags"),
            # The newest published version of each form from the index alone (every case page asks).
            ("status", "key", "-version"),
        ],
    }


class _SubmissionBase(Document):
    """Answers to one form on one case, pinned to the form version used."""

    case_id = me.ObjectIdField(required=True)
    form_key = me.StringField(required=True)
    form_version = me.IntField(required=True)
    classification = me.StringField(choices=CLASSIFICATIONS, required=True)
    status = me.StringField(choices=SUBMISSION_STATUSES, default="draft")
    answers = PlainDictField(default=dict)
    computed = PlainDictField(default=dict)
    revision = me.IntField(default=1)  # bumped on every save: a stale save is refused, never silently applied
    created_at = me.DateTimeField(required=True)
    created_by = me.StringField(default="")
    updated_at = me.DateTimeField()
    updated_by = me.StringField(default="")
    submitted_at = me.DateTimeField()
    submitted_by = me.StringField(default="")
    countersigned_at = me.DateTimeField()
    countersigned_by = me.StringField(default="")
    countersign_comment = me.StringField(default="")
    countersign_required = me.BooleanField(default=False)  # copied from the form version when submitted
    visited_pages = me.ListField(me.StringField(), default=list)  # pages saved at least once (task list)
    language = me.StringField(default="", max_length=12)  # the language it was filled in (the last save's); "" before

    meta = {"abstract": True}

    @property
    def awaiting_countersignature(self) -> bool:
        """Tell whether a manager still has to countersign this submission."""
        return self.status == "submitted" and bool(self.countersign_required)


# At most one open draft per case and form, even when two people press "start" at the same moment.
_ONE_DRAFT = {"fields": ["case_id", "form_key"], "unique": True, "name": "one_draft_per_case_form",
              "partialFilterExpression": {"status": "draft"}}

# Forms waiting for a manager's countersignature, oldest first (the team overview).
_AWAITING = ("status", "countersign_required", "submitted_at")


class Submission(_SubmissionBase):
    """A submission of a standard form."""

    meta = {
        "collection": "submissions",
        "indexes": [("case_id", "form_key", "-created_at"), ("status", "form_key"), _AWAITING, _ONE_DRAFT],
    }


class ConfidentialSubmission(_SubmissionBase):
    """A submission of a confidential form: stored apart so no query for shareable data can ever return it."""

    meta = {
        "collection": "confidential_submissions",
        "indexes": [("case_id", "form_key", "-created_at"), _AWAITING, _ONE_DRAFT],
    }


def submission_class(classification: str):
    """Return the document class that stores submissions of this classification."""
    return ConfidentialSubmission if classification == "confidential" else Submission
