"""The audit inbox: reads are one insert, sealed into the chain in order, once, by however many sealers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from models.audit import AuditEntry
from services.audit import chain as audit_chain
from services.audit.chain import inbox, seal_inbox, verify_chain
from services.audit.search import search_audit
from services.audit.trail import list_audit, record_audit, record_read


def _read(user, now, i, **extra):
    return record_read("case.read", actor=user, now=now, target_type="case", target_id=f"case-{i}",
                       client_address="10.0.0.1", details={"what": "cases.case_page", "i": i, **extra})


def _chain():
    return list(AuditEntry._get_collection().find({}).sort("seq", 1))


def test_a_read_is_one_insert_into_the_inbox_and_not_yet_in_the_chain(make_user, now):
    user = make_user(roles=["practitioner"])
    before = AuditEntry.objects.count()
    _read(user, now, 1)
    assert inbox().count_documents({}) == 1
    assert AuditEntry.objects.count() == before


def test_sealing_chains_the_reads_in_the_order_they_happened(make_user, now):
    user = make_user(roles=["practitioner"])
    record_audit("test.before", now=now)
    # Inserted out of time order: the chain follows the time they happened (then the order of insertion).
    for i, minutes in enumerate([3, 1, 2, 2]):
        _read(user, now + timedelta(minutes=minutes), i)
    assert seal_inbox() == 4
    chain = _chain()
    assert [d["seq"] for d in chain] == list(range(1, len(chain) + 1))
    reads = [d for d in chain if d["action"] == "case.read"]
    assert [d["details"]["i"] for d in reads] == [1, 2, 3, 0]
    assert all(d["actor_id"] == str(user.pk) and d["client_address"] == "10.0.0.1" for d in reads)
    assert inbox().count_documents({}) == 0
    assert verify_chain().ok


def test_sealing_twice_chains_nothing_twice(make_user, now):
    user = make_user(roles=["practitioner"])
    ids = [_read(user, now, i) for i in range(3)]
    assert seal_inbox() == 3
    assert seal_inbox() == 0
    assert sorted(d["_id"] for d in _chain() if d["action"] == "case.read") == sorted(ids)


def test_parallel_sealers_and_appends_lose_and_repeat_nothing(make_user, now):
    user = make_user(roles=["practitioner"])
    ids = [_read(user, now + timedelta(milliseconds=i), i) for i in range(120)]
    errors = []

    def sealer():
        try:
            seal_inbox(batch=7)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def appender(k):
        for i in range(5):
            record_audit("test.parallel", now=now, target_id=f"{k}-{i}")

    threads = [threading.Thread(target=sealer) for _ in range(4)]
    threads += [threading.Thread(target=appender, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    seal_inbox()
    chain = _chain()
    assert [d["seq"] for d in chain] == list(range(1, len(chain) + 1))
    assert len([d for d in chain if d["action"] == "test.parallel"]) == 15
    assert sorted(d["_id"] for d in chain if d["action"] == "case.read") == sorted(ids)
    assert [d["details"]["i"] for d in chain if d["action"] == "case.read"] == list(range(120))
    assert inbox().count_documents({}) == 0 and verify_chain().ok


def test_a_sealer_that_crashes_midway_loses_nothing(make_user, now, monkeypatch):
    user = make_user(roles=["practitioner"])
    ids = [_read(user, now, i) for i in range(10)]
    real_inbox = audit_chain.inbox

    class Crashing:
        """The inbox, but the removal of the chained reads fails, as if the process died between the writes."""

        def __getattr__(self, name):
            return getattr(real_inbox(), name)

        def delete_many(self, *args, **kwargs):
            raise RuntimeError("the sealer died")

    monkeypatch.setattr(audit_chain, "inbox", Crashing)
    with pytest.raises(RuntimeError):
        seal_inbox(batch=4)
    monkeypatch.setattr(audit_chain, "inbox", real_inbox)
    # The unit of work was undone: nothing half-chained, every read still waiting.
    assert AuditEntry.objects(action="case.read").count() == 0
    assert inbox().count_documents({}) == 10
    assert seal_inbox(batch=4) == 10
    assert sorted(d["_id"] for d in _chain() if d["action"] == "case.read") == sorted(ids)
    assert verify_chain().ok


def test_verify_list_and_search_see_reads_still_in_the_inbox(make_user, now):
    user = make_user(roles=["practitioner"])
    _read(user, now, 1)
    assert [e.action for e in list_audit(actor=user, action="case.read")] == ["case.read"]
    _read(user, now, 2)
    found = search_audit({"action": "case.read"}, actor=user, now=now)
    assert found["total"] == 2
    _read(user, now, 3)
    result = verify_chain()
    assert result.ok and inbox().count_documents({}) == 0
    assert AuditEntry.objects(action="case.read").count() == 3


def test_a_read_changed_while_it_waited_is_chained_flagged(make_user, now):
    user = make_user(roles=["practitioner"])
    read = _read(user, now, 1)
    inbox().update_one({"_id": read}, {"$set": {"target_id": "another-case"}})
    seal_inbox()
    entry = AuditEntry.objects.get(pk=read)
    assert entry.details.get("inbox_altered") is True
    assert verify_chain().ok


def test_the_scheduler_seals_the_inbox_often(monkeypatch):
    from scheduler.runner import SEAL_JOB_ID, _configure
    from services.notifications import outbox

    monkeypatch.setattr(outbox, "on_queued", lambda callback: None)

    class Recorder:
        def __init__(self):
            self.jobs = {}

        def add_job(self, func, trigger, **kwargs):
            self.jobs[kwargs["id"]] = (trigger, kwargs)

    class App:
        config = {"SCHEDULER_INTERVAL_SECONDS": 60, "OUTBOX_INTERVAL_SECONDS": 60}

    trigger, kwargs = _configure(Recorder(), App()).jobs[SEAL_JOB_ID]
    assert trigger == "interval" and kwargs["seconds"] <= 60
