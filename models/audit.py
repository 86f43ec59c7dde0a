"""The append-only audit trail."""

from __future__ import annotations

import mongoengine as me
from mongoengine.queryset import QuerySet

from models.base import Document


class AppendOnlyQuerySet(QuerySet):
    """A queryset that refuses to change or remove entries."""

    def update(self, *args, **kwargs):
        """Refuse: audit entries are never changed."""
        raise PermissionError("Audit entries are append-only.")

    def update_one(self, *args, **kwargs):
        """Refuse: audit entries are never changed."""
        raise PermissionError("Audit entries are append-only.")

    def modify(self, *args, **kwargs):
        """Refuse: audit entries are never changed."""
        raise PermissionError("Audit entries are append-only.")

    def delete(self, *args, **kwargs):
        """Refuse: audit entries are never removed."""
        raise PermissionError("Audit entries are append-only.")


class AuditEntry(Document):
    """Who did what to what, when and from where."""

    at = me.DateTimeField(required=True)
    actor_id = me.StringField(default="")
    actor_email = me.StringField(default="")
    action = me.StringField(required=True, max_length=100)
    target_type = me.StringField(default="", max_length=50)
    target_id = me.StringField(default="", max_length=100)
    client_address = me.StringField(default="", max_length=100)
    details = me.DictField(default=dict)
    # The hash chain: entry n carries HMAC(key, hash of entry n-1 + this entry), so an edit, an insertion or a
    # removal anywhere breaks every later link (`flask audit verify`).
    seq = me.IntField()
    prev_hash = me.StringField(default="")
    hash = me.StringField(default="")

    meta = {
        "collection": "audit",
        "queryset_class": AppendOnlyQuerySet,
        # A form's entries name their case in `details.case`: who has seen a case, and the trail by reference.
        "indexes": ["-at", ("target_type", "target_id", "-at"), ("actor_id", "-at"), ("action", "-at"),
                    {"fields": ["details.case", "-at"], "sparse": True},
                    {"fields": ["details.form", "-at"], "sparse": True},
                    {"fields": ["seq"], "unique": True, "sparse": True}],
    }

    def save(self, *args, **kwargs):
        """Insert once; refuse to overwrite an existing entry."""
        if self.pk is not None:
            raise PermissionError("Audit entries are append-only.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Refuse: audit entries are never removed."""
        raise PermissionError("Audit entries are append-only.")

    def modify(self, *args, **kwargs):
        """Refuse: audit entries are never changed."""
        raise PermissionError("Audit entries are append-only.")

    def update(self, *args, **kwargs):
        """Refuse: audit entries are never changed."""
        raise PermissionError("Audit entries are append-only.")
