"""Indexes an earlier version created and no query uses are dropped at start-up; the declared ones stay."""

from __future__ import annotations

import mongoengine

from models.case import Case, CaseEvent
from models.deadline import Deadline
from storage.retired_indexes import RETIRED, drop_retired_indexes


def test_retired_indexes_are_dropped_and_declared_ones_kept(app):
    db = mongoengine.get_db()
    Case.ensure_indexes()
    Deadline.ensure_indexes()
    CaseEvent.ensure_indexes()
    declared = {c: set(db[c].index_information()) for c in RETIRED}
    assert not any(set(names) & declared[c] for c, names in RETIRED.items())  # no model declares a retired one
    db.cases.create_index([("kind", 1), ("referred_at", 1)])
    db.cases.create_index([("person.name", 1), ("person.date_of_birth", 1)])
    db.deadlines.create_index([("due_at", 1)])
    # An older database: the retired index and not yet its wider replacement, which goes in before it goes out.
    db.case_history.drop_index("case_id_1_at_1__id_1")
    db.case_history.create_index([("case_id", 1), ("at", 1)])
    assert sorted(drop_retired_indexes()) == [
        "case_history.case_id_1_at_1", "cases.kind_1_referred_at_1", "cases.person.name_1_person.date_of_birth_1",
        "deadlines.due_at_1"]
    assert {c: set(db[c].index_information()) for c in RETIRED} == declared
    assert drop_retired_indexes() == []
