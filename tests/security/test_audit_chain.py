"""The audit trail's hash chain: intact after parallel appends; edits, removals and insertions are reported."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from models.audit import AuditEntry
from services.audit.chain import log_chain_head, verify_chain
from services.audit.trail import record_audit


def _entries(n, now, **details):
    return [record_audit("test.entry", now=now, target_type="case", target_id=str(i), details={"i": i, **details})
            for i in range(n)]


def test_a_fresh_chain_verifies_from_the_command_line(app, runner, now):
    _entries(5, now, when=datetime(2026, 1, 2, 3, 4, 5, 678901))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 5 entries" in result.output


def test_parallel_appends_form_one_chain(app, now):
    def worker(k):
        for i in range(10):
            record_audit("test.parallel", now=now, target_id=f"{k}-{i}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e.seq for e in AuditEntry.objects) == list(range(1, 61))
    assert verify_chain().ok


def test_an_edited_entry_is_the_first_broken_link(app, runner, now):
    entries = _entries(6, now)
    AuditEntry._get_collection().update_one({"_id": entries[3].pk}, {"$set": {"details.i": 99}})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "link 4 is broken" in result.output


def test_a_removed_entry_is_a_missing_link(app, runner, now):
    entries = _entries(6, now)
    AuditEntry._get_collection().delete_one({"_id": entries[2].pk})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "link 3 is missing" in result.output


def test_a_forged_entry_without_the_key_breaks_the_chain(app, now):
    entries = _entries(3, now)
    forged = entries[-1].to_mongo().to_dict()
    forged.pop("_id")
    forged.update(seq=4, prev_hash=entries[-1].hash, hash="f" * 64, action="sign_in")
    AuditEntry._get_collection().insert_one(forged)
    result = verify_chain()
    assert not result.ok and "link 4 is broken" in result.problem


def test_an_entry_slipped_in_outside_the_chain_is_reported(app, now):
    _entries(2, now)
    AuditEntry._get_collection().insert_one({"at": now, "action": "sneaky", "details": {}})
    assert "outside the chain" in verify_chain().problem


def test_a_removed_tail_is_caught_by_the_logged_head(app, runner, now, caplog):
    entries = _entries(5, now)
    with caplog.at_level(logging.INFO, logger="pathway.audit"):
        seq, head = log_chain_head(now)
    assert f"link {seq}, hash {head}" in caplog.text
    AuditEntry._get_collection().delete_many({"_id": {"$in": [e.pk for e in entries[3:]]}})
    assert verify_chain().ok  # the rest of the chain is still consistent...
    result = runner.invoke(args=["audit", "verify", "--expect-seq", str(seq), "--expect-hash", head])
    assert result.exit_code == 1 and "removed from the end" in result.output


def test_the_scheduler_logs_the_head_daily(monkeypatch):
    from scheduler.runner import AUDIT_JOB_ID, _configure
    from services.notifications import outbox

    monkeypatch.setattr(outbox, "on_queued", lambda callback: None)

    class Recorder:
        def __init__(self):
            self.jobs = {}

        def add_job(self, func, trigger, **kwargs):
            self.jobs[kwargs["id"]] = (trigger, kwargs)

    class App:
        config = {"SCHEDULER_INTERVAL_SECONDS": 60, "OUTBOX_INTERVAL_SECONDS": 60}

    jobs = _configure(Recorder(), App()).jobs
    trigger, kwargs = jobs[AUDIT_JOB_ID]
    assert trigger == "interval" and kwargs["days"] == 1
