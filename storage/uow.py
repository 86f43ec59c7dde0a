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

import mongoengine
from pymongo.collection import Collection
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern

log = logging.getLogger(__name__)

# What a user is told succeeded must survive a crash of the server: acknowledged by a majority, on disk.
DURABLE = WriteConcern(w="majority", j=True)

_session: ContextVar = ContextVar("pathway_session", default=None)
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

    def attempt(session):
        pending.clear()  # a rerun after a transient error starts with nothing registered
        token, hooks = _session.set(session), _after_commit.set(pending)
        try:
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
                raise
            try:
                _commit(session, deadline)
            except PyMongoError as exc:
                _restore(documents)
                if _labelled(exc, TRANSIENT) and time.monotonic() < deadline:
                    continue
                raise
        break
    for callback in list(pending):
        _run_safely(callback)
    return result


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
