"""How many notifications each user has not read: a count kept on the user, changed with the notifications.

Every page's header shows it, and the user is read for every request anyway: kept on the user, the count costs a
page no read of its own. It changes in the same unit of work as the notifications it counts (one more told, one
read, all read, those of a destroyed case removed), so it is never off by what another request did meanwhile. The
notifications page counts them again and mends the kept count if anything else ever changed them.
"""

from __future__ import annotations

from bson import ObjectId
from pymongo import UpdateOne

from models.notification import Notification
from models.user import User
from services.common.migrations import already_done, mark_done

FIELD = "unread_notifications"
FILL_MIGRATION = "unread_notification_counts"


def unread_query(user_id: str) -> dict:
    """Return the filter of a user's unread notifications, which the (user_id, read_at) index counts."""
    return {"user_id": str(user_id), "read_at": None}


def _by(change: int) -> list[dict]:
    # An update pipeline, so the kept count never goes below nothing whatever was stored.
    return [{"$set": {FIELD: {"$max": [0, {"$add": [{"$ifNull": [f"${FIELD}", 0]}, change]}]}}}]


def change_unread(user_id, change: int) -> None:
    """Add `change` (one more told: 1, one read: -1) to a user's kept count, in the caller's unit of work."""
    User._get_collection().update_one({"_id": ObjectId(str(user_id))}, _by(change))


def clear_unread(user_id) -> None:
    """Keep that a user has read every notification."""
    User._get_collection().update_one({"_id": ObjectId(str(user_id))}, {"$set": {FIELD: 0}})


def header_count(user) -> int:
    """Return the count kept on a user as read for this request (the header's): no read of its own."""
    return max(0, int(getattr(user, FIELD, 0) or 0))


def unread_count(user) -> int:
    """Return how many of a user's notifications are unread, as now kept."""
    son = User._get_collection().find_one({"_id": user.pk}, {FIELD: 1})
    return max(0, int((son or {}).get(FIELD) or 0))


def mend_unread(user) -> int:
    """Count a user's unread notifications again and keep that, unless the kept count changed meanwhile; return it."""
    kept = unread_count(user)
    counted = Notification.objects(**unread_query(user.pk)).count()
    if counted != kept:
        # Only over the count just read: one told or read since then changed both, and is right as it is.
        User._get_collection().update_one({"_id": user.pk, FIELD: kept if kept else {"$in": [0, None]}},
                                          {"$set": {FIELD: counted}})
    return counted


def _unread_by_user(query: dict) -> dict[str, int]:
    """Return user id → how many of the notifications a query finds are unread."""
    return {row["_id"]: row["n"] for row in Notification._get_collection().aggregate([
        {"$match": {**query, "read_at": None}}, {"$group": {"_id": "$user_id", "n": {"$sum": 1}}}])}


def forget_unread(query: dict) -> None:
    """Take the unread notifications a query finds (about to be removed) off their readers' kept counts."""
    updates = [UpdateOne({"_id": ObjectId(str(user_id))}, _by(-count))
               for user_id, count in _unread_by_user(query).items() if ObjectId.is_valid(str(user_id))]
    if updates:
        User._get_collection().bulk_write(updates, ordered=False)


def fill_unread_counts() -> int:
    """Give every user the count of their unread notifications, once (for notifications stored before the count)."""
    if already_done(FILL_MIGRATION):
        return 0
    counts = _unread_by_user({})
    users = User._get_collection()
    updates = [UpdateOne({"_id": son["_id"]}, {"$set": {FIELD: counts.get(str(son["_id"]), 0)}})
               for son in users.find({}, {"_id": 1})]
    filled = users.bulk_write(updates, ordered=False).modified_count if updates else 0
    mark_done(FILL_MIGRATION)
    return filled
