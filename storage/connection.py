"""Connect mongoengine to the configured MongoDB, starting the bundled server when none is configured."""

from __future__ import annotations

import atexit
import logging
import signal
import sys
import threading
from pathlib import Path

import mongoengine
from pymongo.errors import PyMongoError

from errors import ConfigurationError
from storage import uow
from storage.embedded import EmbeddedMongo

log = logging.getLogger(__name__)

_embedded: EmbeddedMongo | None = None
_lock = threading.Lock()


def _start_embedded(settings: dict) -> str:
    """Start (or join) the bundled mongod for this instance folder and stop it when the process exits."""
    global _embedded
    with _lock:
        if _embedded is None:
            server = EmbeddedMongo(Path(settings["INSTANCE_PATH"]) / "mongodb", binary=settings["MONGOD_BINARY"])
            server.start()
            _embedded = server
            atexit.register(server.stop)
            _install_signal_handlers(server)
    return _embedded.uri


def _install_signal_handlers(server: EmbeddedMongo) -> None:
    """Stop mongod on SIGINT/SIGTERM, then exit, so `kill` leaves no orphan server."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, frame):
        server.stop()
        sys.exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


def connect_database(settings: dict) -> str:
    """Connect the default mongoengine alias; return the URI used (without credentials)."""
    uri = settings["MONGODB_URI"] or _start_embedded(settings)
    mongoengine.disconnect()
    # Majority, journaled: a save the user is told succeeded survives the server being killed a moment later.
    mongoengine.connect(
        host=uri, db=settings["MONGODB_DB"], tz_aware=False, uuidRepresentation="standard",
        serverSelectionTimeoutMS=settings["MONGODB_TIMEOUT_MS"], connect=False,
        w="majority", journal=True, retryWrites=True, retryReads=True,
    )
    uow.install()
    try:
        _require_transactions(mongoengine.get_db())
        uow.ensure_request_key_index()
    except PyMongoError as exc:
        # The app still starts (the health check reports the outage); the index is made at the next start.
        log.warning("Could not prepare the database yet: %s", exc)
    return uri


def _require_transactions(db) -> None:
    """Refuse a standalone server: without a replica set a case could be left half-changed."""
    hello = db.command("hello")
    if not hello.get("setName") and hello.get("msg") != "isdbgrid":
        raise ConfigurationError(
            "MONGODB_URI points at a standalone MongoDB server. Pathway needs a replica set for its transactions: "
            "start mongod with --replSet rs0 and run rs.initiate() once (a single-node replica set is enough), "
            "then add ?replicaSet=rs0 to MONGODB_URI."
        )


def database_status() -> dict:
    """Return whether the database answers a ping, for the health check."""
    try:
        db = mongoengine.get_db()
        db.command("ping")
        return {"status": "ok", "database": db.name}
    except (PyMongoError, mongoengine.connection.ConnectionFailure) as exc:
        return {"status": "unavailable", "error": type(exc).__name__}
