"""The aggregation pipelines behind the reports: MongoDB counts, Python only reads the grouped rows.

Every pipeline starts with a `$match` that an index serves (see the models' `indexes` and
tests/services/reports/test_report_queries.py) and reads one collection. The funnel's rules (`funnel_flags`) count each
case into the cohort counters (services/reports/cohort.py) from what it keeps of its history and submissions
(services/reports/fields.py). Which states, transitions and forms count come from the pathway files' `reports:`
sections, passed in as data.
"""

from __future__ import annotations

from datetime import datetime

from models.deadline import CANCELLED, MET
from models.user import User

STAGES = ("referred", "accepted", "started", "completed", "dropped")


# The deadlines' timeliness index (models/deadline.py), named to the planner, which otherwise may try the sweep's
# (status, next_action_at) index, as selective for a small collection but needing every deadline fetched.
TIMELINESS_INDEX = {"due_at": 1, "status": 1, "late": 1, "key": 1, "label": 1, "team": 1}


def timeliness_pipeline(scope: dict, low: datetime, high: datetime) -> list[dict]:
    """Return the pipeline counting deadlines that came due in [low, high) per kind, month, status and lateness.

    It reads only fields of the deadlines' timeliness index (TIMELINESS_INDEX), so MongoDB answers from the index
    without fetching a deadline, in one plain group (a few rows per kind and month).
    """
    return [
        {"$match": {**scope, "due_at": {"$gte": low, "$lt": high}, "status": {"$ne": CANCELLED}}},
        {"$group": {"_id": {"key": "$key", "month": {"$dateToString": {"format": "%Y-%m", "date": "$due_at"}},
                            "met": {"$eq": ["$status", MET]}, "late": {"$eq": ["$late", True]}},
                    "label": {"$max": "$label"}, "n": {"$sum": 1}}},
    ]


def _any(field: str, values) -> dict:
    return {"$gt": [{"$size": {"$setIntersection": [field, {"$literal": sorted(values)}]}}, 0]}


def _reached(rule: dict) -> dict:
    return {"$or": [_any("$states", rule.get("states", ())), _any("$names", rule.get("transitions", ()))]}


def _per_pathway(funnels: dict[str, dict], expression) -> dict:
    """Return an expression choosing, by the case's pathway, that pathway's version of `expression(funnel)`."""
    return {"$switch": {"branches": [{"case": {"$eq": ["$workflow_key", key]}, "then": expression(funnel)}
                                     for key, funnel in funnels.items()], "default": False}}


def funnel_flags(funnels: dict[str, dict], keep=()) -> list[dict]:
    """Return the stages setting, on each case, whether it reached each stage of its pathway's funnel.

    A case reaches a stage when it has ever been in one of the stage's states (its current one included) or has
    ever taken one of its transitions (kept on the case as `passed_states` and `taken_transitions`); it dropped
    out when it started, did not complete, and then closed, sits in a drop-out state, or took a drop-out
    transition. `keep` names further fields to carry through.
    """
    flags = {stage: _per_pathway(funnels, lambda f, s=stage: _reached(f[s]))
             for stage in ("accepted", "started", "completed")}
    dropping = _per_pathway(funnels, lambda f: {"$or": [
        {"$in": ["$state", {"$literal": list(f["dropped"].get("states", ()))}]},
        _any("$names", f["dropped"].get("transitions", ()))]})
    kept = dict.fromkeys(["workflow_key", *keep], 1)
    return [
        {"$project": {**kept, "state": 1, "closed": {"$eq": ["$status", "closed"]},
                      "states": {"$setUnion": [{"$ifNull": ["$passed_states", []]}, ["$state"]]},
                      "names": {"$ifNull": ["$taken_transitions", []]}}},
        {"$project": {**kept, **flags, "dropping": {"$or": ["$closed", dropping]}}},
        {"$project": {**kept, "accepted": {"$or": ["$started", "$accepted"]}, "started": 1,
                      "completed": {"$and": ["$started", "$completed"]},
                      "dropped": {"$and": ["$started", {"$not": ["$completed"]}, "$dropping"]}}},
    ]


def waiting_pipeline(scope: dict, now: datetime, time_zone: str = "UTC") -> list[dict]:
    """Return the pipeline counting the cases waiting now by whole calendar days waited (the service's days)."""
    days = {"$max": [0, {"$ifNull": [{"$dateDiff": {"startDate": "$waiting_since", "endDate": now,
                                                    "unit": "day", "timezone": time_zone}}, 0]}]}
    return [
        {"$match": {"on_waiting_list": True, **scope, "kind": "perpetrator", "status": "open"}},
        {"$group": {"_id": days, "count": {"$sum": 1}}},
    ]


def waiting_states(definitions) -> list[str]:
    """Return the states whose entry puts a case on the waiting list, as the pathway files declare them."""
    return sorted({name for defn in definitions.values() for name, state in defn.states.items()
                   if any(entry == "join_waiting_list" or (isinstance(entry, dict) and "join_waiting_list" in entry)
                          for entry in state.on_enter)})


def caseload_pipeline(scope: dict, workers: list[str]) -> list[dict]:
    """Return the pipeline counting open perpetrator cases per team and allocated worker."""
    return [
        {"$match": {**scope, "kind": "perpetrator", "status": "open", "allocated_to": {"$in": workers}}},
        {"$group": {"_id": {"team": "$team", "worker": "$allocated_to"}, "count": {"$sum": 1}}},
    ]


def practitioners(scope: dict) -> list[dict]:
    """Return the active practitioners of the scope: id, team and capacity (staff, so a bounded list)."""
    return list(User.objects(**scope, roles="practitioner", active=True).only("team", "capacity")
                .batch_size(10_000).as_pymongo())

