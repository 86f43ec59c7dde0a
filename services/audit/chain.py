"""The audit trail's hash chain: append entries in one sequence, each sealed by HMAC-SHA256; verify the chain."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from mongoengine.errors import NotUniqueError
from pymongo.errors import BulkWriteError, PyMongoError

from models.audit import AuditEntry
from storage.uow import in_transaction, run_in_transaction

log = logging.getLogger("pathway.audit")
GENESIS = "0" * 64
MAX_TRIES = 200
# Reads are audited into this append-only inbox with one plain insert; `seal_inbox` chains them in order.
INBOX = "audit_inbox"
SEAL_BATCH = 500
_fallback_key: bytes | None = None


def key_from(settings) -> bytes:
    """Return the chain key the settings give: AUDIT_HMAC_KEY, else one derived from the secret key."""
    explicit = settings.get("AUDIT_HMAC_KEY") or ""
    if explicit:
        return str(explicit).encode()
    secret = str(settings.get("SECRET_KEY") or "")
    return hmac.new(secret.encode(), b"pathway-audit-chain", hashlib.sha256).digest()


def configure(settings) -> None:
    """Remember the chain key for code outside a request, and make sure the chain's unique index exists."""
    global _fallback_key
    _fallback_key = key_from(settings)
    # Before any request: the unique index on `seq` is what makes parallel appends take turns.
    try:
        AuditEntry.ensure_indexes()
        inbox().create_index([("at", 1), ("_id", 1)])  # the sealer takes the oldest first
    except PyMongoError:
        # The database is down: the app still starts (health checks say so); the first entry creates the index.
        log.warning("Could not create the audit chain's index yet: the database is not reachable")


def chain_key() -> bytes:
    """Return the server-side key that seals the chain (never stored in the database)."""
    if has_app_context():
        return key_from(current_app.config)
    if _fallback_key is None:
        raise RuntimeError("The audit chain needs the app's settings: create the app first")
    return _fallback_key


def canonical(entry: AuditEntry) -> bytes:
    """Return the bytes of an entry that its hash seals, the same before storing and after reading back."""
    body = {"seq": entry.seq, "at": entry.at.isoformat(timespec="milliseconds"), "actor_id": entry.actor_id,
            "actor_email": entry.actor_email, "action": entry.action, "target_type": entry.target_type,
            "target_id": entry.target_id, "client_address": entry.client_address, "details": entry.details or {}}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def seal(prev_hash: str, entry: AuditEntry, key: bytes) -> str:
    """Return the entry's link: HMAC-SHA256 over the previous hash and the canonical entry."""
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical(entry), hashlib.sha256).hexdigest()


def plain(details: dict) -> dict:
    """Return details as they will read back from the database (dates as text), so the hash matches later."""
    return json.loads(json.dumps(details or {}, default=str))


def _transient() -> PyMongoError:
    error = PyMongoError("Another audit entry took this link of the chain")
    error._add_error_label("TransientTransactionError")
    return error


def _head() -> tuple[int, str]:
    last = AuditEntry._get_collection().find({"seq": {"$type": "int"}}, {"seq": 1, "hash": 1}).sort(
        "seq", -1).limit(1)
    for doc in last:
        return int(doc["seq"]), doc.get("hash", "")
    return 0, GENESIS


