"""Indexes the models no longer declare, dropped at start-up: every write to a collection pays for each index."""

from __future__ import annotations

import mongoengine

# Collection -> names of indexes an earlier version created and no query uses any more (models/*.py `indexes`
# are created by mongoengine, which never drops one).
RETIRED = {
    # The reports' cohorts now add up counters (services/reports/cohort.py); the waiting report's index is
    # (on_waiting_list, status, kind, team, waiting_since).
    # The duplicate check matches the name without regard to case (a case-insensitive regex, which an index on
    # the name cannot bound), so it reads the date of birth's index and never (person.name, person.date_of_birth).
    # The case list's stage order is the pathway and the stage's place in it (stage_order), no longer the state's name.
    "cases": ("kind_1_referred_at_1", "team_1_referred_at_1", "team_1_passed_states_1",
              "on_waiting_list_1_team_1_priority_1_waiting_since_1", "person.name_1_person.date_of_birth_1",
              *(f"{scope}_1_status_1_{kept}state_1__id_1" for scope in ("kind", "team", "allocated_to")
                for kept in ("", "risk_rank_1_"))),
    # Extended to (due_at, status, late, key, label, team) for the timeliness report.
    "deadlines": ("due_at_1", "team_1_due_at_1"),
    # Extended to (case_id, at, _id): the order of a case's newest entries, ties by id, with no sort in memory.
    "case_history": ("case_id_1_at_1",),
}


def _documents(model=mongoengine.Document):
    """Yield every document class defined so far (the models)."""
    for sub in model.__subclasses__():
        yield sub
        yield from _documents(sub)


def drop_retired_indexes(db=None) -> list[str]:
    """Drop the retired indexes that exist, once the indexes the models declare exist; return them as "collection.name".

    A retired index is usually replaced by a wider one, which mongoengine makes only when a process first touches
    the model: made here first, no query is ever left without its index.
    """
    db = mongoengine.get_db() if db is None else db
    dropped = []
    for collection, names in RETIRED.items():
        existing = set(db[collection].index_information()) if collection in db.list_collection_names() else set()
        retiring = [name for name in names if name in existing]
        for model in _documents() if retiring else ():
            if not model._meta.get("abstract") and model._get_collection_name() == collection:
                model.ensure_indexes()
        for name in retiring:
            db[collection].drop_index(name)
            dropped.append(f"{collection}.{name}")
    return dropped
