"""One unit of work per use-case: every database operation inside it commits together or not at all.

A service use-case is decorated with `@transactional`. The decorator opens a MongoDB session, starts a
transaction (snapshot reads, majority + journaled commit) and runs the function with that session as the
*current* one. Every pymongo collection operation made while a session is current joins it, whether it comes
from mongoengine (`save`, `update_one`, `reload`, querysets) or from pymongo directly, so services need no
session plumbing. A transient error (a write conflict with a concurrent use-case, a primary stepping down) reruns
the whole function from the start; any other exception aborts the transaction and leaves the database as it was.

A use-case called from inside another joins the outer unit of work. Side effects that must not happen unless the
work is committed (waking the mail sender, for instance) are registered with `after_commit`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

import mongoengine
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern

from errors import AlreadyDone

log = logging.getLogger(__name__)

# What a user is told succeeded must survive a crash of the server: acknowledged by a majority, on disk.
DURABLE = WriteConcern(w="majority", j=True)

_session: ContextVar = ContextVar("pathway_session", default=None)
# The idempotency key of the request being served: {"key": ..., "used": bool}. The first unit of work of the
# request records the key in the same transaction, so the same key can only ever commit once.
_request_key: ContextVar = ContextVar("pathway_request_key", default=None)
REQUEST_KEYS = "request_keys"
_after_commit: ContextVar = ContextVar("pathway_after_commit", default=None)

# Collection methods that read or write documents and accept `session=`; index and collection management is
# left out on purpose: MongoDB refuses it inside a transaction on existing collections.
SESSION_METHODS = (
    "find", "find_one", "find_raw_batches", "count_documents", "distinct", "aggregate", "aggregate_raw_batches",
    "insert_one", "insert_many", "replace_one", "update_one", "update_many", "delete_one", "delete_many",
    "find_one_and_delete", "find_one_and_replace", "find_one_and_update", "bulk_write",
)
_installed = False
TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
RETRY_SECONDS = 30  # how long a use-case keeps retrying write conflicts before it reports the failure


def _joining(method: Callable) -> Callable:
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if kwargs.get("session") is None:
            session = _session.get()
            if session is not None and session.client is self.database.client:
                kwargs["session"] = session
        return method(self, *args, **kwargs)

    call.__pathway_joins__ = True
    return call


def install() -> None:
    """Make every collection operation join the current unit of work (idempotent)."""
    global _installed
    if _installed:
        return
    for name in SESSION_METHODS:
        method = getattr(Collection, name)
        if not getattr(method, "__pathway_joins__", False):
            setattr(Collection, name, _joining(method))
    _installed = True


def in_transaction() -> bool:
    """Tell whether the caller runs inside a unit of work."""
    return _session.get() is not None


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current unit of work has committed (at once when there is none)."""
    pending = _after_commit.get()
    if pending is None:
        _run_safely(callback)
    else:
        pending.append(callback)


def _run_safely(callback: Callable[[], None]) -> None:
    try:
        callback()
    except Exception:  # noqa: BLE001 - the work is committed; a failed follow-up must not undo the answer
        log.exception("A follow-up after commit failed")


def run_in_transaction(function: Callable, *args, **kwargs):
    """Run `function(*args, **kwargs)` as one unit of work and return its result."""
    if _session.get() is not None:
        return function(*args, **kwargs)
    install()
    client = mongoengine.get_connection()
    pending: list[Callable[[], None]] = []

    request_key = _request_key.get()
    claim = request_key if request_key and not request_key["used"] else None

    def attempt(session):
        pending.clear()  # a rerun after a transient error starts with nothing registered
        token, hooks = _session.set(session), _after_commit.set(pending)
        try:
            if claim is not None:
                _claim_key(client, claim["key"], session)
            return function(*args, **kwargs)
        finally:
            _session.reset(token)
            _after_commit.reset(hooks)

    deadline = time.monotonic() + RETRY_SECONDS
    documents = _snapshot(args, kwargs)
    while True:
        with client.start_session(causal_consistency=True) as session:
            session.start_transaction(read_concern=ReadConcern("snapshot"), write_concern=DURABLE,
                                      read_preference=ReadPreference.PRIMARY)
            try:
                result = attempt(session)
            except BaseException as exc:
                if session.in_transaction:
                    _abort_quietly(session)
                _restore(documents)
                if _labelled(exc, TRANSIENT) and time.monotonic() < deadline:
                    continue
                if isinstance(exc, AlreadyDone) and claim is not None:
                    exc.location = _first_location(claim["key"])
                raise
            try:
                _commit(session, deadline)
            except PyMongoError as exc:
                _restore(documents)
                if _labelled(exc, TRANSIENT) and time.monotonic() < deadline:
                    continue
                raise
        break
    if claim is not None:
        claim["used"] = True
    for callback in list(pending):
        _run_safely(callback)
    return result


