"""Audited reads handed over by requests: written together when one is needed, each request hearing of its own."""

from __future__ import annotations

import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect, BulkWriteError

from services.audit.chain import inbox
from services.audit.inbox_writer import InboxWriter, defer_reads, settle_reads, write_read
from services.audit.trail import record_read
from storage.uow import run_in_transaction


def _doc(i: int, **extra) -> dict:
    return {"_id": ObjectId(), "action": "test.read", "i": i, **extra}


@pytest.fixture
def batches(monkeypatch):
    """Record the size of every batch the process's writer inserts."""
    sizes: list[int] = []
    real = InboxWriter.write

    def write(self, batch):
        sizes.append(len(batch))
        real(self, batch)

    monkeypatch.setattr(InboxWriter, "write", write)
    return sizes


def test_reads_of_a_request_are_written_together_when_it_settles(app, batches):
    token = defer_reads()
    ids = [write_read(inbox(), _doc(i)) for i in range(5)]
    # Handed over, not yet written: the request goes on making its page meanwhile.
    assert inbox().count_documents({"action": "test.read"}) == 0
    settle_reads(token)
    assert batches == [5]  # one insert, one journal flush, for all five
    assert sorted(d["_id"] for d in inbox().find({"action": "test.read"})) == sorted(ids)


def test_concurrent_requests_reads_share_one_insert(app, batches):
    from contextvars import copy_context

    # Two requests of one process, each in its own context: the first to settle writes the other's read too.
    first, second = copy_context(), copy_context()
    tokens = {id(first): first.run(defer_reads), id(second): second.run(defer_reads)}
    first.run(write_read, inbox(), _doc(1))
    second.run(write_read, inbox(), _doc(2))
    first.run(settle_reads, tokens[id(first)])
    assert inbox().count_documents({"action": "test.read"}) == 2
    second.run(settle_reads, tokens[id(second)])  # already durable: nothing more to write
    assert batches == [2]


def test_outside_a_request_a_read_is_durable_when_record_read_returns(app, make_user, now, batches):
    user = make_user(roles=["practitioner"])
    read = record_read("case.read", actor=user, now=now, target_type="case", target_id="c1")
    assert inbox().find_one({"_id": read})["target_id"] == "c1"
    assert batches == [1]


def test_a_read_in_a_unit_of_work_is_undone_with_it(app, batches):
    doc = _doc(1)

    def fails():
        write_read(inbox(), doc)
        raise RuntimeError("the use-case failed")

    with pytest.raises(RuntimeError):
        run_in_transaction(fails)
    assert inbox().find_one({"_id": doc["_id"]}) is None
    assert batches == []  # written in the transaction, not by the writer


def test_a_read_the_server_refuses_fails_only_its_own_request(app):
    taken = _doc(0)
    inbox().insert_one(taken)
    writer = InboxWriter()
    again, fresh = writer.submit(inbox(), dict(taken)), writer.submit(inbox(), _doc(1))
    writer.flush([again])
    assert isinstance(again.exception(timeout=30), BulkWriteError)
    assert fresh.result(timeout=30) == inbox().find_one({"i": 1})["_id"]


def test_a_write_that_fails_fails_every_read_in_it_and_settle_says_so(app):
    class Down:
        def insert_many(self, docs, ordered):
            raise AutoReconnect("the server went away")

    token = defer_reads()
    write_read(Down(), _doc(1))
    write_read(Down(), _doc(2))
    with pytest.raises(AutoReconnect):
        settle_reads(token)
    # The scope ended all the same: the next read is written at once again.
    doc = _doc(3)
    write_read(inbox(), doc)
    assert inbox().find_one({"_id": doc["_id"]}) is not None


def test_a_request_whose_reads_are_queued_behind_a_write_writes_them_after_it(app):
    import threading

    writer, started, release, sizes = InboxWriter(), threading.Event(), threading.Event(), []
    real = writer.write

    def slow(batch):  # the first write stays under way until the second request has queued its read
        sizes.append(len(batch))
        if len(sizes) == 1:
            started.set()
            release.wait(30)
        real(batch)

    writer.write = slow
    first = writer.submit(inbox(), _doc(1))
    leader = threading.Thread(target=writer.flush, args=([first],))
    leader.start()
    assert started.wait(30)
    second, third = writer.submit(inbox(), _doc(2)), writer.submit(inbox(), _doc(3))
    follower = threading.Thread(target=writer.flush, args=([second],))
    follower.start()
    follower.join(0.2)
    assert follower.is_alive() and not second.done()  # waiting for the write under way, not writing beside it
    release.set()
    leader.join(30)
    follower.join(30)
    assert first.done() and second.done() and third.done()
    assert sizes == [1, 2]  # the follower then wrote all that had queued meanwhile, in one insert
    assert inbox().count_documents({"action": "test.read"}) == 3


def test_a_write_that_breaks_before_settling_its_reads_still_answers_them(app):
    writer = InboxWriter()

    def broken(batch):
        raise RuntimeError("a fault in the writer itself")

    writer.write = broken
    reads = [writer.submit(inbox(), _doc(i)) for i in range(2)]
    writer.flush(reads[:1])
    assert all(isinstance(f.exception(timeout=5), RuntimeError) for f in reads)
