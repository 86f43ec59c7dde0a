"""Moving a question to any position through the service: one unit of work on the draft, compare-and-set, audited.

The pure move (grids, sections, repeating groups) is tested in tests/engine/forms/builder/test_builder_order.py.
"""

from __future__ import annotations

import pytest

from errors import Conflict
from forms.builder.order import order
from models.audit import AuditEntry
from services.builder import drafts as builder


@pytest.fixture
def admin(make_user):
    return make_user(roles=["admin"], team="")


@pytest.fixture
def draft(app, admin, now):
    doc = builder.create_form({"key": "order_check", "title": "Order check"}, actor=admin, now=now)
    for name in ("first", "second", "third"):
        doc = builder.add_field("order_check", {"widget": "text", "label": name.title(), "name": name,
                                                "where": "page_1:0"}, revision=doc.revision, actor=admin, now=now)
    return doc


def test_moving_to_a_position_saves_the_draft_once_and_is_audited(draft, admin, now):
    doc = builder.move_field_to("order_check", "third", "1", revision=draft.revision, actor=admin, now=now)
    assert order(doc.definition) == ["third", "first", "second"]
    assert doc.revision == draft.revision + 1
    entry = AuditEntry.objects(action="form.field_moved").get()
    assert entry.details["field"] == "third" and entry.details["position"] == "1"
    undone = builder.undo_change("order_check", revision=doc.revision, actor=admin, now=now)
    assert order(undone.definition) == ["first", "second", "third"]


def test_a_move_on_a_stale_page_changes_nothing(draft, admin, now):
    builder.move_field_to("order_check", "third", "1", revision=draft.revision, actor=admin, now=now)
    with pytest.raises(Conflict):
        builder.move_field_to("order_check", "first", "3", revision=draft.revision, actor=admin, now=now)
    assert order(builder.builder_form("order_check")["draft"].definition) == ["third", "first", "second"]
    assert AuditEntry.objects(action="form.field_moved").count() == 1
