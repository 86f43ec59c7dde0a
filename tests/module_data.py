"""Data built once per module: copied into each test's database, or shared by tests that only read it.

`synced_builder` builds data on top of the shipped pathways and forms once, and `copy_in` copies it into a
test's own database (after `synced`): for tests that change what they are given.

Copying still writes each document and its index keys once per test: 600 cases against some fifty indexes cost
more than the queries a test then explains. Tests that only read share one database instead (`shared_database`):
built once per module, and hashed by the server (`dbHash`) before and after each test, which fails if the test
added, removed or changed any document. A test that writes keeps its own data, on the usual per-test database.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import mongoengine
import pytest

import config as config_module
from services.audit.chain import configure as configure_audit_chain
from storage.connection import connect_database
from tests.conftest import NOW, new_user, settings_for
from tests.db_snapshots import Snapshot, restore_snapshot

# The server's hash of a collection without documents.
EMPTY = hashlib.md5(b"").hexdigest()  # noqa: S324 - the server's own digest, compared, not a secret


class SharedDatabase:
    """A database of its own holding what `build` made, connected again for each test that reads it."""

    def __init__(self, settings: dict, result: object = None):
        self.settings, self.result = settings, result
        self.client = None  # mongoengine's client on this database while no other test connected meanwhile

    def connect(self) -> None:
        """Point mongoengine at this database (another test's app may have connected elsewhere meanwhile)."""
        if mongoengine.connection._connections.get(mongoengine.DEFAULT_CONNECTION_NAME) is self.client is not None:
            return
        connect_database(self.settings)
        configure_audit_chain(self.settings)
        self.client = mongoengine.connection._connections.get(mongoengine.DEFAULT_CONNECTION_NAME)

    def hashes(self) -> dict[str, str]:
        """Return the server's hash of each collection's documents (any change to a document changes it)."""
        # A collection without documents is left out: the first read of a model makes its collection and indexes.
        return {name: digest for name, digest in mongoengine.get_db().command("dbHash")["collections"].items()
                if digest != EMPTY}

    @contextmanager
    def unchanged(self) -> Iterator[object]:
        """Connect, yield what `build` returned, then fail if anything in the database changed."""
        self.connect()
        before = self.hashes()
        yield self.result
        self.connect()  # the test may have connected elsewhere
        after = self.hashes()
        changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
        assert not changed, f"a test of the shared database changed {changed}"


@pytest.fixture(scope="session")
def synced_builder(snapshot_builder, synced_snapshot):
    """Return `build(function)`: the snapshot of what `function` adds to the shipped pathways and forms.

    Use it from a module- or session-scoped fixture; a test asks for `synced` and then `copy_in`s the snapshot.
    """
    def build(function: Callable[[], object]) -> Snapshot:
        def on_synced():
            restore_snapshot(mongoengine.get_db(), synced_snapshot)
            return function()

        built = snapshot_builder(on_synced)
        _forget_caches()  # kept by the name of the database it was built on, which the next test may reuse
        # Only what `function` made: a synced document it changed is kept too, and then fails loudly when copied
        # in over the test's synced one (the same _id), rather than going unnoticed.
        added = {}
        for name, documents in built.collections.items():
            synced = {doc["_id"]: doc for doc in synced_snapshot.collections.get(name, [])}
            added[name] = [doc for doc in documents if synced.get(doc["_id"]) != doc]
        return Snapshot(added, built.result)

    return build


def copy_in(snapshot: Snapshot) -> object:
    """Copy a snapshot into the test's database (after `synced`); return what its building returned."""
    restore_snapshot(mongoengine.get_db(), snapshot)
    return snapshot.result


@pytest.fixture(scope="session")
def shared_database(mongo_uri, tmp_path_factory, synced_snapshot):
    """Return `share(build, synced=True)`: a context yielding a SharedDatabase that `build` filled, dropped after.

    Use it from a module-scoped fixture; `synced` first copies in the shipped pathways and forms.
    """
    @contextmanager
    def share(build: Callable[[], object], synced: bool = True) -> Iterator[SharedDatabase]:
        name = f"shared_{uuid.uuid4().hex[:12]}"
        instance = tmp_path_factory.mktemp("shared") / "instance"
        settings = config_module.load_settings(settings_for(mongo_uri, name, instance))
        database = SharedDatabase(settings)
        database.connect()
        try:
            if synced:
                restore_snapshot(mongoengine.get_db(), synced_snapshot)
            database.result = build()
            yield database
        finally:
            _forget_caches()
            mongoengine.get_connection().drop_database(name)
            mongoengine.disconnect()

    return share


def crowd_fixtures(build: Callable[..., dict]) -> tuple:
    """Return the `shared_crowd`, `crowd` and `own_crowd` fixtures of the people `build(make_user, now)` makes."""
    # A module assigns them to those names. `crowd` gives a test that only reads the shared crowd's people (the
    # database hashed before and after it); `own_crowd` builds the crowd in the test's own database, to change it.
    @pytest.fixture(scope="module")
    def shared_crowd(shared_database):
        with shared_database(lambda: build(new_user, NOW)) as database:
            yield database

    @pytest.fixture
    def crowd(shared_crowd):
        with shared_crowd.unchanged() as people:
            yield people

    @pytest.fixture
    def own_crowd(app, synced, make_user, now):
        return build(make_user, now)

    return shared_crowd, crowd, own_crowd


def _forget_caches() -> None:
    """Forget what the process caches keep by database name (pathway definitions, forms), as after each test."""
    from services.pathways.store import clear_cache as forget_workflows
    from services.submissions.definitions import clear_cache as forget_forms

    forget_forms()
    forget_workflows()
