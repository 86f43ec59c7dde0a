"""Durable inserts of audited reads, many requests' reads in one command, each request waiting only for its own.

Every case page is a read that must be on disk before the page leaves the server. A journaled insert costs the
server a journal flush (a millisecond of waiting, half a millisecond of its CPU) and the worker a round trip; the
reads of a process's concurrent requests share both here. A request hands its reads over and goes on making its
page (`defer_reads`); before its response is sent it makes sure they are written (`settle_reads`), with every
other read waiting in the process, in one insert with the client's majority, journaled write concern. A read that
could not be written fails its request, so no page goes out unaudited.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from contextvars import ContextVar, Token

from pymongo.errors import BulkWriteError

from storage.uow import in_transaction

BATCH = 256  # the most reads one insert carries
# The reads handed over by the request of this context and not yet waited for; None outside a request's scope.
_PENDING: ContextVar[list[Future] | None] = ContextVar("pathway_pending_reads", default=None)


class InboxWriter:
    """The reads handed over in one process, written all at once by whichever request first needs one on disk.

    A read is written when some request needs it (`flush`), not as soon as it is handed over: the reads handed over
    meanwhile by the process's other requests then go in the same insert and the same journal flush. One write is
    under way at a time; a request whose reads are in it, or queued behind it, waits for it, then writes the queue
    itself if its reads are still there (no thread of its own: nothing to hand over to, nothing a fork loses).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written = threading.Condition(self._lock)
        self._queue: list[tuple[object, dict, Future]] = []
        self._writing = False

    def submit(self, collection, doc: dict) -> Future:
        """Queue one document for `collection`; the future gives its id once it is durable, or the error."""
        future: Future = Future()
        with self._lock:
            self._queue.append((collection, doc, future))
        return future

    def flush(self, futures) -> None:
        """Return once each of these futures is settled, writing the queue in this thread when none is writing."""
        while True:
            with self._lock:
                while self._writing and not all(f.done() for f in futures):
                    self._written.wait()
                if all(f.done() for f in futures):
                    return
                batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
                self._writing = True
            try:
                self.write(batch)
            except BaseException as exc:  # noqa: BLE001 - no read of the batch may be left waiting for ever
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            finally:
                with self._lock:
                    self._writing = False
                    self._written.notify_all()

    def write(self, batch: list[tuple[object, dict, Future]]) -> None:
        """Insert one batch, a command per collection, and settle each document's future."""
        groups: dict[object, list[tuple[dict, Future]]] = {}
        for collection, doc, future in batch:
            groups.setdefault(collection, []).append((doc, future))
        for collection, items in groups.items():
            try:
                collection.insert_many([doc for doc, _ in items], ordered=False)
            except BulkWriteError as exc:
                _settle_partly(items, exc)
            except BaseException as exc:  # noqa: BLE001 - whatever it was, each waiting request must hear of it
                for _, future in items:
                    future.set_exception(exc)
            else:
                for doc, future in items:
                    future.set_result(doc["_id"])


def _settle_partly(items: list[tuple[dict, Future]], exc: BulkWriteError) -> None:
    """Fail the documents the server refused, or all when their durability was not confirmed."""
    details = exc.details or {}
    failed = {error.get("index") for error in details.get("writeErrors", [])}
    unsure = bool(details.get("writeConcernErrors"))
    for index, (doc, future) in enumerate(items):
        if unsure or index in failed:
            future.set_exception(exc)
        else:
            future.set_result(doc["_id"])


_writer = InboxWriter()


def write_read(collection, doc: dict):
    """Insert one audited read durably: at once outside a request's scope, else before its response is sent."""
    if in_transaction():  # part of the unit of work: written, or undone, with it
        collection.insert_one(doc)
        return doc["_id"]
    future = _writer.submit(collection, doc)
    pending = _PENDING.get()
    if pending is None:
        _writer.flush([future])
        return future.result()
    pending.append(future)
    return doc["_id"]


def defer_reads() -> Token:
    """Let this context's reads be written while it goes on; `settle_reads` waits for them."""
    return _PENDING.set([])


def settle_reads(token: Token | None = None) -> None:
    """Wait until every read handed over in this context is durable; raise the first failure.

    With the token `defer_reads` gave, the context stops deferring too (after waiting, whatever the outcome).
    """
    pending = _PENDING.get()
    try:
        if pending:
            _writer.flush(pending)  # the client's own timeouts bound the write
        first: BaseException | None = None
        for future in pending or ():
            first = first or future.exception()
        if pending:
            pending.clear()
        if first is not None:
            raise first
    finally:
        if token is not None:
            _PENDING.reset(token)