def _claim_key(client, key: str, session) -> None:
    """Record the request's key in this transaction; a key already committed means the work was done."""
    keys = client.get_database(mongoengine.get_db().name)[REQUEST_KEYS]
    try:
        keys.insert_one({"_id": key, "at": datetime.now(UTC).replace(tzinfo=None)}, session=session)
    except DuplicateKeyError:
        raise AlreadyDone() from None


def _first_location(key: str, wait_seconds: float = 2.0) -> str:
    """Return where the first request with `key` went (it may still be finishing its response)."""
    keys = mongoengine.get_db()[REQUEST_KEYS]
    deadline = time.monotonic() + wait_seconds
    while True:
        location = (keys.find_one({"_id": key}) or {}).get("location")
        if location or time.monotonic() >= deadline:
            return str(location or "")
        time.sleep(0.1)


def use_request_key(key: str | None):
    """Make `key` the idempotency key of the work done from now on in this context; return a reset token."""
    return _request_key.set({"key": key, "used": False} if key else None)


def reset_request_key(token) -> None:
    """Forget the request's key (the end of the request)."""
    _request_key.reset(token)


def request_key_used() -> str | None:
    """Return the request's key if a unit of work committed with it."""
    current = _request_key.get()
    return current["key"] if current and current["used"] else None


def remember_location(key: str, location: str) -> None:
    """Store where the first request with `key` sent the user, for repeats of it."""
    mongoengine.get_db()[REQUEST_KEYS].update_one({"_id": key}, {"$set": {"location": location[:2000]}})


def ensure_request_key_index() -> None:
    """Let request keys expire after a week: long past any double click or client retry."""
    mongoengine.get_db()[REQUEST_KEYS].create_index("at", expireAfterSeconds=7 * 24 * 3600)


def _snapshot(args, kwargs) -> list:
    """Remember the fields of the documents handed to a use-case, which it may change in memory as it goes."""
    found = [value for value in (*args, *kwargs.values()) if isinstance(value, mongoengine.Document)]
    return [(doc, copy.deepcopy(doc._data), list(doc._changed_fields)) for doc in found]


def _restore(documents: list) -> None:
    """Put the caller's documents back as they were, so a rerun (or the error page) sees what the database has."""
    for doc, data, changed in documents:
        doc._data = copy.deepcopy(data)
        doc._changed_fields = list(changed)


def _commit(session, deadline: float) -> None:
    """Commit, retrying while the outcome of the commit itself is unknown (a network blip, a failover)."""
    while True:
        try:
            session.commit_transaction()
            return
        except PyMongoError as exc:
            if _labelled(exc, UNKNOWN_COMMIT) and time.monotonic() < deadline:
                continue
            raise


def _abort_quietly(session) -> None:
    with contextlib.suppress(PyMongoError):  # the server aborts an abandoned transaction by itself
        session.abort_transaction()


def _labelled(exc: BaseException | None, label: str) -> bool:
    """Tell whether exc, or an error it was raised from (mongoengine wraps pymongo's), carries the label."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, PyMongoError) and exc.has_error_label(label):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def transactional(function: Callable) -> Callable:
    """Decorate a service use-case so that all its writes commit together or not at all."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return run_in_transaction(function, *args, **kwargs)

    wrapper.__transactional__ = True
    return wrapper
