"""Database snapshots for tests: build costly data once, then copy it into each test's fresh database."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import mongoengine


@dataclass(frozen=True)
class Snapshot:
    """Every document of a built database by collection, and what the building function returned."""

    collections: dict[str, list[dict]]
    result: object = None


def take_snapshot(db) -> dict[str, list[dict]]:
    """Return every document of every collection of a database (indexes are left to mongoengine)."""
    return {name: list(db[name].find()) for name in sorted(db.list_collection_names())
            if not name.startswith("system.")}


def restore_snapshot(db, snapshot: Snapshot) -> None:
    """Write a snapshot's documents into a fresh database, collection by collection."""
    existing = set(db.list_collection_names())
    for name, documents in snapshot.collections.items():
        if documents:
            # Documents keep their _id, so the shared dicts are not changed by the insert and can be reused.
            db[name].insert_many(documents, ordered=True)
        elif name not in existing:
            # Created up front: a transaction later on must not be the one to create it.
            db.create_collection(name)


@contextmanager
def scratch_app(settings: Callable[[str, Path], dict], instance: Path):
    """Yield an app on a throw-away database, dropped afterwards; the default connection is left closed."""
    from app import create_app

    name = f"snapshot_{uuid.uuid4().hex[:12]}"
    application = create_app(settings(name, instance))
    try:
        yield application
    finally:
        mongoengine.get_connection().drop_database(name)
        mongoengine.disconnect()


def build_snapshot(settings: Callable[[str, Path], dict], instance: Path, build: Callable[[], object]) -> Snapshot:
    """Run `build` on a throw-away database and return the documents it made (and what it returned)."""
    with scratch_app(settings, instance):
        result = build()
        collections = take_snapshot(mongoengine.get_db())
    return Snapshot(collections, result)
