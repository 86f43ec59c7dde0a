"""A case entering a stage: the fields that change together, its place in the case list's stage order included."""

from __future__ import annotations

from datetime import datetime

from errors import NotFound
from models.case import Case
from services.common.migrations import already_done, mark_done
from services.pathways.store import definition_version
from workflows.definition import WorkflowDefinition

STAGE_ORDER_MIGRATION = "case_stage_order"


def entering(defn: WorkflowDefinition, state: str, now: datetime) -> dict:
    """Return the update that puts a case in a state of its pathway (mongoengine's set__ form)."""
    # The order is kept on the case so that a list sorted by stage is an index walk, in the pathway's own order.
    return {"set__state": state, "set__state_entered_at": now, "set__stage_order": stage_order(defn, state)}


def stage_order(defn: WorkflowDefinition, state: str) -> str:
    """Return what a case list sorted by stage orders a case by: its pathway, then its stage's place in the pathway."""
    # Ordered by pathway first, so that cases at one pathway's stage stay together, each pathway in its own order.
    return f"{defn.key}:{defn.stage_rank(state):04d}" if state else ""


def fill_stage_orders() -> int:
    """Give every case stored before stage orders were kept its stage's order, once; return how many were given one."""
    if already_done(STAGE_ORDER_MIGRATION):
        return 0
    cases = Case._get_collection()
    missing = {"stage_order": {"$exists": False}}
    filled = 0
    for group in cases.aggregate([{"$match": missing}, {"$group": {"_id": {
            "key": "$workflow_key", "version": "$workflow_version", "state": "$state"}}}]):
        key, version, state = (group["_id"].get(name) for name in ("key", "version", "state"))
        try:
            order = stage_order(definition_version(key, version), state or "")
        except NotFound:  # a pathway version no longer stored: its cases sort first rather than stop the start
            order = ""
        filled += cases.update_many({**missing, "workflow_key": key, "workflow_version": version, "state": state},
                                    {"$set": {"stage_order": order}}).modified_count
    mark_done(STAGE_ORDER_MIGRATION)
    return filled
