"""Deadlines the reminder sweep could not process: marked on the document, logged, and listed for admins."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from models.deadline import Deadline

log = logging.getLogger("services.deadlines.reminders")


def database_trouble(exc: BaseException) -> bool:
    """Tell whether an error came from reaching the database rather than from the document."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConnectionFailure) or (
                isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError")):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def mark_error(collection, doc: Mapping, exc: Exception, now: datetime) -> None:
    """Log a deadline the sweep could not process and mark it for admins (first seen, last seen, why)."""
    message = f"{type(exc).__name__}: {exc}"[:300]
    previous = doc.get("sweep_error") if isinstance(doc.get("sweep_error"), Mapping) else {}
    if previous.get("message") != message:
        log.error("The sweep skipped deadline %s: %s", doc.get("_id"), message, exc_info=exc)
    else:
        log.warning("The sweep skipped deadline %s again: %s", doc.get("_id"), message)
    try:
        collection.update_one({"_id": doc["_id"]}, {"$set": {"sweep_error.message": message, "sweep_error.at": now},
                                                    "$min": {"sweep_error.since": now}})
    except OperationFailure:  # `sweep_error` itself is malformed (not a sub-document): start it afresh
        collection.update_one({"_id": doc["_id"]},
                              {"$set": {"sweep_error": {"message": message, "at": now, "since": now}}})


def list_sweep_errors(*, limit: int = 200) -> list[dict]:
    """Return the deadlines the sweep is skipping, newest problem first, with what went wrong."""
    docs = Deadline._get_collection().find(
        {"sweep_error.at": {"$exists": True}},
        projection={"case_id": 1, "case_reference": 1, "key": 1, "label": 1, "status": 1, "sweep_error": 1},
    ).sort("sweep_error.at", -1).limit(limit)
    return [{"id": str(doc["_id"]), "case_id": str(doc.get("case_id") or ""),
             "case_reference": str(doc.get("case_reference") or ""),
             "label": str(doc.get("label") or doc.get("key") or ""),
             "status": str(doc.get("status") or ""), "message": str(doc["sweep_error"].get("message") or ""),
             "since": doc["sweep_error"].get("since"), "at": doc["sweep_error"].get("at")} for doc in docs]


def count_sweep_errors() -> int:
    """Return how many deadlines the sweep is skipping."""
    return Deadline._get_collection().count_documents({"sweep_error.at": {"$exists": True}})
