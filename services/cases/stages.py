"""Stages on the case list: a case entering one (its place in the stage order included), the stage filter."""

from __future__ import annotations

from datetime import datetime

from errors import NotFound
from memo import Memo
from models.case import Case, WorkflowVersion
from services.common.language import active_language
from services.common.migrations import already_done, mark_done
from services.pathways.store import definition_version
from workflows.declarations import partner_pathways
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


def state_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return (pathway title, [("pathway:state", label)]) for the newest version of each pathway, for the filter.

    Pathways name their stages alike ("follow_up" is one thing in one and another in the next) and label them
    alike too, so a stage is chosen within its pathway.
    """
    newest: dict[str, int] = {}
    # Keys and versions only: the parsed definitions themselves are cached per version in the process.
    for stored in WorkflowVersion.objects.only("key", "version").order_by("key", "-version"):
        newest.setdefault(stored.key, stored.version)
    groups, language = [], active_language()
    found = {key_: definition_version(key_, version) for key_, version in newest.items()}
    partners = _partner_keys(found)  # a partner's record is never in this list: its stages would match nothing
    for key_, stored in found.items():
        if key_ in partners:
            continue
        defn = stored.in_language(language)  # its words in the page's language
        groups.append((defn.title, [(f"{key_}:{key}", state.label) for key, state in defn.states.items()]))
    return sorted(groups, key=lambda group: group[0].lower())


_partners = Memo(64)


def _partner_keys(found: dict) -> frozenset[str]:
    """Return which of these pathways are partner records (worked out once per set of pathway contents)."""
    key = tuple(sorted((name, defn.content_hash) for name, defn in found.items()))
    return _partners.get(key, lambda: frozenset(partner_pathways({k: d.to_dict() for k, d in found.items()})))


def stage_filter(state: str) -> dict:
    """Return the filter for a chosen stage: "pathway:state", or a bare state name in every pathway."""
    pathway, _, name = state.rpartition(":")
    return {"workflow_key": pathway, "state": name} if pathway else {"state": name}
