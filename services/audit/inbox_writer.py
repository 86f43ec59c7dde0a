"""Durable inserts of audited reads, many requests' reads in one command, each request waiting only for its own.

Every case page is a read that must be on disk before the page leaves the server. A journaled insert costs the
server a journal flush (a millisecond of waiting, half a millisecond of its CPU) and the worker a round trip; the
reads of a process's concurrent requests share both here. A request hands its reads over and goes on making its
page (`defer_reads`); before its response is sent it waits for them (`settle_reads`), and a writer thread then
inserts every read waiting in the process, with the client's majority, journaled write concern. A read that could
not be written fails its request, so no page goes out unaudited.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from contextvars import ContextVar, Token

from pymongo.errors import BulkWriteError

from storage.uow import in_transaction

BATCH = 256  # the most reads one insert carries
# The reads handed over by the request of this context and not yet waited for; None outside a request's scope.
_PENDING: ContextVar[list[Future] | None] = ContextVar("pathway_pending_reads", default=None)


class InboxWriter:
    """One thread per process that inserts the reads handed to it, all that are waiting whenever one is needed.

    A read is written when some request needs it on disk (`flush`), not as soon as it is handed over: the reads
    handed over meanwhile by the process's other requests then go in the same insert and the same journal flush.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting = threading.Condition(self._lock)
        self._queue: list[tuple[object, dict, Future]] = []
        self._wanted = False  # some request is waiting for a read still in the queue
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, collection, doc: dict) -> Future:
        """Queue one document for `collection`; the future gives its id once it is durable, or the error."""
        future: Future = Future()
        future.queued = True
        with self._lock:
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                self._start()  # first use in this process (a forked worker inherits no threads)
            self._queue.append((collection, doc, future))
        return future

    def flush(self, futures) -> None:
        """Have the queue written now if any of these futures is still in it."""
        with self._lock:
            if any(getattr(f, "queued", False) for f in futures):
                self._wanted = True
                self._waiting.notify()

    def _start(self) -> None:
        if self._pid != os.getpid():  # a forked child's copy of its parent's queue is no one's to write
            self._pid, self._queue, self._wanted = os.getpid(), [], False
        self._thread = threading.Thread(target=self._run, name="pathway-audit-reads", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not (self._wanted and self._queue):
                    self._waiting.wait()
                batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
                self._wanted = bool(self._queue)  # a full batch leaves the rest to follow at once
                for _, _, future in batch:
                    future.queued = False
            self.write(batch)

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
            _writer.flush(pending)
        first: BaseException | None = None
        for future in pending or ():
            error = future.exception()  # waits; the client's own timeouts bound it
            first = first or error
        if pending:
            pending.clear()
        if first is not None:
            raise first
    finally:
        if token is not None:
            _PENDING.reset(token)
