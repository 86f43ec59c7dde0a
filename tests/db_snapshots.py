"""Database snapshots for tests: build costly data once, then copy it into each test's fresh database."""

from __future__ import annotations

import fcntl
import pickle
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import mongoengine
import pymongo
from pymongo import monitoring


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
def scratch_app(settings: Callable[[str, Path], dict], instance: Path, reused: ReusedDatabase | None = None):
    """Yield an app on a throw-away database, or on the reused one emptied afterwards; the connection is left closed."""
    from app import create_app

    name = reused.name if reused is not None else f"snapshot_{uuid.uuid4().hex[:12]}"
    application = create_app(settings(name, instance))
    try:
        yield application
    finally:
        if reused is None:
            mongoengine.get_connection().drop_database(name)
        mongoengine.disconnect()
        if reused is not None:
            reused.reset()


def build_snapshot(settings: Callable[[str, Path], dict], instance: Path, build: Callable[[], object],
                   reused: ReusedDatabase | None = None) -> Snapshot:
    """Run `build` on an empty database and return the documents it made (and what it returned)."""
    with scratch_app(settings, instance, reused):
        result = build()
        collections = take_snapshot(mongoengine.get_db())
    return Snapshot(collections, result)


def shared_snapshot(path: Path | None, build: Callable[[], Snapshot]) -> Snapshot:
    """Return the snapshot kept at `path` by another worker of this run, else build it and keep it there.

    Parallel workers each built the same costly data (the demo walks dozens of cases through their pathways); the
    first to ask builds it while the others wait on the lock, then read its documents. No path: just build.
    """
    if path is None:
        return build()
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            # Written just now by a worker of this run, in the run's own temporary folder.
            return pickle.loads(path.read_bytes())  # noqa: S301
        snapshot = build()
        path.write_bytes(pickle.dumps(snapshot))
        return snapshot


# Commands that change what a database holds beyond its documents: after any of them the database is dropped.
_RESHAPING = {"drop", "dropDatabase", "dropIndexes", "deleteIndexes", "collMod", "renameCollection",
              "convertToCapped", "cloneCollectionAsCapped"}
# Options of `create` that make a collection unlike the ones the app makes by writing to it.
_SHAPED = {"capped", "viewOn", "validator", "timeseries", "clusteredIndex", "collation", "expireAfterSeconds",
           "changeStreamPreAndPostImages", "storageEngine", "indexOptionDefaults"}


class _ReshapeWatch(monitoring.CommandListener):
    """Note the databases whose collections or indexes a command dropped, renamed or reshaped."""

    def __init__(self):
        self.reshaped: set[str] = set()

    def started(self, event):
        name, command = event.command_name, event.command
        if name in _RESHAPING or (name == "create" and _SHAPED & set(command)):
            self.reshaped.add(event.database_name)
            if name == "renameCollection":
                # Run on admin, naming "database.collection" on both sides.
                self.reshaped.update(str(command.get(key, "")).split(".", 1)[0] for key in ("renameCollection", "to"))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


_watch = _ReshapeWatch()
# Registered at import, before any client exists, so every client the tests and the app make reports to it.
monitoring.register(_watch)


class ReusedDatabase:
    """One database reused by every test of a process: emptied after each test instead of dropped.

    A new database costs a collection and its index files for every model a test touches, and dropping it costs
    as much again; emptying the collections that hold documents costs a few milliseconds. Collections and indexes
    the app made stay (they are the app's own); a test that drops, renames or reshapes any gets a new database.
    """

    def __init__(self, uri: str, name: str):
        self.uri, self.name = uri, name
        self.client = pymongo.MongoClient(uri)
        self.in_use = False  # a test holds it: snapshots are built elsewhere meanwhile
        self.drops = 0  # how many times it was dropped: its collections and indexes are then made anew

    def reset(self) -> None:
        """Leave the database empty for the next test."""
        db = self.client[self.name]
        if self.name in _watch.reshaped:
            self.client.drop_database(self.name)
            self.drops += 1
        else:
            for name in _nonempty(db):
                db[name].delete_many({})
        _watch.reshaped.clear()

    def close(self) -> None:
        """Drop the database and close the client."""
        self.client.drop_database(self.name)
        self.client.close()


def _nonempty(db) -> list[str]:
    """Return the collections of a database that hold any document, in one command."""
    names = [info["name"] for info in db.list_collections(filter={"type": "collection"}, nameOnly=True,
                                                          authorizedCollections=True)
             if not info["name"].startswith("system.")]
    if not names:
        return []

    def first(name):
        return [{"$limit": 1}, {"$project": {"_id": 0, "name": {"$literal": name}}}]

    pipeline = first(names[0]) + [{"$unionWith": {"coll": name, "pipeline": first(name)}} for name in names[1:]]
    return [found["name"] for found in db[names[0]].aggregate(pipeline)]
