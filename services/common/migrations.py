"""One-off changes of stored data made at start-up: each is recorded once done, so a start never repeats it."""

from __future__ import annotations

import mongoengine

MIGRATIONS = "migrations"  # one document per one-off change of stored data, once it is done


def already_done(name: str) -> bool:
    """Tell whether the one-off change of that name has been made on this database."""
    return mongoengine.get_db()[MIGRATIONS].find_one({"_id": name}) is not None


def mark_done(name: str) -> None:
    """Record that the one-off change of that name has been made."""
    mongoengine.get_db()[MIGRATIONS].update_one({"_id": name}, {"$set": {"done": True}}, upsert=True)