def append(entry: AuditEntry) -> AuditEntry:
    """Store the entry as the next link of the chain.

    The unique index on `seq` makes parallel appends take turns: the loser of a race reads the new head and
    tries again, so the entries of concurrent requests still form one unbroken chain.
    """
    key = chain_key()
    entry.at = entry.at.replace(microsecond=entry.at.microsecond // 1000 * 1000)  # MongoDB keeps milliseconds
    entry.details = plain(entry.details)
    for attempt in range(MAX_TRIES):
        seq, prev = _head()
        entry.seq, entry.prev_hash = seq + 1, prev
        entry.hash = seal(prev, entry, key)
        try:
            entry.save()
            return entry
        except NotUniqueError as exc:
            if in_transaction():
                # The unit of work is spoilt by the failed insert: let it rerun from the start with a new head.
                raise _transient() from exc
            entry.pk = None
            time.sleep(min(0.001 * (attempt + 1), 0.02))
    raise RuntimeError("The audit trail is too busy: the entry could not be appended")


@dataclass
class Verification:
    """The result of checking the chain."""

    checked: int
    head_seq: int
    head_hash: str
    problem: str = ""
    unchained: int = 0

    @property
    def ok(self) -> bool:
        """Tell whether every link held."""
        return not self.problem


def verify_chain(*, expect_seq: int | None = None, expect_hash: str = "") -> Verification:
    """Walk the chain from its first link; report the first broken or missing link (and a lost tail)."""
    seal_inbox()
    key = chain_key()
    prev, expected_seq, checked = GENESIS, 1, 0
    head_hash = GENESIS
    for doc in AuditEntry._get_collection().find({"seq": {"$exists": True}}).sort("seq", 1):
        entry = AuditEntry._from_son(doc)
        if entry.seq != expected_seq:
            return Verification(checked, expected_seq - 1, prev,
                                f"link {expected_seq} is missing (the next entry found is {entry.seq})")
        if entry.prev_hash != prev or entry.hash != seal(prev, entry, key):
            return Verification(checked, expected_seq - 1, prev,
                                f"link {entry.seq} is broken: entry {entry.pk} ({entry.action} at "
                                f"{entry.at:%Y-%m-%d %H:%M:%S}) was changed or does not follow link {entry.seq - 1}")
        prev = head_hash = entry.hash
        expected_seq += 1
        checked += 1
    head_seq = expected_seq - 1
    first_at = AuditEntry._get_collection().find_one({"seq": 1}, {"at": 1})
    unchained = AuditEntry._get_collection().count_documents(
        {"seq": {"$exists": False}, **({"at": {"$gte": first_at["at"]}} if first_at else {})})
    result = Verification(checked, head_seq, head_hash, unchained=unchained)
    if unchained and first_at:
        result.problem = f"{unchained} entries were added outside the chain"
    elif expect_seq is not None and (head_seq < expect_seq):
        result.problem = (f"the chain ends at link {head_seq} but link {expect_seq} was recorded earlier: "
                          "entries were removed from the end")
    elif expect_seq is not None and expect_hash:
        found = AuditEntry._get_collection().find_one({"seq": expect_seq}, {"hash": 1})
        if not found or found.get("hash") != expect_hash:
            result.problem = f"link {expect_seq} no longer has the hash recorded for it earlier"
    return result


def log_chain_head(now: datetime) -> tuple[int, str]:
    """Write the chain head to the log, so a later removal of the newest entries can be detected."""
    seal_inbox()
    seq, head = _head()
    log.info("Audit chain head at %s: link %s, hash %s", now.isoformat(timespec="seconds"), seq, head)
    return seq, head


def inbox():
    """Return the audit inbox collection: reads waiting to be chained."""
    return AuditEntry._get_collection().database[INBOX]


def inbox_mac(doc: dict, key: bytes) -> str:
    """Return the HMAC that seals one inbox entry on its own, so a change made while it waits shows."""
    body = {k: doc.get(k) for k in ("actor_id", "actor_email", "action", "target_type", "target_id",
                                     "client_address", "details")}
    body.update(id=str(doc["_id"]), at=doc["at"].isoformat(timespec="milliseconds"))
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    return hmac.new(key, b"inbox\n" + text, hashlib.sha256).hexdigest()


def _seal_batch(limit: int) -> int:
    key = chain_key()
    waiting = list(inbox().find({}).sort([("at", 1), ("_id", 1)]).limit(limit))
    if not waiting:
        return 0
    seq, prev = _head()
    links = []
    for doc in waiting:
        entry = AuditEntry(**{k: doc.get(k) for k in ("at", "actor_id", "actor_email", "action", "target_type",
                                                        "target_id", "client_address")},
                           details=doc.get("details") or {})
        if not hmac.compare_digest(doc.get("mac", ""), inbox_mac(doc, key)):
            # Changed while it waited: chain it as found, flagged, so the trail shows what happened.
            log.error("Audit inbox entry %s was changed before it was chained", doc["_id"])
            entry.details = {**entry.details, "inbox_altered": True}
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = seal(prev, entry, key)
        son = entry.to_mongo().to_dict()
        son["_id"] = doc["_id"]  # the same id: a second sealer racing for it fails on the unique `_id`
        links.append(son)
    try:
        AuditEntry._get_collection().insert_many(links, ordered=True)
    except BulkWriteError as exc:
        if any(e.get("code") == 11000 for e in exc.details.get("writeErrors", [])):
            raise _transient() from exc  # another sealer or an append took these links: start again
        raise
    removed = inbox().delete_many({"_id": {"$in": [d["_id"] for d in waiting]}}).deleted_count
    if removed != len(waiting):
        raise _transient()
    return len(waiting)


def seal_inbox(*, batch: int = SEAL_BATCH) -> int:
    """Move every waiting read from the inbox into the chain, oldest first, a batch per unit of work."""
    sealed = 0
    while True:
        done = run_in_transaction(_seal_batch, batch)
        sealed += done
        if done < batch:
            return sealed
