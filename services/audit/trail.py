"""Write to and read the audit trail."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from flask import has_request_context, request

from models.audit import AuditEntry
from services.audit.chain import append, chain_key, inbox, inbox_mac, plain, seal_inbox
from services.audit.inbox_writer import write_read


def request_address() -> str:
    """Return the address of the web request being answered ("" outside one: a command, a scheduled job)."""
    # Every entry made while answering a person's request names where it came from, whichever service made it.
    return (request.remote_addr or "") if has_request_context() else ""


def record_audit(
    action: str, *, actor=None, now: datetime, target_type: str = "", target_id: str = "",
    client_address: str = "", details: dict | None = None, actor_email: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail."""
    entry = AuditEntry(
        at=now,
        actor_id=str(actor.pk) if actor is not None else "",
        actor_email=actor.email if actor is not None else actor_email,
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        client_address=client_address or request_address(),
        details=details or {},
    )
    return append(entry)


def record_read(
    action: str, *, actor, now: datetime, target_type: str, target_id: str, client_address: str = "",
    details: dict | None = None,
) -> ObjectId:
    """Audit one read: a durable insert into the inbox (see inbox_writer), which `seal_inbox` chains later."""
    doc = {"_id": ObjectId(), "at": now.replace(microsecond=now.microsecond // 1000 * 1000),
           "actor_id": str(actor.pk), "actor_email": actor.email, "action": action, "target_type": target_type,
           "target_id": str(target_id or ""), "client_address": client_address or request_address(),
           "details": plain(details)}
    doc["mac"] = inbox_mac(doc, chain_key())
    # Majority + journal (storage/connection.py), shared with concurrent reads: on disk before the page leaves.
    return write_read(inbox(), doc)


def list_audit(*, actor, target_type: str = "", target_id: str = "", action: str = "", limit: int = 200):
    """Return the newest audit entries matching the filters."""
    seal_inbox()
    query = {}
    if target_type:
        query["target_type"] = target_type
    if target_id:
        query["target_id"] = target_id
    if action:
        query["action"] = action
    return list(AuditEntry.objects(**query).order_by("-at").limit(limit))
