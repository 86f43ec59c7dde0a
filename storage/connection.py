"""Connect mongoengine to the configured MongoDB, starting the bundled server when none is configured."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import mongoengine
import pymongo
from pymongo.errors import PyMongoError

from errors import ConfigurationError
from storage import uow
from storage.embedded import EmbeddedMongo

log = logging.getLogger(__name__)

_embedded: EmbeddedMongo | None = None
_lock = threading.Lock()
# A client of its own for the health check, with short timeouts: a paused server must give 503 within 2 s.
_health: dict = {}
WATCHDOG_SECONDS = 5


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
            threading.Thread(target=_watchdog, name="mongod-watchdog", daemon=True).start()
    return _embedded.uri


def revive_embedded() -> bool:
    """Start the bundled mongod again if this process started it and it died; tell whether it was restarted."""
    with _lock:
        server = _embedded
        if server is None or not server.died():
            return False
        try:
            return server.revive()
        except Exception:  # noqa: BLE001 - the next check tries again; the app keeps answering 503 meanwhile
            log.exception("The bundled MongoDB could not be started again")
            return False


def _watchdog() -> None:
    """Keep the bundled mongod running for as long as the app runs."""
    while True:
        time.sleep(WATCHDOG_SECONDS)
        revive_embedded()


def _install_signal_handlers(server: EmbeddedMongo) -> None:
    """Stop mongod on SIGINT/SIGTERM, then exit, so `kill` leaves no orphan server."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, frame):
        server.stop()
        # Not sys.exit: a handler's exception is dropped when the signal lands in a weakref callback or a __del__,
        # and the app then went on starting against the stopped server, for its whole selection timeout. Nothing
        # is lost by leaving at once: every write is committed in the database, and the server is stopped.
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(128 + signum)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


def connect_database(settings: dict) -> str:
    """Connect the default mongoengine alias; return the URI used (without credentials)."""
    uri = settings["MONGODB_URI"] or _start_embedded(settings)
    mongoengine.disconnect()
    timeout = settings["MONGODB_TIMEOUT_MS"]
    # Majority, journaled: a save the user is told succeeded survives the server being killed a moment later.
    # The socket timeout turns a hung server into a 503 rather than a request that never ends; the client is
    # kept when the server goes away, so pymongo reconnects by itself when it is back.
    mongoengine.connect(
        host=uri, db=settings["MONGODB_DB"], tz_aware=False, uuidRepresentation="standard",
        serverSelectionTimeoutMS=timeout, connectTimeoutMS=timeout,
        socketTimeoutMS=settings["MONGODB_SOCKET_TIMEOUT_MS"], connect=False,
        w="majority", journal=True, retryWrites=True, retryReads=True,
    )
    old = _health.pop("client", None)
    if old is not None:
        old.close()
    _health.update(uri=uri, db=settings["MONGODB_DB"], timeout_ms=settings["MONGODB_HEALTH_TIMEOUT_MS"])
    uow.install()
    try:
        _require_transactions(mongoengine.get_db())
        uow.ensure_request_key_index()
    except PyMongoError as exc:
        # The app still starts (the health check reports the outage); the index is made at the next start.
        log.warning("Could not prepare the database yet: %s", exc)
    return uri


def health_client() -> pymongo.MongoClient:
    """Return the health check's own client, whose every timeout is the short health timeout."""
    client = _health.get("client")
    if client is None:
        ms = _health["timeout_ms"]
        client = pymongo.MongoClient(_health["uri"], serverSelectionTimeoutMS=ms, connectTimeoutMS=ms,
                                     socketTimeoutMS=ms, connect=False)
        _health["client"] = client
    return client


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
    revived = revive_embedded()
    try:
        health_client()[_health["db"]].command("ping")
        return {"status": "ok", "database": _health["db"]} | ({"restarted": True} if revived else {})
    except (PyMongoError, mongoengine.connection.ConnectionFailure) as exc:
        return {"status": "unavailable", "error": type(exc).__name__}
