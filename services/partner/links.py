"""A perpetrator's case keeps the ids of the partner records opened from it: the case page reads the record by id."""

from __future__ import annotations

from pymongo import UpdateOne

from models.case import Case
from services.common.migrations import already_done, mark_done

LINKS_MIGRATION = "partner_record_links"


def fill_partner_links() -> int:
    """Give each case the id of every partner record naming it as parent that it does not hold yet, once.

    Return how many cases were given one. Opening a partner record links it in the same unit of work; this covers
    records stored by anything older or by hand.
    """
    if already_done(LINKS_MIGRATION):
        return 0
    cases = Case._get_collection()
    updates = [UpdateOne({"_id": son["parent_case_id"]}, {"$addToSet": {"linked_case_ids": son["_id"]}})
               for son in cases.find({"kind": "partner", "parent_case_id": {"$ne": None}}, {"parent_case_id": 1})]
    filled = cases.bulk_write(updates, ordered=False).modified_count if updates else 0
    mark_done(LINKS_MIGRATION)
    return filled
